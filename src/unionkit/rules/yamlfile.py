"""Rule and parameter files in YAML: read safely, checked strictly, errors name file, line, rule."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Protocol, Self, TypeVar, cast

import yaml
from attrs import frozen
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    model_validator,
)

from unionkit.errors import RuleDefinitionError, RuleSyntaxError

if TYPE_CHECKING:
    from unionkit.rules import Missing, Parameter, Parameters, Rule, RuleSet, ValueType

__all__ = [
    "RuleBundle",
    "RuleSource",
    "RuleTestCaseSpec",
    "RuleTestFileSpec",
    "YamlDocument",
    "build_ruleset",
    "combine",
    "empty_bundle",
    "load_parameters",
    "load_rules",
    "load_ruleset",
    "make_parameter",
    "read_rule_files",
    "read_yaml",
    "validate",
    "validation_problems",
]

MAX_YAML_NODES = 200_000
"""The most YAML nodes (after expanding aliases) one file may hold; stops alias bombs."""

MAX_YAML_DEPTH = 64
"""The deepest nesting of mappings and lists accepted in a YAML file."""

_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_FLOAT = "tag:yaml.org,2002:float"
_INT = "tag:yaml.org,2002:int"
_STR = "tag:yaml.org,2002:str"

Path_ = tuple[str | int, ...]


class _Readable(Protocol):
    def read_text(self, encoding: str = ...) -> str: ...


RuleSource = str | os.PathLike[str] | _Readable
"""A rule file given as a path, a ``Traversable`` (``importlib.resources``), or YAML text.

