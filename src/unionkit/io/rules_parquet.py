"""Evaluating a parquet roster larger than memory, batch by batch, into a parquet result."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import frozen

from unionkit._files import write_atomically
from unionkit.errors import RuleEvaluationError
from unionkit.rules.frames import keep_columns, refuse_many_groups
from unionkit.rules.partitions import evaluate_arrow

if TYPE_CHECKING:
    from unionkit.rules import RuleSet
    from unionkit.rules.cells import MoneyUnit

__all__ = ["ParquetRun", "evaluate_parquet"]


@frozen
class ParquetRun:
    """
    What :func:`evaluate_parquet` did.

    Attributes:
        rows: Members evaluated (rows written).
        batches: Evaluations run, one per batch of whole households.
        largest_batch: The most rows evaluated at once: the memory bound, at most
            ``batch_rows`` plus the largest household.
        target: The result file.
    """

    rows: int
    batches: int
    largest_batch: int
    target: Path


def evaluate_parquet(
    ruleset: RuleSet,
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    as_of: dt.date,
    rules: Sequence[str] | None = None,
    *,
    batch_rows: int = 200_000,
    money_unit: MoneyUnit = "fen",
) -> ParquetRun:
    """
    Evaluate a parquet roster sorted by household, a batch of whole households at a time.

    Only the columns the rules read are read, *batch_rows* rows at a time; the last
    household of a batch waits for the next one, so every household is evaluated
    whole. Memory stays about one batch however long the file is. The households
    must be in order (sorted by the grouping column, as ``ORDER BY household_id``
    or ``sort_values`` writes them): that is checked as the file is read, and a
    household found out of order stops the run, leaving no result file. For a
    roster in any order, read it with Dask and use ``RuleSet.evaluate``, which
    shuffles by household (see ``docs/dask.md``).

    The result holds the rules' columns (``member_id`` first when the source has
    it), one row per member, in the source's order. It is written beside *target*
    and renamed into place, with mode ``0600``: results by member are personal.

    Args:
        ruleset: The rules.
        source: The roster, a parquet file.
        target: The result file to write.
        as_of: The evaluation date.
        rules: The rules to compute (all if None).
        batch_rows: How many rows to read at a time.
        money_unit: What integer money columns hold: ``"fen"`` or ``"yuan"``.

    Returns:
        Counts of rows and batches, and the largest batch evaluated.

    Raises:
        RuleEvaluationError: A needed column is absent, the rules group by more than
            one column, or a household is out of order (named with the row).
        ParameterError: A parameter has no value on *as_of*.
    """
    import pyarrow.parquet as pq

    if batch_rows < 1:
        raise ValueError(f"batch_rows must be at least 1, not {batch_rows}")
    program = ruleset.program
    wanted = list(program.rules) if rules is None else list(rules)
    _, groups = program.inputs(wanted)
    refuse_many_groups(sorted(groups))
    key = next(iter(groups), None)
    file = pq.ParquetFile(source)
    keep = keep_columns(program, wanted, file.schema_arrow.names)
    counts = {"rows": 0, "batches": 0, "largest": 0}

    def write(path: Path) -> None:
        writer: Any = None
        try:
            for table in _households(file, keep, key, batch_rows):
                out = evaluate_arrow(program, table, as_of, wanted, money_unit=money_unit)
                if writer is None:
                    writer = pq.ParquetWriter(path, out.schema)
                writer.write_table(out)
                counts["rows"] += table.num_rows
                counts["batches"] += 1
                counts["largest"] = max(counts["largest"], table.num_rows)
            if writer is None:  # an empty roster still gives a result file with its columns
                empty = file.schema_arrow.empty_table().select(keep)
                out = evaluate_arrow(program, empty, as_of, wanted, money_unit=money_unit)
                pq.write_table(out, path)
        finally:
            if writer is not None:
                writer.close()

    written = write_atomically(target, write, personal=True)
    return ParquetRun(counts["rows"], counts["batches"], counts["largest"], written)


def _households(file: Any, columns: list[str], key: str | None, batch_rows: int) -> Any:
    """
    Tables of whole households from *file*, each about *batch_rows* rows.

    Raises:
        RuleEvaluationError: The households are not in order.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    held: Any = None  # the rows of the last household seen, which may go on in the next batch
    last: Any = None  # the last household key of the rows already yielded or held
    row = 0  # the file's row number of the first row of the current batch
    for batch in file.iter_batches(batch_size=batch_rows, columns=columns):
        table = pa.Table.from_batches([batch])
        if key is None:
            yield table
            continue
        keys = table.column(key)
        _check_order(keys, last, key, row)
        row += table.num_rows
        if held is not None:
            table = pa.concat_tables([held, table])
            keys = table.column(key)
        present = keys.drop_null()
        if not len(present):
            held = None
            yield table
            continue
        last = present[-1]
        tail = pc.equal(keys, last).fill_null(False)
        held = table.filter(tail)
        rest = table.filter(pc.invert(tail))
        if rest.num_rows:
            yield rest
    if held is not None and held.num_rows:
        yield held


def _check_order(keys: Any, last: Any, key: str, first_row: int) -> None:
    """Raise unless *keys* (nulls aside) never go down, from *last* on."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    valid = pc.invert(pc.is_null(keys)).to_numpy(zero_copy_only=False)
    positions = np.flatnonzero(valid)
    present = keys.filter(pa.array(valid))
    if last is not None:
        present = pa.concat_arrays([pa.array([last.as_py()], type=present.type), *present.chunks])
        positions = np.concatenate(([-1], positions))
    else:
        present = present.combine_chunks()
    if len(present) < 2:
        return
    down = pc.less(present[1:], present[:-1]).to_numpy(zero_copy_only=False)
    if not down.any():
        return
    at = int(np.argmax(down)) + 1
    value = present[at].as_py()
    raise RuleEvaluationError(
        f"row {first_row + int(positions[at]) + 1}: {key} {value!r} comes after "
        f"{present[at - 1].as_py()!r}; evaluate_parquet needs the roster sorted by {key}, "
        f"so that each household is read whole: sort the file, or evaluate it with Dask "
        f"(RuleSet.evaluate shuffles by {key}) / 第 {first_row + int(positions[at]) + 1} 行："
        f"{key} 未排序，请先按该列排序，或改用 Dask 评估"
    )
