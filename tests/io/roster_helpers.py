"""Helpers shared by the roster I/O tests: valid ID numbers and small roster files."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from unionkit.models.ids import id_check_digit

TODAY = date(2026, 6, 30)


def make_id(region: str = "110105", born: str = "19900307", seq: str = "123") -> str:
    """A resident ID number with a correct check digit (odd sequence digit: male)."""
    body = region + born + seq
    return body + id_check_digit(body)


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[str]], encoding: str = "utf-8-sig"
) -> Path:
    """Write a small CSV roster."""
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path
