"""The HTML table that Jupyter summaries (rule sets, results, what-ifs, roster imports) are made of.

A summary shows counts and totals, never every member, so a notebook stays small.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["SHOWN_ROWS", "table"]

SHOWN_ROWS = 10
"""How many rows (rules, errors, members) a summary lists before counting the rest."""


def table(
    caption: str, header: Sequence[str], rows: Iterable[Sequence[object]], more: int = 0
) -> str:
    """
    An HTML table with a caption, every cell escaped; *more* says how many rows were left out.
    """
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
