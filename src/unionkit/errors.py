"""Every exception unionkit raises, each also an instance of the builtin it resembles."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "CalendarDataMissing",
    "ConflictError",
    "IllegalTransition",
    "InvalidIdNumber",
    "InvalidMemberData",
    "NotFound",
    "ParameterError",
    "PluginError",
    "PluginLoadError",
    "Rejected",
    "RosterFormatError",
    "RuleDefinitionError",
    "RuleEvaluationError",
    "StoreError",
    "UnionkitError",
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


class RosterFormatError(UnionkitError, ValueError):
    """A roster file cannot be read at all (encoding, empty file, missing required columns)."""

    def __init__(self, path: str, message_zh: str, message_en: str) -> None:
        self.path = path
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{path}: {message_en} / {message_zh}")


class RuleDefinitionError(UnionkitError, ValueError):
    """A rule, expression or rule file is invalid (unknown field, type mismatch, cycle, syntax)."""


class RuleEvaluationError(UnionkitError, RuntimeError):
    """A rule could not be evaluated on the given data (missing column, wrong dtype)."""


class ParameterError(UnionkitError, LookupError):
    """A parameter is unknown, or has no value at the requested date."""


class CalendarDataMissing(UnionkitError, LookupError):
    """The working-day calendar has no official holiday data for a year."""

    def __init__(self, year: int, message: str | None = None) -> None:
        self.year = year
        super().__init__(
            message
            or (
                f"No official holiday arrangement for {year} is loaded; "
                f"add it with WorkCalendar.add_year() or the unionkit_extra_calendar hook / "
                f"未载入{year}年的法定节假日安排"
            )
        )


class IllegalTransition(UnionkitError, ValueError):
    """A demand was asked to make a transition its current state does not allow."""


class ConflictError(UnionkitError, RuntimeError):
    """Another writer changed the record first (optimistic version check failed)."""


class NotFound(UnionkitError, KeyError):
    """A record asked for by id does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class StoreError(UnionkitError, RuntimeError):
    """The store cannot be opened or migrated."""


class Rejected(UnionkitError, ValueError):
    """A plugin's validation hook vetoed an operation."""


class PluginLoadError(UnionkitError, ImportError):
    """A plugin could not be imported or registered."""


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
        super().__init__(
            f"Plugin {plugin_name!r} failed in hook {hook_name!r}\n"
            f"cause: {type(cause).__name__}: {cause}"
        )
