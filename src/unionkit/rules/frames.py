"""Lazy inputs of a batch evaluation (Dask DataFrames, polars LazyFrames): dispatch, helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from attrs import evolve, frozen

from unionkit.errors import RuleEvaluationError
from unionkit.rules.cells import MoneyUnit
from unionkit.rules.program import Program
from unionkit.rules.workdays import WorkingDays

if TYPE_CHECKING:
    from unionkit.rules.output import BatchResult

__all__ = [
    "Evaluate",
    "Job",
    "evaluate_polars_lazy",
    "is_dask",
    "is_polars_lazy",
    "keep_columns",
]


# The engine's eager evaluation (``unionkit.rules.batch.evaluate``), passed in so that this
# module and the Dask one never import the batch module that dispatches to them.
Evaluate = Callable[..., "BatchResult"]


def is_dask(data: Any) -> bool:
    """Whether *data* is a Dask DataFrame (checked by module name: Dask need not be installed)."""
    return type(data).__module__.startswith(("dask.", "dask_expr")) and hasattr(
        data, "map_partitions"
    )


def is_polars_lazy(data: Any) -> bool:
    """Whether *data* is a polars LazyFrame."""
    return type(data).__module__.startswith("polars") and type(data).__name__ == "LazyFrame"


def keep_columns(program: Program, rules: Sequence[str], columns: Sequence[str]) -> list[str]:
    """
    The input columns an evaluation of *rules* reads, in the input's order.

    ``member_id`` is kept when present, so that the result says whose each row is.
    Only these columns are read from a lazy source (a parquet scan, a shuffle).
    """
    fields, _ = program.inputs(rules)
    return [c for c in columns if c in fields or c == "member_id"]


def evaluate_polars_lazy(
    evaluate: Evaluate,
    program: Program,
    data: Any,
    as_of: dt.date,
    rules: Sequence[str] | None = None,
    *,
    money_unit: MoneyUnit = "fen",
    workdays: WorkingDays | None = None,
) -> BatchResult:
    """
    Evaluate a polars LazyFrame; the result's ``frame`` is a LazyFrame too.

    Only the columns the rules read are taken from *data* (a ``scan_parquet`` reads
    no other column). The rules run when the result is collected, over the whole
    roster at once, because a household's members may sit anywhere in it. The
    schema is checked at once on an empty frame, so a missing column fails here
    and not at ``collect()``.

    Args:
        evaluate: The eager evaluation (``unionkit.rules.batch.evaluate``).
        program: The compiled rules.
        data: A polars LazyFrame.
        as_of: The evaluation date.
        rules: The rules to compute (all if None).
        money_unit: What integer money columns hold: ``"fen"`` or ``"yuan"``.

    Returns:
        A batch result whose ``frame`` is a polars LazyFrame.

    Raises:
        RuleEvaluationError: A needed column is absent or cannot be read.
        ParameterError: A parameter has no value on *as_of*.
    """
    import polars as pl

    wanted = list(program.rules) if rules is None else list(rules)
    schema = data.collect_schema()
    keep = keep_columns(program, wanted, list(schema.names()))
    job = Job(evaluate, program, as_of, tuple(wanted), money_unit, workdays=workdays)
    probe = job.run(pl.DataFrame(schema={n: schema[n] for n in keep}))
    # An empty text column has no values to tell polars it is text: say so.
    schema = {n: pl.String if t == pl.Object else t for n, t in probe.frame.schema.items()}
    result = data.select(keep).map_batches(_Cast(job, schema), schema=schema, streamable=False)
    return evolve(probe, frame=result)


@frozen
class _Cast:
    """A job whose polars result is cast to *schema* (a column of nulls has no type of its own)."""

    job: Job
    schema: dict[str, Any]

    def __call__(self, part: Any) -> Any:
        return self.job(part).cast(self.schema)


@frozen
class Job:
    """
    One evaluation's settings, applied to each partition or batch of a lazy input.

    Picklable, so that Dask sends it to worker processes.

    Attributes:
        evaluate: The eager evaluation.
        program: The compiled rules.
        as_of: The evaluation date.
        rules: The rules to compute.
        money_unit: What integer money columns hold.
        index_column: A grouping column the input keeps as its index (after
            ``set_index``), copied into a column before evaluating.
        workdays: The working-day calendar the working-day functions read.
    """

    evaluate: Evaluate
    program: Program
    as_of: dt.date
    rules: tuple[str, ...]
    money_unit: MoneyUnit
    index_column: str | None = None
    workdays: WorkingDays | None = None

    def run(self, part: Any) -> BatchResult:
        """Evaluate the pandas or polars frame *part*."""
        if self.index_column is not None:
            part = part.assign(**{self.index_column: part.index.to_numpy()})
        return self.evaluate(
            self.program,
            part,
            self.as_of,
            list(self.rules),
            money_unit=self.money_unit,
            workdays=self.workdays,
        )

    def __call__(self, part: Any) -> Any:
        """The result frame of evaluating *part*."""
        return self.run(part).frame


def refuse_many_groups(groups: Sequence[str]) -> None:
    """
    Refuse rules that group by more than one column on a partitioned input.

    A partitioned evaluation keeps one grouping column's groups whole; two columns
    (households and departments, say) cannot both be whole in every partition.

    Raises:
        RuleEvaluationError: *groups* holds more than one column.
    """
    if len(groups) > 1:
        names = ", ".join(sorted(groups))
        raise RuleEvaluationError(
            f"the rules group by more than one column ({names}); a partitioned input can keep "
            "only one of them whole in each partition: evaluate these rules on one machine "
            f"(a pandas or polars frame) / 规则按多个列分组（{names}），分区数据只能保证其中一列"
            "的每组完整，请在单机上评估"
        )
