"""``unionkit generate year`` then ``unionkit report year``, from an empty database, zh and en."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from store_support import StoreTarget
from unionkit.cli.app import app

runner = CliRunner()


@pytest.fixture
def db(store_target: StoreTarget) -> Iterator[str]:
    """A ``--db`` value: a SQLite file, or a PostgreSQL URL pointing at a fresh schema."""
    if store_target.schema is None:
        yield store_target.target
        return
    sep = "&" if "?" in store_target.target else "?"
    yield f"{store_target.target}{sep}options=-csearch_path%3D{store_target.schema}"


def test_from_an_empty_database_two_commands_give_the_report_in_every_format(
    db: str,
    tmp_path: Path,
) -> None:
    made = runner.invoke(
        app, ["generate", "year", "--year", "2025", "--members", "300", "--db", db]
    )
    outputs = {
        lang: {ext: tmp_path / f"report-{lang}.{ext}" for ext in ("html", "xlsx", "md")}
        for lang in ("zh", "en")
    }
    results = {
        lang: runner.invoke(
            app,
            [
                "report",
                "year",
                "--year",
                "2025",
                "--db",
                db,
                "--lang",
                lang,
                "--no-charts",
                "--html",
                str(files["html"]),
                "--xlsx",
                str(files["xlsx"]),
                "--markdown",
                str(files["md"]),
                "--union",
                "示范医院工会",
            ],
        )
        for lang, files in outputs.items()
    }

    assert 0 == made.exit_code, made.output
    assert "活动 42 场" in made.stdout
    assert 0 == results["zh"].exit_code, results["zh"].output
    assert 0 == results["en"].exit_code, results["en"].output
    assert "参与率" in results["zh"].stdout
    assert "Participation" in results["en"].stdout
    assert "满意度调查" in outputs["zh"]["html"].read_text(encoding="utf-8")
    assert "Answer rate" in outputs["en"]["md"].read_text(encoding="utf-8")
    assert outputs["zh"]["xlsx"].read_bytes()[:2] == b"PK"


def test_a_year_with_no_data_is_a_clear_error(tmp_path: Path) -> None:
    from unionkit.store import open_store

    db = str(tmp_path / "empty.db")
    open_store(db).close()

    result = runner.invoke(app, ["report", "year", "--year", "2019", "--db", db])

    assert 1 == result.exit_code
    assert "no demands, activities, grants or surveys recorded in 2019" in result.stderr
