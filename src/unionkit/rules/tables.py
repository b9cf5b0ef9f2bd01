"""Decision tables: rows of condition cells and an output, a hit policy, and their build checks."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any, ClassVar

import attrs
import numpy as np
from attrs import frozen

from unionkit.errors import RuleDefinitionError
from unionkit.money import FEN
from unionkit.rules.expr import Expr, ExprLike, Lit, Param, lit, to_text, wrap
from unionkit.rules.functions import Context, TypeContext
from unionkit.rules.schema import ValueType
from unionkit.rules.values import NUMERIC, Val, common_type, constant, to_type

__all__ = [
    "HIT_POLICIES",
    "Cell",
    "DecisionTable",
    "Row",
    "TableCheckError",
    "TableHits",
    "any_cell",
    "cell",
    "check_dated_tables",
    "decision_table",
    "evaluate_table",
    "iter_tables",
    "matched_rows",
    "row_name",
    "table_problems",
    "table_reason",
    "table_type",
]

V = ValueType
Array = np.ndarray[Any, Any]

HIT_POLICIES = (
    "unique",
    "first",
    "priority",
    "collect_sum",
    "collect_count",
    "collect_min",
    "collect_max",
)
"""The hit policies: which matching row (or rows) give the table's value."""

_ORDERED = NUMERIC | {V.date}


@frozen(cache_hash=True)
class Cell:
    """
    One condition cell: what one input must be for the row to match.

    *kind* is ``any`` (``-``: whatever the input is, even unknown), ``in``
    (equal to one of *values*) or ``range`` (between *low* and *high*, each
    end open or closed; a missing end is unbounded). A range's end may be a
    dated parameter (:class:`~unionkit.rules.expr.Param`): the threshold then
    follows its effective dates, and the build checks run at each of them.

    .. versionadded:: Unreleased
    """

    kind: str
    values: tuple[Lit, ...] = ()
    low: Lit | Param | None = None
    low_closed: bool = True
    high: Lit | Param | None = None
    high_closed: bool = True

    def text(self) -> str:
        """The cell as written in a rule file (``-``, ``3``, ``[a, b]``, ``[10, 30)``)."""
        if self.kind == "any":
            return "-"
        if self.kind == "in":
            shown = [to_text(v) for v in self.values]
            return shown[0] if len(shown) == 1 else f"[{', '.join(shown)}]"
        if self.low is None and self.high is not None:
            return f"{'<=' if self.high_closed else '<'} {to_text(self.high)}"
        if self.high is None and self.low is not None:
            return f"{'>=' if self.low_closed else '>'} {to_text(self.low)}"
        assert self.low is not None and self.high is not None
        left = "[" if self.low_closed else "("
        right = "]" if self.high_closed else ")"
        return f"{left}{to_text(self.low)}, {to_text(self.high)}{right}"

    def lits(self) -> tuple[Lit, ...]:
        """Every constant the cell compares with."""
        return (*self.values, *(b for b in (self.low, self.high) if isinstance(b, Lit)))

    def params(self) -> tuple[Param, ...]:
        """Every dated parameter the cell compares with."""
        return tuple(b for b in (self.low, self.high) if isinstance(b, Param))


@frozen(cache_hash=True)
class Row:
    """
    One row of a decision table: a cell per input, and the row's name in Chinese and English.

    .. versionadded:: Unreleased
    """

    cells: tuple[Cell, ...]
    label_zh: str = ""
    label_en: str = ""


@frozen(cache_hash=True, order=False)
class DecisionTable(Expr):
    """
    A decision table: the value of the row (or rows) whose cells all match the inputs.

    *outputs* has one expression per row (it may read parameters, so the
    amounts follow their effective dates); *bounds* lists the parameters the
    cells compare with (so that explanations and dependency walks see them);
    *default* is the value where no row
    matches (without one, the build checks refuse a table that leaves a gap).
    Under ``priority`` the rows' outputs are constants and *priority* lists
    them from the most to the least important. An input that is unknown makes
    a cell on it unknown (``-`` excepted): the table's value is unknown unless
    the rows that decide do not depend on it.

    .. versionadded:: Unreleased
    """

    hit: str
    inputs: tuple[Expr, ...]
    rows: tuple[Row, ...]
    outputs: tuple[Expr, ...]
    default: Expr | None = None
    priority: tuple[Lit, ...] = ()
    bounds: tuple[Param, ...] = ()
    _kids: ClassVar[tuple[str, ...]] = ("inputs", "outputs", "default", "bounds")

    def rule_text(self) -> str:
        """A one-line summary for messages (a table is written in a rule file, not in rule text)."""
        inputs = ", ".join(to_text(x) for x in self.inputs)
        return f"table[{self.hit}]({inputs}; {len(self.rows)} rows)"


