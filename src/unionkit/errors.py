"""Every exception unionkit raises, each also an instance of the builtin it resembles."""

from __future__ import annotations

from collections.abc import Sequence

from unionkit.masking import scrub

__all__ = [
    "CalendarDataError",
    "CalendarDataMissing",
    "CalendarFileError",
    "ConflictError",
    "IllegalTransition",
    "InvalidActivityData",
    "InvalidBranch",
    "InvalidBudgetData",
    "InvalidDemandData",
    "InvalidGrantData",
    "InvalidIdNumber",
    "InvalidMemberData",
    "InvalidSurveyData",
    "NoData",
    "NotFound",
    "ParameterError",
    "PluginConflict",
    "PluginError",
    "PluginLoadError",
    "ProviderUnavailable",
    "QuotaExceeded",
    "Rejected",
    "RosterFormatError",
    "RuleDefinitionError",
    "RuleEvaluationError",
    "RuleSyntaxError",
    "StoreError",
    "UnionkitError",
    "UnionkitPluginWarning",
]


class UnionkitError(Exception):
    """Base class of every error raised by unionkit."""


class InvalidIdNumber(UnionkitError, ValueError):
    """
    A resident ID or phone number failed validation.

    The message never contains the full number, only its masked form.

    Args:
        code: A stable machine-readable reason, e.g. ``"checksum"``.
        message_zh: The reason in Chinese.
        message_en: The reason in English.
    """

    def __init__(self, code: str, message_zh: str, message_en: str) -> None:
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_en} / {message_zh}")


class InvalidMemberData(UnionkitError, ValueError):
    """
    One record failed validation; wraps the individual problems.

    Args:
        record: Which record (a member id or row number) the problems belong to.
        problems: Human-readable problem lines, already masked.
    """

    def __init__(self, record: str, problems: Sequence[str]) -> None:
        self.record = record
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"Invalid data for record {record!r}:\n{lines}")


class InvalidGrantData(InvalidMemberData):
    """A proposed grant, approval or correction is invalid (unknown member, bad amount ...)."""


class RosterFormatError(UnionkitError, ValueError):
    """A roster file cannot be read at all (encoding, empty file, missing required columns)."""

    def __init__(self, path: str, message_zh: str, message_en: str) -> None:
        self.path = path
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{path}: {message_en} / {message_zh}")


class RuleDefinitionError(UnionkitError, ValueError):
    """
    A rule, expression or rule file is invalid (unknown field, type mismatch, cycle, syntax).

    Args:
        message: What is wrong, in English and Chinese, naming the rule and, for a file,
            the file and line.
        rule: The rule at fault, when one is (what the plugin host and the rule-file
            loader use to say who wrote it, rather than reading the message).
        parameters: The parameters read by the failing part of the rule, if any.

    .. versionchanged:: 0.1.0
       Carries ``rule`` and ``parameters``.
    """

    def __init__(
        self, message: str = "", *, rule: str | None = None, parameters: Sequence[str] = ()
    ) -> None:
        self.rule = rule
        self.parameters = tuple(parameters)
        super().__init__(message)


class RuleSyntaxError(RuleDefinitionError):
    """
    An expression of the rule language cannot be parsed.

    Args:
        message: What was expected, in English and Chinese, with the position.
        line: The 1-based line within the expression.
        column: The 1-based column within the expression.
    """

    def __init__(self, message: str, *, line: int, column: int, rule: str | None = None) -> None:
        self.line = line
        self.column = column
        super().__init__(message, rule=rule)


class RuleEvaluationError(UnionkitError, RuntimeError):
    """A rule could not be evaluated on the given data (missing column, wrong dtype)."""


class ParameterError(UnionkitError, LookupError):
    """A parameter is unknown, or has no value at the requested date."""


