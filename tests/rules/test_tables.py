"""Decision tables: hit policies, unknown inputs, dated outputs, explanations and build checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unionkit.errors import RuleDefinitionError
from unionkit.rulefiles import standard_ruleset
from unionkit.rules import Parameter, Parameters, ParameterValue, Rule, RuleSet, ValueType
from unionkit.rules.expr import Lit, lit, param
from unionkit.rules.parse import parse_expression
from unionkit.rules.tables import (
    Cell,
    DecisionTable,
    TableCheckError,
    cell,
    decision_table,
    table_problems,
)

V = ValueType
AS_OF = date(2025, 6, 1)
FIELDS = {
    "member_id": V.text,
    "household_id": V.text,
    "x": V.int,
    "y": V.int,
    "flag": V.bool,
    "kind": V.text,
    "income": V.money,
}


def _params() -> Parameters:
    ps = Parameters()
    ps.add(
        Parameter(
            "aid.base",
            "yuan",
            "基数",
            "base",
            [
                ParameterValue(date(2023, 1, 1), Decimal(100)),
                ParameterValue(date(2025, 1, 1), Decimal(150)),
            ],
        )
    )
    return ps


def _ruleset(table: DecisionTable, vtype: V = V.int) -> RuleSet:
    return RuleSet([Rule("r", table, "表", "table", vtype, missing="propagate")], _params(), FIELDS)


def _data(**columns: list[Any]) -> dict[str, Any]:
    n = len(next(iter(columns.values())))
    out: dict[str, Any] = {
        "member_id": np.array([f"m{i}" for i in range(n)], dtype=object),
        "household_id": np.array([f"h{i}" for i in range(n)], dtype=object),
    }
    for name, values in columns.items():
        missing = [v is None for v in values]
        if FIELDS[name] is V.text:
            out[name] = np.array(values, dtype=object)
        elif FIELDS[name] is V.money:
            out[name] = np.array([None if v is None else Decimal(v) for v in values], dtype=object)
        else:
            blank = False if FIELDS[name] is V.bool else 0
            filled = [blank if v is None else v for v in values]
            data = np.array(filled, dtype=bool if FIELDS[name] is V.bool else np.int64)
            out[name] = np.ma.MaskedArray(data, mask=missing) if any(missing) else data
    return out


def _values(rs: RuleSet, data: dict[str, Any], as_of: date = AS_OF) -> list[Any]:
    column = rs.evaluate(data, as_of=as_of).frame["r"]
    if isinstance(column, np.ma.MaskedArray):
        return [
            None if m else int(v)
            for v, m in zip(column.data, np.ma.getmaskarray(column), strict=True)
        ]
    return [int(v) for v in column]


# --- cells --------------------------------------------------------------------------------------


def test_cells_read_values_sets_comparisons_and_ranges() -> None:
    assert Cell("any") == cell("-")
    assert Cell("in", (lit(3),)) == cell(3)
    assert Cell("in", (lit("a"), lit("b"))) == cell(["a", "b"])
    assert Cell("range", high=lit(800), high_closed=False) == cell("< 800")
    assert Cell("range", low=lit(Decimal("2.50")), low_closed=True) == cell(">= 2.50")
    assert Cell("range", (), lit(10), True, lit(30), False) == cell("[10, 30)")
    assert Cell("range", (), lit(10), False, None, True) == cell("(10, ..)")
    assert Cell("range", (), lit(date(2020, 1, 1)), True, None, True) == cell("[2020-01-01, ..)")
    assert "[10, 30)" == cell("[10, 30)").text()
    with pytest.raises(RuleDefinitionError, match="has no end"):
        cell("[.., ..)")
    with pytest.raises(RuleDefinitionError, match="not a number or a date"):
        cell("< ten")


# --- hit policies -------------------------------------------------------------------------------


def test_first_takes_the_first_matching_row_and_an_unknown_earlier_row_makes_it_unknown() -> None:
    t = decision_table(
        "first",
        ["x", "flag"],
        [(["< 10", "-"], 1), (["[10, 30)", True], 2), ([">= 10", "-"], 3)],
    )
    rs = _ruleset(t)
    data = _data(x=[5, 20, 20, 40, None, None], flag=[True, True, False, True, True, True])

    # member 4: x unknown, so row 1 is undecided: unknown; the rows after cannot be chosen
    assert [1, 2, 3, 3, None, None] == _values(rs, data)


def test_a_row_that_does_not_read_the_unknown_input_still_decides() -> None:
    t = decision_table("first", ["flag", "x"], [([True, "-"], 7), ([False, "< 5"], 8)], default=9)
    rs = _ruleset(t)
    data = _data(flag=[True, False, False], x=[None, None, 9])

    assert [7, None, 9] == _values(rs, data)


def test_unique_decides_on_a_match_despite_other_undecided_rows() -> None:
    t = decision_table(
        "unique", ["x", "y"], [(["< 0", "-"], 1), ([">= 0", "< 5"], 2), ([">= 0", ">= 5"], 3)]
    )
    rs = _ruleset(t)
    data = _data(x=[-1, None, 3, 3], y=[None, 1, None, 7])

    assert [1, None, None, 3] == _values(rs, data)


def test_priority_chooses_by_the_order_of_the_outputs_not_the_rows() -> None:
    t = decision_table(
        "priority",
        ["x", "flag"],
        [(["-", "-"], 100), ([">= 10", "-"], 300), (["-", True], 200)],
        priority=[300, 200, 100],
    )
    rs = _ruleset(t)
    data = _data(x=[1, 12, 1, 12], flag=[False, False, True, True])

    assert [100, 300, 200, 300] == _values(rs, data)


def test_collect_policies_sum_count_min_and_max_every_matching_row() -> None:
    rows = [([">= 1"], 10), ([">= 5"], 20), (["< 3"], 5)]
    data = _data(x=[0, 2, 6, None])
    expected = {
        "collect_sum": [5, 15, 30, None],
        "collect_count": [1, 2, 2, None],
        "collect_min": [5, 5, 10, None],
        "collect_max": [5, 10, 20, None],
    }
    for hit, want in expected.items():
        assert want == _values(_ruleset(decision_table(hit, ["x"], rows)), data), hit


def test_collect_over_no_row_is_zero_for_sum_and_count_and_unknown_for_min_without_default() -> (
    None
):
    rows = [(["[1, 2]"], 10)]
    data = _data(x=[7])
    assert [0] == _values(_ruleset(decision_table("collect_sum", ["x"], rows)), data)
    assert [0] == _values(_ruleset(decision_table("collect_count", ["x"], rows)), data)
    assert [4] == _values(_ruleset(decision_table("collect_min", ["x"], rows, default=4)), data)


def test_text_inputs_match_values_and_sets() -> None:
    t = decision_table("unique", ["kind"], [(["a"], 1), ([["b", "c"]], 2)], default=0)
    data = _data(kind=["a", "c", "z", None])

    assert [1, 2, 0, None] == _values(_ruleset(t), data)


def test_money_inputs_compare_exactly_to_the_fen() -> None:
    t = decision_table("first", ["income"], [(["< 800.01"], 1), (["-"], 2)])
    data = _data(income=["800.00", "800.01", "0"])

    assert [1, 2, 1] == _values(_ruleset(t), data)


def test_outputs_read_dated_parameters() -> None:
    t = decision_table("first", ["x"], [(["< 10"], param("aid.base") * 2), (["-"], 0)])
    rs = _ruleset(t, V.money)
    data = _data(x=[3])

    before = rs.evaluate(data, as_of=date(2024, 6, 1)).frame["r"]
    after = rs.evaluate(data, as_of=date(2025, 6, 1)).frame["r"]

    assert [20000] == list(before)  # 2 x 100 yuan, in fen
    assert [30000] == list(after)  # 2 x 150 yuan from 2025-01-01


# --- explanations --------------------------------------------------------------------------------


def test_the_explanation_names_the_matched_row_in_both_languages() -> None:
    t = decision_table(
        "first",
        ["x"],
        [(["< 10"], 1, "低档", "low"), (["[10, 30)"], 2, "中档", "middle"), (["-"], 3)],
    )
    rs = _ruleset(t)
    data = _data(x=[5, 20, 99])

    assert (
        "matched row 2 (middle)"
        in rs.explain(data, "r", as_of=AS_OF, member="m1", lang="en").render()
    )
    assert "命中第1行（低档）" in rs.explain(data, "r", as_of=AS_OF, member="m0").render()
    assert "matched row 3" in rs.explain(data, "r", as_of=AS_OF, member="m2", lang="en").render()


def test_a_collect_explanation_names_every_matched_row_and_an_unknown_one_the_undecided() -> None:
    t = decision_table(
        "collect_sum", ["x"], [([">= 1"], 10, "一", "one"), ([">= 5"], 20, "五", "five")]
    )
    rs = _ruleset(t)
    data = _data(x=[6, None])

    text = rs.explain(data, "r", as_of=AS_OF, member="m0", lang="en").render()
    assert "matched rows: row 1 (one), row 2 (five)" in text
    unknown = rs.explain(data, "r", as_of=AS_OF, member="m1", lang="en").render()
    assert "undecided for want of an input: row 1 (one), row 2 (five)" in unknown


# --- batch equals explain, and both equal a plain reference, for random tables ------------------


def _reference(t: DecisionTable, xs: list[int | None]) -> int | None:
    """The table's value for one member, computed one row at a time in plain Python."""
    status = []
    for row in t.rows:
        s = "yes"
        for c, x in zip(row.cells, xs, strict=True):
            if c.kind == "any":
                continue
            if x is None:
                s = "unknown" if s == "yes" else s
                continue
            lo = c.low.value if isinstance(c.low, Lit) else None
            hi = c.high.value if isinstance(c.high, Lit) else None
            ok = (
                x in [v.value for v in c.values]
                if c.kind == "in"
                else (
                    (lo is None or x > lo or (c.low_closed and x == lo))
                    and (hi is None or x < hi or (c.high_closed and x == hi))
                )
            )
            if not ok:
                s = "no"
        status.append(s)
    outs: list[int] = [o.value for o in t.outputs]  # type: ignore[attr-defined]
    default: int | None = None if t.default is None else t.default.value  # type: ignore[attr-defined]
    if t.hit.startswith("collect_"):
        if "unknown" in status:
            return None
        hits = [outs[k] for k, s in enumerate(status) if s == "yes"]
        if t.hit == "collect_count":
            return len(hits)
        if t.hit == "collect_sum":
            return sum(hits)
        if not hits:
            return default
        return min(hits) if t.hit == "collect_min" else max(hits)
    if t.hit == "unique":
        if "yes" in status:
            return outs[status.index("yes")]
        return None if "unknown" in status else default
    order = list(range(len(outs)))
    if t.hit == "priority":
        rank = [p.value for p in t.priority]
        order.sort(key=lambda k: rank.index(outs[k]))
    for s, out in ((status[k], outs[k]) for k in order):
        if s == "unknown":
            return None
        if s == "yes":
            return out
    return default