@frozen(cache_hash=True, order=False)
class TableHits(Expr):
    """
    Where a traced run records, for *table*, each member's row statuses and chosen row.

    Not a node of any rule: a key of the tracer's values, read by explanations
    and the rule-test coverage.
    """

    table: DecisionTable


class TableCheckError(RuleDefinitionError):
    """
    A decision table or its rows fail a build check (overlap, gap, unreachable row).

    Attributes:
        rows: The 1-based numbers of the rows at fault (empty for a gap).

    .. versionadded:: Unreleased
    """

    def __init__(
        self,
        message: str,
        *,
        rule: str | None = None,
        parameters: Sequence[str] = (),
        rows: Sequence[int] = (),
    ) -> None:
        super().__init__(message, rule=rule, parameters=parameters)
        self.rows = tuple(rows)


# --- building ---------------------------------------------------------------------------------

any_cell = Cell("any")
"""The cell ``-``: the row matches whatever the input is."""

_COMPARISON = re.compile(r"^\s*(<=|>=|<|>|=)\s*(.+?)\s*$")
_RANGE = re.compile(r"^\s*([\[(])\s*(.*?)\s*,\s*(.*?)\s*([\])])\s*$")
_OPEN = ("", "..", "…")


_PARAM = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*)$")


def _bound(text: str) -> Lit | Param:
    """A range end written in a cell: an integer, a decimal (money), a date or ``$parameter``."""
    m = _PARAM.match(text)
    if m:
        return Param(m.group(1))
    try:
        return lit(int(text))
    except ValueError:
        pass
    try:
        return lit(dt.date.fromisoformat(text))
    except ValueError:
        pass
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise RuleDefinitionError(
            f"{text!r} is not a number or a date (YYYY-MM-DD) / {text!r} 不是数字或日期"
        )
    return lit(value)


def cell(written: object) -> Cell:
    """
    The condition cell written as *written*.

    ``"-"`` matches anything; a value (``true``, ``3``, ``"active"``, a date)
    matches that value; a list matches any of its values; ``"< 800"``,
    ``"<= 800"``, ``"> 800"``, ``">= 800"`` compare; ``"[10, 30)"`` is a range
    with a closed (``[ ]``) or open (``( )``) end, ``..`` for no end
    (``"[10, ..)"``); an end may be a dated parameter
    (``"< $hardship.minimum_living_standard"``). A :class:`Cell` is returned as it is.

    Raises:
        RuleDefinitionError: A malformed range or an empty list.

    .. versionadded:: Unreleased
    """
    if isinstance(written, Cell):
        return written
    if isinstance(written, list | tuple):
        if not written:
            raise RuleDefinitionError("an empty list matches nothing / 空列表不匹配任何值")
        return Cell("in", tuple(_value(v) for v in written))
    if isinstance(written, str):
        text = written.strip()
        if text == "-":
            return any_cell
        m = _COMPARISON.match(text)
        if m:
            op, bound = m.group(1), _bound(m.group(2))
            if op == "=":
                if isinstance(bound, Param):
                    return Cell("range", (), bound, True, bound, True)
                return Cell("in", (bound,))
            if op.startswith("<"):
                return Cell("range", high=bound, high_closed=op == "<=")
            return Cell("range", low=bound, low_closed=op == ">=")
        m = _RANGE.match(text)
        if m:
            left, lo, hi, right = m.groups()
            if lo in _OPEN and hi in _OPEN:
                raise RuleDefinitionError(
                    f"range {text!r} has no end; write - for any value / 区间没有端点，任意值请写 -"
                )
            low = None if lo in _OPEN else _bound(lo)
            high = None if hi in _OPEN else _bound(hi)
            # an open end's bracket means nothing: "[10, ..)" is the same cell as ">= 10"
            return Cell(
                "range", (), low, low is None or left == "[", high, high is None or right == "]"
            )
    return Cell("in", (_value(written),))


