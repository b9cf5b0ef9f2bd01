"""Welfare orders in the store: catalogues, choices within quota, orders and status history."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, func, insert, select, update

from unionkit.benefits.orders import (
    RELEASED,
    OrderEvent,
    OrderStatus,
    StoredOrder,
    TracksDelivery,
    check_move,
    idempotency_key,
)
from unionkit.benefits.provider import CatalogueItem, Order, OrderLine, Quota, Selection
from unionkit.benefits.quota import price_selections, quota_exceeded, require_per_year
from unionkit.errors import ConflictError, NotFound, Rejected
from unionkit.models.ids import scrub
from unionkit.money import parse_fen
from unionkit.store._schema import (
    members,
    welfare_items,
    welfare_order_events,
    welfare_order_lines,
    welfare_orders,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Row

    from unionkit.benefits.provider import WelfareProvider
    from unionkit.store._store import Store

__all__ = ["WelfareOrders"]

_TABLES = (welfare_items, welfare_orders, welfare_order_lines, welfare_order_events)
_NOTE_LIMIT = 500


def _yuan(fen: int) -> Decimal:
    return Decimal(int(fen)).scaleb(-2)


class WelfareOrders:
    """
    Welfare providers' catalogues and members' orders, kept in a :class:`~unionkit.store.Store`.

    A member's choice is stored as an order in status ``chosen`` and counts against
    their quota at once, so two choices can never together pass the cap: the check
    and the insert are one transaction holding the member's row (``BEGIN IMMEDIATE``
    on SQLite, ``SELECT … FOR UPDATE`` on PostgreSQL). Failed and cancelled orders
    give their quota back. Every status change appends a history row in the same
    transaction; statuses only move forward (see
    :data:`unionkit.benefits.NEXT_STATUSES`).

    Args:
        store: An open store (migrated to 0005 or later).

    .. versionadded:: 0.1.0
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    # --- Catalogue ---

    def sync_catalogue(self, provider_id: str, items: Iterable[CatalogueItem], *, on: date) -> int:
        """
        Keep *items* as the provider's current catalogue; items not listed are withdrawn.

        Prices of past orders never change: each order line keeps its own unit price.

        Args:
            provider_id: The provider.
            items: Its catalogue on *on*.
            on: The date the catalogue was read.

        Returns:
            How many items are on offer.

        Raises:
            Rejected: An item id repeats, or a price is not positive; nothing is stored.
        """
        given = list(items)
        ids = [i.item_id for i in given]
        repeated = sorted(i for i, n in Counter(ids).items() if n > 1)
        if repeated:
            raise Rejected(
                f"Provider {provider_id!r}: item {repeated[0]!r} is listed twice; "
                f"nothing was stored / 目录中商品{repeated[0]}重复，未保存"
            )
        free = [i.item_id for i in given if i.price <= 0]
        if free:
            raise Rejected(
                f"Provider {provider_id!r}: item {free[0]!r} has no positive price; "
                f"nothing was stored / 商品{free[0]}的价格必须大于零，未保存"
            )
        with self._store._write() as conn:
            stored = set(
                conn.execute(
                    select(welfare_items.c.item_id).where(
                        welfare_items.c.provider_id == provider_id
                    )
                ).scalars()
            )
            conn.execute(
                update(welfare_items)
                .where(welfare_items.c.provider_id == provider_id)
                .values(active=False)
            )
            for item in given:
                values = {
                    "name_zh": item.name_zh,
                    "name_en": item.name_en,
                    "kind": item.kind.value,
                    "form": item.form.value,
                    "price_fen": parse_fen(item.price),
                    "home_delivery": item.home_delivery,
                    "listed_on": on,
                    "active": True,
                }
                if item.item_id in stored:
                    conn.execute(
                        update(welfare_items)
                        .where(
                            welfare_items.c.provider_id == provider_id,
                            welfare_items.c.item_id == item.item_id,
                        )
                        .values(**values)
                    )
                else:
                    conn.execute(
                        insert(welfare_items).values(
                            provider_id=provider_id, item_id=item.item_id, **values
                        )
                    )
        return len(given)

    def catalogue(self, provider_id: str) -> list[CatalogueItem]:
        """The provider's items on offer, by item id."""
        with self._store._read() as conn:
            rows = conn.execute(
                select(welfare_items)
                .where(welfare_items.c.provider_id == provider_id, welfare_items.c.active)
                .order_by(welfare_items.c.item_id)
            ).all()
        return [_item(r) for r in rows]

    # --- Choices within the quota ---

    def spent(self, member_id: str, quota_key: str, year: int) -> Decimal:
        """What *member_id*'s orders take of *quota_key* in *year* (not failed or cancelled)."""
        with self._store._read() as conn:
            return _yuan(_spent_fen(conn, member_id, quota_key, year))

    def choose(
        self,
        member_id: str,
        provider_id: str,
        quota: Quota,
        selections: Sequence[Selection],
        *,
        on: date,
        at: datetime,
        order_id: str,
        actor: str,
    ) -> StoredOrder:
        """
        Store a member's choice from the stored catalogue, within their quota.

        Choosing again with the same *order_id* and the same choice returns the order
        already stored and stores nothing (a retried request); a different choice under
        that id is refused.

        Args:
            member_id: Who is choosing.
            provider_id: The provider whose stored catalogue is used (see :meth:`sync_catalogue`).
            quota: The member's quota with this provider (per year).
            selections: Item ids and quantities.
            on: The date of the choice; its year is the quota year.
            at: When, for the history row.
            order_id: The order's id (unique).
            actor: Who recorded the choice (the member, or staff on their behalf).

        Returns:
            The stored order, in status ``chosen``.

        Raises:
            NotFound: The member is not in the store; nothing is stored.
            Rejected: Nothing chosen, an unknown or withdrawn item, a quantity below 1,
                goods that break the fund rules, a quota not per year, or an order id
                used for another choice; nothing is stored.
            QuotaExceeded: The choice costs more than the member has left of the quota
                this year; the message names the member, the cost and what is left.
        """
        require_per_year(provider_id, quota)
        with self._store._write() as conn:
            _lock_member(conn, member_id, self._store.dialect)
            rows = conn.execute(
                select(welfare_items).where(
                    welfare_items.c.provider_id == provider_id,
                    welfare_items.c.active,
                    welfare_items.c.item_id.in_({s.item_id for s in selections}),
                )
            ).all()
            items = {r.item_id: _item(r) for r in rows}
            lines, total = price_selections(
                provider_id, provider_id, member_id, items, selections, on=on
            )
            order = Order(
                order_id=order_id,
                provider_id=provider_id,
                member_id=member_id,
                quota_key=quota.key,
                year=on.year,
                lines=tuple(lines),
                total=total,
                delivery_address_on_file=any(items[s.item_id].home_delivery for s in selections),
            )
            existing = conn.execute(
                select(welfare_orders).where(welfare_orders.c.order_id == order_id)
            ).first()
            if existing is not None:
                stored = _stored(conn, existing)
                if (stored.order.member_id, stored.order.provider_id, stored.order.lines) != (
                    member_id,
                    provider_id,
                    order.lines,
                ):
                    raise Rejected(
                        f"Order {order_id!r} is already stored for another choice; nothing "
                        f"was stored / 订单编号{order_id}已用于其他选择，未保存"
                    )
                return stored
            spent = _spent_fen(conn, member_id, quota.key, on.year)
            left = max(parse_fen(quota.cap) - spent, 0)
            if parse_fen(total) > left:
                raise quota_exceeded(member_id, total, _yuan(left), quota, on.year)
            key = idempotency_key(order)
            conn.execute(
                insert(welfare_orders).values(
                    order_id=order_id,
                    idempotency_key=key,
                    provider_id=provider_id,
                    member_id=member_id,
                    quota_key=quota.key,
                    year=on.year,
                    total_fen=parse_fen(total),
                    chosen_on=on,
                    status=OrderStatus.CHOSEN.value,
                    version=1,
                    provider_reference=None,
                    expected_delivery=None,
                    home_delivery=order.delivery_address_on_file,
                )
            )
            conn.execute(
                insert(welfare_order_lines),
                [
                    {
                        "order_id": order_id,
                        "line_no": n,
                        "item_id": line.item_id,
                        "quantity": line.quantity,
                        "unit_price_fen": parse_fen(line.unit_price),
                        "amount_fen": parse_fen(line.amount),
                    }
                    for n, line in enumerate(lines, start=1)
                ],
            )
            conn.execute(
                insert(welfare_order_events).values(
                    order_id=order_id,
                    seq=1,
                    from_status=None,
                    to_status=OrderStatus.CHOSEN.value,
                    actor=actor,
                    at=at,
                    note=None,
                )
            )
        return StoredOrder(
            order=order,
            idempotency_key=key,
            status=OrderStatus.CHOSEN,
            version=1,
            chosen_on=on,
            provider_reference=None,
            expected_delivery=None,
        )

    # --- Orders and their status ---

    def get(self, order_id: str) -> StoredOrder:
        """
        Return a stored order.

        Raises:
            NotFound: No such order.
        """
        with self._store._read() as conn:
            return _stored(conn, _order_row(conn, order_id))

    def orders_for(self, member_id: str, year: int | None = None) -> list[StoredOrder]:
        """A member's orders (of *year* if given), oldest first."""
        query = select(welfare_orders).where(welfare_orders.c.member_id == member_id)
        if year is not None:
            query = query.where(welfare_orders.c.year == year)
        with self._store._read() as conn:
            rows = conn.execute(
                query.order_by(welfare_orders.c.chosen_on, welfare_orders.c.order_id)
            ).all()
            return [_stored(conn, r) for r in rows]

    def history(self, order_id: str) -> list[OrderEvent]:
        """
        An order's status history, oldest first.

        Raises:
            NotFound: No such order.
        """
        with self._store._read() as conn:
            _order_row(conn, order_id)
            rows = conn.execute(
                select(welfare_order_events)
                .where(welfare_order_events.c.order_id == order_id)
                .order_by(welfare_order_events.c.seq)
            ).all()
        return [
            OrderEvent(
                order_id=r.order_id,
                seq=r.seq,
                from_status=OrderStatus(r.from_status) if r.from_status else None,
                to_status=OrderStatus(r.to_status),
                actor=r.actor,
                at=r.at,
                note=r.note,
            )
            for r in rows
        ]

    def move(
        self,
        order_id: str,
        status: OrderStatus | str,
        *,
        at: datetime,
        actor: str,
        note: str | None = None,
        reference: str | None = None,
        expected_delivery: date | None = None,
        expected_version: int | None = None,
    ) -> StoredOrder:
        """
        Move an order to *status* and append the history row, in one transaction.

        Reporting the status the order already has changes nothing (providers repeat
        their updates); any move that is not forward is refused.

        Args:
            order_id: The order.
            status: The new status (a value or a label, e.g. ``"shipped"`` or ``"已发货"``).
            at: When it happened.
            actor: Who reported it (staff, or the provider's id).
            note: Why, e.g. the provider's refusal or a tracking number.
            reference: The provider's reference for the order, when it gives one.
            expected_delivery: The delivery date the provider announces.
            expected_version: Refuse the move if the order changed since this version.

        Returns:
            The order after the move.

        Raises:
            NotFound: No such order.
            Rejected: *status* is not an order status.
            IllegalTransition: The move is not forward; nothing is stored.
            ConflictError: The order is no longer at *expected_version*.
        """
        try:
            new = OrderStatus(status)
        except ValueError:
            raise Rejected(
                f"Order {order_id!r}: {status!r} is not an order status; use one of "
                f"{', '.join(s.value for s in OrderStatus)} / 未知订单状态"
            ) from None
        with self._store._write() as conn:
            row = _order_row(conn, order_id)
            current = OrderStatus(row.status)
            if expected_version is not None and expected_version != row.version:
                raise ConflictError(
                    f"Order {order_id!r} changed since version {expected_version}; it is at "
                    f"version {row.version} / 订单已被他人修改，请刷新后重试"
                )
            if new is current:
                return _stored(conn, row)
            check_move(order_id, current, new)
            values: dict[str, Any] = {"status": new.value, "version": row.version + 1}
            if reference is not None:
                values["provider_reference"] = reference[:128]
            if expected_delivery is not None:
                values["expected_delivery"] = expected_delivery
            done = conn.execute(
                update(welfare_orders)
                .where(
                    welfare_orders.c.order_id == order_id, welfare_orders.c.version == row.version
                )
                .values(**values)
            )
            if done.rowcount != 1:
                raise ConflictError(
                    f"Order {order_id!r} was changed by someone else; retry / "
                    f"订单已被他人修改，请重试"
                )
            conn.execute(
                insert(welfare_order_events).values(
                    order_id=order_id,
                    seq=row.version + 1,
                    from_status=current.value,
                    to_status=new.value,
                    actor=actor,
                    at=at,
                    note=None if note is None else scrub(note)[:_NOTE_LIMIT],
                )
            )
            return _stored(conn, _order_row(conn, order_id))

    def place(
        self, order_id: str, provider: WelfareProvider, *, at: datetime, actor: str
    ) -> StoredOrder:
        """
        Place a chosen order with its provider and record the outcome.

        The provider is called outside any database transaction. An order already
        placed (or further on) is returned as it is, without calling the provider, so
        calling this twice never orders twice; the provider also receives the order's
        idempotency key (see :func:`unionkit.benefits.idempotency_key`), so a retry
        after a crash between the call and the record is safe too.

        Args:
            order_id: A stored order.
            provider: The provider to place it with (its ``confirm``).
            at: When, for the history row.
            actor: Who placed it.

        Returns:
            The order, now ``placed`` with the provider's reference.

        Raises:
            NotFound: No such order.
            Rejected: The provider refused the order; it is recorded as ``failed``
                (which gives the quota back) and the provider's reason is in the note.
            ProviderUnavailable: The provider could not be reached after its retries;
                the order stays ``chosen`` and may be placed again later.
        """
        stored = self.get(order_id)
        if stored.status is not OrderStatus.CHOSEN:
            return stored
        if provider.provider_id != stored.order.provider_id:
            raise Rejected(
                f"Order {order_id!r} is for provider {stored.order.provider_id!r}, not "
                f"{provider.provider_id!r}; nothing was sent / 订单不属于该供应商，未发送"
            )
        try:
            confirmation = provider.confirm(stored.order)
        except Rejected as exc:
            self.move(
                order_id,
                OrderStatus.FAILED,
                at=at,
                actor=actor,
                note=f"refused by the provider / 供应商拒绝: {exc}",
            )
            raise
        return self.move(
            order_id,
            OrderStatus.PLACED,
            at=at,
            actor=actor,
            reference=confirmation.provider_reference,
            expected_delivery=confirmation.expected_delivery,
        )

    def track(
        self, order_id: str, provider: object, *, at: datetime, actor: str | None = None
    ) -> StoredOrder:
        """
        Ask the provider where a placed order is and record it (forward moves only).

        Args:
            order_id: A placed order (it has the provider's reference).
            provider: A provider that answers ``status(reference)``, such as
                :class:`~unionkit.benefits.http.HttpWelfareProvider`.
            at: When, for the history row.
            actor: Who reports it (the provider's id by default).

        Returns:
            The order after the update (unchanged when the status is the same).

        Raises:
            NotFound: No such order.
            Rejected: The order has no provider reference yet (it was never placed), or
                the provider does not report statuses.
            IllegalTransition: The provider reports a status behind the stored one;
                nothing is stored.
        """
        if not isinstance(provider, TracksDelivery):
            raise Rejected(
                f"Provider {getattr(provider, 'provider_id', '?')!r} does not report "
                f"delivery statuses; record them with move() / 该供应商不提供配送状态查询"
            )
        stored = self.get(order_id)
        if stored.provider_reference is None:
            raise Rejected(
                f"Order {order_id!r} has not been placed; there is nothing to track "
                f"/ 订单尚未下单，无法查询配送状态"
            )
        status = provider.status(stored.provider_reference)
        return self.move(
            order_id,
            status,
            at=at,
            actor=actor or provider.provider_id,
            expected_version=stored.version,
        )

    def count_rows(self) -> dict[str, int]:
        """Rows per welfare table, e.g. to check that a refused write stored nothing."""
        with self._store._read() as conn:
            return {
                t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                for t in _TABLES
            }


