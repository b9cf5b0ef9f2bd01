"""The interpreter: one vectorised pass per node over a run's rows, seen by an optional tracer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from unionkit.errors import RuleEvaluationError
from unionkit.rules.columns import Columns, Groups
from unionkit.rules.events import EventInput
from unionkit.rules.expr import (
    Arith,
    BoolOp,
    Call,
    Compare,
    Expr,
    Field,
    GroupAgg,
    IsIn,
    Lit,
    Neg,
    Not,
    Param,
    Ref,
    ScaleLookup,
    function_name,
)
from unionkit.rules.functions import FUNCTIONS
from unionkit.rules.program import Program
from unionkit.rules.schema import Missing, ValueType
from unionkit.rules.tables import DecisionTable, evaluate_table
from unionkit.rules.trace import Tracer
from unionkit.rules.values import (
    COMPARE,
    Val,
    any_missing,
    check_range,
    common_type,
    constant,
    half_up_div,
    ndim,
    to_type,
)
from unionkit.rules.workdays import WorkingDays

__all__ = ["Run", "check_as_of", "open_run"]

V = ValueType
Array = np.ndarray[Any, Any]
_FILL: dict[ValueType, Any] = {V.bool: False, V.int: 0, V.number: 0.0, V.money: 0}


def check_as_of(as_of: object) -> dt.date:
    """
    Return *as_of* if it is a date (and not a datetime, whose time would be ignored).

    Raises:
        RuleEvaluationError: Anything else.
    """
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise RuleEvaluationError(
            f"as_of must be a date such as date(2025, 6, 1), not {type(as_of).__name__} "
            f"{as_of!r} / 评估日期 as_of 必须是日期（date），不能是 {type(as_of).__name__}"
        )
    return as_of


def open_run(
    program: Program,
    cols: Columns,
    as_of: object,
    rules: Iterable[str],
    *,
    tracer: Tracer | None = None,
    purpose: str = "",
    events: EventInput | None = None,
    workdays: WorkingDays | None = None,
) -> Run:
    """
    The one door into the interpreter, for batch evaluation and explanations alike.

    Checks the evaluation date (a ``date``, not a ``datetime``), that every
    rule is known and that the input supplies every field the rules read,
    then returns a run ready to compute *rules* (dependencies first).

    Args:
        program: The compiled rule set.
        cols: The input columns.
        as_of: The evaluation date.
        rules: The rules wanted.
        tracer: Records every node's value when given (for explanations).
        purpose: Names the rule in the missing-column message (``"rule 'x'"``).
        events: The dated events the event functions read.
        workdays: The working-day calendar the working-day functions use.

    Raises:
        RuleEvaluationError: A datetime or non-date *as_of*, or an absent column.
        RuleDefinitionError: An unknown rule.
    """
    when = check_as_of(as_of)
    wanted = tuple(rules)
    needed = program.needed(wanted)
    fields, _ = program.inputs(wanted)
    for f in sorted(fields):
        if not cols.supplies(f):
            which = purpose or "the rules need"
            raise RuleEvaluationError(
                f"the input has no column {f!r}, which {which} / 输入数据缺少“{f}”列"
            )
    run = Run(program, cols, when, needed, tracer, keep=frozenset(wanted))
    run.events, run.workdays = events, workdays
    return run


class Run:
    """
    One evaluation of some rules over some rows: the memo of node values and the groups.

    Evaluators are plain functions looked up by node type (not bound methods
    kept on the run), so a run holds no reference cycle and its arrays are
    freed as soon as it is dropped; an untraced run also drops each node's
    value from its memo after the last node that reads it, the value of a
    rule not in *keep* after the last rule that refers to it, and (when
    *release_inputs*) an input column's converted copy after its last read.
    """

    __slots__ = (
        "as_of",
        "cols",
        "events",
        "groups",
        "keep",
        "left",
        "memo",
        "n",
        "needed",
        "program",
        "release_inputs",
        "rule_values",
        "tracer",
        "types",
        "workdays",
    )

    def __init__(
        self,
        program: Program,
        cols: Columns,
        as_of: dt.date,
        needed: tuple[str, ...],
        tracer: Tracer | None = None,
        *,
        keep: frozenset[str] | None = None,
    ) -> None:
        self.program = program
        self.types = program.types
        self.cols = cols
        self.as_of = as_of
        self.n = cols.n
        self.needed = needed
        self.memo: dict[Expr, Val] = {}
        self.groups: dict[str, Groups] = {}
        self.rule_values: dict[str, Val] = {}
        self.tracer = tracer
        self.keep = frozenset(needed) if keep is None else keep
        self.release_inputs = False
        self.left: dict[Expr, int] | None = None
        self.events: EventInput | None = None
        self.workdays: WorkingDays | None = None
        if tracer is None:
            self.left = dict(program.uses(needed))
        else:
            tracer.groups = self.groups

    def run(self) -> Run:
        """Compute every needed rule, dependencies first (so no rule recurses into another)."""
        for name in self.needed:
            self.rule(name)
        return self

    def group(self, by: str) -> Groups:
        """The groups of the column *by*, built on first use."""
        g = self.groups.get(by)
        if g is None:
            g = Groups(*self.cols.group_key(by))
            self.groups[by] = g
        return g

    def parameter(self, name: str) -> Any:
        """The value of the parameter *name* on the evaluation date (recorded when traced)."""
        if self.tracer is None:
            return self.program.parameters.value(name, self.as_of)
        resolved = self.program.resolve(name, self.as_of)
        self.tracer.parameter(name, resolved)
        return resolved.value

    def eval(self, e: Expr) -> Val:
        """The value of the node *e*, computed once per run."""
        v = self.memo.get(e)
        if v is None:
            v = _EVAL[type(e)](self, e)
            if self.tracer is not None:
                self.tracer.values[e] = v
                self.memo[e] = v
                return v
            self.memo[e] = v
        left = self.left
        if left is not None:
            k = left.get(e, 1) - 1
            if k <= 0:
                # the last reader has it: let the array go when the reader is done
                del self.memo[e]
                if type(e) is Ref and e.name not in self.keep:
                    del self.rule_values[e.name]
                elif type(e) is Field and self.release_inputs:
                    self.cols.release(e.name)
            else:
                left[e] = k
        return v

    def type_of(self, e: Expr) -> ValueType:
        """The inferred type of the node *e*."""
        return self.types[e]

    def typed(self, e: Expr, target: ValueType) -> Val:
        """The value of *e* brought to the representation of *target* (int to money: fen)."""
        v = self.eval(e)
        source = self.types[e]
        if source is target:
            return v
        if source is V.int and target is V.money:
            check_range(e, "*", v.values, 100, v.missing)
        return Val(to_type(v.values, source, target), v.missing, v.by)

    def member(self, v: Val) -> Val:
        """*v* per member (a per-group value repeated on each member of the group)."""
        if v.by is None:
            return v
        codes = self.group(v.by).codes
        return Val(
            np.asarray(v.values)[codes], None if v.missing is None else v.missing[codes], None
        )

    def align(self, *vs: Val) -> tuple[list[Val], str | None]:
        """*vs* over the same rows: per group if all are per the same group, else per member."""
        bys = {v.by for v in vs if ndim(v.values) or v.missing is not None}
        if len(bys) == 1:
            return list(vs), bys.pop()
        return [self.member(v) for v in vs], None

    def full(self, v: Val) -> Val:
        """*v* as one array entry per member (scalars repeated)."""
        v = self.member(v)
        if ndim(v.values) == 0:
            value = v.values
            if isinstance(value, np.datetime64):
                return Val(np.full(self.n, value, dtype="datetime64[D]"), v.missing)
            if isinstance(value, str):
                return Val(np.full(self.n, value, dtype=object), v.missing)
            return Val(np.full(self.n, value), v.missing)
        return v

    def rule(self, name: str) -> Val:
        """The value of the rule *name*: in its declared type, its missing policy applied."""
        got = self.rule_values.get(name)
        if got is not None:
            return got
        rule = self.program.rules[name]
        inferred = self.program.inferred_type(name)
        v = self.typed(rule.expr, inferred)
        if inferred is V.int and rule.value_type is V.money:
            check_range(rule.expr, "*", v.values, 100, v.missing)
        v = Val(to_type(v.values, inferred, rule.value_type), v.missing, v.by)
        if (
            v.missing is not None
            and rule.missing is Missing.false
            and rule.value_type not in (V.date, V.text)
        ):
            v = Val(np.where(v.missing, _FILL[rule.value_type], v.values), None, v.by)
        self.rule_values[name] = v
        if self.tracer is not None:
            self.tracer.rule(name, v)
        return v

    def n_of(self, by: str | None) -> int:
        """How many rows a value per *by* has (members when None)."""
        return self.n if by is None else self.group(by).n

    def common(self, parts: Sequence[Expr]) -> tuple[list[Val], str | None]:
        """The values of *parts* brought to their common type and aligned."""
        target = common_type([self.types[p] for p in parts])
        assert target is not None
        return self.align(*(self.typed(p, target) for p in parts))


def _field(run: Run, e: Field) -> Val:
    values, missing = run.cols.get(e.name)
    return Val(values, missing)


def _param(run: Run, e: Param) -> Val:
    value = run.parameter(e.name)
    return Val(constant(value, run.types[e]))


def _lit(run: Run, e: Lit) -> Val:
    return Val(constant(e.value, e.vtype))


def _ref(run: Run, e: Ref) -> Val:
    return run.rule(e.name)


def _arith(run: Run, e: Arith) -> Val:
    types = run.types
    out, lt, rt = types[e], types[e.left], types[e.right]
    if out is V.number:
        (a, b), by = run.align(run.typed(e.left, V.number), run.typed(e.right, V.number))
    elif out is V.money and e.op in "+-":
        (a, b), by = run.align(run.typed(e.left, V.money), run.typed(e.right, V.money))
    else:
        (a, b), by = run.align(run.eval(e.left), run.eval(e.right))
    x, y = a.values, b.values
    missing = any_missing(a.missing, b.missing)
    if out is not V.number and e.op in "+-*":
        check_range(e, e.op, x, y, missing)
    if e.op == "+":
        return Val(x + y, missing, by)
    if e.op == "-":
        return Val(x - y, missing, by)
    if e.op == "*":
        if lt is V.money and rt is V.money:
            return Val(half_up_div(x * y, 100), missing, by)
        return Val(x * y, missing, by)
    zero = np.equal(y, 0)
    if ndim(zero):
        if zero.any():
            missing = any_missing(missing, zero)
            y = np.where(zero, 1, y)
    elif zero:
        missing = np.ones(run.n_of(by), dtype=bool)
        y = 1
    if out is V.money:
        return Val(half_up_div(x, y), missing, by)
    return Val(np.true_divide(x, y), missing, by)


def _neg(run: Run, e: Neg) -> Val:
    v = run.eval(e.operand)
    return Val(-v.values, v.missing, v.by)


def _compare(run: Run, e: Compare) -> Val:
    (a, b), by = run.common([e.left, e.right])
    return Val(COMPARE[e.op](a.values, b.values), any_missing(a.missing, b.missing), by)


def _boolop(run: Run, e: BoolOp) -> Val:
    (a, b), by = run.align(run.eval(e.left), run.eval(e.right))
    x, y, mx, my = a.values, b.values, a.missing, b.missing
    if e.op == "|":
        if mx is None and my is None:
            return Val(np.logical_or(x, y), None, by)
        tx = x if mx is None else np.logical_and(x, ~mx)
        ty = y if my is None else np.logical_and(y, ~my)
        decided = np.logical_or(tx, ty)
        return Val(decided, any_missing(mx, my) & ~decided, by)
    if mx is None and my is None:
        return Val(np.logical_and(x, y), None, by)
    fx = np.logical_not(x) if mx is None else np.logical_and(np.logical_not(x), ~mx)
    fy = np.logical_not(y) if my is None else np.logical_and(np.logical_not(y), ~my)
    decided_false = np.logical_or(fx, fy)
    missing = any_missing(mx, my) & ~decided_false
    return Val(~decided_false & ~missing, missing, by)


def _not(run: Run, e: Not) -> Val:
    v = run.eval(e.operand)
    return Val(np.logical_not(v.values), v.missing, v.by)


def _function(run: Run, e: Expr) -> Val:
    name = function_name(e)
    assert name is not None
    return FUNCTIONS[name].vector(run, e)


_EVAL: dict[type, Callable[[Run, Any], Val]] = {
    Field: _field,
    Param: _param,
    Lit: _lit,
    Ref: _ref,
    Arith: _arith,
    Neg: _neg,
    Compare: _compare,
    BoolOp: _boolop,
    Not: _not,
    # every function of the rule language, from its one entry in the table
    Call: _function,
    IsIn: _function,
    GroupAgg: _function,
    ScaleLookup: _function,
    DecisionTable: evaluate_table,
}
