"""``unionkit visits …``: plan, list, assign and complete care visits."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from unionkit.cli.app import app
from unionkit.cli.demands import DbOption, JsonOption, _store
from unionkit.cli.grants import ParamsOption, _rules
from unionkit.cli.lang import Lang
from unionkit.cli.members import parse_day
from unionkit.cli.options import LangOption
from unionkit.models.ids import scrub

if TYPE_CHECKING:
    from unionkit.care.visits import VisitTask

__all__ = ["visits_app"]


def _task_json(task: VisitTask) -> dict[str, Any]:
    # Notes and reasons are typed by people: mask any ID or phone number in them.
    data: dict[str, Any] = task.model_dump(mode="json")
    for key in ("note", "reason"):
        if isinstance(data.get(key), str):
            data[key] = scrub(data[key])
    return data


visits_app = typer.Typer(help="走访慰问 / care visits.", no_args_is_help=True, add_completion=False)
app.add_typer(visits_app, name="visits")

_TEXT = {
    "planned": ("新建生日走访任务 {n} 个", "planned {n} birthday visits"),
    "none": ("没有走访任务。", "No visits."),
    "done": ("走访 {id} 已完成（{on}）", "visit {id} done ({on})"),
    "assigned": ("走访 {id} 已分派给 {who}", "visit {id} assigned to {who}"),
}


def _t(key: str, lang: Lang, **values: object) -> str:
    zh, en = _TEXT[key]
    return (zh if lang is Lang.zh else en).format(**values)


@visits_app.command("plan-birthdays")
def plan_birthdays_(
    *,
    month: Annotated[str, typer.Option("--month", help="月份 / month (YYYY-MM).")],
    lunar: Annotated[bool, typer.Option("--lunar", help="按农历生日 / by lunar birthday.")] = False,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
) -> None:
    """为本月过生日的会员生成走访任务 / Plan birthday visits for a month."""
    from unionkit.store import plan_birthdays

    day = parse_day(f"{month}-01", lang)
    with _store(db, lang) as store:
        made = plan_birthdays(store, day, lunar=lunar)
    typer.echo(_t("planned", lang, n=len(made)))


@visits_app.command("list")
def list_(
    *,
    status: Annotated[str | None, typer.Option("--status", help="open | done")] = None,
    assignee: Annotated[str | None, typer.Option("--assignee", help="走访人 / assignee.")] = None,
    due_by: Annotated[str | None, typer.Option("--due-by", help="截止 / due by.")] = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """列出走访任务 / List visit tasks."""
    from unionkit.store import list_visits

    with _store(db, lang) as store:
        found = list_visits(
            store,
            status=status,
            assignee=assignee,
            due_by=parse_day(due_by, lang) if due_by else None,
        )
    if as_json:
        typer.echo(json.dumps([_task_json(t) for t in found], ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo(_t("none", lang))
    for t in found:
        typer.echo(
            f"{t.due_on}\t{t.visit_id}\t{t.member_id}\t{t.kind.label(lang.value)}\t"
            f"{t.status.label(lang.value)}\t{t.assignee or '-'}"
        )


@visits_app.command("assign")
def assign(
    visit_id: Annotated[str, typer.Argument(help="走访编号 / visit id.")],
    *,
    to: Annotated[str, typer.Option("--to", help="走访人 / assignee.")],
    db: DbOption = None,
    lang: LangOption = Lang.zh,
) -> None:
    """分派走访任务 / Assign a visit."""
    from unionkit.store import assign_visit

    with _store(db, lang) as store:
        assign_visit(store, visit_id, to)
    typer.echo(_t("assigned", lang, id=visit_id, who=to))


@visits_app.command("done")
def done(
    visit_id: Annotated[str, typer.Argument(help="走访编号 / visit id.")],
    *,
    on: Annotated[str, typer.Option("--on", help="走访日期 / date (YYYY-MM-DD).")],
    note: Annotated[str, typer.Option("--note", help="走访记录 / note.")],
    by: Annotated[str, typer.Option("--by", help="登记人 / recorded by.")],
    amount: Annotated[str | None, typer.Option("--amount", help="慰问金 / money given.")] = None,
    benefit: Annotated[str | None, typer.Option("--benefit", help="福利项目 / benefit id.")] = None,
    params: ParamsOption = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """登记走访完成（慰问金经合规检查后入账）/ Mark a visit done; its money goes via the ledger."""
    from unionkit.store import complete_visit

    day = parse_day(on, lang)
    with _store(db, lang) as store:
        task = complete_visit(
            store,
            visit_id,
            on=day,
            note=note,
            by=by,
            amount=amount,
            benefit_id=benefit,
            rules=_rules(params),
        )
    if as_json:
        typer.echo(json.dumps(_task_json(task), ensure_ascii=False, indent=2))
    else:
        typer.echo(_t("done", lang, id=task.visit_id, on=task.done_on))
