"""Welfare orders in the store, on SQLite and PostgreSQL: catalogue, quota, statuses, history."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from store_support import StoreTarget
from unionkit.benefits import (
    CatalogueItem,
    Confirmation,
    Order,
    OrderStatus,
    Quota,
    Selection,
)
from unionkit.errors import IllegalTransition, NotFound, QuotaExceeded, Rejected
from unionkit.models import BenefitKind, GrantForm, Member
from unionkit.store import Store, WelfareOrders

ON = date(2026, 9, 1)
AT = datetime(2026, 9, 1, 10, 0)
QUOTA = Quota("festival_goods", Decimal("500.00"))
WORKER = Path(__file__).with_name("welfare_worker.py")


def items() -> list[CatalogueItem]:
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
            item_id="card",
            name_zh="购物卡",
            name_en="shopping card",
            kind=BenefitKind.FESTIVAL_GOODS,
            form=GrantForm.CASH,
            price="100",
        ),
    ]


@pytest.fixture
def welfare(store: Store) -> WelfareOrders:
    store.add_members(
        [Member.model_validate({"member_id": m, "name": "李四"}) for m in ("M1", "M2")]
    )
    orders = WelfareOrders(store)
    orders.sync_catalogue("shop", items(), on=ON)
    return orders


def choose(
    welfare: WelfareOrders, order_id: str, *picks: tuple[str, int], member: str = "M1"
) -> OrderStatus:
    return welfare.choose(
        member,
        "shop",
        QUOTA,
        [Selection(i, q) for i, q in picks],
        on=ON,
        at=AT,
        order_id=order_id,
        actor=member,
    ).status


class Shop:
    """A provider that records what it is asked to place, or refuses."""

    provider_id = "shop"
    name_zh = "测试商城"
    name_en = "test shop"

    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.placed: list[str] = []

    def catalogue(self, on: date) -> list[CatalogueItem]:
        return items()

    def quota(self, on: date) -> Quota:
        return QUOTA

    def confirm(self, order: Order) -> Confirmation:
        if self.refuse:
            raise Rejected("out of stock")
        self.placed.append(order.order_id)
        return Confirmation(
            order_id=order.order_id,
            provider_reference=f"R-{order.order_id}",
            expected_delivery=date(2026, 9, 10),
        )


def test_choice_is_priced_from_the_stored_catalogue_and_kept(welfare: WelfareOrders) -> None:
    stored = welfare.choose(
        "M1",
        "shop",
        QUOTA,
        [Selection("rice", 2), Selection("oil")],
        on=ON,
        at=AT,
        order_id="o1",
        actor="M1",
    )

    again = welfare.get("o1")
    assert Decimal("499.85") == stored.total == again.total
    assert OrderStatus.CHOSEN is again.status
    assert again.order.delivery_address_on_file
    assert "unionkit:shop:o1" == again.idempotency_key
    assert Decimal("499.85") == welfare.spent("M1", "festival_goods", 2026)
    assert [(None, OrderStatus.CHOSEN)] == [
        (e.from_status, e.to_status) for e in welfare.history("o1")
    ]


def test_choice_over_the_quota_is_refused_and_stores_nothing(welfare: WelfareOrders) -> None:
    choose(welfare, "o1", ("rice", 2))
    before = welfare.count_rows()

    with pytest.raises(QuotaExceeded) as err:
        choose(welfare, "o2", ("rice", 1))

    assert "'M1'" in str(err.value) and "199.90" in str(err.value) and "100.20" in str(err.value)
    assert before == welfare.count_rows()


def test_unknown_item_member_and_forbidden_form_are_refused(welfare: WelfareOrders) -> None:
    before = welfare.count_rows()

    with pytest.raises(Rejected, match="'caviar' is not in the catalogue"):
        choose(welfare, "o1", ("caviar", 1))
    with pytest.raises(NotFound, match="member 'M9' not found"):
        choose(welfare, "o1", ("rice", 1), member="M9")
    with pytest.raises(Rejected, match="festival benefits must be goods"):
        choose(welfare, "o1", ("card", 1))
    with pytest.raises(Rejected, match="at least 1"):
        choose(welfare, "o1", ("rice", 0))

    assert before == welfare.count_rows()


def test_withdrawn_items_cannot_be_chosen_but_old_orders_keep_their_price(
    welfare: WelfareOrders,
) -> None:
    choose(welfare, "o1", ("oil", 1))
    dearer = [
        i.model_copy(update={"price": Decimal("120.00")}) for i in items() if i.item_id == "oil"
    ]

    welfare.sync_catalogue("shop", dearer, on=date(2026, 10, 1))

    assert ["oil"] == [i.item_id for i in welfare.catalogue("shop")]
    assert Decimal("120.00") == welfare.catalogue("shop")[0].price
    assert Decimal("100.05") == welfare.get("o1").total
    with pytest.raises(Rejected, match="'rice' is not in the catalogue"):
        choose(welfare, "o2", ("rice", 1))


def test_repeating_a_choice_returns_the_stored_order(welfare: WelfareOrders) -> None:
    choose(welfare, "o1", ("rice", 1))
    rows = welfare.count_rows()

    assert OrderStatus.CHOSEN is choose(welfare, "o1", ("rice", 1))
    assert rows == welfare.count_rows()
    with pytest.raises(Rejected, match="already stored for another choice"):
        choose(welfare, "o1", ("oil", 1))


def test_statuses_move_forward_with_history_and_never_back(welfare: WelfareOrders) -> None:
    choose(welfare, "o1", ("rice", 1))
    shop = Shop()
    welfare.place("o1", shop, at=AT, actor="staff")
    welfare.move("o1", "shipped", at=datetime(2026, 9, 3, 8), actor="shop", note="SF123")
    welfare.move("o1", "shipped", at=datetime(2026, 9, 3, 9), actor="shop")  # repeated: no-op
    welfare.move("o1", "已送达", at=datetime(2026, 9, 5, 8), actor="shop")
    rows = welfare.count_rows()

    with pytest.raises(IllegalTransition) as err:
        welfare.move("o1", "shipped", at=datetime(2026, 9, 6), actor="shop")

    assert "Order 'o1' cannot move from delivered to shipped" in str(err.value)
    assert rows == welfare.count_rows()
    stored = welfare.get("o1")
    assert (OrderStatus.DELIVERED, "R-o1", date(2026, 9, 10), 4) == (
        stored.status,
        stored.provider_reference,
        stored.expected_delivery,
        stored.version,
    )
    assert [OrderStatus.CHOSEN, OrderStatus.PLACED, OrderStatus.SHIPPED, OrderStatus.DELIVERED] == [
        e.to_status for e in welfare.history("o1")
    ]
    assert "SF123" == welfare.history("o1")[2].note


def test_placing_twice_calls_the_provider_once(welfare: WelfareOrders) -> None:
    choose(welfare, "o1", ("rice", 1))
    shop = Shop()

    welfare.place("o1", shop, at=AT, actor="staff")
    welfare.place("o1", shop, at=AT, actor="staff")

    assert ["o1"] == shop.placed


def test_a_refused_order_fails_and_gives_the_quota_back(welfare: WelfareOrders) -> None:
    choose(welfare, "o1", ("rice", 2))

    with pytest.raises(Rejected, match="out of stock"):
        welfare.place("o1", Shop(refuse=True), at=AT, actor="staff")

    assert OrderStatus.FAILED is welfare.get("o1").status
    assert "out of stock" in (welfare.history("o1")[-1].note or "")
    assert Decimal("0.00") == welfare.spent("M1", "festival_goods", 2026)
    assert OrderStatus.CHOSEN is choose(welfare, "o2", ("rice", 2))


def test_bad_status_and_unknown_order(welfare: WelfareOrders) -> None:
    choose(welfare, "o1", ("rice", 1))

    with pytest.raises(Rejected, match="'lost' is not an order status"):
        welfare.move("o1", "lost", at=AT, actor="x")
    with pytest.raises(NotFound, match="order 'o9' not found"):
        welfare.move("o9", "shipped", at=AT, actor="x")
    with pytest.raises(IllegalTransition, match="chosen to delivered"):
        welfare.move("o1", "delivered", at=AT, actor="x")


def test_two_processes_cannot_both_pass_one_quota(
    welfare: WelfareOrders, store_target: StoreTarget, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(WORKER),
                store_target.target,
                store_target.schema or "",
                str(go),
                f"race-{n}",
            ],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": "src"},
        )
        for n in range(4)
    ]
    go.touch()
    outcomes = sorted(p.communicate(timeout=120)[0].strip() for p in procs)

    assert ["exceeded", "exceeded", "exceeded", "stored"] == outcomes
    assert Decimal("399.80") == welfare.spent("M2", "festival_goods", 2026)


def test_anonymising_a_member_keeps_their_orders_under_the_new_id(
    welfare: WelfareOrders, store: Store
) -> None:
    choose(welfare, "o1", ("rice", 1))

    new_id = store.anonymise_member("M1")

    stored = welfare.get("o1")
    assert new_id == stored.order.member_id
    assert new_id == welfare.history("o1")[0].actor
    assert [] == welfare.orders_for("M1")
    assert Decimal("199.90") == welfare.spent(new_id, "festival_goods", 2026)


def test_a_catalogue_with_a_repeated_item_or_no_price_is_refused(welfare: WelfareOrders) -> None:
    before = welfare.count_rows()
    rice = items()[0]

    with pytest.raises(Rejected, match="'rice' is listed twice"):
        welfare.sync_catalogue("shop", [rice, rice], on=ON)
    with pytest.raises(Rejected, match="'rice' has no positive price"):
        welfare.sync_catalogue("shop", [rice.model_copy(update={"price": Decimal(0)})], on=ON)

    assert before == welfare.count_rows()
    assert 3 == len(welfare.catalogue("shop"))