A ``str`` is YAML text unless it is a single line ending in ``.yaml`` or ``.yml``,
in which case it is a path.
"""


@frozen
class YamlDocument:
    """
    A YAML file read into plain values, with the line of every key and value.

    Attributes:
        name: The file name (or ``<string>``) used in error messages.
        data: The plain data: dicts, lists, str, int, ``Decimal`` (never float), bool, date, None.
        key_lines: ``{path: line}`` of the key that names each value (1-based).
        value_lines: ``{path: line}`` where each value's content starts (1-based).
    """

    name: str
    data: object
    key_lines: Mapping[Path_, int]
    value_lines: Mapping[Path_, int]

    def line_of(self, path: Sequence[str | int]) -> int:
        """Return the line of *path*, or of its nearest ancestor that has one."""
        key = tuple(path)
        while key:
            if key in self.key_lines:
                return self.key_lines[key]
            if key in self.value_lines:
                return self.value_lines[key]
            key = key[:-1]
        return self.value_lines.get((), 1)

    def where(self, path: Sequence[str | int]) -> str:
        """Return ``"file, line N"`` for *path*."""
        return f"{self.name}, line {self.line_of(path)}"


def _source_text(source: RuleSource) -> tuple[str, str]:
    if isinstance(source, str):
        single = "\n" not in source and source.strip().endswith((".yaml", ".yml"))
        if not single:
            return "<string>", source
        source = Path(source.strip())
    name = os.fspath(source) if isinstance(source, os.PathLike) else str(source)
    try:
        if isinstance(source, os.PathLike):
            return name, Path(source).read_text(encoding="utf-8")
        return name, source.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise RuleDefinitionError(f"{name}: file not found / 找不到文件") from exc
    except UnicodeDecodeError as exc:
        raise RuleDefinitionError(
            f"{name}: not UTF-8 text ({exc.reason}) / 不是 UTF-8 编码的文本"
        ) from exc
    except OSError as exc:
        raise RuleDefinitionError(
            f"{name}: cannot be read ({exc.strerror}) / 无法读取"
        ) from exc


class _Walker:
    """Turns composed YAML nodes into plain values, recording where each one was written."""

    def __init__(self, loader: yaml.SafeLoader, name: str) -> None:
        self.loader = loader
        self.name = name
        self.count = 0
        self.key_lines: dict[Path_, int] = {}
        self.value_lines: dict[Path_, int] = {}

    def fail(self, node: yaml.Node, en: str, zh: str) -> RuleDefinitionError:
        return RuleDefinitionError(f"{self.name}, line {node.start_mark.line + 1}: {en} / {zh}")

    def walk(self, node: yaml.Node, path: Path_) -> object:
        self.count += 1
        if self.count > MAX_YAML_NODES:
            raise self.fail(node, f"more than {MAX_YAML_NODES} values (alias expansion?)",
                            f"超过{MAX_YAML_NODES}个值（别名展开过多？）")
        if len(path) > MAX_YAML_DEPTH:
            raise self.fail(node, f"nested more than {MAX_YAML_DEPTH} levels",
                            f"嵌套超过{MAX_YAML_DEPTH}层")
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            self.value_lines[path] = line
            if node.tag != _MAP:
                raise self.fail(node, f"the tag {node.tag!r} is not allowed in a rule file",
                                f"规则文件中不允许标签 {node.tag!r}")
            out: dict[str, object] = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node)
                if isinstance(key, date):
                    key = key.isoformat()
                if isinstance(key, bool) or not isinstance(key, (str, int)):
                    raise self.fail(key_node, "keys must be text or dates", "键必须是文本或日期")
                if key == "<<":
                    raise self.fail(key_node, "merge keys (<<) are not supported",
                                    "不支持合并键 (<<)")
                text_key = str(key)
                if text_key in out:
                    raise self.fail(key_node, f"the key {text_key!r} appears twice",
                                    f"键 {text_key!r} 重复出现")
                self.key_lines[(*path, text_key)] = key_node.start_mark.line + 1
                out[text_key] = self.walk(value_node, (*path, text_key))
            return out
        if isinstance(node, yaml.SequenceNode):
            self.value_lines[path] = line
            if node.tag != _SEQ:
                raise self.fail(node, f"the tag {node.tag!r} is not allowed in a rule file",
                                f"规则文件中不允许标签 {node.tag!r}")
            return [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
        block = isinstance(node, yaml.ScalarNode) and node.style in ("|", ">")
        self.value_lines[path] = line + (1 if block else 0)
        return self.scalar(node)

    def scalar(self, node: yaml.Node) -> object:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, "expected a single value here", "此处应为单个值")
        if node.tag == _FLOAT:
            # money and rates stay exact: never let YAML build a binary float
            try:
                value = Decimal(str(node.value).replace("_", ""))
            except InvalidOperation as exc:
                raise self.fail(node, f"{node.value!r} is not a number", "不是数字") from exc
            if not value.is_finite():
                raise self.fail(node, "infinite or NaN numbers are not allowed",
                                "不允许无穷大或 NaN")
            if value and abs(value.adjusted()) > 18:
                # 1.0e400 is finite for Decimal but no amount, rate or age is that large.
                raise self.fail(node, "number too large or too small (at most 18 digits "
                                "either side of the point)", "数字过大或过小")
            return value
        if node.tag == _INT and len(str(node.value)) > 40:
            raise self.fail(node, "number too long", "数字过长")
        try:
            value_obj: object = self.loader.construct_object(node)
        except yaml.YAMLError as exc:
            raise self.fail(node, f"the tag {node.tag!r} is not allowed in a rule file "
                            "(a rule file is data, not code)",
                            f"规则文件中不允许标签 {node.tag!r}（规则文件只是数据）") from exc
        if isinstance(value_obj, datetime):
            raise self.fail(node, "a date-time is not allowed here; write a date (YYYY-MM-DD)",
                            "此处不允许日期时间，请写日期 (YYYY-MM-DD)")
        if not isinstance(value_obj, (str, int, bool, date, type(None))):
            raise self.fail(node, f"the tag {node.tag!r} is not allowed in a rule file",
                            f"规则文件中不允许标签 {node.tag!r}")
        return value_obj


def read_yaml(source: RuleSource) -> YamlDocument:
    """
    Read a YAML file safely, keeping the line of every key and value.

    Only plain YAML is accepted: mappings, lists, text, integers, decimals
    (kept exact as ``Decimal``), booleans, dates and null. Any other tag (for
    example ``!!python/object``) is refused, as are merge keys, duplicate keys
    and alias bombs.

    Args:
        source: A path, a ``Traversable``, or YAML text.

    Returns:
        The document.

    Raises:
        RuleDefinitionError: The file cannot be read or is not plain YAML;
            the message names the file and line.

    .. versionadded:: 0.1.0
    """
    name, text = _source_text(source)
    try:
        loader = yaml.SafeLoader(text)  # refuses NUL and other control characters at once
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise RuleDefinitionError(
            f"{name}, line {line}: the control character U+{exc.character:04X} is not allowed "
            f"/ 第{line}行含有不允许的控制字符"
        ) from None
    walker = _Walker(loader, name)
    try:
        node = loader.get_single_node()
        data = None if node is None else walker.walk(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise RuleDefinitionError(
            f"{name}, line {line}: not valid YAML: {exc.problem or exc.context} / YAML 格式错误"
        ) from exc
    except yaml.YAMLError as exc:
        raise RuleDefinitionError(f"{name}: not valid YAML: {exc} / YAML 格式错误") from exc
    except RecursionError as exc:
        raise RuleDefinitionError(
            f"{name}: nested too deeply / 嵌套过深"
        ) from exc
    finally:
        loader.dispose()
    return YamlDocument(name, data, walker.key_lines, walker.value_lines)


# --- The strict schema (pydantic, at the edge) ---

_IDENT_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
_PARAM_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$"
_TYPES = Literal["bool", "int", "number", "money", "date", "text"]


def _no_to_false(value: object) -> object:
    # YAML 1.1 reads an unquoted `false` or `no` as a boolean
    if value is False:
        return "false"
    return value


class Strict(BaseModel):
    """Base of the file schemas: unknown keys are errors, values are not coerced from text."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text in Chinese and English."""

    zh: StrictStr = Field(min_length=1)
    en: StrictStr = Field(min_length=1)


