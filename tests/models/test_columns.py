"""Column-wise validation agrees with validating each row as a ``Member``, value for value."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from unionkit.models import Member, Sex
from unionkit.models.base import forbidden_character
from unionkit.models.columns import (
    MISSING,
    FieldColumn,
    RowsValidation,
    TrustedBuilder,
    validate_rows,
)
from unionkit.models.ids import ResidentId, id_check_digit
from unionkit.models.member import (
    Inconsistency,
    blank_cells,
    consistency_by_row,
    consistency_problems,
    control_character_problem,
)

TODAY = date(2026, 6, 30)
CTX = {"today": TODAY}
FIELDS = tuple(Member.model_fields)


def an_id(born: date, seq: int) -> str:
    body = f"110105{born:%Y%m%d}{seq:03d}"
    return body + id_check_digit(body)


@st.composite
def national_ids(draw: st.DrawFn) -> object:
    born = draw(st.dates(date(1890, 1, 1), date(2030, 12, 31)))
    number = an_id(born, draw(st.integers(0, 999)))
    kind = draw(st.sampled_from(["text", "lower", "spaced", "wrong", "short", "parsed"]))
    if kind == "lower":
        return number.lower()
    if kind == "spaced":
        return f" {number[:6]} {number[6:]} "
    if kind == "wrong":
        return number[:-1] + ("0" if number[-1] != "0" else "1")
    if kind == "short":
        return number[:10]
    if kind == "parsed" and born <= TODAY and TODAY.year - born.year <= 120:
        return ResidentId.parse(number, today=TODAY)
    return number


Checked = RowsValidation[Member, Inconsistency]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=70)
BLANKS = st.sampled_from(["", " ", "\u3000", "\t"])
DATES = st.one_of(
    st.dates(date(1890, 1, 1), date(2030, 12, 31)),
    st.dates(date(1900, 1, 1), date(2030, 12, 31)).map(date.isoformat),
    st.sampled_from(["1990/3/7", "not a date", "2019-02-30"]),
)
FLAGS = st.sampled_from(
    ["是", "否", "yes", "no", "1", "0", "√", "maybe", True, False, 1, 0, 2, 1.0]
)
MONEY = st.one_of(
    st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False),
    st.decimals(min_value=0, max_value=10**4, places=3, allow_nan=False).map(str),
    st.sampled_from(
        [
            "100",
            "8500.50",
            " 5,000.50 ",
            "-1",
            "1e3",
            "8500,50",
            "¥300",
            "abc",
            "1000000000000",
            3,
            2.5,
            True,
        ]
    ),
)
CHOICES = {
    "sex": st.sampled_from(["男", "女", "male", "FEMALE", "M", Sex.MALE]),
    "household_role": st.sampled_from(["户主", "职工", "家属", "leader", "boss"]),
    "employment_type": st.sampled_from(["在编", "合同制", "劳务派遣", "retired", "intern"]),
    "status": st.sampled_from(["在册", "暂停", "已转出", "active", "gone"]),
}


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    born = draw(st.dates(TODAY - timedelta(days=365 * 70), TODAY - timedelta(days=365 * 17)))
    return an_id(born, draw(st.integers(0, 999)))


# Mostly good values, so that rows reach the cross-field rule (ID against birth date,
# sex and hire date) rather than failing on a bad cell first.
VALID: dict[str, st.SearchStrategy[Any]] = {
    "member_id": st.text("H0123456789", min_size=1, max_size=8),
    "name": st.sampled_from(["张伟", "李娜", "欧阳修"]),
    "national_id": valid_ids(),
    "birth_date": st.dates(TODAY - timedelta(days=365 * 70), TODAY - timedelta(days=365 * 17)),
    "hire_date": st.dates(TODAY - timedelta(days=365 * 60), TODAY),
    "sex": st.sampled_from(["男", "女"]),
    "monthly_salary": st.sampled_from(["8500.50", "0.00", "12000"]),
}

VALUES: dict[str, st.SearchStrategy[Any]] = {
    "member_id": TEXT,
    "name": TEXT,
    "is_member": FLAGS,
    "national_id": national_ids(),
    "birth_date": DATES,
    "phone": st.sampled_from(
        [
            "13800138000",
            "+86 138 0013 8000",
            "12345",
            "10012345678",
            "1380013800a",
            "19912345678",
            13800138000,
        ]
    ),
    "department": TEXT,
    "union_group_id": TEXT,
    "household_id": TEXT,
    "hire_date": DATES,
    "position": TEXT,
    "frontline": FLAGS,
    "monthly_salary": MONEY,
    "annual_income": MONEY,
    "rigid_spending": MONEY,
    "sick_leave_days": st.one_of(
        st.integers(-2, 400), st.sampled_from(["3", "x", "4.0", 2.0, True])
    ),
    "serious_illness": FLAGS,
    "joined_on": DATES,
    # Dues are paid by the month: "2026-10" is read as 2026-10-31.
    "dues_paid_through": st.one_of(DATES, st.sampled_from(["2026-10", "2026年9月", "13月", ""])),
    **CHOICES,
}


@st.composite
def rows(draw: st.DrawFn) -> list[dict[str, object]]:
    out = []
    for _ in range(draw(st.integers(1, 8))):
        row: dict[str, object] = {}
        for field in draw(st.sets(st.sampled_from(FIELDS))) | {"member_id", "name"}:
            kind = draw(st.sampled_from(["valid", "valid", "any", "blank"]))
            if kind == "valid" and field in VALID:
                row[field] = draw(VALID[field])
            else:
                row[field] = draw(BLANKS if kind == "blank" else VALUES[field])
        out.append(row)
    return out


def by_columns(batch: list[dict[str, object]]) -> dict[str, list[object]]:
    present = {f for row in batch for f in row}
    return {f: [row.get(f, "") for row in batch] for f in FIELDS if f in present}


def plain(errors: list[Any]) -> list[tuple[object, ...]]:
    return [(e["type"], tuple(e["loc"]), e["msg"]) for e in errors]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows())
def test_columns_accept_reject_and_normalise_exactly_as_member_does(
    batch: list[dict[str, object]],
) -> None:
    result = validate_rows(
        Member,
        by_columns(batch),
        len(batch),
        context=CTX,
        blank=blank_cells,
        row_check=consistency_by_row,
        text_problem=control_character_problem,
    )

    for j, row in enumerate(batch):
        try:
            expected = Member.model_validate(row, context=CTX)
        except ValidationError as exc:
            details = exc.errors(include_url=False, include_input=False)
            assert result.models[j] is None
            field_errors = [e for e in details if e["loc"]]
            assert plain(result.errors.get(j, [])) == plain(field_errors)
            whole = [e for e in details if not e["loc"]]
            if whole:  # the cross-field rule: the same first problem, in the same words
                first = result.problems[j][0]
                if first.code == "control_character":
                    # Refused before any field; with several such cells, which one is named
                    # first follows the columns' order rather than the row dict's.
                    assert "control character" in whole[0]["msg"]
                    assert forbidden_character(str(row[first.field])) is not None
                else:
                    assert whole[0]["msg"] == (
                        f"Value error, {first.message_en} / {first.message_zh}"
                    )
            continue
        got = result.models[j]
        assert got is not None, (row, result.errors.get(j), result.problems.get(j))
        assert got == expected
        assert got.model_dump(context={"reveal_pii": True}) == expected.model_dump(
            context={"reveal_pii": True}
        )
        assert got.model_fields_set == expected.model_fields_set
        assert repr(got) == repr(expected)
        assert j not in result.errors
        assert j not in result.problems


def test_equal_values_of_different_types_are_validated_apart() -> None:
    # 1 == 1.0 == True and a str enum member equals its text: one check per distinct
    # value must not let one stand for the other.
    columns: dict[str, list[object]] = {
        "member_id": ["a", "b", "c", "d"],
        "name": ["x", "x", "x", "x"],
        "monthly_salary": [1, True, 1.0, Decimal("1.00")],
    }

    result: Checked = validate_rows(Member, columns, 4, context=CTX, blank=blank_cells)

    assert [m is not None for m in result.models] == [True, False, True, True]
    assert result.errors[1][0]["loc"] == ("monthly_salary",)


def test_rows_share_one_fields_set_per_pattern_and_copies_do_not_leak() -> None:
    columns = {
        "member_id": ["a", "b", "c"],
        "name": ["x", "y", "z"],
        "department": ["内科", "", "外科"],
    }

    result: Checked = validate_rows(Member, columns, 3, context=CTX, blank=blank_cells)
    first, second, third = result.models

    assert first is not None and second is not None and third is not None
    assert first.model_fields_set is third.model_fields_set
    assert second.model_fields_set == {"member_id", "name"}
    changed = first.model_copy(update={"position": "护士"})
    assert "position" in changed.model_fields_set
    assert "position" not in third.model_fields_set


def test_a_missing_required_column_fails_every_row() -> None:
    result: Checked = validate_rows(
        Member, {"member_id": ["a", "b"]}, 2, context=CTX, blank=blank_cells
    )

    assert result.models == [None, None]
    assert [plain(result.errors[j]) for j in (0, 1)] == [
        [("missing", ("name",), "Field required")]
    ] * 2


def test_left_out_and_refused_cells_count_as_not_given() -> None:
    class Refusal:
        pass

    refusal = Refusal()
    columns = {
        "member_id": ["a", "b", "c"],
        "name": ["x", "y", "z"],
        "birth_date": [MISSING, "bad", "1990-03-07"],
    }

    result: Checked = validate_rows(
        Member,
        columns,
        3,
        context=CTX,
        blank=blank_cells,
        reject=Refusal,
        prepare={"birth_date": lambda c: refusal if c == "bad" else c},
    )

    assert result.rejected == {"birth_date": {1: refusal}}
    assert [m.birth_date if m else None for m in result.models] == [None, None, date(1990, 3, 7)]
    assert result.models[1] is not None  # the caller decides what a refusal means
    assert "birth_date" not in result.models[1].model_fields_set


def test_the_memo_carries_outcomes_across_calls() -> None:
    calls: list[object] = []

    def prepare(cell: object) -> object:
        calls.append(cell)
        return cell

    memo: dict[str, dict[Any, object]] = {}
    old = TODAY - timedelta(days=365 * 30)
    for _ in range(2):
        column = [old.isoformat()] * 70 + ["2030-01-01"] * 70
        result: Checked = validate_rows(
            Member,
            {"member_id": [str(i) for i in range(140)], "name": ["x"] * 140, "birth_date": column},
            140,
            context=CTX,
            blank=blank_cells,
            prepare={"birth_date": prepare},
            memo=memo,
        )
        assert sorted(result.errors) == list(range(70, 140))

    assert calls == [old.isoformat(), "2030-01-01"]


def test_a_model_that_needs_more_than_its_fields_is_refused() -> None:
    from pydantic import BaseModel, PrivateAttr

    class WithPrivate(BaseModel):
        a: int
        _cache: int = PrivateAttr(default=0)

    with pytest.raises(TypeError, match="WithPrivate"):
        TrustedBuilder(WithPrivate)


def test_a_field_column_reports_errors_with_the_fields_location() -> None:
    checker = FieldColumn(Member, "sick_leave_days")

    values, errors = checker.validate(["3", "400", "x"], CTX)

    assert values[0] == 3
    assert values[1] is MISSING and values[2] is MISSING
    assert [(e["type"], e["loc"]) for e in errors[1] + errors[2]] == [
        ("less_than_equal", ("sick_leave_days",)),
        ("int_parsing", ("sick_leave_days",)),
    ]


def test_instances_of_a_model_that_can_change_get_their_own_fields_set() -> None:
    from pydantic import BaseModel

    class Open(BaseModel):
        a: int
        b: int = 0

    builder = TrustedBuilder(Open)
    first, second = builder.build_all([(1, 0), (2, 0)], [0b10, 0b10])
    first.b = 5

    assert first.model_fields_set == {"a", "b"}
    assert second.model_fields_set == {"a"}
    assert second == Open(a=2)


def test_a_model_of_more_than_62_fields_keeps_each_rows_fields_given() -> None:
    from pydantic import create_model

    # Each row's fields not given are a bit mask: past 62 fields it outgrows a machine word.
    names = [f"f{i}" for i in range(70)]
    fields: dict[str, Any] = dict.fromkeys(names, (str | None, None))
    wide: Any = create_model("Wide", **fields)
    rows = [{n: ("x" if (i + k) % 3 else "") for k, n in enumerate(names)} for i in range(5)]
    columns = {n: [r[n] for r in rows] for n in names}

    result: RowsValidation[Any, Any] = validate_rows(wide, columns, 5, blank=blank_cells)

    for row, model in zip(rows, result.models, strict=True):
        assert model is not None
        assert model == wide.model_validate({n: v for n, v in row.items() if v})
        assert model.model_fields_set == {n for n, v in row.items() if v}


def test_the_memo_keeps_blank_and_bad_cells_apart_across_calls() -> None:
    memo: dict[str, dict[Any, object]] = {}
    chunks = [
        ["1990-03-07", "", "1990-03-07"],
        ["", "not a date", "1990-03-07"],
        ["1990-03-07", "1990-03-07", "not a date"],
        ["", "", ""],
    ]
    for chunk in chunks:
        n = len(chunk)
        result: Checked = validate_rows(
            Member,
            {"member_id": [str(i) for i in range(n)], "name": ["x"] * n, "birth_date": chunk},
            n,
            context=CTX,
            blank=blank_cells,
            memo=memo,
        )
        fresh: Checked = validate_rows(
            Member,
            {"member_id": [str(i) for i in range(n)], "name": ["x"] * n, "birth_date": chunk},
            n,
            context=CTX,
            blank=blank_cells,
        )
        assert result.values == fresh.values
        assert result.absent == fresh.absent
        assert result.errors == fresh.errors
        assert sorted(result.errors) == [j for j, c in enumerate(chunk) if c == "not a date"]
        bit = 1 << list(Member.model_fields).index("birth_date")
        assert [bool(a & bit) for a in result.absent] == [c == "" for c in chunk]


@st.composite
def fact_rows(draw: st.DrawFn) -> tuple[Any, Any, Any, Any]:
    # Birth dates, sexes and hire dates around the rules' edges: the same day as the ID's,
    # a day off, hired a day before or after the 16th birthday (29 February included).
    born = draw(st.dates(date(1950, 1, 1), date(2008, 12, 31)))
    nid = draw(
        st.sampled_from(
            [None, ResidentId.parse(an_id(born, draw(st.integers(0, 999))), today=TODAY)]
        )
    )
    stated = draw(st.sampled_from([None, born, born + timedelta(days=1)]))
    sex = draw(st.sampled_from([None, Sex.MALE, Sex.FEMALE]))
    sixteen = date(born.year + 16, 3, 1) if (born.month, born.day) == (2, 29) else None
    sixteen = sixteen or born.replace(year=born.year + 16)
    hire = draw(
        st.sampled_from([None, sixteen, sixteen - timedelta(days=1), sixteen + timedelta(days=400)])
    )
    return nid, stated, sex, hire


@settings(max_examples=80, deadline=None)
@given(st.lists(fact_rows(), max_size=40))
def test_consistency_by_row_is_consistency_problems_row_by_row(
    rows: list[tuple[Any, Any, Any, Any]],
) -> None:
    names = ("national_id", "birth_date", "sex", "hire_date")
    columns = {name: [row[i] for row in rows] for i, name in enumerate(names)}

    expected = {}
    for j, row in enumerate(rows):
        found = consistency_problems(**dict(zip(names, row, strict=True)))
        if found:
            expected[j] = found

    assert consistency_by_row(columns) == expected
    assert consistency_by_row({"sex": columns["sex"]}) == {}


_WHITESPACE = "".join(c for c in map(chr, range(0x3100)) if c.isspace())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(_WHITESPACE + "a张\x00\x1f"), max_size=4)))
def test_blank_cells_are_empty_or_all_whitespace(cells: list[str]) -> None:
    assert blank_cells(cells) == [not c or c.isspace() for c in cells]
    mixed: list[object] = [*cells, 0, None]
    assert blank_cells(mixed)[: len(cells)] == [not c or c.isspace() for c in cells]
    assert blank_cells(mixed)[len(cells) :] == [False, False]


_TEXT_CHARS = st.sampled_from(
    [*_WHITESPACE, "\x1c", "\x1f", "\ud800", "a", "张", "\u200b", "\u3000"]
)


@given(
    st.sampled_from(["member_id", "name", "department", "household_id"]),
    st.lists(
        st.one_of(
            st.text(alphabet=_TEXT_CHARS, max_size=4),
            st.text(alphabet="ab", min_size=30, max_size=70),
            st.none(),
        ),
        max_size=8,
    ),
)
@example("member_id", ["H1", "\ud800a"])
@example("member_id", ["H1", "\x1cH2"])
@example("name", ["", "张伟"])
def test_plain_texts_checked_by_length_are_what_pydantic_makes_of_them(
    field: str, values: list[str | None]
) -> None:
    # A text field checked by its lengths in C (no surrounding whitespace, valid UTF-8)
    # must give exactly what the field's pydantic validation gives, value and error alike.
    fast = FieldColumn(Member, field)
    slow = FieldColumn(Member, field)
    slow._text = None

    got, got_errors = fast.validate(values, CTX)
    want, want_errors = slow.validate(values, CTX)

    assert got == want
    assert {i: [e["type"] for e in errs] for i, errs in got_errors.items()} == {
        i: [e["type"] for e in errs] for i, errs in want_errors.items()
    }


def test_only_plain_length_bounded_text_fields_skip_pydantic() -> None:
    assert FieldColumn(Member, "member_id")._text == (1, 32)
    assert FieldColumn(Member, "department")._text == (0, 64)
    assert FieldColumn(Member, "sick_leave_days")._text is None
    assert FieldColumn(Member, "national_id")._text is None
