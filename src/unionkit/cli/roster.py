"""``unionkit roster …``: check a roster file and report its row errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from unionkit.cli.app import app
from unionkit.cli.i18n import UnionkitGroup
from unionkit.cli.lang import Lang
from unionkit.errors import RosterFormatError
from unionkit.io import ERROR_CODES, RosterImport, read_roster
from unionkit.labels import Texts

__all__ = ["check", "roster_app"]

roster_app = typer.Typer(
    cls=UnionkitGroup, help="花名册文件 / roster files.", no_args_is_help=True, add_completion=False
)
app.add_typer(roster_app, name="roster")

PROGRESS_MIN_ROWS = 10_000
"""Files with more rows than this get a progress bar (on a terminal, without --quiet)."""

_SHOWN_ERRORS = 500
_SHOWN_WARNINGS = 20


_TEXT = {
    "title": ("花名册检查", "Roster check"),
    "rows_read": ("读取行数", "rows read"),
    "valid": ("有效行", "valid rows"),
    "members": ("会员", "members"),
    "relatives": ("家属", "relatives"),
    "households": ("家庭数", "households"),
    "rows_with_errors": ("有错误的行", "rows with errors"),
    "errors": ("错误数", "errors"),
    "warnings": ("警告数", "warnings"),
    "by_code": ("按类型统计的错误", "Errors by kind"),
    "row_errors": ("行错误", "Row errors"),
    "row": ("第 {n} 行", "row {n}"),
    "column": ("列", "column"),
    "value": ("值", "value"),
    "reason": ("原因", "reason"),
    "code": ("代码", "code"),
    "count": ("数量", "count"),
    "more_warnings": (
        "另有 {n} 条提示未显示；用 --json 查看全部",
        "{n} more warnings not shown; use --json to see them all",
    ),
    "more": (
        "另有 {n} 个错误未显示；用 --json 查看全部",
        "{n} more errors not shown; use --json for all",
    ),
    "clean": ("没有发现错误。", "No errors found."),
    "reading": ("正在读取", "Reading"),
}


_t = Texts(_TEXT)


def _load_mapping(path: Path) -> dict[str, str]:
    import yaml

    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RosterFormatError(
            str(path), f"无法读取列映射文件：{exc}", f"cannot read the column mapping: {exc}"
        ) from exc
    if not isinstance(loaded, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
    ):
        raise RosterFormatError(
            str(path),
            "列映射文件应为“表头: 字段名”的 YAML 映射",
            "the column mapping must be a YAML mapping of 'header: field'",
        )
    return loaded


@contextmanager
def _progress(enabled: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    if not enabled:
        yield None
        return
    from rich.progress import Progress, TaskID

    console = Console(stderr=True)
    with Progress(console=console, transient=True) as bar:
        task: list[TaskID] = []

        def report(done: int, total: int) -> None:
            if not task:
                if total <= PROGRESS_MIN_ROWS:
                    return
                task.append(bar.add_task(label, total=total))
            bar.update(task[0], completed=done, total=max(total, done))

        yield report


def _print_report(result: RosterImport, lang: Lang, quiet: bool) -> None:
    console = Console(highlight=False, soft_wrap=False)
    summary = result.summary()
    console.print(f"[bold]{_t('title', lang)}[/bold]: {escape(str(result.source))}", markup=True)
    table = Table(show_header=False)
    table.add_column(justify="left")
    table.add_column(justify="right")
    counts = summary.as_dict()
    for key in (
        "rows_read",
        "valid",
        "members",
        "relatives",
        "households",
        "rows_with_errors",
        "errors",
        "warnings",
    ):
        table.add_row(_t(key, lang), f"{counts[key]:,}")
    console.print(table)
    if summary.errors_by_code:
        by_code = Table(title=_t("by_code", lang))
        by_code.add_column(_t("code", lang))
        by_code.add_column(_t("reason", lang))
        by_code.add_column(_t("count", lang), justify="right")
        for code, count in summary.errors_by_code.items():
            zh, en = ERROR_CODES.get(code, (code, code))
            by_code.add_row(code, zh if lang is Lang.zh else en, f"{count:,}")
        console.print(by_code)
    if not quiet:
        # Bounded like the errors: a file with 100,000 unknown columns is one screen.
        for warning in result.warnings[:_SHOWN_WARNINGS]:
            console.print(f"[yellow]![/yellow] {escape(warning.message(lang.value))}")
        if len(result.warnings) > _SHOWN_WARNINGS:
            console.print(
                _t("more_warnings", lang).format(n=len(result.warnings) - _SHOWN_WARNINGS),
                markup=False,
            )
    if not result.errors:
        console.print(_t("clean", lang))
        return
    # One line per error rather than a table: long reasons stay whole and grep works.
    console.print(f"[bold]{_t('row_errors', lang)}[/bold]")
    for error in result.errors[:_SHOWN_ERRORS]:
        console.print(
            f"{_t('row', lang).format(n=error.row)} | {error.column or '-'} | "
            f"{error.value or '-'} | {error.code} | {error.message(lang.value)}",
            markup=False,
            overflow="ignore",
            crop=False,
        )
    hidden = len(result.errors) - _SHOWN_ERRORS
    if hidden > 0:
        console.print(_t("more", lang).format(n=hidden))


def _json_report(result: RosterImport) -> str:
    return json.dumps(
        {
            "source": result.source,
            "format": result.format,
            "encoding": result.encoding,
            "summary": result.summary().as_dict(),
            "errors": [e.as_dict() for e in result.errors],
            "warnings": [w.as_dict() for w in result.warnings],
        },
        ensure_ascii=False,
        indent=2,
    )


@roster_app.command("check")
def check(
    file: Annotated[Path, typer.Argument(help="花名册文件（CSV、xlsx、xls） / roster file.")],
    *,
    as_json: Annotated[
        bool, typer.Option("--json", help="输出 JSON / print machine-readable JSON.")
    ] = False,
    lang: Annotated[Lang, typer.Option("--lang", help="输出语言 / output language.")] = Lang.zh,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="CSV 编码 / CSV encoding (e.g. gb18030).")
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="列映射 YAML（表头: 字段） / column mapping YAML."),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="不显示进度和警告 / no progress, no warnings.")
    ] = False,
) -> None:
    """
    检查花名册并列出每一行的错误 / Check a roster and list every row error.

    退出码：0 没有错误；1 发现错误；2 文件无法读取（或选项有误）。

    Exit codes: 0 clean, 1 errors found, 2 the file cannot be read (or bad options).
    """
    try:
        columns = _load_mapping(mapping) if mapping is not None else None
        show_bar = not quiet and not as_json and sys.stderr.isatty()
        with _progress(show_bar, _t("reading", lang)) as report:
            result = read_roster(file, mapping=columns, encoding=encoding, progress=report)
    except RosterFormatError as exc:
        message = exc.message_zh if lang is Lang.zh else exc.message_en
        typer.echo(f"{exc.path}: {message}", err=True)
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(_json_report(result))
    else:
        _print_report(result, lang, quiet)
    raise typer.Exit(0 if result.ok else 1)