def _value(v: object) -> Lit:
    if isinstance(v, Lit):
        return v
    if isinstance(v, bool | int | float | Decimal | dt.date | str):
        return lit(v)
    raise RuleDefinitionError(f"cannot use {v!r} in a table cell / 表格单元格中不能使用 {v!r}")


def decision_table(
    hit: str,
    inputs: Sequence[ExprLike],
    rows: Sequence[tuple[Sequence[object], ExprLike] | tuple[Sequence[object], ExprLike, str, str]],
    *,
    default: ExprLike | None = None,
    priority: Sequence[object] = (),
) -> DecisionTable:
    """
    Build a decision table from Python.

    Args:
        hit: The hit policy, one of :data:`HIT_POLICIES`.
        inputs: The inputs: expressions, or field and rule names read with ``name``.
        rows: ``(cells, output)`` or ``(cells, output, label_zh, label_en)`` per row; each
            cell as :func:`cell` reads it. Under ``collect_count`` the output is ignored
            (write 1).
        default: The value where no row matches (None: no default).
        priority: Under ``priority``, the output values, most important first.

    Returns:
        The table node (checked for overlaps, gaps and unreachable rows when its rule set is
        built, once the inputs' types are known).

    Raises:
        RuleDefinitionError: An unknown hit policy, a row with the wrong number of cells,
            or a malformed cell.

    .. versionadded:: Unreleased
    """
    from unionkit.rules.expr import name

    if hit not in HIT_POLICIES:
        raise RuleDefinitionError(
            f"unknown hit policy {hit!r}; known: {', '.join(HIT_POLICIES)} / 未知命中策略 {hit!r}"
        )
    ins = tuple(name(x) if isinstance(x, str) else wrap(x) for x in inputs)
    if not ins:
        raise RuleDefinitionError(
            "a decision table needs at least one input / 决策表至少需要一个输入"
        )
    if not rows:
        raise RuleDefinitionError("a decision table needs at least one row / 决策表至少需要一行")
    built: list[Row] = []
    outs: list[Expr] = []
    for k, spec in enumerate(rows, start=1):
        cells, out = spec[0], spec[1]
        zh, en = (str(spec[2]), str(spec[3])) if len(spec) == 4 else ("", "")
        if len(cells) != len(ins):
            raise RuleDefinitionError(
                f"row {k} has {len(cells)} cells for {len(ins)} inputs / "
                f"第{k}行有{len(cells)}个条件，而输入有{len(ins)}个"
            )
        try:
            built.append(Row(tuple(cell(c) for c in cells), zh, en))
        except RuleDefinitionError as exc:
            raise RuleDefinitionError(f"row {k}: {exc} / 第{k}行", rule=exc.rule) from exc
        outs.append(wrap(out))
    bounds = sorted({p for row in built for c in row.cells for p in c.params()}, key=str)
    return DecisionTable(
        hit,
        ins,
        tuple(built),
        tuple(outs),
        None if default is None else wrap(default),
        tuple(_value(p) for p in priority),
        tuple(bounds),
    )


def row_name(table: DecisionTable, k: int, lang: str = "en") -> str:
    """Row *k* (0-based) named for people: ``row 2 (deep hardship)`` / ``第2行（深度困难）``."""
    row = table.rows[k]
    label = row.label_zh if lang == "zh" else row.label_en
    if lang == "zh":
        return f"第{k + 1}行" + (f"（{label}）" if label else "")
    return f"row {k + 1}" + (f" ({label})" if label else "")


# --- types and build checks -------------------------------------------------------------------


def _input_target(
    t: ValueType, cells: Sequence[Cell], type_of: Callable[[Expr], ValueType]
) -> ValueType | None:
    """The type an input and the constants and parameters of its *cells* are compared in."""
    bounds = [
        *(v.vtype for c in cells for v in c.lits()),
        *(type_of(p) for c in cells for p in c.params()),
    ]
    return common_type([t, *bounds])


