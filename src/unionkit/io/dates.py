"""Reading a date as people write it: 2026-06-01, 2026/6/1 or 2026年6月1日, as the roster does."""

from __future__ import annotations

from datetime import date

from unionkit.io._cells import Fail, _parse_date

__all__ = ["parse_date"]


def parse_date(text: str) -> date:
    """
    Read a date in any form the roster reader accepts.

    ``2026-06-01``, ``2026/6/1``, ``2026.6.1``, ``2026年6月1日`` and ``20260601``; this is
    the roster reader's own date parsing, so a command line accepts exactly what a
    roster cell does.

    Args:
        text: The date as typed.

    Returns:
        The date.

    Raises:
        ValueError: Not a date, or no such day; the message is in Chinese and English.

    .. versionadded:: 0.1.0
    """
    parsed = _parse_date(text.strip())
    if isinstance(parsed, Fail):
        raise ValueError(f"{text!r}: {parsed.zh} / {parsed.en}")
    assert isinstance(parsed, date)
    return parsed
