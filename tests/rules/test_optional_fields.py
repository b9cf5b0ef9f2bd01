"""Fields a rule file declares beyond the standard roster may be absent from the input."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from unionkit.errors import RuleEvaluationError
from unionkit.rulefiles import standard_ruleset
from unionkit.rules import MEMBER_FIELDS

AS_OF = date(2026, 6, 1)


def roster() -> dict[str, np.ndarray]:
    # Two households: a member living alone on a low income, and a member with a relative.
    return {
        "member_id": np.array(["A", "B", "B-1"], dtype=object),
        "is_member": np.array([True, True, False]),
        "household_id": np.array(["h1", "h2", "h2"], dtype=object),
        "birth_date": np.array(["1970-01-01", "1985-05-05", "1990-01-01"], dtype="datetime64[D]"),
        "hire_date": np.array(["1995-01-01", "2010-01-01", "NaT"], dtype="datetime64[D]"),
        "annual_income": np.array([900_000, 9_000_000, 0], dtype=np.int64),  # fen
        "rigid_spending": np.array([0, 0, 0], dtype=np.int64),
        "sick_leave_days": np.array([0, 0, 0], dtype=np.int64),
        "serious_illness": np.array([False, False, False]),
    }


def test_declared_optional_fields_may_be_absent_and_count_as_unknown() -> None:
    rules = standard_ruleset()
    optional = set(rules.fields) - set(MEMBER_FIELDS)
    data = roster()

    result = rules.evaluate(data, as_of=AS_OF, rules=["hardship_excluded", "deep_hardship"])
    explained = rules.explain(data, "deep_hardship", as_of=AS_OF, member="A")

    assert {"homes_owned", "child_high_fee_school"} <= optional
    assert not set(data) & optional
    # A lives alone on 9,000 yuan a year: 750 a month, under Beijing's 1,170 standard;
    # unknown exclusion data excludes nobody. B's household has 3,750 a month each.
    assert [False, False, False] == [bool(v) for v in np.asarray(result.frame["hardship_excluded"])]
    assert [True, False, False] == [bool(v) for v in np.asarray(result.frame["deep_hardship"])]
    assert explained.value is True


def test_a_missing_standard_field_is_still_an_error() -> None:
    data = roster()
    del data["birth_date"]

    with pytest.raises(RuleEvaluationError, match="birth_date"):
        standard_ruleset().evaluate(data, as_of=AS_OF, rules=["tumor_screening_eligible"])


def test_a_present_optional_field_is_used() -> None:
    data = roster()
    data["homes_owned"] = np.array([2, 1, 0], dtype=np.int64)

    result = standard_ruleset().evaluate(data, as_of=AS_OF, rules=["hardship_excluded"])

    assert [True, False, False] == [bool(v) for v in np.asarray(result.frame["hardship_excluded"])]