def table_type(tc: TypeContext, e: DecisionTable) -> ValueType:
    """
    The type of the table's value, after checking its cells, outputs and rows.

    Raises:
        RuleDefinitionError: A cell that cannot be compared with its input, outputs of
            incompatible types, a bad priority list.
        TableCheckError: Overlapping rows under ``unique``, a gap (an input combination
            no row covers, without a default), or a row no input can reach.
    """
    types = [tc.infer(x) for x in e.inputs]
    for k, row in enumerate(e.rows):
        for j, c in enumerate(row.cells):
            if c.kind == "any":
                continue
            where = f"{row_name(e, k)}, input {to_text(e.inputs[j])}"
            where_zh = f"{row_name(e, k, 'zh')}，输入 {to_text(e.inputs[j])}"
            if _input_target(types[j], [c], tc.infer) is None:
                raise tc.fail(
                    e,
                    f"{where}: {c.text()} cannot be compared with {types[j].value}",
                    f"{where_zh}：{c.text()} 不能与{types[j].label_zh}比较",
                )
            if c.kind == "range" and types[j] not in _ORDERED:
                raise tc.fail(
                    e,
                    f"{where}: a range needs numbers or dates, not {types[j].value}",
                    f"{where_zh}：区间只适用于数值或日期",
                )
    outputs = [*e.outputs, *([e.default] if e.default is not None else [])]
    if e.hit == "collect_count":
        for o in outputs:
            tc.infer(o)  # unused by a count, but typed: an explanation shows them
        out = V.int
    else:
        out = tc.common(e, outputs, "the outputs of a decision table")
        if e.hit == "collect_sum" and out not in NUMERIC:
            raise tc.fail(e, "collect_sum needs numbers", "collect_sum 需要数值输出")
        if e.hit in ("collect_min", "collect_max") and out not in _ORDERED:
            raise tc.fail(e, f"{e.hit} needs numbers or dates", f"{e.hit} 需要数值或日期输出")
    if e.hit == "priority":
        if not e.priority:
            raise tc.fail(
                e, "priority needs the priority order of the outputs", "priority 需要输出的优先顺序"
            )
        for k, o in enumerate(e.outputs):
            if not (isinstance(o, Lit) and o in e.priority):
                raise tc.fail(
                    e,
                    f"{row_name(e, k)}: under priority each output must be one of the "
                    "listed values",
                    f"{row_name(e, k, 'zh')}：priority 策略下每行输出必须是所列值之一",
                )
    # a table whose cells read parameters is checked at each of their effective dates, once
    # the values are known (check_dated_tables); the others here
    dated = any(c.params() for row in e.rows for c in row.cells)
    problems = [] if dated else table_problems(e, types)
    if problems:
        en, zh, rows = problems[0]
        err = tc.fail(e, en, zh)
        raise TableCheckError(str(err), rule=err.rule, parameters=err.parameters, rows=rows)
    return out


# Each input's values fall into finitely many classes that every cell treats alike; a class is
# shown by one representative value (or by "any other value" for an unlisted text).
_OTHER = object()
_ANY = object()


def _py(v: Lit, t: ValueType) -> Any:
    """A cell constant as a Python value comparable with the input's type *t*."""
    if t is V.number:
        return float(v.value)
    if t is V.money:
        return Decimal(v.value)
    return v.value


_STEP: dict[ValueType, Any] = {V.int: 1, V.money: Decimal("0.01"), V.date: dt.timedelta(days=1)}


def _snap(p: Any, t: ValueType) -> tuple[Any, ...]:
    """The values of the discrete type *t* nearest *p* from below and above."""
    if t is V.int:
        return (math.floor(p), math.ceil(p))
    if t is V.money:
        d = Decimal(p)
        return (d.quantize(FEN, ROUND_FLOOR), d.quantize(FEN, ROUND_CEILING))
    return (p,)