_BOUND = st.integers(-5, 5)
_CELL = st.one_of(
    st.just("-"),
    _BOUND,
    st.lists(_BOUND, min_size=1, max_size=3).map(sorted),
    st.tuples(st.sampled_from(["<", "<=", ">", ">="]), _BOUND).map(lambda t: f"{t[0]} {t[1]}"),
    st.tuples(st.sampled_from("[("), _BOUND, _BOUND, st.sampled_from("])")).map(
        lambda t: f"{t[0]}{min(t[1], t[2])}, {max(t[1], t[2])}{t[3]}"
    ),
)


@st.composite
def _tables(draw: st.DrawFn) -> DecisionTable:
    hit = draw(
        st.sampled_from(
            [
                "unique",
                "first",
                "priority",
                "collect_sum",
                "collect_count",
                "collect_min",
                "collect_max",
            ]
        )
    )
    n_rows = draw(st.integers(1, 4))
    rows = [
        (draw(st.lists(_CELL, min_size=2, max_size=2)), draw(st.integers(-50, 50)))
        for _ in range(n_rows)
    ]
    default = draw(st.one_of(st.none(), st.integers(-50, 50)))
    # priority: the outputs in a random order of importance
    priority = draw(st.permutations(sorted({out for _, out in rows}))) if hit == "priority" else []
    return decision_table(hit, ["x", "y"], rows, default=default, priority=priority)


