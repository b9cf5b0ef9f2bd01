"""A prepared roster explains many members with the same answers as a fresh one and as batch."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from unionkit.errors import RuleEvaluationError
from unionkit.io import members_to_columns, read_roster
from unionkit.io.synthetic import generate_roster, write_rows
from unionkit.rulefiles import standard_ruleset
from unionkit.rules import MEMBER_FIELDS, Parameters, Rule, RuleSet, ValueType, field, years_since

AS_OF = date(2026, 6, 1)
BOOL_RULES = ("sole_earner_large_household", "tumor_screening_eligible", "hardship_eligible")
MONEY_RULES = ("subsidy_amount", "per_capita_monthly_income")


@pytest.fixture(scope="module")
def columns(tmp_path_factory: pytest.TempPathFactory) -> dict[str, np.ndarray]:
    path: Path = tmp_path_factory.mktemp("roster") / "roster.csv"
    write_rows(generate_roster(150, seed=7), path)
    return members_to_columns(read_roster(path, today=AS_OF).members)


def test_prepared_explanations_equal_fresh_ones_and_batch(
    columns: dict[str, np.ndarray],
) -> None:
    rules = standard_ruleset()
    prepared = rules.prepare(columns)
    batch = rules.evaluate(columns, as_of=AS_OF, rules=[*BOOL_RULES, *MONEY_RULES]).frame
    ids = [str(i) for i in columns["member_id"]]

    for rule in (*BOOL_RULES, *MONEY_RULES):
        expected = np.asarray(batch[rule])
        for i, member in enumerate(ids):
            fresh = rules.explain(columns, rule, as_of=AS_OF, member=member).value
            again = rules.explain(prepared, rule, as_of=AS_OF, member=member).value

            assert fresh == again, (rule, member)
            if rule in MONEY_RULES:
                assert isinstance(again, Decimal)
                assert int(expected[i]) == int(again * 100), (rule, member)
            else:
                assert bool(expected[i]) is again, (rule, member)


def test_a_prepared_roster_names_an_unknown_member(columns: dict[str, np.ndarray]) -> None:
    rules = standard_ruleset()

    with pytest.raises(RuleEvaluationError, match="not found"):
        rules.explain(rules.prepare(columns), "subsidy_amount", as_of=AS_OF, member="nobody")


def test_a_roster_prepared_by_another_rule_set_is_refused(
    columns: dict[str, np.ndarray],
) -> None:
    # The standard library declares extra input fields; this small rule set does not.
    small = RuleSet(
        [
            Rule(
                "over_40",
                years_since(field("birth_date")) >= 40,
                "年满40",
                "aged 40+",
                ValueType.bool,
            )
        ],
        Parameters(),
        fields=MEMBER_FIELDS,
    )
    prepared = standard_ruleset().prepare(columns)

    with pytest.raises(RuleEvaluationError, match="prepared by another rule set"):
        small.explain(prepared, "over_40", as_of=AS_OF, member=str(columns["member_id"][0]))
