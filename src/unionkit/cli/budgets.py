"""``unionkit budgets …``: set and list the year's budgets per category or programme."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from unionkit.cli.app import app
from unionkit.cli.demands import DbOption, JsonOption, _store
from unionkit.cli.lang import Lang
from unionkit.cli.options import LangOption
from unionkit.labels import Texts

__all__ = ["budgets_app"]

budgets_app = typer.Typer(
    help="预算（按年度与福利类别，保留历史）/ budgets per year and category, with history.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(budgets_app, name="budgets")

_TEXT = {
    "set": (
        "{which} 预算 {amount} 元（依据：{source}；设定人：{by}）",
        "{which} budget {amount} yuan (source: {source}; set by: {by})",
    ),
    "replaced": ("（取代第 {id} 条记录）", " (supersedes entry {id})"),
    "none": ("没有预算记录。", "No budgets."),
}

_t = Texts(_TEXT)


@budgets_app.command("set")
def set_(
    *,
    year: Annotated[int, typer.Option("--year", help="预算年度 / budget year.")],
    category: Annotated[
        str, typer.Option("--category", help="福利类别，如 hardship_aid / benefit category.")
    ],
    amount: Annotated[str, typer.Option("--amount", help="金额（元）/ amount in yuan.")],
    source: Annotated[
        str,
        typer.Option("--source", help="依据（决议或文件编号）/ the decision or document."),
    ],
    by: Annotated[str, typer.Option("--by", help="设定人 / who sets it.")],
    programme: Annotated[
        str | None, typer.Option("--programme", help="项目（可选）/ programme (optional).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="备注 / note.")] = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """设定或调整预算（旧值保留在历史中）/ Set or change a budget (the old value is kept)."""
    from unionkit.store.budgets import set_budget

    with _store(db, lang, create=True) as store:
        entry = set_budget(
            store,
            year,
            category,
            amount,
            source=source,
            set_by=by,
            programme=programme,
            note=note,
        )
    if as_json:
        typer.echo(json.dumps(entry.as_json(), ensure_ascii=False, indent=2))
        return
    line = _t(
        "set", lang, which=entry.key, amount=entry.amount, source=entry.source, by=entry.set_by
    )
    if entry.supersedes is not None:
        line += _t("replaced", lang, id=entry.supersedes)
    typer.echo(line)


@budgets_app.command("list")
def list_(
    *,
    year: Annotated[int | None, typer.Option("--year", help="年度 / year.")] = None,
    category: Annotated[
        str | None, typer.Option("--category", help="只看此类别的历史 / this category's history.")
    ] = None,
    programme: Annotated[str | None, typer.Option("--programme", help="项目 / programme.")] = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """列出现行预算；指定 --year 与 --category 时列出其全部历史 / List budgets in force, or a
    budget's whole history with --year and --category."""
    from unionkit.models.benefit import BenefitKind
    from unionkit.store.budgets import budget_history, list_budgets

    with _store(db, lang) as store:
        if category is not None and year is not None:
            found = budget_history(store, year, category, programme)
        else:
            found = [
                b for b in list_budgets(store, year) if category is None or b.category == category
            ]
    if as_json:
        typer.echo(json.dumps([b.as_json() for b in found], ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo(_t("none", lang))
    for b in found:
        typer.echo(
            f"{b.entry_id}\t{b.year}\t{BenefitKind(b.category).label(lang.value)}\t"
            f"{b.programme or '-'}\t{b.amount}\t{b.source}\t{b.set_by}\t{b.set_at:%Y-%m-%d %H:%M}"
        )
