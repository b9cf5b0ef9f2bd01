"""The ``unionkit report year`` and ``unionkit generate year`` commands."""

from __future__ import annotations

import enum
import io
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from unionkit.cli.app import app
from unionkit.cli.demands import DbOption, _fail, _safe, _store, _target, report_app
from unionkit.cli.lang import Lang
from unionkit.cli.options import LangOption

__all__ = ["generate_app"]

generate_app = typer.Typer(
    help="生成模拟数据 / made-up data to try unionkit with.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(generate_app, name="generate")

_TEXT = {
    "wrote": ("已写入 {path}", "wrote {path}"),
    "generated": (
        "已生成 {year} 年模拟数据：会员 {members} 人、诉求 {demands} 件、活动 {activities} "
        "场（报名 {registrations} 人次）、竞赛选手 {entrants} 人（奖励 {awards} 人）、"
        "预算 {budgets} 项、发放 {grants} 笔、走访 {visits} 次、困难档案 {files} 份、"
        "问卷 {responses} 份，写入 {db}",
        "generated {year}: {members} members, {demands} demands, {activities} "
        "activities ({registrations} registrations), {entrants} contest entrants "
        "({awards} awards), {budgets} budgets, {grants} grants, {visits} visits, "
        "{files} hardship files, {responses} survey responses into {db}",
    ),
    "step": ("正在生成：{step}", "generating: {step}"),
}


def _t(key: str, lang: Lang, **values: object) -> str:
    zh, en = _TEXT[key]
    return (zh if lang is Lang.zh else en).format(**values)


class Basis(enum.StrEnum):
    """What participation rates divide by (see ``unionkit.activities.ParticipationBasis``)."""

    all = "all"
    eligible = "eligible"
    organiser = "organiser"


def _write_bytes(path: Path, content: bytes) -> None:
    """Write through a temporary file in the same folder, so a crash never leaves half a file."""
    path = path.resolve()
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@report_app.command("year")
def report_year(
    *,
    year: Annotated[int, typer.Option("--year", help="年份 / year.")],
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="写入带中文图表的 HTML / write an HTML page with charts."),
    ] = None,
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="写入 Excel（每表一页）/ write Excel, one sheet per table."),
    ] = None,
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="写入 Markdown / write Markdown.")
    ] = None,
    union: Annotated[
        str | None,
        typer.Option("--union", help="工会名称（报告抬头）/ the union's name for the title."),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option("--template", help="自定义 Jinja2 HTML 模板 / your own Jinja2 HTML template."),
    ] = None,
    participation: Annotated[
        Basis, typer.Option("--participation", help="参与率分母 / participation denominator.")
    ] = Basis.all,
    charts: Annotated[
        bool,
        typer.Option("--charts/--no-charts", help="HTML 中是否含图表 / charts in the HTML page."),
    ] = True,
) -> None:
    """年度工作数据报告 / The year's report: demands, activities, money, surveys."""
    from unionkit.demands.synthetic import DEPARTMENT_NAMES
    from unionkit.reports.charts import Chart, have_matplotlib
    from unionkit.reports.year import year_figures
    from unionkit.reports.year_render import (
        to_html,
        to_markdown,
        to_xlsx,
        year_charts,
        year_document,
    )
    from unionkit.store.sample_year import BENEFIT_LABELS, DEPARTMENT_LABELS

    names = {**DEPARTMENT_NAMES, **DEPARTMENT_LABELS, **BENEFIT_LABELS}
    with _store(db, lang) as store:
        figures = year_figures(store, year, participation_basis=participation.value)
    doc = year_document(figures, lang.value, union=union, names=names)
    console = Console(width=max(120, Console().width))
    for section in doc.sections:
        table = Table(title=Text(section.title), show_header=False)
        for _ in range(3):
            table.add_column()
        for line in section.lines:
            table.add_row(Text(line.label), Text(line.value), Text(line.basis, style="dim"))
        console.print(table)
    try:
        if markdown is not None:
            _write_bytes(markdown, to_markdown(doc).encode("utf-8"))
            typer.echo(_t("wrote", lang, path=markdown), err=True)
        if xlsx is not None:
            buffer = io.BytesIO()
            to_xlsx(doc, buffer)
            _write_bytes(xlsx, buffer.getvalue())
            typer.echo(_t("wrote", lang, path=xlsx), err=True)
        if html is not None:
            drawn: list[Chart] = []
            notes: list[str] = []
            if charts and have_matplotlib():
                drawn, _chart_lang, notes = year_charts(figures, lang.value, names)
            _write_bytes(
                html, to_html(doc, drawn, chart_notes=notes, template=template).encode("utf-8")
            )
            typer.echo(_t("wrote", lang, path=html), err=True)
    except OSError as exc:
        _fail(f"{exc.filename}: {exc.strerror}")


@generate_app.command("year")
def generate_year(
    *,
    year: Annotated[int, typer.Option("--year", help="年份 / year.")] = 2025,
    seed: Annotated[int, typer.Option("--seed", help="随机种子 / random seed.")] = 0,
    members: Annotated[
        int, typer.Option("--members", min=300, help="模拟会员人数 / made-up members.")
    ] = 5400,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
) -> None:
    """生成一年模拟数据（会员、诉求、活动、竞赛、发放、问卷）/ Generate a made-up year."""
    from unionkit.store.sample_year import generate_sample_year

    def step(name: str) -> None:
        if sys.stderr.isatty():
            typer.echo(_t("step", lang, step=name), err=True)

    with _store(db, lang, create=True) as store:
        made = generate_sample_year(store, year, seed=seed, members=members, progress=step)
    typer.echo(
        _t(
            "generated",
            lang,
            year=year,
            members=made.members,
            demands=made.demands,
            activities=made.activities,
            registrations=made.registrations,
            entrants=made.contest_entrants,
            awards=made.awards,
            budgets=made.budgets,
            grants=made.grants,
            responses=made.survey_responses,
            visits=made.visits_done,
            files=made.hardship_files,
            db=_safe(_target(db)),
        )
    )
