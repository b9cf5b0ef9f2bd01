"""Declarative YAML rule tests, run by pytest (a plugin registered under ``pytest11``)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest

from unionkit.money import FEN, fen_to_yuan

if TYPE_CHECKING:
    import numpy as np
    from _pytest._code.code import ExceptionInfo, TerminalRepr

    from unionkit.rulefiles.coverage import RuleCoverage
    from unionkit.rulefiles.schema import RuleTestCaseSpec, RuleTestFileSpec
    from unionkit.rulefiles.yamlfile import YamlDocument
    from unionkit.rules import RuleSet, ValueType

__all__ = [
    "MEMBER_DEFAULTS",
    "RuleCaseFailure",
    "RuleTestFile",
    "RuleTestItem",
    "is_rule_test_file",
    "pytest_collect_file",
    "rows_to_columns",
]

SUFFIXES = (".ruletest.yaml", ".ruletest.yml")
"""A file whose name ends with one of these is a YAML rule test."""

MEMBER_DEFAULTS: Mapping[str, object] = {
    "is_member": True,
    "frontline": False,
    "serious_illness": False,
    "status": "active",
}
"""Values a test member gets when the case leaves them out (as ``unionkit.models.Member`` does)."""


def is_rule_test_file(path: Path) -> bool:
    """Return whether *path* is named like a YAML rule test (``*.ruletest.yaml``)."""
    return path.name.endswith(SUFFIXES)


def pytest_addoption(parser: pytest.Parser) -> None:
    """The rule-coverage options: a terminal summary, a JSON report and a floor."""
    group = parser.getgroup("unionkit-rules", "unionkit YAML rule tests")
    group.addoption(
        "--rules-coverage",
        action="store_true",
        default=False,
        help="report which rules, decision-table rows and where branches no case exercised",
    )
    group.addoption(
        "--rules-coverage-json",
        metavar="PATH",
        default=None,
        help="write the rule coverage as JSON to PATH (implies --rules-coverage)",
    )
    group.addoption(
        "--rules-coverage-source",
        metavar="PATH",
        action="append",
        default=[],
        help="measure only the rules written in PATH (a rules file or a folder); repeatable",
    )
    group.addoption(
        "--rules-coverage-fail-under",
        metavar="PERCENT",
        type=float,
        default=None,
        help="fail the run if rule coverage is below PERCENT (implies --rules-coverage)",
    )


_COVERAGE: pytest.StashKey[RuleCoverage] = pytest.StashKey()


def pytest_configure(config: pytest.Config) -> None:
    """Start collecting rule coverage when one of its options is given."""
    if (
        config.getoption("rules_coverage", False)
        or config.getoption("rules_coverage_json", None)
        or config.getoption("rules_coverage_fail_under", None) is not None
        or config.getoption("rules_coverage_source", None)
    ):
        from unionkit.rulefiles.coverage import RuleCoverage

        restricted = bool(config.getoption("rules_coverage_source", None))
        config.stash[_COVERAGE] = RuleCoverage(restricted=restricted)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the JSON report, and fail the run below the floor."""
    config = session.config
    collector = config.stash.get(_COVERAGE, None)
    if collector is None:
        return
    report = collector.report()
    path = config.getoption("rules_coverage_json", None)
    if path:
        report.write_json(Path(path))
    floor = config.getoption("rules_coverage_fail_under", None)
    if floor is not None and report.percent() < floor and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """The rule-coverage section: per rules file, the totals, then every item not exercised."""
    collector = config.stash.get(_COVERAGE, None)
    if collector is None:
        return
    report = collector.report()
    terminalreporter.section("rule coverage / 规则覆盖率")
    for line in report.lines():
        terminalreporter.write_line(line)
    floor = config.getoption("rules_coverage_fail_under", None)
    if floor is not None:
        verdict = "FAIL" if report.percent() < floor else "OK"
        terminalreporter.write_line(
            f"{verdict}: rule coverage {report.percent():.1f}% "
            f"(required {floor:g}%) / 规则覆盖率 {report.percent():.1f}%（要求 {floor:g}%）"
        )


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> RuleTestFile | None:
    """Collect ``*.ruletest.yaml`` files as rule tests; everything else is left to pytest."""
    if is_rule_test_file(file_path):
        return RuleTestFile.from_parent(parent, path=file_path)
    return None