Number = StrictInt | Decimal


Scalar = StrictBool | StrictInt | Decimal | date | StrictStr


class BracketSpec(Strict):
    """One row of a scale written as a mapping: from ``threshold`` upwards, ``amount``."""

    threshold: Number
    amount: Number


Bracket_ = Annotated[tuple[Number, Number], Field(strict=False)] | BracketSpec


class ParameterSpec(Strict):
    """
    A dated parameter, in the shape ``Parameters.from_mapping`` reads, checked strictly.

    ``values`` maps effective dates to values; with ``kind`` (``amount`` or
    ``marginal_rate``) each value is a scale: a list of ``[threshold, amount]``
    pairs or ``{threshold, amount}`` mappings.
    """

    unit: StrictStr = Field(min_length=1)
    description_zh: StrictStr = Field(min_length=1)
    description_en: StrictStr = Field(min_length=1)
    source: StrictStr = Field(min_length=1)
    kind: Literal["amount", "marginal_rate"] | None = None
    values: dict[date, Scalar | list[Bracket_]] = Field(min_length=1)

    @model_validator(mode="after")
    def _values_match_kind(self) -> Self:
        for when, value in self.values.items():
            if self.kind is None and isinstance(value, list):
                raise ValueError(f"{when}: a list of brackets needs kind: amount or "
                                 "marginal_rate / 分档表需要写明 kind")
            if self.kind is not None and not isinstance(value, list):
                raise ValueError(f"{when}: a scale value must be a list of [threshold, amount] "
                                 "/ 分档表取值应为 [门槛, 金额] 列表")
        return self


class FieldSpec(Strict):
    """An extra input column that rules in this file may read."""

    type: _TYPES
    label: Text
    description: Text | None = None


class RuleSpec(Strict):
    """One rule in a file."""

    name: Annotated[StrictStr, Field(pattern=_IDENT_PATTERN)]
    label: Text
    type: _TYPES
    expr: StrictStr = Field(min_length=1)
    entity: StrictStr = "member"
    missing: Annotated[Literal["false", "propagate"], BeforeValidator(_no_to_false)] = "false"
    description: Text | None = None
    source: StrictStr = ""
    summary: Literal["count", "total", "none"] | None = None


