"""One test per hook specification, each going through the plugin host as core code does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pytest

from unionkit.benefits import CatalogueItem, Confirmation, Order, Quota
from unionkit.branches import (
    assemble_branch,
    branch_calendar,
    branch_deadline_policy,
    branch_diff,
    branch_ruleset,
    branch_welfare_providers,
)
from unionkit.calendar import CalendarYear
from unionkit.care import CareAction, CareTrigger
from unionkit.errors import PluginConflict, PluginError, Rejected
from unionkit.hooks import (
    Branch,
    HardshipCriterion,
    ParameterSet,
    PluginHost,
    RuleEntry,
    hookimpl,
)
from unionkit.models import (
    Benefit,
    BenefitKind,
    Demand,
    DemandAction,
    DemandEvent,
    DemandKind,
    DemandState,
    Grant,
    GrantForm,
)
from unionkit.rules import (
    FieldType,
    Parameter,
    Parameters,
    ParameterValue,
    Rule,
    ValueType,
    field,
    lit,
    param,
)

TODAY = date(2026, 6, 1)
Register = Callable[..., str]


def _demand(category: str = "canteen") -> Demand:
    return Demand(
        demand_id="D1",
        kind=DemandKind.REQUEST,
        member_id="M1",
        title="食堂",
        content="晚餐太早",
        category=category,
        submitted_at=datetime(2026, 6, 1, 9),
    )


def _columns(**cols: list[object]) -> dict[str, np.ndarray]:
    return {k: np.array(v) for k, v in cols.items()}


class RulePlugin:
    @hookimpl
    def unionkit_register_rules(self, branch: Branch, today: date) -> list[Rule | RuleEntry]:
        return [
            Rule(
                "long_sick",
                field("sick_leave_days") > 30,
                "长病假",
                "long sick leave",
                ValueType.bool,
            )
        ]


def test_hook_unionkit_register_rules(plugin_host: PluginHost, register_plugin: Register) -> None:
    register_plugin(RulePlugin(), name="p")

    result = branch_ruleset(plugin_host, "b", TODAY).evaluate(
        _columns(sick_leave_days=[10, 31]), as_of=TODAY, rules=["long_sick"]
    )

    assert [False, True] == list(np.asarray(result.frame["long_sick"]))


def test_rule_override_must_be_declared(plugin_host: PluginHost, register_plugin: Register) -> None:
    class Again:
        @hookimpl
        def unionkit_register_rules(self) -> list[Rule]:
            return [Rule("long_sick", field("sick_leave_days") > 60, "长", "long", ValueType.bool)]

    class Override:
        @hookimpl
        def unionkit_register_rules(self) -> list[RuleEntry]:
            rule = Rule("long_sick", field("sick_leave_days") > 90, "长", "long", ValueType.bool)
            return [RuleEntry(rule=rule, overrides=True)]

    register_plugin(RulePlugin(), name="first")
    register_plugin(Again(), name="second")
    with pytest.raises(PluginConflict, match="'first' and 'second'"):
        branch_ruleset(plugin_host, "b", TODAY)
    plugin_host.unregister("second")
    register_plugin(Override(), name="third")

    diff = branch_diff(plugin_host, "b", TODAY)

    assert [("rule", "long_sick", "third", "overridden", "first")] == [
        (e.kind, e.name, e.plugin, e.change, e.replaces) for e in diff
    ]


def test_hook_unionkit_register_parameters(
    plugin_host: PluginHost, register_plugin: Register
) -> None:
    class Params:
        @hookimpl
        def unionkit_register_parameters(self) -> list[Parameters]:
            return [
                Parameters(
                    [
                        Parameter(
                            "b.sick_days",
                            "day",
                            values=(
                                ParameterValue(date(2020, 1, 1), 30),
                                ParameterValue(date(2026, 1, 1), 20),
                            ),
                        )
                    ]
                )
            ]

        @hookimpl
        def unionkit_register_rules(self) -> list[Rule]:
            return [
                Rule(
                    "sick",
                    field("sick_leave_days") > param("b.sick_days"),
                    "病假",
                    "sick",
                    ValueType.bool,
                )
            ]

    register_plugin(Params(), name="p")
    ruleset = branch_ruleset(plugin_host, "b", TODAY)

    old = ruleset.evaluate(_columns(sick_leave_days=[25]), as_of=date(2025, 6, 1), rules=["sick"])
    new = ruleset.evaluate(_columns(sick_leave_days=[25]), as_of=TODAY, rules=["sick"])

    assert [False] == list(np.asarray(old.frame["sick"]))
    assert [True] == list(np.asarray(new.frame["sick"]))


def test_parameter_defined_twice_needs_a_declared_override(
    plugin_host: PluginHost, register_plugin: Register
) -> None:
    def layer(value: int, overrides: bool) -> object:
        class P:
            @hookimpl
            def unionkit_register_parameters(self) -> list[ParameterSet]:
                ps = Parameters(
                    [Parameter("x.days", "day", values=(ParameterValue(date(2020, 1, 1), value),))]
                )
                return [
                    ParameterSet(
                        parameters=ps, overrides=frozenset({"x.days"}) if overrides else frozenset()
                    )
                ]

        return P()

    register_plugin(layer(1, False), name="a")
    register_plugin(layer(2, False), name="b")
    with pytest.raises(PluginConflict) as err:
        assemble_branch(plugin_host, "br", TODAY)
    plugin_host.unregister("b")
    register_plugin(layer(2, True), name="c")

    assembly = assemble_branch(plugin_host, "br", TODAY)

    assert ("a", "b") == err.value.plugins
    assert 2 == assembly.parameters.value("x.days", TODAY)
    assert "c" == assembly.parameter_origin["x.days"]


def test_hook_unionkit_register_hardship_criteria(
    plugin_host: PluginHost, register_plugin: Register
) -> None:
    class Criteria:
        @hookimpl
        def unionkit_register_hardship_criteria(self) -> list[HardshipCriterion]:
            return [
                HardshipCriterion(
                    name="ill",
                    rule=Rule(
                        "ill", field("serious_illness"), "大病", "serious illness", ValueType.bool
                    ),
                    weight=2.0,
                ),
                HardshipCriterion(
                    name="sick",
                    rule=Rule(
                        "sick", field("sick_leave_days") > 90, "长病假", "sick", ValueType.bool
                    ),
                ),
            ]

    class Reweight:
        @hookimpl
        def unionkit_register_hardship_criteria(self) -> list[HardshipCriterion]:
            return [HardshipCriterion(name="sick", weight=3.0)]

    register_plugin(Criteria(), name="base")
    register_plugin(Reweight(), name="rw")
    data = _columns(serious_illness=[True, False, True, False], sick_leave_days=[0, 100, 100, 0])

    out = branch_ruleset(plugin_host, "b", TODAY).evaluate(
        data,
        as_of=TODAY,
        rules=["hardship_criteria_score", "hardship_criteria_met", "hardship_criteria_any"],
    )

    assert [2.0, 3.0, 5.0, 0.0] == [float(x) for x in out.frame["hardship_criteria_score"]]
    assert [1, 1, 2, 0] == [int(x) for x in out.frame["hardship_criteria_met"]]
    assert [True, True, True, False] == [bool(x) for x in out.frame["hardship_criteria_any"]]
    assert ("hardship criterion", "sick", "rw", "reweighted") in [
        (e.kind, e.name, e.plugin, e.change) for e in branch_diff(plugin_host, "b", TODAY)
    ]


def test_reweighting_an_unknown_criterion_names_the_plugin(
    plugin_host: PluginHost, register_plugin: Register
) -> None:
    class Reweight:
        @hookimpl
        def unionkit_register_hardship_criteria(self) -> list[HardshipCriterion]:
            return [HardshipCriterion(name="nonesuch", weight=3.0)]

    register_plugin(Reweight(), name="rw")

    with pytest.raises(PluginError, match=r"Plugin 'rw'.*\n.*nonesuch"):
        branch_ruleset(plugin_host, "b", TODAY)


def test_hook_unionkit_register_fields(plugin_host: PluginHost, register_plugin: Register) -> None:
    class Fields:
        @hookimpl
        def unionkit_register_fields(self) -> dict[str, FieldType]:
            return {"on_aid_mission": FieldType.bool}

        @hookimpl
        def unionkit_register_rules(self) -> list[Rule]:
            return [Rule("aid", field("on_aid_mission"), "援派", "on aid", ValueType.bool)]

    class Clash:
        @hookimpl
        def unionkit_register_fields(self) -> dict[str, FieldType]:
            return {"on_aid_mission": FieldType.int}

    register_plugin(Fields(), name="f")
    out = branch_ruleset(plugin_host, "b", TODAY).evaluate(
        _columns(on_aid_mission=[True, False]), as_of=TODAY, rules=["aid"]
    )
    register_plugin(Clash(), name="g")

    assert [True, False] == [bool(x) for x in out.frame["aid"]]
    with pytest.raises(PluginConflict, match="on_aid_mission"):
        plugin_host.fields("b")


def test_hook_unionkit_register_care_triggers(
    plugin_host: PluginHost, register_plugin: Register
) -> None:
    class Care:
        @hookimpl
        def unionkit_register_care_triggers(self) -> list[CareTrigger]:
            return [
                CareTrigger(
                    key="illness",
                    label_zh="患病慰问",
                    label_en="illness visit",
                    when=field("serious_illness"),
                    action=CareAction.VISIT_AND_PAYMENT,
                    benefit_kind=BenefitKind.ILLNESS_VISIT,
                    amount=lit(Decimal("500.00")),
                    must_visit=True,
                )
            ]

    register_plugin(Care(), name="c")

    out = branch_ruleset(plugin_host, "b", TODAY).evaluate(
        _columns(serious_illness=[True, False]),
        as_of=TODAY,
        rules=["care_illness", "care_illness_amount"],
    )

    assert [True, False] == [bool(x) for x in out.frame["care_illness"]]
    assert [50000, 0] == [int(x) for x in out.frame["care_illness_amount"]]
    assert {"illness"} == set(assemble_branch(plugin_host, "b", TODAY).care_triggers)


class Shop:
    provider_id = "shop"
    name_zh = "商城"
    name_en = "shop"

    def catalogue(self, on: date) -> list[CatalogueItem]:
        return []

    def quota(self, on: date) -> Quota:
        return Quota("festival_goods", Decimal("800"))

    def confirm(self, order: Order) -> Confirmation:
        return Confirmation(order_id=order.order_id, provider_reference="r")


def test_hook_unionkit_register_welfare_providers(
    plugin_host: PluginHost, register_plugin: Register
) -> None:
    class Good:
        @hookimpl
        def unionkit_register_welfare_providers(self) -> list[object]:
            return [Shop()]

    class Bad:
        @hookimpl
        def unionkit_register_welfare_providers(self) -> list[object]:
            return ["a shop"]

    register_plugin(Good(), name="good")
    providers = branch_welfare_providers(plugin_host, "b")
    register_plugin(Bad(), name="bad")

    assert ["shop"] == [p.provider_id for p in providers]
    with pytest.raises(PluginError, match="Plugin 'bad'"):
        branch_welfare_providers(plugin_host, "b")


def test_hook_unionkit_register_calendar_years(
    plugin_host: PluginHost, register_plugin: Register
) -> None:
    notice = CalendarYear(
        year=2099,
        holidays={date(2099, 1, 1): "元旦"},
        workdays=frozenset({date(2099, 1, 3)}),
        source="branch copy of a notice",
    )

    class Years:
        @hookimpl
        def unionkit_register_calendar_years(self) -> list[CalendarYear]:
            return [notice]

    register_plugin(Years(), name="y")
    cal = branch_calendar(plugin_host, "b")

    assert not cal.is_workday(date(2099, 1, 1))
    assert cal.is_workday(date(2099, 1, 3))  # a Saturday made a working day


def test_hook_unionkit_register_deadline_days(
    plugin_host: PluginHost, register_plugin: Register
) -> None:
    def days(n: int) -> object:
        class D:
            @hookimpl
            def unionkit_register_deadline_days(self) -> dict[str, int]:
                return {"canteen": n}

        return D()

    register_plugin(days(3), name="a")
    policy = branch_deadline_policy(plugin_host, "b")
    register_plugin(days(5), name="b")

    assert 3 == policy.days_for("canteen")
    with pytest.raises(PluginConflict, match="'a' and 'b'"):
        branch_deadline_policy(plugin_host, "b")


def test_hook_unionkit_route_demand(plugin_host: PluginHost, register_plugin: Register) -> None:
    class Canteen:
        @hookimpl
        def unionkit_route_demand(self, demand: Demand) -> str | None:
            return "后勤保障部" if demand.category == "canteen" else None

    class Everything:
        @hookimpl
        def unionkit_route_demand(self, demand: Demand) -> str | None:
            return "工会办公室"

    register_plugin(Everything(), name="fallback")
    register_plugin(Canteen(), name="canteen")
    router = plugin_host.demand_router("b")

    assert "后勤保障部" == router(_demand("canteen"))
    assert "工会办公室" == router(_demand("parking"))


def test_route_returning_a_number_is_named(
    plugin_host: PluginHost, register_plugin: Register
) -> None:
    class Wrong:
        @hookimpl
        def unionkit_route_demand(self) -> object:
            return 42

    register_plugin(Wrong(), name="wrong")

    with pytest.raises(PluginError, match="Plugin 'wrong' failed in hook 'unionkit_route_demand'"):
        plugin_host.route_demand(_demand(), "b")


def test_hook_unionkit_validate_grant(plugin_host: PluginHost, register_plugin: Register) -> None:
    class NoCash:
        @hookimpl
        def unionkit_validate_grant(self, grant: Grant) -> None:
            if grant.form is GrantForm.CASH:
                raise Rejected("cash not allowed / 不发现金")

    register_plugin(NoCash(), name="nocash")
    benefit = Benefit(benefit_id="B", kind=BenefitKind.BIRTHDAY, name_zh="生日", name_en="birthday")
    goods = Grant(
        grant_id="G1", benefit_id="B", member_id="M1", amount="200", granted_on=TODAY, reason="生日"
    )
    cash = goods.model_copy(update={"form": GrantForm.CASH})

    plugin_host.validate_grant(goods, benefit, "b")
    with pytest.raises(Rejected) as err:
        plugin_host.validate_grant(cash, benefit, "b")

    assert "nocash" == err.value.plugin_name


def test_hook_unionkit_demand_transitioned(
    plugin_host: PluginHost, register_plugin: Register
) -> None:
    heard: list[str] = []

    class Broken:
        @hookimpl
        def unionkit_demand_transitioned(self) -> None:
            raise ConnectionError("SMS gateway down")

    class Log:
        @hookimpl
        def unionkit_demand_transitioned(self, demand: Demand, event: DemandEvent) -> None:
            heard.append(f"{demand.demand_id}:{event.to_state.value}")

    register_plugin(Log(), name="log")
    register_plugin(Broken(), name="sms")
    event = DemandEvent(
        demand_id="D1",
        seq=2,
        action=DemandAction.ACCEPT,
        from_state=DemandState.SUBMITTED,
        to_state=DemandState.ACCEPTED,
        actor="office",
        at=datetime(2026, 6, 2, 10),
    )

    with pytest.raises(PluginError, match="Plugin 'sms'"):
        plugin_host.demand_notifier("b")(_demand(), event)

    assert ["D1:accepted"] == heard


def test_hooks_are_not_called_per_member(
    plugin_host: PluginHost, register_plugin: Register
) -> None:
    calls: list[str] = []

    class Counting:
        @hookimpl
        def unionkit_register_rules(self) -> list[Rule]:
            calls.append("rules")
            return [Rule("sick", field("sick_leave_days") > 30, "病", "sick", ValueType.bool)]

    register_plugin(Counting(), name="c")
    ruleset = branch_ruleset(plugin_host, "b", TODAY)
    ruleset.evaluate(_columns(sick_leave_days=list(range(1000))), as_of=TODAY, rules=["sick"])
    branch_ruleset(plugin_host, "b", TODAY)

    assert ["rules"] == calls