class RuleCaseFailure(AssertionError):
    """A YAML rule test case gave values other than those expected."""


class _Loaded:
    """A test file's rule set, built once and shared by its cases."""

    def __init__(
        self, ruleset: RuleSet, fields: Mapping[str, ValueType], origins: Mapping[str, str]
    ) -> None:
        self.ruleset = ruleset
        self.fields = fields
        self.origins = origins


class RuleTestFile(pytest.File):
    """
    A ``*.ruletest.yaml`` file: which rules to load, and the cases to run against them.

    .. versionadded:: 0.1.0
    """

    _loaded: _Loaded | None = None

    def collect(self) -> Iterator[RuleTestItem]:
        """Read the file strictly and yield one item per case."""
        from unionkit.rulefiles.schema import RuleTestFileSpec, validate
        from unionkit.rulefiles.yamlfile import read_yaml

        self.doc = read_yaml(self.path)
        self.spec = validate(self.doc, RuleTestFileSpec)
        seen: dict[str, int] = {}
        for i, case in enumerate(self.spec.cases):
            line = self.doc.line_of(("cases", i))
            if case.name in seen:
                from unionkit.errors import RuleDefinitionError

                raise RuleDefinitionError(
                    f"{self.doc.name}, line {line}: case name {case.name!r} is used twice "
                    f"(first on line {seen[case.name]}) / 用例名称重复"
                )
            seen[case.name] = line
            yield RuleTestItem.from_parent(self, name=case.name, index=i, line=line)

    def loaded(self) -> _Loaded:
        """Build (once) the rule set the file asks for."""
        if self._loaded is None:
            ruleset, fields = _build(self.path, self.doc, self.spec)
            origins = {}
            if _COVERAGE in self.config.stash:
                origins = _origins(self.path, self.spec, self.config)
            self._loaded = _Loaded(ruleset, fields, origins)
        return self._loaded

    def repr_failure(
        self, excinfo: ExceptionInfo[BaseException], style: Any = None
    ) -> str | TerminalRepr:
        """Show a broken test file as its message, not a traceback into unionkit."""
        from unionkit.errors import UnionkitError

        if isinstance(excinfo.value, UnionkitError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class RuleTestItem(pytest.Item):
    """
    One case of a YAML rule test: members, an evaluation date and expected values.

    .. versionadded:: 0.1.0
    """

    def __init__(self, *, index: int, line: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.line = line

    def runtest(self) -> None:
        """Evaluate the case in batch and one member at a time; compare with what is expected."""
        parent = self.parent
        assert isinstance(parent, RuleTestFile)
        loaded = parent.loaded()
        case = parent.spec.cases[self.index]
        problems = _run_case(parent.doc, self.index, case, loaded.ruleset, loaded.fields)
        collector = self.config.stash.get(_COVERAGE, None)
        if collector is not None:
            data = rows_to_columns([{**MEMBER_DEFAULTS, **m} for m in case.members], loaded.fields)
            wanted = sorted({rule for expected in case.expect.values() for rule in expected})
            collector.record(loaded.ruleset, data, case.as_of, wanted, loaded.origins)
        if problems:
            raise RuleCaseFailure("\n".join(problems))

    def repr_failure(
        self, excinfo: ExceptionInfo[BaseException], style: Any = None
    ) -> str | TerminalRepr:
        """Show the per-member, per-rule differences instead of a traceback."""
        from unionkit.errors import UnionkitError

        if isinstance(excinfo.value, RuleCaseFailure | UnionkitError):
            return f"{self.path}, line {self.line}, case {self.name!r}:\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        """Point reports at the case's line in the YAML file."""
        return self.path, self.line - 1, f"rule case: {self.name}"


def rows_to_columns(
    rows: Sequence[Mapping[str, object]], fields: Mapping[str, ValueType]
) -> dict[str, np.ndarray[Any, Any]]:
    """
    Turn member rows (plain values) into the rules engine's column input.

    Every field in *fields* gets a column, with the same conventions as
    ``unionkit.io.members_to_columns``: text as ``object`` arrays with None,
    dates as ``datetime64[D]`` with NaT, booleans as ``bool`` and integers as
    ``int64`` (masked where missing), numbers as ``float64`` with NaN, and
    money as ``object`` arrays of exact ``Decimal`` yuan with None.

    Args:
        rows: One mapping per member; money in yuan (``int`` or ``Decimal``).
        fields: The columns to build and their types.

    Returns:
        ``{field: array}``.

    .. versionadded:: 0.1.0
    """
    import numpy as np

    n = len(rows)
    out: dict[str, np.ndarray[Any, Any]] = {}
    for name, vtype in fields.items():
        raw = [row.get(name) for row in rows]
        missing = np.fromiter((v is None for v in raw), dtype=bool, count=n)
        kind = str(vtype)
        if kind == "text":
            arr = np.empty(n, dtype=object)
            arr[:] = [None if v is None else str(v) for v in raw]
            out[name] = arr
        elif kind == "money":
            # exact Decimal yuan: the engine's documented money input, free of fen/yuan doubt
            arr = np.empty(n, dtype=object)
            arr[:] = [None if v is None else Decimal(v) for v in raw]  # type: ignore[arg-type]
            out[name] = arr
        elif kind == "date":
            out[name] = np.array(
                [
                    np.datetime64("NaT") if v is None else np.datetime64(cast(date, v), "D")
                    for v in raw
                ],
                dtype="datetime64[D]",
            ).reshape(n)
        elif kind == "number":
            out[name] = np.array(
                [
                    math.nan if v is None else float(v)  # type: ignore[arg-type]
                    for v in raw
                ],
                dtype=np.float64,
            ).reshape(n)
        else:
            if kind == "bool":
                data = np.array([bool(v) for v in raw], dtype=bool).reshape(n)
            else:
                data = np.array(
                    [0 if v is None else int(v) for v in raw],  # type: ignore[call-overload]
                    dtype=np.int64,
                ).reshape(n)
            out[name] = np.ma.MaskedArray(data, mask=missing) if missing.any() else data
    return out


def _build(
    path: Path, doc: YamlDocument, spec: RuleTestFileSpec
) -> tuple[RuleSet, Mapping[str, ValueType]]:
    from unionkit.rulefiles.assembly import assemble
    from unionkit.rulefiles.bundle import empty_bundle, make_parameter
    from unionkit.rules import Parameters

    inline = Parameters()
    for name, pspec in spec.parameters.items():
        inline.add(make_parameter(name, pspec, path.name, doc.where(("parameters", name))))
    ruleset = assemble(
        [path.parent / f for f in spec.rule_files],
        [path.parent / f for f in spec.parameter_files],
        base=None if spec.standard else empty_bundle(),
        parameters=inline if len(inline) else None,
        source=path.name,
    )
    return ruleset, ruleset.fields


def _origins(path: Path, spec: RuleTestFileSpec, config: pytest.Config) -> dict[str, str]:
    """
    Each rule's file and line: the standard library's rules (when the file loads it), then the
    file's own rule files; only those under a ``--rules-coverage-source`` when one is given.

    Paths are shown relative to the folder pytest was started in, where they can be.
    """
    from unionkit.rulefiles.bundle import read_rule_files
    from unionkit.rulefiles.library import standard_bundle

    here = config.invocation_params.dir.resolve()
    sources = [(here / s).resolve() for s in config.getoption("rules_coverage_source", None) or []]
    out: dict[str, str] = {}
    if spec.standard:
        out.update(standard_bundle().origins)
    if spec.rule_files:
        out.update(read_rule_files([path.parent / f for f in spec.rule_files]).origins)
    shown: dict[str, str] = {}
    for name, where in out.items():
        file, sep, line = where.rpartition(", line ")
        if not sep:
            continue
        full = Path(file).resolve()
        if sources and not any(full == s or s in full.parents for s in sources):
            continue
        try:
            text = full.relative_to(here).as_posix()
        except ValueError:
            text = full.as_posix()
        shown[name] = f"{text}, line {line}"
    return shown


def _check_member(
    doc: YamlDocument,
    at: tuple[str | int, ...],
    row: Mapping[str, object],
    fields: Mapping[str, ValueType],
) -> list[str]:
    problems = []
    for key, value in row.items():
        where = doc.where((*at, key))
        vtype = fields.get(key)
        if vtype is None:
            known = ", ".join(sorted(fields))
            problems.append(f"{where}: unknown field {key!r} (known: {known}) / 未知字段 {key!r}")
            continue
        if value is None or _fits(value, str(vtype)):
            continue
        problems.append(
            f"{where}: field {key!r} needs a {vtype} value, not {value!r} / "
            f"字段 {key!r} 应为{vtype.label_zh}"
        )
    if row.get("member_id") is None:
        problems.append(
            f"{doc.where(at)}: every member needs a member_id / 每个成员都需要 member_id"
        )
    return problems


def _case_events(
    doc: YamlDocument,
    at: tuple[str | int, ...],
    case: RuleTestCaseSpec,
    fields: Mapping[str, ValueType],
) -> tuple[dict[str, Any] | None, list[str]]:
    """A case's ``events:`` as tables for ``evaluate(events=...)``, and what is wrong with them."""
    from unionkit.rules.events import event_kinds

    if not case.events:
        return None, []
    kinds = event_kinds(fields)
    problems: list[str] = []
    tables: dict[str, Any] = {}
    for kind, records in case.events.items():
        spec = kinds.get(kind)
        if spec is None:
            known = ", ".join(sorted(kinds)) or "none / 无"
            problems.append(
                f"{doc.where((*at, 'events', kind))}: unknown event kind {kind!r} "
                f"(declared: {known}) / 未声明的事件类别 {kind!r}"
            )
            continue
        columns = spec.columns
        for j, record in enumerate(records):
            for key, value in record.items():
                where = doc.where((*at, "events", kind, j, key))
                vtype = columns.get(key)
                if vtype is None:
                    problems.append(
                        f"{where}: event kind {kind!r} has no field {key!r} (fields: "
                        f"{', '.join(columns)}) / 事件类别 {kind!r} 没有字段 {key!r}"
                    )
                elif value is not None and not _fits(value, str(vtype)):
                    problems.append(
                        f"{where}: field {key!r} needs a {vtype} value / "
                        f"字段 {key!r} 应为{vtype.label_zh}"
                    )
        tables[kind] = rows_to_columns(records, columns)
    return tables, problems


def _fits(value: object, kind: str) -> bool:
    if kind == "bool":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind == "int":
        return isinstance(value, int)
    if kind == "money":
        return isinstance(value, int) or (
            isinstance(value, Decimal) and value == value.quantize(FEN)
        )
    if kind == "number":
        return isinstance(value, int | Decimal)
    if kind == "date":
        return isinstance(value, date)
    return isinstance(value, str | int)


def _cell(column: Any, i: int, kind: str) -> object:
    import numpy as np

    if isinstance(column, np.ma.MaskedArray) and bool(np.ma.getmaskarray(column)[i]):
        return None
    value = column[i]
    if value is None:
        return None
    if kind == "money":
        if isinstance(value, float | np.floating) and math.isnan(value):
            return None
        if isinstance(value, Decimal):
            return value
        return fen_to_yuan(int(value))
    if kind == "bool":
        return bool(value)
    if kind == "int":
        if isinstance(value, float | np.floating) and math.isnan(value):
            return None
        return int(value)
    if kind == "number":
        return None if math.isnan(float(value)) else float(value)
    if kind == "date":
        if isinstance(value, np.datetime64):
            if np.isnat(value):
                return None
            return date.fromisoformat(str(value.astype("datetime64[D]")))
        return value
    return str(value)


def _same(want: object, got: object, kind: str) -> bool:
    if want is None or got is None:
        return want is None and got is None
    if kind == "bool":
        return want is got or (isinstance(want, bool) and want == got)
    if kind == "money":
        return (
            isinstance(want, int | Decimal)
            and not isinstance(want, bool)
            and Decimal(want) == Decimal(str(got))
        )
    if kind == "number":
        return isinstance(want, int | Decimal) and math.isclose(
            float(want), float(str(got)), rel_tol=1e-9, abs_tol=1e-9
        )
    if kind == "int":
        return isinstance(want, int) and not isinstance(want, bool) and want == got
    return want == got


def _show(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _inputs_text(missing: Sequence[Any], member_id: str) -> str:
    """Missing inputs as a case writes them: ``field``, or ``field@member`` for another's."""
    shown = {m.field if m.member == member_id else f"{m.field}@{m.member}" for m in missing}
    return ", ".join(sorted(shown)) or "-"


def _check_named(
    doc: YamlDocument,
    at: tuple[str | int, ...],
    section: Mapping[str, Mapping[str, object]],
    ids: Sequence[str],
    rules: Mapping[str, Any],
) -> list[str]:
    """Every member and rule a case's ``expect`` or ``undetermined`` (at *at*) names must exist."""
    problems = []
    for member_id, named in section.items():
        if member_id not in ids:
            problems.append(
                f"{doc.where((*at, member_id))}: no member {member_id!r} "
                "in this case / 本用例中没有该成员"
            )
        for rule in named:
            if rule not in rules:
                problems.append(
                    f"{doc.where((*at, member_id, rule))}: unknown rule "
                    f"{rule!r} / 未知规则 {rule!r}"
                )
    return problems


def _run_case(
    doc: YamlDocument,
    index: int,
    case: RuleTestCaseSpec,
    ruleset: RuleSet,
    fields: Mapping[str, ValueType],
) -> list[str]:
    from unionkit.errors import RuleDefinitionError

    at: tuple[str | int, ...] = ("cases", index)
    problems: list[str] = []
    rows = []
    # an event kind's fields (kind.start ...) belong in the case's events, not on a member
    member_fields = {k: v for k, v in fields.items() if "." not in k}
    for j, member in enumerate(case.members):
        problems += _check_member(doc, (*at, "members", j), member, member_fields)
        rows.append({**MEMBER_DEFAULTS, **member})
    ids = [str(row.get("member_id")) for row in rows]
    if len(set(ids)) != len(ids):
        problems.append(
            f"{doc.where((*at, 'members'))}: member_id values must be unique / member_id 不能重复"
        )
    rules = ruleset.rules
    problems += _check_named(doc, (*at, "expect"), case.expect, ids, rules)
    problems += _check_named(doc, (*at, "undetermined"), case.undetermined, ids, rules)
    events, event_problems = _case_events(doc, at, case, fields)
    problems += event_problems
    if problems:
        raise RuleDefinitionError("\n".join(problems))
    wanted = sorted(
        {rule for expected in case.expect.values() for rule in expected}
        | {rule for named in case.undetermined.values() for rule in named}
    )
    data = rows_to_columns(rows, fields)
    batch = ruleset.evaluate(
        data,
        as_of=case.as_of,
        rules=wanted,
        undetermined=bool(case.undetermined),
        events=events,
    )
    frame = batch.frame
    lines: list[tuple[str, str, str, str]] = []
    explained: list[str] = []
    for member_id, expected in case.expect.items():
        j = ids.index(member_id)
        for rule, want in expected.items():
            kind = str(rules[rule].value_type)
            got = _cell(frame[rule], j, kind)
            single = ruleset.explain(
                data, rule, as_of=case.as_of, member=member_id, lang="en", events=events
            )
            if not _same(want, got, kind):
                lines.append((member_id, rule, _show(want), _show(got)))
                explained.append(f"--- why {rule} for {member_id} ---\n{single}")
            elif not _same(got, single.value, kind):
                lines.append(
                    (member_id, rule, f"{_show(want)} (batch)", f"{_show(single.value)} (explain)")
                )
    for member_id, named in case.undetermined.items():
        j = ids.index(member_id)
        for rule, inputs in named.items():
            want = ", ".join(sorted(set(inputs))) or "-"
            assert batch.reasons is not None
            got = _inputs_text(batch.reasons.missing(rule, j), member_id)
            single = ruleset.explain(data, rule, as_of=case.as_of, member=member_id, lang="en")
            told = _inputs_text(single.missing, member_id) if single.undetermined else "(known)"
            if _cell(frame[rule], j, str(rules[rule].value_type)) is not None:
                lines.append((member_id, rule, f"undetermined: {want}", "known"))
            elif got != want:
                lines.append((member_id, rule, f"undetermined: {want}", f"undetermined: {got}"))
                explained.append(f"--- why {rule} for {member_id} ---\n{single}")
            elif told != got:
                lines.append((member_id, rule, f"{got} (batch)", f"{told} (explain)"))
    if not lines:
        return []
    head = ("member", "rule", "expected", "actual")
    widths = [max(len(r[k]) for r in [head, *lines]) for k in range(4)]
    table = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [head, *lines]
    ]
    return [
        f"as of {case.as_of}: {len(lines)} value(s) differ / {len(lines)} 个结果与预期不符",
        *table,
        "",
        *explained,
    ]
