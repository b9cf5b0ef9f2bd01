"""The ``unionkit demands …`` commands (submit, list, show, transition, generate) and reports."""

from __future__ import annotations

import enum
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from unionkit._files import apply_policy
from unionkit.cli.app import app
from unionkit.cli.i18n import UnionkitGroup, cli_date, did_you_mean
from unionkit.cli.lang import Lang
from unionkit.cli.options import LangOption
from unionkit.cli.plugins import NoPluginOpt, PluginOpt, branch_host
from unionkit.errors import NotFound, UnionkitError
from unionkit.io.evaluation import format_count
from unionkit.labels import Texts
from unionkit.models.demand import Demand, DemandAction, DemandEvent, Satisfaction
from unionkit.models.ids import scrub

__all__ = ["DEFAULT_DB", "demands_app", "parse_action", "report_app"]

DEFAULT_DB = "unionkit.sqlite3"
"""The SQLite file used when neither ``--db`` nor ``UNIONKIT_DB`` is given (current folder)."""

demands_app = typer.Typer(
    cls=UnionkitGroup,
    help="诉求（诉求、建议、职代会提案）/ demands: requests, suggestions, congress proposals.",
    no_args_is_help=True,
    add_completion=False,
)
report_app = typer.Typer(
    cls=UnionkitGroup, help="年度报告 / reports.", no_args_is_help=True, add_completion=False
)
app.add_typer(demands_app, name="demands")
app.add_typer(report_app, name="report")


class Basis(enum.StrEnum):
    """The closure rate's denominator (see ``unionkit.reports.ClosureBasis``)."""

    accepted = "accepted"
    received = "received"
    closed_or_rejected = "closed_or_rejected"
    due_by_cutoff = "due_by_cutoff"


_TEXT = {
    "no_db": (
        "找不到数据库文件 {path}；请用 --db 指定，或先运行 unionkit demands generate",
        "no database file at {path}; pass --db, or run `unionkit demands generate` first",
    ),
    "error": ("错误", "error"),
    "submitted": ("已提交诉求 {id}（状态：{state}）", "submitted demand {id} (state: {state})"),
    "moved": (
        "诉求 {id}：{action} → {state}（版本 {version}）",
        "demand {id}: {action} -> {state} (version {version})",
    ),
    "none_found": ("没有符合条件的诉求。", "No demands match."),
    "history": ("办理记录", "History"),
    "wrote": ("已写入 {path}", "wrote {path}"),
    "generated": (
        "已生成 {year} 年诉求 {n} 件、办理记录 {events} 条，写入 {db}",
        "generated {n} demands of {year} with {events} history rows into {db}",
    ),
    "members_added": ("已添加 {n} 名模拟会员", "added {n} made-up members"),
    "generating": ("正在生成", "Generating"),
    "period": ("请给出 --year，或同时给出 --from 与 --to", "give --year, or both --from and --to"),
}


_t = Texts(_TEXT)


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLite 文件路径或 PostgreSQL URL（默认 $UNIONKIT_DB 或 ./unionkit.sqlite3）/ "
        "SQLite file or PostgreSQL URL (default: $UNIONKIT_DB or ./unionkit.sqlite3).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON / print JSON.")]
BranchOption = Annotated[
    str | None,
    typer.Option(
        "--branch",
        help="按该分工会插件的路由、办理时限与工作日办理，并通知其插件 / route, set "
        "deadlines and count working days by this branch's plugins, and notify them.",
        show_default=False,
    ),
]


def _target(db: str | None) -> str:
    return db or os.environ.get("UNIONKIT_DB") or DEFAULT_DB


@contextmanager
def _store(
    db: str | None,
    lang: Lang,
    *,
    create: bool = False,
    branch: str | None = None,
    plugin: list[str] | None = None,
    no_plugin: list[str] | None = None,
) -> Iterator[Any]:
    """
    Open the store, turning every unionkit error into a message and exit code 1.

    With ``--branch`` (or ``--plugin``) the store gets that branch's workflow from its
    plugins (routing, deadlines, working days, notifications) and its grant validator.
    """
    from unionkit.store import open_store

    target = _target(db)
    if not create and "://" not in target and not Path(target).exists():
        _fail(_t("no_db", lang, path=target))
    chosen = branch_host(branch=branch, plugins=plugin or [], no_plugins=no_plugin or [])
    try:
        if chosen is None:
            store = open_store(target)
        else:
            from unionkit.branches import branch_workflow

            host, slug = chosen
            store = open_store(
                target,
                workflow=branch_workflow(host, slug),
                grant_validator=host.grant_validator(slug),
            )
    except UnionkitError as exc:
        _fail(str(exc), 2)  # an unusable database is unusable input
    try:
        yield store
    except UnionkitError as exc:
        _fail(str(exc))
    finally:
        store.close()


