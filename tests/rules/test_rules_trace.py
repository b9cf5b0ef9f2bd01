"""One interpreter: explanations are traced batch runs, behind one door, without cycles."""

from __future__ import annotations

import gc
from datetime import date, datetime
from decimal import Decimal

import pytest
from rules_standard import standard_parameters, standard_ruleset

from unionkit.errors import RuleEvaluationError
from unionkit.rules import Rule, RuleSet, field, group_count, group_sum, ref
from unionkit.rules.columns import Columns
from unionkit.rules.interpret import open_run
from unionkit.rules.trace import Tracer

AS_OF = date(2025, 6, 1)


@pytest.mark.parametrize("rule", ["hospital_subsidy", "screening_eligible", "subsidy_amount"])
def test_evaluate_and_explain_refuse_a_datetime_alike(rule: str) -> None:
    rs = standard_ruleset()
    row = {"member_id": "m1", "birth_date": date(1980, 1, 1), "sick_leave_days": 3}

    with pytest.raises(RuleEvaluationError, match="as_of must be a date") as explained:
        rs.explain(row, rule, datetime(2025, 6, 1))
    with pytest.raises(RuleEvaluationError, match="as_of must be a date") as evaluated:
        rs.evaluate([row], datetime(2025, 6, 1), [rule])

    assert str(explained.value) == str(evaluated.value)


def test_a_missing_column_is_named_by_the_same_door_for_both() -> None:
    rs = standard_ruleset()

    with pytest.raises(RuleEvaluationError, match="no column 'sick_leave_days'"):
        rs.evaluate({"member_id": ["a"]}, AS_OF, ["hospital_subsidy"])
    with pytest.raises(RuleEvaluationError, match="no column 'sick_leave_days', which rule"):
        rs.explain({"member_id": ["a"]}, "hospital_subsidy", AS_OF, member="a")


def test_an_explanation_of_a_chain_of_two_hundred_rules_is_answered() -> None:
    rules = [Rule("r0", field("sick_leave_days") + 0, "r0", "r0", "int")]
    rules += [Rule(f"r{i}", ref(f"r{i - 1}") + 1, f"r{i}", f"r{i}", "int") for i in range(1, 200)]
    rs = RuleSet(rules, standard_parameters())

    why = rs.explain({"sick_leave_days": 5}, "r199", AS_OF, lang="en")

    assert 204 == why.value
    assert 200 == sum(1 for line in str(why).splitlines() if " [r" in line)
    assert "<details" in why._repr_html_()


def test_the_tracer_records_every_node_and_parameter_of_a_run() -> None:
    rs = standard_ruleset()
    cols = Columns({"member_id": ["a", "b"], "sick_leave_days": [20, 3]}, rs.fields)
    tracer = Tracer()

    open_run(rs.program, cols, AS_OF, ["hospital_subsidy"], tracer=tracer).run()

    body = rs.rules["hospital_subsidy"].expr
    assert [True, False] == tracer.values[body].values.tolist()
    assert 15 == tracer.parameters["hospital.min_sick_days"].value
    assert True is tracer.node_at(body, 0, rs.type_of(body))
    assert 3 == tracer.node_at(field("sick_leave_days"), 1, rs.type_of(field("sick_leave_days")))


def test_a_batch_run_leaves_nothing_for_the_cyclic_garbage_collector() -> None:
    rs = standard_ruleset()
    roster = {
        "member_id": ["a", "b", "c"],
        "household_id": ["h", "h", "x"],
        "annual_income": [Decimal("30000"), Decimal("0"), Decimal("9")],
        "rigid_spending": [Decimal("0")] * 3,
        "sick_leave_days": [1, 20, 3],
        "serious_illness": [False, None, True],
        "birth_date": [date(1980, 1, 1)] * 3,
        "hire_date": [date(2000, 1, 1)] * 3,
    }
    for _ in range(2):  # warm the caches kept with the program
        rs.evaluate(roster, AS_OF)
        rs.explain(roster, "subsidy_amount", AS_OF, member="a")
    gc.collect()
    gc.disable()
    try:
        rs.evaluate(roster, AS_OF)
        rs.explain(roster, "subsidy_amount", AS_OF, member="a")
        found = gc.collect()
    finally:
        gc.enable()

    assert 0 == found


def test_an_aggregate_of_aggregates_over_other_groups_is_explained_like_batch() -> None:
    # a's household is {a, b}; b's union group is {b, c}: explaining a needs c too
    rs = RuleSet(
        [
            Rule(
                "group_sizes",
                group_sum(group_count(by="union_group_id"), by="household_id"),
                "各人小组人数之和",
                "sum of group sizes",
                "int",
            )
        ],
        standard_parameters(),
    )
    roster = {
        "member_id": ["a", "b", "c", "d"],
        "household_id": ["h", "h", "x", "y"],
        "union_group_id": ["g1", "g2", "g2", "g3"],
    }
    batch = rs.evaluate(roster, AS_OF).frame["group_sizes"].tolist()

    scanned = [rs.explain(roster, "group_sizes", AS_OF, member=m).value for m in "abcd"]
    prepared = rs.prepare(roster)
    again = [rs.explain(prepared, "group_sizes", AS_OF, member=m).value for m in "abcd"]

    assert [3, 3, 2, 1] == batch == scanned == again
