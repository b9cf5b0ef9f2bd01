"""Household-aligned chunks: evaluate a large roster a bounded part at a time, same answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from unionkit.errors import RuleEvaluationError
from unionkit.rules.columns import Columns, Groups
from unionkit.rules.events import EventInput
from unionkit.rules.interpret import open_run
from unionkit.rules.program import Program
from unionkit.rules.workdays import WorkingDays

__all__ = [
    "AUTO_ROWS",
    "CHUNK_ROWS",
    "chunk_rows_for",
    "evaluate_in_chunks",
    "group_codes",
    "household_chunks",
    "run_arrays",
]

Array = np.ndarray[Any, Any]
Rows = slice | Array
"""The rows of one chunk: a slice when the groups are contiguous, else sorted positions."""

CHUNK_ROWS = 1_000_000
"""The rows of a chunk when the size is chosen automatically.

A million rows keeps each intermediate array at 8 MB or less: small enough
for the allocator to reuse its memory from one step to the next instead of
asking the kernel for fresh pages (which at ten million rows costs more
than the arithmetic), large enough that the interpreter's fixed cost per
chunk (a few milliseconds) does not count.
"""

AUTO_ROWS = 2_000_000
"""Inputs with more rows than this are evaluated in chunks unless told otherwise."""

_BLOCK = 1 << 20
"""Rows per pass of the loops that prepare the chunks (their temporaries stay small)."""


def chunk_rows_for(n: int, chunk_rows: int | None) -> int | None:
    """
    The chunk size to evaluate *n* rows with, or None for one run over them all.

    Args:
        n: The rows of the input.
        chunk_rows: What the caller asked: None chooses (:data:`CHUNK_ROWS`
            above :data:`AUTO_ROWS` rows), 0 means one run, a positive number
            is the target size of a chunk.

    Raises:
        RuleEvaluationError: *chunk_rows* is negative or not an integer.
    """
    if chunk_rows is None:
        return CHUNK_ROWS if n > AUTO_ROWS else None
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int | np.integer):
        raise RuleEvaluationError(
            f"chunk_rows must be a whole number of rows, not {chunk_rows!r} / "
            "chunk_rows 必须是整数行数"
        )
    if chunk_rows < 0:
        raise RuleEvaluationError(
            f"chunk_rows must be 0 (no chunks) or more, not {chunk_rows} / chunk_rows 不能为负数"
        )
    if chunk_rows == 0 or chunk_rows >= n:
        return None
    return int(chunk_rows)


def group_codes(codes: Sequence[Array], n: int) -> Array:
    """
    One label per row such that rows sharing a group of any of *codes* share the label.

    With one grouping column the labels are its codes. With several (households
    and union groups), two rows are joined when one grouping puts them together,
    and so on: the labels name the connected components, so that a chunk made
    of whole components holds whole groups of every grouping column.
    """
    if not codes:
        return np.arange(n, dtype=np.int64)
    if len(codes) == 1:
        return codes[0]
    label = np.arange(n, dtype=np.int64)
    while True:
        before = label
        for c in codes:
            # every row takes the smallest label of its group; repeated until nothing moves
            low = np.full(int(c.max()) + 1 if n else 0, n, dtype=np.int64)
            np.minimum.at(low, c, label)
            label = low[c]
        if np.array_equal(label, before):
            return label


def _boundary_at_or_after(labels: Array, t: int) -> int:
    """The first row at or after *t* (at least 1) that starts a new group, or ``len(labels)``."""
    n = len(labels)
    width = 1024
    while t < n:
        seg = labels[t - 1 : min(n, t + width)]
        hit = np.flatnonzero(seg[1:] != seg[:-1])
        if len(hit):
            return t + int(hit[0])
        t += width
        width *= 2
    return n


def household_chunks(labels: Array, chunk_rows: int) -> list[Rows]:
    """
    Cut the rows into chunks of whole groups, of about *chunk_rows* rows each.

    Groups are laid end to end (in row order when each group's rows are
    contiguous, else in label order) and a group belongs to the chunk its first
    row falls in, counting *chunk_rows* rows a chunk: a group is never split, so a
    group larger than *chunk_rows* makes its chunk grow to hold it. When every
    group's rows are contiguous the chunks are slices of the input (views, no
    copy); otherwise each chunk is the ascending positions of its rows, to be
    gathered, and the results scattered back to them.

    The passes over the rows go a block at a time, so that no temporary as
    long as the input is made.

    Args:
        labels: Each row's group: integers, equal for the rows of a group (a
            grouping column's integer keys, or codes from :func:`group_codes`).
        chunk_rows: The target rows per chunk (at least 1).

    Returns:
        The rows of each chunk, covering every row exactly once, none empty.
    """
    n = len(labels)
    if n == 0:
        return []
    lo, hi = int(labels.min()), int(labels.max())
    if hi - lo > 4 * n + 1024:
        labels = Groups(labels, None).codes  # sparse keys: dense codes first
        lo, hi = 0, int(labels.max())
    span = hi - lo + 1
    size = np.zeros(span, dtype=np.int64)
    changes = 0
    for a in range(0, n, _BLOCK):
        block = labels[a : a + _BLOCK]
        size += np.bincount(block - lo, minlength=span)
        ext = labels[max(a - 1, 0) : a + _BLOCK]
        changes += int(np.count_nonzero(ext[1:] != ext[:-1]))
    if changes + 1 == np.count_nonzero(size):
        # every group is one run of rows: cut at the first group start at or past each target
        cuts = [0]
        while True:
            # the next multiple of chunk_rows past the last cut (a large group may skip some)
            cut = _boundary_at_or_after(labels, (cuts[-1] // chunk_rows + 1) * chunk_rows)
            if cut >= n:
                break
            cuts.append(cut)
        cuts.append(n)
        return [slice(a, b) for a, b in pairwise(cuts)]
    before = np.cumsum(size) - size
    target = before // chunk_rows
    # number the chunks 0, 1, 2... (a group larger than a chunk skips targets)
    group_chunk = np.cumsum(np.diff(target, prepend=target[0]) != 0)
    count = int(group_chunk[-1]) + 1
    small = np.uint8 if count <= 255 else np.uint16 if count <= 65535 else np.uint32
    table = group_chunk.astype(small)
    del size, before, target, group_chunk
    member_chunk = np.empty(n, dtype=small)
    for a in range(0, n, _BLOCK):
        member_chunk[a : a + _BLOCK] = table[labels[a : a + _BLOCK] - lo]
    # small unsigned keys: numpy's stable sort is a radix sort, one pass over the rows,
    # and it keeps each chunk's rows in input order
    order = np.argsort(member_chunk, kind="stable")
    if n < 2**31:
        order = order.astype(np.int32)  # half the memory, as good an index
    bounds = np.cumsum(np.bincount(member_chunk, minlength=count)).tolist()
    del member_chunk
    return [order[a:b] for a, b in pairwise([0, *bounds]) if b > a]


def run_arrays(
    program: Program,
    cols: Columns,
    as_of: dt.date,
    wanted: Sequence[str],
    *,
    release_inputs: bool = False,
    events: EventInput | None = None,
    workdays: WorkingDays | None = None,
) -> dict[str, tuple[Array, Array | None]]:
    """
    One untraced run of *wanted* over *cols*: per-member ``(values, missing)`` per rule.

    With *release_inputs* the run forgets each converted input column after its
    last read (for an input it owns; never for a prepared roster). *events* and
    *workdays* are what the event and working-day functions read.
    """
    run = open_run(program, cols, as_of, wanted, events=events, workdays=workdays)
    run.release_inputs = release_inputs
    run.run()
    out = {}
    for n in wanted:
        v = run.full(run.rule(n))
        out[n] = (v.values, v.missing)
    return out


def _labels(cols: Columns, groupings: Sequence[str]) -> Array:
    """Each row's label for :func:`household_chunks`: equal within every group of *groupings*."""
    if len(groupings) == 1:
        values, missing = cols.group_key(groupings[0])
        if missing is None and values.dtype.kind in "iu":
            return values  # integer keys as they are: no pass to make codes
    return group_codes([Groups(*cols.group_key(by)).codes for by in groupings], cols.n)