_MEMBER = st.tuples(
    st.one_of(st.none(), st.integers(-7, 7)), st.one_of(st.none(), st.integers(-7, 7))
)


@settings(max_examples=150, deadline=None)
@given(_tables(), st.lists(_MEMBER, min_size=1, max_size=6))
def test_batch_equals_explain_equals_a_row_by_row_reference(
    t: DecisionTable, members: list[tuple[int | None, int | None]]
) -> None:
    try:
        rs = _ruleset(t)
    except TableCheckError:
        return  # a table its build checks refuse is never evaluated
    data = _data(x=[m[0] for m in members], y=[m[1] for m in members])

    batch = _values(rs, data)

    for i, (x, y) in enumerate(members):
        single = rs.explain(data, "r", as_of=AS_OF, member=f"m{i}").value
        assert batch[i] == single
        assert _reference(t, [x, y]) == batch[i]


# --- build checks ------------------------------------------------------------------------------


def test_unique_rows_that_overlap_are_refused_naming_both_rows_and_an_example() -> None:
    t = decision_table(
        "unique", ["x"], [(["[10, 30]"], 1, "低", "low"), ([">= 30"], 2, "高", "high")]
    )

    with pytest.raises(
        TableCheckError, match=r"row 1 \(low\) and row 2 \(high\) overlap.*x = 30"
    ) as info:
        _ruleset(t)
    assert (1, 2) == info.value.rows
    assert "r" == info.value.rule


