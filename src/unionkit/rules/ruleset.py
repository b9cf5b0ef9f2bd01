"""Rule sets: the public facade over a compiled program: evaluate, explain, prepare, merge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from unionkit.errors import RuleDefinitionError
from unionkit.rules.expr import Expr
from unionkit.rules.html import table as html_table
from unionkit.rules.parameters import Parameters
from unionkit.rules.program import Program, compile_program, resolve_names
from unionkit.rules.rule import SUMMARIES, Rule, Summary
from unionkit.rules.schema import MEMBER_FIELDS, ValueType

if TYPE_CHECKING:
    from unionkit.rules.batch import BatchResult
    from unionkit.rules.cells import MoneyUnit
    from unionkit.rules.columns import Columns
    from unionkit.rules.explain import Explanation
    from unionkit.rules.workdays import WorkingDays

__all__ = ["SUMMARIES", "Rule", "RuleSet", "Summary", "ruleset_html"]


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
            {k: ValueType(v) for k, v in fields.items()}
        )
        self._parameters = parameters.copy()
        self._workdays: WorkingDays | None = None
        names = frozenset(originals)
        resolved = {n: resolve_names(r, names) for n, r in originals.items()}
        self._program = compile_program(resolved, self._parameters, self._fields)

    @property
    def version(self) -> str:
        """A sha256 content hash of the rules, parameters and fields (stable across runs)."""
        return self._program.version

    @property
    def program(self) -> Program:
        """The compiled program the interpreter and the explanations read."""
        return self._program

    @property
    def rules(self) -> Mapping[str, Rule]:
        """The rules by name, with bare names resolved to rules or fields."""
        return self._program.rules

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
        return self._program.order

    def __repr__(self) -> str:
        return f"RuleSet({len(self._originals)} rules, version={self.version[:12]})"

    def _repr_html_(self) -> str:
        """The rules as a table in Jupyter (a summary, never every member)."""
        return ruleset_html(self)

    def needed(self, rules: Iterable[str] | None = None) -> tuple[str, ...]:
        """
        The rules to compute for *rules* (all if None), dependencies first.

        Raises:
            RuleDefinitionError: A requested rule is unknown.
        """
        return self._program.needed(rules)

    def inputs(self, rules: Iterable[str] | None = None) -> tuple[frozenset[str], frozenset[str]]:
        """The fields read and the grouping columns used by *rules* and their dependencies."""
        return self._program.inputs(rules)

    def type_of(self, e: Expr) -> ValueType:
        """The inferred type of a node of one of the rules."""
        return self._program.type_of(e)

    def inferred_type(self, rule: str) -> ValueType:
        """The type the expression of *rule* gives before conversion to its declared type."""
        return self._program.inferred_type(rule)

    def evaluate(
        self,
        data: Any,
        as_of: dt.date,
        rules: Sequence[str] | None = None,
        *,
        money_unit: MoneyUnit = "fen",
        undetermined: bool = False,
        events: Mapping[str, Any] | None = None,
        chunk_rows: int | None = None,
    ) -> BatchResult:
        """
        Evaluate *rules* (all if None) for every member of *data*.

        *data* is a pandas DataFrame, a polars DataFrame, a mapping of column
        name to numpy array (or list), or a sequence of row mappings / objects
        with ``to_row()``. The result's ``frame`` is of the same kind (a dict
        of numpy arrays for mappings and rows), one column per rule; money
        columns are ``int64`` fen. A Dask DataFrame gives a lazy Dask DataFrame
        (shuffled by household first) and a polars LazyFrame a LazyFrame: see
        ``docs/dask.md``.

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
            undetermined: Also name, for every unknown answer, the missing inputs behind
                it (``result.undetermined()``); only the undetermined members and their
                households are evaluated again.
            events: Dated events by kind (``{"sick_leave": table}``), for the event
                functions: each table (a dict of columns, a list of records, a pandas or
                polars frame) has ``member_id``, ``date`` (or ``start`` and ``end``) and
                the kind's declared fields; see ``docs/rules-events.md``.
            chunk_rows: Evaluate about this many rows at a time, cut at household
                (grouping) boundaries, so that memory is bounded by the chunk;
                the answers are the same. None (the default) chunks inputs of
                more than two million rows by a million; 0 never chunks.

        Returns:
            The per-rule columns, the rule set's version and the date.

        Raises:
            RuleEvaluationError: A needed column is absent or cannot be read,
                or *money_unit* is neither ``"fen"`` nor ``"yuan"``, or *chunk_rows*
                is negative; an event is bad (kind, row and field named) or of a kind
                not declared.
            ParameterError: A parameter has no value on *as_of*.

        .. versionchanged:: Unreleased
           *undetermined*.

        .. versionchanged:: 0.1.0
           Integer money columns are fen unless ``money_unit="yuan"``.

        .. versionchanged:: Unreleased
           *events*.
        .. versionchanged:: 0.2.0
           Large inputs are evaluated in household-aligned chunks (*chunk_rows*).
        """
        from unionkit.rules.batch import evaluate

        return evaluate(
            self._program,
            data,
            as_of,
            rules,
            money_unit=money_unit,
            chunk_rows=chunk_rows,
            undetermined=undetermined,
            events=events,
            workdays=self._workdays,
        )

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
        from unionkit.rules.columns import Columns

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
        events: Mapping[str, Any] | None = None,
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
        for :meth:`evaluate`. *events* are the dated events by kind, as for
        :meth:`evaluate`; the explanation lists the member's events that counted.

        Raises:
            RuleDefinitionError: *rule* is unknown.
            RuleEvaluationError: The member is not found, a column cannot be read,
                or *as_of* is not a date (a ``datetime`` is refused, as by :meth:`evaluate`).
            ParameterError: A parameter has no value on *as_of*.

        .. versionchanged:: 0.1.0
           The explanation is read from a traced run of the batch interpreter over
           the member's rows; a ``datetime`` *as_of* is refused as ``evaluate`` refuses it.
        """
        from unionkit.rules.explain import explain

        return explain(
            self._program,
            data_or_row,
            rule,
            as_of,
            member=member,
            lang=lang,
            reveal=reveal,
            money_unit=money_unit,
            events=events,
            workdays=self._workdays,
        )

    @property
    def working_days(self) -> WorkingDays | None:
        """The working-day calendar ``add_working_days`` and ``working_days_between`` use."""
        return self._workdays

    def with_working_days(self, workdays: WorkingDays | None) -> RuleSet:
        """
        Return this rule set counting working days with *workdays* (a branch's calendar).

        The engine knows no holidays: rules calling ``add_working_days`` or
        ``working_days_between`` need one, see :func:`unionkit.calendar.working_days`.

        .. versionadded:: Unreleased
        """
        out = object.__new__(RuleSet)
        out._originals = self._originals
        out._fields = self._fields
        out._parameters = self._parameters
        out._program = self._program
        out._workdays = workdays
        return out

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
        out._program = self._program.with_parameters(out._parameters)
        out._workdays = self._workdays
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
        return RuleSet(list(merged.values()), parameters, self._fields).with_working_days(
            self._workdays
        )


def ruleset_html(ruleset: RuleSet) -> str:
    """
    A rule set as an HTML table: each rule's name, labels, type and summary kind.

    Args:
        ruleset: The rule set.

    Returns:
        HTML for Jupyter.

    .. versionadded:: 0.1.0
    """
    rows = [
        (r.name, r.label_zh, r.label_en, str(r.value_type), r.summary)
        for r in ruleset.rules.values()
    ]
    caption = (
        f"规则集 / rule set {ruleset.version[:12]}: {len(rows):,} 条规则 / rules, "
        f"{len(ruleset.parameters):,} 个参数 / parameters"
    )
    return html_table(caption, ["规则 rule", "名称", "label", "类型 type", "汇总 summary"], rows)