class RuleFileSpec(Strict):
    """A whole rule or parameter file."""

    fields: dict[Annotated[str, Field(pattern=_IDENT_PATTERN)], FieldSpec] = {}
    parameters: dict[Annotated[str, Field(pattern=_PARAM_PATTERN)], ParameterSpec] = {}
    rules: list[RuleSpec] = []


class RuleTestCaseSpec(Strict):
    """One case of a YAML rule test."""

    name: StrictStr = Field(min_length=1)
    as_of: date
    description: StrictStr = ""
    members: list[dict[str, Scalar | None]] = Field(min_length=1)
    expect: dict[str, dict[str, Scalar | None]] = Field(min_length=1)


class RuleTestFileSpec(Strict):
    """A ``*.ruletest.yaml`` file: what to load and the cases to run."""

    standard: StrictBool = True
    rule_files: list[StrictStr] = []
    parameter_files: list[StrictStr] = []
    parameters: dict[Annotated[str, Field(pattern=_PARAM_PATTERN)], ParameterSpec] = {}
    cases: list[RuleTestCaseSpec] = Field(min_length=1)


_ZH = {
    "extra_forbidden": "未知的键（拼写错误？）",
    "missing": "缺少必填项",
    "literal_error": "取值不在允许范围内",
    "string_pattern_mismatch": "名称格式不正确",
    "string_too_short": "不能为空",
    "too_short": "不能为空",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "date_type": "应为日期 YYYY-MM-DD",
    "model_type": "应为映射（键: 值）",
    "dict_type": "应为映射（键: 值）",
    "list_type": "应为列表",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "bool_type": "应为 true 或 false",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "value_error": "取值无效",
}

M = TypeVar("M", bound=BaseModel)


def validation_problems(doc: YamlDocument, exc: ValidationError, prefix: Path_ = ()) -> str:
    """
    Describe a pydantic validation failure with the file, line and rule of each problem.

    Args:
        doc: The document that was validated.
        exc: The validation error.
        prefix: The path within the document of the data that was validated.

    Returns:
        One line per problem (at most ten), English then Chinese.
    """
    lines = []
    for err in exc.errors()[:10]:
        loc = (*prefix, *(p for p in err["loc"] if isinstance(p, (str, int))))
        # pydantic reports a union's member name in loc: drop non-data parts for line lookup
        where = doc.where(loc)
        rule = _rule_name_at(doc, loc)
        field = ".".join(str(p) for p in loc[len(prefix):]) or "(file)"
        zh = _ZH.get(err["type"], "取值无效")
        lines.append(f"{where}{rule}: {field}: {err['msg']} / {zh}")
    more = len(exc.errors()) - 10
    if more > 0:
        lines.append(f"... and {more} more / 另有{more}处")
    return "\n".join(lines)


def _rule_name_at(doc: YamlDocument, loc: Sequence[str | int]) -> str:
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        data = doc.data
        if isinstance(data, dict):
            rules = data.get("rules")
            if isinstance(rules, list) and loc[1] < len(rules):
                item = rules[loc[1]]
                if isinstance(item, dict) and isinstance(item.get("name"), str):
                    return f", rule {item['name']!r}"
    return ""


def validate(doc: YamlDocument, model: type[M], data: object = None, prefix: Path_ = ()) -> M:
    """
    Validate a document (or the part of it at *prefix*) against a strict model.

    Raises:
        RuleDefinitionError: Listing each problem with its file, line and rule.
    """
    try:
        return model.model_validate(doc.data if data is None else data)
    except ValidationError as exc:
        raise RuleDefinitionError(
            f"{doc.name}: invalid {model.__name__} / 文件内容不符合格式:\n"
            + validation_problems(doc, exc, prefix)
        ) from exc


# --- From validated files to rules-engine objects ---


