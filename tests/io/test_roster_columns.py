"""The column-wise roster reader agrees with reading each row on its own as a ``Member``."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any
from unittest.mock import patch

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from roster_helpers import TODAY, make_id

from unionkit.io import read_roster, reader
from unionkit.io._cells import Fail, converters
from unionkit.io.columns import COLUMNS
from unionkit.io.reader import _describe, mask_value
from unionkit.models import Member, Sex
from unionkit.models.ids import ResidentId
from unionkit.models.member import consistency_problems

HEADER = [c.zh for c in COLUMNS]
FIELDS = [c.field for c in COLUMNS]

CELLS: dict[str, list[str]] = {
    "is_member": ["是", "否", "1", "yes", "也许"],
    "sex": ["男", "女", "male", "未知"],
    "birth_date": [
        "1990-03-07",
        "1988/5/12",
        "1990年3月7日",
        "19900307",
        "2030-01-01",
        "1890-01-01",
        "2019-02-30",
        "昨天",
    ],
    "phone": [
        "13800138000",
        "１３８ ００１３ ８０００",
        "10012345678",
        "12345",
        "+8613900139000",
        "17401234567",  # a range split between mobile and satellite: checked number by number
        "23800138000",
    ],
    "department": ["内科", "外科", "x" * 70],
    "union_group_id": ["内科1组", ""],
    "household_id": ["F000001", "F000002"],
    "household_role": ["户主", "职工", "家属", "老板"],
    "hire_date": ["2012-07-01", "2005-03-06", "2040-01-01", "2012/7/1"],
    "employment_type": ["在编", "合同制", "劳务派遣", "实习"],
    "position": ["护士", "医师"],
    "frontline": ["是", "否", "对"],
    "monthly_salary": ["8500.50", "0.00", "-1", "100.005", "5,000.50", "8500,50", "1e3", "abc"],
    "annual_income": ["120000", "0", "-5"],
    "rigid_spending": ["0.00", "30000"],
    "sick_leave_days": ["0", "3", "400", "-1", "x"],
    "serious_illness": ["是", "否"],
    "status": ["在册", "已转出", "离职"],
    "joined_on": ["2010-07-01", "2011/3/5", "昨天"],
    "dues_paid_through": ["2026-10", "2026年9月", "13月"],
}
# The first cells listed are good ones: most rows should be valid, so that the fast path
# (valid rows: duplicates, members) is exercised as much as the error path.
GOOD = {field: cells[:2] for field, cells in CELLS.items()}
IDS = [
    make_id(born=b, seq=s) for b in ("19900307", "19880512", "19750101") for s in ("123", "124")
] + [make_id()[:-1] + "0", "110105199002301234", "123"]
# The shapes the numpy path of ResidentId.parse_many sees: accepted there, or handed to parse.
IDS += [
    "11010519491231002x",  # lower-case check character
    make_id(region="000000"),  # no such region
    make_id(born="20300101"),  # born in the future
    make_id(born="18990101"),  # more than 120 years ago
    make_id(born="19901301"),  # month 13
]


@st.composite
def rosters(draw: st.DrawFn) -> list[list[str]]:
    out = []
    for i in range(draw(st.integers(1, 12))):
        row = []
        for field in FIELDS:
            if field == "member_id":
                cell = draw(
                    st.sampled_from([f"H{i:03d}", f"H{i:03d}", " H000 ", " H001", "", "y" * 40])
                )
            elif field == "name":
                cell = draw(st.sampled_from(["张伟", " 李娜 ", "", "欧" * 65]))
            elif field == "national_id":
                cell = draw(st.sampled_from([*IDS, "", IDS[0], IDS[2]]))
            elif draw(st.integers(0, 9)) < 9:
                cell = draw(st.sampled_from(["", *GOOD[field]]))
            else:
                cell = draw(st.sampled_from([*CELLS[field], "", " "]))
            row.append(cell)
        out.append(row)
    return out


def per_row(rows: list[list[str]]) -> tuple[list[Member], list[tuple[Any, ...]]]:
    """The reader's contract, one row at a time: convert cells, then validate the Member."""
    convert = converters(TODAY)
    members: list[Member] = []
    errors: list[tuple[Any, ...]] = []
    seen_ids: dict[str, int] = {}
    seen_national: dict[str, int] = {}
    for j, row in enumerate(rows):
        rowno = j + 2
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        data: dict[str, object] = {}
        found: list[tuple[Any, ...]] = []
        for field, cell in zip(FIELDS, cells, strict=True):
            if not cell:
                continue
            value = convert[field](cell) if field in convert else cell
            if isinstance(value, Fail):
                found.append((rowno, field, value.code, mask_value(field, cell)))
            else:
                data[field] = value
        member: Member | None = None
        try:
            member = Member.model_validate(data, context={"today": TODAY})
        except ValidationError as exc:
            details = exc.errors(include_url=False, include_input=False)
            failed = {str(e["loc"][0]) for e in details if e["loc"]}

            def ok(
                field: str, kind: type, failed: set[str] = failed, data: dict[str, object] = data
            ) -> Any:
                value = data.get(field)
                return value if field not in failed and isinstance(value, kind) else None

            for e in details:
                if e["loc"]:
                    field = str(e["loc"][0])
                    raw = cells[FIELDS.index(field)] if field in data else ""
                    found.append((rowno, field, _describe(e, field)[0], mask_value(field, raw)))
            for p in consistency_problems(
                national_id=ok("national_id", ResidentId),
                birth_date=ok("birth_date", date),
                sex=ok("sex", Sex),
                hire_date=ok("hire_date", date),
            ):
                raw = cells[FIELDS.index(p.field)] if p.field in data else ""
                found.append((rowno, p.field, p.code, mask_value(p.field, raw)))
        member_id = cells[0] or None
        if member_id is not None and seen_ids.setdefault(member_id, rowno) != rowno:
            found.append((rowno, "member_id", "duplicate_member_id", member_id))
        nid = data.get("national_id")
        if isinstance(nid, ResidentId) and seen_national.setdefault(nid.reveal(), rowno) != rowno:
            found.append((rowno, "national_id", "duplicate_national_id", nid.masked))
        if found:
            errors.extend(found)
        elif member is not None:
            members.append(member)
    return members, errors


