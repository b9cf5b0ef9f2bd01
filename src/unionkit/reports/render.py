"""Demand figures as text: summary lines and tables shared by the terminal, Markdown and HTML."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from unionkit.models.demand import DemandKind
from unionkit.reports._text import CATEGORY_NAMES, Lang, check_lang, name_of, text
from unionkit.reports.demands import (
    ANSWER_BASIS,
    GRADES,
    DemandFigures,
    FigureRow,
    format_rate,
)

if TYPE_CHECKING:
    from rich.console import Group as RichGroup

__all__ = [
    "Table",
    "breakdown_tables",
    "notes",
    "summary_lines",
    "to_markdown",
    "to_rich",
]


@frozen
class Table:
    """A titled table of text cells, ready for any renderer."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _days(value: float | None, lang: Lang) -> str:
    if value is None:
        return text("no_value", lang)
    shown = f"{value:.1f}".removesuffix(".0")
    return text("days", lang, n=shown)


def summary_lines(figures: DemandFigures, lang: str = "zh") -> list[tuple[str, str]]:
    """
    The headline figures as ``(label, value)`` pairs, each rate with its basis.

    Args:
        figures: The computed figures.
        lang: ``"zh"`` or ``"en"``.

    Returns:
        The pairs, in the order a report prints them.

    Raises:
        ValueError: *lang* is not ``"zh"`` or ``"en"``.
    """
    lg = check_lang(lang)
    t = figures.total
    grades = (
        "、".join(g.label_zh for g in figures.satisfied_grades)
        if lg == "zh"
        else ", ".join(g.label_en for g in figures.satisfied_grades)
    )
    closure = format_rate(t.closure_numerator, t.closure_denominator, lg)
    basis = text("closure_basis", lg, basis=figures.closure_basis.label(lg))
    on_time = text("on_time_detail", lg, on_time=t.on_time, base=t.on_time_base)
    if t.estimated_deadlines:
        on_time += "; " + text("estimated_deadlines", lg, n=t.estimated_deadlines)
    sat = text("satisfaction_basis", lg, satisfied=t.satisfied, rated=t.rated, grades=grades)
    return [
        (text("received", lg), str(t.received)),
        (text("handled", lg), str(t.handled)),
        (text("closed", lg), str(t.closed)),
        (text("rejected", lg), str(t.rejected)),
        (text("merged", lg), str(t.merged)),
        (text("open", lg), str(t.open)),
        (
            text("closure_rate", lg),
            f"{closure} ({t.closure_numerator} / {t.closure_denominator}; {basis})",
        ),
        (
            text("answer_rate", lg),
            f"{format_rate(t.answered, t.received, lg)} ("
            + text(
                "answer_basis",
                lg,
                n=t.answered,
                d=t.received,
                basis=ANSWER_BASIS[0 if lg == "zh" else 1],
            )
            + ")",
        ),
        (text("on_time_rate", lg), f"{format_rate(t.on_time, t.on_time_base, lg)} ({on_time})"),
        (text("overdue_open", lg, as_of=figures.as_of.isoformat()), str(t.overdue_open)),
        (text("wd_median", lg), _days(t.working_days_median, lg)),
        (text("wd_p90", lg), _days(t.working_days_p90, lg)),
        (text("cd_median", lg), _days(t.calendar_days_median, lg)),
        (text("cd_p90", lg), _days(t.calendar_days_p90, lg)),
        (text("reopened", lg), text("reopened_detail", lg, n=t.reopened, times=t.reopen_events)),
        (text("satisfaction_rate", lg), f"{format_rate(t.satisfied, t.rated, lg)} ({sat})"),
        (text("proposals", lg), str(t.proposals)),
        (text("key_proposals", lg), str(t.key_supervised_proposals)),
        (text("key_all", lg), str(t.key_supervised)),
    ]


def notes(figures: DemandFigures, lang: str = "zh") -> list[str]:
    """The footnotes a report must carry: what it covers and every estimate it contains."""
    lg = check_lang(lang)
    out = [
        text(
            "period_note",
            lg,
            start=figures.period.start.isoformat(),
            end=figures.period.end.isoformat(),
        )
    ]
    if figures.working_days_estimated_years:
        years = "、".join(str(y) for y in figures.working_days_estimated_years)
        out.append(text("estimated_years", lg, years=years))
    if figures.closed_after_period:
        out.append(text("closed_after", lg, n=figures.closed_after_period))
    return out


def _row_cells(name: str, r: FigureRow, lang: Lang) -> tuple[str, ...]:
    wd = r.working_days_median
    return (
        name,
        str(r.received),
        str(r.handled),
        str(r.closed),
        format_rate(r.closure_numerator, r.closure_denominator, lang),
        format_rate(r.on_time, r.on_time_base, lang),
        text("no_value", lang) if wd is None else f"{wd:.1f}".removesuffix(".0"),
        format_rate(r.satisfied, r.rated, lang),
        str(r.proposals),
        str(r.key_supervised),
    )


_COLUMNS = (
    "col_received",
    "col_handled",
    "col_closed",
    "col_closure",
    "col_on_time",
    "col_wd_median",
    "col_satisfaction",
    "col_proposals",
    "col_key",
)


