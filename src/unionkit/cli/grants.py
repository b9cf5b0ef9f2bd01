"""``unionkit benefits …`` and ``unionkit grants …``: benefit definitions and the grants ledger."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from unionkit.cli.app import app
from unionkit.cli.demands import DbOption, JsonOption, _fail, _store
from unionkit.cli.lang import Lang
from unionkit.cli.members import parse_day
from unionkit.cli.options import LangOption
from unionkit.models.benefit import Benefit, Grant
from unionkit.models.ids import scrub

__all__ = ["benefits_app", "grants_app"]

benefits_app = typer.Typer(
    help="福利项目 / benefit definitions.", no_args_is_help=True, add_completion=False
)
grants_app = typer.Typer(
    help="发放台账 / the grants ledger.", no_args_is_help=True, add_completion=False
)
app.add_typer(benefits_app, name="benefits")
app.add_typer(grants_app, name="grants")

ParamsOption = Annotated[
    Path | None,
    typer.Option(
        "--params",
        help="覆盖默认经费规则的参数文件（YAML）/ parameter file overriding the default "
        "spending rules.",
    ),
]

_TEXT = {
    "defined": ("已保存福利项目 {n} 个", "stored {n} benefit definitions"),
    "stored": ("已登记发放 {id}（{status}）", "stored grant {id} ({status})"),
    "existing": (
        "该发放已登记：{id}（未重复登记）",
        "already stored as {id} (nothing stored again)",
    ),
    "refused": ("不予发放：", "refused:"),
    "warning": ("提醒：", "warning:"),
    "approved": ("发放 {id}：{status}", "grant {id}: {status}"),
    "agrees": ("按现行规则结论相同（{then} → {now}）", "today's rules agree ({then} -> {now})"),
    "differs": (
        "按现行规则结论不同（{then} → {now}）：",
        "today's rules differ ({then} -> {now}):",
    ),
    "none": ("没有发放记录。", "No grants."),
    "one_of": (
        "请给出发放编号或 --year 之一",
        "give either a grant id or --year, not both",
    ),
    "year": (
        "{year} 年发放 {n} 笔：按现行规则结论相同 {same} 笔，不同 {changed} 笔，"
        "无决策记录 {missing} 笔",
        "{year}: {n} grants; today's rules agree on {same}, differ on {changed}; "
        "{missing} without a decision record",
    ),
    "no_decision": ("没有决策记录，无法重算", "no decision record: cannot be replayed"),
    "bad_file": ("无法读取福利项目文件：{e}", "cannot read the benefits file: {e}"),
}


def _t(key: str, lang: Lang, **values: object) -> str:
    zh, en = _TEXT[key]
    return (zh if lang is Lang.zh else en).format(**values)


def _rules(params: Path | None) -> Any:
    from unionkit.benefits.spending import DEFAULT_SPENDING
    from unionkit.rulefiles import load_parameter_mapping

    if params is None:
        return DEFAULT_SPENDING
    return DEFAULT_SPENDING.overlay(load_parameter_mapping(params, layer=params.name))


def _grant_json(g: Grant) -> dict[str, Any]:
    # The reason is typed by people: mask any ID or phone number in it.
    data: dict[str, Any] = g.model_dump(mode="json")
    data["reason"] = scrub(data["reason"])
    return data


@benefits_app.command("define")
def define(
    file: Annotated[Path, typer.Argument(help="福利项目 YAML（列表）/ YAML list of benefits.")],
    db: DbOption = None,
    lang: LangOption = Lang.zh,
) -> None:
    """保存福利项目定义 / Store benefit definitions from a YAML list."""
    import yaml
    from pydantic import ValidationError

    from unionkit.store import define_benefits

    try:
        loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
        items = [Benefit.model_validate(b) for b in loaded]
    except (OSError, yaml.YAMLError, ValidationError, TypeError) as exc:
        _fail(_t("bad_file", lang, e=exc))
    with _store(db, lang, create=True) as store:
        n = define_benefits(store, items)
    typer.echo(_t("defined", lang, n=n))


@benefits_app.command("list")
def list_benefits_(
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """列出福利项目 / List benefit definitions."""
    from unionkit.store import list_benefits

    with _store(db, lang) as store:
        found = list_benefits(store)
    if as_json:
        typer.echo(
            json.dumps([b.model_dump(mode="json") for b in found], ensure_ascii=False, indent=2)
        )
        return
    for b in found:
        name = b.name_zh if lang is Lang.zh else b.name_en
        forms = ", ".join(f.label(lang.value) for f in b.allowed_forms)
        typer.echo(f"{b.benefit_id}\t{name}\t{b.kind.label(lang.value)}\t{forms}")


@grants_app.command("propose")
def propose(
    *,
    member: Annotated[str, typer.Option("--member", help="会员工号 / member id.")],
    benefit: Annotated[str, typer.Option("--benefit", help="福利项目 / benefit id.")],
    amount: Annotated[str, typer.Option("--amount", help="金额（元）/ amount (yuan).")],
    on: Annotated[str, typer.Option("--on", help="发放日期 / grant date (YYYY-MM-DD).")],
    reason: Annotated[str, typer.Option("--reason", help="事由 / reason.")],
    proposer: Annotated[str, typer.Option("--by", help="经办人 / proposed by.")],
    form: Annotated[str | None, typer.Option("--form", help="形式 / form.")] = None,
    relation: Annotated[str, typer.Option("--relation", help="慰问对象 / for whom.")] = "self",
    event: Annotated[str | None, typer.Option("--event", help="事件 / event key.")] = None,
    key: Annotated[str | None, typer.Option("--key", help="幂等键 / idempotency key.")] = None,
    params: ParamsOption = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """提议一笔发放，按经费规则检查后登记 / Propose a grant; it is checked, then stored."""
    from unionkit.store import GrantRequest, propose_grants

    request = GrantRequest(
        member_id=member,
        benefit_id=benefit,
        amount=amount,
        on=parse_day(on, lang),
        reason=reason,
        form=form,
        relation=relation,
        event_key=event,
        idempotency_key=key,
    )
    with _store(db, lang) as store:
        (out,) = propose_grants(store, [request], proposer=proposer, rules=_rules(params))
    verdict = out.verdict
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "stored": out.grant is not None and not out.existing,
                    "existing": out.existing,
                    "grant": _grant_json(out.grant) if out.grant else None,
                    "refusals": [f.as_dict() for f in verdict.refusals] if verdict else [],
                    "warnings": [f.as_dict() for f in verdict.warnings] if verdict else [],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    elif out.grant is None and verdict is not None:
        typer.echo(_t("refused", lang), err=True)
        for finding in verdict.refusals:
            typer.echo(f"  {finding.rule}: {finding.message(lang.value)}", err=True)
    elif out.existing and out.grant is not None:
        typer.echo(_t("existing", lang, id=out.grant.grant_id))
    elif out.grant is not None:
        typer.echo(
            _t("stored", lang, id=out.grant.grant_id, status=out.grant.status.label(lang.value))
        )
        for finding in verdict.warnings if verdict else ():
            typer.echo(f"{_t('warning', lang)} {finding.message(lang.value)}")
    if out.refused:
        raise typer.Exit(1)


@grants_app.command("approve")
def approve(
    grant_id: Annotated[str, typer.Argument(help="发放编号 / grant id.")],
    *,
    approver: Annotated[str, typer.Option("--by", help="审批人 / approver.")],
    note: Annotated[str | None, typer.Option("--note", help="意见 / note.")] = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """审批一笔待批发放（经办人不能审批自己的提议）/ Approve a pending grant."""
    from unionkit.store import approve_grant

    with _store(db, lang) as store:
        grant = approve_grant(store, grant_id, approver, note=note)
    if as_json:
        typer.echo(json.dumps(_grant_json(grant), ensure_ascii=False, indent=2))
    else:
        typer.echo(_t("approved", lang, id=grant.grant_id, status=grant.status.label(lang.value)))


@grants_app.command("list")
def list_(
    *,
    member: Annotated[str | None, typer.Option("--member", help="会员 / member id.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="年度 / year.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="pending | approved")] = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """列出台账（发放与冲正）/ List the ledger (grants and reversals)."""
    from unionkit.store import list_grants

    with _store(db, lang) as store:
        try:
            found = list_grants(store, member_id=member, year=year, status=status)
        except ValueError as exc:
            _fail(str(exc))
    if as_json:
        typer.echo(json.dumps([_grant_json(g) for g in found], ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo(_t("none", lang))
    for g in found:
        sign = "-" if g.reverses else ""
        typer.echo(
            f"{g.granted_on}\t{g.grant_id}\t{g.member_id}\t{g.benefit_id}\t"
            f"{sign}{g.amount}\t{g.form.label(lang.value)}\t{g.status.label(lang.value)}"
        )


@grants_app.command("replay")
def replay(
    grant_id: Annotated[
        str | None, typer.Argument(help="发放编号 / grant id.", show_default=False)
    ] = None,
    *,
    year: Annotated[
        int | None,
        typer.Option("--year", help="重算该年全部发放 / replay every grant of this year."),
    ] = None,
    params: ParamsOption = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """按现行规则重算发放的决策 / Recompute grants' decisions under today's rules."""
    from unionkit.store import replay_grant, replay_year

    if (grant_id is None) == (year is None):
        _fail(_t("one_of", lang), 2)
    if year is not None:
        with _store(db, lang) as store:
            summary = replay_year(store, year, _rules(params))
        if as_json:
            typer.echo(json.dumps(summary.as_dict(), ensure_ascii=False, indent=2))
        else:
            typer.echo(
                _t(
                    "year",
                    lang,
                    year=year,
                    n=summary.grants,
                    same=summary.same,
                    changed=len(summary.changed),
                    missing=len(summary.without_decision),
                )
            )
            for r in summary.changed:
                typer.echo(f"  {r.grant_id}")
                for change in r.changes:
                    typer.echo(f"    {change}")
            for gid in summary.without_decision:
                typer.echo(f"  {gid}: {_t('no_decision', lang)}")
        if summary.changed or summary.without_decision:
            raise typer.Exit(1)
        return
    assert grant_id is not None
    with _store(db, lang) as store:
        result = replay_grant(store, grant_id, _rules(params))
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    key = "agrees" if result.agrees else "differs"
    typer.echo(_t(key, lang, then=result.then_version, now=result.now_version))
    for change in result.changes:
        typer.echo(f"  {change}")
    if not result.agrees:
        raise typer.Exit(1)
