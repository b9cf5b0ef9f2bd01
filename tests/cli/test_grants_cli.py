"""``unionkit benefits …`` and ``unionkit grants …`` end to end on SQLite and PostgreSQL."""

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

BENEFITS = """
- {benefit_id: birthday, kind: birthday, name_zh: 生日慰问, name_en: birthday,
   form: cake_voucher}
- {benefit_id: hospital, kind: hospital_visit, name_zh: 住院慰问, name_en: hospital visit,
   form: cash, cap_period: per_event}
"""


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


def test_define_propose_approve_list_replay(db: str, tmp_path: Path) -> None:
    rows = generate_roster(5, seed=4, relatives=False)
    for row in rows:
        row["status"] = "active"
        row["dues_paid_through"] = "2026-12"
    roster, benefits = tmp_path / "r.csv", tmp_path / "b.yaml"
    write_rows(rows, roster)
    benefits.write_text(BENEFITS, encoding="utf-8")
    member = rows[0]["member_id"]
    code, _, err = run("members", "import", str(roster), "--db", db, "--on", "2026-11-01")
    assert code == 0, err
    assert run("benefits", "define", str(benefits), "--db", db)[0] == 0
    code, out, _ = run("benefits", "list", "--db", db, "--json")
    assert [b["benefit_id"] for b in json.loads(out)] == ["birthday", "hospital"]
    base = (
        "grants",
        "propose",
        "--db",
        db,
        "--member",
        member,
        "--on",
        "2026-11-02",
        "--reason",
        "慰问",
        "--by",
        "clerk",
    )
    code, out, err = run(
        *base, "--benefit", "hospital", "--amount", "1500.00", "--event", "ill-1", "--json"
    )
    assert code == 0, err
    stored = json.loads(out)["grant"]
    assert stored["status"] == "pending"
    code, out, _ = run(
        *base, "--benefit", "hospital", "--amount", "1500.00", "--event", "ill-1", "--lang", "en"
    )
    assert code == 0 and "already stored" in out
    code, _, err = run(*base, "--benefit", "birthday", "--amount", "900.00", "--lang", "en")
    assert code == 1 and "spending.per_event_cap.birthday" in err
    code, _, err = run("grants", "approve", stored["grant_id"], "--by", "clerk", "--db", db)
    assert code == 1 and "clerk" in err
    code, out, _ = run(
        "grants", "approve", stored["grant_id"], "--by", "chair", "--db", db, "--json"
    )
    assert code == 0 and json.loads(out)["status"] == "approved"
    code, out, _ = run("grants", "list", "--db", db, "--year", "2026", "--json")
    assert [g["grant_id"] for g in json.loads(out)] == [stored["grant_id"]]
    code, out, _ = run("grants", "replay", stored["grant_id"], "--db", db, "--json")
    assert code == 0 and json.loads(out)["agrees"]
    params = tmp_path / "p.yaml"
    params.write_text(
        "spending.per_event_cap.hospital_visit:\n  unit: yuan\n  values: {2026-01-01: 1000}\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        "grants", "replay", stored["grant_id"], "--db", db, "--params", str(params), "--lang", "en"
    )
    assert code == 1 and "spending.per_event_cap.hospital_visit: 2000" in out


def test_visits_plan_list_assign_done(db: str, tmp_path: Path) -> None:
    rows = generate_roster(30, seed=5, relatives=False)
    for row in rows:
        row["status"] = "active"
        row["dues_paid_through"] = "2026-12"
    roster = tmp_path / "r.csv"
    write_rows(rows, roster)
    assert run("members", "import", str(roster), "--db", db, "--on", "2026-11-01")[0] == 0
    born_in_november = [r for r in rows if r["birth_date"][5:7] == "11"]
    code, out, _ = run("visits", "plan-birthdays", "--month", "2026-11", "--db", db, "--lang", "en")
    assert code == 0 and f"planned {len(born_in_november)} birthday visits" in out
    code, out, _ = run("visits", "list", "--db", db, "--json")
    tasks = json.loads(out)
    assert sorted(t["member_id"] for t in tasks) == sorted(r["member_id"] for r in born_in_november)
    assert tasks  # seed 5 has two November birthdays
    vid = tasks[0]["visit_id"]
    assert run("visits", "assign", vid, "--to", "干事甲", "--db", db)[0] == 0
    code, out, err = run(
        "visits",
        "done",
        vid,
        "--on",
        "2026-11-05",
        "--note",
        "送蛋糕",
        "--by",
        "clerk",
        "--db",
        db,
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["status"] == "done" and json.loads(out)["assignee"] == "干事甲"
    code, out, _ = run("visits", "list", "--db", db, "--status", "open", "--json")
    assert vid not in [t["visit_id"] for t in json.loads(out)]
