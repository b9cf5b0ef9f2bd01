"""``unionkit demands …`` and ``unionkit report demands`` on real SQLite files and PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from store_support import StoreTarget
from unionkit.cli.app import app
from unionkit.demands.synthetic import hospital_members
from unionkit.models.demand import DemandKind, DemandState, Satisfaction
from unionkit.store import open_store

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


def with_members(db: str, n: int = 5) -> None:
    with open_store(db) as store:
        store.add_members(hospital_members(n))


def test_submit_list_transition_and_show_with_history(db: str) -> None:
    with_members(db)
    code, out, _ = run(
        "demands",
        "submit",
        "--db",
        db,
        "--id",
        "Q1",
        "--member",
        "H00001",
        "--kind",
        "诉求",
        "--title",
        "夜班餐",
        "--content",
        "延长夜班餐供应时间",
        "--category",
        "canteen",
        "--at",
        "2025-03-03T09:00",
    )
    assert 0 == code, out
    assert "Q1" in out
    steps = [
        ("accept", "--department", "logistics", "--at", "2025-03-03T10:00"),
        ("start", "--at", "2025-03-04T09:00"),
        ("resolve", "--answer", "已延长至21点", "--at", "2025-03-06T16:00"),
        ("feedback", "--satisfaction", "very_satisfied", "--at", "2025-03-07T10:00"),
    ]
    for action, *extra in steps:
        code, out, err = run(
            "demands",
            "transition",
            "Q1",
            action,
            "--actor",
            "office",
            "--db",
            db,
            "--lang",
            "en",
            *extra,
        )
        assert 0 == code, out + err
    code, listed, _ = run("demands", "list", "--db", db, "--json")
    code_show, shown, _ = run("demands", "show", "Q1", "--db", db, "--lang", "en")
    code_json, shown_json, _ = run("demands", "show", "Q1", "--db", db, "--json")
    history = json.loads(shown_json)["history"]

    assert (0, 0, 0) == (code, code_show, code_json)
    assert [("Q1", "closed")] == [(d["demand_id"], d["state"]) for d in json.loads(listed)]
    assert ["submit", "accept", "start", "resolve", "feedback"] == [e["action"] for e in history]
    assert "very satisfied" in shown and "History" in shown
    assert "2025-03-06 16:00" in shown


def test_errors_exit_1_with_the_reason_and_store_nothing(db: str) -> None:
    with_members(db)
    run(
        "demands",
        "submit",
        "--db",
        db,
        "--id",
        "Q2",
        "--member",
        "H00002",
        "--kind",
        "request",
        "--title",
        "t",
        "--content",
        "c",
        "--at",
        "2025-03-03T09:00",
    )

    illegal = run(
        "demands", "transition", "Q2", "resolve", "--actor", "x", "--answer", "a", "--db", db
    )
    stale = run(
        "demands",
        "transition",
        "Q2",
        "accept",
        "--actor",
        "x",
        "--category",
        "canteen",
        "--department",
        "logistics",
        "--version",
        "7",
        "--db",
        db,
    )
    unknown_member = run(
        "demands",
        "submit",
        "--db",
        db,
        "--member",
        "H09999",
        "--kind",
        "request",
        "--title",
        "t",
        "--content",
        "c",
    )
    missing = run("demands", "show", "NOPE", "--db", db)

    assert 1 == illegal[0] and "cannot resolve" in illegal[2]
    assert 1 == stale[0] and "7" in stale[2]
    assert 1 == unknown_member[0] and "H09999" in unknown_member[2]
    assert 1 == missing[0] and "NOPE" in missing[2]
    with open_store(db) as store:
        assert 1 == store.count_rows()["demands"]
        assert 1 == len(store.history("Q2"))


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    path = str(tmp_path / "u.sqlite3")
    with_members(path)

    assert 2 == run("report", "demands", "--db", path)[0]  # neither --year nor --from/--to
    assert (
        2
        == run("report", "demands", "--year", "2025", "--db", path, "--satisfied-grades", "happy")[
            0
        ]
    )
    assert (
        2
        == run(
            "report",
            "demands",
            "--year",
            "2025",
            "--db",
            path,
            "--closure-denominator",
            "everything",
        )[0]
    )
    assert 2 == run("demands", "list", "--overdue-on", "soon", "--db", path)[0]


def test_a_missing_sqlite_file_is_an_error_not_a_new_empty_database(tmp_path: Path) -> None:
    target = tmp_path / "absent.sqlite3"

    code, _, err = run("report", "demands", "--year", "2025", "--db", str(target))

    assert 1 == code
    assert "absent.sqlite3" in err
    assert not target.exists()


def test_report_on_generated_data_prints_and_writes_markdown_and_html(
    db: str, tmp_path: Path
) -> None:
    code, out, err = run(
        "demands", "generate", "--year", "2025", "--n", "60", "--members", "40", "--db", db, "-q"
    )
    assert 0 == code, out + err
    md, page = tmp_path / "r.md", tmp_path / "r.html"

    code, out, err = run(
        "report",
        "demands",
        "--year",
        "2025",
        "--db",
        db,
        "--markdown",
        str(md),
        "--html",
        str(page),
    )
    en_md = tmp_path / "en.md"
    en_code, _, _ = run(
        "report",
        "demands",
        "--year",
        "2025",
        "--db",
        db,
        "--lang",
        "en",
        "--closure-denominator",
        "received",
        "--satisfied-grades",
        "very_satisfied,satisfied",
        "--markdown",
        str(en_md),
    )
    en_out = en_md.read_text(encoding="utf-8")  # the terminal table wraps long cells

    assert (0, 0) == (code, en_code), out + err
    with open_store(db) as store:
        stored = store.list_demands()
    handled = sum(
        d.state
        in {DemandState.ACCEPTED, DemandState.IN_PROGRESS, DemandState.RESOLVED, DemandState.CLOSED}
        for d in stored
    )
    closed = sum(d.state is DemandState.CLOSED for d in stored)
    assert re.search(rf"受理办理\s*│\s*{handled}\s", out)
    assert f"({closed} / {handled}; 口径：办结数 ÷ 受理数)" in out
    assert f"({closed} / 60; basis: closed ÷ received)" in en_out
    top = sum(
        d.satisfaction in {Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED} for d in stored
    )
    assert f"{top} of " in en_out and "counted as satisfied: very satisfied, satisfied)" in en_out
    assert md.read_text(encoding="utf-8").startswith("# 2025年职工诉求办理情况")
    assert page.read_text(encoding="utf-8").count("data:image/png;base64,") == 4


def pg_or_sqlite_year(db: str) -> str:
    code, out, err = run("demands", "generate", "--year", "2025", "--db", db, "-q")
    assert 0 == code, out + err
    code, out, err = run("report", "demands", "--year", "2025", "--db", db, "--lang", "en")
    assert 0 == code, out + err
    return out


@pytest.mark.slow
def test_done_when_a_hospital_year_through_the_store_gives_the_seed_figures(db: str) -> None:
    out = pg_or_sqlite_year(db)

    with open_store(db) as store:
        stored = store.list_demands()
        members = store.count_rows()["members"]
        events = store.count_rows()["demand_events"]
    proposals = [d for d in stored if d.kind is DemandKind.PROPOSAL]
    key = sum(d.key_supervision for d in proposals)
    handled = sum(
        d.state
        in {DemandState.ACCEPTED, DemandState.IN_PROGRESS, DemandState.RESOLVED, DemandState.CLOSED}
        for d in stored
    )
    closed = sum(d.state is DemandState.CLOSED for d in stored)
    rated = [d.satisfaction for d in stored if d.satisfaction is not None]
    satisfied = sum(g is not Satisfaction.UNSATISFIED for g in rated)

    assert 5400 == members
    assert 620 == len(stored)
    assert events > 4 * len(stored)  # full histories, not just submissions
    assert re.search(rf"Handled \(accepted and beyond\)\s*│\s*{handled}\s", out)
    assert f"({closed} / {handled}; basis: closed ÷ accepted (handled))" in out
    assert re.search(rf"Congress proposals\s*│\s*{len(proposals)}\s", out)
    assert re.search(rf"of which under key supervision\s*│\s*{key}\s", out)
    assert f"({satisfied} of {len(rated)} ratings" in out
    # The seed hospital's order of magnitude: ~126 proposals, ~1/3 key-supervised.
    assert 100 <= len(proposals) <= 150 and 0.2 < key / len(proposals) < 0.5


def test_the_installed_command_runs_as_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    env = {**os.environ, "UNIONKIT_DB": str(path)}
    gen = subprocess.run(
        [
            sys.executable,
            "-m",
            "unionkit",
            "demands",
            "generate",
            "--n",
            "20",
            "--members",
            "10",
            "-q",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    rep = subprocess.run(
        [sys.executable, "-m", "unionkit", "report", "demands", "--year", "2025", "--lang", "en"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    bad = subprocess.run(
        [sys.executable, "-m", "unionkit", "report", "demands"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )

    assert 0 == gen.returncode, gen.stderr
    assert 0 == rep.returncode, rep.stderr
    assert "Demands received" in rep.stdout
    assert 2 == bad.returncode


def _accepted(db: str, *branch_args: str) -> tuple[int, str, str]:
    with_members(db, 2)
    code, out, _ = run(
        "demands",
        "submit",
        "--db",
        db,
        "--id",
        "R1",
        "--member",
        "H00001",
        "--kind",
        "request",
        "--title",
        "食堂",
        "--content",
        "夜班餐",
        "--at",
        "2025-09-29T09:00",
        *branch_args,
    )
    assert 0 == code, out
    return run(
        "demands",
        "transition",
        "R1",
        "accept",
        "--actor",
        "office",
        "--db",
        db,
        "--category",
        "canteen",
        "--at",
        "2025-09-30T10:00",
        *branch_args,
    )


def test_branch_routes_and_times_an_accepted_demand_by_the_hospital_plugin(db: str) -> None:
    pytest.importorskip("unionkit_hospital")

    code, _, err = _accepted(db, "--branch", "hospital")

    assert 0 == code, err
    shown = json.loads(run("demands", "show", "R1", "--db", db, "--json")[1])["demand"]
    # The plugin's map sends canteen matters to 后勤保障部 within 3 working days: 9, 10 and
    # the make-up working Saturday 11 October 2025, after the National Day holiday.
    assert ("后勤保障部", "2025-10-11") == (shown["department"], shown["deadline"])


def test_plugin_alone_names_the_branch_it_declares(db: str) -> None:
    pytest.importorskip("unionkit_hospital")

    code, _, err = _accepted(db, "--plugin", "hospital")

    assert 0 == code, err
    shown = json.loads(run("demands", "show", "R1", "--db", db, "--json")[1])["demand"]
    assert "后勤保障部" == shown["department"]


def test_without_a_branch_or_with_its_plugin_left_out_there_is_no_route(db: str) -> None:
    plain = _accepted(db)
    left_out = run(
        "demands",
        "transition",
        "R1",
        "accept",
        "--actor",
        "office",
        "--db",
        db,
        "--category",
        "canteen",
        "--branch",
        "hospital",
        "--no-plugin",
        "hospital",
    )

    for code, _, err in (plain, left_out):
        assert 1 == code
        assert "no route for category 'canteen'" in err
    shown = json.loads(run("demands", "show", "R1", "--db", db, "--json")[1])["demand"]
    assert ("submitted", 1) == (shown["state"], shown["version"])


def test_an_unknown_plugin_is_an_error_that_opens_nothing(tmp_path: Path) -> None:
    target = str(tmp_path / "new.sqlite3")

    code, _, err = run(
        "demands",
        "submit",
        "--db",
        target,
        "--member",
        "H00001",
        "--kind",
        "request",
        "--title",
        "t",
        "--content",
        "c",
        "--plugin",
        "no-such",
    )

    assert 1 == code
    assert "No installed plugin named no-such" in err
    assert not Path(target).exists()


def test_report_with_a_branch_runs_as_a_real_process(tmp_path: Path) -> None:
    pytest.importorskip("unionkit_hospital")
    target = str(tmp_path / "year.sqlite3")
    gen = subprocess.run(
        [
            sys.executable,
            "-m",
            "unionkit",
            "demands",
            "generate",
            "--n",
            "20",
            "--members",
            "40",
            "--db",
            target,
            "-q",
            "--branch",
            "hospital",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert 0 == gen.returncode, gen.stderr

    rep = subprocess.run(
        [
            sys.executable,
            "-m",
            "unionkit",
            "report",
            "demands",
            "--year",
            "2025",
            "--db",
            target,
            "--lang",
            "en",
            "--branch",
            "hospital",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert 0 == rep.returncode, rep.stderr
    assert re.search(r"received\D+20\b", rep.stdout, re.IGNORECASE), rep.stdout


def test_show_json_masks_phone_and_id_numbers_in_history_details_too(db: str) -> None:
    with_members(db)
    phone, resident = "13812345678", "11010519491231002X"
    run(
        "demands",
        "submit",
        "--db",
        db,
        "--id",
        "Q9",
        "--member",
        "H00001",
        "--kind",
        "request",
        "--title",
        f"回电 {phone}",
        "--content",
        f"身份证 {resident}",
        "--category",
        "canteen",
        "--at",
        "2025-03-03T09:00",
    )
    run(
        "demands",
        "transition",
        "Q9",
        "accept",
        "--actor",
        "office",
        "--department",
        "logistics",
        "--db",
        db,
        "--at",
        "2025-03-03T10:00",
    )
    code, _, err = run(
        "demands",
        "transition",
        "Q9",
        "resolve",
        "--actor",
        "office",
        "--answer",
        f"已致电 {phone}，核对 {resident}",
        "--db",
        db,
        "--at",
        "2025-03-04T10:00",
    )
    assert 0 == code, err
    shown = [
        run("demands", "show", "Q9", "--db", db, *extra)[1]
        for extra in ((), ("--json",), ("--lang", "en"))
    ]
    listed = run("demands", "list", "--db", db, "--json")[1]
    answer = json.loads(shown[1])["history"][-1]["data"]["answer"]

    assert "138****5678" in answer
    for out in (*shown, listed):
        assert phone not in out
        assert resident not in out


def test_text_that_looks_like_rich_markup_is_shown_as_typed_not_a_crash(db: str) -> None:
    with_members(db)
    title, category = "[/b] 食堂 [red]", "[/i]canteen"
    run(
        "demands",
        "submit",
        "--db",
        db,
        "--id",
        "Q[1]",
        "--member",
        "H00001",
        "--kind",
        "request",
        "--title",
        title,
        "--content",
        "c",
        "--category",
        category,
        "--at",
        "2025-03-03T09:00",
    )
    accepted = run(
        "demands",
        "transition",
        "Q[1]",
        "accept",
        "--actor",
        "office",
        "--department",
        "[/u]logistics",
        "--db",
        db,
        "--at",
        "2025-03-03T10:00",
    )
    listed = run("demands", "list", "--db", db)
    shown = run("demands", "show", "Q[1]", "--db", db)
    missing = run("demands", "show", "no[/bold]", "--db", db)
    report = run("report", "demands", "--db", db, "--year", "2025", "--lang", "en")

    assert (0, 0, 0, 0) == (accepted[0], listed[0], shown[0], report[0])
    assert title in listed[1]
    assert title in shown[1] and "[/u]logistics" in shown[1]
    assert "[/i]canteen" in report[1]
    assert 1 == missing[0]
    assert "no[/bold]" in missing[2]
