"""``unionkit welfare``: catalogues, choices within quota, orders and their delivery status."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from unionkit.cli.app import app
from unionkit.cli.lang import Lang
from unionkit.cli.options import LangOption
from unionkit.cli.plugins import NoPluginOpt, PluginOpt

if TYPE_CHECKING:
    from unionkit.benefits import StoredOrder, WelfareProvider
    from unionkit.store import WelfareOrders

__all__ = ["welfare_app"]

welfare_app = typer.Typer(
    help="福利自选：目录、限额内选择、订单与配送 / welfare orders: catalogue, choices, delivery.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(welfare_app, name="welfare")

# Option types are declared here, not imported from cli.demands: that module imports
# cli.app, which imports this one, so a top-level import could meet it half-initialised.
_Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLite 文件路径或 PostgreSQL URL / SQLite file or PostgreSQL URL.",
        show_default=False,
    ),
]
_Json = Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON.")]
_Branch = Annotated[
    str | None,
    typer.Option(
        "--branch", help="分会（其插件提供供应商） / branch whose plugins provide the providers."
    ),
]
_ProviderOpt = Annotated[
    str | None, typer.Option("--provider", help="供应商编号（分会只有一个时可省略） / provider id.")
]
_On = Annotated[str, typer.Option("--on", help="日期 YYYY-MM-DD / date.", show_default=False)]
_At = Annotated[
    str | None,
    typer.Option("--at", help="时间（ISO，默认现在） / when (ISO date-time; default now)."),
]
_Actor = Annotated[str, typer.Option("--actor", help="操作人 / who does it.")]

_TEXT = {
    "synced": ("已同步 {provider} 的目录：{n} 件商品", "synced {provider}'s catalogue: {n} items"),
    "no_branch": (
        "需要 --branch（或 --plugin）以取得供应商",
        "--branch (or --plugin) is needed to reach the provider",
    ),
    "no_provider": (
        "分会 {branch} 没有供应商 {provider}；已有：{known}",
        "branch {branch} has no provider {provider}; it has: {known}",
    ),
    "bad_item": (
        "--item 应为 商品编号 或 商品编号:数量，而不是 {value!r}",
        "--item must be ITEM or ITEM:QUANTITY, not {value!r}",
    ),
    "bad_date": (
        "日期应为 YYYY-MM-DD，而不是 {value!r}",
        "a date must be YYYY-MM-DD, not {value!r}",
    ),
    "order": (
        "订单 {order}：会员 {member}，{provider}，合计 {total} 元，状态 {status}",
        "order {order}: member {member}, {provider}, total {total} yuan, status {status}",
    ),
    "left": ("{year} 年 {quota} 限额已用 {spent} 元", "{year} {quota} quota used: {spent} yuan"),
}


def _t(key: str, lang: Lang, **values: Any) -> str:
    zh, en = _TEXT[key]
    return (zh if lang is Lang.zh else en).format(**values)


def _usage(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(2)


def _day(value: str, lang: Lang) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise _usage(_t("bad_date", lang, value=value)) from None


def _when(value: str | None) -> datetime:
    from unionkit.cli.demands import _parse_at

    return _parse_at(value) or datetime.now()


@contextmanager
def _orders(db: str | None, lang: Lang) -> Iterator[WelfareOrders]:
    from unionkit.cli.demands import _store
    from unionkit.store import WelfareOrders

    with _store(db, lang) as store:
        yield WelfareOrders(store)


def _provider(
    branch: str | None,
    plugin: list[str] | None,
    no_plugin: list[str] | None,
    provider_id: str | None,
    lang: Lang,
) -> WelfareProvider:
    from unionkit.branches import branch_welfare_providers
    from unionkit.cli.demands import _fail
    from unionkit.cli.plugins import branch_host

    chosen = branch_host(branch=branch, plugins=plugin or [], no_plugins=no_plugin or [])
    if chosen is None:
        raise _usage(_t("no_branch", lang))
    host, slug = chosen
    providers = {p.provider_id: p for p in branch_welfare_providers(host, slug)}
    if provider_id is None and len(providers) == 1:
        return next(iter(providers.values()))
    found = providers.get(provider_id or "")
    if found is None:
        _fail(
            _t(
                "no_provider",
                lang,
                branch=slug,
                provider=provider_id or "?",
                known=", ".join(sorted(providers)) or "-",
            )
        )
    return found  # type: ignore[return-value]


def _order_json(stored: StoredOrder) -> dict[str, Any]:
    order = stored.order
    return {
        "order_id": order.order_id,
        "member_id": order.member_id,
        "provider_id": order.provider_id,
        "quota_key": order.quota_key,
        "year": order.year,
        "total": str(order.total),
        "status": stored.status.value,
        "status_zh": stored.status.label_zh,
        "version": stored.version,
        "idempotency_key": stored.idempotency_key,
        "provider_reference": stored.provider_reference,
        "expected_delivery": stored.expected_delivery.isoformat()
        if stored.expected_delivery
        else None,
        "lines": [
            {
                "item_id": ln.item_id,
                "quantity": ln.quantity,
                "unit_price": str(ln.unit_price),
                "amount": str(ln.amount),
            }
            for ln in order.lines
        ],
    }


def _echo_order(stored: StoredOrder, lang: Lang, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(_order_json(stored), ensure_ascii=False, indent=2))
        return
    typer.echo(
        _t(
            "order",
            lang,
            order=stored.order.order_id,
            member=stored.order.member_id,
            provider=stored.order.provider_id,
            total=stored.total,
            status=stored.status.label(lang.value),
        )
    )


@welfare_app.command("sync")
def sync(
    *,
    on: _On,
    provider: _ProviderOpt = None,
    branch: _Branch = None,
    plugin: PluginOpt = None,
    no_plugin: NoPluginOpt = None,
    db: _Db = None,
    lang: LangOption = Lang.zh,
) -> None:
    """读取供应商目录并存入数据库 / Read a provider's catalogue into the store."""
    day = _day(on, lang)
    chosen = _provider(branch, plugin, no_plugin, provider, lang)
    with _orders(db, lang) as orders:
        n = orders.sync_catalogue(chosen.provider_id, chosen.catalogue(day), on=day)
    typer.echo(_t("synced", lang, provider=chosen.provider_id, n=n))


