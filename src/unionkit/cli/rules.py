"""``unionkit evaluate`` and ``unionkit explain``: run the rule set over a roster file."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from unionkit.cli.app import app
from unionkit.cli.i18n import cli_date, did_you_mean
from unionkit.cli.lang import Lang
from unionkit.cli.options import LangOption, ParamsOption, RuleFilesOption
from unionkit.cli.plugins import BranchOpt, NoPluginOpt, PluginOpt, branch_definitions
from unionkit.io.evaluation import RESULT_FORMATS, format_count, write_results
from unionkit.labels import Texts
from unionkit.money import format_fen

if TYPE_CHECKING:
    import numpy as np

    from unionkit.io import RosterImport
    from unionkit.rules import RuleSet

__all__ = ["evaluate", "explain", "roster_columns"]

SHOWN_ROW_ERRORS = 5
"""How many row errors ``evaluate`` and ``explain`` list on stderr before only counting."""

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


_TEXT = {
    "title": (
        "规则评估（仅统计会员：{members} 名会员，另有 {relatives} 名家属已评估未计入）",
        "Rule evaluation, union members only ({members} members counted; "
        "{relatives} relatives evaluated, not counted)",
    ),
    "rule": ("规则", "rule"),
    "same_label": ("{label}（同名 {n}/{of}）", "{label} (same name, {n} of {of})"),
    "label": ("名称", "label"),
    "result": ("结果", "result"),
    "unknown": ("待定", "undetermined"),
    "missing_inputs": ("缺少的输入", "missing inputs"),
    "bad_undetermined": (
        "--undetermined 文件须以 .csv、.xlsx 或 .json 结尾：{path}",
        "the --undetermined file must end in .csv, .xlsx or .json: {path}",
    ),
    "undetermined_written": ("待定名单已写入", "undetermined answers written to"),
    "eligible": ("是：{n} 人", "yes: {n}"),
    "total": ("合计 {amount} 元", "total {amount} yuan"),
    "evaluated": ("评估人数", "people evaluated"),
    "union_members": ("其中会员", "of whom union members"),
    "relatives": ("其中家属（非会员）", "of whom relatives (not members)"),
    "not_summarised": (
        "未汇总的规则（测度、上限等，见结果文件）",
        "rules not summarised (measures, caps; see the results file)",
    ),
    "as_of": ("评估日期", "as of"),
    "version": ("规则集版本", "rule set version"),
    "written": ("结果已写入", "results written to"),
    "no_audit": (
        "无法写入审计日志，未显示遮蔽信息：{reason}",
        "cannot write the audit log, nothing revealed: {reason}",
    ),
    "row_errors": (
        "名册中有 {n} 行有错误，已跳过（其余成员照常评估）：",
        "{n} roster rows have errors and were left out (the others were evaluated):",
    ),
    "more_errors": (
        "……另有 {n} 个错误；用 unionkit roster check 查看全部",
        "... {n} more errors; run unionkit roster check to see them all",
    ),
    "nothing": ("名册中没有可评估的有效成员", "the roster has no valid member to evaluate"),
    "bad_date": (
        "日期应写成 2026-06-01、2026/06/01 或 2026年6月1日，而不是 {value!r}",
        "write a date as 2026-06-01, 2026/06/01 or 2026年6月1日, not {value!r}",
    ),
    "no_file": ("找不到文件 {path}", "file not found: {path}"),
    "bad_out": (
        "输出文件须以 .csv、.xlsx 或 .parquet 结尾：{path}",
        "the output file must end in .csv, .xlsx or .parquet: {path}",
    ),
    "no_extra": (
        "写 {suffix} 需要 [{extra}] 扩展：pip install 'unionkit[{extra}]'（{error}）",
        "writing {suffix} needs the [{extra}] extra: pip install 'unionkit[{extra}]' ({error})",
    ),
    "unknown_rule": (
        "未知规则 {name!r}。{hint}已有规则：{known}",
        "unknown rule {name!r}. {hint}The rules are: {known}",
    ),
    "no_rules": ("--rules 未列出任何规则", "--rules lists no rule"),
    "cannot_write": ("无法写入 {path}：{reason}", "cannot write {path}: {reason}"),
    "unknown_member": ("名册中没有成员 {member!r}", "no member {member!r} in the roster"),
    "member_row_errors": (
        "成员 {member!r} 所在行有错误，未被读入：",
        "member {member!r} was not read because its row has errors:",
    ),
}


_t = Texts(_TEXT)


def _fail(message: str, code: int) -> typer.Exit:
    from unionkit.models.ids import scrub

    typer.echo(scrub(message), err=True)  # plugin errors may quote a member's numbers
    return typer.Exit(code)


def _parse_date(value: str, lang: Lang) -> date:
    try:
        return cli_date(value, "--as-of")
    except typer.BadParameter:
        raise _fail(f"--as-of: {_t('bad_date', lang).format(value=value)}", EXIT_USAGE) from None


def _require_files(paths: Sequence[Path], lang: Lang) -> None:
    for path in paths:
        if not path.is_file():
            raise _fail(_t("no_file", lang).format(path=path), EXIT_USAGE)


def roster_columns(
    result: RosterImport, extra_fields: Mapping[str, object] = {}
) -> dict[str, np.ndarray[Any, Any]]:
    """
    Build the rules engine's input from a roster import.

    The columns are ``members_to_columns``'s, money as ``int64`` fen, which is
    what the engine reads an integer money column as. Every extra field
    (declared by a rule file, such as ``homes_owned``) that the roster cannot
    supply is a column of ``None``: unknown for every member.

    Args:
        result: The roster import; only its valid members are used.
        extra_fields: Extra input fields the rules may read (names; values ignored).

    Returns:
        ``{field: array}``, one entry per member in roster order.

    .. versionchanged:: 0.1.0
       Money stays integer fen instead of being turned into ``Decimal`` yuan.
    """
    import numpy as np

    from unionkit.io import members_to_columns

    columns = members_to_columns(result.members)
    n = len(result.members)
    for name in extra_fields:
        if name not in columns:
            columns[name] = np.full(n, None, dtype=object)
    return columns


def _read(roster: Path, lang: Lang) -> RosterImport:
    from unionkit.errors import RosterFormatError
    from unionkit.io import read_roster

    _require_files([roster], lang)
    try:
        return read_roster(roster)
    except RosterFormatError as exc:
        message = exc.message_zh if lang is Lang.zh else exc.message_en
        raise _fail(f"{exc.path}: {message}", EXIT_USAGE) from exc


def _report_row_errors(result: RosterImport, lang: Lang) -> None:
    if not result.errors:
        return
    rows = len({e.row for e in result.errors})
    typer.echo(_t("row_errors", lang).format(n=rows), err=True)
    # The message and the column only: a cell's value may be personal data.
    for error in result.errors[:SHOWN_ROW_ERRORS]:
        where = f"row {error.row}" if lang is Lang.en else f"第 {error.row} 行"
        typer.echo(
            f"  {where}, {error.column or error.field}: {error.message(lang.value)}", err=True
        )
    hidden = len(result.errors) - SHOWN_ROW_ERRORS
    if hidden > 0:
        typer.echo("  " + _t("more_errors", lang).format(n=hidden), err=True)


def _parameter_origin(message: str, paths: Sequence[Path]) -> str:
    """Where the files write the parameter a ``ParameterError`` names (file and line)."""
    import re

    from unionkit.rulefiles.yamlfile import read_yaml

    found = re.search(r"parameter '([^']+)'", message)
    if found is not None:
        for path in reversed(paths):
            line = read_yaml(path).key_lines.get(("parameters", found.group(1)))
            if line is not None:
                return f"{path.name}, line {line}"
    return ", ".join(p.name for p in paths) or "parameters"


def _rule_names(ruleset: RuleSet, wanted: str | None, lang: Lang) -> list[str]:
    if wanted is None:
        return list(ruleset.rules)
    names = [n.strip() for n in wanted.split(",") if n.strip()]
    if not names:
        raise _fail(_t("no_rules", lang), EXIT_USAGE)
    for n in names:
        _check_rule(ruleset, n, lang)
    return list(dict.fromkeys(names))


def _check_rule(ruleset: RuleSet, name: str, lang: Lang) -> None:
    if name not in ruleset.rules:
        known = ", ".join(sorted(ruleset.rules))
        hint = did_you_mean(name, ruleset.rules, lang.value)
        raise _fail(
            _t("unknown_rule", lang).format(
                name=name, known=known, hint=f"{hint} " if hint else ""
            ),
            EXIT_FAILED,
        )


def _print_summary(summary: Mapping[str, Any], lang: Lang) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal:
        # piped or captured output has no width of its own: do not squeeze the labels to 80
        console = Console(highlight=False, soft_wrap=False, width=120)
    shown = [e for e in summary["rules"] if e["summary"] != "none"]
    table = Table(
        title=_t("title", lang).format(
            members=format_count(summary["union_members"]),
            relatives=format_count(summary["relatives"]),
        )
    )
    labels = [e["label_zh"] if lang is Lang.zh else e["label_en"] for e in shown]
    # Two rules with one label (生日慰问 from the hospital plugin and from its care
    # triggers) are told apart by a mark that refers to the rule column.
    repeated = {label for label in labels if labels.count(label) > 1}
    # rule names are what --rules takes: never cut them; the labels may wrap instead
    longest = max((len(e["name"]) for e in shown), default=4)
    table.add_column(_t("rule", lang), no_wrap=True, min_width=longest)
    table.add_column(_t("label", lang), overflow="fold")
    table.add_column(_t("result", lang), justify="right", no_wrap=True)
    table.add_column(_t("unknown", lang), justify="right", no_wrap=True)
    named = any("missing_inputs" in e for e in shown)
    if named:
        table.add_column(_t("missing_inputs", lang), overflow="fold")
    seen: dict[str, int] = {}
    for entry, plain in zip(shown, labels, strict=True):
        if entry["summary"] == "count":
            result = _t("eligible", lang).format(n=format_count(entry["eligible"]))
        elif entry["type"] == "money":
            result = _t("total", lang).format(amount=format_fen(entry["total_fen"], grouping=True))
        else:
            result = entry["total"]
        label = plain
        if plain in repeated:
            seen[plain] = seen.get(plain, 0) + 1
            label = _t("same_label", lang).format(
                label=plain, n=seen[plain], of=labels.count(plain)
            )
        # labels come from rule files: shown as written, never read as rich markup
        cells = [entry["name"], label, result, format_count(entry["undetermined"])]
        if named:
            cells.append(_missing_text(entry.get("missing_inputs", {}), lang))
        table.add_row(*(Text(c) for c in cells))
    console.print(table)
    hidden = [e["name"] for e in summary["rules"] if e["summary"] == "none"]
    if hidden:
        console.print(
            f"{_t('not_summarised', lang)}: {', '.join(hidden)}", markup=False, overflow="fold"
        )
    for key, value in (
        ("evaluated", summary["evaluated"]),
        ("union_members", summary["union_members"]),
        ("relatives", summary["relatives"]),
        ("as_of", summary["as_of"]),
        ("version", summary["version"]),
        ("written", summary["out"]),
        *(
            (("undetermined_written", summary["undetermined_out"]),)
            if "undetermined_out" in summary
            else ()
        ),
    ):
        shown_value = format_count(value) if isinstance(value, int) else value
        console.print(
            f"{_t(key, lang)}: {shown_value}", markup=False, overflow="ignore", crop=False
        )


def _missing_text(counts: Mapping[str, int], lang: Lang) -> str:
    from unionkit.rules.unknowns import field_labels

    i = 0 if lang is Lang.zh else 1
    return "; ".join(f"{field_labels(f)[i]} {format_count(n)}" for f, n in counts.items())


_RosterArg = Annotated[
    Path, typer.Argument(help="花名册文件（CSV、xlsx、xls） / roster file.", show_default=False)
]
_AsOf = Annotated[
    str,
    typer.Option(
        "--as-of",
        help="评估日期，如 2026-06-01、2026/06/01 或 2026年6月1日 / evaluation date, "
        "e.g. 2026-06-01.",
        show_default=False,
    ),
]


def _chosen(
    rule_file: Sequence[Path],
    params: Sequence[Path],
    lang: Lang,
    *,
    branch: str | None,
    plugin: Sequence[str] | None,
    no_plugin: Sequence[str] | None,
    when: date,
) -> RuleSet:
    from unionkit.errors import ParameterError, RuleDefinitionError
    from unionkit.rulefiles import assemble

    _require_files([*rule_file, *params], lang)
    # --branch / --plugin build the rule set from the installed plugins (issue 5).
    chosen = branch_definitions(
        rule_file,
        params,
        branch=branch,
        plugins=plugin or [],
        no_plugins=no_plugin or [],
        as_of=when,
    )
    if chosen is not None:
        return chosen
    try:
        return assemble(rule_file, params)
    except RuleDefinitionError as exc:
        raise _fail(str(exc), EXIT_FAILED) from exc
    except ParameterError as exc:
        # A unit or kind that differs from the standard parameter's: name the file and line.
        where = _parameter_origin(str(exc), [*rule_file, *params])
        raise _fail(f"{where}: {exc}", EXIT_FAILED) from None


@app.command("evaluate")
def evaluate(
    roster: _RosterArg,
    *,
    as_of: _AsOf,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="结果文件 .csv、.xlsx 或 .parquet / results file: .csv, .xlsx or .parquet.",
            show_default=False,
        ),
    ],
    rules: Annotated[
        str | None,
        typer.Option(
            "--rules", help="只评估这些规则，逗号分隔 / only these rules, comma-separated."
        ),
    ] = None,
    members_only: Annotated[
        bool,
        typer.Option(
            "--members-only",
            help="结果文件只列会员，不列家属 / only union members in the results "
            "file, no relatives.",
        ),
    ] = False,
    reveal_names: Annotated[
        bool,
        typer.Option(
            "--reveal-names",
            help="结果文件写出完整姓名（默认只显示姓） / write whole names in the "
            "results file (masked by default).",
        ),
    ] = False,
    params: ParamsOption = None,
    rule_file: RuleFilesOption = None,
    branch: BranchOpt = None,
    plugin: PluginOpt = None,
    no_plugin: NoPluginOpt = None,
    lang: LangOption = Lang.zh,
    as_json: Annotated[
        bool, typer.Option("--json", help="摘要输出为 JSON / print the summary as JSON.")
    ] = False,
    undetermined: Annotated[
        Path | None,
        typer.Option(
            "--undetermined",
            help="另写待定名单（.csv、.xlsx 或 .json）：结果未知的成员、规则及缺少的输入 / "
            "also write the undetermined answers (.csv, .xlsx or .json): member, rule and "
            "the missing inputs.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """
    按评估日期对花名册运行规则，写出每人每条规则的结果 / Evaluate the rules over a roster.

    有错误的行列在标准错误输出并跳过，其余成员照常评估。结果文件（CSV、Excel）每人一行：
    工号、姓名（默认遮蔽）、部门、是否会员，每条规则一列，表头为“名称 (规则名)”，金额以元计。
    退出码：0 已评估（即使有无效行）；1 无法评估（没有有效成员、未知规则、规则或参数文件
    无效）；2 用法错误（日期错误、文件不存在、未知选项或输出类型）。

    Rows with errors are listed on stderr and left out; the others are evaluated.
    The results file (CSV, Excel) has one row per person: member id, name (masked by
    default), department, union member, then one column per rule headed
    "label (rule_id)", money in yuan. Exit codes: 0 evaluated (even if some rows were
    invalid), 1 nothing could be evaluated (no valid member, an unknown rule, an
    invalid rule or parameter file), 2 misuse (a bad date, a missing file, an unknown
    option or output type).
    """
    from unionkit.errors import ParameterError, RuleEvaluationError
    from unionkit.reports.evaluation import evaluation_summary

    when = _parse_date(as_of, lang)
    suffix = out.suffix.lower()
    if suffix not in RESULT_FORMATS:
        raise _fail(_t("bad_out", lang).format(path=out), EXIT_USAGE)
    _require_extra(suffix, lang)
    if undetermined is not None:
        from unionkit.io.undetermined import UNDETERMINED_FORMATS

        if undetermined.suffix.lower() not in UNDETERMINED_FORMATS:
            raise _fail(_t("bad_undetermined", lang).format(path=undetermined), EXIT_USAGE)
        _require_extra(undetermined.suffix.lower(), lang)
    ruleset = _chosen(
        rule_file or [],
        params or [],
        lang,
        branch=branch,
        plugin=plugin,
        no_plugin=no_plugin,
        when=when,
    )
    names = _rule_names(ruleset, rules, lang)
    result = _read(roster, lang)
    _report_row_errors(result, lang)
    if not result.members:
        raise _fail(_t("nothing", lang), EXIT_FAILED)
    data = roster_columns(result, ruleset.fields)
    try:
        batch = ruleset.evaluate(
            data, as_of=when, rules=names, undetermined=undetermined is not None
        )
    except (RuleEvaluationError, ParameterError) as exc:
        raise _fail(str(exc), EXIT_FAILED) from exc
    from unionkit.io.evaluation import result_table

    table = result_table(batch, ruleset, result.members)
    columns = {name: (kind, values) for name, kind, _, _, values in table.rules}
    try:
        write_results(
            out,
            batch,
            ruleset,
            result.members,
            lang=lang.value,
            members_only=members_only,
            reveal_names=reveal_names,
        )
    except OSError as exc:
        raise _fail(
            _t("cannot_write", lang).format(path=out, reason=exc.strerror or exc), EXIT_FAILED
        ) from exc
    if undetermined is not None:
        from unionkit.io.undetermined import write_undetermined

        try:
            write_undetermined(
                undetermined,
                batch,
                ruleset,
                result.members,
                lang=lang.value,
                members_only=members_only,
            )
        except OSError as exc:
            raise _fail(
                _t("cannot_write", lang).format(path=undetermined, reason=exc.strerror or exc),
                EXIT_FAILED,
            ) from exc
    summary = evaluation_summary(ruleset, batch, columns, result, out)
    if undetermined is not None:
        summary["undetermined_out"] = str(undetermined)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _print_summary(summary, lang)


def _require_extra(suffix: str, lang: Lang) -> None:
    """Refuse early, before any work, an output type whose extra is not installed."""
    needs = {".xlsx": ("xlsxwriter", "excel"), ".parquet": ("polars", "frames")}
    if suffix not in needs:
        return
    module, extra = needs[suffix]
    try:
        __import__(module)
    except ImportError as exc:
        raise _fail(
            _t("no_extra", lang).format(suffix=suffix, extra=extra, error=exc), EXIT_USAGE
        ) from exc


@app.command("explain")
def explain(
    roster: _RosterArg,
    *,
    member: Annotated[str, typer.Option("--member", help="工号 / member id.", show_default=False)],
    rule: Annotated[str, typer.Option("--rule", help="规则名 / rule name.", show_default=False)],
    as_of: _AsOf,
    params: ParamsOption = None,
    rule_file: RuleFilesOption = None,
    branch: BranchOpt = None,
    plugin: PluginOpt = None,
    no_plugin: NoPluginOpt = None,
    lang: LangOption = Lang.zh,
    tree: Annotated[
        bool, typer.Option("--tree", help="同时列出完整推理树 / also print the full tree of why.")
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="输出为 JSON（结论、依据、缺少的输入）/ print as JSON (conclusion, reasons, "
            "missing inputs).",
        ),
    ] = False,
    reveal: Annotated[
        bool,
        typer.Option(
            "--reveal",
            help="显示被遮蔽的健康和收入信息（仅限授权人员，记入审计日志）/ "
            "show masked health and income facts (authorised staff; written to the audit log).",
        ),
    ] = False,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor",
            help="审计日志中记录的操作人（默认为系统用户）/ "
            "who is revealing, for the audit log (default: the OS user).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """
    解释一名成员某条规则的结果及原因 / Explain one rule's value for one member, and why.

    先给出一行结论，再列出决定结果的依据；结果未知时结论为“待定（无法确定）”并列出缺少的
    输入（家庭合计时注明是哪位成员的输入）；--tree 另列完整推理树，--json 输出 JSON。
    家庭和小组规则会看到名册中该成员的整个家庭；健康和收入信息及由其推出的中间结果被遮蔽，
    --reveal 显示它们并在审计日志（$UNIONKIT_AUDIT_LOG 或用户数据目录下的 audit.log）中记一行。
    退出码：0 已解释；1 未知成员或规则（或该成员所在行有错误、审计日志无法写入）；
    2 用法错误（日期错误、文件不存在）。

    A one-line conclusion first, then the reasons that decided it; an unknown answer
    concludes "undetermined" and names the missing inputs (and, for a household total,
    whose); --tree adds the full tree, --json prints JSON. Household and group rules
    see the member's whole household from the roster.
    Health and income facts, and what is computed from them, are masked; --reveal shows
    them and appends a line to the audit log ($UNIONKIT_AUDIT_LOG, or audit.log in the
    per-user data folder). Exit codes: 0 explained, 1 an unknown member or rule (or the
    member's row has errors, or the audit log cannot be written), 2 misuse (a bad date,
    a missing file).
    """
    from unionkit.errors import ParameterError, RuleEvaluationError

    when = _parse_date(as_of, lang)
    ruleset = _chosen(
        rule_file or [],
        params or [],
        lang,
        branch=branch,
        plugin=plugin,
        no_plugin=no_plugin,
        when=when,
    )
    _check_rule(ruleset, rule, lang)
    result = _read(roster, lang)
    if not any(m.member_id == member for m in result.members):
        own = [e for e in result.errors if e.member_id == member]
        if own:
            typer.echo(_t("member_row_errors", lang).format(member=member), err=True)
            for error in own[:SHOWN_ROW_ERRORS]:
                typer.echo(
                    f"  {error.column or error.field}: {error.message(lang.value)}", err=True
                )
            raise typer.Exit(EXIT_FAILED)
        raise _fail(_t("unknown_member", lang).format(member=member), EXIT_FAILED)
    data = roster_columns(result, ruleset.fields)
    try:
        why = ruleset.explain(data, rule, as_of=when, member=member, lang=lang.value)
    except (RuleEvaluationError, ParameterError) as exc:
        raise _fail(str(exc), EXIT_FAILED) from exc
    if reveal:
        from unionkit.io.audit import record_reveal

        # Logged before anything is shown: no audit line, no revealed values.
        try:
            record_reveal(roster=roster, member=member, rule=rule, actor=actor)
        except OSError as exc:
            raise _fail(
                _t("no_audit", lang).format(reason=exc.strerror or exc), EXIT_FAILED
            ) from exc
    if as_json:
        shown = why.as_dict(lang.value, reveal, tree=tree)
        typer.echo(json.dumps(shown, ensure_ascii=False, indent=2))
    else:
        typer.echo(why.render(lang.value, reveal, tree=tree))
