"""The hospital plugin's hooks, exercised through unionkit's plugin host."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
import unionkit_hospital.hooks

from unionkit.benefits import QuotaLedger, Selection, choose, confirm
from unionkit.branches import (
    assemble_branch,
    branch_care,
    branch_deadline_policy,
    branch_diff,
    branch_ruleset,
    branch_welfare_providers,
)
from unionkit.care import CareAction
from unionkit.errors import QuotaExceeded, Rejected
from unionkit.hooks import PluginHost
from unionkit.models import Demand, DemandKind

JUNE = date(2026, 6, 10)


@pytest.fixture
def host(plugin_host: PluginHost, register_plugin: Callable[..., str]) -> PluginHost:
    register_plugin(unionkit_hospital.hooks, name="hospital")
    return plugin_host


def _roster() -> dict[str, Any]:
    return {
        "member_id": ["A", "B", "C", "D"],
        "is_member": [True, True, True, False],
        "birth_date": np.array(
            [date(1980, 6, 3), date(1990, 1, 1), date(1975, 12, 31), date(1982, 6, 9)], dtype=object
        ),
        "hospitalised_this_month": [False, True, False, True],
        "relative_died_this_month": [False, False, True, False],
        "on_aid_mission": [True, False, False, False],
    }


def test_applies_to_the_hospital_branch_only(host: PluginHost) -> None:
    assert host.is_active("hospital", "hospital")
    assert not host.is_active("hospital", "postal")
    assert "hospital_cervical_lumbar_check" in branch_ruleset(host, "hospital", JUNE).rules
    assert "hospital_cervical_lumbar_check" not in branch_ruleset(host, "postal", JUNE).rules


def test_diff_lists_the_declared_overrides(host: PluginHost) -> None:
    overridden = {
        (e.kind, e.name) for e in branch_diff(host, "hospital", JUNE) if e.change == "overridden"
    }

    assert {
        ("rule", "hardship_eligible"),
        ("parameter", "hardship.weight_serious_illness"),
        ("parameter", "hardship.long_sick_leave_days"),
    } == overridden


def test_hardship_eligible_uses_the_hospital_criteria(host: PluginHost) -> None:
    data = {
        "member_id": np.array(["low", "ill", "sick", "none", "relative"]),
        "is_member": np.array([True, True, True, True, False]),
        "household_id": np.array(["H1", "H2", "H3", "H4", "H1"]),
        "annual_income": np.array(["24000", "200000", "200000", "200000", "0"], dtype=object),
        "rigid_spending": np.array(["0"] * 5, dtype=object),
        "serious_illness": np.array([False, True, False, False, False]),
        "sick_leave_days": np.array([0, 0, 60, 59, 0]),
    }
    data["annual_income"] = np.array([Decimal(x) for x in data["annual_income"]], dtype=object)
    data["rigid_spending"] = np.array([Decimal(x) for x in data["rigid_spending"]], dtype=object)

    out = (
        branch_ruleset(host, "hospital", JUNE)
        .evaluate(data, as_of=JUNE, rules=["hardship_eligible", "hardship_criteria_score"])
        .frame
    )

    # low: 24000 / 12 / 2 = 1000 a head < 2 x 1170; ill: serious illness; sick: 60 >= 60 days.
    # The relative shares the low-income household but scores nothing: not a union member.
    assert [True, True, True, False, False] == [bool(x) for x in out["hardship_eligible"]]
    assert [40.0, 40.0, 20.0, 0.0, 0.0] == [float(x) for x in out["hardship_criteria_score"]]


def test_three_must_visits_and_aid_missions_are_proposed(host: PluginHost) -> None:
    proposals = branch_care(host, "hospital", _roster(), JUNE)

    found = {(p.member_id, p.trigger, p.amount) for p in proposals}
    assert {
        ("A", "birthday", Decimal("300.00")),  # born in June
        ("A", "aid_mission", None),
        ("B", "illness", Decimal("1000.00")),
        ("C", "bereavement", Decimal("1000.00")),
    } == found
    assert {"birthday", "illness", "bereavement"} == {
        k for k, t in assemble_branch(host, "hospital", JUNE).care_triggers.items() if t.must_visit
    }
    assert CareAction.VISIT_AND_PAYMENT == next(
        p.action for p in proposals if p.trigger == "illness"
    )


def test_holiday_goods_within_the_annual_quota(host: PluginHost) -> None:
    (shop,) = branch_welfare_providers(host, "hospital")
    ledger = QuotaLedger()
    mid_autumn = date(2026, 9, 1)

    order = choose(
        shop,
        "A",
        [Selection("mooncakes", 2), Selection("rice-oil", 5)],
        ledger,
        on=mid_autumn,
        order_id="A-1",
    )
    confirmation = confirm(shop, order, ledger, on=mid_autumn)

    assert Decimal("1306.00") == order.total  # 2 x 158 + 5 x 198
    assert confirmation.provider_reference.startswith("HG-")
    with pytest.raises(QuotaExceeded):  # 194 yuan left of 1500
        choose(shop, "A", [Selection("books")], ledger, on=mid_autumn, order_id="A-2")
    with pytest.raises(Rejected, match="zongzi"):  # dragon-boat goods are off sale in September
        choose(shop, "B", [Selection("zongzi")], ledger, on=mid_autumn, order_id="B-1")


def test_demands_are_routed_with_deadlines(host: PluginHost) -> None:
    demand = Demand(
        demand_id="D1",
        kind=DemandKind.REQUEST,
        member_id="A",
        title="夜班餐",
        content="夜班没有热饭",
        category="canteen",
        submitted_at=datetime(2026, 6, 1, 9),
    )

    assert "后勤保障部" == host.demand_router("hospital")(demand)
    assert 3 == branch_deadline_policy(host, "hospital").days_for("canteen")
    assert host.demand_router("postal")(demand) is None


def test_installed_package_is_found_through_its_entry_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("UNIONKIT_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("UNIONKIT_DISABLED_PLUGINS", raising=False)

    info = {i.name: i for i in PluginHost().describe()}["hospital"]

    assert "unionkit-hospital" == info.distribution
    assert frozenset({"hospital"}) == info.branches


def test_a_seasonal_window_across_new_year_is_on_sale_in_december_and_january() -> None:
    from unionkit_hospital.shop import HolidayGoodsShop

    shop = HolidayGoodsShop(
        {
            "quota": {"key": "festival_goods", "annual_yuan": "600"},
            "items": [
                {
                    "item_id": "nianhuo",
                    "name_zh": "年货礼盒",
                    "name_en": "new-year goods",
                    "price": "198.00",
                    "from": "12-15",
                    "until": "02-15",
                }
            ],
        }
    )

    on_sale = {
        d: [i.item_id for i in shop.catalogue(d)]
        for d in (
            date(2025, 12, 20),
            date(2026, 1, 10),
            date(2026, 2, 15),
            date(2026, 2, 16),
            date(2026, 7, 1),
            date(2025, 12, 14),
        )
    }

    assert {
        date(2025, 12, 20): ["nianhuo"],
        date(2026, 1, 10): ["nianhuo"],
        date(2026, 2, 15): ["nianhuo"],
        date(2026, 2, 16): [],
        date(2026, 7, 1): [],
        date(2025, 12, 14): [],
    } == on_sale
