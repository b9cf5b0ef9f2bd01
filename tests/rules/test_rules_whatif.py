"""What-if: who gains and who loses under a proposed parameter change, and the cost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from rules_standard import standard_ruleset

from unionkit.errors import RuleDefinitionError
from unionkit.rules import Parameter, Parameters, ParameterValue
from unionkit.rules.whatif import what_if

AS_OF = date(2026, 3, 1)


def roster(seed: int, n: int = 300) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    households = rng.integers(0, n // 3, n)
    return {
        "member_id": np.array([f"m{i}" for i in range(n)], dtype=object),
        "household_id": households,
        "birth_date": np.datetime64("1960-01-01") + rng.integers(0, 15000, n),
        "hire_date": np.datetime64("1985-01-01") + rng.integers(0, 12000, n),
        "annual_income": np.round(rng.uniform(0, 120000, n), 2),
        "rigid_spending": np.round(rng.uniform(0, 20000, n), 2),
        "sick_leave_days": rng.integers(0, 30, n),
        "serious_illness": rng.random(n) < 0.05,
    }


def overlay(amount: str) -> Parameters:
    p = Parameters()
    p.add(
        Parameter(
            "hardship.income_threshold",
            "yuan",
            values=[ParameterValue(date(2026, 1, 1), Decimal(amount))],
        )
    )
    return p


def per_capita_month(data: dict[str, Any]) -> np.ndarray[Any, Any]:
    """Household per-capita monthly income in exact Decimal, rounded as the rule rounds."""
    income: dict[int, Decimal] = {}
    spending: dict[int, Decimal] = {}
    size: dict[int, int] = {}
    for h, a, r in zip(
        data["household_id"].tolist(),
        data["annual_income"].tolist(),
        data["rigid_spending"].tolist(),
        strict=True,
    ):
        income[h] = income.get(h, Decimal(0)) + Decimal(repr(a))
        spending[h] = spending.get(h, Decimal(0)) + Decimal(repr(r))
        size[h] = size.get(h, 0) + 1
    out = []
    for h in data["household_id"].tolist():
        monthly = ((income[h] - spending[h]) / 12).quantize(Decimal("0.01"), "ROUND_HALF_UP")
        out.append((monthly / size[h]).quantize(Decimal("0.01"), "ROUND_HALF_UP"))
    return np.array(out, dtype=object)


@pytest.mark.parametrize(("seed", "amount"), [(1, "2200"), (2, "1500")])
def test_gains_and_losses_match_an_independent_count(seed: int, amount: str) -> None:
    data = roster(seed)
    rs = standard_ruleset()

    report = what_if(rs, data, AS_OF, overlay(amount), rules=["low_income_hardship"])

    pcm = per_capita_month(data)
    before = pcm < Decimal("2000")
    after = pcm < Decimal(amount)
    ids = data["member_id"]
    assert sorted(ids[after & ~before].tolist()) == sorted(report.gains["low_income_hardship"])
    assert sorted(ids[before & ~after].tolist()) == sorted(report.losses["low_income_hardship"])
    assert (
        report.gains["low_income_hardship"]
        if amount == "2200"
        else report.losses["low_income_hardship"]
    )


def test_totals_before_and_after_equal_the_sums_of_each_evaluation() -> None:
    data = roster(3)
    rs = standard_ruleset()

    report = what_if(rs, data, AS_OF, overlay("2600"))

    before = rs.evaluate(data, AS_OF, ["subsidy_amount"]).frame["subsidy_amount"].sum()
    after = (
        rs.with_parameters(overlay("2600"))
        .evaluate(data, AS_OF, ["subsidy_amount"])
        .frame["subsidy_amount"]
        .sum()
    )
    assert Decimal(int(before)) / 100 == report.totals_before["subsidy_amount"]
    assert Decimal(int(after)) / 100 == report.totals_after["subsidy_amount"]
    assert report.totals_after["subsidy_amount"] >= report.totals_before["subsidy_amount"]
    assert "hardship_eligible" in report.rules


def test_report_prints_in_both_languages_and_as_a_frame() -> None:
    data = roster(4)
    frame = pd.DataFrame(data)

    report = what_if(
        standard_ruleset(), frame, AS_OF, overlay("2200"), rules=["low_income_hardship"]
    )

    gained = len(report.gains["low_income_hardship"])
    assert f"新增符合 {gained} 人" in report.render("zh")
    assert f"{gained} gain" in report.render("en")
    assert "subsidy_amount" in str(report)
    table = report.frame()
    assert isinstance(table, pd.DataFrame)
    assert gained == int(
        (table["low_income_hardship_after"] & ~table["low_income_hardship_before"]).sum()
    )
    assert report.version_before != report.version_after


def test_what_if_rejects_unknown_or_non_yes_no_rules() -> None:
    with pytest.raises(RuleDefinitionError, match="unknown rule"):
        what_if(standard_ruleset(), roster(5), AS_OF, overlay("2200"), rules=["nope"])
    with pytest.raises(RuleDefinitionError, match="not yes/no"):
        what_if(standard_ruleset(), roster(5), AS_OF, overlay("2200"), rules=["hardship_score"])
