"""The year report from a generated year: every area, every basis, zh and en, three formats."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from unionkit.activities import ParticipationBasis
from unionkit.errors import NoData
from unionkit.models.activity import ActivityKind
from unionkit.reports.charts import chinese_font
from unionkit.reports.year import YearFigures, year_figures
from unionkit.reports.year_render import (
    md_escape,
    to_html,
    to_markdown,
    to_xlsx,
    year_charts,
    year_document,
)
from unionkit.store import Store, open_store
from unionkit.store.sample_year import BENEFIT_LABELS, DEPARTMENT_LABELS, generate_sample_year

NAMES = {**DEPARTMENT_LABELS, **BENEFIT_LABELS}


def _year(store: Store) -> YearFigures:
    made = generate_sample_year(store, 2025, members=400, demands=60)
    assert (400, 60, 42) == (made.members, made.demands, made.activities)
    return year_figures(store, 2025)


def test_a_generated_year_has_figures_in_every_area(store: Store) -> None:
    f = _year(store)

    a = f.activities
    associations = [g for g in a.groups if g.kind.value == "association"]
    contest = a.contests[0]
    assert 42 == a.count
    assert ParticipationBasis.ALL is a.participation.basis
    assert 400 == a.participation.denominator
    assert 0.8 < (a.participation.rate or 0) < 1
    assert (11, 727) == (len(associations), sum(g.members for g in associations))
    assert 23 == len([g for g in a.groups if g.kind.value == "small_home"])
    assert (10, 260) == (contest.events, contest.entrants)
    assert contest.awarded >= 20
    assert 10 == len(contest.winners)
    childcare = next(r for r in a.rows if r.kind is ActivityKind.CHILDCARE)
    assert childcare.registered <= 60
    assert 60 == f.demands.total.received
    money = {t.category: t for t in f.money.by_category}
    assert {
        "birthday",
        "festival_goods",
        "hardship_aid",
        "hospitalisation_subsidy",
        "other",
    } == set(money)
    assert (800, 400, Decimal("400000")) == (
        money["festival_goods"].grants,
        money["festival_goods"].members,
        money["festival_goods"].amount,
    )
    assert (Decimal("2200"), "spending.festival_total_cap", 0) == (
        money["festival_goods"].cap_per_member,
        money["festival_goods"].cap_rule,
        money["festival_goods"].over_cap,
    )
    # Per-member budgets of a 5,400-member year scaled to 400 members, to the thousand yuan.
    assert (Decimal("415000"), Decimal("15000")) == (
        money["festival_goods"].budget,
        money["festival_goods"].remaining,
    )
    hardship = money["hardship_aid"]  # two programmes' budgets, no grant booked yet
    assert (0, Decimal("200000"), True) == (
        hardship.grants,
        hardship.budget,
        hardship.budget_from_programmes,
    )
    assert Decimal("120000") == money["hospitalisation_subsidy"].budget  # the mid-year change
    assert (120, 12, 2) == (f.money.visits_done, f.money.hardship_entered, f.money.hardship_left)
    assert 2 == len(f.surveys.surveys)
    assert ["overall", "canteen", "mood"] == [c.question_id for c in f.surveys.changes]
    overall = f.surveys.changes[0].overall
    assert (400, 400) == (overall.n_before, overall.n_after)
    assert overall.low is not None
    assert overall.high is not None
    assert overall.low < (overall.difference or 0) < overall.high


def test_the_report_renders_in_both_languages_with_every_basis_stated(
    store: Store,
    tmp_path: Path,
) -> None:
    f = _year(store)
    zh = year_document(f, "zh", union="示范医院工会", names=NAMES)
    en = year_document(f, "en", union="Model Hospital <Union>", names=NAMES)

    md_zh, md_en = to_markdown(zh), to_markdown(en)
    page = to_html(en)
    buffer = io.BytesIO()
    to_xlsx(zh, buffer)

    assert all(line.basis for s in zh.sections for line in s.lines)
    assert "# 示范医院工会2025年度工作数据报告" in md_zh
    assert "参加人数 ÷ 全体在册会员数" in md_zh
    assert "已答复数（含答复后因不满意重新办理的）÷ 收到数" in md_zh
    assert "participants ÷ all active members" in md_en
    assert "Model Hospital \\<Union\\>" in md_en
    assert "Model Hospital &lt;Union&gt;" in page
    assert "<Union>" not in page
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
    tables = sum(len(s.tables) for s in zh.sections)
    assert 1 + tables == len(book.sheet_names)
    first = book.get_sheet_by_index(0).to_python()
    assert "示范医院工会2025年度工作数据报告" == first[0][0]


@pytest.mark.skipif(chinese_font() is None, reason="no Chinese font (tools/test installs it)")
def test_chinese_charts_use_chinese_labels_and_land_in_the_page(store: Store) -> None:
    f = _year(store)

    charts, lang, notes = year_charts(f, "zh", NAMES)
    page = to_html(year_document(f, "zh", names=NAMES), charts, chart_notes=notes)

    assert "zh" == lang
    assert [] == notes
    assert {"kinds", "money", "survey-overall", "survey-canteen"} <= {c.key for c in charts}
    assert 'id="chart-survey-overall"' in page
    assert "各部门满意率变化：您对工会工作的总体满意度" in page


def test_a_union_brands_the_page_with_its_own_template(store: Store, tmp_path: Path) -> None:
    f = _year(store)
    template = tmp_path / "ours.html.j2"
    template.write_text(
        "<h1>{{ doc.union }}</h1>{% for s in doc.sections %}<p>{{ s.title }}</p>{% endfor %}",
        encoding="utf-8",
    )

    page = to_html(year_document(f, "zh", union="<b>工会</b>"), template=template)

    assert "<h1>&lt;b&gt;工会&lt;/b&gt;</h1><p>职工诉求</p>" in page


def test_a_year_without_any_record_is_refused_with_a_clear_message(store: Store) -> None:
    with pytest.raises(NoData, match="2019"):
        year_figures(store, 2019)


def test_the_generated_year_is_the_same_for_the_same_seed(tmp_path: Path) -> None:
    texts = []
    for name in ("a.db", "b.db"):
        with open_store(tmp_path / name) as store:
            generate_sample_year(store, 2024, members=300, demands=30, seed=7)
            texts.append(to_markdown(year_document(year_figures(store, 2024), "en")))

    assert texts[0] == texts[1]


def test_markdown_escaping_leaves_no_active_syntax() -> None:
    assert "a\\|b \\*x\\* \\[l\\]\\(u\\) \\<script\\> \\`c\\` \\_u\\_" == md_escape(
        "a|b *x* [l](u) <script> `c` _u_"
    )
    assert "two lines" == md_escape("two\nlines")


def test_ledger_money_nets_reversals_and_counts_members_over_a_yearly_cap(store: Store) -> None:
    from datetime import date

    from unionkit.models import Benefit, Member
    from unionkit.models.benefit import Grant
    from unionkit.reports.money_section import LedgerMoney
    from unionkit.store import define_benefits, reverse_grant

    store.add_members([Member(member_id=m, name="职工") for m in ("A", "B")])
    define_benefits(
        store,
        [
            Benefit(
                benefit_id="spring",
                kind="festival_goods",
                name_zh="春节",
                name_en="spring",
                festival="spring",
            )
        ],
    )
    # Written past the ledger's checks (as an old system's import would), so a breach shows.
    store.add_grants(
        [
            Grant(
                grant_id=f"g{i}",
                benefit_id="spring",
                member_id=m,
                amount=Decimal(amount),
                granted_on=date(2025, 1, 20 + i),
                reason="春节",
            )
            for i, (m, amount) in enumerate(
                (("A", "1500"), ("A", "1000"), ("A", "400"), ("B", "300"))
            )
        ]
    )
    reverse_grant(store, "g2", on=date(2025, 2, 1), reason="重复发放", actor="union-office")

    totals = LedgerMoney(store).grant_totals(date(2025, 1, 1), date(2025, 12, 31))

    assert [("festival_goods", 4, 2, Decimal("2800"), 1)] == [
        (t.category, t.grants, t.members, t.amount, t.over_cap) for t in totals
    ]