def test_a_gap_is_refused_with_an_example_unless_there_is_a_default() -> None:
    rows = [(["< 10", True], 1), (["-", False], 2)]
    with pytest.raises(TableCheckError, match=r"no row covers x = 10, flag = true"):
        _ruleset(decision_table("first", ["x", "flag"], rows))

    _ruleset(decision_table("first", ["x", "flag"], rows, default=0))  # no error


def test_whole_number_inputs_have_no_gap_between_adjacent_whole_numbers() -> None:
    rows = [(["<= 10"], 1), ([">= 10.5"], 2)]

    assert [] == table_problems(decision_table("first", ["x"], rows), [V.int])
    problems = table_problems(decision_table("first", ["x"], rows), [V.number])
    assert ["no row covers x = 10.25 (add a row or a default)"] == [p[0] for p in problems]


def test_a_row_shadowed_by_earlier_rows_is_unreachable() -> None:
    t = decision_table(
        "first",
        ["x", "flag"],
        [(["< 10", "-"], 1), (["[5, 8]", True], 2, "中", "mid"), (["-", "-"], 3)],
    )

    with pytest.raises(
        TableCheckError, match=r"row 2 \(mid\) can never apply: earlier rows"
    ) as info:
        _ruleset(t)
    assert (2,) == info.value.rows


def test_a_row_whose_cells_match_nothing_is_refused_under_every_policy() -> None:
    t = decision_table("collect_sum", ["x"], [(["[30, 10]"], 1)])

    with pytest.raises(TableCheckError, match="row 1 can never apply: no input matches"):
        _ruleset(t)


def test_cells_must_fit_the_inputs_type() -> None:
    with pytest.raises(RuleDefinitionError, match="row 1, input kind: < 3 cannot be compared"):
        _ruleset(decision_table("first", ["kind"], [(["< 3"], 1), (["-"], 2)]))
    text_range = Cell("range", low=lit("a"))
    with pytest.raises(RuleDefinitionError, match="row 1, input kind: a range needs numbers"):
        _ruleset(decision_table("first", ["kind"], [([text_range], 1), (["-"], 2)]))
    with pytest.raises(RuleDefinitionError, match="cannot be compared with bool"):
        _ruleset(decision_table("first", ["flag"], [([3], 1), (["-"], 2)]))


def test_priority_outputs_must_be_listed() -> None:
    t = decision_table("priority", ["x"], [(["-"], 5)], priority=[1, 2])

    with pytest.raises(RuleDefinitionError, match="under priority each output must be one of"):
        _ruleset(t)


def test_a_table_keeps_a_content_hash_and_prints_a_summary() -> None:
    a = decision_table("first", ["x"], [(["< 3"], 1), (["-"], 2)])
    b = decision_table("first", ["x"], [(["< 3"], 1), (["-"], 3)])

    assert _ruleset(a).version != _ruleset(b).version
    assert (
        _ruleset(a).version
        == _ruleset(decision_table("first", ["x"], [(["< 3"], 1), (["-"], 2)])).version
    )
    assert "table[first](x; 2 rows)" == str(a)


# --- the standard library's table keeps the results of the expression it replaced ---------------

_OLD_CAP = (
    "group_max(where(is_member and deep_hardship,"
    " $hardship.deep_aid_multiple * $hardship.minimum_living_standard,"
    " where(is_member and relative_hardship,"
    " $hardship.relative_aid_multiple * $hardship.minimum_living_standard, 0)),"
    " by=household_id)"
)

