"""Moving an old dual-link state file into the store: counts, idempotent, file untouched."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from unionkit_postal.cli import main
from unionkit_postal.confirm import confirm_proposals
from unionkit_postal.dual_link import DualLinkError, DualLinkResult, run_dual_link
from unionkit_postal.migrate import migrate_state
from unionkit_postal.state import DualLinkState, StoreDualLinkState

from unionkit.errors import NotFound
from unionkit.hooks import PluginHost
from unionkit.io import read_roster
from unionkit.store import (
    import_members,
    list_grants,
    list_visits,
    open_store,
    replay_grant,
)

ON = date(2026, 5, 6)
APRIL_SUBSIDIES = {"P00005": Decimal("800.00"), "P00002": Decimal("500.00")}


def _april(host: PluginHost, files: Path, state: str | Path) -> DualLinkResult:
    return run_dual_link(
        host,
        roster=files / "roster.csv",
        sick_leave=files / "hr_sick_leave_2026-04.csv",
        insurance=files / "medical_insurance_2026-04.csv",
        state=state,
        month="2026-04",
    )


def _old_state(host: PluginHost, files: Path) -> Path:
    """An old-style state file: the April run, written before the state moved."""
    _april(host, files, files / "state.sqlite")
    return files / "state.sqlite"


def _members(files: Path, store_url: str) -> None:
    with open_store(store_url) as store:
        import_members(
            store, read_roster(files / "roster.csv", today=ON).members, on=ON, partial=True
        )


def _fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


def _state(store_url: str) -> StoreDualLinkState:
    return StoreDualLinkState(store_url)


def test_a_confirmed_file_moves_in_through_the_ledger_once(
    host: PluginHost, files: Path, store_url: str
) -> None:
    old = _old_state(host, files)
    # Confirm into a scratch store the old way: the grants are not in store_url.
    confirm_proposals(
        host, state=old, db=files / "elsewhere.db", on=ON, roster=files / "roster.csv"
    )
    before = _fingerprint(old)
    old_rows = DualLinkState(old).statuses()
    old.chmod(0o600)
    assert _fingerprint(old) == before
    _members(files, store_url)

    first = migrate_state(host, state_file=old, db=store_url)

    assert (first.runs_added, first.runs_already) == (1, 0)
    assert (first.proposals_added, first.proposals_already) == (len(old_rows), 0)
    assert (first.confirmations_added, first.grants_stored, first.grants_found) == (2, 2, 0)
    visits = [s for s in old_rows if s.kind != "hospitalisation_subsidy"]
    assert first.visit_tasks == len(visits) > 0 and first.visits_without_member == 0
    assert _fingerprint(old) == before  # read only: not even its time changed
    with open_store(store_url) as store:
        grants = list_grants(store)
        assert {g.member_id: g.amount for g in grants} == APRIL_SUBSIDIES
        # Through the ledger: dated as confirmed, with a decision record to replay.
        assert all(g.granted_on == ON and replay_grant(store, g.grant_id).agrees for g in grants)
        assert len(list_visits(store)) == len(visits)
    state = _state(store_url)
    try:
        moved = state.statuses()
    finally:
        state.close()
    assert sorted(s.key for s in moved) == sorted(s.key for s in old_rows)
    assert {s.grant_id for s in moved if s.grant_id} == {g.grant_id for g in grants}

    again = migrate_state(host, state_file=old, db=store_url)
    assert again.as_dict() == {
        "runs_added": 0,
        "runs_already": 1,
        "proposals_added": 0,
        "proposals_already": len(old_rows),
        "confirmations_added": 0,
        "confirmations_already": 2,
        "grants_stored": 0,
        "grants_found": 2,
        "visit_tasks": 0,
        "visits_without_member": 0,
    }
    with open_store(store_url) as store:
        assert len(list_grants(store)) == 2 and len(list_visits(store)) == len(visits)
    # The dual link now runs on the store and knows what the file had proposed.
    rerun = _april(host, files, store_url)
    assert rerun.proposals == () and rerun.already_proposed == len(old_rows)


def test_grants_already_in_the_store_are_found_not_stored_again(
    host: PluginHost, files: Path
) -> None:
    old = _old_state(host, files)
    db = files / "unionkit.db"
    confirm_proposals(host, state=old, db=db, on=ON, roster=files / "roster.csv")
    result = migrate_state(host, state_file=old, db=db)
    assert (result.grants_stored, result.grants_found, result.confirmations_added) == (0, 2, 2)
    with open_store(db) as store:
        assert len(list_grants(store)) == 2
    state = _state(str(db))
    try:
        assert {s.grant_id for s in state.statuses() if s.grant_id} == {
            g.grant_id for g in DualLinkState(old).statuses() if g.grant_id
        }
    finally:
        state.close()


def test_a_member_missing_from_the_store_stores_nothing(
    host: PluginHost, files: Path, store_url: str
) -> None:
    old = _old_state(host, files)
    confirm_proposals(host, state=old, db=files / "other.db", on=ON, roster=files / "roster.csv")
    with open_store(store_url):
        pass
    with pytest.raises(NotFound, match="members import"):
        migrate_state(host, state_file=old, db=store_url)
    state = _state(store_url)
    try:
        assert state.statuses() == [] and state.runs() == []
    finally:
        state.close()


def test_unconfirmed_proposals_move_without_grants_and_visits_wait_for_members(
    host: PluginHost, files: Path
) -> None:
    old = _old_state(host, files)
    db = files / "unionkit.db"
    result = migrate_state(host, state_file=old, db=db)
    assert result.grants_stored == result.confirmations_added == result.visit_tasks == 0
    assert result.visits_without_member > 0
    _members(files, str(db))
    later = migrate_state(host, state_file=old, db=db)
    assert later.visit_tasks == result.visits_without_member and later.proposals_added == 0


def test_files_that_are_not_state_files_are_refused_clearly(
    host: PluginHost, files: Path, tmp_path: Path
) -> None:
    db = tmp_path / "unionkit.db"
    text = tmp_path / "notes.sqlite"
    text.write_text("hello", encoding="utf-8")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE run (x INTEGER)")
    with open_store(db):
        pass
    for path, why in (
        (text, "not an SQLite database"),
        (other, "table 'run' lacks columns"),
        (db, "unionkit store"),
    ):
        with pytest.raises(DualLinkError, match="not a postal dual-link state file") as err:
            migrate_state(host, state_file=path, db=db)
        assert why in str(err.value)
    with pytest.raises(DualLinkError, match="no state file"):
        migrate_state(host, state_file=tmp_path / "missing.sqlite", db=db)
    state = _state(str(db))
    try:
        assert state.statuses() == []
    finally:
        state.close()


def test_a_bad_record_is_named_and_nothing_is_stored(
    host: PluginHost, files: Path, tmp_path: Path
) -> None:
    old = _old_state(host, files)
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE proposal SET kind = 'holiday' WHERE rowid = 1")
    db = tmp_path / "unionkit.db"
    with pytest.raises(DualLinkError, match=r"proposal PDL-[0-9a-f]{20}: kind: unknown kind"):
        migrate_state(host, state_file=old, db=db)
    state = _state(str(db))
    try:
        assert state.statuses() == []
    finally:
        state.close()


def test_the_commands_keep_the_state_in_the_store_by_default(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(files)
    run = ["--roster", "roster.csv", "--sick-leave", "hr_sick_leave_2026-04.csv",
           "--insurance", "medical_insurance_2026-04.csv", "--month", "2026-04"]  # fmt: skip
    assert main(["dual-link", *run, "--state", "old.sqlite", "--json"]) == 0
    capsys.readouterr()
    assert main(["migrate-state", "old.sqlite", "--db", "u.db", "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["runs_added"] == 1 and counts["proposals_added"] > 0
    assert main(["migrate-state", "old.sqlite", "--db", "u.db", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "0 moved in" in out and "left as it was" in out
    # Without --state the run uses the store: nothing new for April.
    assert main(["dual-link", *run, "--db", "u.db", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["proposals"] == []
    assert main(["list", "--db", "u.db", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == counts["proposals_added"]
    # A fresh store is made on first use.
    assert main(["dual-link", *run, "--db", "fresh.db", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["proposals"]
    assert main(["migrate-state", "roster.csv", "--db", "u.db"]) == 1
    assert "not a postal dual-link state file" in capsys.readouterr().err
    assert main(["dual-link", *run]) == 2


def test_confirming_in_the_store_makes_grants_and_visit_tasks_through_the_store(
    host: PluginHost, files: Path, store_url: str
) -> None:
    with open_store(store_url):  # a new, empty store: no member imported yet
        pass
    proposed = _april(host, files, store_url)
    visits = [p for p in proposed.proposals if p.kind != "hospitalisation_subsidy"]
    with open_store(store_url) as store:
        assert list_visits(store) == []  # their members were not in the store yet
    result = confirm_proposals(
        host, state=store_url, db=store_url, on=ON, roster=files / "roster.csv"
    )
    assert {g.member_id: g.amount for g in result.stored} == APRIL_SUBSIDIES
    assert result.visit_tasks == len(visits) > 0
    with open_store(store_url) as store:
        tasks = list_visits(store)
        assert sorted(t.member_id for t in tasks) == sorted(p.member_id for p in visits)
        assert all(replay_grant(store, g.grant_id).agrees for g in list_grants(store))
    again = confirm_proposals(host, state=store_url, db=store_url, on=ON)
    assert again.stored == () and again.visit_tasks == 0