def _classes(t: ValueType, cells: Sequence[Cell]) -> list[Any]:
    """Representatives of the classes of input values the *cells* tell apart."""
    if all(c.kind == "any" for c in cells):
        return [_ANY]
    if t is V.bool:
        return [False, True]
    points = sorted({_py(v, t) for c in cells for v in c.lits()})
    if t not in _ORDERED:
        return [*points, _OTHER]
    step = _STEP.get(t)
    if step is None:
        # real numbers: each bound, a value between each two, and one beyond either end
        mids = [(a + b) / 2 for a, b in itertools.pairwise(points)]
        return sorted({points[0] - 1.0, *points, *mids, points[-1] + 1.0})
    # a discrete domain (whole numbers, fen, days): the grid values at and next to each bound
    # meet every class, and no value the input cannot take is ever shown
    grid = {g for p in points for g in _snap(p, t)}
    return sorted({x for g in grid for x in (g - step, g, g + step)})


def _holds(c: Cell, x: Any, t: ValueType) -> bool:
    if c.kind == "any":
        return True
    if x is _OTHER or x is _ANY:
        return False
    if c.kind == "in":
        return any(x == _py(v, t) for v in c.values)
    # the checks see constants only: a parameter is replaced by its value first (_with_values)
    assert not isinstance(c.low, Param) and not isinstance(c.high, Param)
    if c.low is not None:
        lo = _py(c.low, t)
        if x < lo or (x == lo and not c.low_closed):
            return False
    if c.high is not None:
        hi = _py(c.high, t)
        if x > hi or (x == hi and not c.high_closed):
            return False
    return True


def _example(e: DecisionTable, values: Sequence[Any], types: Sequence[ValueType]) -> str:
    parts = []
    for x, v, t in zip(e.inputs, values, types, strict=False):
        if v is _OTHER:
            shown = "any other value"
        elif v is _ANY:
            shown = "any value"
        elif isinstance(v, bool):
            shown = "true" if v else "false"
        elif isinstance(v, dt.date):
            shown = v.isoformat()
        elif t is V.money:
            shown = format(v, "f")
        else:
            shown = str(v)
        parts.append(f"{to_text(x)} = {shown}")
    return ", ".join(parts)


def _order(e: DecisionTable) -> list[int]:
    """The rows in the order they are tried: as written, or by priority of their outputs."""
    if e.hit != "priority":
        return list(range(len(e.rows)))
    rank = {v: i for i, v in enumerate(e.priority)}
    return sorted(range(len(e.rows)), key=lambda k: rank.get(e.outputs[k], len(rank)))  # type: ignore[call-overload]


def table_problems(
    e: DecisionTable, types: Sequence[ValueType], limit: int = 200_000
) -> list[tuple[str, str, tuple[int, ...]]]:
    """
    What the build checks find wrong with *e*, given its inputs' *types*.

    Every input's values are split into the classes its cells tell apart, and
    the combinations of classes are searched (pruned as soon as no row can
    match) for: two rows that both match under ``unique``; a combination no
    row matches, unless there is a default or the policy collects (a sum or
    count of no rows is 0); and a row that is never the first match under
    ``first`` or ``priority``.

    Args:
        e: The table.
        types: The types of its inputs.
        limit: The most combinations searched (a larger table is checked only that far).

    Returns:
        ``(message_en, message_zh, rows)`` per problem, rows 1-based.
    """
    classes = [_classes(t, [r.cells[j] for r in e.rows]) for j, t in enumerate(types)]
    order = _order(e)
    check_gaps = e.default is None and e.hit not in ("collect_sum", "collect_count")
    overlap: tuple[tuple[int, int], list[Any]] | None = None
    gap: list[Any] | None = None
    reached: set[int] = set()
    matched: set[int] = set()
    visited = 0

    def search(j: int, alive: list[int], chosen: list[Any]) -> None:
        nonlocal overlap, gap, visited
        visited += 1
        if visited > limit:
            return
        if not alive:
            if gap is None and check_gaps:
                gap = chosen + [_ANY] * (len(classes) - j)
            return
        if j == len(classes):
            reached.add(alive[0])
            matched.update(alive)
            if e.hit == "unique" and len(alive) > 1 and overlap is None:
                overlap = ((alive[0], alive[1]), list(chosen))
            return
        for x in classes[j]:
            search(
                j + 1, [k for k in alive if _holds(e.rows[k].cells[j], x, types[j])], [*chosen, x]
            )

    search(0, order, [])
    out: list[tuple[str, str, tuple[int, ...]]] = []
    if overlap is not None:
        (a, b), values = overlap
        a, b = sorted((a, b))
        ex = _example(e, values, types)
        out.append(
            (
                f"{row_name(e, a)} and {row_name(e, b)} overlap under the unique hit policy, "
                f"e.g. for {ex}",
                f"{row_name(e, a, 'zh')}与{row_name(e, b, 'zh')}重叠（unique 策略），例如 {ex}",
                (a + 1, b + 1),
            )
        )
    if gap is not None:
        ex = _example(e, gap, types)
        out.append(
            (
                f"no row covers {ex} (add a row or a default)",
                f"没有任何一行覆盖 {ex}（请补一行或设默认值）",
                (),
            )
        )
    if visited <= limit:
        for k in order:
            if k not in matched:
                out.append(
                    (
                        f"{row_name(e, k)} can never apply: no input matches all its cells",
                        f"{row_name(e, k, 'zh')}永远不会生效：没有任何输入能满足其全部条件",
                        (k + 1,),
                    )
                )
            elif k not in reached and e.hit in ("first", "priority"):
                out.append(
                    (
                        f"{row_name(e, k)} can never apply: earlier rows cover all its cases",
                        f"{row_name(e, k, 'zh')}永远不会生效：前面的行已覆盖其全部情形",
                        (k + 1,),
                    )
                )
    return out