_PERSON = st.fixed_dictionaries(
    {
        "household": st.integers(0, 3),
        "is_member": st.booleans(),
        "annual_income": st.one_of(st.none(), st.integers(0, 60_000)),
        "rigid_spending": st.one_of(st.none(), st.integers(0, 5_000)),
        "homes_owned": st.one_of(st.none(), st.integers(0, 2)),
        "child_high_fee_school": st.booleans(),
    }
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(_PERSON, min_size=1, max_size=8),
    st.sampled_from([date(2020, 6, 30), date(2025, 6, 1)]),
)
def test_the_tier_table_gives_the_household_cap_the_old_expression_gave(
    people: list[dict[str, Any]], as_of: date
) -> None:
    standard = standard_ruleset()
    old = Rule("old_household_living_aid_cap", parse_expression(_OLD_CAP), "旧", "old", V.money)
    rs = standard.merge([old])
    assert isinstance(standard.rules["member_living_aid_cap"].expr, DecisionTable)
    rows = []
    for i, p in enumerate(people):
        rows.append(
            {
                "member_id": f"m{i}",
                "household_id": f"H{p['household']}",
                "is_member": p["is_member"],
                "frontline": False,
                "serious_illness": False,
                "status": "active",
                "annual_income": None
                if p["annual_income"] is None
                else Decimal(p["annual_income"]),
                "rigid_spending": None
                if p["rigid_spending"] is None
                else Decimal(p["rigid_spending"]),
                "homes_owned": p["homes_owned"],
                "child_high_fee_school": p["child_high_fee_school"],
            }
        )
    from unionkit.rulefiles.testing import rows_to_columns

    data = rows_to_columns(rows, rs.fields)
    frame = rs.evaluate(
        data, as_of=as_of, rules=["household_living_aid_cap", "old_household_living_aid_cap"]
    ).frame

    new, before = frame["household_living_aid_cap"], frame["old_household_living_aid_cap"]
    assert list(np.ma.getdata(new)) == list(np.ma.getdata(before))
    assert list(np.ma.getmaskarray(new)) == list(np.ma.getmaskarray(before))


def test_the_conclusion_of_a_table_rule_gives_the_deciding_row() -> None:
    t = decision_table("first", ["x"], [(["< 10"], 1, "低档", "low"), (["-"], 2, "其他", "other")])
    rs = _ruleset(t)
    data = _data(x=[5])

    explained = rs.explain(data, "r", as_of=AS_OF, member="m0")
    assert "表为1：命中第1行（低档）" == explained.conclusion()
    assert "Table is 1: matched row 1 (low)" == explained.conclusion(lang="en")


# --- thresholds read from dated parameters -------------------------------------------------------


def _lines(low: list[tuple[date, int]], high: list[tuple[date, int]]) -> Parameters:
    ps = Parameters()
    for name, values in (("line.low", low), ("line.high", high)):
        dated = [ParameterValue(d, Decimal(v)) for d, v in values]
        ps.add(Parameter(name, "yuan", name, name, dated))
    return ps


_BANDS = [
    (["< $line.low"], 1, "低", "low"),
    (["[$line.low, $line.high)"], 2, "中", "middle"),
    ([">= $line.high"], 3, "高", "high"),
]


def test_a_threshold_read_from_a_parameter_follows_its_effective_dates() -> None:
    ps = _lines([(date(2024, 1, 1), 1000), (date(2025, 1, 1), 1200)], [(date(2024, 1, 1), 2000)])
    rs = RuleSet(
        [Rule("r", decision_table("unique", ["income"], _BANDS), "表", "t", V.int)], ps, FIELDS
    )
    data = _data(income=["1100.00"])

    assert [2] == _values(rs, data, date(2024, 6, 1))  # 1000 <= 1100 < 2000
    assert [1] == _values(rs, data, date(2025, 6, 1))  # 1100 < 1200 from 2025
    text = rs.explain(data, "r", as_of=date(2025, 6, 1), member="m0", lang="en").render()
    assert "matched row 1 (low)" in text
    assert "($line.low) = 1,200.00 yuan (parameter, effective 2025-01-01" in text


def test_dated_thresholds_are_checked_at_each_effective_date() -> None:
    # from 2025-06-01 the high line falls below the low line: rows 1 and 3 overlap then
    ps = _lines([(date(2024, 1, 1), 1000)], [(date(2024, 1, 1), 2000), (date(2025, 6, 1), 900)])
    table = decision_table("unique", ["income"], _BANDS)

    with pytest.raises(
        TableCheckError,
        match=r"row 1 \(low\) and row 3 \(high\) overlap .*e\.g\. for income = 9\d\d.*"
        r"from 2025-06-01 \(\$line\.high = 900\.00, \$line\.low = 1000\.00\)",
    ) as info:
        RuleSet([Rule("r", table, "表", "t", V.int)], ps, FIELDS)
    assert ("line.high", "line.low") == info.value.parameters


def test_text_outputs_stay_in_object_arrays_like_every_text_value() -> None:
    t = decision_table("first", ["x"], [(["< 3"], "short"), (["-"], "a much longer label")])
    rs = RuleSet([Rule("r", t, "表", "t", V.text)], Parameters(), FIELDS)

    column = rs.evaluate(_data(x=[1, 5]), as_of=AS_OF).frame["r"]

    assert object == column.dtype
    assert ["short", "a much longer label"] == list(column)