class CalendarDataMissing(UnionkitError, LookupError):
    """
    The working-day calendar has no official holiday data for a year.

    The message gives the remedies in Chinese and English: add the State Council's
    notice as a year file (``unionkit calendar add FILE``), have a branch plugin return
    it from ``unionkit_register_calendar_years``, upgrade chinesecalendar or
    python-holidays once a release carries it, or opt in to a weekends-only estimate
    (``--estimate`` on the command line, ``estimate=True`` in Python).
    """

    def __init__(self, year: int, message: str | None = None) -> None:
        self.year = year
        super().__init__(
            message
            or (
                f"未载入{year}年的法定节假日安排（国务院办公厅通知），无法按工作日计算期限。"
                f"处理办法：把通知整理成年度文件后运行 unionkit calendar add 文件；"
                f"或由分会插件通过 unionkit_register_calendar_years 钩子提供该年数据；"
                f"或在新版 chinesecalendar / holidays 发布后升级；"
                f"或加 --estimate（Python 中 estimate=True）仅按周末估算，结果标为估算。\n"
                f"No official holiday arrangement for {year} is loaded, so working-day "
                f"deadlines cannot be computed. Remedy: transcribe the State Council notice "
                f"into a year file and run `unionkit calendar add FILE`; or have a branch "
                f"plugin return the year from the `unionkit_register_calendar_years` hook; "
                f"or upgrade chinesecalendar / holidays once a release carries {year}; or pass "
                f"--estimate (estimate=True in Python) to skip weekends only, marked estimated."
            )
        )


class CalendarDataError(UnionkitError, ValueError):
    """A year's holiday arrangement (a calendar data file or ``CalendarYear``) is invalid."""


class CalendarFileError(CalendarDataError):
    """
    A year file is invalid; ``problems`` lists each problem with its line.

    Args:
        file: The file's path.
        problems: ``(line, English text, Chinese text)`` for each problem found.

    .. versionadded:: 0.2.0
    """

    def __init__(self, file: str, problems: list[tuple[int, str, str]]) -> None:
        self.file = file
        self.problems = sorted(problems)
        lines = [f"  line {line} / 第{line}行: {en} / {zh}" for line, en, zh in self.problems]
        super().__init__(
            f"{file}: invalid year file, {len(self.problems)} problem(s) / "
            f"年度节假日文件有{len(self.problems)}处错误\n" + "\n".join(lines)
        )


class InvalidDemandData(UnionkitError, ValueError):
    """
    A demand or one of its actions carries invalid data; nothing was stored.

    Args:
        record: Which demand (its id, or ``"new demand"``) the problems belong to.
        problems: Human-readable problem lines naming the field and the reason.
    """

    def __init__(self, record: str, problems: Sequence[str]) -> None:
        self.record = record
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"Invalid data for demand {record!r} / 诉求数据有误:\n{lines}")


class _InvalidRecord(UnionkitError, ValueError):
    """A record is invalid; ``record`` names it and ``problems`` lists field and reason."""

    _what = ("data", "数据")

    def __init__(self, record: str, problems: Sequence[str]) -> None:
        self.record = record
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        en, zh = self._what
        super().__init__(f"Invalid {en} for {record!r} / {zh}有误:\n{lines}")


class InvalidActivityData(_InvalidRecord):
    """
    An activity, registration, attendance, contest entry or score is invalid; nothing was stored.

    Args:
        record: Which record (an activity id, ``activity/member``, ``event/judge``) it is.
        problems: Human-readable problem lines naming the field and the reason.

    .. versionadded:: 0.1.0
    """

    _what = ("activity data", "活动数据")


class InvalidBudgetData(_InvalidRecord):
    """
    A budget entry is invalid (unknown category, bad amount, no source …); nothing was stored.

    Args:
        record: Which budget (``year/category[/programme]``) the problems belong to.
        problems: Human-readable problem lines naming the field and the reason.

    .. versionadded:: 0.2.0
    """

    _what = ("budget data", "预算数据")


class InvalidSurveyData(_InvalidRecord):
    """
    A survey or a response file is invalid (unknown column, grade outside the scale …).

    Nothing of the file was stored.

    Args:
        record: Which survey, file row or column the problems belong to.
        problems: Human-readable problem lines naming the field and the reason.

    .. versionadded:: 0.1.0
    """

    _what = ("survey data", "问卷数据")


