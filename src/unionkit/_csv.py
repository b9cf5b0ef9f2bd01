"""Every CSV unionkit writes goes through here: cells that a spreadsheet would run are defused."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

__all__ = ["FORMULA_STARTS", "SafeWriter", "defuse", "restore"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make Excel, LibreOffice or WPS read a cell as a formula (OWASP)."""

_TRIGGERS = frozenset(c for c in FORMULA_STARTS)

# A plain signed decimal ("-12.50") is a number to every spreadsheet, never a formula.
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def defuse(cell: object) -> object:
    """
    Prefix a text cell that starts like a formula with a single quote (OWASP CSV injection).

    Spreadsheets show the quote as "this is text" and run nothing; numbers, dates,
    ``None`` and text that is just a signed decimal (``-12.50``) pass unchanged.

    Args:
        cell: One cell's value.

    Returns:
        The value, with ``'`` in front when it is text starting with ``= + - @``, a tab or
        a carriage return.
    """
    if not isinstance(cell, str):
        return cell
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    if cell[:1] == "'" and cell[1:2] in _TRIGGERS:
        return "'" + cell  # already looks defused: one more quote keeps restore() exact
    return cell


def restore(cell: str) -> str:
    """
    Undo :func:`defuse` on a cell read back from a CSV unionkit wrote.

    Args:
        cell: The cell's text as read.

    Returns:
        The text without the protective quote, when it has one in front of a formula start.
    """
    if cell[:1] == "'" and defuse(cell[1:]) == cell:
        return cell[1:]
    return cell


class SafeWriter:
    """
    A ``csv.writer`` whose every text cell is defused.

    Args:
        handle: The open text file (``newline=""``).
        **options: Passed to :func:`csv.writer` (dialect, delimiter ...).
    """

    def __init__(self, handle: TextIO, **options: Any) -> None:
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[object]) -> None:
        """Write one row, defusing its text cells."""
        self._writer.writerow([defuse(c) for c in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        """Write several rows, defusing their text cells."""
        for row in rows:
            self.writerow(row)
