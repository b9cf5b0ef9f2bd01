"""``unionkit calendar …``: which holiday years are loaded, and adding a year without a release."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from unionkit.branches import branch_calendar
from unionkit.calendar import (
    ALERT_MONTH,
    MISSING_EXIT_CODE,
    CalendarStatus,
    WorkCalendar,
    calendar_status,
    install_year_file,
    remove_year_file,
)
from unionkit.cli.app import app
from unionkit.cli.lang import Lang
from unionkit.cli.options import LangOption
from unionkit.cli.plugins import branch_host
from unionkit.errors import CalendarDataError, CalendarFileError

__all__ = ["add", "calendar_app", "remove", "status"]

calendar_app = typer.Typer(
    help=(
        "法定节假日与调休数据：查看已载入的年份，添加或删除年度文件 / official holidays and "
        "make-up working days: list the loaded years, add or remove a year file."
    ),
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(calendar_app, name="calendar")

_TEXT = {
    "title": ("已载入的法定节假日年份", "Official holiday years loaded"),
    "year": ("年份", "year"),
    "origin": ("来源类型", "origin"),
    "official": ("正式", "official"),
    "source": ("依据", "source"),
    "yes": ("是", "yes"),
    "no": ("否（草稿或测试）", "no (draft or test)"),
    "ok": (
        "{today}：所需年份（{needed}）均已载入正式数据。",
        "{today}: every year needed ({needed}) has official data.",
    ),
    "missing": (
        "警告：{today} 起需要 {years} 年的法定节假日安排，但尚未载入正式数据；跨入该年的"
        "办理期限会报错。请在国务院通知发布后运行 unionkit calendar add 文件，或升级 "
        "chinesecalendar / holidays。（退出码 {code}）",
        "WARNING: from {today} the official holiday arrangement for {years} is needed but "
        "not loaded; deadlines crossing into it fail. Once the State Council notice is out, "
        "run `unionkit calendar add FILE`, or upgrade chinesecalendar / holidays. "
        "(exit code {code})",
    ),
    "note": (
        "提示：{year} 年的安排尚未载入；自 {month} 月 1 日起将发出警告。",
        "Note: {year} is not loaded yet; from 1 {month_en} this becomes a warning.",
    ),
    "added": (
        "已安装 {year} 年的节假日文件：{path}（{source}）",
        "Installed the year file for {year}: {path} ({source})",
    ),
    "removed": ("已删除 {year} 年的节假日文件：{path}", "Removed the year file for {year}: {path}"),
    "invalid": ("文件有错误，未安装。", "The file has errors; nothing was installed."),
}
_MONTHS_EN = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON.")]


def _t(key: str, lang: Lang, **values: object) -> str:
    zh, en = _TEXT[key]
    return (zh if lang is Lang.zh else en).format(**values)


def _today(text: str | None) -> date:
    if text is None:
        # The one place that reads the clock: a scheduled job asks about the real day.
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} 不是日期（如 2026-12-05） / is not a date like 2026-12-05"
        ) from None


@calendar_app.command()
def status(
    today: Annotated[
        str | None,
        typer.Option(
            "--today", help="按这一天判断（默认今天） / judge as of this day (default: today)."
        ),
    ] = None,
    branch: Annotated[
        str | None,
        typer.Option(
            "--branch",
            help="包括该分工会插件提供的年份 / include the years this branch's plugins provide.",
        ),
    ] = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """
    列出已载入的年份及来源 / list the loaded years and their sources.

    当年总是需要；自 11 月 1 日起也需要下一年。退出码：0 所需年份均有正式数据；
    3 缺少所需年份（供定时任务提醒管理员）；2 用法错误。

    This year is always needed; from 1 November next year is needed too. Exit codes:
    0 every needed year has official data, 3 one is missing (for a scheduled job to
    alert an administrator), 2 misuse.
    """
    day = _today(today)
    try:
        chosen = branch_host(branch=branch, plugins=[], no_plugins=[])
        calendar = (
            WorkCalendar.default() if chosen is None else branch_calendar(chosen[0], chosen[1])
        )
    except CalendarDataError as exc:
        sys.stderr.write(f"{exc}\n")
        raise typer.Exit(2) from exc
    report = calendar_status(calendar, day)
    if as_json:
        sys.stdout.write(json.dumps(_as_json(report), ensure_ascii=False, indent=2) + "\n")
    else:
        _print(report, lang)
    raise typer.Exit(report.exit_code)


def _as_json(report: CalendarStatus) -> dict[str, object]:
    return {
        "today": report.today.isoformat(),
        "years": [
            {
                "year": y.year,
                "origin": str(y.origin),
                "origin_zh": y.origin.label_zh,
                "origin_en": y.origin.label_en,
                "official": y.official,
                "source": y.source,
            }
            for y in report.years
        ],
        "missing": list(report.missing),
        "next_year_missing": report.next_year_missing,
        "exit_code": report.exit_code,
    }


def _print(report: CalendarStatus, lang: Lang) -> None:
    out = Console(highlight=False, soft_wrap=True)
    table = Table(title=_t("title", lang))
    for key in ("year", "origin", "official", "source"):
        table.add_column(_t(key, lang))
    for y in report.years:
        table.add_row(
            str(y.year),
            escape(y.origin.label_zh if lang is Lang.zh else y.origin.label_en),
            _t("yes" if y.official else "no", lang),
            escape(y.source),
        )
    out.print(table)
    needed = [report.today.year]
    if report.today.month >= ALERT_MONTH:
        needed.append(report.today.year + 1)
    if report.missing:
        Console(stderr=True, highlight=False, soft_wrap=True).print(
            escape(
                _t(
                    "missing",
                    lang,
                    today=report.today.isoformat(),
                    years=", ".join(map(str, report.missing)),
                    code=MISSING_EXIT_CODE,
                )
            )
        )
        return
    out.print(
        escape(_t("ok", lang, today=report.today.isoformat(), needed=", ".join(map(str, needed))))
    )
    if report.next_year_missing:
        out.print(
            escape(
                _t(
                    "note",
                    lang,
                    year=report.today.year + 1,
                    month=ALERT_MONTH,
                    month_en=_MONTHS_EN[ALERT_MONTH],
                )
            )
        )


@calendar_app.command()
def add(
    file: Annotated[
        Path,
        typer.Argument(help="年度节假日文件（YAML） / the year file (YAML).", metavar="文件/FILE"),
    ],
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="替换已安装的同一年份 / replace the year already installed."
        ),
    ] = False,
    lang: LangOption = Lang.zh,
) -> None:
    """
    校验并安装一个年度节假日文件 / validate a year file and install it for every later run.

    文件含一年的全部假日与调休工作日，并以国务院通知的标题、文号和日期为依据
    （见 docs/calendar.md）；安装到 $UNIONKIT_CALENDAR_DIR，否则为本用户的数据目录。
    退出码：0 已安装；1 文件有错误（逐条列出行号）；2 用法错误。

    The file holds one year's holidays and make-up working days, with the State Council
    notice's title, number and date as its source (see docs/calendar.md). It is
    installed in $UNIONKIT_CALENDAR_DIR, else the per-user data folder. Exit codes: 0
    installed, 1 the file has errors (each listed with its line), 2 misuse.
    """
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        year, target = install_year_file(file, replace=replace)
    except FileNotFoundError as exc:
        err.print(escape(str(exc)))
        raise typer.Exit(2) from exc
    except CalendarFileError as exc:
        err.print(escape(str(exc)))
        err.print(_t("invalid", lang))
        raise typer.Exit(1) from exc
    except (CalendarDataError, OSError) as exc:
        err.print(escape(str(exc)))
        raise typer.Exit(2) from exc
    Console(highlight=False, soft_wrap=True).print(
        escape(_t("added", lang, year=year.year, path=target, source=year.source))
    )


@calendar_app.command()
def remove(
    year: Annotated[int, typer.Argument(help="年份 / the year.", metavar="年份/YEAR")],
    lang: LangOption = Lang.zh,
) -> None:
    """
    删除用 calendar add 安装的年度文件 / remove a year file installed with `calendar add`.

    退出码：0 已删除；2 该年份没有已安装的文件。

    Exit codes: 0 removed, 2 no file installed for that year.
    """
    try:
        target = remove_year_file(year)
    except CalendarDataError as exc:
        Console(stderr=True, highlight=False, soft_wrap=True).print(escape(str(exc)))
        raise typer.Exit(2) from exc
    Console(highlight=False, soft_wrap=True).print(
        escape(_t("removed", lang, year=year, path=target))
    )
