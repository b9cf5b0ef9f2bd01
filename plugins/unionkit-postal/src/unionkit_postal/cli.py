"""``unionkit postal``: the monthly dual-link run, confirming its subsidies as grants, listing.

The commands are a typer group that the plugin adds to ``unionkit`` through the
``unionkit_register_commands`` hook; ``unionkit-postal`` runs the same group alone.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import typer

from unionkit.cli.i18n import UnionkitGroup, cli_date
from unionkit.cli.lang import Lang
from unionkit.errors import UnionkitError
from unionkit.models.ids import scrub
from unionkit.money import format_fen

__all__ = ["main", "main_exit", "postal_app"]

postal_app = typer.Typer(
    cls=UnionkitGroup,
    help="邮政分工会工具：每月双联通、确认补助、列出提议 / postal branch tools: the monthly "
    "dual-link run, confirming subsidies, listing proposals.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_State = Annotated[
    str | None,
    typer.Option(
        "--state",
        help="旧的状态文件（SQLite；默认状态存于 --db 数据库，旧文件可用 migrate-state 迁入） / "
        "an old SQLite state file (by default the state lives in the --db store; move an "
        "old file in with migrate-state).",
        show_default=False,
    ),
]
_DB_HELP = (
    "unionkit 数据库（SQLite 文件或 URL、PostgreSQL URL） / unionkit store "
    "(SQLite file or URL, PostgreSQL URL)."
)
_Db = Annotated[str | None, typer.Option("--db", help=_DB_HELP, show_default=False)]
_DbRequired = Annotated[str, typer.Option("--db", help=_DB_HELP, show_default=False)]
_Schema = Annotated[
    str | None, typer.Option("--schema", help="PostgreSQL 模式名 / PostgreSQL schema.")
]


def _where(state: str | None, db: str | None, *, create: bool) -> str:
    """Where the dual-link state is: the store (the default), or an old state file."""
    if state is None and db is None:
        raise typer.BadParameter(
            "请给出 --db（或旧状态文件 --state） / give --db (or an old --state file).",
            param_hint="--db",
        )
    if state is not None:
        return state
    assert db is not None
    if create:
        from unionkit.store import open_store

        with open_store(db):  # creates and migrates the store, so it is recognised as one
            pass
    return db


_Branch = Annotated[str, typer.Option("--branch", help="分工会代号 / branch slug.")]
_Json = Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON.")]
_LangOpt = Annotated[Lang, typer.Option("--lang", help="输出语言 / output language.")]


def _day(text: str) -> date:
    try:
        return cli_date(text, "--on")
    except typer.BadParameter as exc:
        raise typer.BadParameter(
            f"{exc.message}（如 / e.g. 2026-05-31）", param_hint="--on"
        ) from None


def _money(amount: Decimal | None) -> str:
    """An amount as printed: thousands separators, two decimals."""
    return "" if amount is None else f"{amount:,.2f}"


def _guarded(run: Callable[[], None]) -> None:
    """Turn unionkit's and the file system's errors into a message and exit code 1."""
    try:
        run()
    except (UnionkitError, OSError) as exc:
        sys.stderr.write(f"{scrub(str(exc))}\n")  # plugin and store errors may quote numbers
        raise typer.Exit(1) from exc


@postal_app.command("dual-link")
def dual_link(
    *,
    roster: Annotated[
        str,
        typer.Option(
            "--roster", help="会员名册（CSV 或 Excel） / roster (CSV or Excel).", show_default=False
        ),
    ],
    sick_leave: Annotated[
        str,
        typer.Option(
            "--sick-leave",
            help="人事系统病假导出 / HR sick-leave export (CSV).",
            show_default=False,
        ),
    ],
    insurance: Annotated[
        str,
        typer.Option(
            "--insurance",
            help="医保住院结算导出 / medical-insurance hospital settlements (CSV).",
            show_default=False,
        ),
    ],
    month: Annotated[
        str,
        typer.Option("--month", help="月份，如 2026-04 / month, e.g. 2026-04.", show_default=False),
    ],
    db: _Db = None,
    state: _State = None,
    branch: _Branch = "postal",
    as_json: _Json = False,
    lang: _LangOpt = Lang.zh,
    reveal: Annotated[
        bool,
        typer.Option(
            "--reveal",
            help="显示住院医院、日期、自付金额和病假天数（健康信息，默认隐藏） / show "
            "hospital, dates, costs and sick-leave days (health facts: hidden by "
            "default).",
        ),
    ] = False,
) -> None:
    """每月双联通：主动发现需走访和补助的职工 / The monthly dual-link run."""
    _guarded(
        lambda: _dual_link(
            roster=roster,
            sick_leave=sick_leave,
            insurance=insurance,
            state=_where(state, db, create=True),
            month=month,
            branch=branch,
            as_json=as_json,
            lang=lang.value,
            reveal=reveal,
        )
    )


def _dual_link(
    *,
    roster: str,
    sick_leave: str,
    insurance: str,
    state: str,
    month: str,
    branch: str,
    as_json: bool,
    lang: str,
    reveal: bool,
) -> None:
    from unionkit.hooks import PluginHost
    from unionkit_postal.confirm import proposal_ref
    from unionkit_postal.dual_link import run_dual_link
    from unionkit_postal.state import open_state

    result = run_dual_link(
        PluginHost(),
        roster=roster,
        sick_leave=sick_leave,
        insurance=insurance,
        state=state,
        month=month,
        branch=branch,
    )
    pending = sum(
        1
        for s in open_state(state).statuses()
        if s.kind == "hospitalisation_subsidy" and s.grant_id is None
    )
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "month": result.month,
                    "run_id": result.run_id,
                    "ruleset_version": result.ruleset_version,
                    "already_proposed": result.already_proposed,
                    "unmatched_insurance_rows": list(result.unmatched_rows),
                    "duplicate_insurance_rows": list(result.duplicate_rows),
                    "roster_errors": result.roster_errors,
                    "total_subsidy": str(result.total_subsidy),
                    "proposals": [
                        {
                            "ref": proposal_ref(p.key),
                            "member_id": p.member_id,
                            "kind": p.kind,
                            "amount": str(p.amount) if p.amount is not None else None,
                            "reason": p.reason_zh if reveal else None,
                        }
                        for p in result.proposals
                    ],
                    "subsidies_awaiting_confirmation": pending,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    zh = lang == "zh"
    typer.echo(
        f"{'双联通' if zh else 'dual link'} {result.month}  "
        f"({'规则版本' if zh else 'rules'} {result.ruleset_version[:12]})"
    )
    for p in result.proposals:
        amount = f"{_money(p.amount)} {'元' if zh else 'yuan'}" if p.amount is not None else ""
        # Hospital, stay dates, costs and sick-leave days are health facts: only on request.
        reason = (p.reason_zh if zh else p.reason_en) if reveal else ""
        typer.echo(
            f"  {proposal_ref(p.key)}  {p.member_id}  {p.label(lang)}  {amount}  {reason}".rstrip()
        )
    if result.proposals and not reveal:
        typer.echo(
            "（住院与病假详情已隐藏，加 --reveal 显示）"
            if zh
            else "(hospital and sick-leave details hidden; add --reveal to show them)"
        )
    if zh:
        typer.echo(
            f"新增 {len(result.proposals):,} 项，补助合计 {_money(result.total_subsidy)} "
            f"元；此前已提出 {result.already_proposed:,} 项；"
            f"医保记录未匹配名册 {len(result.unmatched_rows):,} 条"
        )
    else:
        typer.echo(
            f"{len(result.proposals):,} new, subsidies {_money(result.total_subsidy)} "
            f"yuan; {result.already_proposed:,} proposed before; "
            f"{len(result.unmatched_rows):,} insurance rows not on the roster"
        )
    if pending:
        typer.echo(
            f"待确认发放的住院补助 {pending:,} 项（unionkit postal confirm）"
            if zh
            else f"{pending:,} subsidies awaiting confirmation as grants (unionkit postal confirm)"
        )


@postal_app.command("confirm")
def confirm(
    *,
    db: _DbRequired,
    state: _State = None,
    on: Annotated[
        str,
        typer.Option(
            "--on",
            help="发放日期，如 2026-05-06 / grant date, e.g. 2026-05-06.",
            show_default=False,
        ),
    ],
    key: Annotated[
        list[str] | None,
        typer.Option(
            "--key",
            help="提议编号（PDL-…）或键，可重复 / proposal reference (PDL-…) or key; "
            "repeat for several.",
        ),
    ] = None,
    all_pending: Annotated[
        bool, typer.Option("--all", help="全部未确认的补助 / every subsidy not yet confirmed.")
    ] = False,
    branch: _Branch = "postal",
    roster: Annotated[
        str | None,
        typer.Option(
            "--roster",
            help="从名册补充数据库中没有的会员 / add members missing from the store "
            "from this roster.",
        ),
    ] = None,
    schema: _Schema = None,
    as_json: _Json = False,
    lang: _LangOpt = Lang.zh,
) -> None:
    """把住院补助提议确认为发放记录 / Store subsidy proposals as grants."""
    if bool(key) == all_pending:
        raise typer.BadParameter(
            "请给出 --key 或 --all 之一 / give either --key or --all.", param_hint="--key / --all"
        )
    when = _day(on)
    _guarded(
        lambda: _confirm(
            state=state if state is not None else db,
            db=db,
            on=when,
            keys=None if all_pending else key,
            branch=branch,
            roster=roster,
            schema=schema,
            as_json=as_json,
            lang=lang.value,
        )
    )


def _confirm(
    *,
    state: str,
    db: str,
    on: date,
    keys: Sequence[str] | None,
    branch: str,
    roster: str | None,
    schema: str | None,
    as_json: bool,
    lang: str,
) -> None:
    from unionkit.hooks import PluginHost
    from unionkit_postal.confirm import ConfirmedGrant, confirm_proposals

    result = confirm_proposals(
        PluginHost(),
        state=state,
        db=db,
        on=on,
        keys=keys,
        branch=branch,
        roster=roster,
        schema=schema,
    )
    if as_json:

        def row(g: ConfirmedGrant) -> dict[str, str]:
            return {
                "grant_id": g.ref,
                "member_id": g.member_id,
                "amount": str(g.amount),
                "granted_on": g.granted_on.isoformat(),
                "month": g.month,
            }

        typer.echo(
            json.dumps(
                {
                    "stored": [row(g) for g in result.stored],
                    "already_stored": [row(g) for g in result.already],
                    "total_stored": str(result.total_stored),
                    "visits_not_grants": list(result.visits),
                    "visit_tasks": result.visit_tasks,
                    "members_added": list(result.added_members),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    zh = lang == "zh"
    for g in result.stored:
        typer.echo(
            f"  {g.ref}  {g.member_id}  {_money(g.amount)} {'元' if zh else 'yuan'}  "
            f"{'已发放' if zh else 'granted'} {g.granted_on}"
        )
    for g in result.already:
        typer.echo(
            f"  {g.ref}  {g.member_id}  {_money(g.amount)} {'元' if zh else 'yuan'}  "
            f"{'此前已发放' if zh else 'already granted'} {g.granted_on}"
        )
    if result.added_members:
        typer.echo(
            f"从名册补充会员 {len(result.added_members):,} 人"
            if zh
            else f"{len(result.added_members):,} members added from the roster"
        )
    if result.visit_tasks:
        typer.echo(
            f"新建走访任务 {result.visit_tasks:,} 项（unionkit visits list）"
            if zh
            else f"{result.visit_tasks:,} visit tasks made (unionkit visits list)"
        )
    elif result.visits:
        typer.echo(
            f"走访提议 {len(result.visits):,} 项不是发放，请按走访登记"
            if zh
            else f"{len(result.visits):,} visit proposals are not grants: record them as visits"
        )
    if zh:
        typer.echo(
            f"本次发放 {len(result.stored):,} 项，合计 {_money(result.total_stored)} 元；"
            f"此前已发放 {len(result.already):,} 项"
        )
    else:
        typer.echo(
            f"{len(result.stored):,} grants stored, {_money(result.total_stored)} yuan; "
            f"{len(result.already):,} already stored"
        )


@postal_app.command("list")
def list_proposals(
    *,
    db: _Db = None,
    state: _State = None,
    pending: Annotated[
        bool, typer.Option("--pending", help="只列未确认的补助 / only subsidies not yet confirmed.")
    ] = False,
    as_json: _Json = False,
    lang: _LangOpt = Lang.zh,
    reveal: Annotated[
        bool,
        typer.Option(
            "--reveal", help="显示原因与键（健康信息） / show reasons and keys (health facts)."
        ),
    ] = False,
) -> None:
    """列出提议及确认状态 / List proposals and their status."""
    _guarded(lambda: _list(_where(state, db, create=False), pending, as_json, lang.value, reveal))


def _list(state: str, pending: bool, as_json: bool, lang: str, reveal: bool) -> None:
    import os

    from unionkit_postal.confirm import SUBSIDY, proposal_ref
    from unionkit_postal.dual_link import KIND_LABELS, DualLinkError
    from unionkit_postal.state import is_store, open_state

    if not is_store(state) and not os.path.exists(state):
        raise DualLinkError(f"no state file at {state!r} / 找不到状态文件")
    rows = open_state(state).statuses()
    if pending:
        rows = [s for s in rows if s.kind == SUBSIDY and s.grant_id is None]
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "ref": proposal_ref(s.key),
                        "member_id": s.member_id,
                        "kind": s.kind,
                        "month": s.month,
                        "amount": _yuan(s.amount_fen),
                        "status": "confirmed"
                        if s.grant_id
                        else ("pending" if s.kind == SUBSIDY else "visit"),
                        "grant_id": s.grant_id,
                        "granted_on": s.granted_on.isoformat() if s.granted_on else None,
                        "key": s.key if reveal else None,
                        "reason": s.reason if reveal else None,
                    }
                    for s in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    zh = lang == "zh"
    for s in rows:
        label = KIND_LABELS[s.kind][0 if zh else 1]
        amount = "" if s.amount_fen is None else _money(Decimal(s.amount_fen) / 100)
        if s.grant_id:
            status = f"{'已发放' if zh else 'granted'} {s.granted_on}"
        elif s.kind == SUBSIDY:
            status = "待确认" if zh else "pending"
        else:
            status = "走访" if zh else "visit"
        reason = s.reason if reveal else ""
        typer.echo(
            f"  {proposal_ref(s.key)}  {s.month}  {s.member_id}  {label}  {amount}  "
            f"{status}  {reason}".rstrip()
        )


@postal_app.command("migrate-state")
def migrate_state_command(
    state_file: Annotated[
        str, typer.Argument(help="旧的双联通状态文件 / the old dual-link state file.")
    ],
    *,
    db: _DbRequired,
    branch: _Branch = "postal",
    schema: _Schema = None,
    as_json: _Json = False,
    lang: _LangOpt = Lang.zh,
) -> None:
    """把旧的状态文件迁入数据库（旧文件不变，可重复运行） / Move an old state file in."""
    _guarded(
        lambda: _migrate(
            state_file, db, branch=branch, schema=schema, as_json=as_json, lang=lang.value
        )
    )


_MIGRATED = (
    ("runs", "运行记录", "runs"),
    ("proposals", "提议", "proposals"),
    ("confirmations", "确认记录", "confirmations"),
)


def _migrate(
    state_file: str, db: str, *, branch: str, schema: str | None, as_json: bool, lang: str
) -> None:
    from unionkit.hooks import PluginHost
    from unionkit_postal.migrate import migrate_state

    result = migrate_state(PluginHost(), state_file=state_file, db=db, schema=schema, branch=branch)
    counts = result.as_dict()
    if as_json:
        typer.echo(json.dumps(counts, ensure_ascii=False, indent=2))
        return
    zh = lang == "zh"
    for name, label_zh, label_en in _MIGRATED:
        added, already = counts[f"{name}_added"], counts[f"{name}_already"]
        typer.echo(
            f"{label_zh}：新迁入 {added:,}，已在数据库中 {already:,}"
            if zh
            else f"{label_en}: {added:,} moved in, {already:,} already in the store"
        )
    typer.echo(
        f"经发放台账登记的补助 {result.grants_stored:,} 笔，"
        f"数据库中已有 {result.grants_found:,} 笔；新建走访任务 {result.visit_tasks:,} 项"
        if zh
        else f"subsidies granted through the ledger: {result.grants_stored:,}, already in the "
        f"store: {result.grants_found:,}; visit tasks made: {result.visit_tasks:,}"
    )
    if result.visits_without_member:
        typer.echo(
            f"{result.visits_without_member:,} 项走访提议的会员不在数据库中（导入名册后再运行一次）"
            if zh
            else f"{result.visits_without_member:,} visit proposals name members not in the "
            f"store (import the roster and run this again)"
        )
    typer.echo(
        "旧状态文件未改动，以后请用 --db。"
        if zh
        else "The old state file was left as it was; use --db from now on."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """
    Run ``unionkit-postal`` (the same commands as ``unionkit postal``); return the exit code.

    Returns:
        0 on success, 1 when the inputs are wrong, 2 on misuse.
    """
    command: Any = typer.main.get_command(postal_app)
    try:
        command.main(args=list(sys.argv[1:] if argv is None else argv), prog_name="unionkit-postal")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def _yuan(fen: int | None) -> str | None:
    return None if fen is None else format_fen(fen)


def main_exit() -> None:
    """Console-script entry point: run :func:`main` and exit with its status."""
    raise SystemExit(main())


if __name__ == "__main__":
    main_exit()
