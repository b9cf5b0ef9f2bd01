"""Household-aligned chunks give the unchunked answers; runs free their intermediates."""

from __future__ import annotations

import gc
import tracemalloc
from datetime import date
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_standard import standard_parameters, standard_ruleset
from test_rules_explain import DATES, RS, money, near

from unionkit.errors import RuleEvaluationError
from unionkit.rules import Rule, RuleSet, field, group_count, group_sum, ref
from unionkit.rules.chunks import (
    AUTO_ROWS,
    CHUNK_ROWS,
    chunk_rows_for,
    group_codes,
    household_chunks,
)
from unionkit.rules.columns import Columns
from unionkit.rules.expr import walk
from unionkit.rules.interpret import open_run
from unionkit.rules.trace import Tracer

AS_OF = date(2025, 6, 1)
HH = "household_id"
UG = "union_group_id"

TWO_GROUPINGS = RuleSet(
    [
        Rule(
            "group_sizes",
            group_sum(group_count(by=UG), by=HH),
            "各人小组人数之和",
            "sum of group sizes",
            "int",
        ),
        Rule("household_leave", group_sum(field("sick_leave_days"), by=HH), "假", "leave", "int"),
    ],
    standard_parameters(),
)


def same_frames(a: dict[str, Any], b: dict[str, Any]) -> None:
    """Assert two dict results are identical: containers, masks and values (unknown ones too)."""
    assert list(a) == list(b)
    for name, x in a.items():
        y = b[name]
        assert type(x) is type(y), name
        assert x.dtype == y.dtype, name
        assert np.ma.getmaskarray(x).tolist() == np.ma.getmaskarray(y).tolist(), name
        assert np.array_equal(np.ma.getdata(x), np.ma.getdata(y), equal_nan=x.dtype.kind == "f")


@st.composite
def rosters(draw: st.DrawFn) -> tuple[dict[str, list[Any]], date, int]:
    """Households in any order (or grouped), and a chunk size, maybe below a household's."""
    n = draw(st.integers(1, 40))
    key = draw(st.sampled_from(["int", "text"]))
    count = draw(st.integers(1, 8))
    names: list[Any] = (
        list(range(100, 100 + count)) if key == "int" else [f"h{i}" for i in range(count)]
    )
    households = draw(st.lists(st.sampled_from(names), min_size=n, max_size=n))
    if key == "text":  # a blank household: a member on their own
        households = [
            None if draw(st.booleans()) and i % 7 == 3 else h for i, h in enumerate(households)
        ]
    roster: dict[str, list[Any]] = {
        "member_id": [f"m{i}" for i in range(n)],
        HH: households,
        "birth_date": draw(st.lists(st.one_of(st.none(), near(40)), min_size=n, max_size=n)),
        "hire_date": draw(st.lists(st.one_of(st.none(), near(30)), min_size=n, max_size=n)),
        "annual_income": draw(st.lists(money, min_size=n, max_size=n)),
        "rigid_spending": draw(st.lists(money, min_size=n, max_size=n)),
        "sick_leave_days": draw(
            st.lists(st.one_of(st.none(), st.integers(0, 40)), min_size=n, max_size=n)
        ),
        "serious_illness": draw(
            st.lists(st.one_of(st.none(), st.booleans()), min_size=n, max_size=n)
        ),
    }
    if draw(st.booleans()):  # households contiguous: the chunks are slices
        order = sorted(range(n), key=lambda i: str(households[i]))
        roster = {k: [v[i] for i in order] for k, v in roster.items()}
    return roster, draw(st.sampled_from(DATES)), draw(st.integers(1, n + 1))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters())
