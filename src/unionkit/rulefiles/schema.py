"""The strict schema of rule, parameter and rule-test files (pydantic, at the edge)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal, Self, TypeVar

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

from unionkit.errors import RuleDefinitionError
from unionkit.rulefiles.yamlfile import Path_, YamlDocument

__all__ = [
    "BracketSpec",
    "CriteriaFileSpec",
    "CriteriaRuleSpec",
    "EventKindSpec",
    "FieldSpec",
    "ParameterSpec",
    "RuleFileSpec",
    "RuleSpec",
    "RuleTestCaseSpec",
    "RuleTestFileSpec",
    "Strict",
    "TableRowSpec",
    "TableSpec",
    "Text",
    "validate",
    "validation_problems",
]

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
                raise ValueError(
                    f"{when}: a list of brackets needs kind: amount or "
                    "marginal_rate / 分档表需要写明 kind"
                )
            if self.kind is not None and not isinstance(value, list):
                raise ValueError(
                    f"{when}: a scale value must be a list of [threshold, amount] "
                    "/ 分档表取值应为 [门槛, 金额] 列表"
                )
        return self


class FieldSpec(Strict):
    """An extra input column that rules in this file may read."""

    type: _TYPES
    label: Text
    description: Text | None = None


Cell = Scalar | list[Scalar]


class TableRowSpec(Strict):
    """One row of a decision table: a condition cell per input, the output and a label."""

    when: list[Cell] = Field(min_length=1)
    then: Scalar | None = None
    label: Text | None = None


class TableSpec(Strict):
    """A decision table written in a rule (instead of ``expr``)."""

    hit: Literal[
        "unique", "first", "priority", "collect_sum", "collect_count", "collect_min", "collect_max"
    ]
    inputs: list[Annotated[StrictStr, Field(min_length=1)]] = Field(min_length=1)
    rows: list[TableRowSpec] = Field(min_length=1)
    default: Scalar | None = None
    priority: list[Scalar] = []


class EventKindSpec(Strict):
    """
    A kind of dated event that rules in this file may read (``event_count("kind")`` ...).

    ``shape`` is ``date`` (each event has one ``date``) or ``span`` (a ``start`` and an
    ``end``); ``fields`` are its other columns (``days``, an amount, a text attribute).
    """

    label: Text
    shape: Literal["date", "span"]
    fields: dict[Annotated[str, Field(pattern=_IDENT_PATTERN)], FieldSpec] = {}


class RuleSpec(Strict):
    """One rule in a file: its value is an expression (``expr``) or a decision table (``table``)."""

    name: Annotated[StrictStr, Field(pattern=_IDENT_PATTERN)]
    label: Text
    type: _TYPES
    expr: StrictStr | None = Field(default=None, min_length=1)
    table: TableSpec | None = None
    entity: StrictStr = "member"
    missing: Annotated[Literal["false", "propagate"], BeforeValidator(_no_to_false)] = "false"
    description: Text | None = None
    source: StrictStr = ""
    summary: Literal["count", "total", "none"] | None = None

    @model_validator(mode="after")
    def _expr_or_table(self) -> Self:
        if (self.expr is None) == (self.table is None):
            raise ValueError("a rule needs either expr or table (not both)")
        return self


class RuleFileSpec(Strict):
    """A whole rule or parameter file."""

    fields: dict[Annotated[str, Field(pattern=_IDENT_PATTERN)], FieldSpec] = {}
    events: dict[Annotated[str, Field(pattern=_IDENT_PATTERN)], EventKindSpec] = {}
    parameters: dict[Annotated[str, Field(pattern=_PARAM_PATTERN)], ParameterSpec] = {}
    rules: list[RuleSpec] = []


class CriteriaRuleSpec(Strict):
    """A rule over a branch's hardship criteria: one term per criterion, joined."""

    name: Annotated[StrictStr, Field(pattern=_IDENT_PATTERN)]
    label: Text
    type: _TYPES
    each: StrictStr = Field(min_length=1)
    join: Literal["+", "or"]


class CriteriaFileSpec(Strict):
    """The standard library's ``criteria.yaml``."""

    criteria_rules: list[CriteriaRuleSpec] = Field(min_length=1)


class RuleTestCaseSpec(Strict):
    """One case of a YAML rule test."""

    name: StrictStr = Field(min_length=1)
    as_of: date
    description: StrictStr = ""
    members: list[dict[str, Scalar | None]] = Field(min_length=1)
    events: dict[StrictStr, list[dict[str, Scalar | None]]] = {}
    expect: dict[str, dict[str, Scalar | None]] = Field(min_length=1)
    # member -> rule -> the missing inputs named: "field" (the member's own) or "field@member_id"
    undetermined: dict[str, dict[str, list[StrictStr]]] = {}


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
        field = ".".join(str(p) for p in loc[len(prefix) :]) or "(file)"
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
