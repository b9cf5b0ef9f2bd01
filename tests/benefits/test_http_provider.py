"""The HTTP welfare provider against a real local HTTP server (pytest-httpserver), not a mock."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from unionkit.benefits import (
    CatalogueItem,
    Order,
    OrderLine,
    OrderStatus,
    Quota,
    Selection,
)
from unionkit.benefits.http import IDEMPOTENCY_HEADER, HttpWelfareProvider
from unionkit.errors import IllegalTransition, ProviderUnavailable, Rejected
from unionkit.models import BenefitKind, Member
from unionkit.store import Store, WelfareOrders

QUOTA = Quota("festival_goods", Decimal("500.00"))
ON = date(2026, 9, 1)


class ProviderApp:
    """A small provider: keeps orders by idempotency key, and fails or stalls on request."""

    def __init__(self) -> None:
        self.orders: dict[str, str] = {}
        self.keys: list[str | None] = []
        self.fail_first = 0
        self.fail_status = 503
        self.retry_after: str | None = None
        self.stall_first = 0
        self.stall_seconds = 0.0
        self.refuse: str | None = None
        self._lock = threading.Lock()

    def place(self, request: Request) -> Response:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        with self._lock:
            self.keys.append(key)
            n = len(self.keys)
            if n <= self.fail_first:
                headers = {"Retry-After": self.retry_after} if self.retry_after else {}
                return Response("busy", status=self.fail_status, headers=headers)
            if self.refuse is not None:
                return Response(
                    json.dumps({"error": self.refuse}), status=422, content_type="application/json"
                )
            if key in self.orders:
                return _json({"reference": self.orders[key], "duplicate": True}, 409)
            reference = f"P-{len(self.orders) + 1}"
            self.orders[str(key)] = reference
        if n <= self.stall_first:
            # The provider has taken the order, but its answer comes too late.
            time.sleep(self.stall_seconds)
        return _json({"reference": reference, "expected_delivery": "2026-09-10"}, 201)


def _json(body: object, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    # Threaded, so a retry is answered while an earlier, stalled request still sleeps.
    httpserver = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    httpserver.start()
    try:
        yield httpserver
    finally:
        httpserver.clear()
        httpserver.stop()


@pytest.fixture
def app(server: HTTPServer) -> ProviderApp:
    provider = ProviderApp()
    server.expect_request("/orders", method="POST").respond_with_handler(provider.place)
    return provider


def adapter(server: HTTPServer, waits: list[float], **kw: float) -> HttpWelfareProvider:
    return HttpWelfareProvider(
        server.url_for("/"),
        provider_id="shop",
        name_zh="商城",
        name_en="shop",
        quota=QUOTA,
        sleep=waits.append,
        **{"timeout": 2.0, **kw},  # type: ignore[arg-type]
    )


def order(order_id: str = "o1") -> Order:
    line = OrderLine(item_id="rice", quantity=1, unit_price="199.90", amount="199.90")
    return Order(
        order_id=order_id,
        provider_id="shop",
        member_id="M1",
        quota_key="festival_goods",
        year=2026,
        lines=(line,),
        total="199.90",
    )


def test_server_failing_then_succeeding_places_the_order_once(
    server: HTTPServer, app: ProviderApp
) -> None:
    app.fail_first = 2
    waits: list[float] = []

    confirmation = adapter(server, waits, backoff=0.5).confirm(order())

    assert "P-1" == confirmation.provider_reference
    assert date(2026, 9, 10) == confirmation.expected_delivery
    assert ["unionkit:shop:o1"] * 3 == app.keys
    assert {"unionkit:shop:o1": "P-1"} == app.orders
    assert [0.5, 1.0] == waits


def test_a_timeout_is_retried_with_the_same_key_and_never_orders_twice(
    server: HTTPServer, app: ProviderApp
) -> None:
    app.stall_first, app.stall_seconds = 1, 1.5
    waits: list[float] = []

    confirmation = adapter(server, waits, timeout=0.3).confirm(order())

    # The first request reached the provider; the retry got its duplicate-key answer.
    assert "P-1" == confirmation.provider_reference
    assert 1 == len(app.orders)
    assert 2 == len(app.keys) and len(set(app.keys)) == 1


def test_a_duplicate_key_answer_returns_the_first_order(
    server: HTTPServer, app: ProviderApp
) -> None:
    shop = adapter(server, [])

    first = shop.confirm(order())
    second = shop.confirm(order())

    assert first.provider_reference == second.provider_reference == "P-1"
    assert 1 == len(app.orders)


def test_a_4xx_refusal_is_not_retried_and_names_the_reason(
    server: HTTPServer, app: ProviderApp
) -> None:
    app.refuse = "rice sold out"
    waits: list[float] = []

    with pytest.raises(Rejected) as err:
        adapter(server, waits).confirm(order())

    assert "refused order 'o1': HTTP 422" in str(err.value)
    assert "rice sold out" in str(err.value)
    assert 1 == len(app.keys)
    assert [] == waits


def test_retries_are_bounded_and_respect_retry_after(server: HTTPServer, app: ProviderApp) -> None:
    app.fail_first, app.fail_status, app.retry_after = 99, 429, "3"
    waits: list[float] = []

    with pytest.raises(ProviderUnavailable) as err:
        adapter(server, waits, attempts=3, backoff=0.5, max_backoff=2.0).confirm(order())

    assert "after 3 attempts (last: HTTP 429)" in str(err.value)
    assert 3 == len(app.keys)
    assert [2.0, 2.0] == waits  # Retry-After 3 s, cut to the 2 s bound
    assert {} == app.orders


def test_no_server_at_all_is_unavailable() -> None:
    waits: list[float] = []
    shop = HttpWelfareProvider(
        "http://127.0.0.1:9",
        provider_id="shop",
        name_zh="商城",
        name_en="shop",
        quota=QUOTA,
        attempts=2,
        sleep=waits.append,
    )

    with pytest.raises(ProviderUnavailable, match="after 2 attempts"):
        shop.confirm(order())
    assert [0.5] == waits


def test_catalogue_and_status_are_read_from_the_server(server: HTTPServer) -> None:
    server.expect_request("/catalogue", query_string="on=2026-09-01").respond_with_json(
        {
            "items": [
                {
                    "item_id": "rice",
                    "name_zh": "大米",
                    "name_en": "rice",
                    "kind": "festival_goods",
                    "price": "199.90",
                }
            ]
        }
    )
    server.expect_request("/orders/P-7").respond_with_json({"status": "shipped"})
    server.expect_request("/orders/a/b?c").respond_with_json({"status": "delivered"})
    server.expect_request("/orders/a/b").respond_with_json({"status": "cancelled"})
    shop = adapter(server, [])

    (item,) = shop.catalogue(ON)

    assert (BenefitKind.FESTIVAL_GOODS, Decimal("199.90")) == (item.kind, item.price)
    assert OrderStatus.SHIPPED is shop.status("P-7")
    # quoted: the reference arrives whole, not as the path a/b with a query c
    assert OrderStatus.DELIVERED is shop.status("a/b?c")


def test_an_invalid_catalogue_item_is_named(server: HTTPServer) -> None:
    server.expect_request("/catalogue").respond_with_json(
        {
            "items": [
                {
                    "item_id": "rice",
                    "name_zh": "大米",
                    "name_en": "rice",
                    "kind": "festival_goods",
                    "price": "199.90",
                },
                {
                    "item_id": "oil",
                    "name_zh": "油",
                    "name_en": "oil",
                    "kind": "festival_goods",
                    "price": "1.999",
                },
            ]
        }
    )

    with pytest.raises(Rejected, match=r"catalogue item 2 is not valid \(fields: price\)"):
        adapter(server, []).catalogue(ON)


def chosen_order(store: Store) -> WelfareOrders:
    """A store with member M1, the shop's rice, and M1's order o1 (chosen)."""
    store.add_members([Member.model_validate({"member_id": "M1", "name": "王五"})])
    welfare = WelfareOrders(store)
    rice = CatalogueItem(
        item_id="rice",
        name_zh="大米",
        name_en="rice",
        kind=BenefitKind.FESTIVAL_GOODS,
        price="199.90",
    )
    welfare.sync_catalogue("shop", [rice], on=ON)
    welfare.choose(
        "M1",
        "shop",
        QUOTA,
        [Selection("rice")],
        on=ON,
        at=datetime(2026, 9, 1, 9),
        order_id="o1",
        actor="M1",
    )
    return welfare


def test_store_places_through_http_once_despite_failures(
    store: Store, server: HTTPServer, app: ProviderApp
) -> None:
    welfare = chosen_order(store)
    app.fail_first = 1
    shop = adapter(server, [])

    placed = welfare.place("o1", shop, at=datetime(2026, 9, 1, 10), actor="staff")
    welfare.place("o1", shop, at=datetime(2026, 9, 1, 11), actor="staff")

    assert (OrderStatus.PLACED, "P-1") == (placed.status, placed.provider_reference)
    assert 2 == len(app.keys)  # one failure, one success; the second place() sent nothing
    assert 1 == len(app.orders)


def test_store_keeps_the_order_chosen_when_the_provider_is_unreachable(store: Store) -> None:
    welfare = chosen_order(store)
    waits: list[float] = []
    shop = HttpWelfareProvider(
        "http://127.0.0.1:9",
        provider_id="shop",
        name_zh="商城",
        name_en="shop",
        quota=QUOTA,
        attempts=2,
        sleep=waits.append,
    )

    with pytest.raises(ProviderUnavailable):
        welfare.place("o1", shop, at=datetime(2026, 9, 1, 10), actor="staff")

    assert OrderStatus.CHOSEN is welfare.get("o1").status
    assert 1 == len(welfare.history("o1"))


def test_delivery_status_is_tracked_forward_and_a_step_back_is_refused(
    store: Store, server: HTTPServer, app: ProviderApp
) -> None:
    welfare = chosen_order(store)
    shop = adapter(server, [])
    welfare.place("o1", shop, at=datetime(2026, 9, 1, 10), actor="staff")
    answers = iter(["confirmed", "shipped", "shipped", "placed"])
    server.expect_request("/orders/P-1").respond_with_handler(
        lambda request: _json({"status": next(answers)})
    )

    for hour in (11, 12, 13):
        welfare.track("o1", shop, at=datetime(2026, 9, 2, hour))
    with pytest.raises(IllegalTransition, match="from shipped to placed"):
        welfare.track("o1", shop, at=datetime(2026, 9, 2, 14))

    assert OrderStatus.SHIPPED is welfare.get("o1").status
    assert [None, "staff", "shop", "shop"] == [
        None if e.seq == 1 else e.actor for e in welfare.history("o1")
    ]


def test_importing_benefits_does_not_import_httpx() -> None:
    code = "import sys, unionkit.benefits; print('httpx' in sys.modules)"

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert "False" == out.stdout.strip()