def test_chunked_evaluation_equals_one_run_over_everyone(
    case: tuple[dict[str, list[Any]], date, int],
) -> None:
    roster, as_of, chunk_rows = case

    whole = RS.evaluate(roster, as_of, chunk_rows=0).frame
    chunked = RS.evaluate(roster, as_of, chunk_rows=chunk_rows).frame

    same_frames(whole, chunked)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["h1", "h2", "h3", "h4", "h5"]), min_size=1, max_size=30),
    st.lists(st.sampled_from(["g1", "g2", "g3", "g4", "g5", "g6"]), min_size=30, max_size=30),
    st.integers(1, 31),
)
def test_chunks_keep_households_and_union_groups_whole_at_once(
    households: list[str], groups: list[str], chunk_rows: int
) -> None:
    n = len(households)
    roster = {
        HH: households,
        UG: groups[:n],
        "sick_leave_days": list(range(n)),
    }

    whole = TWO_GROUPINGS.evaluate(roster, AS_OF, chunk_rows=0).frame
    chunked = TWO_GROUPINGS.evaluate(roster, AS_OF, chunk_rows=chunk_rows).frame

    same_frames(whole, chunked)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(-3, 12), min_size=1, max_size=60),
    st.booleans(),
    st.integers(1, 20),
)
def test_chunks_cover_every_row_once_and_never_split_a_household(
    keys: list[int], grouped: bool, chunk_rows: int
) -> None:
    labels = np.array(sorted(keys) if grouped else keys, dtype=np.int64)

    chunks = household_chunks(labels, chunk_rows)

    rows = [np.arange(len(labels))[c].tolist() for c in chunks]
    assert sorted(r for chunk in rows for r in chunk) == list(range(len(labels)))
    assert all(chunk == sorted(chunk) for chunk in rows)  # input order within a chunk
    owner = {int(labels[r]): i for i, chunk in enumerate(rows) for r in chunk}
    assert all(owner[int(labels[r])] == i for i, chunk in enumerate(rows) for r in chunk)
    largest = int(np.bincount(labels - labels.min()).max())
    assert all(0 < len(chunk) <= chunk_rows + largest - 1 for chunk in rows)
    if grouped:
        assert all(isinstance(c, slice) for c in chunks)


def test_a_household_larger_than_a_chunk_makes_its_chunk_grow() -> None:
    labels = np.array([5, 5, 7, 7, 7, 7, 7, 7, 2, 2, 9])

    chunks = household_chunks(labels, 3)

    # contiguous households: slices cut at the first household start at or past each
    # multiple of 3 rows; household 7 (six rows) is never cut, its chunk grows to 8 rows
    assert [slice(0, 8), slice(8, 10), slice(10, 11)] == chunks


def test_scattered_households_are_chunked_in_input_order() -> None:
    labels = np.array([1, 2, 1, 3, 2, 3, 4, 1, 4])

    chunks = household_chunks(labels, 4)

    rows = [np.asarray(c).tolist() for c in chunks]
    assert [[0, 1, 2, 4, 7], [3, 5, 6, 8]] == rows
    assert sorted(r for c in rows for r in c) == list(range(9))


def test_labels_join_rows_sharing_any_grouping() -> None:
    households = np.array([0, 0, 1, 2, 3])
    groups = np.array([0, 1, 1, 2, 3])

    labels = group_codes([households, groups], 5)

    # rows 0-2 are one component (0 and 1 share a household, 1 and 2 a group)
    assert labels[0] == labels[1] == labels[2]
    assert len({labels[0], labels[3], labels[4]}) == 3


def test_the_chunk_size_is_chosen_for_very_large_inputs_only() -> None:
    assert chunk_rows_for(AUTO_ROWS, None) is None
    assert CHUNK_ROWS == chunk_rows_for(AUTO_ROWS + 1, None)
    assert chunk_rows_for(10, 0) is None
    assert chunk_rows_for(10, 10) is None
    assert 3 == chunk_rows_for(10, 3)


@pytest.mark.parametrize("bad", [-1, 2.5, True, "1000"])
def test_a_bad_chunk_size_is_refused_with_its_value(bad: Any) -> None:
    with pytest.raises(RuleEvaluationError, match="chunk_rows"):
        standard_ruleset().evaluate({"sick_leave_days": [1, 2]}, AS_OF, chunk_rows=bad)


def test_a_bad_cell_is_named_by_its_row_in_the_whole_input_not_the_chunk() -> None:
    rs = standard_ruleset()
    days: list[Any] = [1, 2, 3, 4, 5, 6, 7, "many", 9]

    with pytest.raises(RuleEvaluationError, match="row 7") as chunked:
        rs.evaluate({"sick_leave_days": days}, AS_OF, ["hospital_subsidy"], chunk_rows=3)
    with pytest.raises(RuleEvaluationError) as whole:
        rs.evaluate({"sick_leave_days": days}, AS_OF, ["hospital_subsidy"], chunk_rows=0)

    assert str(whole.value) == str(chunked.value)


