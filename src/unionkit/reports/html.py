"""The demand report as one self-contained HTML page, charts embedded as base64 PNGs."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape

from unionkit.reports._text import Lang, check_lang, text
from unionkit.reports.charts import ChartSet, demand_charts, have_matplotlib
from unionkit.reports.demands import DemandFigures
from unionkit.reports.render import breakdown_tables, notes, summary_lines

__all__ = ["to_html"]

_STYLE = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f3f3f3; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; }
.note { color: #555; font-size: 0.9rem; }
""".strip()


def _table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(
        f"<th{'' if i == 0 else ' class=n'}>{escape(h)}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td{'' if i == 0 else ' class=n'}>{escape(c)}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return (
        f"<h2>{escape(title)}</h2>\n<table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def to_html(
    figures: DemandFigures,
    lang: str = "zh",
    names: Mapping[str, tuple[str, str]] | None = None,
    *,
    charts: bool = True,
    chart_set: ChartSet | None = None,
) -> str:
    """
    The report as a self-contained HTML page: summary, charts, tables, notes.

    Charts need matplotlib (``unionkit[viz]``); without it the page is written
    without them and says so. A Chinese page whose charts had to use English
    labels (no Chinese font installed) says that too.

    Args:
        figures: The computed figures.
        lang: ``"zh"`` or ``"en"``.
        names: Display names for categories and departments.
        charts: Draw charts when matplotlib is available.
        chart_set: Charts drawn already (see :func:`unionkit.reports.charts.demand_charts`).

    Returns:
        The page, with no external references.

    .. versionadded:: 0.1.0
    """
    lg: Lang = check_lang(lang)
    title = text("title", lg, period=figures.period.label(lg))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lg == "zh" else "en"}">',
        '<head><meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f"<style>\n{_STYLE}\n</style></head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        _table(
            text("summary", lg), (text("figure", lg), text("value", lg)), summary_lines(figures, lg)
        ),
    ]
    extra_notes: list[str] = []
    if chart_set is None and charts:
        if have_matplotlib():
            chart_set = demand_charts(figures, lg, names)
        else:
            extra_notes.append(text("charts_missing", lg))
    if chart_set is not None:
        extra_notes.extend(chart_set.notes)
        for chart in chart_set.charts:
            data = base64.b64encode(chart.png).decode("ascii")
            parts.append(
                f'<figure id="chart-{escape(chart.key)}">'
                f'<img alt="{escape(chart.title)}" src="data:image/png;base64,{data}">'
                f"<figcaption>{escape(chart.title)}</figcaption></figure>"
            )
    parts += [_table(t.title, t.headers, t.rows) for t in breakdown_tables(figures, lg, names)]
    parts += [f'<p class="note">{escape(n)}</p>' for n in [*notes(figures, lg), *extra_notes]]
    parts += [f'<p class="note">{escape(text("generated_by", lg))}</p>', "</body>", "</html>"]
    return "\n".join(parts) + "\n"
