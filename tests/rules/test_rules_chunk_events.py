"""Dated events through household-aligned chunks (the same answers as one run) and lazy rosters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unionkit.errors import RuleEvaluationError
from unionkit.rules import Parameters, Rule, RuleSet, ValueType
from unionkit.rules.events import event_fields
from unionkit.rules.parse import parse_expression
from unionkit.rules.schema import MEMBER_FIELDS

V = ValueType
AS_OF = dt.date(2025, 9, 30)
FIELDS = {**MEMBER_FIELDS, **event_fields("leave", span=True, attributes={"days": V.int})}


def rule(name: str, vtype: ValueType, text: str) -> Rule:
    return Rule(name, parse_expression(text), name, name, vtype)


RULES = RuleSet(
    [
        rule("days", V.int, 'event_days("leave", start_of_year(as_of()))'),
        rule("spells", V.int, 'event_spells("leave", 3)'),
        rule("household_days", V.int, "group_sum(days, by=household_id)"),
    ],
    Parameters([]),
    FIELDS,
)


@st.composite
def rosters(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    n = draw(st.integers(1, 30))
    ids = [f"M{i:03d}" for i in range(n)]
    households = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    day = st.dates(dt.date(2024, 6, 1), AS_OF)
    leaves = []
    for _ in range(draw(st.integers(0, 40))):
        start = draw(day)
        leaves.append(
            {
                "member_id": draw(st.sampled_from(ids)),
                "start": start,
                "end": start + dt.timedelta(days=draw(st.integers(0, 20))),
                "days": draw(st.integers(0, 15)),
            }
        )
    members = {"member_id": ids, "household_id": [f"H{h}" for h in households]}
    return members, leaves, draw(st.integers(1, n))


def as_lists(frame: dict[str, Any]) -> dict[str, list[Any]]:
    out = {}
    for name, column in frame.items():
        mask = np.ma.getmaskarray(column) if isinstance(column, np.ma.MaskedArray) else None
        out[name] = [
            None if mask is not None and mask[i] else np.asarray(column)[i].item()
            for i in range(len(column))
        ]
    return out


@settings(max_examples=120, deadline=None)
@given(rosters())
def test_chunked_events_give_the_answers_of_one_run(
    case: tuple[dict[str, Any], list[dict[str, Any]], int],
) -> None:
    members, leaves, size = case
    whole = RULES.evaluate(members, AS_OF, events={"leave": leaves}, chunk_rows=0).frame
    chunked = RULES.evaluate(members, AS_OF, events={"leave": leaves}, chunk_rows=size).frame
    assert as_lists(chunked) == as_lists(whole)


def test_an_event_of_an_unknown_member_is_refused_when_chunked_too() -> None:
    members = {"member_id": ["A", "B", "C"], "household_id": ["H1", "H2", "H1"]}
    leave = {"member_id": "Z", "start": AS_OF, "end": AS_OF, "days": 1}
    with pytest.raises(RuleEvaluationError, match="leave"):
        RULES.evaluate(members, AS_OF, events={"leave": [leave]}, chunk_rows=1)


def test_events_with_a_lazy_roster_are_refused_not_ignored() -> None:
    pl = pytest.importorskip("polars")
    members = pl.LazyFrame({"member_id": ["A"], "household_id": ["H1"]})
    leave = {"member_id": "A", "start": AS_OF, "end": AS_OF, "days": 1}
    with pytest.raises(RuleEvaluationError, match="eager roster"):
        RULES.evaluate(members, AS_OF, events={"leave": [leave]})
    with pytest.raises(RuleEvaluationError, match="eager roster"):
        RULES.evaluate(members, AS_OF, undetermined=True)