def numpy_roster(n: int, seed: int = 3) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    return {
        "member_id": np.array([f"M{i}" for i in range(n)], dtype=object),
        HH: rng.integers(0, max(1, n // 3), n),
        "birth_date": np.datetime64("1960-01-01") + rng.integers(0, 15000, n),
        "hire_date": np.datetime64("1985-01-01") + rng.integers(0, 12000, n),
        "annual_income": np.round(rng.gamma(2.0, 30000.0, n), 2),
        "rigid_spending": np.round(rng.uniform(0, 30000, n), 2),
        "sick_leave_days": rng.integers(0, 31, n),
        "serious_illness": rng.random(n) < 0.05,
    }


def test_pandas_polars_and_prepared_inputs_chunk_to_the_same_answers() -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    rs = standard_ruleset()
    data = numpy_roster(3000)
    data[HH] = np.array([f"H{k}" for k in data[HH]], dtype=object)
    whole = rs.evaluate(data, AS_OF, chunk_rows=0).frame

    for source in (pd.DataFrame(data), pl.DataFrame(data), rs.prepare(data)):
        got = rs.evaluate(source, AS_OF, chunk_rows=700).frame
        for rule in rs.rules:
            column = got[rule]
            values = column.to_numpy() if hasattr(column, "to_numpy") else column
            assert np.array_equal(np.asarray(values), np.asarray(whole[rule])), (source, rule)


def test_a_prepared_roster_keeps_its_converted_columns_after_a_chunked_run() -> None:
    rs = standard_ruleset()
    prepared = rs.prepare(numpy_roster(300))
    income = prepared.get("annual_income")[0]

    rs.evaluate(prepared, AS_OF, chunk_rows=50)

    assert prepared.get("annual_income")[0] is income


def traced(fn: Any) -> tuple[int, int]:
    """Memory allocated while *fn* runs: the peak, and what is still held after it returns."""
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        fn()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        gc.enable()
    return peak - base, current - base


def test_chunks_bound_the_peak_memory_of_an_evaluation() -> None:
    rs = standard_ruleset()
    data = numpy_roster(200_000)
    del data["member_id"]
    rs.evaluate(data, AS_OF, chunk_rows=0)  # warm the program's caches
    input_bytes = sum(a.nbytes for a in data.values())

    whole, _ = traced(lambda: rs.evaluate(data, AS_OF, chunk_rows=0))
    chunked, _ = traced(lambda: rs.evaluate(data, AS_OF, chunk_rows=10_000))

    # the results (about 0.5 of the input) are made either way; the work is bounded by the chunk
    assert chunked < 0.8 * input_bytes < whole


def test_memory_is_released_when_evaluate_returns_without_the_cyclic_collector() -> None:
    rs = standard_ruleset()
    data = numpy_roster(100_000)
    for chunk_rows in (0, 20_000):
        rs.evaluate(data, AS_OF, chunk_rows=chunk_rows)  # warm the program's caches
        _, held = traced(lambda c=chunk_rows: rs.evaluate(data, AS_OF, chunk_rows=c))

        # nothing of the run survives it: every array went with its last reference
        assert held < 20_000, chunk_rows


def test_a_long_chain_of_rules_keeps_only_the_live_values() -> None:
    n = 100_000
    rules = [Rule("r0", field("sick_leave_days") + 1, "r0", "r0", "int")]
    rules += [Rule(f"r{i}", ref(f"r{i - 1}") + 1, f"r{i}", f"r{i}", "int") for i in range(1, 30)]
    rs = RuleSet(rules, standard_parameters())
    data = {"sick_leave_days": np.arange(n)}
    rs.evaluate(data, AS_OF, ["r29"])

    peak, _ = traced(lambda: rs.evaluate(data, AS_OF, ["r29"]))
    result = rs.evaluate(data, AS_OF, ["r29"]).frame["r29"]

    assert (np.arange(n) + 30).tolist() == result.tolist()
    # thirty rules, each an array of n integers: only a few are alive at any time
    assert peak < 6 * 8 * n


def test_a_run_drops_what_it_no_longer_needs_and_a_traced_run_keeps_all() -> None:
    rs = standard_ruleset()
    cols = Columns(numpy_roster(50), rs.fields)
    wanted = ["subsidy_amount", "screening_eligible"]

    run = open_run(rs.program, cols, AS_OF, wanted).run()
    tracer = Tracer()
    traced_run = open_run(rs.program, cols, AS_OF, wanted, tracer=tracer).run()

    assert {} == run.memo
    assert set(wanted) == set(run.rule_values)
    needed = rs.needed(wanted)
    assert set(needed) == set(traced_run.rule_values)
    nodes = {e for r in needed for e in walk(rs.rules[r].expr)}
    assert nodes <= set(tracer.values)
    assert run.rule_values["subsidy_amount"].values.tolist() == (
        traced_run.rule_values["subsidy_amount"].values.tolist()
    )
