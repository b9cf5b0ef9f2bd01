"""A welfare provider reached over HTTP (httpx): orders placed once, with an idempotency key."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pydantic import ValidationError

from unionkit.benefits.orders import OrderStatus, idempotency_key
from unionkit.benefits.provider import CatalogueItem, Confirmation, Order, Quota
from unionkit.errors import ProviderUnavailable, Rejected
from unionkit.models.ids import scrub

if TYPE_CHECKING:
    import httpx

__all__ = ["IDEMPOTENCY_HEADER", "HttpWelfareProvider"]

IDEMPOTENCY_HEADER = "Idempotency-Key"
"""The request header carrying an order's key (as in the IETF httpapi draft)."""

_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_REASON_LIMIT = 300


class HttpWelfareProvider:
    """
    A welfare provider's web API, as a :class:`~unionkit.benefits.WelfareProvider`.

    The API it expects (JSON):

    - ``GET /catalogue?on=YYYY-MM-DD`` → ``{"items": [CatalogueItem, ...]}``;
    - ``POST /orders`` with the order and an ``Idempotency-Key`` header →
      ``201`` (or ``200``) ``{"reference": "...", "expected_delivery": "YYYY-MM-DD" | null}``;
      a key seen before → the first order's answer again, or ``409`` with its
      ``reference``: either way the order is placed once;
    - ``GET /orders/{reference}`` → ``{"status": "shipped", ...}``.

    Timeouts, connection errors and ``408``/``425``/``429``/``5xx`` answers are retried
    with the same key, at most *attempts* times in all, waiting ``backoff × 2^n``
    seconds (at most *max_backoff*, or the server's ``Retry-After`` within that bound)
    between tries. Any other ``4xx`` is a refusal and is not retried.

    The quota is the union's rule, not the provider's: it is given here.

    Args:
        base_url: The API's root, e.g. ``https://shop.example.com/api``.
        provider_id: The provider's id in unionkit.
        name_zh: Its Chinese name.
        name_en: Its English name.
        quota: The per-member quota with this provider.
        timeout: Seconds to wait for each answer.
        attempts: Tries per request (1 means no retry).
        backoff: The first wait between tries, in seconds.
        max_backoff: The longest wait between tries, in seconds.
        headers: Extra headers sent with every request (e.g. an API token).
        sleep: How to wait (tests pass a recorder instead of sleeping).

    Raises:
        Rejected: *attempts* is below 1 or a wait is negative.

    .. versionadded:: 0.1.0
    """

    def __init__(
        self,
        base_url: str,
        *,
        provider_id: str,
        name_zh: str,
        name_en: str,
        quota: Quota,
        timeout: float = 10.0,
        attempts: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if attempts < 1 or backoff < 0 or max_backoff < 0:
            raise Rejected(
                f"Provider {provider_id!r}: attempts must be at least 1 and waits "
                f"not negative / 重试次数至少为1，等待时间不能为负"
            )
        self.provider_id = provider_id
        self.name_zh = name_zh
        self.name_en = name_en
        self._base_url = base_url.rstrip("/")
        self._quota = quota
        self._timeout = timeout
        self._attempts = attempts
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._headers = dict(headers or {})
        self._sleep = sleep

    def catalogue(self, on: date) -> list[CatalogueItem]:
        """
        Return the items the provider offers on *on*.

        Raises:
            ProviderUnavailable: No usable answer after the retries.
            Rejected: The provider refused, or sent an item that is not valid (named).
        """
        response = self._request(
            "GET", "/catalogue", what="catalogue", params={"on": on.isoformat()}
        )
        self._refuse_4xx(response, "catalogue")
        body = self._json(response, "catalogue")
        items = body.get("items")
        if not isinstance(items, list):
            raise Rejected(
                f"Provider {self.provider_id!r}: the catalogue has no 'items' list / "
                f"供应商目录缺少商品列表"
            )
        out = []
        for n, raw in enumerate(items, start=1):
            try:
                out.append(CatalogueItem.model_validate(raw))
            except ValidationError as exc:
                fields = ", ".join(str(e["loc"][0]) for e in exc.errors() if e["loc"])
                raise Rejected(
                    f"Provider {self.provider_id!r}: catalogue item {n} is not valid "
                    f"(fields: {fields}) / 供应商目录第{n}项无效"
                ) from exc
        return out

    def quota(self, on: date) -> Quota:
        """Return the per-member quota given when the adapter was built."""
        return self._quota

    def confirm(self, order: Order) -> Confirmation:
        """
        Place *order* with the provider, once, and return its acknowledgement.

        Raises:
            ProviderUnavailable: No usable answer after the retries; the provider may or
                may not have the order, and placing it again with the same key is safe.
            Rejected: The provider refused the order (a ``4xx`` other than ``409``).
        """
        what = f"order {order.order_id!r}"
        response = self._request(
            "POST",
            "/orders",
            what=what,
            json=order.model_dump(mode="json"),
            key=idempotency_key(order),
        )
        if response.status_code not in (200, 201, 409):
            self._refuse_4xx(response, what)
        body = self._json(response, what)
        reference = body.get("reference")
        if not isinstance(reference, str) or not reference:
            if response.status_code == 409:
                raise Rejected(
                    f"Provider {self.provider_id!r} says the key of {what} was used for "
                    f"another order, and names none / 供应商称该订单的幂等键已被使用"
                )
            raise ProviderUnavailable(
                f"Provider {self.provider_id!r} answered {what} without a reference; "
                f"placing it again is safe (same key) / 供应商未返回订单号，可安全重试"
            )
        try:
            return Confirmation(
                order_id=order.order_id,
                provider_reference=reference,
                expected_delivery=body.get("expected_delivery"),
            )
        except ValidationError as exc:
            raise ProviderUnavailable(
                f"Provider {self.provider_id!r} answered {what} with an unreadable delivery "
                f"date; placing it again is safe (same key) / 供应商返回的送达日期无法识别"
            ) from exc

    def status(self, reference: str) -> OrderStatus:
        """
        Ask the provider where an order is (placed, confirmed, shipped, delivered ...).

        Raises:
            ProviderUnavailable: No usable answer after the retries.
            Rejected: The provider does not know the order, or names an unknown status.
        """
        what = f"order reference {reference!r}"
        # Quoted whole: a reference is the provider's text and must not reach another path.
        path = f"/orders/{quote(reference, safe='')}"
        response = self._request("GET", path, what=what)
        self._refuse_4xx(response, what)
        value = self._json(response, what).get("status")
        try:
            return OrderStatus(str(value))
        except ValueError:
            raise Rejected(
                f"Provider {self.provider_id!r}: {what} has the unknown status "
                f"{value!r} / 供应商返回了未知的订单状态"
            ) from None

    # --- Plumbing ---

    def _request(
        self,
        method: str,
        path: str,
        *,
        what: str,
        key: str | None = None,
        json: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        import httpx

        headers = dict(self._headers)
        if key is not None:
            headers[IDEMPOTENCY_HEADER] = key
        last = ""
        retry_after: str | None = None
        with httpx.Client(base_url=self._base_url, timeout=self._timeout) as client:
            for attempt in range(self._attempts):
                if attempt:
                    self._sleep(self._wait(attempt, retry_after))
                retry_after = None
                try:
                    response = client.request(
                        method, path, headers=headers, json=json, params=params
                    )
                except httpx.TimeoutException:
                    last = f"no answer within {self._timeout:g} s"
                    continue
                except httpx.TransportError as exc:
                    last = f"{type(exc).__name__}"
                    continue
                if response.status_code not in _RETRY_STATUSES:
                    return response
                last = f"HTTP {response.status_code}"
                retry_after = response.headers.get("Retry-After")
        raise ProviderUnavailable(
            f"Provider {self.provider_id!r}: {what} got no usable answer after "
            f"{self._attempts} attempts (last: {last}); nothing was recorded as placed, and "
            f"trying again is safe (same idempotency key)\n"
            f"供应商{self.provider_id}：{self._attempts}次尝试均未成功（{last}），"
            f"未记录为已下单，可安全重试"
        )

    def _wait(self, attempt: int, retry_after: str | None) -> float:
        wait: float = self._backoff * 2 ** (attempt - 1)
        if retry_after is not None and retry_after.strip().isdigit():
            wait = max(wait, float(retry_after))
        return min(wait, self._max_backoff)

    def _refuse_4xx(self, response: httpx.Response, what: str) -> None:
        if response.is_success:
            return
        reason = scrub(response.text.strip())[:_REASON_LIMIT] or response.reason_phrase
        raise Rejected(
            f"Provider {self.provider_id!r} refused {what}: HTTP {response.status_code}: "
            f"{reason}\n供应商{self.provider_id}拒绝了请求（HTTP {response.status_code}）"
        )

    def _json(self, response: httpx.Response, what: str) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ProviderUnavailable(
                f"Provider {self.provider_id!r} answered {what} with no JSON object "
                f"(HTTP {response.status_code}) / 供应商的答复不是 JSON 对象"
            )
        return body
