"""Stored category and department names are text in every report format, never markup."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from store_support import MONDAY
from unionkit.cli.app import app
from unionkit.models import Member
from unionkit.reports import ReportPeriod, demand_figures
from unionkit.reports.html import to_html
from unionkit.reports.render import to_markdown
from unionkit.store import open_store

SCRIPT = "<script>alert(1)</script>"
HOSTILE_CATEGORIES = [SCRIPT, "**bold** [x](javascript:1)|", "$\\frac{$"]


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "report.db"
    with open_store(path) as store:
        store.add_members([Member(member_id="M1", name="张三")])
        for i, category in enumerate(HOSTILE_CATEGORIES):
            store.submit_demand(
                member_id="M1", kind="request", title="t", content="c", demand_id=f"D{i}", at=MONDAY
            )
            store.transition(
                f"D{i}",
                "accept",
                "office",
                1,
                at=MONDAY,
                category=category,
                department=f"<b>{i}</b>",
            )
    return str(path)


def test_markdown_escapes_html_and_markdown_syntax(db: str) -> None:
    with open_store(db) as store:
        figures = demand_figures(store, ReportPeriod.year(2026), as_of=date(2026, 12, 31))

    text = to_markdown(figures, "en", names={})

    assert SCRIPT not in text and "&lt;script&gt;" in text
    assert "<b>" not in text
    assert "\\*\\*bold\\*\\*" in text and "\\[x\\]" in text
    table_rows = [line for line in text.splitlines() if "bold" in line]
    assert all(line.count(" | ") == 9 for line in table_rows)


def test_html_escapes_and_charts_draw_names_with_dollar_signs(db: str) -> None:
    pytest.importorskip("matplotlib")
    with open_store(db) as store:
        figures = demand_figures(store, ReportPeriod.year(2026), as_of=date(2026, 12, 31))

    page = to_html(figures, "en", names={})

    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert "<b>0</b>" not in page


def test_report_command_writes_escaped_files(db: str, tmp_path: Path) -> None:
    md, html = tmp_path / "r.md", tmp_path / "r.html"

    done = CliRunner().invoke(
        app,
        [
            "report",
            "demands",
            "--db",
            db,
            "--year",
            "2026",
            "--markdown",
            str(md),
            "--html",
            str(html),
            "--lang",
            "en",
        ],
    )

    assert 0 == done.exit_code, done.output
    assert SCRIPT not in md.read_text(encoding="utf-8")
    assert SCRIPT not in html.read_text(encoding="utf-8")
