"""The rules engine: dated parameters and rules written once, run per member or per roster."""

from __future__ import annotations

from unionkit.rules.batch import BatchResult
from unionkit.rules.explain import ExplainNode, Explanation
from unionkit.rules.expr import (
    Expr,
    between,
    clip,
    days_since,
    field,
    group_all,
    group_any,
    group_count,
    group_max,
    group_min,
    group_sum,
    isin,
    lit,
    maximum,
    minimum,
    months_since,
    name,
    param,
    ref,
    scale_lookup,
    where,
    years_since,
)
from unionkit.rules.parameters import (
    Bracket,
    Parameter,
    Parameters,
    ParameterValue,
    ResolvedValue,
    Scale,
)
from unionkit.rules.ruleset import Rule, RuleSet
from unionkit.rules.schema import MEMBER_FIELDS, FieldType, Missing, ValueType
from unionkit.rules.whatif import WhatIfReport, what_if

__all__ = [
    "MEMBER_FIELDS",
    "BatchResult",
    "Bracket",
    "ExplainNode",
    "Explanation",
    "Expr",
    "FieldType",
    "Missing",
    "Parameter",
    "ParameterValue",
    "Parameters",
    "ResolvedValue",
    "Rule",
    "RuleSet",
    "Scale",
    "ValueType",
    "WhatIfReport",
    "between",
    "clip",
    "days_since",
    "field",
    "group_all",
    "group_any",
    "group_count",
    "group_max",
    "group_min",
    "group_sum",
    "isin",
    "lit",
    "maximum",
    "minimum",
    "months_since",
    "name",
    "param",
    "ref",
    "scale_lookup",
    "what_if",
    "where",
    "years_since",
]
