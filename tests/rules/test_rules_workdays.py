"""Working days and date arithmetic in the rule language, against the calendar's own answers."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unionkit.calendar import WorkCalendar, working_days
from unionkit.errors import RuleDefinitionError, RuleEvaluationError
from unionkit.rules import MEMBER_FIELDS, Parameters, Rule, RuleSet, ValueType
from unionkit.rules.parse import parse_expression

V = ValueType
FIELDS = {**MEMBER_FIELDS, "from_day": V.date, "to_day": V.date, "count": V.int}


@cache
def calendar() -> WorkCalendar:
    return WorkCalendar.default()


def rules() -> RuleSet:
    def rule(name: str, vtype: ValueType, text: str) -> Rule:
        return Rule(name, parse_expression(text), name, name, vtype)

    return RuleSet(
        [
            rule("due", V.date, "add_working_days(from_day, count)"),
            rule("between", V.int, "working_days_between(from_day, to_day)"),
            rule("later", V.date, "add_days(from_day, count)"),
            rule("months", V.date, "add_months(from_day, count)"),
            rule("new_year", V.date, "start_of_year(from_day)"),
        ],
        Parameters([]),
        FIELDS,
    )


day = st.dates(dt.date(2024, 1, 1), dt.date(2026, 10, 31))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(day, day, st.integers(0, 40)), min_size=1, max_size=8))
def test_working_days_in_rules_are_the_calendars_and_explain_agrees(
    rows: list[tuple[dt.date, dt.date, int]],
) -> None:
    rs = rules().with_working_days(working_days(calendar()))
    data = {
        "member_id": [f"M{i}" for i in range(len(rows))],
        "from_day": [a for a, _, _ in rows],
        "to_day": [b for _, b, _ in rows],
        "count": [n for _, _, n in rows],
    }
    as_of = dt.date(2026, 1, 1)

    frame = rs.evaluate(data, as_of).frame

    for i, (a, b, n) in enumerate(rows):
        due = calendar().add_workdays(a, n).date
        assert frame["due"][i].item() == due
        assert int(frame["between"][i]) == calendar().workdays_between(a, b)
        assert frame["later"][i].item() == a + dt.timedelta(days=n)
        assert rs.explain(data, "due", as_of, member=f"M{i}").value == due


def test_a_span_across_national_day_and_a_make_up_saturday() -> None:
    rs = rules().with_working_days(working_days(calendar()))
    data = {
        "member_id": ["a", "b"],
        "from_day": [dt.date(2025, 9, 30), dt.date(2025, 10, 10)],
        "to_day": [dt.date(2025, 10, 14), dt.date(2025, 10, 13)],
        "count": [5, 1],
    }

    frame = rs.evaluate(data, dt.date(2025, 9, 30)).frame

    # 1-8 October is the holiday; Saturday 11 October is a make-up working day
    assert [d.item() for d in frame["due"]] == [dt.date(2025, 10, 14), dt.date(2025, 10, 11)]
    assert list(frame["between"]) == [5, 2]


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    data = {
        "member_id": ["a", "b", "c"],
        "from_day": [dt.date(2025, 3, 31), dt.date(2024, 2, 29), dt.date(2025, 1, 15)],
        "to_day": [None, None, None],
        "count": [1, 12, -2],
    }

    frame = rules().evaluate(data, dt.date(2025, 1, 1), rules=["months", "new_year"]).frame

    assert [d.item() for d in frame["months"]] == [
        dt.date(2025, 4, 30),
        dt.date(2025, 2, 28),
        dt.date(2024, 11, 15),
    ]
    assert [d.item() for d in frame["new_year"]] == [
        dt.date(2025, 1, 1),
        dt.date(2024, 1, 1),
        dt.date(2025, 1, 1),
    ]


def test_working_days_without_a_calendar_is_a_clear_error() -> None:
    data = {"member_id": ["a"], "from_day": [dt.date(2025, 1, 1)], "to_day": [None], "count": [3]}

    with pytest.raises(RuleEvaluationError, match="no working-day calendar"):
        rules().evaluate(data, dt.date(2025, 1, 1), rules=["due"])


def test_a_rule_set_from_files_counts_by_the_national_calendar() -> None:
    from unionkit.rulefiles import assemble
    from unionkit.rulefiles.bundle import empty_bundle

    rs = assemble(
        [
            "fields:\n  asked_on: {type: date, label: {zh: 受理日, en: accepted on}}\n"
            "rules:\n  - name: reply_by\n    label: {zh: 答复期限, en: reply by}\n"
            "    type: date\n    expr: add_working_days(asked_on, 3)\n"
        ],
        base=empty_bundle(),
    )

    frame = rs.evaluate({"asked_on": [dt.date(2025, 9, 30)]}, dt.date(2025, 9, 30)).frame

    assert frame["reply_by"][0].item() == dt.date(2025, 10, 11)


def test_working_day_functions_are_type_checked() -> None:
    with pytest.raises(RuleDefinitionError, match="needs a date and a whole number"):
        RuleSet(
            [Rule("r", parse_expression("add_working_days(from_day, 1.5)"), "r", "r", V.date)],
            Parameters([]),
            FIELDS,
        )
    with pytest.raises(RuleDefinitionError, match="needs two dates"):
        RuleSet(
            [Rule("r", parse_expression("working_days_between(from_day, 3)"), "r", "r", V.int)],
            Parameters([]),
            FIELDS,
        )