# --- evaluation -------------------------------------------------------------------------------

_NO, _YES, _UNKNOWN = 0, 1, 2


def _cell_mask(c: Cell, x: Array, run: Context, target: ValueType) -> Array:
    """Where the input *x* satisfies the cell *c* (a fresh array: the caller may change it)."""

    def conv(v: Lit | Param) -> Any:
        if isinstance(v, Param):
            return run.typed(v, target).values
        return to_type(constant(v.value, v.vtype), v.vtype, target)

    out: Array | None = None
    if c.kind == "in":
        for v in c.values:
            hit = np.asarray(x == conv(v), dtype=bool)
            out = hit if out is None else (out | hit)
    else:
        if c.low is not None:
            lo = conv(c.low)
            out = (x >= lo) if c.low_closed else (x > lo)
        if c.high is not None:
            hi = conv(c.high)
            hit = (x <= hi) if c.high_closed else (x < hi)
            out = hit if out is None else (out & hit)
    assert out is not None
    return out


def _statuses(run: Context, e: DecisionTable) -> tuple[list[Array], list[Array]]:
    """
    For each row, where it surely does not match and where it is undecided (members).

    A row matches where it is neither. Kept as one boolean array per row rather than a
    matrix: each cell is then a few contiguous whole-array operations.
    """
    n = run.n
    no = [np.zeros(n, dtype=bool) for _ in e.rows]
    undecided = [np.zeros(n, dtype=bool) for _ in e.rows]
    for j, x in enumerate(e.inputs):
        cells = [r.cells[j] for r in e.rows]
        if all(c.kind == "any" for c in cells):
            run.eval(x)  # read all the same: an explanation shows every input
            continue
        target = _input_target(run.type_of(x), cells, run.type_of)
        assert target is not None
        v = run.full(run.typed(x, target))
        values = np.asarray(v.values)
        known = None if v.missing is None else ~v.missing
        # rows often repeat a cell (true, true, ...): each distinct cell is computed once
        misses: dict[Cell, Array] = {}
        for k, c in enumerate(cells):
            if c.kind == "any":
                continue
            miss = misses.get(c)
            if miss is None:
                miss = _cell_mask(c, values, run, target)
                np.logical_not(miss, out=miss)
                if known is not None:
                    # a known miss decides the row whatever its other cells; unknown otherwise
                    miss &= known
                misses[c] = miss
            if v.missing is not None:
                undecided[k] |= v.missing
            no[k] |= miss
    for k in range(len(e.rows)):
        undecided[k] &= ~no[k]
    return no, undecided


def _output(run: Context, o: Expr, target: ValueType) -> Val:
    """An output's value: per member, or a scalar shared by all (no array of copies)."""
    v = run.typed(o, target)
    return run.full(v) if v.by is not None else v


