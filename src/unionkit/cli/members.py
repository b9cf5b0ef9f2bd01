"""The ``unionkit members …`` commands: import a roster into the store, list and show members."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from unionkit.cli.app import app
from unionkit.cli.demands import DbOption, JsonOption, _fail, _store
from unionkit.cli.lang import Lang
from unionkit.cli.options import LangOption
from unionkit.errors import RosterFormatError
from unionkit.labels import LabelledEnum
from unionkit.models.member import Member

__all__ = ["members_app", "parse_day"]

members_app = typer.Typer(
    help="会员名册入库与查询 / members: the roster as the system of record.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(members_app, name="members")

_TEXT = {
    "summary": (
        "新增 {added}，更新 {updated}，转出 {left}，未变 {unchanged}",
        "added {added}, updated {updated}, left {left}, unchanged {unchanged}",
    ),
    "dry": ("（试运行，未写入）", "(dry run: nothing written)"),
    "groups": (
        "新建组织 {groups}，新增隶属 {opened}，结束隶属 {closed}",
        "groups created {groups}, memberships opened {opened}, closed {closed}",
    ),
    "row_errors": (
        "名册有 {n} 处错误（unionkit roster check 查看）；完整名册须无错误，否则出错行的会员会被"
        "误标为转出：请修正，或加 --partial 只导入有效行",
        "the roster has {n} errors (see `unionkit roster check`); a full roster must be clean, "
        "or members on bad rows would be marked as left: fix them, or import the valid rows "
        "with --partial",
    ),
    "none": ("没有符合条件的会员。", "No members match."),
    "history": ("变更记录", "Changes"),
    "bad_day": ("日期格式应为 YYYY-MM-DD：{value!r}", "not a date (YYYY-MM-DD): {value!r}"),
}


def _t(key: str, lang: Lang, **values: object) -> str:
    zh, en = _TEXT[key]
    return (zh if lang is Lang.zh else en).format(**values)


def parse_day(value: str | None, lang: Lang) -> date:
    """
    Read a ``YYYY-MM-DD`` option; today when not given.

    Raises:
        typer.BadParameter: The text is not a date.
    """
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(_t("bad_day", lang, value=value)) from None


def _member_json(m: Member) -> dict[str, Any]:
    # The default (masked) dump: ID and phone numbers masked; the name masked here too.
    data: dict[str, Any] = m.model_dump(mode="json")
    data["name"] = m.masked_name
    for key in (
        "monthly_salary",
        "annual_income",
        "rigid_spending",
        "sick_leave_days",
        "serious_illness",
    ):
        data.pop(key, None)
    return data


@members_app.command("import")
def import_(
    roster: Annotated[Path, typer.Argument(help="花名册文件（CSV、xlsx、xls） / roster file.")],
    *,
    partial: Annotated[
        bool,
        typer.Option(
            "--partial", help="只含部分会员：不标记转出 / a partial roster: mark nobody as left."
        ),
    ] = False,
    confirm_left: Annotated[
        bool,
        typer.Option("--confirm-left", help="确认大批会员转出 / confirm that most members left."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只显示将要做的修改 / show what would change.")
    ] = False,
    on: Annotated[
        str | None, typer.Option("--on", help="导入日期（默认今天）/ import date (default today).")
    ] = None,
    encoding: Annotated[str | None, typer.Option("--encoding", help="CSV 编码 / encoding.")] = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """导入名册：新增、更新、标记转出（从不删除）/ Import a roster: add, update, mark left."""
    from unionkit.io import read_roster
    from unionkit.store import import_members

    day = parse_day(on, lang)
    try:
        read = read_roster(roster, encoding=encoding, today=day)
    except RosterFormatError as exc:
        _fail(f"{exc.path}: {exc.message_zh if lang is Lang.zh else exc.message_en}")
    if read.errors and not partial:
        _fail(_t("row_errors", lang, n=len(read.errors)))
    with _store(db, lang, create=True) as store:
        result = import_members(
            store,
            read.members,
            on=day,
            source=roster.name,
            partial=partial,
            confirm_left=confirm_left,
            dry_run=dry_run,
        )
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    counts = result.as_dict()
    line = _t("summary", lang, **counts)
    typer.echo(f"{line} {_t('dry', lang)}" if dry_run else line)
    typer.echo(
        _t(
            "groups",
            lang,
            groups=result.groups_added,
            opened=result.memberships_added,
            closed=result.memberships_closed,
        )
    )


@members_app.command("list")
def list_(
    *,
    status: Annotated[str | None, typer.Option("--status", help="会籍状态 / status.")] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="科室 / department.")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="最多条数 / at most.")] = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """列出会员（姓名脱敏）/ List members (names masked)."""
    from unionkit.store import list_members

    with _store(db, lang) as store:
        try:
            found = list_members(store, status=status, department=department, limit=limit)
        except ValueError as exc:
            _fail(str(exc))
    if as_json:
        typer.echo(json.dumps([_member_json(m) for m in found], ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo(_t("none", lang))
        return
    table = Table()
    heads = (
        ("工号", "member id"),
        ("姓名", "name"),
        ("科室", "department"),
        ("状态", "status"),
        ("入会日期", "joined"),
        ("会费缴至", "dues paid through"),
    )
    for zh, en in heads:
        table.add_column(en if lang is Lang.en else zh)
    for m in found:
        table.add_row(
            *(
                Text(c)
                for c in (
                    m.member_id,
                    m.masked_name,
                    m.department or "",
                    m.status.label(lang),
                    m.joined_on.isoformat() if m.joined_on else "",
                    f"{m.dues_paid_through:%Y-%m}" if m.dues_paid_through else "",
                )
            )
        )
    Console(width=120).print(table)


@members_app.command("show")
def show(
    member_id: Annotated[str, typer.Argument(help="工号 / member id.")],
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """显示会员（脱敏）及其变更记录 / Show a member (masked) with the changes imports made."""
    from unionkit.models.base import field_labels
    from unionkit.store import member_history

    with _store(db, lang) as store:
        member = store.get_member(member_id)
        changes = member_history(store, member_id)
    data = _member_json(member)
    if as_json:
        typer.echo(
            json.dumps(
                {"member": data, "changes": [c.as_dict() for c in changes]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    labels = field_labels(Member)
    facts = Table(show_header=False, title=Text(member.member_id))
    for name, value in data.items():
        if value in (None, ""):
            continue
        zh, en = labels.get(name, (name, name))
        raw = getattr(member, name, None)
        shown = raw.label(lang) if isinstance(raw, LabelledEnum) else str(value)
        facts.add_row(Text(en if lang is Lang.en else zh), Text(shown))
    console = Console(width=120)
    console.print(facts)
    if changes:
        history = Table(title=_t("history", lang))
        for zh, en in (("字段", "field"), ("原值", "before"), ("新值", "after")):
            history.add_column(en if lang is Lang.en else zh)
        for c in changes:
            history.add_row(Text(c.field), Text(c.before or "-"), Text(c.after or "-"))
        console.print(history)
