"""The compiled program of a rule set: rules resolved, ordered and typed, for the interpreter."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from unionkit.errors import ParameterError, RuleDefinitionError
from unionkit.rules.check import check_built, convertible, infer_types
from unionkit.rules.expr import Expr, Field, GroupAgg, Name, Ref, children, rebuild, walk
from unionkit.rules.parameters import (
    MONEY_UNITS,
    Parameter,
    Parameters,
    ResolvedValue,
    Scale,
    value_type,
)
from unionkit.rules.rule import Rule
from unionkit.rules.schema import ValueType

__all__ = ["Program", "compile_program", "resolve_names"]


class Program:
    """
    A rule set compiled once: its rules with names resolved, their order, dependencies and types.

    The interpreter and the explanations read a rule set only through this
    object's accessors. It is immutable after construction (the caches it
    keeps are derived from its content).

    .. versionadded:: 0.1.0
    """

    __slots__ = (
        "_cache",
        "_deps",
        "_fields",
        "_inferred",
        "_order",
        "_parameters",
        "_rules",
        "_types",
        "_version",
    )

    def __init__(
        self,
        rules: Mapping[str, Rule],
        *,
        order: tuple[str, ...],
        deps: Mapping[str, frozenset[str]],
        types: Mapping[Expr, ValueType],
        inferred: Mapping[str, ValueType],
        parameters: Parameters,
        fields: Mapping[str, ValueType],
    ) -> None:
        self._rules = rules
        self._order = order
        self._deps = deps
        self._types = types
        self._inferred = inferred
        self._parameters = parameters
        self._fields = fields
        self._cache: dict[Any, Any] = {}
        content = {
            "rules": [rules[n].canonical() for n in sorted(rules)],
            "parameters": parameters.canonical(),
            "fields": sorted((k, v.value) for k, v in fields.items()),
        }
        text = json.dumps(content, ensure_ascii=False, sort_keys=True)
        self._version = hashlib.sha256(text.encode()).hexdigest()

    @property
    def rules(self) -> Mapping[str, Rule]:
        """The rules by name, with bare names resolved to rules or fields."""
        return self._rules

    @property
    def order(self) -> tuple[str, ...]:
        """All rule names, each after the rules it depends on."""
        return self._order

    @property
    def fields(self) -> Mapping[str, ValueType]:
        """The input columns the rules may read, and their types."""
        return self._fields

    @property
    def version(self) -> str:
        """A sha256 content hash of the rules, parameters and fields."""
        return self._version

    @property
    def parameters(self) -> Parameters:
        """The parameters (shared, not copied: do not add to them)."""
        return self._parameters

    def parameter(self, name: str) -> Parameter:
        """
        The parameter *name*, with its labels, unit and dated values.

        Raises:
            ParameterError: No such parameter.
        """
        return self._parameters[name]

    def resolve(self, name: str, on: dt.date) -> ResolvedValue:
        """
        The value of the parameter *name* on *on*, with its effective date and source.

        Raises:
            ParameterError: The parameter has no value on *on*.
        """
        return self._parameters.resolve(name, on)

    @property
    def types(self) -> Mapping[Expr, ValueType]:
        """The inferred type of every node of the rules (read-only)."""
        return self._types

    def depends_on(self, rule: str) -> frozenset[str]:
        """The rules *rule* refers to directly."""
        return self._deps[rule]

    def type_of(self, e: Expr) -> ValueType:
        """The inferred type of a node of one of the rules."""
        return self._types[e]

    def inferred_type(self, rule: str) -> ValueType:
        """The type the expression of *rule* gives before conversion to its declared type."""
        return self._inferred[rule]

    def needed(self, rules: Iterable[str] | None = None) -> tuple[str, ...]:
        """
        The rules to compute for *rules* (all if None), dependencies first.

        Raises:
            RuleDefinitionError: A requested rule is unknown.
        """
        if rules is None:
            return self._order
        wanted: set[str] = set()
        stack = []
        for r in rules:
            if r not in self._rules:
                raise RuleDefinitionError(f"unknown rule {r!r} / 未知规则 {r}")
            stack.append(r)
        while stack:
            n = stack.pop()
            if n not in wanted:
                wanted.add(n)
                stack.extend(self._deps[n])
        return tuple(n for n in self._order if n in wanted)

    def inputs(self, rules: Iterable[str] | None = None) -> tuple[frozenset[str], frozenset[str]]:
        """The fields read and the grouping columns used by *rules* and their dependencies."""
        key = ("inputs", None if rules is None else tuple(rules))
        found = self._cache.get(key)
        if found is None:
            fields: set[str] = set()
            groups: set[str] = set()
            for n in self.needed(key[1]):
                for e in walk(self._rules[n].expr):
                    if isinstance(e, Field):
                        fields.add(e.name)
                    elif isinstance(e, GroupAgg):
                        groups.add(e.by)
            found = self._cache[key] = (frozenset(fields | groups), frozenset(groups))
        return found

    def uses(self, rules: tuple[str, ...]) -> Mapping[Expr, int]:
        """
        How often a run of *rules* (dependencies included) reads each distinct node's value.

        The interpreter drops a value from its memo after its last read, so that
        intermediate columns are freed while the run goes on.
        """
        key = ("uses", rules)
        found = self._cache.get(key)
        if found is None:
            counts: dict[Expr, int] = {}
            seen: set[Expr] = set()
            for n in rules:
                body = self._rules[n].expr
                counts[body] = counts.get(body, 0) + 1
                stack = [body]
                while stack:
                    e = stack.pop()
                    if e in seen:
                        continue
                    seen.add(e)
                    for child in children(e):
                        counts[child] = counts.get(child, 0) + 1
                        stack.append(child)
            found = self._cache[key] = MappingProxyType(counts)
        return found

    def memo(self, name: str) -> dict[Any, Any]:
        """
        A dictionary kept with the program for facts derived from it alone (labels, flags).

        Explanations keep what does not depend on the member here, so that
        explaining many members of a roster works each fact out once.
        """
        found = self._cache.get(("memo", name))
        if found is None:
            found = self._cache[("memo", name)] = {}
        return found

    def with_parameters(self, parameters: Parameters) -> Program:
        """
        This program over other *parameters*: only the types that depend on them are checked again.

        Raises:
            RuleDefinitionError: A parameter's new type makes a rule ill-typed.
        """
        return compile_program(self._rules, parameters, self._fields)


def resolve_names(rule: Rule, names: frozenset[str]) -> Rule:
    """*rule* with each bare name made a reference to a rule of *names*, or else a field."""

    def fix(e: Expr) -> Expr:
        if isinstance(e, Name):
            return Ref(e.name) if e.name in names else Field(e.name)
        return e

    expr = rebuild(rule.expr, fix)
    if expr == rule.expr:
        return rule
    return Rule(
        rule.name,
        expr,
        rule.label_zh,
        rule.label_en,
        rule.value_type,
        rule.entity,
        rule.missing,
        rule.description_zh,
        rule.description_en,
        rule.source,
        rule.summary,
    )


def _order(rules: Mapping[str, Rule]) -> tuple[tuple[str, ...], dict[str, frozenset[str]]]:
    deps = {
        n: frozenset(e.name for e in walk(r.expr) if isinstance(e, Ref)) for n, r in rules.items()
    }
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(n: str, path: list[str]) -> None:
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            cycle = [*path[path.index(n) :], n]
            raise RuleDefinitionError(
                f"rule {n!r}: rules refer to each other in a cycle: {' -> '.join(cycle)} / "
                f"规则 {n} 存在循环引用：{' -> '.join(cycle)}",
                rule=n,
            )
        state[n] = 1
        for d in sorted(deps[n]):
            if d in rules:
                visit(d, [*path, n])
        state[n] = 2
        order.append(n)

    for n in rules:
        visit(n, [])
    return tuple(order), deps


def _param_types(
    parameters: Parameters,
) -> tuple[dict[str, ValueType | None], dict[str, ValueType]]:
    types: dict[str, ValueType | None] = {}
    scales: dict[str, ValueType] = {}
    for pname in parameters:
        p = parameters[pname]
        t = value_type(p)
        types[pname] = t
        if t is None:
            kinds = {v.value.kind for v in p.values if isinstance(v.value, Scale)}
            money = p.unit in MONEY_UNITS and kinds == {"amount"}
            scales[pname] = ValueType.money if money else ValueType.number
    return types, scales


def compile_program(
    rules: Mapping[str, Rule], parameters: Parameters, fields: Mapping[str, ValueType]
) -> Program:
    """
    Order, check and type *rules* (names already resolved) over *parameters* and *fields*.

    Raises:
        RuleDefinitionError: A cycle, an unknown name or a type mismatch (naming the rule).
    """
    order, deps = _order(rules)
    try:
        ptypes, stypes = _param_types(parameters)
    except ParameterError as exc:
        raise RuleDefinitionError(str(exc)) from exc
    types: dict[Expr, ValueType] = {}
    declared = {n: r.value_type for n, r in rules.items()}
    inferred: dict[str, ValueType] = {}
    for n in order:
        rule = rules[n]
        t = infer_types(n, rule.expr, fields, ptypes, stypes, rule_types=declared, types=types)
        if not convertible(t, rule.value_type):
            raise RuleDefinitionError(
                f"rule {n!r}: declared {rule.value_type.value} but the expression gives "
                f"{t.value} / 规则 {n} 声明为{rule.value_type.label_zh}，"
                f"表达式结果却是{t.label_zh}",
                rule=n,
            )
        inferred[n] = t
        check_built(n, rule.expr, types, parameters)
    return Program(
        MappingProxyType(dict(rules)),
        order=order,
        deps=MappingProxyType(deps),
        types=MappingProxyType(types),
        inferred=MappingProxyType(inferred),
        parameters=parameters,
        fields=fields,
    )
