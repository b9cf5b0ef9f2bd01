"""Choosing welfare goods within a member's quota, and confirming the order."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest

from unionkit.benefits import (
    CatalogueItem,
    Confirmation,
    Order,
    Quota,
    QuotaLedger,
    Selection,
    WelfareProvider,
    choose,
    confirm,
)
from unionkit.errors import QuotaExceeded, Rejected
from unionkit.models import BenefitKind, GrantForm

ON = date(2026, 9, 1)


class Shop:
    """A provider with two goods, a cash item that breaks the fund rules, and a 500-yuan quota."""

    provider_id = "shop"
    name_zh = "测试商城"
    name_en = "test shop"

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.confirmed: list[str] = []

    def catalogue(self, on: date) -> list[CatalogueItem]:
        return [
            CatalogueItem(
                item_id="rice",
                name_zh="大米",
                name_en="rice",
                kind=BenefitKind.FESTIVAL_GOODS,
                price="199.90",
                home_delivery=True,
            ),
            CatalogueItem(
                item_id="oil",
                name_zh="食用油",
                name_en="oil",
                kind=BenefitKind.FESTIVAL_GOODS,
                price="100.05",
            ),
            CatalogueItem(
                item_id="cash",
                name_zh="现金",
                name_en="cash",
                kind=BenefitKind.FESTIVAL_GOODS,
                form=GrantForm.CASH,
                price="100",
            ),
        ]

    def quota(self, on: date) -> Quota:
        return Quota("festival_goods", Decimal("500.00"))

    def confirm(self, order: Order) -> Confirmation:
        if self.fail:
            raise ConnectionError("provider offline")
        self.confirmed.append(order.order_id)
        return Confirmation(order_id=order.order_id, provider_reference=f"R-{order.order_id}")


def test_shop_satisfies_the_provider_protocol() -> None:
    assert isinstance(Shop(), WelfareProvider)


def test_choice_is_priced_exactly_in_yuan() -> None:
    order = choose(
        Shop(), "M1", [Selection("rice", 2), Selection("oil")], QuotaLedger(), on=ON, order_id="o1"
    )

    # 2 x 199.90 + 100.05, added as decimals: a float sum would give 499.84999...
    assert Decimal("499.85") == order.total
    assert order.delivery_address_on_file


def test_choice_over_the_remaining_quota_is_refused_and_names_the_member() -> None:
    shop, ledger = Shop(), QuotaLedger()
    first = choose(shop, "M1", [Selection("rice")], ledger, on=ON, order_id="o1")
    confirm(shop, first, ledger, on=ON)

    with pytest.raises(QuotaExceeded) as err:
        choose(shop, "M1", [Selection("rice", 2)], ledger, on=ON, order_id="o2")

    assert "M1" in str(err.value)
    assert "300.10" in str(err.value)
    assert Decimal("199.90") == ledger.spent("M1", "festival_goods", 2026)


def test_quota_is_per_year() -> None:
    shop, ledger = Shop(), QuotaLedger()
    confirm(
        shop, choose(shop, "M1", [Selection("rice", 2)], ledger, on=ON, order_id="a"), ledger, on=ON
    )

    next_year = choose(
        shop, "M1", [Selection("rice", 2)], ledger, on=date(2027, 1, 5), order_id="b"
    )

    assert Decimal("399.80") == next_year.total


def test_festival_cash_breaks_the_fund_rules() -> None:
    with pytest.raises(Rejected, match="goods"):
        choose(Shop(), "M1", [Selection("cash")], QuotaLedger(), on=ON, order_id="o1")


def test_unknown_item_names_member_and_item() -> None:
    with pytest.raises(Rejected, match=r"M7.*caviar"):
        choose(Shop(), "M7", [Selection("caviar")], QuotaLedger(), on=ON, order_id="o1")


def test_failed_confirmation_uses_no_quota() -> None:
    shop, ledger = Shop(fail=True), QuotaLedger()
    order = choose(shop, "M1", [Selection("rice")], ledger, on=ON, order_id="o1")

    with pytest.raises(ConnectionError):
        confirm(shop, order, ledger, on=ON)

    assert Decimal("0") == ledger.spent("M1", "festival_goods", 2026)


def test_confirming_the_same_order_twice_counts_it_once() -> None:
    shop, ledger = Shop(), QuotaLedger()
    order = choose(shop, "M1", [Selection("rice")], ledger, on=ON, order_id="o1")

    confirm(shop, order, ledger, on=ON)
    confirm(shop, order, ledger, on=ON)

    assert Decimal("199.90") == ledger.spent("M1", "festival_goods", 2026)


def test_two_orders_priced_together_cannot_both_pass_the_cap() -> None:
    shop, ledger = Shop(), QuotaLedger()
    orders = [
        choose(shop, "M1", [Selection("rice", 2)], ledger, on=ON, order_id=f"o{i}")
        for i in range(4)
    ]
    outcomes: list[str] = []

    def place(order: Order) -> None:
        try:
            confirm(shop, order, ledger, on=ON)
            outcomes.append("ok")
        except QuotaExceeded:
            outcomes.append("refused")

    threads = [threading.Thread(target=place, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert ["ok", "refused", "refused", "refused"] == sorted(outcomes)
    assert 1 == len(shop.confirmed)