@frozen
class RuleBundle:
    """
    What one or more rule files define, converted to rules-engine objects.

    Attributes:
        rules: The rules, in file order.
        parameters: The parameters, in one layer named by the load's ``source``.
        fields: Extra input columns declared by the files, with their types.
        origins: ``{rule or parameter name: "file, line N"}`` for error messages.

    .. versionadded:: 0.1.0
    """

    rules: tuple[Rule, ...]
    parameters: Parameters
    fields: Mapping[str, ValueType]
    origins: Mapping[str, str]


def empty_bundle() -> RuleBundle:
    """Return a bundle with no rules, parameters or fields."""
    from unionkit.rules import Parameters

    return RuleBundle((), Parameters(), {}, {})


def _as_list(sources: RuleSource | Iterable[RuleSource]) -> list[RuleSource]:
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
                raise RuleDefinitionError(f"{where}: parameter {name!r} on {effective}: "
                                          f"{exc}") from exc
        values.append(ParameterValue(effective, value, provenance))
    try:
        return Parameter(name, spec.unit, spec.description_zh, spec.description_en,
                         tuple(values), layer)
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
    from unionkit.rules import Parameters, Rule, ValueType
    from unionkit.rules.parse import parse_expression

    rules: list[Rule] = []
    params = Parameters()
    fields: dict[str, ValueType] = {}
    origins: dict[str, str] = {}
    for item in _as_list(sources):
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
                    f"{origins[rspec.name]}) / 规则 {rspec.name!r} 重复定义"
                )
            origins[rspec.name] = where
            try:
                expr = parse_expression(rspec.expr)
            except RuleSyntaxError as exc:
                base = doc.value_lines.get(("rules", i, "expr"), doc.line_of(("rules", i)))
                raise RuleDefinitionError(
                    f"{doc.name}, line {base + exc.line - 1}, rule {rspec.name!r}: "
                    f"expr: {exc}"
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
                raise RuleDefinitionError(f"{where}: {exc}") from exc
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


def load_ruleset(
    sources: RuleSource | Iterable[RuleSource],
    source: str = "unionkit",
    *,
    parameters: Parameters | None = None,
    base: RuleBundle | None = None,
) -> RuleSet:
    """
    Read rule files and build a validated rule set from them.

    Args:
        sources: Paths, ``Traversable`` objects or YAML texts.
        source: The layer name for the files' parameters.
        parameters: Parameters overlaid on the files' own (a branch's
            overrides, or a what-if proposal).
        base: Rules, parameters and fields to start from (for example the
            standard library's bundle); the files add to them, and a file's rule
            with the same name as a base rule is an error.

    Returns:
        The rule set, type-checked against the standard roster fields plus the
        fields the files declare.

    Raises:
        RuleDefinitionError: A file is invalid, or the rules do not type-check
            (unknown field or parameter, type mismatch, cycle); the message
            names the rule and, where known, the file and line it came from.

    .. versionadded:: 0.1.0
    """
    bundle = read_rule_files(sources, source)
    if base is not None:
        bundle = combine(base, bundle)
    return build_ruleset(bundle, parameters)


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
                f"/ 规则 {rule.name!r} 重复定义"
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
    )


def build_ruleset(bundle: RuleBundle, parameters: Parameters | None = None) -> RuleSet:
    """
    Build a rule set from a bundle, naming the file and line of a rule that fails validation.

    Args:
        bundle: Rules, parameters and fields.
        parameters: Parameters overlaid on the bundle's.

    Returns:
        The validated rule set.

    Raises:
        RuleDefinitionError: The rules do not type-check.

    .. versionadded:: 0.1.0
    """
    from unionkit.rules import MEMBER_FIELDS, RuleSet

    params = bundle.parameters
    if parameters is not None:
        params = params.overlay(parameters)
    fields = {**MEMBER_FIELDS, **bundle.fields}
    try:
        return RuleSet(bundle.rules, params, fields)
    except RuleDefinitionError as exc:
        message = str(exc)
        for name, where in bundle.origins.items():
            if not name.startswith(("field:", "param:")) and repr(name) in message:
                raise RuleDefinitionError(f"{message}\n  (rule {name!r} is at {where} / "
                                          f"规则 {name!r} 位于 {where})") from exc
        raise