def _chunk_inputs(cols: Columns, names: Sequence[str], prepared: bool) -> Iterator[Any]:
    """Yield, per column, what a chunk is cut from: converted if *prepared*, else the raw column."""
    for name in names:
        if not cols.has(name):
            continue
        if prepared:
            yield name, cols.get(name)
        else:
            raw = cols.raw(name)
            # a list becomes the array the conversion would make of it (a masked array stays)
            yield name, raw if isinstance(raw, np.ndarray) else np.asarray(raw)


def _convert_or_blame(chunk: Columns, whole: Columns, names: Sequence[str]) -> None:
    """Convert *chunk*'s columns; a bad cell is reported with its row in *whole*, not the chunk."""
    for name in names:
        try:
            chunk.get(name)
        except RuleEvaluationError:
            whole.get(name)  # converting the whole column names the row in the input
            raise


def evaluate_in_chunks(
    program: Program,
    cols: Columns,
    as_of: dt.date,
    wanted: Sequence[str],
    chunk_rows: int,
    *,
    prepared: bool = False,
    events: EventInput | None = None,
    workdays: WorkingDays | None = None,
) -> dict[str, tuple[Array, Array | None]]:
    """
    Evaluate *wanted* over *cols* a chunk of whole households at a time; see :func:`run_arrays`.

    Every grouping column the rules use is kept whole within a chunk (see
    :func:`group_codes`), so each chunk's answers are those of one run over
    everyone. The per-chunk results are written into arrays for the whole
    input, in input order.

    Args:
        program: The compiled rule set.
        cols: The whole input.
        as_of: The evaluation date.
        wanted: The rules to return.
        chunk_rows: The target rows per chunk.
        prepared: Whether *cols* is a prepared roster (its converted columns are
            cut, and none is forgotten) rather than an input made for this call.
        events: The dated events; each chunk sees the events of its own members,
            checked once against the whole input.
        workdays: The working-day calendar.

    Raises:
        RuleEvaluationError: As :func:`run_arrays`; a bad cell is named by its row in *cols*.
    """
    # the door's checks (date, rules, columns) once, before any work
    open_run(program, cols, as_of, wanted, events=events, workdays=workdays)
    fields, groupings = program.inputs(wanted)
    if events is not None and cols.has("member_id"):
        fields = fields | {"member_id"}  # each chunk's events are bound by member
    chunks: list[Rows]
    if groupings:
        chunks = household_chunks(_labels(cols, sorted(groupings)), chunk_rows)
        if not prepared:
            for by in groupings:
                cols.release(by)  # each chunk reads its own rows of it
    else:
        chunks = [slice(a, min(a + chunk_rows, cols.n)) for a in range(0, cols.n, chunk_rows)]
    names = sorted(fields)
    sources = dict(_chunk_inputs(cols, names, prepared))
    out: dict[str, tuple[Array, Array | None]] = {}
    for rows in chunks:
        if prepared:
            chunk = cols.take(rows, list(sources))
        else:
            chunk = Columns(
                {name: raw[rows] for name, raw in sources.items()},
                cols.fields,
                money_unit=cols.money_unit,
            )
            _convert_or_blame(chunk, cols, list(sources))
        got = run_arrays(
            program,
            chunk,
            as_of,
            wanted,
            release_inputs=not prepared,
            events=None if events is None else events.for_chunk(cols, rows),
            workdays=workdays,
        )
        del chunk
        for name, part in got.items():
            out[name] = _scatter(out.get(name), cols.n, rows, part)
    return out


def _scatter(
    whole: tuple[Array, Array | None] | None,
    n: int,
    rows: Rows,
    part: tuple[Array, Array | None],
) -> tuple[Array, Array | None]:
    """One rule's arrays over all *n* rows (*whole*; None at first), a chunk's *part* at *rows*."""
    values, missing = part
    full, mask = (np.empty(n, dtype=values.dtype), None) if whole is None else whole
    if full.dtype != values.dtype:
        full = full.astype(np.result_type(full.dtype, values.dtype))
    full[rows] = values
    if missing is not None:
        if mask is None:
            mask = np.zeros(n, dtype=bool)
        mask[rows] = missing
    return full, mask
