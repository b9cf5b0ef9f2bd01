"""Jupyter support: small HTML reprs, a roster import that does not dump its members, CJK fonts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pytest

from unionkit.io import members_to_columns, read_roster
from unionkit.models import Member
from unionkit.rulefiles import standard_ruleset
from unionkit.rules import Parameters
from unionkit.rules.whatif import what_if

ROOT = Path(__file__).parents[1]
AS_OF = date(2025, 6, 1)


def _person(member_id: str, name: str, income: int, **more: Any) -> Member:
    return Member(
        member_id=member_id,
        name=name,
        annual_income=Decimal(income),
        rigid_spending=Decimal(0),
        **more,
    )


ROSTER = members_to_columns(
    [
        _person("A", "张三", 12_000, household_id="H1", sick_leave_days=0),
        _person("B", "李四", 500_000, household_id="H2", sick_leave_days=0),
        _person("C", "王五", 0, household_id="H1", is_member=False),
    ]
)


def test_a_roster_import_shows_counts_not_members() -> None:
    result = read_roster(ROOT / "examples" / "roster.csv")

    text, page = repr(result), result._repr_html_()

    assert len(text) < 200 and len(page) < 20_000
    assert f"{len(result.members):,} valid rows" in text
    assert f"{len(result.errors):,}" in page
    for member in result.members[:50]:
        assert member.name not in page and member.name not in text


def test_the_rule_set_lists_every_rule_with_its_labels() -> None:
    rs = standard_ruleset()

    page = rs._repr_html_()

    for rule in rs.rules.values():
        assert f"<td>{rule.name}</td>" in page and rule.label_zh in page


def test_results_show_counts_and_totals_per_rule() -> None:
    batch = standard_ruleset().evaluate(ROSTER, AS_OF, ["low_income_hardship", "subsidy_amount"])

    page = batch._repr_html_()

    # A alone in H1 with the relative C: 12,000 / 12 / 2 = 500 a month, under the line;
    # B earns far above it. C is a relative: never eligible.
    assert "是 yes: 1" in page
    assert "3 人 / people" in page


def test_a_what_if_shows_who_gains_and_the_totals() -> None:
    rs = standard_ruleset()
    lower = Parameters.from_mapping(
        {"hardship.income_threshold": {"unit": "yuan", "values": {"2020-01-01": 100}}},
        source="test",
    )

    report = what_if(rs, ROSTER, AS_OF, lower, rules=["low_income_hardship"])
    page = report._repr_html_()

    assert report.losses["low_income_hardship"] == ("A",)
    assert "<td>-1</td>" in page and "subsidy_amount" in page


def test_use_chinese_font_registers_an_installed_cjk_font() -> None:
    pytest.importorskip("matplotlib")
    import matplotlib as mpl

    from unionkit.reports.fonts import find_chinese_font_file, use_chinese_font

    with pytest.raises(FileNotFoundError, match="fonts-noto-cjk"):
        use_chinese_font(ROOT / "no-such-font.ttc")
    if find_chinese_font_file() is None:
        pytest.skip("no CJK font installed (tools/test installs fonts-noto-cjk)")

    family = use_chinese_font()

    assert "CJK" in family or "Noto" in family
    assert family == mpl.rcParams["font.sans-serif"][0]
    assert mpl.rcParams["axes.unicode_minus"] is False


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_results_from_a_frame_are_written_as_from_arrays(
    kind: Literal["pandas", "polars"], tmp_path: Path
) -> None:
    from unionkit.io import to_frame
    from unionkit.io.evaluation import write_results

    members = read_roster(ROOT / "examples" / "roster.csv").members[:200]
    rs = standard_ruleset()
    names = ["age", "hardship_eligible", "subsidy_amount", "per_capita_monthly_income"]
    arrays = rs.evaluate(members_to_columns(members), AS_OF, names)
    frame = rs.evaluate(to_frame(members, kind), AS_OF, names)

    a = write_results(tmp_path / "a.csv", arrays, rs, members)
    b = write_results(tmp_path / f"{kind}.csv", frame, rs, members)

    assert a.read_text(encoding="utf-8-sig") == b.read_text(encoding="utf-8-sig")