def _fail(message: str, code: int = 1) -> Any:
    # Error texts never carry a whole ID or phone number; scrub what a user typed anyway.
    # markup=False: a demand id or text such as "[/b]" would otherwise be read as rich markup.
    Console(stderr=True).print(scrub(message), style="red", markup=False, highlight=False)
    raise typer.Exit(code)


def _parse_at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    # A day alone, written as the roster writes dates (2026年6月1日): its midnight.
    try:
        return datetime.combine(cli_date(value, "--at"), datetime.min.time())
    except typer.BadParameter:
        raise typer.BadParameter(
            f"时间应写成 2026-06-01T09:30 或日期 2026年6月1日：{value!r} / write a time as "
            f"2026-06-01T09:30 or a date: {value!r}",
            param_hint="--at",
        ) from None


# Short words a union office uses for each action, beside the labels the enum accepts.
_ACTION_WORDS = {
    "受理": DemandAction.ACCEPT,
    "交办": DemandAction.ACCEPT,
    "开始": DemandAction.START,
    "办理": DemandAction.START,
    "回复": DemandAction.RESOLVE,
    "结案": DemandAction.CLOSE,
    "驳回": DemandAction.REJECT,
    "督办": DemandAction.ESCALATE,
    "重点督办": DemandAction.ESCALATE,
    "重办": DemandAction.REOPEN,
}


def parse_action(text: str, lang: Lang = Lang.zh) -> DemandAction:
    """
    Read a demand action typed in English or Chinese (``close``, ``办结``, ``受理`` ...).

    Args:
        text: The action as typed.
        lang: The language of the error.

    Returns:
        The action (never ``submit``: a demand is submitted with ``demands submit``).

    Raises:
        typer.BadParameter: Not an action; the message lists the valid ones in both
            languages and suggests the closest.
    """
    word = text.strip()
    found = _ACTION_WORDS.get(word)
    if found is None:
        try:
            found = DemandAction(word)
        except ValueError:
            found = None
    if found is None or found is DemandAction.SUBMIT:
        valid = [a for a in DemandAction if a is not DemandAction.SUBMIT]
        names = [*_ACTION_WORDS, *(a.label_zh for a in valid), *(a.value for a in valid)]
        hint = did_you_mean(word, names, lang.value)
        listing = "、".join(f"{a.label_zh}({a.value})" for a in valid)
        raise typer.BadParameter(
            f"未知操作 {word!r}。{hint}可用操作：{listing}"
            if lang is Lang.zh
            else f"unknown action {word!r}. {hint + ' ' if hint else ''}The actions are: "
            + ", ".join(f"{a.value} ({a.label_zh})" for a in valid),
            param_hint="ACTION",
        )
    return found


def _demand_json(d: Demand) -> dict[str, Any]:
    data: dict[str, Any] = d.model_dump(mode="json")
    for key in ("title", "content", "answer", "rejection_reason"):
        if isinstance(data.get(key), str):
            data[key] = scrub(data[key])
    return data


def _plain(*cells: str) -> list[Text]:
    # Stored text is shown as typed: a title such as "[/b]" is not rich markup.
    return [Text(c) for c in cells]


def _event_json(e: DemandEvent) -> dict[str, Any]:
    # The details hold the answer and the rejection reason as typed: free text.
    data: dict[str, Any] = e.model_dump(mode="json")
    data["note"] = scrub(e.note or "") or None
    data["data"] = {k: scrub(v) if isinstance(v, str) else v for k, v in data["data"].items()}
    return data


@demands_app.command("submit")
def submit(
    *,
    member: Annotated[str, typer.Option("--member", help="提出人编号 / member id.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind", help="类型：诉求、建议、职代会提案 / kind: request, suggestion, proposal."
        ),
    ],
    title: Annotated[str, typer.Option("--title", help="标题 / title.")],
    content: Annotated[str, typer.Option("--content", help="内容 / content.")],
    category: Annotated[str | None, typer.Option("--category", help="类别 / category.")] = None,
    co_signer: Annotated[
        list[str] | None,
        typer.Option("--co-signer", help="附议人（提案至少 2 名，可重复）/ co-signer, repeatable."),
    ] = None,
    demand_id: Annotated[str | None, typer.Option("--id", help="诉求编号 / demand id.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="登记人 / recorded by.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="时间（ISO）/ when (ISO).")] = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    branch: BranchOption = None,
    plugin: PluginOpt = None,
    no_plugin: NoPluginOpt = None,
) -> None:
    """提交诉求 / Submit a demand (creates the SQLite file if needed)."""
    with _store(db, lang, create=True, branch=branch, plugin=plugin, no_plugin=no_plugin) as store:
        demand = store.submit_demand(
            member_id=member,
            kind=kind,
            title=title,
            content=content,
            category=category,
            co_signers=co_signer or (),
            demand_id=demand_id,
            actor=actor,
            at=_parse_at(at),
        )
    typer.echo(_t("submitted", lang, id=demand.demand_id, state=demand.state.label(lang)))


