"""Jupyter support: short HTML summaries of rule sets, results, what-ifs and roster imports.

Each of :class:`~unionkit.rules.RuleSet`, :class:`~unionkit.rules.BatchResult`,
:class:`~unionkit.rules.whatif.WhatIfReport` and :class:`~unionkit.io.RosterImport`
has a ``_repr_html_`` that calls the matching function here, so displaying one in a
notebook shows a small table (a few kilobytes) instead of every member.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unionkit.io import RosterImport
    from unionkit.rules import BatchResult, RuleSet
    from unionkit.rules.whatif import WhatIfReport

__all__ = [
    "SHOWN_ROWS",
    "batch_html",
    "roster_import_html",
    "ruleset_html",
    "whatif_html",
]

SHOWN_ROWS = 10
"""How many rows (rules, errors, members) a summary lists before counting the rest."""


def _table(
    caption: str, header: Sequence[str], rows: Iterable[Sequence[object]], more: int = 0
) -> str:
    esc = html.escape
    out = [
        f"<table><caption style='text-align:left'><b>{esc(caption)}</b></caption>",
        "<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr></thead>",
        "<tbody>",
    ]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{esc(str(c))}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    if more > 0:
        out.append(f"<p>……另有 {more:,} 行 / {more:,} more rows</p>")
    return "\n".join(out)


def ruleset_html(ruleset: RuleSet) -> str:
    """
    A rule set as an HTML table: each rule's name, labels, type and summary kind.

    Args:
        ruleset: The rule set.

    Returns:
        HTML for Jupyter.

    .. versionadded:: 0.1.0
    """
    rows = [
        (r.name, r.label_zh, r.label_en, str(r.value_type), r.summary)
        for r in ruleset.rules.values()
    ]
    caption = (
        f"规则集 / rule set {ruleset.version[:12]}: {len(rows):,} 条规则 / rules, "
        f"{len(ruleset.parameters):,} 个参数 / parameters"
    )
    return _table(caption, ["规则 rule", "名称", "label", "类型 type", "汇总 summary"], rows)


def batch_html(batch: BatchResult) -> str:
    """
    A batch result as an HTML summary: per rule, how many yes or the total, over everyone.

    The per-member values stay in ``batch.frame``; this shows counts only.

    Args:
        batch: What ``RuleSet.evaluate`` returned.

    Returns:
        HTML for Jupyter.

    .. versionadded:: 0.1.0
    """
    from unionkit.io.evaluation import _cells, format_fen

    rows = []
    n = 0
    for name in batch.rules:
        kind = str(batch.value_types[name])
        values = _cells(batch.frame[name], kind)
        n = len(values)
        known = [v for v in values if v is not None]
        if kind == "bool":
            shown = f"是 yes: {sum(1 for v in known if v):,}"
        elif kind == "money":
            shown = f"合计 total: {format_fen(sum(int(v) for v in known), grouping=True)} 元"  # type: ignore[call-overload]
        else:
            shown = ""
        rows.append((name, kind, shown, f"{n - len(known):,}"))
    caption = (
        f"评估结果 / results as of {batch.as_of.isoformat()}: {n:,} 人 / people, "
        f"{len(rows):,} 条规则 / rules (rule set {batch.version[:12]})"
    )
    return _table(caption, ["规则 rule", "类型 type", "结果 result", "未知 unknown"], rows)


def whatif_html(report: WhatIfReport) -> str:
    """
    A what-if report as HTML: who gains or loses each yes/no rule, and money totals.

    Args:
        report: What ``what_if`` returned.

    Returns:
        HTML for Jupyter.

    .. versionadded:: 0.1.0
    """
    rows: list[tuple[object, ...]] = []
    for r in report.rules:
        gains, losses = report.gains[r], report.losses[r]
        rows.append(
            (
                r,
                f"+{len(gains):,}",
                f"-{len(losses):,}",
                ", ".join(gains[:5]) + (" …" if len(gains) > 5 else ""),
            )
        )
    for r in report.amount_rules:
        before, after = report.totals_before[r], report.totals_after[r]
        rows.append((r, f"{before:,.2f} 元", f"{after:,.2f} 元", f"{after - before:+,.2f} 元"))
    caption = (
        f"测算 / what-if as of {report.as_of.isoformat()}: "
        f"{report.version_before[:12]} → {report.version_after[:12]}"
    )
    return _table(caption, ["规则 rule", "新增 / before", "减少 / after", "名单 / change"], rows)


def roster_import_html(result: RosterImport) -> str:
    """
    A roster import as HTML: the counts, errors by kind and the first few errors.

    No member is listed, and error values are the masked ones the reader stored.

    Args:
        result: What ``read_roster`` returned.

    Returns:
        HTML for Jupyter.

    .. versionadded:: 0.1.0
    """
    s = result.summary()
    counts = [
        ("读取行数 rows read", s.rows_read),
        ("有效行 valid", s.valid),
        ("会员 members", s.members),
        ("家属 relatives", s.relatives),
        ("家庭 households", s.households),
        ("有错误的行 rows with errors", s.rows_with_errors),
        ("错误 errors", s.errors),
        ("警告 warnings", s.warnings),
    ]
    parts = [
        _table(
            f"花名册 / roster {result.source} ({result.format}"
            f"{', ' + result.encoding if result.encoding else ''})",
            ["", ""],
            [(k, f"{v:,}") for k, v in counts],
        )
    ]
    if result.errors:
        by_code = Counter(e.code for e in result.errors)
        parts.append(
            _table(
                "错误类型 / errors by kind",
                ["code", "n"],
                [(c, f"{k:,}") for c, k in by_code.most_common()],
            )
        )
        parts.append(
            _table(
                "前几个错误 / first errors",
                ["行 row", "列 column", "原因 reason"],
                [(e.row, e.column or e.field, e.message("zh")) for e in result.errors[:SHOWN_ROWS]],
                more=len(result.errors) - SHOWN_ROWS,
            )
        )
    return "\n".join(parts)


def roster_import_repr(result: RosterImport) -> str:
    """The plain-text repr of a roster import: counts, never the members themselves."""
    s = result.summary()
    return (
        f"<RosterImport {result.source!r}: {s.valid:,} valid rows "
        f"({s.members:,} members, {s.relatives:,} relatives), {s.errors:,} errors>"
    )
