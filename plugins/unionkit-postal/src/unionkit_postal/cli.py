"""``unionkit-postal dual-link``: run the monthly dual link from the command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; exit 0 on success, 1 when the inputs are wrong, 2 on misuse."""
    args = _parser().parse_args(argv)
    from unionkit.hooks import PluginHost
    from unionkit_postal.dual_link import run_dual_link

    try:
        result = run_dual_link(PluginHost(), roster=args.roster, sick_leave=args.sick_leave,
                               insurance=args.insurance, state=args.state, month=args.month,
                               branch=args.branch)
    except (UnionkitError, OSError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    if args.json:
        print(json.dumps({
            "month": result.month, "run_id": result.run_id,
            "ruleset_version": result.ruleset_version,
            "already_proposed": result.already_proposed,
            "unmatched_insurance_rows": list(result.unmatched_rows),
            "roster_errors": result.roster_errors,
            "total_subsidy": str(result.total_subsidy),
            "proposals": [
                {"member_id": p.member_id, "kind": p.kind, "amount": str(p.amount)
                 if p.amount is not None else None,
                 "reason": p.reason_zh if args.reveal else None}
                for p in result.proposals
            ],
        }, ensure_ascii=False, indent=2))
        return 0
    zh = args.lang == "zh"
    print(f"{'双联通' if zh else 'dual link'} {result.month}  "
          f"({'规则版本' if zh else 'rules'} {result.ruleset_version[:12]})")
    for p in result.proposals:
        amount = f"{p.amount} 元" if p.amount is not None else ""
        # Hospital, stay dates, costs and sick-leave days are health facts: only on request.
        reason = (p.reason_zh if zh else p.reason_en) if args.reveal else ""
        print(f"  {p.member_id}  {p.label(args.lang)}  {amount}  {reason}".rstrip())
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
    return 0


def main_exit() -> None:
    """Console-script entry point: run :func:`main` and exit with its status."""
    raise SystemExit(main())


if __name__ == "__main__":
    main_exit()
