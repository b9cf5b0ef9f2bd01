"""Dated events as rule inputs: event functions against a plain Python reading; batch = explain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unionkit.errors import RuleDefinitionError, RuleEvaluationError
from unionkit.rulefiles import read_rule_files
from unionkit.rules import Parameters, Rule, RuleSet, ValueType
from unionkit.rules.events import event_fields
from unionkit.rules.parse import parse_expression
from unionkit.rules.schema import MEMBER_FIELDS

V = ValueType
AS_OF = dt.date(2025, 9, 30)
FIELDS = {
    **MEMBER_FIELDS,
    **event_fields("leave", span=True, attributes={"days": V.int}),
    **event_fields("grant", span=False, attributes={"amount": V.money, "benefit": V.text}),
}


def rule(name: str, vtype: ValueType, text: str) -> Rule:
    return Rule(name, parse_expression(text), name, name, vtype)


def ruleset(period: str, window: int, gap: int) -> RuleSet:
    p = f", {period}" if period else ""
    return RuleSet(
        [
            rule("count", V.int, f'event_count("leave"{p})'),
            rule("days", V.int, f'event_days("leave"{p})'),
            rule("first", V.date, f'event_first("leave"{p})'),
            rule("last", V.date, f'event_last("leave"{p})'),
            rule("peak", V.int, f'event_peak_days("leave", {window}{p})'),
            rule("spells", V.int, f'event_spells("leave", {gap}{p})'),
            rule("longest", V.int, f'event_longest_spell("leave", {gap}{p})'),
            rule("spell_days", V.int, f'event_spell_days("leave", {gap}{p})'),
            rule("granted", V.money, f'event_sum("grant", "amount"{p})'),
        ],
        Parameters([]),
        FIELDS,
    )


# --- a plain Python reading of the documented meaning, one member at a time -------------


def spells(events: list[tuple[dt.date, dt.date]], gap: int) -> list[tuple[dt.date, dt.date]]:
    out: list[list[dt.date]] = []
    for start, end in sorted(events):
        if out and (start - out[-1][1]).days - 1 <= gap:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def reference(
    leaves: list[dict[str, Any]],
    grants: list[dict[str, Any]],
    *,
    lo: dt.date | None,
    hi: dt.date,
    window: int,
    gap: int,
) -> dict[str, Any]:
    def inside(d: dt.date) -> bool:
        return (lo is None or d >= lo) and d <= hi

    chosen = [e for e in leaves if inside(e["start"])]
    spans = [(e["start"], e["end"]) for e in chosen]
    covered = {
        e["start"] + dt.timedelta(days=k)
        for e in chosen
        for k in range((e["end"] - e["start"]).days + 1)
    }
    peak = 0
    for day in covered:
        for first in (day, day - dt.timedelta(days=window - 1)):
            last = first + dt.timedelta(days=window - 1)
            peak = max(peak, sum(1 for d in covered if first <= d <= last))
    joined = spells(spans, gap)
    return {
        "count": len(chosen),
        "days": sum(e["days"] for e in chosen),
        "first": min((e["start"] for e in chosen), default=None),
        "last": max((e["end"] for e in chosen), default=None),
        "peak": peak,
        "spells": len(joined),
        "longest": max(((b - a).days + 1 for a, b in joined), default=0),
        "spell_days": sum((b - a).days + 1 for a, b in joined),
        "granted": sum(
            (int(g["amount"] * 100) for g in grants if inside(g["date"])),
            0,
        ),
    }


days_ = st.integers(-400, 60).map(lambda k: AS_OF + dt.timedelta(days=k))


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], str, int, int]:
    n = draw(st.integers(1, 5))
    ids = [f"M{i}" for i in range(n)]
    leaves = []
    for _ in range(draw(st.integers(0, 12))):
        start = draw(days_)
        leaves.append(
            {
                "member_id": draw(st.sampled_from(ids)),
                "start": start,
                "end": start + dt.timedelta(days=draw(st.integers(0, 40))),
                "days": draw(st.integers(0, 30)),
            }
        )
    grants = [
        {
            "member_id": draw(st.sampled_from(ids)),
            "date": draw(days_),
            "amount": Decimal(draw(st.integers(0, 10**7))) / 100,
            "benefit": "festival",
        }
        for _ in range(draw(st.integers(0, 6)))
    ]
    period = draw(
        st.sampled_from(
            ["", "start_of_year(as_of())", "add_days(as_of(), -90)", "add_months(as_of(), -6)"]
        )
    )
    return (
        {"member_id": ids},
        {"leave": leaves, "grant": grants},
        period,
        *draw(st.tuples(st.integers(1, 120), st.integers(0, 10))),
    )


def lower(period: str) -> dt.date | None:
    return {
        "": None,
        "start_of_year(as_of())": dt.date(2025, 1, 1),
        "add_days(as_of(), -90)": AS_OF - dt.timedelta(days=90),
        "add_months(as_of(), -6)": dt.date(2025, 3, 30),
    }[period]


def value(column: Any, i: int) -> Any:
    if isinstance(column, np.ma.MaskedArray) and np.ma.getmaskarray(column)[i]:
        return None
    v = column[i]
    return v.item() if hasattr(v, "item") else v


@settings(max_examples=150, deadline=None)
@given(cases())
def test_event_functions_mean_what_the_docs_say_and_explain_agrees(
    case: tuple[dict[str, Any], dict[str, Any], str, int, int],
) -> None:
    members, events, period, window, gap = case
    rs = ruleset(period, window, gap)

    frame = rs.evaluate(members, AS_OF, events=events).frame

    for i, member in enumerate(members["member_id"]):
        own = [e for e in events["leave"] if e["member_id"] == member]
        grants = [g for g in events["grant"] if g["member_id"] == member]
        want = reference(own, grants, lo=lower(period), hi=AS_OF, window=window, gap=gap)
        got = {name: value(frame[name], i) for name in want}
        assert got == want
        for name in ("days", "peak", "longest", "granted"):
            explained = rs.explain(members, name, AS_OF, member=member, events=events)
            shown = explained.value
            assert (int(shown * 100) if name == "granted" else shown) == got[name]


def test_frames_and_records_give_the_same_answers_and_money_is_exact() -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    rs = ruleset("start_of_year(as_of())", 30, 0)
    grants = {
        "member_id": ["A", "A", "B"],
        "date": [dt.date(2025, 1, 2), dt.date(2025, 5, 1), dt.date(2025, 6, 1)],
        "amount": [Decimal("0.10"), Decimal("0.20"), Decimal("1999.99")],
        "benefit": ["x", "y", "z"],
    }
    leave: dict[str, list[Any]] = {"member_id": [], "start": [], "end": [], "days": []}
    members = {"member_id": ["A", "B", "C"]}
    records = [dict(zip(grants, row, strict=True)) for row in zip(*grants.values(), strict=True)]

    as_dict = rs.evaluate(members, AS_OF, events={"grant": grants, "leave": leave}).frame
    as_rows = rs.evaluate(members, AS_OF, events={"grant": records, "leave": []}).frame
    as_pandas = rs.evaluate(
        pd.DataFrame(members),
        AS_OF,
        events={"grant": pd.DataFrame(grants), "leave": pd.DataFrame(leave)},
    ).frame
    as_polars = rs.evaluate(
        pl.DataFrame(members),
        AS_OF,
        events={
            "grant": pl.DataFrame(grants),
            "leave": pl.DataFrame(
                leave,
                schema={"member_id": pl.String, "start": pl.Date, "end": pl.Date, "days": pl.Int64},
            ),
        },
    ).frame

    assert list(as_dict["granted"]) == [30, 199999, 0]  # fen: 0.10 + 0.20 is 0.30 exactly
    assert list(as_rows["granted"]) == [30, 199999, 0]
    assert list(as_pandas["granted"]) == [30, 199999, 0]
    assert as_polars["granted"].to_list() == [30, 199999, 0]


def test_the_explanation_lists_the_events_that_counted_and_masks_them() -> None:
    rs = ruleset("start_of_year(as_of())", 30, 0)
    events = {
        "leave": [
            {
                "member_id": "A",
                "start": dt.date(2024, 12, 1),
                "end": dt.date(2024, 12, 3),
                "days": 3,
            },
            {"member_id": "A", "start": dt.date(2025, 3, 3), "end": dt.date(2025, 3, 7), "days": 5},
            {"member_id": "B", "start": dt.date(2025, 4, 1), "end": dt.date(2025, 4, 2), "days": 2},
        ],
        "grant": [],
    }

    why = rs.explain({"member_id": ["A", "B"]}, "days", AS_OF, member="A", events=events)
    masked, shown = why.render(lang="en"), why.render(lang="en", reveal=True)

    assert why.value == 5
    assert "event 'leave', row 1" in shown and "2025-03-03—2025-03-07, 5 d" in shown
    assert "row 0" not in shown  # last year's leave did not count
    assert "row 2" not in shown  # another member's
    assert "2025-03-03" not in masked  # a health fact, masked unless revealed


@pytest.mark.parametrize(
    ("leave", "row", "field", "why"),
    [
        (
            {"member_id": "Z", "start": dt.date(2025, 1, 1), "end": dt.date(2025, 1, 2)},
            1,
            "member_id",
            "no such member",
        ),
        (
            {"member_id": "A", "start": dt.date(2025, 1, 9), "end": dt.date(2025, 1, 2)},
            1,
            "end",
            "ends before it starts",
        ),
        ({"member_id": "A", "start": None, "end": dt.date(2025, 1, 2)}, 1, "start", "missing"),
        ({"member_id": "A", "start": dt.date(2025, 1, 1), "end": None}, 1, "end", "missing"),
        (
            {
                "member_id": "A",
                "start": dt.date(2025, 1, 1),
                "end": dt.date(2025, 1, 1),
                "days": -3,
            },
            1,
            "days",
            "negative",
        ),
    ],
)
def test_a_bad_event_is_named_by_kind_row_and_field_without_its_value(
    leave: dict[str, Any], row: int, field: str, why: str
) -> None:
    good = {"member_id": "A", "start": dt.date(2025, 1, 1), "end": dt.date(2025, 1, 4), "days": 4}
    rs = ruleset("", 7, 0)

    with pytest.raises(RuleEvaluationError) as caught:
        rs.evaluate({"member_id": ["A"]}, AS_OF, events={"leave": [good, leave], "grant": []})

    message = str(caught.value)
    assert f"events 'leave', row {row}, field {field!r}" in message
    assert why in message
    assert "'Z'" not in message and "-3" not in message and "2025-01-09" not in message


def test_an_unknown_kind_is_refused_and_a_kind_not_given_is_unknown() -> None:
    rs = ruleset("", 7, 0)

    with pytest.raises(RuleEvaluationError, match=r"declares no such event kind.*grant, leave"):
        rs.evaluate({"member_id": ["A"]}, AS_OF, events={"visits": [], "leave": []})
    # as an absent optional column: nothing is known, which is not zero
    unknown = RuleSet(
        [Rule("n", parse_expression('event_count("grant")'), "n", "n", V.int, missing="propagate")],
        Parameters([]),
        FIELDS,
    )
    frame = unknown.evaluate({"member_id": ["A", "B"]}, AS_OF, events={"leave": []}).frame
    assert np.ma.getmaskarray(frame["n"]).tolist() == [True, True]
    frame = rs.evaluate({"member_id": ["A"]}, AS_OF, rules=["first"]).frame
    assert np.ma.getmaskarray(frame["first"]).tolist() == [True]
    assert unknown.explain({"member_id": ["A"]}, "n", AS_OF, member="A").value is None


def test_rules_reading_events_are_checked_when_built() -> None:
    def build(text: str) -> None:
        RuleSet([rule("r", V.int, text)], Parameters([]), FIELDS)

    with pytest.raises(RuleDefinitionError, match="unknown event kind 'visit'"):
        build('event_count("visit")')
    with pytest.raises(RuleDefinitionError, match="event kind in quotes"):
        build("event_count(member_id)")
    with pytest.raises(RuleDefinitionError, match="number or money field"):
        build('event_sum("grant", "benefit")')
    with pytest.raises(RuleDefinitionError, match="period of event_days is given by dates"):
        build('event_days("leave", 3)')
    with pytest.raises(RuleDefinitionError, match="whole number of days"):
        build('event_spells("leave", as_of())')


def test_a_rule_file_declares_event_kinds_and_its_mistakes_name_file_and_line() -> None:
    good = read_rule_files(
        "events:\n"
        "  visit:\n"
        "    label: {zh: 走访, en: visit}\n"
        "    shape: date\n"
        "    fields:\n"
        "      cost: {type: money, label: {zh: 费用, en: cost}}\n"
    )
    assert good.fields == {"visit.date": V.date, "visit.cost": V.money}

    with pytest.raises(RuleDefinitionError, match=r"line 4.*shape"):
        read_rule_files("events:\n  visit:\n    label: {zh: 走访, en: visit}\n    shape: day\n")
    with pytest.raises(RuleDefinitionError, match=r"line 2.*'start' is reserved"):
        read_rule_files(
            "events:\n  visit:\n    label: {zh: 走访, en: visit}\n    shape: span\n"
            "    fields:\n      start: {type: date, label: {zh: 起, en: from}}\n"
        )


def test_a_window_or_gap_out_of_range_is_refused() -> None:
    members = {"member_id": ["A"]}
    events: dict[str, Any] = {"leave": [], "grant": []}

    with pytest.raises(RuleEvaluationError, match="window must be from 0 to 36600 days"):
        ruleset("", 10**9, 0).evaluate(members, AS_OF, events=events, rules=["peak"])
    with pytest.raises(RuleEvaluationError, match="gap must be from 0 to 36600 days"):
        ruleset("", 7, 40000).evaluate(members, AS_OF, events=events, rules=["spells"])
