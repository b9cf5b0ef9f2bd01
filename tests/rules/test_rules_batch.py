"""Batch evaluation over dicts of arrays, pandas and polars frames."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from rules_standard import standard_parameters, standard_ruleset

from unionkit.errors import ParameterError, RuleEvaluationError
from unionkit.rules import (
    Expr,
    Missing,
    Parameters,
    Rule,
    RuleSet,
    ValueType,
    between,
    clip,
    days_since,
    field,
    group_all,
    group_any,
    group_count,
    group_max,
    group_min,
    group_sum,
    isin,
    lit,
    maximum,
    minimum,
    months_since,
    param,
    ref,
    scale_lookup,
    where,
    years_since,
)

AS_OF = date(2025, 6, 1)


def one(
    expr: Expr,
    data: Mapping[str, Any],
    vtype: str,
    missing: Missing = Missing.propagate,
    as_of: date = AS_OF,
) -> list[Any]:
    rs = RuleSet([Rule("r", expr, "r", "r", vtype, missing=missing)], standard_parameters())
    col = rs.evaluate(dict(data), as_of).frame["r"]
    if isinstance(col, np.ma.MaskedArray):
        return [
            None if m else v
            for v, m in zip(col.data.tolist(), np.ma.getmaskarray(col).tolist(), strict=True)
        ]
    return list(col.tolist())


def test_arithmetic_on_integers_numbers_and_money() -> None:
    data = {"sick_leave_days": [3, 10], "annual_income": [Decimal("100.10"), Decimal("7")]}

    assert [7, 21] == one(field("sick_leave_days") * 2 + 1, data, "int")
    assert [1.5, 5.0] == one(field("sick_leave_days") / 2, data, "number")
    # money plus an integer counts the integer as yuan; results are fen
    assert [11010, 1700] == one(field("annual_income") + 10, data, "money")
    assert [-10010, -700] == one(-field("annual_income"), data, "money")
    # money / int rounds half up to the fen: 100.10 / 3 = 33.3667 -> 33.37; 7 / 3 = 2.3333 -> 2.33
    assert [3337, 233] == one(field("annual_income") / 3, data, "money")
    # money x money scales: 100.10 x 0.5 = 50.05; 7 x 0.5 = 3.50
    assert [5005, 350] == one(field("annual_income") * Decimal("0.5"), data, "money")
    # money with a float is a plain number in yuan
    assert [50.05, 3.5] == one(field("annual_income") * 0.5, data, "number")
    # money / money is a plain ratio
    assert [pytest.approx(100.1 / 7), 1.0] == one(
        field("annual_income") / Decimal("7"), data, "number"
    )


def test_money_division_rounds_half_up_including_negative_amounts() -> None:
    data = {"annual_income": [Decimal("0.05"), Decimal("-0.05"), Decimal("0.03")]}

    # 0.05 / 2 = 0.025 -> 0.03 ; -0.025 -> -0.03 (half away from zero) ; 0.015 -> 0.02
    assert [3, -3, 2] == one(field("annual_income") / 2, data, "money")


def test_division_by_zero_is_unknown_not_a_crash() -> None:
    data = {"sick_leave_days": [4, 0], "annual_income": [Decimal(100), Decimal(100)]}

    assert [25.0, None] == one(field("annual_income") / field("sick_leave_days"), data, "number")
    assert [25.0, 0.0] == one(
        field("annual_income") / field("sick_leave_days"), data, "number", Missing.false
    )


def test_comparisons_between_money_and_integers_and_dates() -> None:
    data = {
        "annual_income": [Decimal("1799.99"), Decimal("1800"), Decimal("1800.01")],
        "birth_date": [date(1980, 1, 1), date(1990, 1, 1), date(2000, 1, 1)],
    }

    assert [True, False, False] == one(field("annual_income") < 1800, data, "bool")
    assert [True, True, False] == one(
        field("annual_income") <= param("hardship.income_threshold") - 200, data, "bool"
    )
    assert [False, True, False] == one(field("annual_income").eq(Decimal("1800")), data, "bool")
    assert [True, False, False] == one(field("birth_date") < date(1985, 1, 1), data, "bool")
    assert [True, True, False] == one(
        between(field("birth_date"), date(1980, 1, 1), date(1990, 1, 1)), data, "bool"
    )


def test_functions() -> None:
    data = {"sick_leave_days": [0, 5, 20], "department": ["icu", "er", "lab"]}
    s = field("sick_leave_days")

    assert [0, 5, 10] == one(minimum(s, 10), data, "int")
    assert [3, 5, 20] == one(maximum(s, 3, lit(1)), data, "int")
    assert [2, 5, 8] == one(clip(s, 2, 8), data, "int")
    assert [False, True, False] == one(between(s, 5, 19), data, "bool")
    assert [True, False, True] == one(isin(field("department"), ["icu", "lab"]), data, "bool")
    assert [True, False, True] == one(isin(s, [0, 20]), data, "bool")
    assert [100, 100, 999] == one(where(s > 10, 999, 100), data, "int")
    assert [False, True, True] == one(~(s < 1), data, "bool")


def test_ages_are_birthday_exact_and_leap_day_birthdays_count_from_march_first() -> None:
    data = {
        "birth_date": [
            date(1985, 6, 1),
            date(1985, 6, 2),
            date(2004, 2, 29),
            date(2004, 2, 29),
            date(2004, 2, 29),
        ]
    }
    ages = years_since(field("birth_date"))

    assert [40, 39, 20, 20, 21] == [
        *one(ages, data, "int")[:2],
        one(ages, data, "int", as_of=date(2025, 2, 28))[2],
        one(ages, data, "int", as_of=date(2024, 2, 28))[3] + 1,
        one(ages, data, "int", as_of=date(2025, 3, 1))[4],
    ]
    assert [20] == one(ages, {"birth_date": [date(2004, 2, 29)]}, "int", as_of=date(2024, 2, 29))


def test_months_and_days_since() -> None:
    data = {"hire_date": [date(2025, 1, 31), date(2024, 6, 1), date(2025, 5, 31)]}

    # 31 January -> 31 May is four whole months; 1 June 2024 -> 1 June 2025 is twelve
    assert [4, 12, 0] == one(months_since(field("hire_date")), data, "int")
    assert [121, 365, 1] == one(days_since(field("hire_date")), data, "int")


def test_group_aggregates_broadcast_to_every_member() -> None:
    data = {
        "household_id": ["b", "a", "b", "c", "a", "b"],
        "annual_income": [
            Decimal("10"),
            Decimal("1.5"),
            None,
            Decimal("0"),
            Decimal("2"),
            Decimal("5"),
        ],
        "sick_leave_days": [1, 9, 4, None, 2, 3],
        "hire_date": [
            date(2020, 1, 1),
            date(2019, 5, 5),
            date(2021, 1, 1),
            None,
            date(2018, 1, 1),
            date(2022, 1, 1),
        ],
    }
    hh = "household_id"
    # household b has a blank income (row 2), c a blank sick-leave count (row 3): an aggregate
    # over an unknown member is unknown, unless skip_unknown leaves such members out

    assert [None, 350, None, 0, 350, None] == one(
        group_sum(field("annual_income"), by=hh), data, "money"
    )
    assert [1500, 350, 1500, 0, 350, 1500] == one(
        group_sum(field("annual_income"), by=hh, skip_unknown=True), data, "money"
    )
    assert [3, 2, 3, 1, 2, 3] == one(group_count(by=hh), data, "int")
    assert [None, 2, None, 0, 2, None] == one(
        group_count(by=hh, where=field("annual_income") > 0), data, "int"
    )
    assert [2, 2, 2, 0, 2, 2] == one(
        group_count(by=hh, where=field("annual_income") > 0, skip_unknown=True), data, "int"
    )
    # any: a known yes decides, whatever the unknowns; all: a known no decides
    assert [True, True, True, None, True, True] == one(
        group_any(field("sick_leave_days") > 2, by=hh), data, "bool"
    )
    assert [True, True, True, False, True, True] == one(
        group_any(field("sick_leave_days") > 2, by=hh, skip_unknown=True), data, "bool"
    )
    assert [False, True, False, None, True, False] == one(
        group_all(field("sick_leave_days") > 1, by=hh), data, "bool"
    )
    assert [False, True, False, True, True, False] == one(
        group_all(field("sick_leave_days") > 1, by=hh, skip_unknown=True), data, "bool"
    )
    assert [True, False, True, False, False, True] == one(
        group_any(field("annual_income") > 6, by=hh), data, "bool"
    )
    assert [None, False, None, False, False, None] == one(
        group_any(field("annual_income") > 10, by=hh), data, "bool"
    )
    assert [4, 9, 4, None, 9, 4] == one(group_max(field("sick_leave_days"), by=hh), data, "int")
    assert [1, 2, 1, None, 2, 1] == one(group_min(field("sick_leave_days"), by=hh), data, "int")
    assert [None, 200, None, 0, 200, None] == one(
        group_max(field("annual_income"), by=hh), data, "money"
    )
    assert [None, 150, None, 0, 150, None] == one(
        group_min(field("annual_income"), by=hh), data, "money"
    )
    assert [1000, 200, 1000, 0, 200, 1000] == one(
        group_max(field("annual_income"), by=hh, skip_unknown=True), data, "money"
    )
    assert [date(2022, 1, 1), date(2019, 5, 5)] == one(
        group_max(field("hire_date"), by=hh), data, "date"
    )[:2]


def test_members_without_a_household_are_their_own_group() -> None:
    data = {"household_id": ["a", None, "a", None], "sick_leave_days": [1, 2, 3, 4]}

    assert [4, 2, 4, 4] == one(group_sum(field("sick_leave_days"), by="household_id"), data, "int")


def test_integer_group_keys_work_like_text_keys() -> None:
    data = {
        "household_id": np.array([10**12, 5, 10**12, 7]),
        "sick_leave_days": np.array([1, 2, 3, 4]),
    }

    assert [4, 2, 4, 4] == one(group_sum(field("sick_leave_days"), by="household_id"), data, "int")


def test_missing_values_follow_the_rule_policy() -> None:
    data = {"sick_leave_days": [20, None, 1], "serious_illness": [None, None, True]}
    long_leave = field("sick_leave_days") >= 15

    assert [True, None, False] == one(long_leave, data, "bool")
    assert [True, False, False] == one(long_leave, data, "bool", Missing.false)
    # three-valued logic: True | unknown is True, False & unknown is False
    assert [True, None, True] == one(long_leave | field("serious_illness"), data, "bool")
    assert [None, None, False] == one(long_leave & field("serious_illness"), data, "bool")
    assert [20, 0, 1] == one(field("sick_leave_days") + 0, data, "int", Missing.false)


def test_where_with_an_unknown_condition_is_unknown_but_an_untaken_unknown_branch_is_not() -> None:
    data = {"frontline": [True, None, False], "sick_leave_days": [None, 3, 4]}

    assert [1, None, 4] == one(where(field("frontline"), 1, field("sick_leave_days")), data, "int")
    assert [None, None, 0] == one(
        where(field("frontline"), field("sick_leave_days"), 0), data, "int"
    )


def test_scale_lookup_amount_and_marginal() -> None:
    params = standard_parameters().overlay(
        Parameters.from_mapping(
            {
                "tax": {
                    "unit": "rate",
                    "kind": "marginal_rate",
                    "values": {date(2020, 1, 1): [[0, "0.1"], [1000, "0.2"]]},
                },
            }
        )
    )
    rules = [
        Rule("amount", scale_lookup("hardship.subsidy_brackets", field("n")), "a", "a", "money"),
        Rule("tax", scale_lookup("tax", field("annual_income")), "t", "t", "number"),
    ]
    rs = RuleSet(rules, params, fields={"n": ValueType.number, "annual_income": ValueType.money})
    data = {
        "n": [0.0, 0.3, 0.59, 0.6, 2.0],
        "annual_income": [
            Decimal(0),
            Decimal(500),
            Decimal(1000),
            Decimal(1500),
            Decimal("2000.50"),
        ],
    }

    out = rs.evaluate(data, AS_OF).frame

    assert [0, 50000, 50000, 100000, 200000] == out["amount"].tolist()
    assert pytest.approx([0.0, 50.0, 100.0, 200.0, 300.1]) == out["tax"].tolist()


def test_parameters_are_read_as_of_the_evaluation_date() -> None:
    rs = standard_ruleset()
    data = {
        "household_id": ["h"],
        "annual_income": [Decimal("22800")],
        "rigid_spending": [Decimal("0")],
    }

    # 22,800 / 12 / 1 = 1,900 per month: over 1,800 (2024), under 2,000 (2025)
    assert [False] == rs.evaluate(data, date(2024, 12, 31), ["low_income_hardship"]).frame[
        "low_income_hardship"
    ].tolist()
    assert [True] == rs.evaluate(data, date(2025, 1, 1), ["low_income_hardship"]).frame[
        "low_income_hardship"
    ].tolist()
    with pytest.raises(ParameterError):
        rs.evaluate(data, date(2022, 1, 1), ["low_income_hardship"])


def test_only_the_requested_rules_and_their_dependencies_are_computed() -> None:
    rs = standard_ruleset()

    # no birth_date or hire_date column: the rules that need them are not asked for
    out = rs.evaluate({"sick_leave_days": [20, 3]}, AS_OF, ["hospital_subsidy"])

    assert ("hospital_subsidy",) == out.rules
    assert [True, False] == out.frame["hospital_subsidy"].tolist()
    with pytest.raises(RuleEvaluationError, match="birth_date"):
        rs.evaluate({"sick_leave_days": [20]}, AS_OF, ["screening_eligible"])


def test_unreadable_cells_name_the_column_and_row() -> None:
    rs = standard_ruleset()
    with pytest.raises(RuleEvaluationError, match=r"'sick_leave_days', row 1"):
        rs.evaluate({"sick_leave_days": [1, "many"]}, AS_OF, ["hospital_subsidy"])
    with pytest.raises(RuleEvaluationError, match="different lengths"):
        rs.evaluate({"sick_leave_days": [1], "x": [1, 2]}, AS_OF, ["hospital_subsidy"])
    with pytest.raises(RuleEvaluationError, match="must be a date"):
        rs.evaluate({"sick_leave_days": [1]}, "2025-01-01", ["hospital_subsidy"])  # type: ignore[arg-type]


def test_money_inputs_of_every_kind_give_the_same_fen() -> None:
    rule = [Rule("m", field("annual_income") + 0, "m", "m", "money")]
    rs = RuleSet(rule, Parameters())
    # Decimal and float yuan round half up to the fen; text is read as a roster cell is,
    # so it carries at most two decimals (a third is refused: see test_money_units).
    kinds = [
        [Decimal("1.005"), Decimal("2.5"), None],
        ["1.01", "¥2.50", ""],
        np.array([1.005, 2.5, np.nan]),
    ]

    results = [rs.evaluate({"annual_income": k}, AS_OF).frame["m"].tolist() for k in kinds]

    assert [[101, 250, 0]] * 3 == results


def test_integer_money_columns_are_fen_unless_told_they_are_yuan() -> None:
    rs = RuleSet([Rule("m", field("annual_income") + 0, "m", "m", "money")], Parameters())
    ints = {"annual_income": np.array([850050, 1, -7])}
    python_ints = [{"annual_income": 850050}, {"annual_income": 1}, {"annual_income": -7}]

    assert [850050, 1, -7] == rs.evaluate(ints, AS_OF).frame["m"].tolist()
    assert [850050, 1, -7] == rs.evaluate(python_ints, AS_OF).frame["m"].tolist()
    assert [85005000, 100, -700] == rs.evaluate(ints, AS_OF, money_unit="yuan").frame["m"].tolist()
    assert [85005000, 100, -700] == rs.evaluate(python_ints, AS_OF, money_unit="yuan").frame[
        "m"
    ].tolist()
    with pytest.raises(RuleEvaluationError, match="money_unit"):
        rs.evaluate(ints, AS_OF, money_unit="jiao")  # type: ignore[arg-type]


def test_decimal_money_converts_to_fen_exactly_beyond_float_precision() -> None:
    rs = RuleSet(
        [Rule("m", field("annual_income") + 0, "m", "m", "money", missing=Missing.propagate)],
        Parameters(),
    )
    # 2**53 + 1 fen cannot be held by a float64: a float detour would lose the last fen.
    big = Decimal(2**53 + 1).scaleb(-2)
    cells = [big, Decimal("0.125"), Decimal("-0.125"), Decimal("1E+3"), None]

    out = rs.evaluate({"annual_income": cells}, AS_OF).frame["m"]

    assert [2**53 + 1, 13, -13, 100000, 0] == np.ma.getdata(out).tolist()
    assert [False, False, False, False, True] == np.ma.getmaskarray(out).tolist()


ROSTER: dict[str, list[Any]] = {
    "member_id": ["m1", "m2", "m3", "m4", "m5"],
    "household_id": ["h1", "h1", "h1", "h2", "h3"],
    "birth_date": [date(1980, 1, 1), date(1985, 6, 2), date(2004, 2, 29), None, date(1960, 5, 5)],
    "hire_date": [date(1990, 1, 1), date(2010, 1, 1), None, date(2020, 1, 1), date(1994, 6, 1)],
    # m3's income is 0, not blank: a blank income makes h1's income unknown (tested apart)
    "annual_income": [
        Decimal("30000"),
        Decimal("0"),
        Decimal("0"),
        Decimal("200000"),
        Decimal("50000"),
    ],
    "rigid_spending": [Decimal("6000"), Decimal("0"), Decimal("0"), Decimal("0"), Decimal("0")],
    "sick_leave_days": [2, 16, None, 0, 30],
    "serious_illness": [False, False, True, None, False],
}


def test_the_standard_rules_on_a_small_roster() -> None:
    out = standard_ruleset().evaluate(ROSTER, AS_OF).frame

    # household h1: (30,000 - 6,000) / 12 / 3 = 666.67 a month; h2: 16,666.67; h3: 4,166.67
    assert [True, False, False, False, True] == out["screening_eligible"].tolist()
    assert [True, True, True, False, False] == out["low_income_hardship"].tolist()
    assert [False, True, False, False, True] == out["hospital_subsidy"].tolist()
    assert [True, False, False, False, True] == out["long_tenure"].tolist()
    assert [True, False, False, False, False] == out["sole_earner"].tolist()
    assert [True, True, True, False, True] == out["hardship_eligible"].tolist()
    assert pytest.approx([0.7, 0.8, 0.9, 0.0, 0.3]) == out["hardship_score"].tolist()
    assert [100000, 100000, 200000, 0, 50000] == out["subsidy_amount"].tolist()


def test_pandas_polars_and_dict_inputs_agree_and_keep_their_kind() -> None:
    rs = standard_ruleset()
    frame = pd.DataFrame(ROSTER, index=[10, 11, 12, 13, 14])
    pframe = pl.DataFrame(
        {k: [float(v) if isinstance(v, Decimal) else v for v in col] for k, col in ROSTER.items()}
    )

    d = rs.evaluate(ROSTER, AS_OF).frame
    p = rs.evaluate(frame, AS_OF).frame
    q = rs.evaluate(pframe, AS_OF).frame

    assert isinstance(p, pd.DataFrame)
    assert isinstance(q, pl.DataFrame)
    assert [10, 11, 12, 13, 14] == list(p.index)
    for rule in rs.rules:
        assert d[rule].tolist() == p[rule].tolist() == q[rule].to_list(), rule
    assert "int64" == str(p["subsidy_amount"].dtype)
    assert pl.Int64 == q["subsidy_amount"].dtype


def test_nullable_pandas_columns_and_propagated_unknowns() -> None:
    rs = RuleSet(
        [Rule("long", field("sick_leave_days") >= 15, "l", "l", "bool", missing=Missing.propagate)],
        Parameters(),
    )
    frame = pd.DataFrame({"sick_leave_days": pd.array([20, None, 3], dtype="Int64")})
    pframe = pl.DataFrame({"sick_leave_days": [20, None, 3]})

    p = rs.evaluate(frame, AS_OF).frame["long"]
    q = rs.evaluate(pframe, AS_OF).frame["long"]
    d = rs.evaluate({"sick_leave_days": [20, None, 3]}, AS_OF).frame["long"]

    assert "boolean" == str(p.dtype)
    assert [True, None, False] == [None if pd.isna(v) else bool(v) for v in p]
    assert [True, None, False] == q.to_list()
    assert [False, True, False] == np.ma.getmaskarray(d).tolist()


def test_result_carries_version_and_money_columns() -> None:
    rs = standard_ruleset()
    out = rs.evaluate(ROSTER, AS_OF, ["subsidy_amount", "hardship_eligible"])

    assert rs.version == out.version
    assert ("subsidy_amount",) == out.money_columns
    assert ValueType.money == out.value_types["subsidy_amount"]


def test_rows_and_objects_with_to_row_are_accepted() -> None:
    class Row:
        def __init__(self, days: int) -> None:
            self.days = days

        def to_row(self) -> dict[str, Any]:
            return {"sick_leave_days": self.days}

    rs = standard_ruleset()

    got = rs.evaluate([Row(20), {"sick_leave_days": 1}, {}], AS_OF, ["hospital_subsidy"])

    assert [True, False, False] == got.frame["hospital_subsidy"].tolist()


def test_rule_references_see_the_referenced_rule_after_its_missing_policy() -> None:
    rules = [
        Rule("a", field("sick_leave_days") > 1, "a", "a", "bool", missing=Missing.false),
        Rule("b", ~ref("a"), "b", "b", "bool", missing=Missing.propagate),
    ]
    rs = RuleSet(rules, Parameters())

    out = rs.evaluate({"sick_leave_days": [None, 5]}, AS_OF).frame

    assert [True, False] == out["b"].tolist()
