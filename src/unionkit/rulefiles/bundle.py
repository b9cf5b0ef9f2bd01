"""Rule files read into rules-engine objects: a bundle of rules, parameters, fields and origins."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, cast

from attrs import field, frozen

from unionkit.errors import RuleDefinitionError, RuleSyntaxError
from unionkit.rulefiles.schema import BracketSpec, ParameterSpec, RuleFileSpec, validate
from unionkit.rulefiles.yamlfile import RuleSource, read_yaml

if TYPE_CHECKING:
    from unionkit.rules import Missing, Parameter, Parameters, Rule, ValueType
    from unionkit.rules.expr import Expr

__all__ = [
    "Owner",
    "RuleBundle",
    "as_source_list",
    "combine",
    "empty_bundle",
    "load_parameter_mapping",
    "load_parameters",
    "load_rules",
    "make_parameter",
    "read_rule_files",
]


@frozen
class RuleBundle:
    """
    What one or more rule files define, converted to rules-engine objects.

    A branch's plugins give a bundle too (see :mod:`unionkit.branches`): then
    *owners* says which plugin, through which hook, contributed each rule and
    parameter, and an invalid rule set names that plugin.

    Attributes:
        rules: The rules, in file order.
        parameters: The parameters, in one layer named by the load's ``source``.
        fields: Extra input columns declared by the files, with their types.
        origins: ``{rule name, "param:" + name or "field:" + name: "file, line N"}``
            for error messages.
        owners: ``{rule name or "param:" + name: Owner}`` for definitions a plugin gave.

    .. versionadded:: 0.1.0
    """

    rules: tuple[Rule, ...]
    parameters: Parameters
    fields: Mapping[str, ValueType]
    origins: Mapping[str, str]
    owners: Mapping[str, Owner] = field(factory=dict)


@frozen
class Owner:
    """
    The plugin that contributed a rule or parameter, and the hook it came through.

    .. versionadded:: 0.1.0
    """

    plugin: str
    hook: str


def empty_bundle() -> RuleBundle:
    """Return a bundle with no rules, parameters or fields."""
    from unionkit.rules import Parameters

    return RuleBundle((), Parameters(), {}, {})


def as_source_list(sources: RuleSource | Iterable[RuleSource]) -> list[RuleSource]:
    """Return one rule source, or several, as a list."""
    if isinstance(sources, (str, os.PathLike)) or hasattr(sources, "read_text"):
        return [cast(RuleSource, sources)]
    return list(sources)


def make_parameter(name: str, spec: ParameterSpec, layer: str, where: str) -> Parameter:
    """
    Turn a validated parameter spec into a rules-engine ``Parameter``.

    Each value's source reads ``"<layer>: <source document>"`` so an explanation
    names both the layer (``unionkit``, a branch) and the document.

    Raises:
        RuleDefinitionError: The values do not make a valid parameter (mixed
            kinds, money with more than two decimals, bad scale); names *where*.
    """
    from unionkit.errors import ParameterError
    from unionkit.rules import Bracket, Parameter, ParameterValue, Scale

    provenance = f"{layer}: {spec.source}"
    values = []
    for effective, raw in spec.values.items():
        value: object = raw
        if isinstance(raw, list):
            pairs = [(b.threshold, b.amount) if isinstance(b, BracketSpec) else b for b in raw]
            try:
                value = Scale(tuple(Bracket(t, a) for t, a in pairs), spec.kind or "amount")
            except ParameterError as exc:
                raise RuleDefinitionError(
                    f"{where}: parameter {name!r} on {effective}: {exc}"
                ) from exc
        values.append(ParameterValue(effective, value, provenance))
    try:
        return Parameter(
            name, spec.unit, spec.description_zh, spec.description_en, tuple(values), layer
        )
    except ParameterError as exc:
        raise RuleDefinitionError(f"{where}: {exc}") from exc


def read_rule_files(
    sources: RuleSource | Iterable[RuleSource], source: str = "unionkit"
) -> RuleBundle:
    """
    Read rule files: their rules, parameters and extra input fields.

    A rule file has up to three keys: ``fields`` (extra input columns and
    their types), ``parameters`` (dated values and scales, each with a unit,
    zh/en description and source document) and ``rules`` (a list of rules,
    each with ``name``, ``label: {zh, en}``, ``type``, ``expr`` and optionally
    ``entity``, ``missing``, ``description: {zh, en}``, ``source``). A
    parameter file is the same format with only ``parameters``.

    Args:
        sources: One or more paths, ``Traversable`` objects or YAML texts.
        source: The layer name the parameters belong to (``"unionkit"`` for
            the standard library, a branch plugin's name for its overrides);
            explanations say which layer a value came from.

    Returns:
        The rules, parameters and fields, in file order.

    Raises:
        RuleDefinitionError: A file is unreadable, not plain YAML, breaks the
            schema, has an expression that does not parse, or defines a rule,
            parameter or field twice; the message names the file, line and rule.

    .. versionadded:: 0.1.0
    """
    from unionkit.rulefiles.tables import read_table
    from unionkit.rules import Parameters, Rule, ValueType
    from unionkit.rules.events import event_fields
    from unionkit.rules.parse import parse_expression

    rules: list[Rule] = []
    params = Parameters()
    fields: dict[str, ValueType] = {}
    origins: dict[str, str] = {}
    for item in as_source_list(sources):
        doc = read_yaml(item)
        if doc.data is None:
            continue
        if not isinstance(doc.data, dict):
            raise RuleDefinitionError(
                f"{doc.name}, line 1: a rule file is a mapping with the keys fields, parameters "
                "and rules / 规则文件应为包含 fields、parameters、rules 的映射"
            )
        spec = validate(doc, RuleFileSpec)
        for fname, fspec in spec.fields.items():
            where = doc.where(("fields", fname))
            if fname in fields and fields[fname] != ValueType(fspec.type):
                raise RuleDefinitionError(
                    f"{where}: field {fname!r} declared again with another type "
                    f"(first at {origins['field:' + fname]}) / 字段 {fname!r} 类型声明冲突"
                )
            fields[fname] = ValueType(fspec.type)
            origins.setdefault("field:" + fname, where)
        for kname, kspec in spec.events.items():
            where = doc.where(("events", kname))
            try:
                declared = event_fields(
                    kname,
                    span=kspec.shape == "span",
                    attributes={a: ValueType(f.type) for a, f in kspec.fields.items()},
                )
            except RuleDefinitionError as exc:
                raise RuleDefinitionError(f"{where}: {exc}") from exc
            for fname, ftype in declared.items():
                if fname in fields and fields[fname] != ftype:
                    raise RuleDefinitionError(
                        f"{where}: event kind {kname!r} declared again with another "
                        f"{fname.partition('.')[2]!r} (first at {origins['field:' + fname]}) "
                        f"/ 事件类别 {kname!r} 声明冲突"
                    )
                fields[fname] = ftype
                origins.setdefault("field:" + fname, where)
        for pname, pspec in spec.parameters.items():
            where = doc.where(("parameters", pname))
            if "param:" + pname in origins:
                raise RuleDefinitionError(
                    f"{where}: parameter {pname!r} is defined twice (first at "
                    f"{origins['param:' + pname]}) / 参数 {pname!r} 重复定义"
                )
            origins["param:" + pname] = where
            params.add(make_parameter(pname, pspec, source, where))
        for i, rspec in enumerate(spec.rules):
            where = doc.where(("rules", i))
            if rspec.name in origins:
                raise RuleDefinitionError(
                    f"{where}, rule {rspec.name!r}: defined twice (first at "
                    f"{origins[rspec.name]}) / 规则 {rspec.name!r} 重复定义",
                    rule=rspec.name,
                )
            origins[rspec.name] = where
            expr: Expr
            try:
                if rspec.table is not None:
                    expr = read_table(doc, ("rules", i, "table"), rspec.name, rspec.table, origins)
                else:
                    assert rspec.expr is not None
                    expr = parse_expression(rspec.expr)
            except RuleSyntaxError as exc:
                base = doc.value_lines.get(("rules", i, "expr"), doc.line_of(("rules", i)))
                raise RuleDefinitionError(
                    f"{doc.name}, line {base + exc.line - 1}, rule {rspec.name!r}: expr: {exc}",
                    rule=rspec.name,
                ) from exc
            description = rspec.description
            extra: dict[str, Any] = {}
            if rspec.summary is not None:
                extra["summary"] = rspec.summary
            try:
                rule = Rule(
                    rspec.name,
                    expr,
                    rspec.label.zh,
                    rspec.label.en,
                    ValueType(rspec.type),
                    entity=rspec.entity,
                    missing=_missing(rspec.missing),
                    description_zh=description.zh if description else "",
                    description_en=description.en if description else "",
                    source=rspec.source,
                    **extra,
                )
            except RuleDefinitionError as exc:
                raise RuleDefinitionError(f"{where}: {exc}", rule=rspec.name) from exc
            rules.append(rule)
    return RuleBundle(tuple(rules), params, fields, origins)


def _missing(value: str) -> Missing:
    from unionkit.rules import Missing

    found: Missing = Missing(value)
    return found


def load_rules(sources: RuleSource | Iterable[RuleSource], source: str = "unionkit") -> list[Rule]:
    """
    Read the rules of one or more rule files.

    Args:
        sources: Paths, ``Traversable`` objects or YAML texts.
        source: The layer name for the files' parameters (see :func:`read_rule_files`).

    Returns:
        The rules, in file order.

    Raises:
        RuleDefinitionError: See :func:`read_rule_files`.

    .. versionadded:: 0.1.0
    """
    return list(read_rule_files(sources, source).rules)


def load_parameters(
    sources: RuleSource | Iterable[RuleSource], source: str = "unionkit"
) -> Parameters:
    """
    Read the parameters of one or more rule or parameter files, as one layer.

    Args:
        sources: Paths, ``Traversable`` objects or YAML texts.
        source: The layer name (``"unionkit"``, or a branch's name for its overrides).

    Returns:
        The parameters; overlay them on others with ``Parameters.overlay``.

    Raises:
        RuleDefinitionError: See :func:`read_rule_files`.

    .. versionadded:: 0.1.0
    """
    return read_rule_files(sources, source).parameters


def combine(first: RuleBundle, second: RuleBundle) -> RuleBundle:
    """
    Join two bundles: the second's parameters overlay the first's; rules must not collide.

    Raises:
        RuleDefinitionError: Both define a rule with the same name, or a field with two types.

    .. versionadded:: 0.1.0
    """
    names = {rule.name for rule in first.rules}
    for rule in second.rules:
        if rule.name in names:
            raise RuleDefinitionError(
                f"{second.origins.get(rule.name, '<rules>')}, rule {rule.name!r}: already "
                f"defined at {first.origins.get(rule.name, 'the base rules')} "
                f"/ 规则 {rule.name!r} 重复定义",
                rule=rule.name,
            )
    fields = dict(first.fields)
    for fname, ftype in second.fields.items():
        if fields.get(fname, ftype) != ftype:
            raise RuleDefinitionError(
                f"{second.origins.get('field:' + fname, '<fields>')}: field {fname!r} declared "
                f"again with another type / 字段 {fname!r} 类型声明冲突"
            )
        fields[fname] = ftype
    return RuleBundle(
        first.rules + second.rules,
        first.parameters.overlay(second.parameters),
        fields,
        {**first.origins, **second.origins},
        {**first.owners, **second.owners},
    )


def load_parameter_mapping(source: RuleSource, layer: str = "unionkit") -> Parameters:
    """
    Read a plain parameter mapping file (``Parameters.from_mapping``'s shape) safely.

    The short format without descriptions or sources: ``{name: {unit, values:
    {date: value}}}``, optionally under a ``parameters`` key. Read with the same
    safe reader as rule files (decimals stay exact, no tags).

    Args:
        source: A path, a ``Traversable``, or YAML text.
        layer: The layer name the values belong to.

    Returns:
        The parameters.

    Raises:
        ParameterError: The file cannot be read or is malformed; the message
            names the file and the parameter.

    .. versionadded:: 0.1.0
    """
    from unionkit.errors import ParameterError
    from unionkit.rules import Parameters

    try:
        doc = read_yaml(source)
    except RuleDefinitionError as exc:
        raise ParameterError(f"cannot read parameters: {exc} / 无法读取参数文件") from exc
    if not isinstance(doc.data, Mapping):
        raise ParameterError(f"{doc.name}: expected a mapping of parameters / 参数文件应为映射")
    return Parameters.from_mapping(doc.data, source=layer, origin=doc.name)
