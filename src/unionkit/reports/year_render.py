"""The year report as a document, and that document as Markdown, HTML (Jinja2) and Excel."""

from __future__ import annotations

import base64
import io
import os
import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from attrs import frozen

from unionkit.models.benefit import BenefitKind
from unionkit.reports._text import CATEGORY_NAMES, Lang, check_lang, name_of
from unionkit.reports._year_text import ytext
from unionkit.reports.charts import Chart
from unionkit.reports.demands import ANSWER_BASIS, format_rate
from unionkit.reports.money_section import GrantTotal, MoneyFigures
from unionkit.reports.render import Table, breakdown_tables
from unionkit.reports.year import YearFigures
from unionkit.surveys import Change

__all__ = [
    "Line",
    "Section",
    "YearDocument",
    "md_escape",
    "to_html",
    "to_markdown",
    "to_xlsx",
    "year_charts",
    "year_document",
]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!|<>~&])")


def md_escape(value: str) -> str:
    """Escape *value* for Markdown: every special character is literal, newlines are spaces."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(value.split()))


@frozen
class Line:
    """One headline figure: a label, its value, and the basis it was computed on."""

    label: str
    value: str
    basis: str


@frozen
class Section:
    """One area of the report: its figures, tables and chart keys."""

    key: str
    title: str
    lines: tuple[Line, ...]
    tables: tuple[Table, ...]


@frozen
class YearDocument:
    """
    The year report in one language, ready for any renderer.

    .. versionadded:: 0.1.0
    """

    title: str
    union: str
    lang: Lang
    sections: tuple[Section, ...]
    notes: tuple[str, ...]


def _yuan(amount: Decimal | None, lang: Lang) -> str:
    if amount is None:
        return ytext("not_recorded", lang)
    return f"{amount.quantize(Decimal('0.01')):,}"


def _pct(value: float | None, lang: Lang) -> str:
    return ytext("not_recorded", lang) if value is None else f"{value:.1f}%"


def _signed(value: float, key: str, lang: Lang) -> str:
    return ytext(key, lang, sign="+" if value >= 0 else "−", v=f"{abs(value):.1f}")


def _change_cells(c: Change, rate: bool, lang: Lang) -> tuple[str, str, str, str, str, str]:
    def fmt(v: float | None) -> str:
        if rate:
            return _pct(v, lang)
        return ytext("not_recorded", lang) if v is None else f"{v:.1f}"

    key = "points" if rate else "score_points"
    diff = ytext("not_recorded", lang) if c.difference is None else _signed(c.difference, key, lang)
    ci = (
        ytext("not_recorded", lang)
        if c.low is None or c.high is None
        else f"{c.low:+.1f} … {c.high:+.1f}"
    )
    verdict = ytext("beyond_noise" if c.beyond_noise else "within_noise", lang)
    return fmt(c.before), fmt(c.after), diff, ci, f"{c.n_before} / {c.n_after}", verdict


def year_document(
    figures: YearFigures,
    lang: str = "zh",
    *,
    union: str | None = None,
    names: Mapping[str, tuple[str, str]] | None = None,
) -> YearDocument:
    """
    Lay the year's figures out as sections of (label, value, basis) lines and tables.

    Args:
        figures: The computed figures.
        lang: ``"zh"`` or ``"en"``.
        union: The union's name for the title (a union brands its report with it).
        names: Display names ``{key: (zh, en)}`` for categories, departments, benefits.

    Returns:
        The document.

    .. versionadded:: 0.1.0
    """
    lg = check_lang(lang)
    labels = {
        **{k.value: (k.label_zh, k.label_en) for k in BenefitKind},
        **CATEGORY_NAMES,
        **(names or {}),
    }
    who = union or ytext("union_default", lg)
    year = figures.year
    return YearDocument(
        ytext("title", lg, union=who, year=year),
        who,
        lg,
        (
            _demands(figures, lg, labels),
            _activities(figures, lg),
            _money(figures, lg, labels),
            _surveys(figures, lg, labels),
        ),
        (ytext("generated_by", lg),),
    )


def _demands(f: YearFigures, lg: Lang, labels: Mapping[str, tuple[str, str]]) -> Section:
    d, t = f.demands, f.demands.total
    grades = ("、" if lg == "zh" else ", ").join(g.label(lg) for g in d.satisfied_grades)
    counted = "计为满意：" if lg == "zh" else "counted as satisfied: "
    lines = (
        Line(ytext("received", lg), str(t.received), ytext("received_basis", lg, year=f.year)),
        Line(ytext("closed", lg), str(t.closed), ytext("count_basis", lg)),
        Line(
            ytext("closure_rate", lg),
            format_rate(t.closure_numerator, t.closure_denominator, lg),
            f"{t.closure_numerator} / {t.closure_denominator}; {d.closure_basis.label(lg)}",
        ),
        Line(
            ytext("answer_rate", lg),
            format_rate(t.answered, t.received, lg),
            f"{t.answered} / {t.received}; {ANSWER_BASIS[0 if lg == 'zh' else 1]}",
        ),
        Line(
            ytext("on_time_rate", lg),
            format_rate(t.on_time, t.on_time_base, lg),
            f"{t.on_time} / {t.on_time_base}; {ytext('on_time_basis', lg)}",
        ),
        Line(
            ytext("satisfaction_rate", lg),
            format_rate(t.satisfied, t.rated, lg),
            f"{t.satisfied} / {t.rated}; {counted}{grades}",
        ),
        Line(ytext("proposals", lg), str(t.proposals), ytext("count_basis", lg)),
        Line(ytext("key_proposals", lg), str(t.key_supervised_proposals), ytext("count_basis", lg)),
    )
    return Section(
        "demands", ytext("s_demands", lg), lines, tuple(breakdown_tables(d, lg, labels)[:3])
    )


def _activities(f: YearFigures, lg: Lang) -> Section:
    a = f.activities
    p = a.participation
    assoc = [g for g in a.groups if g.kind.value == "association"]
    homes = [g for g in a.groups if g.kind.value == "small_home"]
    day = f.period.end.isoformat()
    lines = [
        Line(ytext("activities", lg), str(a.count), ytext("activities_basis", lg, year=f.year)),
        Line(
            ytext("participation", lg),
            format_rate(p.numerator, p.denominator, lg),
            f"{p.numerator} / {p.denominator}; {p.basis.label(lg)}",
        ),
    ]
    for key, found in (("associations", assoc), ("small_homes", homes)):
        lines.append(
            Line(
                ytext(key, lg),
                ytext("associations_value", lg, n=len(found), m=sum(g.members for g in found)),
                ytext("groups_basis", lg, day=day),
            )
        )
    for c in a.contests:
        lines.append(
            Line(
                ytext("contest", lg, title=c.title),
                ytext(
                    "contest_value",
                    lg,
                    events=c.events,
                    entrants=c.entrants,
                    awarded=c.awarded,
                    amount=_yuan(c.award_amount, lg),
                ),
                ytext(
                    "contest_basis",
                    lg,
                    ranking=f.ranking.label(lg),
                    dropped=ytext("dropped_yes" if f.drop_extremes else "dropped_no", lg),
                ),
            )
        )
    tables = [
        Table(
            ytext("t_kinds", lg),
            (ytext("h_kind", lg), ytext("h_count", lg)),
            tuple((k.label(lg), str(n)) for k, n in a.by_kind),
        ),
        Table(
            ytext("t_activities", lg),
            tuple(
                ytext(h, lg)
                for h in (
                    "h_title",
                    "h_kind",
                    "h_organiser",
                    "h_date",
                    "h_registered",
                    "h_waitlisted",
                    "h_attended",
                    "h_rate",
                )
            ),
            tuple(
                (
                    r.title,
                    r.kind.label(lg),
                    r.organiser.label(lg),
                    r.starts_on.isoformat(),
                    str(r.registered),
                    str(r.waitlisted),
                    str(r.attended),
                    format_rate(r.participation.numerator, r.participation.denominator, lg),
                )
                for r in a.rows
            ),
        ),
        Table(
            ytext("t_groups", lg),
            (ytext("h_group", lg), ytext("h_kind", lg), ytext("h_members", lg)),
            tuple((g.name, g.kind.label(lg), str(g.members)) for g in a.groups),
        ),
    ]
    winners = [(c.title, name, p) for c in a.contests for name, p in c.winners]
    if winners:
        tables.append(
            Table(
                ytext("t_winners", lg),
                tuple(
                    ytext(h, lg) for h in ("h_title", "h_event", "h_member", "h_score", "h_judges")
                ),
                tuple(
                    (title, name, p.member_id, str(p.score), str(p.judges))
                    for title, name, p in winners
                ),
            )
        )
    return Section("activities", ytext("s_activities", lg), tuple(lines), tuple(tables))


def _share(part: Decimal, whole: Decimal, lg: Lang) -> str:
    """Spent over budget as a percentage, one decimal, half up (``无`` for a zero budget)."""
    if not whole:
        return "无" if lg == "zh" else "—"
    pct = (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{pct}%"


def _cap_cell(t: GrantTotal, lg: Lang) -> str:
    kind = "cap_yearly" if t.cap_yearly else "cap_event"
    return ytext(kind, lg, amount=_yuan(t.cap_per_member or Decimal(0), lg))


def _cap_rules(m: MoneyFigures, lg: Lang) -> str:
    rules = sorted({t.cap_rule for t in m.by_category if t.cap_rule})
    return ", ".join(rules) if rules else ytext("not_recorded", lg)


def _money(f: YearFigures, lg: Lang, labels: Mapping[str, tuple[str, str]]) -> Section:
    m = f.money
    source = ytext("source_basis", lg, source=m.source[0 if lg == "zh" else 1])
    missing = ytext("not_recorded", lg)
    files = missing if m.hardship_entered is None else f"{m.hardship_entered} / {m.hardship_left}"
    lines: tuple[Line, ...] = (
        Line(
            ytext("grants", lg),
            ytext("grants_value", lg, n=m.grants, amount=_yuan(m.total, lg)),
            source,
        ),
        Line(
            ytext("pending", lg),
            ytext(
                "pending_value",
                lg,
                n=sum(t.pending_grants for t in m.by_category),
                amount=_yuan(sum((t.pending for t in m.by_category), Decimal(0)), lg),
            ),
            ytext("pending_basis", lg),
        ),
        Line(ytext("visits", lg), missing if m.visits_done is None else str(m.visits_done), source),
        Line(ytext("hardship", lg), files, source),
    )
    table = Table(
        ytext("t_money", lg),
        tuple(
            ytext(h, lg)
            for h in (
                "h_category",
                "h_grants",
                "h_people",
                "h_amount",
                "h_pending",
                "h_budget",
                "h_remaining",
                "h_used",
                "h_cap",
                "h_over_cap",
            )
        ),
        tuple(
            (
                name_of(t.category, lg, labels, "none_category"),
                str(t.grants),
                str(t.members),
                _yuan(t.amount, lg),
                _yuan(t.pending, lg),
                missing if t.budget is None else _yuan(t.budget, lg),
                missing if t.remaining is None else _yuan(t.remaining, lg),
                missing if t.budget is None else _share(t.amount, t.budget, lg),
                missing if t.cap_per_member is None else _cap_cell(t, lg),
                missing if t.over_cap is None else str(t.over_cap),
            )
            for t in m.by_category
        ),
    )
    budgeted = [t for t in m.by_category if t.budget is not None]
    sources = sorted({src for t in budgeted for src in t.budget_sources})
    lines += (
        Line(
            ytext("budget_line", lg),
            ytext(
                "budget_value",
                lg,
                spent=_yuan(sum((t.amount for t in budgeted), Decimal(0)), lg),
                budget=_yuan(sum((t.budget or Decimal(0) for t in budgeted), Decimal(0)), lg),
            )
            if budgeted
            else missing,
            ytext(
                "budget_basis",
                lg,
                sources="；".join(sources) if lg == "zh" else "; ".join(sources),
            )
            if budgeted
            else ytext("budget_none", lg),
        ),
        Line(ytext("caps_line", lg), ytext("caps_value", lg, rules=_cap_rules(m, lg)), source),
    )
    return Section("money", ytext("s_money", lg), lines, (table,))


def _method(method: str, lg: Lang) -> str:
    """The interval's method, named in the report's language."""
    if method.startswith("Newcombe"):
        return ytext("method_newcombe", lg)
    if method.startswith("Welch"):
        return ytext("method_welch", lg)
    return method


def _surveys(f: YearFigures, lg: Lang, labels: Mapping[str, tuple[str, str]]) -> Section:
    s = f.surveys
    lines: list[Line] = []
    for row in s.surveys:
        for q in row.questions:
            text = q.text_zh if lg == "zh" else q.text_en
            if q.satisfaction is not None:
                r = q.satisfaction
                ci = r.interval
                wilson = (
                    ""
                    if ci is None
                    else ytext(
                        "wilson_basis", lg, low=f"{ci[0] * 100:.1f}", high=f"{ci[1] * 100:.1f}"
                    )
                )
                lines.append(
                    Line(
                        ytext("survey_rate", lg, survey=row.title, question=text),
                        format_rate(r.satisfied, r.answered, lg),
                        r.basis(lg) + wilson,
                    )
                )
            elif q.mean.mean is not None:
                half = q.mean.half_width
                lines.append(
                    Line(
                        ytext("survey_mean", lg, survey=row.title, question=text),
                        f"{q.mean.mean:.1f}",
                        ytext(
                            "mean_basis",
                            lg,
                            n=q.mean.n,
                            half="—" if half is None else f"{half:.1f}",
                        ),
                    )
                )
    tables: list[Table] = []
    for c in s.changes:
        text = c.text_zh if lg == "zh" else c.text_en
        rate = c.overall is not c.mean
        before, after, diff, _ci, _n, verdict = _change_cells(c.overall, rate, lg)
        lines.append(
            Line(
                ytext("change", lg, question=text),
                ytext("change_value", lg, before=before, after=after, diff=diff),
                ytext(
                    "change_basis",
                    lg,
                    earlier=c.before_survey,
                    later=c.after_survey,
                    nb=c.overall.n_before,
                    na=c.overall.n_after,
                    low="—" if c.overall.low is None else f"{c.overall.low:+.1f}",
                    high="—" if c.overall.high is None else f"{c.overall.high:+.1f}",
                    verdict=verdict,
                    method=_method(c.overall.method, lg),
                ),
            )
        )
        if c.by_department:
            tables.append(
                Table(
                    ytext("t_change", lg, question=text),
                    tuple(
                        ytext(h, lg)
                        for h in (
                            "h_department",
                            "h_before",
                            "h_after",
                            "h_change",
                            "h_ci",
                            "h_n",
                            "h_verdict",
                        )
                    ),
                    tuple(
                        (name_of(d.key, lg, labels, "none_category"), *_change_cells(d, rate, lg))
                        for d in c.by_department
                    ),
                )
            )
    return Section("surveys", ytext("s_surveys", lg), tuple(lines), tuple(tables))


# --- Markdown ---


def _md_table(table: Table) -> list[str]:
    out = [
        "| " + " | ".join(md_escape(h) for h in table.headers) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(table.headers))) + "|",
    ]
    out += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in table.rows]
    return out


def to_markdown(doc: YearDocument) -> str:
    """
    The report as Markdown; every inserted text is escaped, so stored names cannot inject
    links, HTML or table breaks.

    .. versionadded:: 0.1.0
    """
    lg = doc.lang
    lines = [f"# {md_escape(doc.title)}", ""]
    for section in doc.sections:
        lines += [f"## {md_escape(section.title)}", ""]
        lines += _md_table(
            Table(
                "",
                (ytext("figure", lg), ytext("value", lg), ytext("basis", lg)),
                tuple((x.label, x.value, x.basis) for x in section.lines),
            )
        )
        for table in section.tables:
            lines += ["", f"### {md_escape(table.title)}", ""]
            lines += _md_table(table)
        lines.append("")
    lines += [f"- {md_escape(n)}" for n in doc.notes]
    return "\n".join(lines) + "\n"


# --- Charts ---


def year_charts(
    figures: YearFigures, lang: str = "zh", names: Mapping[str, tuple[str, str]] | None = None
) -> tuple[list[Chart], Lang, list[str]]:
    """
    The year's charts: demands (as the demand report draws them), activities by kind, grants
    by category, and satisfaction by department before and after.

    Chinese labels need a CJK font (found even with a stale matplotlib cache); without
    one a Chinese report's charts use English labels and a note says so.

    Returns:
        The charts, the language their labels use, and notes.

    Raises:
        ImportError: matplotlib (``unionkit[viz]``) is not installed.

    .. versionadded:: 0.1.0
    """
    import matplotlib
    from matplotlib.figure import Figure

    from unionkit.reports.charts import _png, chinese_font, demand_charts

    lg = check_lang(lang)
    labels = {**CATEGORY_NAMES, **(names or {})}
    drawn = demand_charts(figures.demands, lg, labels)
    chart_lang = drawn.lang
    family = chinese_font() if chart_lang == "zh" else None
    charts = list(drawn.charts)
    with matplotlib.rc_context(
        {
            "font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"],
            "axes.unicode_minus": False,
        }
    ):
        kinds = figures.activities.by_kind
        if kinds:
            title = ytext("chart_kinds", chart_lang)
            fig = Figure(figsize=(7, 3.2), layout="constrained")
            ax = fig.subplots()
            ax.bar([k.label(chart_lang) for k, _ in kinds], [n for _, n in kinds], color="#4C72B0")
            ax.set_title(title)
            ax.tick_params(axis="x", rotation=30)
            charts.append(Chart("kinds", title, _png(fig)))
        money = figures.money.by_category
        if money:
            title = ytext("chart_money", chart_lang)
            fig = Figure(figsize=(7, 0.9 + 0.4 * len(money)), layout="constrained")
            ax = fig.subplots()
            ax.barh(
                [name_of(t.category, chart_lang, labels, "none_category") for t in money],
                [float(t.amount) for t in money],
                color="#55A868",
            )
            ax.invert_yaxis()
            ax.set_title(title)
            charts.append(Chart("money", title, _png(fig)))
        for c in figures.surveys.changes:
            if c.overall is c.mean or not c.by_department:
                continue
            text = c.text_zh if chart_lang == "zh" else c.text_en
            title = ytext("chart_survey", chart_lang, question=text)
            fig = Figure(figsize=(7, 3.4), layout="constrained")
            ax = fig.subplots()
            depts = [name_of(d.key, chart_lang, labels, "none_category") for d in c.by_department]
            x = list(range(len(depts)))
            ax.bar(
                [v - 0.2 for v in x],
                [d.before or 0 for d in c.by_department],
                width=0.4,
                label=ytext("h_before", chart_lang),
                color="#8C8C8C",
            )
            ax.bar(
                [v + 0.2 for v in x],
                [d.after or 0 for d in c.by_department],
                width=0.4,
                label=ytext("h_after", chart_lang),
                color="#4C72B0",
            )
            ax.set_xticks(x, depts, rotation=20, ha="right")
            ax.set_ylim(max(0.0, min((d.before or 0) for d in c.by_department) - 10), 100)
            ax.set_title(title)
            ax.legend(loc="lower right")
            charts.append(Chart(f"survey-{c.question_id}", title, _png(fig)))
    return charts, chart_lang, list(drawn.notes)


# --- HTML ---

_CHART_SECTIONS = {
    "category": "demands",
    "department": "demands",
    "ratings": "demands",
    "monthly": "demands",
    "kinds": "activities",
    "money": "money",
    "survey": "surveys",
}


def to_html(
    doc: YearDocument,
    charts: Sequence[Chart] = (),
    *,
    chart_notes: Sequence[str] = (),
    template: str | os.PathLike[str] | None = None,
) -> str:
    """
    The report as one self-contained HTML page from a Jinja2 template (autoescaped).

    Args:
        doc: The document.
        charts: PNG charts to embed (see :func:`year_charts`).
        chart_notes: Notes about the charts (e.g. English labels for lack of a font).
        template: A union's own template file; the packaged ``year.html.j2`` by default.
            It receives ``doc``, ``charts`` (``key``, ``title``, ``data`` base64) and ``notes``.

    Returns:
        The page.

    .. versionadded:: 0.1.0
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    path = (
        Path(template)
        if template is not None
        else Path(__file__).with_name("templates") / "year.html.j2"
    )
    env = Environment(
        loader=FileSystemLoader(str(path.parent)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )
    page = env.get_template(path.name)
    embedded: dict[str, list[dict[str, str]]] = {}
    for c in charts:
        embedded.setdefault(_CHART_SECTIONS.get(c.key.split("-")[0], "surveys"), []).append(
            {"key": c.key, "title": c.title, "data": base64.b64encode(c.png).decode("ascii")}
        )
    return page.render(
        doc=doc,
        charts=embedded,
        notes=[*doc.notes, *chart_notes],
        labels={k: ytext(k, doc.lang) for k in ("figure", "value", "basis")},
    )


# --- Excel ---

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def to_xlsx(doc: YearDocument, target: str | os.PathLike[str] | io.BytesIO) -> None:
    """
    The report as an Excel workbook: a sheet of headline figures, then one sheet per table.

    Cells are written as strings or numbers, never formulas (xlsxwriter's ``write_string``),
    so stored text cannot inject a formula.

    .. versionadded:: 0.1.0
    """
    import xlsxwriter

    book = xlsxwriter.Workbook(
        target if isinstance(target, io.BytesIO) else os.fspath(target),
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    bold = book.add_format({"bold": True})
    used: set[str] = set()

    def sheet_name(title: str) -> str:
        base = _SHEET_BAD.sub(" ", title).strip()[:28] or "sheet"
        name, n = base, 1
        while name.casefold() in used:
            n += 1
            name = f"{base[:26]}~{n}"
        used.add(name.casefold())
        return name

    lg = doc.lang
    summary = book.add_worksheet(sheet_name(ytext("figure", lg)))
    summary.write_string(0, 0, doc.title, bold)
    row = 2
    for section in doc.sections:
        summary.write_string(row, 0, section.title, bold)
        row += 1
        for x in section.lines:
            for col, value in enumerate((x.label, x.value, x.basis)):
                summary.write_string(row, col, value)
            row += 1
        row += 1
    summary.set_column(0, 0, 36)
    summary.set_column(1, 1, 28)
    summary.set_column(2, 2, 60)
    for section in doc.sections:
        for table in section.tables:
            sheet = book.add_worksheet(sheet_name(table.title))
            for col, header in enumerate(table.headers):
                sheet.write_string(0, col, header, bold)
            for r, cells in enumerate(table.rows, 1):
                for col, cell in enumerate(cells):
                    if re.fullmatch(r"-?\d+", cell):
                        sheet.write_number(r, col, int(cell))
                    else:
                        sheet.write_string(r, col, cell)
            sheet.set_column(0, len(table.headers) - 1, 16)
    book.close()
