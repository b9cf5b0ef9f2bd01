"""The hospital's online holiday-goods catalogue (节日慰问品线上自选), delivered home."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

import yaml

from unionkit.benefits import CatalogueItem, Confirmation, Order, Quota
from unionkit.models import BenefitKind, GrantForm

__all__ = ["HolidayGoodsShop"]


def _window(spec: dict[str, Any], on: date) -> bool:
    start, end = spec.get("from"), spec.get("until")
    if start is None or end is None:
        return True
    key, lo, hi = f"{on.month:02d}-{on.day:02d}", str(start), str(end)
    if lo <= hi:
        return lo <= key <= hi
    # A window across New Year, such as Spring Festival goods from 12-15 until 02-15.
    return key >= lo or key <= hi


class HolidayGoodsShop:
    """
    The union's e-commerce partner: members pick goods within an annual quota, delivered home.

    Every item is goods (never cash or cards), as the union fund rules require.
    Confirmation is deterministic (the reference is a digest of the order),
    so confirming the same order twice yields the same reference.

    Args:
        catalogue: The parsed ``catalogue.yaml`` (items and quota).
    """

    provider_id = "hospital-holiday-goods"
    name_zh = "节日慰问品线上商城"
    name_en = "holiday goods online shop"

    def __init__(self, catalogue: dict[str, Any]) -> None:
        self._items = list(catalogue["items"])
        quota = catalogue["quota"]
        self._quota = Quota(str(quota["key"]), Decimal(str(quota["annual_yuan"])))
        self.placed: list[Order] = []

    @classmethod
    def from_package(cls) -> HolidayGoodsShop:
        """Build the shop from the catalogue shipped with the plugin."""
        from unionkit_hospital import rule_file

        return cls(yaml.safe_load(rule_file("catalogue.yaml").read_text(encoding="utf-8")))

    def catalogue(self, on: date) -> list[CatalogueItem]:
        """Return the items on sale on *on* (seasonal items only in their window)."""
        return [
            CatalogueItem(
                item_id=i["item_id"],
                name_zh=i["name_zh"],
                name_en=i["name_en"],
                kind=BenefitKind.FESTIVAL_GOODS,
                form=GrantForm.GOODS,
                price=str(i["price"]),
                home_delivery=True,
            )
            for i in self._items
            if _window(i, on)
        ]

    def quota(self, on: date) -> Quota:
        """Return the per-member annual quota for festival goods."""
        return self._quota

    def confirm(self, order: Order) -> Confirmation:
        """Accept *order* for home delivery (the shop schedules the date)."""
        digest = hashlib.sha256(order.model_dump_json().encode()).hexdigest()[:12]
        self.placed.append(order)
        return Confirmation(
            order_id=order.order_id, provider_reference=f"HG-{digest}", expected_delivery=None
        )