def breakdown_tables(
    figures: DemandFigures, lang: str = "zh", names: Mapping[str, tuple[str, str]] | None = None
) -> list[Table]:
    """
    The tables by kind, category and department, and the ratings and monthly tables.

    Args:
        figures: The computed figures.
        lang: ``"zh"`` or ``"en"``.
        names: Display names ``{key: (zh, en)}`` for categories and departments;
            defaults to :data:`unionkit.reports.CATEGORY_NAMES`.

    Returns:
        The tables, in print order.
    """
    lg = check_lang(lang)
    labels = dict(CATEGORY_NAMES) if names is None else dict(names)

    def table(
        title: str, first: str, rows: Sequence[FigureRow], none_key: str, kinds: bool = False
    ) -> Table:
        cells = []
        for r in sorted(rows, key=lambda r: (-r.received, r.key or "")):
            name = (
                DemandKind(r.key).label(lg)
                if kinds and r.key
                else name_of(r.key, lg, labels, none_key)
            )
            cells.append(_row_cells(name, r, lg))
        return Table(
            text(title, lg), (text(first, lg), *(text(c, lg) for c in _COLUMNS)), tuple(cells)
        )

    t = figures.total
    ratings = Table(
        text("ratings", lg),
        (text("grade", lg), text("count", lg), text("share", lg)),
        tuple(
            (g.label(lg), str(n), format_rate(n, t.rated, lg))
            for g, n in zip(GRADES, t.grades, strict=True)
        ),
    )
    monthly = Table(
        text("monthly", lg),
        (text("month", lg), text("col_received", lg), text("col_closed", lg)),
        tuple((m.month.strftime("%Y-%m"), str(m.received), str(m.closed)) for m in figures.monthly),
    )
    return [
        table("by_kind", "name_kind", figures.by_kind, "none_category", kinds=True),
        table("by_category", "name_category", figures.by_category, "none_category"),
        table("by_department", "name_department", figures.by_department, "none_department"),
        ratings,
        monthly,
    ]


_MD_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        **{c: "\\" + c for c in "\\`*_[]|#!~"},
        "\n": " ",
        "\r": " ",
    }
)


def _md_cell(value: str) -> str:
    # Category and department names are stored text: Markdown renderers pass raw HTML
    # through (so "<script>" must become "&lt;script&gt;") and read *, _, [ ] and | as syntax.
    return value.translate(_MD_ESCAPES)


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    out = [
        "| " + " | ".join(_md_cell(h) for h in headers) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|",
    ]
    out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return out


def to_markdown(
    figures: DemandFigures, lang: str = "zh", names: Mapping[str, tuple[str, str]] | None = None
) -> str:
    """
    The report as a Markdown document: title, summary, breakdown tables, notes.

    Args:
        figures: The computed figures.
        lang: ``"zh"`` or ``"en"``.
        names: Display names for categories and departments (see :func:`breakdown_tables`).

    Returns:
        The Markdown text, ending with a newline.

    .. versionadded:: 0.1.0
    """
    lg = check_lang(lang)
    lines = [
        f"# {text('title', lg, period=figures.period.label(lg))}",
        "",
        f"## {text('summary', lg)}",
        "",
    ]
    lines += _md_table((text("figure", lg), text("value", lg)), summary_lines(figures, lg))
    for table in breakdown_tables(figures, lg, names):
        lines += ["", f"## {table.title}", ""]
        lines += _md_table(table.headers, table.rows)
    lines.append("")
    lines += [f"- {n}" for n in notes(figures, lg)]
    return "\n".join(lines) + "\n"


def to_rich(
    figures: DemandFigures, lang: str = "zh", names: Mapping[str, tuple[str, str]] | None = None
) -> RichGroup:
    """
    The report as rich tables for the terminal (needs the ``[cli]`` extra).

    Args:
        figures: The computed figures.
        lang: ``"zh"`` or ``"en"``.
        names: Display names for categories and departments (see :func:`breakdown_tables`).

    Returns:
        A renderable to pass to ``rich.console.Console.print``.

    .. versionadded:: 0.1.0
    """
    from rich.console import Group
    from rich.table import Table as RichTable
    from rich.text import Text

    lg = check_lang(lang)
    title = text("title", lg, period=figures.period.label(lg))
    summary = RichTable(title=title, show_header=False, title_style="bold")
    summary.add_column(text("figure", lg))
    summary.add_column(text("value", lg))
    for label, value in summary_lines(figures, lg):
        summary.add_row(Text(label), Text(value))
    parts: list[RichTable | Text] = [summary]
    for table in breakdown_tables(figures, lg, names):
        rt = RichTable(title=Text(table.title))
        for i, header in enumerate(table.headers):
            rt.add_column(Text(header), justify="left" if i == 0 else "right")
        for row in table.rows:
            # category and department names are stored text, not rich markup
            rt.add_row(*(Text(cell) for cell in row))
        parts.append(rt)
    parts += [Text(n, style="dim") for n in notes(figures, lg)]
    return Group(*parts)