class NoData(UnionkitError, LookupError):
    """
    A report was asked for a period in which nothing was recorded.

    .. versionadded:: 0.1.0
    """


class IllegalTransition(UnionkitError, ValueError):
    """
    A demand was asked to make a transition its current state does not allow.

    Args:
        demand_id: The demand.
        state: Its current state's value, e.g. ``"closed"``.
        action: The refused action's value, e.g. ``"resolve"``.
        message: The full bilingual message.
    """

    def __init__(self, demand_id: str, state: str, action: str, message: str) -> None:
        self.demand_id = demand_id
        self.state = state
        self.action = action
        super().__init__(message)


class ConflictError(UnionkitError, RuntimeError):
    """Another writer changed the record first (optimistic version check failed)."""


class NotFound(UnionkitError, KeyError):
    """A record asked for by id does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class StoreError(UnionkitError, RuntimeError):
    """
    The database failed; the message is masked (no SQL parameters, no personal values).

    ``reason`` is a stable code such as ``disk_full``, ``read_only``, ``not_a_database``,
    ``unknown_scheme`` or ``database`` (see ``docs/threat-model.md``).
    """

    reason: str = "database"


class Rejected(UnionkitError, ValueError):
    """A plugin's validation hook vetoed an operation; ``plugin_name`` names it when known."""

    plugin_name: str | None = None


class InvalidBranch(UnionkitError, ValueError):
    """A branch slug is not a short lowercase name."""


class QuotaExceeded(Rejected):
    """A member's choice would take them over their quota for a benefit and period."""


class ProviderUnavailable(UnionkitError, ConnectionError):
    """A welfare provider could not be reached after the bounded retries; nothing was recorded."""


class UnionkitPluginWarning(UserWarning):
    """A plugin was skipped (for example its ``UNIONKIT_REQUIRES`` does not match)."""


_KIND_ZH = {
    "rule": "规则",
    "parameter": "参数",
    "field": "字段",
    "hardship criterion": "困难认定标准",
    "care trigger": "关怀触发条件",
    "deadline": "办理时限",
    "calendar year": "节假日安排",
    "welfare provider": "福利供应商",
}


class PluginConflict(UnionkitError, ValueError):
    """
    Two plugins define the same rule, parameter or setting and neither declares an override.

    Args:
        kind: What clashes (``"rule"``, ``"parameter"``, ``"field"`` ...).
        name: The clashing name.
        plugins: The plugins that define it, in registration order.
    """

    def __init__(self, kind: str, name: str, plugins: Sequence[str]) -> None:
        self.kind = kind
        self.name = name
        self.plugins = tuple(plugins)
        both = " and ".join(repr(p) for p in self.plugins)
        super().__init__(
            f"Plugins {both} both define {kind} {name!r}; "
            f"declare an override in one of them\n"
            f"插件{'、'.join(self.plugins)}重复定义了{_KIND_ZH.get(kind, kind)} {name!r}，"
            f"须在其中一个插件中声明覆盖"
        )


class PluginLoadError(UnionkitError, ImportError):
    """
    A plugin could not be imported or registered.

    Args:
        message: What went wrong, in English and Chinese, naming the plugin(s).
        plugin_name: The plugin at fault, when there is one (``None`` when, say, a name
            given to ``--plugin`` is not installed at all).

    .. versionchanged:: 0.1.0
       Carries ``plugin_name``.
    """

    def __init__(self, message: str, *, plugin_name: str | None = None) -> None:
        self.plugin_name = plugin_name
        super().__init__(message)


class PluginError(UnionkitError, RuntimeError):
    """
    A plugin's hook raised or returned something invalid.

    Args:
        plugin_name: The plugin that failed.
        hook_name: The hook it failed in.
        cause: The original exception.
    """

    def __init__(self, plugin_name: str, hook_name: str, cause: BaseException) -> None:
        self.plugin_name = plugin_name
        self.hook_name = hook_name
        # A plugin's own exception text may quote a member's ID or phone number.
        super().__init__(
            f"Plugin {plugin_name!r} failed in hook {hook_name!r}\n"
            f"cause: {type(cause).__name__}: {scrub(str(cause))}"
        )
