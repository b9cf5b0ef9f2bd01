"""Write the bundled example rosters from the deterministic synthetic-hospital generator."""

from __future__ import annotations

import itertools
from pathlib import Path

from unionkit.io.synthetic import iter_roster, write_rows

HERE = Path(__file__).parent


def main() -> None:
    """Write ``roster.csv`` (5,400 members, UTF-8 BOM), ``roster_gbk.csv``, ``roster.xlsx``."""
    count = write_rows(iter_roster(5400, seed=2026, bad_rows=6), HERE / "roster.csv")
    small = list(itertools.islice(iter_roster(120, seed=7, bad_rows=6), 300))
    write_rows(small, HERE / "roster_gbk.csv", encoding="gb18030")
    write_rows(small, HERE / "roster.xlsx")
    print(f"roster.csv: {count} rows; roster_gbk.csv and roster.xlsx: {len(small)} rows")


if __name__ == "__main__":
    main()