def _item(row: Row[Any]) -> CatalogueItem:
    return CatalogueItem(
        item_id=row.item_id,
        name_zh=row.name_zh,
        name_en=row.name_en,
        kind=row.kind,
        form=row.form,
        price=_yuan(row.price_fen),
        home_delivery=row.home_delivery,
    )


def _lock_member(conn: Connection, member_id: str, dialect: str) -> None:
    query = select(members.c.member_id).where(members.c.member_id == member_id, ~members.c.deleted)
    if dialect == "postgresql":
        # Serialises choices of one member: the quota check below sees every earlier order.
        query = query.with_for_update()
    if conn.execute(query).first() is None:
        raise NotFound(
            f"member {member_id!r} not found; nothing was stored / 找不到会员{member_id}，未保存"
        )


def _spent_fen(conn: Connection, member_id: str, quota_key: str, year: int) -> int:
    total = conn.execute(
        select(func.coalesce(func.sum(welfare_orders.c.total_fen), 0)).where(
            and_(
                welfare_orders.c.member_id == member_id,
                welfare_orders.c.quota_key == quota_key,
                welfare_orders.c.year == year,
                welfare_orders.c.status.not_in([s.value for s in RELEASED]),
            )
        )
    ).scalar_one()
    return int(total)


def _order_row(conn: Connection, order_id: str) -> Row[Any]:
    row = conn.execute(select(welfare_orders).where(welfare_orders.c.order_id == order_id)).first()
    if row is None:
        raise NotFound(f"order {order_id!r} not found / 找不到订单{order_id}")
    return row


def _stored(conn: Connection, row: Row[Any]) -> StoredOrder:
    lines = conn.execute(
        select(welfare_order_lines)
        .where(welfare_order_lines.c.order_id == row.order_id)
        .order_by(welfare_order_lines.c.line_no)
    ).all()
    order = Order(
        order_id=row.order_id,
        provider_id=row.provider_id,
        member_id=row.member_id,
        quota_key=row.quota_key,
        year=row.year,
        lines=tuple(
            OrderLine(
                item_id=ln.item_id,
                quantity=ln.quantity,
                unit_price=_yuan(ln.unit_price_fen),
                amount=_yuan(ln.amount_fen),
            )
            for ln in lines
        ),
        total=_yuan(row.total_fen),
        delivery_address_on_file=row.home_delivery,
    )
    return StoredOrder(
        order=order,
        idempotency_key=row.idempotency_key,
        status=OrderStatus(row.status),
        version=row.version,
        chosen_on=row.chosen_on,
        provider_reference=row.provider_reference,
        expected_delivery=row.expected_delivery,
    )