def evaluate_table(run: Context, e: DecisionTable) -> Val:
    """
    The value of the table *e* for every member of the run (the one implementation).

    Batch evaluation and explanations both call it; a traced run also records
    each member's row statuses and chosen row (:class:`TableHits`).
    """
    n = run.n
    no, undecided = _statuses(run, e)
    yes = [~(a | b) for a, b in zip(no, undecided, strict=True)]
    target = run.type_of(e)
    chosen = np.full(n, -1, dtype=np.int64)
    if e.hit.startswith("collect_"):
        unknown = np.zeros(n, dtype=bool)
        for u in undecided:
            unknown |= u
        none = np.ones(n, dtype=bool)
        for y in yes:
            none &= ~y
        if e.hit == "collect_count":
            values: Any = np.zeros(n, dtype=np.int64)
            for y in yes:
                values += y
            for out in e.outputs:
                run.eval(out)  # unused by a count, but an explanation shows every output
            none = np.zeros(n, dtype=bool)
        else:
            outs = [run.full(_output(run, o, target)) for o in e.outputs]
            for y, o in zip(yes, outs, strict=True):
                if o.missing is not None:
                    unknown |= y & o.missing
            if e.hit == "collect_sum":
                values = np.zeros(n, dtype=np.asarray(outs[0].values).dtype)
                for y, o in zip(yes, outs, strict=True):
                    values = values + np.where(y, o.values, 0)
                none = np.zeros(n, dtype=bool)
            else:
                pick = np.minimum if e.hit == "collect_min" else np.maximum
                is_date = target is V.date
                work = [np.asarray(o.values).view(np.int64) if is_date else o.values for o in outs]
                fill: Any
                if np.asarray(work[0]).dtype.kind == "f":
                    fill = np.inf if e.hit == "collect_min" else -np.inf
                else:
                    info = np.iinfo(np.int64)
                    fill = info.max if e.hit == "collect_min" else info.min
                values = np.full(n, fill)
                for y, w in zip(yes, work, strict=True):
                    values = pick(values, np.where(y, w, fill))
                values = np.where(none, 0, values)
                if is_date:
                    values = values.astype(np.int64).view("datetime64[D]")
        missing = unknown
    else:
        order = list(range(len(e.rows))) if e.hit == "unique" else _order(e)
        outs = [_output(run, o, target) for o in e.outputs]
        # text stays in object arrays, as everywhere in the engine (a scalar would make it <U)
        dtype = object if target is V.text else np.asarray(outs[0].values).dtype
        values = np.zeros(n, dtype=dtype)
        missing = np.zeros(n, dtype=bool)
        looking = np.ones(n, dtype=bool)
        unknown = np.zeros(n, dtype=bool)
        for k in order:
            take = looking & yes[k]
            val = outs[k]
            values = np.where(take, val.values, values)
            chosen = np.where(take, k, chosen)
            if val.missing is not None:
                missing |= take & val.missing
            if e.hit == "unique":
                # no two rows can both match (checked), so a match decides despite the others
                looking &= ~yes[k]
                unknown |= undecided[k]
            else:
                # an undecided row before the first match might have matched: unknown
                unknown |= looking & undecided[k]
                looking &= no[k]
        if e.hit == "unique":
            unknown &= looking
        none = looking & ~unknown
        chosen = np.where(unknown, -1, chosen)
        missing |= unknown
    if e.default is not None:
        d = _output(run, e.default, target)
        values = np.where(none, d.values, values)
        if d.missing is not None:
            missing = missing | (none & d.missing)
    else:
        missing = missing | none
    if run.tracer is not None:
        # kept beside the node values: which rows each member matched, for explain and coverage
        status = np.full((n, len(e.rows)), _NO, dtype=np.int8)
        for k in range(len(e.rows)):
            status[yes[k], k] = _YES
            status[undecided[k], k] = _UNKNOWN
        run.tracer.values[TableHits(e)] = Val((status, chosen))
    return Val(values, missing if missing.any() else None)


