"""``unionkit members import|list|show`` on real SQLite files and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from store_support import StoreTarget
from unionkit.cli.app import app
from unionkit.io.synthetic import generate_roster, write_rows

runner = CliRunner()


@pytest.fixture
def db(store_target: StoreTarget) -> Iterator[str]:
    """What a user passes to ``--db``: a SQLite file path, or a PostgreSQL URL (own schema)."""
    if store_target.schema is None:
        yield store_target.target
        return
    sep = "&" if "?" in store_target.target else "?"
    yield f"{store_target.target}{sep}options=-csearch_path%3D{store_target.schema}"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_import_twice_then_list_and_show(db: str, tmp_path: Path) -> None:
    rows = generate_roster(20, seed=3, relatives=False)
    path = tmp_path / "roster.csv"
    write_rows(rows, path)
    code, out, err = run("members", "import", str(path), "--db", db, "--on", "2026-11-02", "--json")
    assert code == 0, err
    first = json.loads(out)
    assert first["added"] == 20 and first["unchanged"] == 0
    code, out, _ = run("members", "import", str(path), "--db", db, "--lang", "en")
    assert code == 0 and "added 0, updated 0, left 0, unchanged 20" in out
    code, out, _ = run("members", "list", "--db", db, "--json")
    listed = json.loads(out)
    assert len(listed) == 20
    whole_name = rows[0]["name"]
    assert all(m["name"] != whole_name or len(whole_name) == 1 for m in listed)
    code, out, _ = run("members", "show", rows[0]["member_id"], "--db", db)
    assert code == 0 and rows[0]["member_id"] in out
    assert rows[0]["national_id"] not in out and rows[0]["phone"] not in out


def test_a_roster_with_row_errors_needs_partial(db: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    write_rows(generate_roster(10, seed=1, relatives=False, bad_rows=2), path)
    code, _, err = run("members", "import", str(path), "--db", db, "--lang", "en")
    assert code == 1 and "--partial" in err
    code, out, _ = run("members", "import", str(path), "--db", db, "--partial", "--json")
    assert code == 0 and json.loads(out)["added"] == 8


def test_most_members_leaving_needs_confirmation(db: str, tmp_path: Path) -> None:
    rows = generate_roster(10, seed=2, relatives=False)
    full, short = tmp_path / "full.csv", tmp_path / "short.csv"
    write_rows(rows, full)
    write_rows(rows[:2], short)
    assert run("members", "import", str(full), "--db", db)[0] == 0
    active = [r for r in rows if r.get("status", "") in ("", "在册", "active")]
    leaving = [r for r in active if r not in rows[:2]]
    code, _, err = run("members", "import", str(short), "--db", db, "--lang", "en")
    said = " ".join(err.split())
    assert code == 1 and f"{len(leaving)} of {len(active)} active" in said
    assert "nothing was stored" in said
    code, out, _ = run("members", "import", str(short), "--db", db, "--confirm-left", "--json")
    assert code == 0 and json.loads(out)["left"] == len(leaving)
