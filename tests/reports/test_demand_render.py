"""The demand report as Markdown, terminal tables and a self-contained HTML page with charts."""

from __future__ import annotations

import base64
import re
import sys
import warnings

import pytest
from attrs import evolve
from rich.console import Console

from unionkit.models.demand import Satisfaction
from unionkit.reports import charts as charts_module
from unionkit.reports.charts import chinese_font, demand_charts
from unionkit.reports.demands import ClosureBasis, DemandFigures
from unionkit.reports.html import to_html
from unionkit.reports.render import summary_lines, to_markdown, to_rich

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_summary_states_the_closure_basis_and_counted_grades_in_both_languages(
    figures: DemandFigures,
) -> None:
    zh = dict(summary_lines(figures, "zh"))
    en = dict(summary_lines(figures, "en"))

    # 8 closed of 9 handled (the rejected one is not handled); 6 of 8 ratings not "unsatisfied".
    assert zh["办结率"].startswith("88.9% (8 / 9; 口径：办结数 ÷ 受理数)")
    assert en["Closure rate"].startswith("88.9% (8 / 9; basis: closed ÷ accepted")
    assert "非常满意、满意、基本满意" in zh["满意率"]
    assert en["Satisfaction rate"].startswith("75.0% (6 of 8 ratings")
    assert ("1", "1") == (zh["职代会提案"], zh["其中列为重点督办"])


def test_other_bases_and_grades_change_what_the_report_says(figures: DemandFigures) -> None:
    other = evolve(
        figures,
        closure_basis=ClosureBasis.RECEIVED,
        satisfied_grades=(Satisfaction.VERY_SATISFIED,),
    )

    assert "口径：办结数 ÷ 收到数" in dict(summary_lines(other, "zh"))["办结率"]
    assert (
        "counted as satisfied: very satisfied)"
        in dict(summary_lines(other, "en"))["Satisfaction rate"]
    )


def test_markdown_has_every_section_and_escapes_nothing_into_broken_tables(
    figures: DemandFigures,
) -> None:
    md = to_markdown(figures, "zh")
    headings = re.findall(r"^## (.+)$", md, flags=re.M)

    assert md.startswith("# 2025年职工诉求办理情况\n")
    assert [
        "总体情况",
        "按类型",
        "按类别",
        "按承办部门",
        "满意度评价分布",
        "按月收到与办结",
    ] == headings
    assert "| 停车难 | 4 |" in md  # a category without a known label prints as stored
    assert "| 食堂餐饮 | 5 |" in md
    for line in md.splitlines():
        if line.startswith("|"):
            assert line.endswith("|")
    assert "# Member demands, 2025" in to_markdown(figures, "en")


def test_unknown_language_is_refused(figures: DemandFigures) -> None:
    with pytest.raises(ValueError, match="'fr'"):
        to_markdown(figures, "fr")


def test_terminal_tables_show_the_figures(figures: DemandFigures) -> None:
    console = Console(record=True, width=160)
    console.print(to_rich(figures, "en"))
    out = console.export_text()

    assert "Member demands, 2025" in out
    assert "88.9%" in out
    assert "By department" in out and "后勤保障处" in out


def test_html_is_self_contained_with_four_png_charts(figures: DemandFigures) -> None:
    page = to_html(figures, "zh")
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)

    assert 4 == len(images)
    assert all(base64.b64decode(i).startswith(PNG_MAGIC) for i in images)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert '<html lang="zh-CN">' in page
    assert "88.9%" in page


def test_html_without_matplotlib_says_it_has_no_charts(
    figures: DemandFigures, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)

    page = to_html(figures, "en")

    assert "data:image/png" not in page
    assert "matplotlib (unionkit[viz]) is not installed" in page


def test_without_a_chinese_font_charts_use_english_and_the_page_says_so(
    figures: DemandFigures, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts_module, "chinese_font", lambda: None)

    charts = demand_charts(figures, "zh")
    page = to_html(figures, "zh")

    assert "en" == charts.lang
    assert [
        "Received and closed by category",
        "Received and closed by department",
        "Satisfaction ratings",
        "Received and closed by month",
    ] == [c.title for c in charts.charts]
    assert "图表使用英文标注" in page


@pytest.mark.skipif(chinese_font() is None, reason="no Chinese font installed (fonts-noto-cjk)")
def test_chinese_charts_draw_every_glyph(figures: DemandFigures) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts = demand_charts(figures, "zh")

    assert "zh" == charts.lang
    assert [] == [str(w.message) for w in caught if "missing from" in str(w.message)]