@welfare_app.command("catalogue")
def catalogue(
    provider: Annotated[str, typer.Argument(help="供应商编号 / provider id.")],
    *,
    db: _Db = None,
    lang: LangOption = Lang.zh,
    as_json: _Json = False,
) -> None:
    """列出数据库中的供应商目录 / List a provider's stored catalogue."""
    with _orders(db, lang) as orders:
        items = orders.catalogue(provider)
    if as_json:
        typer.echo(
            json.dumps([i.model_dump(mode="json") for i in items], ensure_ascii=False, indent=2)
        )
        return
    for item in items:
        name = item.name_zh if lang is Lang.zh else item.name_en
        typer.echo(f"{item.item_id}\t{name}\t{item.price}\t{item.form.label(lang.value)}")


@welfare_app.command("choose")
def choose(
    member: Annotated[str, typer.Argument(help="工号 / member id.")],
    *,
    item: Annotated[
        list[str],
        typer.Option(
            "--item",
            help="商品编号[:数量]（可多次） / ITEM[:QUANTITY] (repeatable).",
            show_default=False,
        ),
    ],
    order: Annotated[str, typer.Option("--order", help="订单编号 / order id.", show_default=False)],
    on: _On,
    at: _At = None,
    actor: _Actor = "cli",
    provider: _ProviderOpt = None,
    branch: _Branch = None,
    plugin: PluginOpt = None,
    no_plugin: NoPluginOpt = None,
    db: _Db = None,
    lang: LangOption = Lang.zh,
    as_json: _Json = False,
) -> None:
    """
    在限额内选择商品并存为订单 / Store a member's choice as an order, within their quota.

    退出码：0 已保存（或同一选择早已保存）；1 被拒绝（超出限额、商品或会员未知、
    经费规定不允许的物品）；2 用法错误。

    Exit codes: 0 stored (or the same choice was already stored), 1 refused (over the
    quota, an unknown item or member, goods the fund rules forbid), 2 misuse.
    """
    from unionkit.benefits import Selection

    picks = []
    for value in item:
        name, _, count = value.partition(":")
        if not name or (count and not count.isdigit()):
            raise _usage(_t("bad_item", lang, value=value))
        picks.append(Selection(name, int(count) if count else 1))
    day = _day(on, lang)
    chosen = _provider(branch, plugin, no_plugin, provider, lang)
    quota = chosen.quota(day)
    with _orders(db, lang) as orders:
        stored = orders.choose(
            member,
            chosen.provider_id,
            quota,
            picks,
            on=day,
            at=_when(at),
            order_id=order,
            actor=actor,
        )
        spent = orders.spent(member, quota.key, day.year)
    _echo_order(stored, lang, as_json)
    if not as_json:
        typer.echo(_t("left", lang, year=day.year, quota=quota.key, spent=spent))


