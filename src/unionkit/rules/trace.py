"""The tracer: what a run computed, node by node, for the explanations to read afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np

from unionkit.rules.columns import Groups
from unionkit.rules.expr import Expr
from unionkit.rules.parameters import ResolvedValue
from unionkit.rules.schema import ValueType
from unionkit.rules.values import Val, ndim

__all__ = ["Tracer"]

V = ValueType


class Tracer:
    """
    Observes a run of the interpreter: every node's value, every parameter read, every rule's value.

    Give one to :func:`unionkit.rules.interpret.open_run`; the run then keeps
    every intermediate value (an untraced run frees them after their last
    use). Values are the run's own arrays, over the rows the run was given.

    .. versionadded:: 0.1.0
    """

    __slots__ = ("groups", "parameters", "rules", "values")

    def __init__(self) -> None:
        self.values: dict[Expr, Val] = {}
        self.parameters: dict[str, ResolvedValue] = {}
        self.rules: dict[str, Val] = {}
        self.groups: Mapping[str, Groups] = {}

    def node(self, e: Expr, value: Val) -> None:
        """Record the value of the node *e*."""
        self.values[e] = value

    def parameter(self, name: str, resolved: ResolvedValue) -> None:
        """Record a parameter read: its value, effective date and source."""
        self.parameters[name] = resolved

    def rule(self, name: str, value: Val) -> None:
        """Record the value of the rule *name* (after conversion to its declared type)."""
        self.rules[name] = value

    def at(self, value: Val, row: int, vtype: ValueType) -> Any:
        """
        The traced *value* for the member at *row*, as a Python value (None when unknown).

        Money stays integer fen; dates are ``datetime.date``.
        """
        index = row if value.by is None else int(self.groups[value.by].codes[row])
        missing = value.missing
        if missing is not None and (missing[index] if ndim(missing) else missing):
            return None
        v = value.values
        return scalar(v[index] if ndim(v) else v, vtype)

    def node_at(self, e: Expr, row: int, vtype: ValueType) -> Any:
        """The value of the node *e* for the member at *row* (see :meth:`at`)."""
        return self.at(self.values[e], row, vtype)

    def rule_at(self, name: str, row: int, vtype: ValueType) -> Any:
        """The value of the rule *name* for the member at *row* (see :meth:`at`)."""
        return self.at(self.rules[name], row, vtype)


def scalar(v: Any, vtype: ValueType) -> Any:
    """One value of an engine array as a plain Python value of *vtype*."""
    if vtype is V.bool:
        return bool(v)
    if vtype in (V.int, V.money):
        return int(v)
    if vtype is V.number:
        return float(v)
    if vtype is V.date:
        out: dt.date = np.datetime64(v, "D").item()
        return out
    return v
