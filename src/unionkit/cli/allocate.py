"""``unionkit allocate``: share a programme's budget over a roster by the rules, and explain it."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from unionkit.cli.app import app
from unionkit.cli.lang import Lang
from unionkit.cli.options import LangOption, ParamsOption, RuleFilesOption
from unionkit.cli.plugins import BranchOpt, NoPluginOpt, PluginOpt

if TYPE_CHECKING:
    from unionkit.benefits import Allocation, Programme
    from unionkit.store import GrantOutcome

# cli.rules imports cli.app, which imports this module: its helpers are imported when a
# command runs, so importing cli.rules first never meets a half-initialised module.
EXIT_USAGE = 2
EXIT_FAILED = 1

_RosterArg = Annotated[
    Path | None,
    typer.Argument(
        help="花名册文件（CSV、xlsx、xls）；省略时用 --db 中的会员 / roster file; without it, "
        "the members in --db.",
        show_default=False,
    ),
]
_AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="评估日期 YYYY-MM-DD / evaluation date.", show_default=False),
]


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


__all__ = ["allocate_command"]

_TEXT = {
    "title": ("预算分配：{name}（{programme}）", "Allocation: {name} ({programme})"),
    "budget": (
        "预算 {budget} 元；应发合计 {needed} 元",
        "budget {budget} yuan; {needed} yuan would pay everyone due",
    ),
    "ranked": (
        "排序 {ranked} 人：前 {funded} 位获安排，{waiting} 人候补",
        "{ranked} ranked: the first {funded} funded, {waiting} waitlisted",
    ),
    "spent": ("拟发 {spent} 元，余 {left} 元", "proposed {spent} yuan, {left} yuan left"),
    "counts": (
        "不符合条件 {not_eligible} 人；符合但无可发金额 {nothing} 人",
        "{not_eligible} not eligible; {nothing} eligible with nothing due",
    ),
    "tie": (
        "排序规则：{score} 从高到低{ties}；同分再按工号升序",
        "order: {score} highest first{ties}; then member id ascending",
    ),
    "what_if": ("预算测算：", "What if the budget were:"),
    "scenario": (
        "  {budget} 元：覆盖 {funded} 人（{change:+d}），拟发 {spent} 元",
        "  {budget} yuan: {funded} covered ({change:+d}), {spent} yuan paid",
    ),
    "member": ("成员 {member}：{why}", "member {member}: {why}"),
    "written": ("拟发放清单已写入 {path}", "proposed grants written to {path}"),
    "version": ("规则集版本 {version}，评估日期 {as_of}", "rule set {version}, as of {as_of}"),
    "seam": (
        "以上为拟发放，尚未写入发放台账（用 --db 和 --propose 写入）",
        "these are proposals, not yet in the grants ledger (use --db and --propose)",
    ),
    "ledger": (
        "已写入发放台账：新增 {stored} 笔（待审批 {pending} 笔），已存在 {existing} 笔，"
        "被规则拒绝 {refused} 笔",
        "grants ledger: {stored} stored ({pending} awaiting "
        "approval), {existing} already there, {refused} refused by the spending rules",
    ),
    "refused": ("  {member}：{why}", "  {member}: {why}"),
    "need_db": ("--propose 需要 --db 和 --proposer", "--propose needs --db and --proposer"),
    "waitlist": (
        "候补名单（列出 {shown} 人，共 {total} 人）：{ids}",
        "waitlist ({shown} listed of {total}): {ids}",
    ),
}


def _t(key: str, lang: Lang, **values: Any) -> str:
    zh, en = _TEXT[key]
    return (zh if lang is Lang.zh else en).format(**values)


def _money(text: str | None, option: str, lang: Lang) -> str | None:
    from unionkit.money import parse_nonnegative_yuan

    if text is None:
        return None
    try:
        return str(parse_nonnegative_yuan(text))
    except ValueError as exc:
        raise _fail(f"{option}: {text!r}: {exc}", EXIT_USAGE) from None


def _summary(result: Allocation, budgets: Sequence[str], member: str | None) -> dict[str, Any]:
    from unionkit.benefits import AllocationStatus

    p = result.programme
    counts = result.counts()
    out: dict[str, Any] = {
        "programme": p.programme_id,
        "benefit": p.benefit_id,
        "name_zh": p.name_zh,
        "name_en": p.name_en,
        "as_of": result.as_of.isoformat(),
        "version": result.rule_version,
        "budget": str(p.budget),
        "needed": str(result.needed),
        "spent": str(result.spent),
        "left": str(result.left),
        "ranked": result.ranked,
        "funded": result.funded,
        "cutoff": result.cutoff,
        "fill": p.fill.value,
        "tie_break": [p.score, *p.tie_break, "member_id"],
        "counts": {s.value: n for s, n in counts.items()},
        "waitlist": result.waitlist(),
        "proposed_grants": [
            {
                "member_id": g.member_id,
                "benefit_id": g.benefit_id,
                "amount": str(g.amount),
                "form": g.form.value,
                "rank": g.rank,
                "reason_zh": g.reason_zh,
                "reason_en": g.reason_en,
                "idempotency_key": g.idempotency_key,
            }
            for g in result.proposed_grants()
        ],
        "what_if": [
            {
                "budget": str(s.budget),
                "funded": s.funded,
                "spent": str(s.spent),
                "left": str(s.left),
                "change": s.change,
            }
            for s in result.what_if(budgets)
        ],
    }
    if member is not None:
        place = result.place(member)
        out["member"] = {
            "member_id": member,
            "status": place.status.value,
            "rank": place.rank,
            "ranked": place.ranked,
            "cutoff": place.cutoff,
            "due": str(place.due),
            "granted": str(place.granted),
            "shortfall": str(place.shortfall),
            "explain_zh": place.explain("zh"),
            "explain_en": place.explain("en"),
        }
    out["statuses"] = {s.value: [s.label_zh, s.label_en] for s in AllocationStatus}
    return out


def _ledger(summary: dict[str, Any], outcomes: Sequence[GrantOutcome]) -> None:
    from unionkit.models.benefit import GrantStatus

    entries = []
    for o in outcomes:
        refusals = o.verdict.refusals if o.verdict is not None else ()
        entries.append(
            {
                "member_id": o.request.member_id,
                "amount": str(o.request.amount),
                "grant_id": o.grant.grant_id if o.grant else None,
                "status": o.grant.status.value if o.grant else None,
                "existing": o.existing,
                "refused": o.refused,
                "refusals_zh": [f.message_zh for f in refusals],
                "refusals_en": [f.message_en for f in refusals],
            }
        )
    summary["ledger"] = entries
    new = [o for o in outcomes if o.grant is not None and not o.existing]
    summary["ledger_counts"] = {
        "stored": len(new),
        "pending": sum(1 for o in new if o.grant and o.grant.status is GrantStatus.PENDING),
        "existing": sum(1 for o in outcomes if o.existing),
        "refused": sum(1 for o in outcomes if o.refused),
    }


def _print(summary: dict[str, Any], lang: Lang) -> None:
    name = summary["name_zh"] if lang is Lang.zh else summary["name_en"]
    counts = summary["counts"]
    lines = [
        _t("title", lang, name=name, programme=summary["programme"]),
        _t("budget", lang, budget=summary["budget"], needed=summary["needed"]),
        _t(
            "ranked",
            lang,
            ranked=summary["ranked"],
            funded=summary["funded"],
            waiting=counts["waitlisted"],
        ),
        _t("spent", lang, spent=summary["spent"], left=summary["left"]),
        _t("counts", lang, not_eligible=counts["not_eligible"], nothing=counts["nothing_due"]),
        _t(
            "tie",
            lang,
            score=summary["tie_break"][0],
            ties="".join(f", {t}" for t in summary["tie_break"][1:-1]),
        ),
    ]
    if summary["what_if"]:
        lines.append(_t("what_if", lang))
        lines.extend(_t("scenario", lang, **s) for s in summary["what_if"])
    if summary.get("waitlist_total"):
        lines.append(
            _t(
                "waitlist",
                lang,
                shown=len(summary["waitlist"]),
                total=summary["waitlist_total"],
                ids="、".join(summary["waitlist"])
                if lang is Lang.zh
                else ", ".join(summary["waitlist"]),
            )
        )
    if "member" in summary:
        m = summary["member"]
        lines.append(
            _t(
                "member",
                lang,
                member=m["member_id"],
                why=m["explain_zh"] if lang is Lang.zh else m["explain_en"],
            )
        )
    lines.append(_t("version", lang, version=summary["version"][:12], as_of=summary["as_of"]))
    if "ledger" in summary:
        lines.append(_t("ledger", lang, **summary["ledger_counts"]))
        lines.extend(
            _t(
                "refused",
                lang,
                member=e["member_id"],
                why="; ".join(e["refusals_zh" if lang is Lang.zh else "refusals_en"]),
            )
            for e in summary["ledger"]
            if e["refused"]
        )
    else:
        lines.append(_t("seam", lang))
    for line in lines:
        typer.echo(line)


def _write(out: Path, result: Allocation) -> None:
    from unionkit.io.evaluation import write_atomically as _write_atomically

    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                [
                    "rank",
                    "member_id",
                    "status",
                    "due",
                    "amount",
                    "benefit_id",
                    "idempotency_key",
                    "reason_zh",
                    "reason_en",
                ]
            )
            grants = {g.member_id: g for g in result.proposed_grants()}
            for place in result.ranked_places():
                grant = grants.get(place.member_id)
                if grant is None:
                    # waitlisted: the row says where they stand and what would reach them
                    reasons = (place.explain("zh"), place.explain("en"))
                else:
                    reasons = (grant.reason_zh, grant.reason_en)
                writer.writerow(
                    [
                        place.rank,
                        place.member_id,
                        place.status.value,
                        f"{place.due:.2f}",
                        f"{place.granted:.2f}",
                        result.programme.benefit_id,
                        grant.idempotency_key if grant else "",
                        *reasons,
                    ]
                )

    _write_atomically(out, write)


def _stored_columns(store: Any, extra_fields: Any) -> dict[str, Any] | None:
    """The rules engine's input from the store's members (those who left are not counted)."""
    import numpy as np

    from unionkit.io import members_to_columns
    from unionkit.models.member import MemberStatus
    from unionkit.store import list_members

    people = [m for m in list_members(store) if m.status is not MemberStatus.LEFT]
    if not people:
        return None
    columns: dict[str, Any] = members_to_columns(people)
    for field_name in extra_fields:
        if field_name not in columns:
            columns[field_name] = np.full(len(people), None, dtype=object)
    return columns


@app.command("allocate")
def allocate_command(
    roster: _RosterArg = None,
    *,
    programme_file: Annotated[
        Path | None,
        typer.Option(
            "--programme",
            help="项目文件（YAML：名称、预算、资格、评分、限额、排序、候补） / programme file "
            "(YAML: name, budget, eligibility, score, caps, tie-break, waitlist).",
            show_default=False,
        ),
    ] = None,
    as_of: _AsOf = None,
    budget: Annotated[
        str | None,
        typer.Option("--budget", help="预算（元） / budget in yuan.", show_default=False),
    ] = None,
    benefit: Annotated[
        str | None,
        typer.Option("--benefit", help="福利项目编号 / benefit id.", show_default=False),
    ] = None,
    eligible: Annotated[
        str | None,
        typer.Option(
            "--eligible",
            help="资格规则（是/否），默认 hardship_eligible / eligibility rule (yes/no).",
        ),
    ] = None,
    score: Annotated[
        str | None,
        typer.Option(
            "--score", help="评分规则，高者优先，默认 hardship_score / score rule, highest first."
        ),
    ] = None,
    amount: Annotated[
        str | None, typer.Option("--amount", help="应发金额规则 / amount rule (money).")
    ] = None,
    fixed_amount: Annotated[
        str | None,
        typer.Option(
            "--fixed-amount", help="每人固定金额（元） / the same amount for everyone (yuan)."
        ),
    ] = None,
    cap: Annotated[
        str | None, typer.Option("--cap", help="每人限额（元） / per-member cap (yuan).")
    ] = None,
    cap_shared_with: Annotated[
        list[str] | None,
        typer.Option(
            "--cap-shared-with",
            help="与本项目共用限额的福利项目（可多次，需 --db） / benefits sharing the cap "
            "(repeatable; counted from --db).",
        ),
    ] = None,
    tie_break: Annotated[
        list[str] | None,
        typer.Option(
            "--tie-break",
            help="同分排序规则，前缀 - 为降序（可多次） / tie-break rule, "
            "'-' for descending (repeatable).",
        ),
    ] = None,
    fill: Annotated[
        str | None,
        typer.Option(
            "--fill", help="strict：预算不足即停；partial：下一位获剩余 / strict or partial."
        ),
    ] = None,
    programme_id: Annotated[
        str | None,
        typer.Option(
            "--programme-id",
            help="项目编号（默认同福利编号） / programme id (default: the benefit).",
        ),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="项目名称 / programme name.")] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="期间，默认评估年份 / period (default: the year of --as-of)."
        ),
    ] = None,
    what_if: Annotated[
        str | None,
        typer.Option("--what-if", help="测算预算，逗号分隔 / budgets to try, comma-separated."),
    ] = None,
    what_if_budget: Annotated[
        list[str] | None,
        typer.Option("--what-if-budget", help="测算预算（可多次） / a budget to try (repeatable)."),
    ] = None,
    member: Annotated[
        str | None, typer.Option("--member", help="解释该成员的位置 / explain this member's place.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="拟发放清单 CSV / proposed grants CSV.")
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="发放台账所在数据库：已发金额计入限额 / the store whose grants ledger "
            "counts what members already received.",
            show_default=False,
        ),
    ] = None,
    propose: Annotated[
        bool,
        typer.Option(
            "--propose",
            help="把拟发放写入发放台账（需 --db、--proposer） / store the proposals in "
            "the grants ledger (needs --db and --proposer).",
        ),
    ] = False,
    proposer: Annotated[
        str | None, typer.Option("--proposer", help="经办人 / who proposes the grants.")
    ] = None,
    params: ParamsOption = None,
    rule_file: RuleFilesOption = None,
    branch: BranchOpt = None,
    plugin: PluginOpt = None,
    no_plugin: NoPluginOpt = None,
    lang: LangOption = Lang.zh,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON.")] = False,
) -> None:
    """
    在预算内按规则排序分配，列出拟发放与候补 / Share a budget by the rules: rank, pay, waitlist.

    按资格规则筛选会员，按评分规则从高到低排序（同分看 --tie-break 规则，再看工号），
    在 --cap 限额内逐一发放应发金额（或 --fixed-amount），预算用完后其余人列入候补。
    退出码：0 已分配；1 无法分配（规则未知或类型不符、没有有效成员、--member 未知）；
    2 用法错误。

    Ranks the members the eligibility rule admits by the score rule (highest first,
    then the --tie-break rules, then member id), gives each the amount rule's value
    (or --fixed-amount) within --cap, in rank order while the budget lasts, and
    waitlists the rest. Exit codes: 0 allocated, 1 nothing could be allocated (an
    unknown or mistyped rule, no valid member, an unknown --member), 2 misuse.
    """
    from unionkit.benefits import Programme, allocate
    from unionkit.cli.demands import _store
    from unionkit.cli.rules import (
        _chosen,
        _parse_date,
        _read,
        _report_row_errors,
        roster_columns,
    )
    from unionkit.errors import (
        InvalidGrantData,
        NotFound,
        ParameterError,
        Rejected,
        RuleDefinitionError,
        RuleEvaluationError,
    )
    from unionkit.store import propose_allocation, received

    budgets = [b.strip() for b in (what_if or "").split(",") if b.strip()]
    budgets += [b.strip() for b in what_if_budget or () if b.strip()]
    for b in budgets:
        _money(b, "--what-if", lang)
    extra_rules = list(rule_file or [])
    listed: int | None = None
    if programme_file is not None:
        given = {
            "--budget": budget,
            "--benefit": benefit,
            "--eligible": eligible,
            "--score": score,
            "--amount": amount,
            "--fixed-amount": fixed_amount,
            "--cap": cap,
            "--cap-shared-with": cap_shared_with,
            "--tie-break": tie_break,
            "--fill": fill,
            "--programme-id": programme_id,
            "--name": name,
            "--period": period,
        }
        clash = [k for k, v in given.items() if v]
        if clash:
            raise _fail(
                f"{', '.join(clash)}: 已由项目文件给出 / set by the programme file", EXIT_USAGE
            )
        from unionkit.benefits.programme_file import read_programme

        try:
            read = read_programme(programme_file)
        except RuleDefinitionError as exc:
            raise _fail(str(exc), EXIT_FAILED) from exc
        programme: Programme = read.programme
        benefit = programme.benefit_id
        extra_rules += list(read.rule_files)
        listed = read.waitlist_limit
        if as_of is None and read.as_of is None:
            raise _fail(
                "--as-of: 项目文件未给出评估日期 as_of / the programme file gives no as_of",
                EXIT_USAGE,
            )
        when = _parse_date(as_of, lang) if as_of is not None else read.as_of
        assert when is not None
    else:
        if as_of is None or budget is None or benefit is None:
            raise _fail(
                "--as-of, --budget, --benefit: 未用 --programme 时必须给出 / needed without "
                "--programme",
                EXIT_USAGE,
            )
        when = _parse_date(as_of, lang)
        if (amount is None) == (fixed_amount is None):
            raise _fail("--amount / --fixed-amount: 二者选一 / give exactly one", EXIT_USAGE)
        try:
            programme = Programme(
                programme_id=programme_id or benefit,
                benefit_id=benefit,
                name_zh=name or benefit,
                name_en=name or benefit,
                budget=_money(budget, "--budget", lang),
                eligible=eligible or "hardship_eligible",
                score=score or "hardship_score",
                amount=amount,
                fixed_amount=_money(fixed_amount, "--fixed-amount", lang),
                cap_per_member=_money(cap, "--cap", lang),
                cap_shared_with=cap_shared_with or (),
                period=period or str(when.year),
                tie_break=tie_break or (),
                fill=fill or "strict",
            )
        except (Rejected, ValueError) as exc:
            raise _fail(str(exc), EXIT_USAGE) from exc
    if roster is None and db is None:
        raise _fail(
            "ROSTER / --db: 给出名册文件，或用 --db 中的会员 / give a roster, or --db to use "
            "the members it holds",
            EXIT_USAGE,
        )
    ruleset = _chosen(
        extra_rules,
        params or [],
        lang,
        branch=branch,
        plugin=plugin,
        no_plugin=no_plugin,
        when=when,
    )
    if propose and (db is None or not proposer):
        raise _fail(_t("need_db", lang), EXIT_USAGE)
    data: dict[str, Any] | None = None
    if roster is not None:
        result_import = _read(roster, lang)
        _report_row_errors(result_import, lang)
        if not result_import.members:
            raise _fail("名册中没有有效成员 / the roster has no valid member", EXIT_FAILED)
        data = roster_columns(result_import, ruleset.fields)
    with ExitStack() as stack:
        store = None if db is None else stack.enter_context(_store(db, lang))
        if data is None:
            assert store is not None
            data = _stored_columns(store, ruleset.fields)
            if data is None:
                raise _fail(
                    "数据库中没有在册会员（unionkit members import） / the store holds no "
                    "member who has not left (unionkit members import)",
                    EXIT_FAILED,
                )
        try:
            already = elsewhere = None
            if store is not None:
                already = received(store, benefit, when.year)
                if programme.cap_shared_with:
                    elsewhere = received(store, programme.cap_shared_with, when.year)
            result = allocate(ruleset, data, programme, when, already=already, elsewhere=elsewhere)
            summary = _summary(result, budgets, member)
            if listed is not None:
                summary["waitlist_total"] = len(summary["waitlist"])
                summary["waitlist"] = summary["waitlist"][:listed]
            if store is not None and propose:
                _ledger(summary, propose_allocation(store, result, on=when, proposer=str(proposer)))
        except (
            RuleDefinitionError,
            RuleEvaluationError,
            ParameterError,
            NotFound,
            Rejected,
            InvalidGrantData,
        ) as exc:
            raise _fail(str(exc), EXIT_FAILED) from exc
    if out is not None:
        try:
            _write(out, result)
        except OSError as exc:
            raise _fail(f"{out}: {exc.strerror or exc}", EXIT_FAILED) from exc
        summary["out"] = str(out)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    _print(summary, lang)
    if out is not None:
        typer.echo(_t("written", lang, path=out))
