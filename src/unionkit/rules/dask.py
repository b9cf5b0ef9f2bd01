"""Batch evaluation of a Dask DataFrame: whole households per partition, the engine on each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from attrs import evolve

from unionkit.errors import RuleEvaluationError
from unionkit.rules.frames import Evaluate, Job, keep_columns, refuse_many_groups

if TYPE_CHECKING:
    from unionkit.rules.cells import MoneyUnit
    from unionkit.rules.output import BatchResult
    from unionkit.rules.program import Program
    from unionkit.rules.workdays import WorkingDays

__all__ = ["evaluate_dask"]


def evaluate_dask(
    evaluate: Evaluate,
    program: Program,
    data: Any,
    as_of: dt.date,
    rules: Sequence[str] | None = None,
    *,
    money_unit: MoneyUnit = "fen",
    aligned: bool = False,
    workdays: WorkingDays | None = None,
) -> BatchResult:
    """
    Evaluate *rules* over a Dask DataFrame; the result's ``frame`` is a lazy Dask DataFrame.

    Group aggregates (household sums and counts) need every member of a group in the
    same partition. By default the roster is shuffled on the grouping column first
    (``DataFrame.shuffle``), so a household split across partitions still gives the
    answers a pandas evaluation gives. Rows come back grouped by household, each with
    its own index (and ``member_id`` when the input has one): join on either.

    With *aligned* the caller says each household already sits whole in one partition
    (as after ``set_index("household_id")`` or a ``shuffle`` of one's own): there is no
    shuffle, and the claim is checked. When the input's index is the grouping column
    with known divisions, Dask guarantees it and nothing is read; otherwise one pass
    over the grouping column runs as part of the result's graph, and computing the
    result raises an error naming a household found in two partitions.

    Args:
        evaluate: The eager evaluation (``unionkit.rules.batch.evaluate``).
        program: The compiled rules (``RuleSet.program``).
        data: The roster, a ``dask.dataframe.DataFrame``.
        as_of: The evaluation date.
        rules: The rules to compute (all if None).
        money_unit: What integer money columns hold: ``"fen"`` or ``"yuan"``.
        aligned: Whether the partitions already hold whole households.
        workdays: The working-day calendar the working-day functions read.

    Returns:
        A batch result whose ``frame`` is a Dask DataFrame with the same columns and
        dtypes as the pandas evaluation's.

    Raises:
        RuleEvaluationError: A needed column is absent, or the rules group by more
            than one column (at once); a household is split across partitions
            although *aligned* was given (when the result is computed).
        ParameterError: A parameter has no value on *as_of*.
    """
    wanted = list(program.rules) if rules is None else list(rules)
    _, groups = program.inputs(wanted)
    refuse_many_groups(sorted(groups))
    keep = keep_columns(program, wanted, list(data.columns))
    # A household key kept as the index (after set_index) is read from there.
    indexed = data.index.name if data.index.name in groups else None
    # A few made-up rows of the input's schema (Dask's non-empty meta): evaluating them
    # checks the columns now, not at compute(), and gives the result's schema. An empty
    # frame would not do: pandas infers a text column's dtype from its values.
    job = Job(evaluate, program, as_of, tuple(wanted), money_unit, indexed, workdays)
    probe = job.run(data._meta_nonempty[keep])
    source = data[keep]
    check: Any = None
    if groups:
        (key,) = groups
        if not aligned:
            source = source.shuffle(on=key)
        elif not (indexed == key and source.known_divisions):
            check = _split_check(source, key)
    result = source.map_partitions(
        _partition,
        job,
        check,
        meta=probe.frame.iloc[:0],
        align_dataframes=False,
    )
    return evolve(probe, frame=result)


def _partition(part: Any, job: Job, check: Any) -> Any:
    # *check* is the split check's verdict (None when there is none): being an argument,
    # it runs before any partition is evaluated, and its error stops the computation.
    del check
    return job(part)


def _split_check(source: Any, key: str) -> Any:
    """A delayed check that no value of *key* occurs in two partitions."""
    from dask.delayed import delayed

    column = source.index if source.index.name == key else source[key]
    parts = column.to_delayed()
    uniques = [delayed(_unique)(p) for p in parts]
    return delayed(_no_household_in_two)(uniques, key)


def _unique(column: Any) -> Any:
    return column.dropna().unique()


def _no_household_in_two(uniques: list[Any], key: str) -> bool:
    import numpy as np
    import pandas as pd

    sizes = [len(u) for u in uniques]
    if not sum(sizes):
        return True
    keys = pd.Series(np.concatenate([np.asarray(u, dtype=object) for u in uniques]))
    twice = keys.duplicated(keep=False)
    if not twice.any():
        return True
    value = keys[twice].iloc[0]
    owners = np.repeat(np.arange(len(uniques)), sizes)[(keys == value).to_numpy()]
    first, second = (int(p) for p in owners[:2])
    raise RuleEvaluationError(
        f"{key} {value!r} is split across partitions {first} and {second}, but aligned=True "
        "says every household sits whole in one partition: household sums would be wrong. "
        f"Drop aligned=True (the roster is then shuffled by {key}) or set_index({key!r}) "
        f"first / {key} 为 {value!r} 的成员分布在第 {first} 和第 {second} 个分区，"
        "家庭合计会出错：请去掉 aligned=True（将按该列重新分区）"
    )