def assert_matches_row_by_row(rows: list[list[str]]) -> None:
    """read_roster on *rows* as a CSV gives what :func:`per_row` gives."""
    text = io.StringIO()
    csv.writer(text).writerows([HEADER, *rows])

    result = read_roster(io.BytesIO(text.getvalue().encode()), today=TODAY)

    members, errors = per_row(rows)
    assert [(e.row, e.field, e.code, e.value) for e in result.errors] == errors
    assert result.members == members
    assert [m.model_fields_set for m in result.members] == [m.model_fields_set for m in members]
    assert result.rows_read == sum(1 for r in rows if any(c.strip() for c in r))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters())
def test_reading_by_columns_matches_reading_row_by_row(rows: list[list[str]]) -> None:
    assert_matches_row_by_row(rows)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters(), st.integers(1, 4))
def test_reading_in_small_chunks_matches_reading_row_by_row(
    rows: list[list[str]], chunk: int
) -> None:
    # Each column remembers every cell's outcome (a value, blank, or bad and why) from one
    # chunk to the next: small chunks make cells seen before meet cells not seen yet.
    with patch.object(reader, "_CHUNK_ROWS", chunk):
        assert_matches_row_by_row(rows)


def test_chunks_do_not_change_row_numbers_duplicates_or_progress(tmp_path: Any) -> None:
    # More rows than one chunk: a duplicate across the chunk boundary still names its row.
    n = 5000
    rows = [[f"H{i:05d}", "张伟"] for i in range(n)] + [["H00007", "李娜"]]
    path = tmp_path / "r.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([["工号", "姓名"], *rows])
    calls: list[tuple[int, int]] = []

    result = read_roster(path, today=TODAY, progress=lambda d, t: calls.append((d, t)))

    assert len(result.members) == n
    [error] = result.errors
    assert (error.row, error.code) == (n + 2, "duplicate_member_id")
    assert "row 9" in error.message_en
    assert calls[-1] == (n + 1, n + 1)
    assert len(calls) > 2
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_a_control_character_in_a_csv_cell_names_its_row_and_field_only() -> None:
    # The file is scanned once as text; only a file holding a control character has its
    # cells checked one column at a time, and only the row holding it is refused.
    rows = [["H1", "张伟"], ["H2", "李\x07娜"], ["H3", "王芳"], ["H4", "赵\t强"]]
    text = io.StringIO()
    csv.writer(text).writerows([["工号", "姓名"], *rows])

    result = read_roster(io.BytesIO(text.getvalue().encode()), today=TODAY)

    assert [m.member_id for m in result.members] == ["H1", "H3", "H4"]
    [error] = result.errors
    assert (error.row, error.field, error.code) == (3, "name", "control_character")
    assert "U+0007" in error.message_en
    assert "娜" not in error.value


_DATE_CELLS = st.one_of(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat),
    st.sampled_from(["2019-02-30", "2024-W01-1", "20240301", "2024/3/1", "2024-13-01", ""]),
    st.sampled_from([" 2024-03-01 ", "2024-03-01\n2024-03-02", "2024-3-01", "昨天"]),
)
_MONEY_CELLS = st.one_of(
    st.decimals(min_value=0, max_value=10**12 - 1, places=2, allow_nan=False).map(str),
    st.integers(0, 10**12 - 1).map(str),
    st.sampled_from(["1.5", "007.50", "0.00", "-1", "1.234", "1e3", "12\n34", " 12.00 ", "x"]),
)


@given(st.lists(_DATE_CELLS, max_size=30))
@example(["2024-W01-1"])
@example(["2024-03-01", "2019-02-30"])
def test_a_date_column_read_at_once_says_what_each_cell_says(cells: list[str]) -> None:
    # The column's fast path (one pattern over the joined column) may only ever agree
    # with reading each cell on its own, whatever mix of shapes the column holds.
    dates = converters(TODAY)["birth_date"]
    one_by_one = [converters(TODAY)["birth_date"](c) for c in cells]

    assert dates.many(cells) == one_by_one  # type: ignore[attr-defined]


@given(st.lists(_MONEY_CELLS, max_size=30))
@example(["1.5", "2"])
@example(["12\n34", "1.00"])
def test_a_money_column_read_at_once_says_what_each_cell_says(cells: list[str]) -> None:
    money = converters(TODAY)["annual_income"]
    read = money.many(cells)  # type: ignore[attr-defined]

    assert read == [money(c) for c in cells]
    # Equal and also the same exponent: a plain amount is exact yuan in fen.
    assert [str(v) for v in read] == [str(money(c)) for c in cells]
