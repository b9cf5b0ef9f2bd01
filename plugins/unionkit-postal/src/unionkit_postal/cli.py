"""``unionkit-postal``: the monthly dual-link run, confirming its subsidies as grants, listing."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from unionkit.errors import UnionkitError

__all__ = ["main", "main_exit"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unionkit-postal", description="邮政分工会工具 / postal branch tools")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "dual-link", help="每月双联通：主动发现需走访和补助的职工 / the monthly dual-link run")
    run.add_argument("--roster", required=True, help="会员名册 / roster (CSV or Excel)")
    run.add_argument("--sick-leave", required=True, help="人事系统病假导出 / HR sick-leave CSV")
    run.add_argument("--insurance", required=True, help="医保住院结算导出 / insurance CSV")
    run.add_argument("--state", required=True, help="状态文件 / SQLite state file")
    run.add_argument("--month", required=True, help="月份 / month, YYYY-MM")
    run.add_argument("--branch", default="postal", help="分工会代号 / branch slug")
    run.add_argument("--json", action="store_true", help="输出JSON / print JSON")
    run.add_argument("--lang", choices=("zh", "en"), default="zh")
    run.add_argument(
        "--reveal", action="store_true",
        help="显示住院医院、日期、自付金额和病假天数 / show hospital, dates, costs and sick-leave "
             "days (health facts: hidden by default)",
    )
    confirm = sub.add_parser(
        "confirm", help="把住院补助提议确认为发放记录 / store subsidy proposals as grants")
    confirm.add_argument("--state", required=True, help="状态文件 / SQLite state file")
    confirm.add_argument("--db", required=True,
                         help="unionkit 数据库 / unionkit store (SQLite file or URL, "
                              "PostgreSQL URL)")
    which = confirm.add_mutually_exclusive_group(required=True)
    which.add_argument("--key", action="append", metavar="K",
                       help="提议编号（PDL-…）或键，可重复 / proposal reference (PDL-…) or key; "
                            "repeat for several")
    which.add_argument("--all", action="store_true",
                       help="全部未确认的补助 / every subsidy not yet confirmed")
    confirm.add_argument("--on", required=True, type=_day, help="发放日期 / grant date, YYYY-MM-DD")
    confirm.add_argument("--branch", default="postal", help="分工会代号 / branch slug")
    confirm.add_argument("--roster", help="从名册补充数据库中没有的会员 / add members missing "
                                          "from the store from this roster")
    confirm.add_argument("--schema", help="PostgreSQL schema / PostgreSQL 模式名")
    confirm.add_argument("--json", action="store_true", help="输出JSON / print JSON")
    confirm.add_argument("--lang", choices=("zh", "en"), default="zh")
    listing = sub.add_parser("list", help="列出提议及确认状态 / list proposals and their status")
    listing.add_argument("--state", required=True, help="状态文件 / SQLite state file")
    listing.add_argument("--pending", action="store_true",
                         help="只列未确认的补助 / only subsidies not yet confirmed")
    listing.add_argument("--json", action="store_true", help="输出JSON / print JSON")
    listing.add_argument("--lang", choices=("zh", "en"), default="zh")
    listing.add_argument("--reveal", action="store_true",
                         help="显示原因与键（健康信息）/ show reasons and keys (health facts)")
    return parser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date like 2026-05-31 / 日期格式应为 2026-05-31") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; exit 0 on success, 1 when the inputs are wrong, 2 on misuse."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "confirm":
            return _confirm(args)
        if args.command == "list":
            return _list(args)
        return _dual_link(args)
    except (UnionkitError, OSError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 1


def _dual_link(args: argparse.Namespace) -> int:
    from unionkit.hooks import PluginHost
    from unionkit_postal.confirm import proposal_ref
    from unionkit_postal.dual_link import run_dual_link
    from unionkit_postal.state import open_state

    result = run_dual_link(PluginHost(), roster=args.roster, sick_leave=args.sick_leave,
                           insurance=args.insurance, state=args.state, month=args.month,
                           branch=args.branch)
    pending = sum(1 for s in open_state(args.state).statuses()
                  if s.kind == "hospitalisation_subsidy" and s.grant_id is None)
    if args.json:
        print(json.dumps({
            "month": result.month, "run_id": result.run_id,
            "ruleset_version": result.ruleset_version,
            "already_proposed": result.already_proposed,
            "unmatched_insurance_rows": list(result.unmatched_rows),
            "roster_errors": result.roster_errors,
            "total_subsidy": str(result.total_subsidy),
            "proposals": [
                {"ref": proposal_ref(p.key), "member_id": p.member_id, "kind": p.kind,
                 "amount": str(p.amount) if p.amount is not None else None,
                 "reason": p.reason_zh if args.reveal else None}
                for p in result.proposals
            ],
            "subsidies_awaiting_confirmation": pending,
        }, ensure_ascii=False, indent=2))
        return 0
    zh = args.lang == "zh"
    print(f"{'双联通' if zh else 'dual link'} {result.month}  "
          f"({'规则版本' if zh else 'rules'} {result.ruleset_version[:12]})")
    for p in result.proposals:
        amount = f"{p.amount} {'元' if zh else 'yuan'}" if p.amount is not None else ""
        # Hospital, stay dates, costs and sick-leave days are health facts: only on request.
        reason = (p.reason_zh if zh else p.reason_en) if args.reveal else ""
        print(f"  {proposal_ref(p.key)}  {p.member_id}  {p.label(args.lang)}  {amount}  "
              f"{reason}".rstrip())
    if result.proposals and not args.reveal:
        print("（住院与病假详情已隐藏，加 --reveal 显示）" if zh
              else "(hospital and sick-leave details hidden; add --reveal to show them)")
    if zh:
        print(f"新增 {len(result.proposals)} 项，补助合计 {result.total_subsidy} 元；"
              f"此前已提出 {result.already_proposed} 项；"
              f"医保记录未匹配名册 {len(result.unmatched_rows)} 条")
    else:
        print(f"{len(result.proposals)} new, subsidies {result.total_subsidy} yuan; "
              f"{result.already_proposed} proposed before; "
              f"{len(result.unmatched_rows)} insurance rows not on the roster")
    if pending:
        print(f"待确认发放的住院补助 {pending} 项（unionkit-postal confirm）" if zh
              else f"{pending} subsidies awaiting confirmation as grants (unionkit-postal confirm)")
    return 0


def _confirm(args: argparse.Namespace) -> int:
    from unionkit.hooks import PluginHost
    from unionkit_postal.confirm import ConfirmedGrant, confirm_proposals

    result = confirm_proposals(PluginHost(), state=args.state, db=args.db, on=args.on,
                               keys=None if args.all else args.key, branch=args.branch,
                               roster=args.roster, schema=args.schema)
    if args.json:
        def row(g: ConfirmedGrant) -> dict[str, str]:
            return {"grant_id": g.ref, "member_id": g.member_id, "amount": str(g.amount),
                    "granted_on": g.granted_on.isoformat(), "month": g.month}

        print(json.dumps({
            "stored": [row(g) for g in result.stored],
            "already_stored": [row(g) for g in result.already],
            "total_stored": str(result.total_stored),
            "visits_not_grants": list(result.visits),
            "members_added": list(result.added_members),
        }, ensure_ascii=False, indent=2))
        return 0
    zh = args.lang == "zh"
    for g in result.stored:
        print(f"  {g.ref}  {g.member_id}  {g.amount} {'元' if zh else 'yuan'}  "
              f"{'已发放' if zh else 'granted'} {g.granted_on}")
    for g in result.already:
        print(f"  {g.ref}  {g.member_id}  {g.amount} {'元' if zh else 'yuan'}  "
              f"{'此前已发放' if zh else 'already granted'} {g.granted_on}")
    if result.added_members:
        print(f"从名册补充会员 {len(result.added_members)} 人" if zh
              else f"{len(result.added_members)} members added from the roster")
    if result.visits:
        print(f"走访提议 {len(result.visits)} 项不是发放，请按走访登记" if zh
              else f"{len(result.visits)} visit proposals are not grants: record them as visits")
    if zh:
        print(f"本次发放 {len(result.stored)} 项，合计 {result.total_stored} 元；"
              f"此前已发放 {len(result.already)} 项")
    else:
        print(f"{len(result.stored)} grants stored, {result.total_stored} yuan; "
              f"{len(result.already)} already stored")
    return 0


def _list(args: argparse.Namespace) -> int:
    import os

    from unionkit_postal.confirm import SUBSIDY, proposal_ref
    from unionkit_postal.dual_link import KIND_LABELS, DualLinkError
    from unionkit_postal.state import is_store, open_state

    if not is_store(args.state) and not os.path.exists(args.state):
        raise DualLinkError(f"no state file at {args.state!r} / 找不到状态文件")
    rows = open_state(args.state).statuses()
    if args.pending:
        rows = [s for s in rows if s.kind == SUBSIDY and s.grant_id is None]
    if args.json:
        print(json.dumps([
            {"ref": proposal_ref(s.key), "member_id": s.member_id, "kind": s.kind,
             "month": s.month,
             "amount": _yuan(s.amount_fen),
             "status": "confirmed" if s.grant_id else ("pending" if s.kind == SUBSIDY else "visit"),
             "grant_id": s.grant_id,
             "granted_on": s.granted_on.isoformat() if s.granted_on else None,
             "key": s.key if args.reveal else None,
             "reason": s.reason if args.reveal else None}
            for s in rows
        ], ensure_ascii=False, indent=2))
        return 0
    zh = args.lang == "zh"
    for s in rows:
        label = KIND_LABELS[s.kind][0 if zh else 1]
        amount = _yuan(s.amount_fen) or ""
        if s.grant_id:
            status = f"{'已发放' if zh else 'granted'} {s.granted_on}"
        elif s.kind == SUBSIDY:
            status = "待确认" if zh else "pending"
        else:
            status = "走访" if zh else "visit"
        reason = s.reason if args.reveal else ""
        print(f"  {proposal_ref(s.key)}  {s.month}  {s.member_id}  {label}  {amount}  {status}  "
              f"{reason}".rstrip())
    return 0


def _yuan(fen: int | None) -> str | None:
    return None if fen is None else str((Decimal(fen) / 100).quantize(Decimal("0.01")))


def main_exit() -> None:
    """Console-script entry point: run :func:`main` and exit with its status."""
    raise SystemExit(main())


if __name__ == "__main__":
    main_exit()
