"""Integer and money arithmetic stays exact: past int64's safe range both engines refuse alike."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import numpy as np
import pytest

from unionkit.errors import RuleEvaluationError
from unionkit.rules import (
    MEMBER_FIELDS,
    Missing,
    Parameters,
    Rule,
    RuleSet,
    ValueType,
    field,
    group_sum,
    ref,
    where,
)

AS_OF = date(2025, 6, 1)


def _columns(**columns: list[Any]) -> dict[str, Any]:
    n = len(next(iter(columns.values())))
    out: dict[str, Any] = {"member_id": np.array([f"m{i}" for i in range(1, n + 1)])}
    out.update({k: np.array(v) for k, v in columns.items()})
    return out


def test_money_times_a_large_literal_is_refused_by_batch_and_explain() -> None:
    rs = RuleSet([Rule("big", field("annual_income") * 10**12, "大", "big", "money")], Parameters())
    # 100,000 yuan is 10^7 fen; times 10^12 is 10^19 fen, past int64 (which wrapped to a
    # negative amount before).
    data = _columns(annual_income=[10_000_000])

    with pytest.raises(RuleEvaluationError, match="too large"):
        rs.evaluate(data, as_of=AS_OF)
    with pytest.raises(RuleEvaluationError, match="超出精确计算"):
        rs.explain(data, "big", as_of=AS_OF, member="m1")


def test_chained_squares_fail_fast_in_explain_instead_of_growing_without_bound() -> None:
    rules = [Rule("sq0", field("sick_leave_days") * field("sick_leave_days"), "平方", "sq", "int")]
    for k in range(1, 40):
        rules.append(Rule(f"sq{k}", ref(f"sq{k - 1}") * ref(f"sq{k - 1}"), "平方", "sq", "int"))
    rs = RuleSet(rules, Parameters())
    data = _columns(sick_leave_days=[3])
    started = time.perf_counter()

    with pytest.raises(RuleEvaluationError, match="sq"):
        rs.explain(data, "sq39", as_of=AS_OF, member="m1")
    with pytest.raises(RuleEvaluationError, match="too large"):
        rs.evaluate(data, as_of=AS_OF)
    # 3^(2^40) has about 5 * 10^11 digits: without the limit this never finishes.
    assert time.perf_counter() - started < 30


def test_results_just_inside_the_limit_are_exact_in_both_engines() -> None:
    rs = RuleSet(
        [Rule("product", field("sick_leave_days") * field("dependants"), "积", "product", "int")],
        Parameters(),
        fields={**MEMBER_FIELDS, "dependants": ValueType.int},
    )
    data = _columns(sick_leave_days=[2**31, 3], dependants=[2**30 + 1, 4])
    expected = [2**31 * (2**30 + 1), 12]

    batch = rs.evaluate(data, as_of=AS_OF).frame["product"].tolist()
    one = [rs.explain(data, "product", as_of=AS_OF, member=f"m{i + 1}").value for i in range(2)]

    assert expected == batch
    assert expected == one


def test_an_overflow_only_on_a_missing_row_is_not_an_error() -> None:
    big = where(field("sick_leave_days") > 10, field("annual_income") * 10**12, 0)
    rs = RuleSet([Rule("big", big, "大", "big", "money", missing=Missing.propagate)], Parameters())
    income = np.ma.MaskedArray(np.array([10_000_000, 5]), mask=[True, False])
    data = {
        "member_id": np.array(["m1", "m2"]),
        "annual_income": income,
        "sick_leave_days": np.array([20, 20]),
    }

    values = rs.evaluate(data, as_of=AS_OF).frame["big"]

    assert 5 * 10**12 == int(values[1])
    assert bool(np.ma.getmaskarray(values)[0])


def test_group_sum_of_large_amounts_is_exact_beyond_float_precision() -> None:
    rs = RuleSet(
        [
            Rule(
                "household_income",
                group_sum(field("annual_income"), by="household_id"),
                "家庭收入",
                "household income",
                "money",
            )
        ],
        Parameters(),
    )
    # 2^53 + 1 fen cannot be held by a float64: a float sum rounds it to 2^53.
    data = _columns(annual_income=[2**52, 2**52 + 1, 7], household_id=[1, 1, 2])
    expected = 2**53 + 1

    batch = rs.evaluate(data, as_of=AS_OF).frame["household_income"]
    one = rs.explain(data, "household_income", as_of=AS_OF, member="m1").value

    assert expected == int(batch[0])
    assert expected == int(one * 100)
