"""The postal branch's hook implementations: registered under the entry point ``postal``."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import TYPE_CHECKING

from unionkit.errors import Rejected
from unionkit.hooks import Branch, CareAction, CareTrigger, HardshipCriterion, RuleEntry, hookimpl
from unionkit.models import Benefit, BenefitKind, Demand, Grant, Period
from unionkit.rulefiles import RuleBundle, read_rule_files
from unionkit.rules import FieldType, Parameters, Rule, ValueType, field, ref
from unionkit_postal import rule_file

if TYPE_CHECKING:
    from typer import Typer

BRANCHES = frozenset({"postal"})
UNIONKIT_REQUIRES = ">=0.1,<0.2"
SOURCE = "postal"

WEIGHTS = {
    "postal_low_income": 40.0,
    "postal_serious_illness": 30.0,
    "postal_long_sick_leave": 20.0,
    "postal_sole_earner": 10.0,
}

ROUTES = {
    "delivery_route": "揽投部",
    "vehicle": "运输部",
    "canteen": "综合办",
    "salary": "人力资源部",
}


@cache
def _bundle(name: str) -> RuleBundle:
    return read_rule_files([rule_file(name)], source=SOURCE)


@hookimpl
def unionkit_register_fields(branch: Branch) -> dict[str, FieldType]:
    """The columns the dual-link rules read (cumulative sick leave, hospital stays)."""
    return dict(_bundle("dual_link.yaml").fields)


@hookimpl
def unionkit_register_parameters(branch: Branch, today: date) -> list[Parameters]:
    """The branch's updated hardship lines and the dual-link thresholds and subsidy scale."""
    return [_bundle("hardship.yaml").parameters, _bundle("dual_link.yaml").parameters]


@hookimpl
def unionkit_register_rules(branch: Branch, today: date) -> list[Rule | RuleEntry]:
    """The dual-link rules, and hardship eligibility by the branch's updated criteria."""
    eligible = Rule(
        "hardship_eligible",
        field("is_member") & ref("hardship_criteria_any"),
        "符合困难帮扶条件",
        "eligible for hardship help",
        ValueType.bool,
        description_zh="会员符合邮政分工会更新后的任一困难认定标准。",
        description_en="A union member meeting any of the postal branch's updated criteria.",
        source="邮政分工会困难职工标准（示例）",
    )
    return [RuleEntry(rule=eligible, overrides=True), *_bundle("dual_link.yaml").rules]


@hookimpl
def unionkit_register_hardship_criteria(branch: Branch, today: date) -> list[HardshipCriterion]:
    """Low income (updated line), serious illness, long sick leave, sole earner."""
    return [
        HardshipCriterion(name=r.name, rule=r, weight=WEIGHTS[r.name])
        for r in _bundle("hardship.yaml").rules
    ]


@hookimpl
def unionkit_register_care_triggers(branch: Branch) -> list[CareTrigger]:
    """The dual link's visits, as care triggers over the HR and insurance columns."""
    return [
        CareTrigger(
            key="long_sick_leave",
            label_zh="长病假走访",
            label_en="long sick-leave visit",
            when=ref("postal_sick_leave_visit"),
            action=CareAction.VISIT,
            benefit_kind=BenefitKind.ILLNESS_VISIT,
            must_visit=True,
        ),
        CareTrigger(
            key="hospitalisation",
            label_zh="住院探望与补助",
            label_en="hospital visit and subsidy",
            when=ref("postal_hospital_visit"),
            action=CareAction.VISIT_AND_PAYMENT,
            benefit_kind=BenefitKind.HOSPITALISATION_SUBSIDY,
            amount=ref("postal_hospital_subsidy"),
            must_visit=True,
        ),
    ]


@hookimpl
def unionkit_register_deadline_days(branch: Branch) -> dict[str, int]:
    """Delivery-route and vehicle matters are answered within 5 working days."""
    return {"delivery_route": 5, "vehicle": 5}


@hookimpl
def unionkit_route_demand(demand: Demand) -> str | None:
    """Route a demand to the postal department that handles its category."""
    return ROUTES.get(demand.category or "")


@hookimpl
def unionkit_validate_grant(grant: Grant, benefit: Benefit) -> None:
    """A hospitalisation subsidy is paid in cash and never above the benefit's cap per stay."""
    if benefit.kind is not BenefitKind.HOSPITALISATION_SUBSIDY:
        return
    cap = benefit.cap_per_member
    if cap is not None and benefit.cap_period is Period.PER_EVENT and grant.amount > cap:
        raise Rejected(
            f"{grant.amount} yuan is above the cap of {cap} yuan per stay / "
            f"超过每次住院补助上限{cap}元"
        )
    if grant.form is not benefit.form:
        raise Rejected(
            f"a hospitalisation subsidy is paid as {benefit.form.label_en}, "
            f"not {grant.form.label_en} / 住院补助应以{benefit.form.label_zh}发放"
        )


@hookimpl
def unionkit_register_commands(app: Typer) -> None:
    """Add ``unionkit postal`` (dual-link, confirm, list) to the command line."""
    from unionkit_postal.cli import postal_app

    app.add_typer(postal_app, name="postal")
