"""``unionkit hardship …``: hardship files (困难职工档案) from the command line."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from unionkit.cli.app import app
from unionkit.cli.demands import DbOption, JsonOption, _store
from unionkit.cli.lang import Lang
from unionkit.cli.members import parse_day
from unionkit.cli.options import LangOption

if TYPE_CHECKING:
    from unionkit.store import HardshipFile

__all__ = ["hardship_app"]

hardship_app = typer.Typer(
    help="困难职工档案 / hardship files.", no_args_is_help=True, add_completion=False
)
app.add_typer(hardship_app, name="hardship")

OnOption = Annotated[str, typer.Option("--on", help="日期 / date (YYYY-MM-DD).")]
ByOption = Annotated[str, typer.Option("--by", help="经办人 / done by.")]


def _say(file: HardshipFile, lang: Lang, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(file.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    extra = ""
    if file.notice_until:
        extra += (
            f"，公示至 {file.notice_until}"
            if lang is Lang.zh
            else f", notice until {file.notice_until}"
        )
    if file.follow_up_until:
        extra += (
            f"，跟踪至 {file.follow_up_until}"
            if lang is Lang.zh
            else f", follow-up until {file.follow_up_until}"
        )
    typer.echo(f"{file.file_id} {file.member_id} {file.state.label(lang.value)}{extra}")


@hardship_app.command("enter")
def enter(
    member: Annotated[str, typer.Argument(help="工号 / member id.")],
    *,
    tier: Annotated[str, typer.Option("--tier", help="deep | relative | accident")],
    evidence: Annotated[str, typer.Option("--evidence", help="佐证材料编号 / evidence ref.")],
    on: OnOption,
    by: ByOption,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """建档 / Enter a member into the hardship files."""
    from unionkit.store import enter_file

    with _store(db, lang) as store:
        file = enter_file(
            store, member, tier=tier, on=parse_day(on, lang), evidence=evidence, actor=by
        )
    _say(file, lang, as_json)


@hardship_app.command("reverify")
def reverify(
    file_id: Annotated[str, typer.Argument(help="档案编号 / file id.")],
    *,
    on: OnOption,
    by: ByOption,
    tier: Annotated[str | None, typer.Option("--tier", help="新类别 / new tier.")] = None,
    evidence: Annotated[str | None, typer.Option("--evidence", help="佐证 / evidence.")] = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """年度复核 / Record the yearly re-verification."""
    from unionkit.store import reverify_file

    with _store(db, lang) as store:
        file = reverify_file(
            store, file_id, on=parse_day(on, lang), actor=by, tier=tier, evidence=evidence
        )
    _say(file, lang, as_json)


@hardship_app.command("leave")
def leave(
    file_id: Annotated[str, typer.Argument(help="档案编号 / file id.")],
    *,
    on: OnOption,
    by: ByOption,
    reason: Annotated[str, typer.Option("--reason", help="退档理由 / reason.")],
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """启动退档公示（工作日计）/ Start the public notice before a file leaves."""
    from unionkit.store import start_leaving

    with _store(db, lang) as store:
        file = start_leaving(store, file_id, on=parse_day(on, lang), actor=by, reason=reason)
    _say(file, lang, as_json)


@hardship_app.command("confirm-leave")
def confirm_leave(
    file_id: Annotated[str, typer.Argument(help="档案编号 / file id.")],
    *,
    on: OnOption,
    by: ByOption,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """公示期满后退档 / Close a file after its notice; follow-up starts."""
    from unionkit.store import confirm_leaving

    with _store(db, lang) as store:
        file = confirm_leaving(store, file_id, on=parse_day(on, lang), actor=by)
    _say(file, lang, as_json)


@hardship_app.command("list")
def list_(
    *,
    due_on: Annotated[
        str | None,
        typer.Option(
            "--due-on", help="只列该日应复核的档案 / only files due for re-verification then."
        ),
    ] = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """列出档案 / List hardship files."""
    from unionkit.store import due_for_reverification, list_files

    with _store(db, lang) as store:
        found = (
            due_for_reverification(store, parse_day(due_on, lang)) if due_on else list_files(store)
        )
    if as_json:
        typer.echo(
            json.dumps([f.model_dump(mode="json") for f in found], ensure_ascii=False, indent=2)
        )
        return
    for file in found:
        _say(file, lang, False)
