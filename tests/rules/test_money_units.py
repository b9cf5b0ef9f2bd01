"""Money units at the engine's input: integer fen, Decimal yuan and rows give the same result."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from unionkit.errors import RuleEvaluationError
from unionkit.io import members_to_columns
from unionkit.models import Member
from unionkit.rulefiles import standard_ruleset
from unionkit.rules import MEMBER_FIELDS, Parameters, Rule, RuleSet, ValueType, field

AS_OF = date(2025, 6, 1)


def roster() -> list[Member]:
    return [
        Member(
            member_id="A",
            name="张伟",
            household_id="H1",
            birth_date=date(1984, 5, 1),
            monthly_salary=Decimal("8500.50"),
            annual_income=Decimal("30000.60"),
            rigid_spending=Decimal("6000"),
            sick_leave_days=20,
        ),
        Member(
            member_id="B",
            name="张小",
            household_id="H1",
            is_member=False,
            birth_date=date(2010, 1, 1),
            # a child's income is 0, not blank: a blank one would make H1's income unknown
            annual_income=Decimal("0"),
        ),
        Member(
            member_id="C",
            name="李娜",
            household_id="H1",
            is_member=False,
            annual_income=Decimal("0"),
            birth_date=date(1986, 2, 28),
        ),
        Member(
            member_id="D",
            name="王五",
            household_id="H2",
            birth_date=date(1970, 3, 1),
            monthly_salary=Decimal("10000.99"),
            annual_income=Decimal("120000"),
            rigid_spending=Decimal("0.01"),
        ),
    ]


def ruleset() -> Any:
    half = Rule("half_salary", field("monthly_salary") / 2, "半月工资", "half salary", "money")
    return standard_ruleset().merge([half])


def roster_rules(rs: Any) -> list[str]:
    """The rules a plain roster can feed (the tiers also read homes and schooling)."""
    return [n for n in rs.rules if rs.inputs([n])[0] <= set(MEMBER_FIELDS)]


def plain(column: Any) -> list[Any]:
    if isinstance(column, pd.Series):
        return [
            None if pd.isna(v) else v.item() if hasattr(v, "item") else v
            for v in column.astype(object).tolist()
        ]
    mask = np.ma.getmaskarray(column).tolist()
    data = np.ma.getdata(column)
    values = data.astype("datetime64[D]").tolist() if data.dtype.kind == "M" else data.tolist()
    return [None if m else v for v, m in zip(values, mask, strict=True)]


def test_members_to_columns_a_decimal_frame_and_member_rows_agree() -> None:
    rs = ruleset()
    members = roster()
    rows = [m.to_row() for m in members]
    names = roster_rules(rs)

    from_fen = rs.evaluate(members_to_columns(members), AS_OF, names).frame
    from_frame = rs.evaluate(pd.DataFrame(rows), AS_OF, names).frame
    from_rows = rs.evaluate(rows, AS_OF, names).frame
    from_models = rs.evaluate(members, AS_OF, names).frame

    assert "subsidy_amount" in names
    for name in names:
        expected = plain(from_rows[name])
        assert expected == plain(from_fen[name]), name
        assert expected == plain(from_frame[name]), name
        assert expected == plain(from_models[name]), name


def test_roster_money_in_fen_is_not_read_as_yuan() -> None:
    rs = ruleset()

    out = rs.evaluate(members_to_columns(roster()), AS_OF, roster_rules(rs)).frame

    # 8,500.50 / 2 = 4,250.25 yuan; 10,000.99 / 2 = 5,000.495, half up to 5,000.50.
    assert [425025, 0, 0, 500050] == plain(out["half_salary"])
    # H1: (30,000.60 - 6,000) / 12 / 3 = 666.6833 -> 666.68; H2: (120,000 - 0.01) / 12 = 9,999.9992
    assert [66668, 66668, 66668, 1000000] == plain(out["per_capita_monthly_income"])


def test_text_money_is_read_as_roster_cells_are() -> None:
    # "8500,50" is a decimal comma, not 850,050 yuan; "1e3" and a third decimal are typos.
    rules = RuleSet(
        [Rule("salary_fen", field("monthly_salary"), "月工资", "salary", ValueType.money)],
        Parameters(),
    )
    on = date(2026, 1, 1)
    good = {
        "member_id": np.array(["A", "B"], dtype=object),
        "monthly_salary": np.array(["¥8,500.50", "12000元"], dtype=object),
    }

    assert [850050, 1200000] == list(rules.evaluate(good, as_of=on).frame["salary_fen"])
    for bad in ("8500,50", "1e3", "12.345"):
        data = {
            "member_id": np.array(["A"], dtype=object),
            "monthly_salary": np.array([bad], dtype=object),
        }
        with pytest.raises(RuleEvaluationError, match="monthly_salary', row 0"):
            rules.evaluate(data, as_of=on)
