"""Dask DataFrames on a LocalCluster, polars LazyFrames, the Arrow kernel, parquet by batches."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rules_standard import HH, standard_parameters, standard_rules

from unionkit.errors import RuleEvaluationError
from unionkit.rules import Missing, Rule, RuleSet, field, group_count, group_max, group_sum

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

AS_OF = date(2025, 6, 1)


def ruleset() -> RuleSet:
    """The standard rules plus a nullable money rule, a text rule and a date rule."""
    extra = [
        Rule(
            "household_income",
            group_sum(field("annual_income"), by=HH),
            "家庭收入",
            "household income",
            "money",
            missing=Missing.propagate,
        ),
        Rule("department_copy", field("department"), "部门", "department", "text"),
        Rule(
            "household_youngest",
            group_max(field("birth_date"), by=HH),
            "家庭最年轻者生日",
            "youngest birth date in the household",
            "date",
        ),
    ]
    return RuleSet([*standard_rules(), *extra], standard_parameters())


def roster(n: int, seed: int = 3) -> Any:
    """A pandas roster in random household order, with blanks in income, days and households."""
    rng = np.random.default_rng(seed)
    households = rng.integers(0, max(1, n // 3), n)
    household = np.array([f"H{h:05d}" for h in households], dtype=object)
    household[rng.random(n) < 0.02] = None
    income = np.round(rng.gamma(2.0, 30000.0, n), 2)
    income[rng.random(n) < 0.3] = 0.0
    income[rng.random(n) < 0.05] = np.nan
    days = pd.array(rng.integers(0, 31, n), dtype="Int64")
    days[rng.random(n) < 0.05] = pd.NA
    return pd.DataFrame(
        {
            "member_id": [f"M{i:06d}" for i in range(n)],
            HH: household,
            "department": rng.choice(["内科", "外科", "药剂科"], n),
            "birth_date": np.datetime64("1960-01-01") + rng.integers(0, 15000, n),
            "hire_date": np.datetime64("1985-01-01") + rng.integers(0, 14000, n),
            "annual_income": income,
            "rigid_spending": np.round(rng.uniform(0, 30000, n), 2),
            "sick_leave_days": days,
            "serious_illness": rng.random(n) < 0.03,
        }
    )


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    """A real two-worker LocalCluster (worker processes), quiet: its logs stay out of the output."""
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.CRITICAL,
        # the scheduler's HTTP endpoint on a free port: other checkouts may hold 8787
        scheduler_kwargs={"dashboard_address": ":0"},
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


@pytest.fixture(scope="module")
def rs() -> RuleSet:
    return ruleset()


@pytest.fixture(scope="module")
def frame() -> Any:
    return roster(6000)


@pytest.fixture(scope="module")
def expected(rs: RuleSet, frame: Any) -> Any:
    return rs.evaluate(frame, AS_OF).frame


def partitions_of(ddf: Any) -> list[Any]:
    return [ddf.get_partition(i).compute() for i in range(ddf.npartitions)]


def split_households(ddf: Any) -> set[str]:
    """The households whose members sit in more than one partition."""
    seen: dict[str, set[int]] = {}
    for i, part in enumerate(partitions_of(ddf)):
        for h in part[HH].dropna().unique():
            seen.setdefault(str(h), set()).add(i)
    return {h for h, parts in seen.items() if len(parts) > 1}


def test_a_dask_frame_with_split_households_gives_the_pandas_answers(
    dask_client: Any, rs: RuleSet, frame: Any, expected: Any
) -> None:
    ddf = dd.from_pandas(frame, npartitions=5, sort=False)
    assert split_households(ddf), "the test needs households split across partitions"
    # evaluating each partition on its own is wrong for exactly those households
    naive = ddf.map_partitions(lambda p: rs.evaluate(p, AS_OF).frame).compute().sort_index()
    assert not naive["low_income_hardship"].equals(expected["low_income_hardship"])

    result = rs.evaluate(ddf, AS_OF)

    assert isinstance(result.frame, dd.DataFrame)
    assert dict(result.frame.dtypes) == dict(expected.dtypes)
    assert result.rules == tuple(rs.rules)
    assert result.version == rs.version
    got = result.frame.compute()
    pd.testing.assert_frame_equal(got.sort_index(), expected)


def test_only_the_named_rules_and_their_inputs_are_read(
    dask_client: Any, rs: RuleSet, frame: Any
) -> None:
    ddf = dd.from_pandas(frame, npartitions=3, sort=False)

    result = rs.evaluate(ddf, AS_OF, ["household_income"])

    expected = rs.evaluate(frame, AS_OF, ["household_income"]).frame
    got = result.frame.compute().sort_index()
    assert list(got.columns) == ["member_id", "household_income"]
    assert got["household_income"].isna().any()  # a blank income makes its household unknown
    pd.testing.assert_frame_equal(got, expected)


def test_aligned_partitions_skip_the_shuffle_and_give_the_same_answers(
    dask_client: Any, rs: RuleSet, frame: Any, expected: Any
) -> None:
    from unionkit.rules.partitions import evaluate_aligned

    # whole households per partition, in three pieces cut between households
    keyed = frame.assign(_k=frame[HH].fillna("~") + frame["member_id"]).sort_values("_k")
    cuts = np.array_split(keyed[HH].fillna(keyed["member_id"]).unique(), 3)
    pieces = [keyed[keyed[HH].fillna(keyed["member_id"]).isin(c)].drop(columns="_k") for c in cuts]
    ddf = dd.from_map(lambda p: p, pieces)
    assert not split_households(ddf)

    got = evaluate_aligned(rs, ddf, AS_OF).frame.compute()

    pd.testing.assert_frame_equal(got.sort_index(), expected)


def test_aligned_with_a_household_split_raises_naming_it(
    dask_client: Any, rs: RuleSet, frame: Any
) -> None:
    from unionkit.rules.partitions import evaluate_aligned

    ddf = dd.from_pandas(frame, npartitions=4, sort=False)
    split = split_households(ddf)

    result = evaluate_aligned(rs, ddf, AS_OF)  # lazy: the check runs with the result
    with pytest.raises(RuleEvaluationError, match="split across partitions") as err:
        result.frame.compute()

    named = str(err.value).split(" ")[1].strip("'")
    assert named in split


def test_a_household_index_with_known_divisions_needs_no_check(
    dask_client: Any, rs: RuleSet, frame: Any, expected: Any
) -> None:
    from unionkit.rules.partitions import evaluate_aligned

    known = frame.dropna(subset=[HH])
    indexed = dd.from_pandas(known, npartitions=4, sort=False).set_index(HH)
    assert indexed.known_divisions

    got = evaluate_aligned(rs, indexed, AS_OF).frame.compute()

    assert got.index.name == HH
    by_member = got.set_index("member_id").sort_index()
    want = rs.evaluate(known, AS_OF).frame.set_index("member_id").sort_index()
    pd.testing.assert_frame_equal(by_member, want)


def test_a_missing_column_is_refused_at_once_not_at_compute(rs: RuleSet, frame: Any) -> None:
    ddf = dd.from_pandas(frame.drop(columns=["annual_income"]), npartitions=2)

    with pytest.raises(RuleEvaluationError, match="annual_income"):
        rs.evaluate(ddf, AS_OF)


def test_rules_grouping_by_two_columns_are_refused_on_partitions(frame: Any) -> None:
    two = RuleSet(
        [
            Rule("hh", group_count(by=HH), "户", "household size", "int"),
            Rule("dept", group_count(by="department"), "科", "department size", "int"),
        ],
        standard_parameters(),
    )
    ddf = dd.from_pandas(frame, npartitions=2)

    with pytest.raises(RuleEvaluationError, match="department, household_id"):
        two.evaluate(ddf, AS_OF)


def test_evaluate_aligned_refuses_anything_but_dask(rs: RuleSet, frame: Any) -> None:
    from unionkit.rules.partitions import evaluate_aligned

    with pytest.raises(RuleEvaluationError, match="Dask DataFrame"):
        evaluate_aligned(rs, frame, AS_OF)


def write_sorted_parquet(frame: Any, path: Path, row_group_size: int) -> None:
    ordered = frame.sort_values(HH, kind="stable", na_position="first").reset_index(drop=True)
    pq.write_table(
        pa.Table.from_pandas(ordered, preserve_index=False), path, row_group_size=row_group_size
    )


def test_a_parquet_roster_of_many_row_groups_evaluates_through_dask(
    dask_client: Any, rs: RuleSet, frame: Any, tmp_path: Path
) -> None:
    source = tmp_path / "roster.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), source, row_group_size=600)
    ddf = dd.read_parquet(source, split_row_groups=True)
    assert ddf.npartitions == 10  # one partition per row group: 600 rows each

    rs.evaluate(ddf, AS_OF).frame.to_parquet(tmp_path / "out")

    got = pd.read_parquet(tmp_path / "out").set_index("member_id").sort_index()
    want = rs.evaluate(frame, AS_OF).frame.set_index("member_id").sort_index()
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


def test_evaluate_parquet_reads_a_bounded_batch_at_a_time(
    rs: RuleSet, frame: Any, tmp_path: Path
) -> None:
    from unionkit.io.rules_parquet import evaluate_parquet

    source, target = tmp_path / "roster.parquet", tmp_path / "result.parquet"
    write_sorted_parquet(frame, source, row_group_size=100)
    largest_household = int(frame[HH].value_counts().max())

    run = evaluate_parquet(rs, source, target, AS_OF, batch_rows=400)

    assert run.rows == len(frame)
    assert run.batches >= len(frame) // 400
    assert run.largest_batch <= 400 + largest_household
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    ordered = frame.sort_values(HH, kind="stable", na_position="first").reset_index(drop=True)
    want = rs.evaluate(pl.from_pandas(ordered), AS_OF).frame
    assert pl.read_parquet(target).equals(want)


def test_evaluate_parquet_refuses_households_out_of_order_and_writes_nothing(
    rs: RuleSet, frame: Any, tmp_path: Path
) -> None:
    from unionkit.io.rules_parquet import evaluate_parquet

    source, target = tmp_path / "roster.parquet", tmp_path / "result.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), source, row_group_size=100)

    with pytest.raises(RuleEvaluationError, match=r"row \d+: household_id 'H\d+' comes after"):
        evaluate_parquet(rs, source, target, AS_OF, batch_rows=400)

    assert not target.exists()
    assert list(tmp_path.iterdir()) == [source]


def test_evaluate_parquet_of_an_empty_roster_writes_the_columns(
    rs: RuleSet, frame: Any, tmp_path: Path
) -> None:
    from unionkit.io.rules_parquet import evaluate_parquet

    source, target = tmp_path / "roster.parquet", tmp_path / "result.parquet"
    write_sorted_parquet(frame.iloc[:0], source, row_group_size=100)

    run = evaluate_parquet(rs, source, target, AS_OF)

    assert (run.rows, run.batches) == (0, 0)
    assert pq.read_table(target).column_names == ["member_id", *rs.rules]


def test_a_polars_lazyframe_gives_a_lazyframe_with_the_eager_answers(
    rs: RuleSet, frame: Any, tmp_path: Path
) -> None:
    source = tmp_path / "roster.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), source)
    eager = pl.read_parquet(source)
    lazy = pl.scan_parquet(source)

    result = rs.evaluate(lazy, AS_OF)

    assert isinstance(result.frame, pl.LazyFrame)
    got = result.frame.collect()
    want = rs.evaluate(eager, AS_OF).frame
    assert got.equals(want)
    assert got.schema == result.frame.collect_schema()


def test_a_polars_lazyframe_without_a_needed_column_fails_before_collect(rs: RuleSet) -> None:
    lazy = pl.LazyFrame({"member_id": ["M1"], HH: ["H1"]})

    with pytest.raises(RuleEvaluationError, match="the input has no column"):
        rs.evaluate(lazy, AS_OF)


def test_the_arrow_kernel_gives_the_polars_answers_as_an_arrow_table(
    rs: RuleSet, frame: Any
) -> None:
    from unionkit.rules.partitions import evaluate_arrow

    table = pa.Table.from_pandas(frame, preserve_index=False)

    got = evaluate_arrow(rs.program, table, AS_OF)

    assert isinstance(got, pa.Table)
    want = rs.evaluate(pl.from_arrow(table), AS_OF).frame
    assert pl.from_arrow(got).equals(want)


def refuse_to_load(piece: int) -> Any:
    raise AssertionError(f"partition {piece} was computed")


def test_a_lazy_result_shows_its_rules_in_jupyter_without_computing(
    rs: RuleSet, frame: Any
) -> None:
    never = dd.from_map(refuse_to_load, [0, 1], meta=frame.iloc[:0])
    lazy = pl.LazyFrame(frame.iloc[:0]).map_batches(lambda _: refuse_to_load(0))

    for data in (never, lazy):
        html = rs.evaluate(data, AS_OF)._repr_html_()

        assert "lazy results" in html
        assert "household_income" in html


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow"])
def test_integer_money_with_blanks_is_fen_in_every_frame_library(kind: str) -> None:
    from unionkit.rules.partitions import evaluate_arrow

    rules = RuleSet(
        [
            Rule(
                "income",
                field("annual_income"),
                "收入",
                "income",
                "money",
                missing=Missing.propagate,
            )
        ],
        standard_parameters(),
    )
    values = [850050, None, 7]
    if kind == "pandas":
        got = rules.evaluate(
            pd.DataFrame({"annual_income": pd.array(values, dtype="Int64")}), AS_OF
        ).frame["income"]
        assert got.tolist() == [850050, pd.NA, 7]
    elif kind == "polars":
        got = rules.evaluate(pl.DataFrame({"annual_income": values}), AS_OF).frame["income"]
        assert got.to_list() == [850050, None, 7]
    else:
        table = pa.table({"annual_income": pa.array(values, pa.int64())})
        assert evaluate_arrow(rules.program, table, AS_OF).column("income").to_pylist() == [
            850050,
            None,
            7,
        ]


def test_plain_values_of_a_result_are_the_same_from_pandas_and_polars(
    rs: RuleSet, frame: Any, expected: Any
) -> None:
    from unionkit.rules.output import column_values

    polars_result = rs.evaluate(pl.from_pandas(frame), AS_OF).frame

    for rule in ("household_income", "household_youngest", "department_copy", "sole_earner"):
        kind = str(rs.rules[rule].value_type)
        from_pandas = column_values(expected[rule], kind)
        assert from_pandas == column_values(polars_result[rule], kind)
        assert (None in from_pandas) == (rule == "household_income")
    youngest = column_values(expected["household_youngest"], "date")
    assert all(isinstance(d, date) for d in youngest if d is not None)