def matched_rows(tracer: Any, e: DecisionTable, row: int) -> tuple[list[int], list[int], int]:
    """
    For the member at *row* of a traced run: the rows that matched, those left unknown, and the
    row chosen (-1 for none; collect policies choose none, they take every matched row).
    """
    recorded = tracer.values.get(TableHits(e))
    if recorded is None:
        return [], [], -1
    status, chosen = recorded.values
    s = status[row]
    return (
        [int(k) for k in np.flatnonzero(s == _YES)],
        [int(k) for k in np.flatnonzero(s == _UNKNOWN)],
        int(chosen[row]),
    )


def iter_tables(e: Expr) -> Iterator[DecisionTable]:
    """Every decision table in the expression *e*."""
    from unionkit.rules.expr import walk

    for node in walk(e):
        if isinstance(node, DecisionTable):
            yield node


def table_reason(tracer: Any, e: DecisionTable, row: int) -> tuple[str, str]:
    """
    Which row (or rows, when collecting) decided the table for the member at *row*, zh and en.

    A row is named by its number and label; rows left undecided by an unknown
    input are named too, since they are why the value is unknown.
    """
    yes, unknown, chosen = matched_rows(tracer, e, row)
    # a collect policy takes every matching row; the others choose one, or none
    picked = yes if e.hit.startswith("collect_") else [chosen] if chosen >= 0 else []
    zh_parts: list[str] = []
    en_parts: list[str] = []
    if picked:
        zh_parts.append("命中" + "、".join(row_name(e, k, "zh") for k in picked))
        en_parts.append(
            ("matched " if len(picked) == 1 else "matched rows: ")
            + ", ".join(row_name(e, k) for k in picked)
        )
    elif not unknown:
        default = e.default is not None
        zh_parts.append("没有命中任何一行" + ("，取默认值" if default else ""))
        en_parts.append("no row matched" + (", so the default applies" if default else ""))
    if unknown and not (e.hit == "unique" and picked):
        zh_parts.append("因输入未知而无法判断：" + "、".join(row_name(e, k, "zh") for k in unknown))
        en_parts.append(
            "undecided for want of an input: " + ", ".join(row_name(e, k) for k in unknown)
        )
    return "；".join(zh_parts), "; ".join(en_parts)


def check_dated_tables(
    rule: str, expr: Expr, types: Mapping[Expr, ValueType], parameters: Any
) -> None:
    """
    Run the build checks of every table in *expr* whose cells read dated parameters.

    The parameters change only on their effective dates, so the table is
    checked once per date on which any of them changes, with the values in
    force from then.

    Raises:
        TableCheckError: An overlap, gap or unreachable row from some date on, naming the
            date and the parameters' values then.
    """
    for table in iter_tables(expr):
        names = sorted(
            {p.name for p in table.bounds}
            | {p.name for row in table.rows for c in row.cells for p in c.params()}
        )
        if not names:
            continue
        input_types = [types[x] for x in table.inputs]
        dates = sorted({pv.effective for n in names for pv in parameters[n].values})
        for day in dates:
            values: dict[str, Lit] = {}
            for n in names:
                in_force = [pv for pv in parameters[n].values if pv.effective <= day]
                if in_force:
                    values[n] = Lit(in_force[-1].value, types[Param(n)])
            if len(values) < len(names):
                continue  # not every parameter is in force yet: no evaluation can happen then
            problems = table_problems(_with_values(table, values), input_types)
            if problems:
                en, zh, rows = problems[0]
                shown = ", ".join(f"${n} = {to_text(v)}" for n, v in values.items())
                raise TableCheckError(
                    f"rule {rule!r}: {en}, from {day} ({shown}) in `{to_text(table)}` / "
                    f"规则 {rule}：{zh}（自 {day} 起：{shown}）",
                    rule=rule,
                    parameters=names,
                    rows=rows,
                )


def _with_values(table: DecisionTable, values: Mapping[str, Lit]) -> DecisionTable:
    """*table* with each parameter its cells read replaced by its value."""

    def fixed(b: Lit | Param | None) -> Lit | Param | None:
        return values[b.name] if isinstance(b, Param) else b

    rows = tuple(
        attrs.evolve(
            row,
            cells=tuple(attrs.evolve(c, low=fixed(c.low), high=fixed(c.high)) for c in row.cells),
        )
        for row in table.rows
    )
    return attrs.evolve(table, rows=rows, bounds=())
