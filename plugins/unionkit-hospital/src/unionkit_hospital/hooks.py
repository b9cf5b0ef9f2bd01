"""The hospital union's hook implementations: registered under the entry point ``hospital``."""

from __future__ import annotations

from datetime import date
from functools import cache

from unionkit.benefits import WelfareProvider
from unionkit.hooks import (
    Branch,
    CareAction,
    CareTrigger,
    HardshipCriterion,
    ParameterSet,
    RuleEntry,
    hookimpl,
)
from unionkit.models import BenefitKind, Demand
from unionkit.rulefiles import RuleBundle, read_rule_files
from unionkit.rules import FieldType, Parameters, Rule, ValueType, field, param, ref
from unionkit_hospital import rule_file
from unionkit_hospital.shop import HolidayGoodsShop

BRANCHES = frozenset({"hospital"})
UNIONKIT_REQUIRES = ">=0.1,<0.2"
SOURCE = "hospital"

# Weights of the hospital's criteria in hardship_criteria_score.
WEIGHTS = {
    "hospital_low_income": 40.0,
    "hospital_serious_illness": 40.0,
    "hospital_long_sick_leave": 20.0,
}

ROUTES = {
    "canteen": "后勤保障部",
    "parking": "保卫处",
    "salary": "人力资源处",
    "night_shift": "护理部",
    "training": "科教处",
}


@cache
def _bundle(name: str) -> RuleBundle:
    return read_rule_files([rule_file(name)], source=SOURCE)


@hookimpl
def unionkit_register_fields(branch: Branch) -> dict[str, FieldType]:
    """The HR columns the care rules read (hospitalised, bereaved, on an aid mission)."""
    return dict(_bundle("care.yaml").fields)


@hookimpl
def unionkit_register_parameters(branch: Branch, today: date) -> list[Parameters | ParameterSet]:
    """The hospital's own parameters, and the standard ones it replaces."""
    overrides = _bundle("overrides.yaml").parameters
    own = [_bundle(n).parameters for n in ("hardship.yaml", "health.yaml", "care.yaml")]
    return [*own, ParameterSet(parameters=overrides, overrides=frozenset(overrides))]


@hookimpl
def unionkit_register_rules(branch: Branch, today: date) -> list[Rule | RuleEntry]:
    """Health checks, insurance, care conditions; and hardship eligibility by its criteria."""
    eligible = Rule(
        "hardship_eligible",
        field("is_member") & ref("hardship_criteria_any"),
        "符合困难帮扶条件",
        "eligible for hardship help",
        ValueType.bool,
        description_zh="会员符合医院工会任一困难认定标准。",
        description_en="A union member meeting any of the hospital's hardship criteria.",
        source="医院工会困难职工帮扶办法（示例）",
    )
    rules: list[Rule | RuleEntry] = [RuleEntry(rule=eligible, overrides=True)]
    rules.extend(_bundle("health.yaml").rules)
    rules.extend(_bundle("care.yaml").rules)
    return rules


@hookimpl
def unionkit_register_hardship_criteria(branch: Branch, today: date) -> list[HardshipCriterion]:
    """Low per-capita income against the city's living standard, serious illness, sick leave."""
    return [
        HardshipCriterion(name=rule.name, rule=rule, weight=WEIGHTS[rule.name])
        for rule in _bundle("hardship.yaml").rules
    ]


@hookimpl
def unionkit_register_care_triggers(branch: Branch) -> list[CareTrigger]:
    """The three must-visits (birthday, illness, bereavement) and staff on aid missions."""
    return [
        CareTrigger(
            key="birthday",
            label_zh="生日慰问",
            label_en="birthday",
            when=ref("hospital_birthday_due"),
            action=CareAction.PAYMENT,
            benefit_kind=BenefitKind.BIRTHDAY,
            amount=param("hospital.care.birthday_amount"),
            must_visit=True,
        ),
        CareTrigger(
            key="illness",
            label_zh="患病慰问",
            label_en="illness visit",
            when=ref("hospital_illness_due"),
            action=CareAction.VISIT_AND_PAYMENT,
            benefit_kind=BenefitKind.ILLNESS_VISIT,
            amount=param("hospital.care.illness_amount"),
            must_visit=True,
        ),
        CareTrigger(
            key="bereavement",
            label_zh="丧葬慰问",
            label_en="bereavement",
            when=ref("hospital_bereavement_due"),
            action=CareAction.VISIT_AND_PAYMENT,
            benefit_kind=BenefitKind.CONDOLENCE,
            amount=param("hospital.care.bereavement_amount"),
            must_visit=True,
        ),
        CareTrigger(
            key="aid_mission",
            label_zh="援派职工慰问",
            label_en="aid-mission visit",
            when=ref("hospital_aid_mission_due"),
            action=CareAction.VISIT,
            benefit_kind=BenefitKind.OTHER,
        ),
    ]


@hookimpl
def unionkit_register_welfare_providers(branch: Branch) -> list[WelfareProvider]:
    """The online holiday-goods shop."""
    return [HolidayGoodsShop.from_package()]


@hookimpl
def unionkit_register_deadline_days(branch: Branch) -> dict[str, int]:
    """Canteen and parking matters are answered within 3 working days; pay within 10."""
    return {"canteen": 3, "parking": 3, "salary": 10}


@hookimpl
def unionkit_route_demand(demand: Demand) -> str | None:
    """Route a demand to the hospital department that handles its category."""
    return ROUTES.get(demand.category or "")