@welfare_app.command("place")
def place(
    order: Annotated[str, typer.Argument(help="订单编号 / order id.")],
    *,
    at: _At = None,
    actor: _Actor = "cli",
    provider: _ProviderOpt = None,
    branch: _Branch = None,
    plugin: PluginOpt = None,
    no_plugin: NoPluginOpt = None,
    db: _Db = None,
    lang: LangOption = Lang.zh,
    as_json: _Json = False,
) -> None:
    """向供应商下单（不会重复下单） / Place an order with its provider, once."""
    chosen = _provider(branch, plugin, no_plugin, provider, lang)
    with _orders(db, lang) as orders:
        stored = orders.place(order, chosen, at=_when(at), actor=actor)
    _echo_order(stored, lang, as_json)


@welfare_app.command("status")
def status(
    order: Annotated[str, typer.Argument(help="订单编号 / order id.")],
    new: Annotated[
        str, typer.Argument(help="新状态，如 shipped、已送达 / new status, e.g. shipped.")
    ],
    *,
    note: Annotated[str | None, typer.Option("--note", help="备注 / note.")] = None,
    at: _At = None,
    actor: _Actor = "cli",
    db: _Db = None,
    lang: LangOption = Lang.zh,
    as_json: _Json = False,
) -> None:
    """记录配送状态（只能向前） / Record a delivery status (forward only)."""
    with _orders(db, lang) as orders:
        stored = orders.move(order, new, at=_when(at), actor=actor, note=note)
    _echo_order(stored, lang, as_json)


@welfare_app.command("track")
def track(
    order: Annotated[str, typer.Argument(help="订单编号 / order id.")],
    *,
    at: _At = None,
    provider: _ProviderOpt = None,
    branch: _Branch = None,
    plugin: PluginOpt = None,
    no_plugin: NoPluginOpt = None,
    db: _Db = None,
    lang: LangOption = Lang.zh,
    as_json: _Json = False,
) -> None:
    """向供应商查询并记录配送状态 / Ask the provider where an order is, and record it."""
    chosen = _provider(branch, plugin, no_plugin, provider, lang)
    with _orders(db, lang) as orders:
        stored = orders.track(order, chosen, at=_when(at))
    _echo_order(stored, lang, as_json)


@welfare_app.command("show")
def show(
    order: Annotated[str, typer.Argument(help="订单编号 / order id.")],
    *,
    db: _Db = None,
    lang: LangOption = Lang.zh,
    as_json: _Json = False,
) -> None:
    """显示订单及其状态历史 / Show an order and its status history."""
    with _orders(db, lang) as orders:
        stored = orders.get(order)
        history = orders.history(order)
    events = [
        {
            "seq": e.seq,
            "from": e.from_status.value if e.from_status else None,
            "to": e.to_status.value,
            "actor": e.actor,
            "at": e.at.isoformat(),
            "note": e.note,
        }
        for e in history
    ]
    if as_json:
        typer.echo(
            json.dumps({**_order_json(stored), "history": events}, ensure_ascii=False, indent=2)
        )
        return
    _echo_order(stored, lang, False)
    for e in history:
        before = e.from_status.label(lang.value) if e.from_status else "-"
        note = f"  {e.note}" if e.note else ""
        typer.echo(
            f"  {e.seq}. {e.at.isoformat(sep=' ')}  {before} -> "
            f"{e.to_status.label(lang.value)}  ({e.actor}){note}"
        )
