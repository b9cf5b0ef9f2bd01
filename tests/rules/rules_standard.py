"""The eight standard union rules written with the Python API, shared by the rules-engine tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from unionkit.rules import (
    Bracket,
    Parameter,
    Parameters,
    ParameterValue,
    Rule,
    RuleSet,
    Scale,
    field,
    group_count,
    group_sum,
    param,
    ref,
    scale_lookup,
    where,
    years_since,
)

HH = "household_id"
WEIGHTS = {"low_income": 0.5, "hospital": 0.3, "sole_earner": 0.2, "illness": 0.4}
BRACKETS = [(Decimal("0.3"), 500), (Decimal("0.6"), 1000), (Decimal("0.9"), 2000)]


def standard_parameters() -> Parameters:
    """Parameters of the eight standard rules; the income threshold changes on 2025-01-01."""
    p = Parameters()
    since = date(2020, 1, 1)
    p.add(
        Parameter(
            "screening.min_age",
            "years",
            "肿瘤筛查起始年龄",
            "screening minimum age",
            [ParameterValue(since, 40)],
        )
    )
    p.add(
        Parameter(
            "hardship.income_threshold",
            "yuan",
            "人均月收入困难线",
            "per-capita monthly income threshold",
            [
                ParameterValue(date(2023, 1, 1), Decimal("1800")),
                ParameterValue(date(2025, 1, 1), Decimal("2000")),
            ],
        )
    )
    p.add(
        Parameter(
            "hospital.min_sick_days",
            "days",
            "住院补助病假天数",
            "sick-leave days for the hospital subsidy",
            [ParameterValue(since, 15)],
        )
    )
    p.add(
        Parameter(
            "tenure.long_years",
            "years",
            "长期工龄年限",
            "long tenure years",
            [ParameterValue(since, 30)],
        )
    )
    p.add(
        Parameter(
            "hardship.large_household",
            "people",
            "大家庭人数",
            "large household size",
            [ParameterValue(since, 3)],
        )
    )
    for key, weight in WEIGHTS.items():
        p.add(
            Parameter(
                f"hardship.weight.{key}",
                "points",
                f"困难评分权重（{key}）",
                f"hardship score weight ({key})",
                [ParameterValue(since, weight)],
            )
        )
    p.add(
        Parameter(
            "hardship.subsidy_brackets",
            "yuan",
            "困难补助分档",
            "hardship subsidy brackets",
            [ParameterValue(since, Scale([Bracket(t, a) for t, a in BRACKETS]))],
        )
    )
    return p


def standard_rules() -> list[Rule]:
    """Screening, low income, hospital subsidy, tenure, sole earner, eligibility, score, amount."""
    per_capita = (
        (
            group_sum(field("annual_income"), by=HH)
            # as the standard library: blank spending is none declared, a blank income is unknown
            - group_sum(field("rigid_spending"), by=HH, skip_unknown=True)
        )
        / 12
        / group_count(by=HH)
    )
    earners = group_count(by=HH, where=field("annual_income") > 0)
    score = (
        where(ref("low_income_hardship"), param("hardship.weight.low_income"), 0.0)
        + where(ref("hospital_subsidy"), param("hardship.weight.hospital"), 0.0)
        + where(ref("sole_earner"), param("hardship.weight.sole_earner"), 0.0)
        + where(field("serious_illness"), param("hardship.weight.illness"), 0.0)
    )
    return [
        Rule(
            "screening_eligible",
            years_since(field("birth_date")) >= param("screening.min_age"),
            "肿瘤筛查",
            "tumor screening",
            "bool",
        ),
        Rule(
            "low_income_hardship",
            per_capita < param("hardship.income_threshold"),
            "低收入困难",
            "low-income hardship",
            "bool",
        ),
        Rule(
            "hospital_subsidy",
            field("sick_leave_days") >= param("hospital.min_sick_days"),
            "住院补助",
            "hospitalisation subsidy",
            "bool",
        ),
        Rule(
            "long_tenure",
            years_since(field("hire_date")) >= param("tenure.long_years"),
            "长期工龄",
            "long tenure",
            "bool",
        ),
        Rule(
            "sole_earner",
            (field("annual_income") > 0)
            & earners.eq(1)
            & (group_count(by=HH) >= param("hardship.large_household")),
            "大家庭唯一收入者",
            "sole earner of a large household",
            "bool",
        ),
        Rule(
            "hardship_eligible",
            ref("low_income_hardship")
            | ref("hospital_subsidy")
            | ref("sole_earner")
            | field("serious_illness"),
            "困难帮扶资格",
            "hardship eligible",
            "bool",
        ),
        Rule("hardship_score", score, "困难评分", "hardship score", "number"),
        Rule(
            "subsidy_amount",
            where(
                ref("hardship_eligible"),
                scale_lookup("hardship.subsidy_brackets", ref("hardship_score")),
                0,
            ),
            "补助金额",
            "subsidy amount",
            "money",
        ),
    ]


def standard_ruleset() -> RuleSet:
    """The eight standard rules with their parameters."""
    return RuleSet(standard_rules(), standard_parameters())