@demands_app.command("list")
def list_(
    *,
    state: Annotated[str | None, typer.Option("--state", help="状态 / state.")] = None,
    category: Annotated[str | None, typer.Option("--category", help="类别 / category.")] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="承办部门 / department.")
    ] = None,
    member: Annotated[str | None, typer.Option("--member", help="提出人 / member id.")] = None,
    key: Annotated[
        bool | None, typer.Option("--key-supervision/--no-key", help="重点督办 / key supervision.")
    ] = None,
    overdue_on: Annotated[
        str | None,
        typer.Option(
            "--overdue-on",
            help="截至该日逾期（如 2026-06-01、2026年6月1日）/ overdue on this day "
            "(e.g. 2026-06-01).",
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="最多条数 / at most.")] = 50,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """列出诉求 / List demands, by deadline."""
    overdue = cli_date(overdue_on, "--overdue-on") if overdue_on is not None else None
    with _store(db, lang) as store:
        found = store.list_demands(
            state=state,
            category=category,
            department=department,
            member_id=member,
            key_supervision=key,
            overdue_on=overdue,
            limit=limit,
        )
    if as_json:
        typer.echo(json.dumps([_demand_json(d) for d in found], ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo(_t("none_found", lang))
        return
    en = lang is Lang.en
    table = Table()
    for head in (
        ("编号", "id"),
        ("类型", "kind"),
        ("状态", "state"),
        ("类别", "category"),
        ("承办部门", "department"),
        ("时限", "deadline"),
        ("督办", "key"),
        ("标题", "title"),
    ):
        table.add_column(head[1] if en else head[0])
    for d in found:
        deadline = (
            d.deadline.isoformat() + ("*" if d.deadline_estimated else "") if d.deadline else "-"
        )
        table.add_row(
            *_plain(
                d.demand_id,
                d.kind.label(lang),
                d.state.label(lang),
                d.category or "-",
                d.department or "-",
                deadline,
                "✓" if d.key_supervision else "",
                scrub(d.title),
            )
        )
    Console(width=max(120, Console().width)).print(table)


@demands_app.command("show")
def show(
    demand_id: Annotated[str, typer.Argument(help="诉求编号 / demand id.")],
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    as_json: JsonOption = False,
) -> None:
    """显示诉求及其办理记录 / Show a demand with its history."""
    from unionkit.models.base import field_labels

    with _store(db, lang) as store:
        demand = store.get_demand(demand_id)
        events = store.history(demand_id)
    if as_json:
        typer.echo(
            json.dumps(
                {"demand": _demand_json(demand), "history": [_event_json(e) for e in events]},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    labels = field_labels(Demand)
    console = Console(width=max(100, Console().width))
    facts = Table(show_header=False, title=Text(demand.demand_id))
    for name, value in _demand_json(demand).items():
        if value in (None, [], ""):
            continue
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        enum_value = getattr(demand, name)
        if isinstance(enum_value, enum.Enum) and hasattr(enum_value, "label"):
            shown = enum_value.label(lang)
        zh, en_label = labels.get(name, (name, name))
        facts.add_row(*_plain(en_label if lang is Lang.en else zh, shown))
    console.print(facts)
    history = Table(title=_t("history", lang))
    for head in (
        ("序号", "#"),
        ("时间", "at"),
        ("操作", "action"),
        ("状态", "state"),
        ("操作人", "actor"),
        ("说明", "details"),
    ):
        history.add_column(head[1] if lang is Lang.en else head[0])
    for e in events:
        moved = (f"{e.from_state.label(lang)} → " if e.from_state else "") + e.to_state.label(lang)
        details = "; ".join(f"{k}={v}" for k, v in e.data.items())
        if e.note:
            details = f"{details}; {e.note}" if details else e.note
        history.add_row(
            *_plain(
                str(e.seq),
                e.at.isoformat(sep=" ", timespec="minutes"),
                e.action.label(lang),
                moved,
                e.actor,
                scrub(details),
            )
        )
    console.print(history)


@demands_app.command("transition")
def transition(
    *,
    demand_id: Annotated[str, typer.Argument(help="诉求编号 / demand id.")],
    action: Annotated[
        str,
        typer.Argument(
            help="操作：受理、开始办理、答复、评价、办结、不予立案、督办、合并、重新办理、备注 / "
            "action: accept, start, resolve, feedback, close, reject, escalate, merge, reopen, "
            "note."
        ),
    ],
    actor: Annotated[str, typer.Option("--actor", help="操作人 / who does it.")],
    version: Annotated[
        int | None,
        typer.Option(
            "--version",
            help="你看到的版本号（默认读取当前版本）/ the version you decided on "
            "(default: the current one).",
        ),
    ] = None,
    category: Annotated[str | None, typer.Option("--category", help="类别 / category.")] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="承办部门 / department.")
    ] = None,
    deadline: Annotated[
        str | None,
        typer.Option(
            "--deadline",
            help="办理时限（如 2026-06-30、2026年6月30日）/ deadline (e.g. 2026-06-30).",
        ),
    ] = None,
    estimate: Annotated[
        bool,
        typer.Option(
            "--estimate",
            help="缺少节假日数据时按周末估算时限 / estimate the deadline from weekends "
            "when a year's holidays are missing.",
        ),
    ] = False,
    answer: Annotated[str | None, typer.Option("--answer", help="答复 / answer.")] = None,
    satisfaction: Annotated[
        str | None,
        typer.Option(
            "--satisfaction",
            help="评价：非常满意、满意、基本满意、不满意 / rating: very_satisfied, "
            "satisfied, basically_satisfied, unsatisfied.",
        ),
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="理由 / reason.")] = None,
    into: Annotated[str | None, typer.Option("--into", help="合并至 / merge into.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="说明 / note.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="时间（ISO）/ when (ISO).")] = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    branch: BranchOption = None,
    plugin: PluginOpt = None,
    no_plugin: NoPluginOpt = None,
) -> None:
    """办理诉求（一次操作，记入办理记录）/ Apply one action to a demand, recorded in its history."""
    chosen = parse_action(action, lang)
    data: dict[str, Any] = {}
    for key, value in (
        ("category", category),
        ("department", department),
        ("answer", answer),
        ("satisfaction", satisfaction),
        ("reason", reason),
        ("into", into),
    ):
        if value is not None:
            data[key] = value
    if deadline is not None:
        data["deadline"] = cli_date(deadline, "--deadline")
    if estimate:
        data["estimate"] = True
    when = _parse_at(at)
    with _store(db, lang, branch=branch, plugin=plugin, no_plugin=no_plugin) as store:
        expected = version if version is not None else store.get_demand(demand_id).version
        demand = store.transition(
            demand_id, chosen.value, actor, expected, at=when, note=note, **data
        )
    typer.echo(
        _t(
            "moved",
            lang,
            id=demand.demand_id,
            action=chosen.label(lang),
            state=demand.state.label(lang),
            version=demand.version,
        )
    )


@demands_app.command("generate")
def generate(
    *,
    year: Annotated[int, typer.Option("--year", help="年份 / year.")] = 2025,
    seed: Annotated[int, typer.Option("--seed", help="随机种子 / random seed.")] = 0,
    n: Annotated[int, typer.Option("--n", min=1, help="诉求件数 / demands.")] = 620,
    members: Annotated[
        int, typer.Option("--members", min=4, help="模拟会员人数 / made-up members.")
    ] = 5400,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="不显示进度 / no progress.")] = False,
    branch: BranchOption = None,
    plugin: PluginOpt = None,
    no_plugin: NoPluginOpt = None,
) -> None:
    """生成一年模拟诉求（经完整办理流程）/ Generate a made-up year of demands via the lifecycle."""
    from unionkit.demands.synthetic import generate_year, hospital_members, member_ids

    with _store(db, lang, create=True, branch=branch, plugin=plugin, no_plugin=no_plugin) as store:
        people = member_ids(members)
        missing = False
        for probe in (people[0], people[-1]):
            try:
                store.get_member(probe)
            except NotFound:
                missing = True
        if missing:
            added = store.add_members(hospital_members(members))
            typer.echo(_t("members_added", lang, n=format_count(added)), err=True)
        if quiet or not sys.stderr.isatty():
            made = generate_year(store, year, seed=seed, n_demands=n, members=people)
        else:
            from rich.progress import Progress

            with Progress(console=Console(stderr=True), transient=True) as bar:
                task = bar.add_task(_t("generating", lang), total=n)
                made = generate_year(
                    store,
                    year,
                    seed=seed,
                    n_demands=n,
                    members=people,
                    progress=lambda done, _total: bar.update(task, completed=done),
                )
    typer.echo(
        _t(
            "generated",
            lang,
            year=year,
            n=format_count(made.demands),
            events=format_count(made.events),
            db=_safe(_target(db)),
        )
    )


