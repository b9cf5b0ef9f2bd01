"""The dual-link state kept in the unionkit store: proposals, visit tasks, grants via the ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from unionkit_postal.confirm import confirm_proposals
from unionkit_postal.dual_link import run_dual_link
from unionkit_postal.state import StoreDualLinkState, is_store

from unionkit.hooks import PluginHost
from unionkit.io import read_roster
from unionkit.store import import_members, list_grants, list_visits, open_store

ON = date(2026, 5, 6)
APRIL_SUBSIDIES = {"P00005": Decimal("800.00"), "P00002": Decimal("500.00")}


def _run(host: PluginHost, files: Path, state: str) -> int:
    result = run_dual_link(
        host,
        roster=files / "roster.csv",
        sick_leave=files / "hr_sick_leave_2026-04.csv",
        insurance=files / "medical_insurance_2026-04.csv",
        state=state,
        month="2026-04",
    )
    return len(result.proposals)


def test_proposals_visits_and_grants_live_in_the_store(
    host: PluginHost, files: Path, store_url: str
) -> None:
    with open_store(store_url) as store:
        import_members(
            store, read_roster(files / "roster.csv", today=ON).members, on=ON, partial=True
        )
    assert is_store(store_url)
    first = _run(host, files, store_url)
    assert first > 0 and _run(host, files, store_url) == 0
    state = StoreDualLinkState(store_url)
    try:
        kinds = {s.kind for s in state.statuses()}
        assert len(state.statuses()) == first and "hospitalisation_subsidy" in kinds
        assert [n for _, _, n in state.runs()] == [first, 0]
    finally:
        state.close()
    with open_store(store_url) as store:
        tasks = list_visits(store)
        assert tasks and {t.kind.value for t in tasks} <= {"hospital", "illness"}
        assert all("住院" not in (t.source_key or "") for t in tasks)

    result = confirm_proposals(host, state=store_url, db=store_url, on=ON)
    assert {g.member_id: g.amount for g in result.stored} == APRIL_SUBSIDIES
    again = confirm_proposals(host, state=store_url, db=store_url, on=ON)
    assert not again.stored
    with open_store(store_url) as store:
        grants = list_grants(store)
    assert {g.member_id: g.amount for g in grants} == APRIL_SUBSIDIES
    assert all(g.form.value == "cash" and g.rule_version for g in grants)
    state = StoreDualLinkState(store_url)
    try:
        confirmed = [s for s in state.statuses() if s.grant_id]
    finally:
        state.close()
    assert sorted(s.grant_id for s in confirmed) == sorted(g.grant_id for g in grants)


def test_a_new_file_is_still_a_state_file(tmp_path: Path) -> None:
    assert not is_store(tmp_path / "state.sqlite")
