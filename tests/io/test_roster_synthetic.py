"""The synthetic hospital roster: deterministic, valid, and bad exactly where asked."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from unionkit.io import generate_roster, read_roster, write_rows
from unionkit.io.synthetic import BAD_ROW_KINDS, REFERENCE_DATE
from unionkit.models.ids import id_check_digit


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    assert generate_roster(50, seed=3) == generate_roster(50, seed=3)
    assert generate_roster(50, seed=3) != generate_roster(50, seed=4)


def test_ids_carry_correct_check_digits_and_are_unique() -> None:
    rows = generate_roster(300, seed=1)
    ids = [r["national_id"] for r in rows]

    assert all(i[17] == id_check_digit(i[:17]) for i in ids)
    assert len(set(ids)) == len(ids)


def test_households_and_skewed_sick_leave() -> None:
    rows = generate_roster(2000, seed=5)
    members = [r for r in rows if r["is_member"] == "是"]
    sizes = Counter(r["household_id"] for r in rows)
    staff_per_household = Counter(r["household_id"] for r in members)
    days = [int(r["sick_leave_days"]) for r in members]

    assert len(members) == 2000
    assert 2.2 < len(rows) / len(sizes) < 3.5
    assert any(n == 2 for n in staff_per_household.values())
    assert all(r["household_role"] == "家属" for r in rows if r["is_member"] == "否")
    assert days.count(0) > len(days) / 2
    assert sum(d > 15 for d in days) > 10


def test_clean_roster_imports_without_errors(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    write_rows(generate_roster(400, seed=9), path)

    result = read_roster(path, today=REFERENCE_DATE)

    assert result.errors == []
    assert sum(m.is_member for m in result.members) == 400


def test_bad_rows_are_reported_with_their_codes(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    write_rows(generate_roster(600, seed=2, bad_rows=len(BAD_ROW_KINDS)), path)

    result = read_roster(path, today=REFERENCE_DATE)

    assert sorted(e.code for e in result.errors) == sorted(BAD_ROW_KINDS)


def test_bundled_example_roster_reports_each_deliberate_fault() -> None:
    path = Path(__file__).parents[2] / "examples" / "roster.csv"

    result = read_roster(path)

    assert sorted(e.code for e in result.errors) == sorted(BAD_ROW_KINDS)
    assert sum(m.is_member for m in result.members) == 5400 - len(BAD_ROW_KINDS)