def _safe(target: str) -> str:
    """A database target fit to print: a URL loses its password."""
    if "://" not in target:
        return target
    from sqlalchemy.engine import make_url

    return make_url(target).render_as_string(hide_password=True)


def _write_atomic(path: Path, content: str) -> None:
    """Write *content* to *path* through a temporary file, so a crash never leaves half a file."""
    path = path.resolve()
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        apply_policy(tmp, personal=False)  # a masked, aggregate report: follows the umask
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _grades(value: str | None) -> list[Satisfaction] | None:
    if value is None:
        return None
    grades = []
    for part in value.replace("，", ",").split(","):
        if not part.strip():
            continue
        try:
            grades.append(Satisfaction(part.strip()))
        except ValueError:
            raise typer.BadParameter(
                f"unknown grade {part.strip()!r}; use very_satisfied, satisfied, "
                f"basically_satisfied, unsatisfied / 未知满意等级",
                param_hint="--satisfied-grades",
            ) from None
    if not grades:
        raise typer.BadParameter(
            "name at least one grade / 至少指定一个等级", param_hint="--satisfied-grades"
        )
    return grades


@report_app.command("demands")
def report_demands(
    *,
    year: Annotated[int | None, typer.Option("--year", help="年份 / year.")] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from", help="起始日（代替 --year，如 2025-01-01）/ first day, instead of --year."
        ),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="截止日（含）/ last day (included).")
    ] = None,
    db: DbOption = None,
    lang: LangOption = Lang.zh,
    markdown: Annotated[
        Path | None,
        typer.Option("--markdown", help="另存为 Markdown 文件 / also write Markdown here."),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="另存为带图表的 HTML 文件 / also write an HTML page with charts.",
        ),
    ] = None,
    closure_denominator: Annotated[
        Basis, typer.Option("--closure-denominator", help="办结率分母 / closure rate denominator.")
    ] = Basis.accepted,
    satisfied_grades: Annotated[
        str | None,
        typer.Option(
            "--satisfied-grades",
            help="计为满意的等级，逗号分隔（默认：非常满意、满意、基本满意）/ grades counted as "
            "satisfied, comma-separated (default: very_satisfied,satisfied,"
            "basically_satisfied).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="判断逾期的日期（默认统计期末）/ day to judge overdue on."),
    ] = None,
    branch: BranchOption = None,
    plugin: PluginOpt = None,
    no_plugin: NoPluginOpt = None,
) -> None:
    """诉求办理情况报告 / The demands report: figures, breakdowns, Markdown and HTML."""
    from unionkit.demands.synthetic import DEPARTMENT_NAMES
    from unionkit.reports import ClosureBasis, ReportPeriod, demand_figures
    from unionkit.reports._text import CATEGORY_NAMES
    from unionkit.reports.html import to_html
    from unionkit.reports.render import to_markdown, to_rich

    try:
        if year is not None and start is None and end is None:
            period = ReportPeriod.year(year)
        elif year is None and start is not None and end is not None:
            period = ReportPeriod(cli_date(start, "--from"), cli_date(end, "--to"))
        else:
            raise typer.BadParameter(_t("period", lang))
        judged = cli_date(as_of, "--as-of") if as_of is not None else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    grades = _grades(satisfied_grades)
    names = {**CATEGORY_NAMES, **DEPARTMENT_NAMES}
    with _store(db, lang, branch=branch, plugin=plugin, no_plugin=no_plugin) as store:
        kwargs: dict[str, Any] = {}
        if grades is not None:
            kwargs["satisfied_grades"] = grades
        figures = demand_figures(
            store,
            period,
            closure_basis=ClosureBasis(closure_denominator.value),
            as_of=judged,
            **kwargs,
        )
    Console(width=max(120, Console().width)).print(to_rich(figures, lang.value, names))
    try:
        if markdown is not None:
            _write_atomic(markdown, to_markdown(figures, lang.value, names))
            typer.echo(_t("wrote", lang, path=markdown), err=True)
        if html is not None:
            _write_atomic(html, to_html(figures, lang.value, names))
            typer.echo(_t("wrote", lang, path=html), err=True)
    except OSError as exc:
        _fail(f"{exc.filename}: {exc.strerror}")
