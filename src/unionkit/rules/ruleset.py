"""Rules and rule sets: names, labels, types, dependency order, validation and the content hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from attrs import Factory, field, frozen

from unionkit.errors import ParameterError, RuleDefinitionError
from unionkit.rules.check import convertible, infer_types
from unionkit.rules.expr import Expr, Field, GroupAgg, Name, Ref, canonical, rebuild, walk, wrap
from unionkit.rules.parameters import MONEY_UNITS, Parameters, Scale, value_type
from unionkit.rules.schema import MEMBER_FIELDS, Missing, ValueType

if TYPE_CHECKING:
    from unionkit.rules.batch import BatchResult, Columns, MoneyUnit
    from unionkit.rules.explain import Explanation

__all__ = ["SUMMARIES", "Rule", "RuleSet", "Summary"]

Summary = Literal["count", "total", "none"]
"""How a rule is summarised over a roster: count the yes, total the amounts, or not at all."""

SUMMARIES: tuple[Summary, ...] = ("count", "total", "none")

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _rule_name(_: Any, __: Any, value: str) -> None:
    if not isinstance(value, str) or not _NAME.match(value):
        raise RuleDefinitionError(
            f"rule name {value!r} must be letters, digits and underscores / "
            "规则名只能包含字母、数字和下划线"
        )


def _default_summary(rule: Any) -> Summary:
    if rule.value_type is ValueType.bool:
        return "count"
    if rule.value_type is ValueType.money:
        return "total"
    return "none"


def _summary(rule: Any, _: Any, value: object) -> None:
    if value not in SUMMARIES:
        raise RuleDefinitionError(
            f"rule {rule.name!r}: summary must be count, total or none, not {value!r} / "
            f"规则 {rule.name} 的 summary 只能是 count、total 或 none"
        )
    if value == "count" and rule.value_type is not ValueType.bool:
        raise RuleDefinitionError(
            f"rule {rule.name!r}: only a yes/no rule can be counted / "
            f"规则 {rule.name} 不是是/否规则，不能计数"
        )
    if value == "total" and rule.value_type not in (ValueType.money, ValueType.int,
                                                    ValueType.number):
        raise RuleDefinitionError(
            f"rule {rule.name!r}: only a numeric rule can be totalled / "
            f"规则 {rule.name} 不是数值规则，不能合计"
        )


@frozen
class Rule:
    """
    A named rule: an expression with labels, a value type and a missing-value policy.

    Args:
        name: Identifier used to refer to the rule (``ref("age")``).
        expr: The expression; plain values are wrapped in ``lit``.
        label_zh: Chinese label, shown in explanations and reports.
        label_en: English label.
        value_type: What the rule gives (``ValueType`` or its value, e.g. ``"bool"``).
        entity: ``"member"`` or a group kind the rule is about (values are
            always given per member; a household rule repeats on each member).
        missing: What a missing input does (``Missing.false`` or ``Missing.propagate``).
        description_zh: Longer description in Chinese.
        description_en: Longer description in English.
        source: Where the rule comes from (a document, a plugin name).
        summary: How a roster summary shows the rule: ``"count"`` the members
            for whom it is yes (the default for yes/no rules), ``"total"`` its
            amounts (the default for money rules), or ``"none"`` (the default
            otherwise; use it for measures such as a household's income, which
            would be counted once per person, and for caps that are limits,
            not payments).

    .. versionadded:: 0.1.0
    .. versionchanged:: 0.1.0
       *summary*.
    """

    name: str = field(validator=_rule_name)
    expr: Expr = field(converter=wrap)
    label_zh: str
    label_en: str
    value_type: ValueType = field(converter=ValueType)
    entity: str = "member"
    missing: Missing = field(default=Missing.false, converter=Missing)
    description_zh: str = ""
    description_en: str = ""
    source: str = ""
    summary: Summary = field(default=Factory(_default_summary, takes_self=True),
                             validator=_summary)

    def canonical(self) -> list[Any]:
        """A JSON-ready form identifying the rule (for content hashes)."""
        return [self.name, canonical(self.expr), self.label_zh, self.label_en,
                self.value_type.value, self.entity, self.missing.value]


@frozen
class _Compiled:
    rules: Mapping[str, Rule]
    order: tuple[str, ...]
    deps: Mapping[str, frozenset[str]]
    types: Mapping[Expr, ValueType]
    inferred: Mapping[str, ValueType]


def _resolve(rule: Rule, names: frozenset[str]) -> Rule:
    def fix(e: Expr) -> Expr:
        if isinstance(e, Name):
            return Ref(e.name) if e.name in names else Field(e.name)
        return e

    expr = rebuild(rule.expr, fix)
    if expr == rule.expr:
        return rule
    return Rule(rule.name, expr, rule.label_zh, rule.label_en, rule.value_type, rule.entity,
                rule.missing, rule.description_zh, rule.description_en, rule.source,
                rule.summary)


def _order(rules: Mapping[str, Rule]) -> tuple[tuple[str, ...], dict[str, frozenset[str]]]:
    deps = {n: frozenset(e.name for e in walk(r.expr) if isinstance(e, Ref))
            for n, r in rules.items()}
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(n: str, path: list[str]) -> None:
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            cycle = [*path[path.index(n):], n]
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


def _param_types(parameters: Parameters) -> tuple[dict[str, ValueType | None],
                                                  dict[str, ValueType]]:
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


def _compile(rules: Mapping[str, Rule], parameters: Parameters,
             fields: Mapping[str, ValueType]) -> _Compiled:
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
        t = infer_types(n, rule.expr, fields, ptypes, stypes, rule_types=declared,
                        types=types)
        if not convertible(t, rule.value_type):
            raise RuleDefinitionError(
                f"rule {n!r}: declared {rule.value_type.value} but the expression gives "
                f"{t.value} / 规则 {n} 声明为{rule.value_type.label_zh}，"
                f"表达式结果却是{t.label_zh}",
                rule=n,
            )
        inferred[n] = t
    return _Compiled(MappingProxyType(dict(rules)), order, MappingProxyType(deps),
                     MappingProxyType(types), MappingProxyType(inferred))


class RuleSet:
    """
    Named rules with their parameters, validated and ordered once on construction.

    Args:
        rules: The rules; names must be unique.
        parameters: The dated parameters the rules read (copied).
        fields: The input columns and their types (default: the standard roster).

    Raises:
        RuleDefinitionError: A duplicate name, an unknown field, parameter or
            rule, a type mismatch or a cycle; the message names the rule.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        rules: Sequence[Rule],
        parameters: Parameters,
        fields: Mapping[str, ValueType] = MEMBER_FIELDS,
    ) -> None:
        originals: dict[str, Rule] = {}
        for rule in rules:
            if not isinstance(rule, Rule):
                raise RuleDefinitionError(f"not a Rule: {rule!r} / 不是规则对象")
            if rule.name in originals:
                raise RuleDefinitionError(
                    f"rule {rule.name!r} is defined twice / 规则 {rule.name} 重复定义",
                    rule=rule.name,
                )
            originals[rule.name] = rule
        self._originals = originals
        self._fields: Mapping[str, ValueType] = MappingProxyType(
            {k: ValueType(v) for k, v in fields.items()})
        self._parameters = parameters.copy()
        names = frozenset(originals)
        resolved = {n: _resolve(r, names) for n, r in originals.items()}
        self._compiled = _compile(resolved, self._parameters, self._fields)
        self._version = self._digest()

    def _digest(self) -> str:
        content = {
            "rules": [self._compiled.rules[n].canonical() for n in sorted(self._compiled.rules)],
            "parameters": self._parameters.canonical(),
            "fields": sorted((k, v.value) for k, v in self._fields.items()),
        }
        text = json.dumps(content, ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def version(self) -> str:
        """A sha256 content hash of the rules, parameters and fields (stable across runs)."""
        return self._version

    @property
    def rules(self) -> Mapping[str, Rule]:
        """The rules by name, with bare names resolved to rules or fields."""
        return self._compiled.rules

    @property
    def parameters(self) -> Parameters:
        """A copy of the parameters."""
        return self._parameters.copy()

    @property
    def fields(self) -> Mapping[str, ValueType]:
        """The input columns the rules may read."""
        return self._fields

    @property
    def order(self) -> tuple[str, ...]:
        """All rule names, each after the rules it depends on."""
        return self._compiled.order

    def __repr__(self) -> str:
        return f"RuleSet({len(self._originals)} rules, version={self._version[:12]})"

    def _repr_html_(self) -> str:
        """The rules as a table in Jupyter (see ``unionkit.notebook``)."""
        from unionkit.notebook import ruleset_html

        return ruleset_html(self)

    def needed(self, rules: Iterable[str] | None = None) -> tuple[str, ...]:
        """
        The rules to compute for *rules* (all if None), dependencies first.

        Raises:
            RuleDefinitionError: A requested rule is unknown.
        """
        compiled = self._compiled
        if rules is None:
            return compiled.order
        wanted: set[str] = set()
        stack = []
        for r in rules:
            if r not in compiled.rules:
                raise RuleDefinitionError(f"unknown rule {r!r} / 未知规则 {r}")
            stack.append(r)
        while stack:
            n = stack.pop()
            if n not in wanted:
                wanted.add(n)
                stack.extend(compiled.deps[n])
        return tuple(n for n in compiled.order if n in wanted)

    def inputs(self, rules: Iterable[str] | None = None) -> tuple[frozenset[str], frozenset[str]]:
        """The fields read and the grouping columns used by *rules* and their dependencies."""
        key = None if rules is None else tuple(rules)
        cache: dict[tuple[str, ...] | None, tuple[frozenset[str], frozenset[str]]]
        cache = self.__dict__.setdefault("_input_cache", {})
        found = cache.get(key)
        if found is None:
            found = cache[key] = self._inputs(key)
        return found

    def _inputs(self, rules: Iterable[str] | None) -> tuple[frozenset[str], frozenset[str]]:
        fields: set[str] = set()
        groups: set[str] = set()
        for n in self.needed(rules):
            for e in walk(self._compiled.rules[n].expr):
                if isinstance(e, Field):
                    fields.add(e.name)
                elif isinstance(e, GroupAgg):
                    groups.add(e.by)
        return frozenset(fields | groups), frozenset(groups)

    def type_of(self, e: Expr) -> ValueType:
        """The inferred type of a node of one of the rules."""
        return self._compiled.types[e]

    def inferred_type(self, rule: str) -> ValueType:
        """The type the expression of *rule* gives before conversion to its declared type."""
        return self._compiled.inferred[rule]

    def evaluate(
        self, data: Any, as_of: dt.date, rules: Sequence[str] | None = None, *,
        money_unit: MoneyUnit = "fen",
    ) -> BatchResult:
        """
        Evaluate *rules* (all if None) for every member of *data*.

        *data* is a pandas DataFrame, a polars DataFrame, a mapping of column
        name to numpy array (or list), or a sequence of row mappings / objects
        with ``to_row()``. The result's ``frame`` is of the same kind (a dict
        of numpy arrays for mappings and rows), one column per rule; money
        columns are ``int64`` fen.

        Money in: **integers are fen** (分), as ``unionkit.io.members_to_columns``
        gives them (``850050`` is 8,500.50 yuan); pass ``money_unit="yuan"``
        if your integer money columns hold whole yuan. ``Decimal`` values and
        text (``"¥2,000.50"``) are yuan, converted to fen exactly; floats are
        yuan, rounded half up to the fen.

        Args:
            data: The roster.
            as_of: The evaluation date.
            rules: The rules to compute (all if None), with what they need.
            money_unit: What integer money columns hold: ``"fen"`` or ``"yuan"``.

        Returns:
            The per-rule columns, the rule set's version and the date.

        Raises:
            RuleEvaluationError: A needed column is absent or cannot be read,
                or *money_unit* is neither ``"fen"`` nor ``"yuan"``.
            ParameterError: A parameter has no value on *as_of*.

        .. versionchanged:: 0.1.0
           Integer money columns are fen unless ``money_unit="yuan"``.
        """
        from unionkit.rules.batch import evaluate

        return evaluate(self, data, as_of, rules, money_unit=money_unit)

    def prepare(self, data: Any, *, money_unit: MoneyUnit = "fen") -> Columns:
        """
        Convert a roster once for many :meth:`explain` (or :meth:`evaluate`) calls.

        Explaining one member of a roster converts the roster's columns each time
        (milliseconds for a hospital); a prepared roster converts each column on
        first use and keeps it, so later explanations cost well under a millisecond.

        Args:
            data: The roster, in any form :meth:`evaluate` accepts.
            money_unit: What integer money columns hold: ``"fen"`` or ``"yuan"``.

        Returns:
            An opaque prepared input for this rule set's ``evaluate`` and ``explain``.

        .. versionadded:: 0.1.0
        """
        from unionkit.rules.batch import Columns

        return Columns(data, self.fields, sorted(self.fields), money_unit)

    def explain(
        self,
        data_or_row: Any,
        rule: str,
        as_of: dt.date,
        member: str | None = None,
        *,
        lang: str = "zh",
        reveal: bool = False,
        money_unit: MoneyUnit = "fen",
    ) -> Explanation:
        """
        Explain *rule* for one member: its value and a tree of why.

        *data_or_row* is a row mapping, an object with ``to_row()``, or a
        whole roster (frame, mapping of arrays, sequence of rows) together
        with *member* (a ``member_id``) so that household and group
        aggregates see the other members of the same group (or a roster from
        :meth:`prepare`, to explain many members fast). Health and
        income facts are masked when rendered unless *reveal* is True.
        Integer money inputs are fen unless *money_unit* is ``"yuan"``, as
        for :meth:`evaluate`.

        Raises:
            RuleDefinitionError: *rule* is unknown.
            RuleEvaluationError: The member is not found or a column cannot be read.
            ParameterError: A parameter has no value on *as_of*.
        """
        from unionkit.rules.explain import explain

        return explain(self, data_or_row, rule, as_of, member=member, lang=lang, reveal=reveal,
                       money_unit=money_unit)

    def with_parameters(self, overlay: Parameters, source: str | None = None) -> RuleSet:
        """
        Return this rule set with *overlay*'s parameter values taking over.

        The rules are not re-resolved or re-ordered; only types that depend
        on parameters are checked again.

        Raises:
            RuleDefinitionError: The overlay changes a parameter's type so a rule no longer fits.
            ParameterError: The overlay is inconsistent with the parameters (units).
        """
        out = object.__new__(RuleSet)
        out._originals = self._originals
        out._fields = self._fields
        out._parameters = self._parameters.overlay(overlay, source=source)
        compiled = self._compiled
        out._compiled = _compile(compiled.rules, out._parameters, self._fields)
        out._version = out._digest()
        return out

    def merge(self, other_rules: Sequence[Rule] | RuleSet, overrides: bool = False) -> RuleSet:
        """
        Return a rule set with *other_rules* added.

        Args:
            other_rules: Rules (or a rule set, whose parameters are overlaid too).
            overrides: Whether a rule of the same name replaces the existing one;
                if False, a clash is an error.

        Raises:
            RuleDefinitionError: A name clash without *overrides*, or the merged set is invalid.
        """
        parameters = self._parameters
        if isinstance(other_rules, RuleSet):
            parameters = parameters.overlay(other_rules._parameters)
            incoming = list(other_rules._originals.values())
        else:
            incoming = list(other_rules)
        merged = dict(self._originals)
        for rule in incoming:
            if rule.name in merged and not overrides:
                raise RuleDefinitionError(
                    f"rule {rule.name!r} already exists; pass overrides=True to replace it / "
                    f"规则 {rule.name} 已存在"
                )
            merged[rule.name] = rule
        return RuleSet(list(merged.values()), parameters, self._fields)
