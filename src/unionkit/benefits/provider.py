"""Welfare providers (福利供应商): what a catalogue, an order and a confirmation look like."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Protocol, runtime_checkable

from attrs import frozen
from pydantic import BaseModel, ConfigDict, Field

from unionkit.models import BenefitKind, GrantForm, Period, Yuan

__all__ = [
    "CatalogueItem",
    "Confirmation",
    "Order",
    "OrderLine",
    "Quota",
    "Selection",
    "WelfareProvider",
]


class _ProviderData(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class CatalogueItem(_ProviderData):
    """
    One thing a provider offers for a period: a goods bundle, a health-check package, a discount.

    .. versionadded:: 0.1.0
    """

    item_id: str = Field(min_length=1, max_length=64)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    kind: BenefitKind
    form: GrantForm = GrantForm.GOODS
    price: Yuan
    home_delivery: bool = False


class OrderLine(_ProviderData):
    """
    One item of an order with its quantity and exact amount.

    .. versionadded:: 0.1.0
    """

    item_id: str
    quantity: int = Field(ge=1)
    unit_price: Yuan
    amount: Yuan


class Order(_ProviderData):
    """
    A member's choice, priced and checked against their quota, ready to confirm.

    .. versionadded:: 0.1.0
    """

    order_id: str = Field(min_length=1)
    provider_id: str
    member_id: str
    quota_key: str
    year: int
    lines: tuple[OrderLine, ...]
    total: Yuan
    delivery_address_on_file: bool = False


class Confirmation(_ProviderData):
    """
    A provider's acknowledgement of an order.

    .. versionadded:: 0.1.0
    """

    order_id: str
    provider_reference: str = Field(min_length=1)
    expected_delivery: date | None = None


@frozen
class Selection:
    """
    What a member picked from a catalogue: an item and how many.

    .. versionadded:: 0.1.0
    """

    item_id: str
    quantity: int = 1


@frozen
class Quota:
    """
    How much one member may take from a provider per period.

    Args:
        key: Which budget line this quota draws on, e.g. ``"festival_goods"``.
        cap: The most a member may take per period, in exact yuan.
        period: Per year, per event or once.

    .. versionadded:: 0.1.0
    """

    key: str
    cap: Decimal
    period: Period = Period.PER_YEAR


@runtime_checkable
class WelfareProvider(Protocol):
    """
    What a welfare provider plugin object offers: a catalogue, a quota, and order confirmation.

    Core code prices the member's selection and checks it against the quota
    (see :func:`unionkit.benefits.choose`); the provider only lists items and
    confirms orders, so a provider cannot let a member exceed their quota.

    .. versionadded:: 0.1.0
    """

    provider_id: str
    name_zh: str
    name_en: str

    def catalogue(self, on: date) -> list[CatalogueItem]:
        """Return the items offered on *on*."""
        ...

    def quota(self, on: date) -> Quota:
        """Return the per-member quota that applies on *on*."""
        ...

    def confirm(self, order: Order) -> Confirmation:
        """Place *order* with the provider and return its acknowledgement."""
        ...
