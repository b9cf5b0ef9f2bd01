"""Decision tables written in rule files, turned into the engine's table node with file and line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from unionkit.errors import RuleDefinitionError, RuleSyntaxError
from unionkit.rulefiles.yamlfile import Path_, YamlDocument

if TYPE_CHECKING:
    from unionkit.rulefiles.schema import TableSpec
    from unionkit.rules.expr import Expr
    from unionkit.rules.tables import DecisionTable

__all__ = ["read_table", "row_key"]


def row_key(rule: str, k: int) -> str:
    """The key under which a bundle's origins keep the file and line of row *k* (1-based)."""
    return f"{rule}:row {k}"


def _output(doc: YamlDocument, at: Path_, rule: str, value: object) -> Expr:
    """An output cell: rule text (``$param * 2``, ``"deep"`` for text) or a YAML value."""
    from unionkit.rules.expr import lit
    from unionkit.rules.parse import parse_expression

    if isinstance(value, str):
        try:
            return parse_expression(value)
        except RuleSyntaxError as exc:
            line = doc.value_lines.get(at, doc.line_of(at)) + exc.line - 1
            raise RuleDefinitionError(
                f"{doc.name}, line {line}, rule {rule!r}: {exc}", rule=rule
            ) from exc
    assert value is not None
    return lit(value)  # type: ignore[arg-type]


def read_table(
    doc: YamlDocument, at: Path_, rule: str, spec: TableSpec, origins: dict[str, str]
) -> DecisionTable:
    """
    The decision table *spec* of *rule*, written at *at* in *doc*.

    Each row's file and line goes into *origins* (see :func:`row_key`), so that a
    build check failing later (overlap, gap, unreachable row) can point at the rows.

    Raises:
        RuleDefinitionError: An input or output that does not parse, a row with the wrong
            number of cells, a malformed cell, or a row without an output; the message
            names the file, line and rule.
    """
    from unionkit.rules.parse import parse_expression
    from unionkit.rules.tables import cell, decision_table

    inputs = []
    for j, text in enumerate(spec.inputs):
        try:
            inputs.append(parse_expression(text))
        except RuleSyntaxError as exc:
            place = doc.where((*at, "inputs", j))
            raise RuleDefinitionError(f"{place}, rule {rule!r}: input: {exc}", rule=rule) from exc
    rows = []
    for k, row in enumerate(spec.rows):
        where = (*at, "rows", k)
        origins[row_key(rule, k + 1)] = doc.where(where)
        if row.then is None and spec.hit != "collect_count":
            raise RuleDefinitionError(
                f"{doc.where(where)}, rule {rule!r}: row {k + 1} needs an output (then:) / "
                f"第{k + 1}行缺少输出 then",
                rule=rule,
            )
        out = 1 if row.then is None else _output(doc, (*where, "then"), rule, row.then)
        label = row.label
        if len(row.when) != len(inputs):
            raise RuleDefinitionError(
                f"{doc.where((*where, 'when'))}, rule {rule!r}: row {k + 1} has {len(row.when)} "
                f"cells for {len(inputs)} inputs / 第{k + 1}行有{len(row.when)}个条件，"
                f"而输入有{len(inputs)}个",
                rule=rule,
            )
        cells = []
        for j, written in enumerate(row.when):
            try:
                cells.append(cell(written))
            except RuleDefinitionError as exc:
                raise RuleDefinitionError(
                    f"{doc.where((*where, 'when', j))}, rule {rule!r}: row {k + 1}: {exc}",
                    rule=rule,
                ) from exc
        rows.append((cells, out, label.zh if label else "", label.en if label else ""))
    default = None
    if spec.default is not None:
        default = _output(doc, (*at, "default"), rule, spec.default)
    return decision_table(spec.hit, inputs, rows, default=default, priority=spec.priority)
