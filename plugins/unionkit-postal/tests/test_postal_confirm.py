"""Confirming dual-link subsidies as grants: real state files, real SQLite and PostgreSQL stores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from attrs import frozen
from unionkit_postal.confirm import SUBSIDY_BENEFIT, confirm_proposals, proposal_ref
from unionkit_postal.dual_link import DualLinkError, run_dual_link
from unionkit_postal.state import DualLinkState

from unionkit.errors import NotFound, Rejected
from unionkit.hooks import PluginHost, hookimpl
from unionkit.io import read_roster
from unionkit.models import Benefit, Grant, GrantForm
from unionkit.store import Store, open_store

SCRIPT = Path(sys.executable).with_name("unionkit-postal")
ON = date(2026, 5, 6)
# From the April exports: P00005 paid 8530.04 (bracket from 5000: 800), P00002 paid 1242.00
# (bracket from 1000: 500); see dual_link.yaml.
APRIL_SUBSIDIES = {"P00005": Decimal("800.00"), "P00002": Decimal("500.00")}


@frozen
class Db:
    """Where the unionkit store lives: a target for ``open_store`` and ``--db``, and a schema."""

    target: str
    schema: str | None

    def open(self) -> Store:
        """Open the store with no grant check (to look at it, or to seed members)."""
        return open_store(self.target, schema=self.schema)


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Db]:
    if request.param == "sqlite":
        yield Db(str(tmp_path / "unionkit.db"), None)
        return
    url = os.environ.get("UNIONKIT_TEST_PG_URL", "")
    if not url or url == "unavailable":
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI=true: PostgreSQL tests need UNIONKIT_TEST_PG_URL")
        pytest.skip("PostgreSQL tests need UNIONKIT_TEST_PG_URL (source tools/postgres.sh)")
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Db(url, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def _april(host: PluginHost, files: Path) -> Path:
    run_dual_link(
        host,
        roster=files / "roster.csv",
        sick_leave=files / "hr_sick_leave_2026-04.csv",
        insurance=files / "medical_insurance_2026-04.csv",
        state=files / "state.sqlite",
        month="2026-04",
    )
    return files / "state.sqlite"


def _seed(db: Db, files: Path, only: set[str] | None = None) -> None:
    people = read_roster(files / "roster.csv", today=ON).members
    with db.open() as store:
        store.add_members(m for m in people if only is None or m.member_id in only)


def _grants(db: Db) -> dict[str, list[Grant]]:
    with db.open() as store:
        return {m: store.grants_for(m) for m in APRIL_SUBSIDIES}


def _subsidy_key(state: Path, member_id: str) -> str:
    return next(
        s.key
        for s in DualLinkState(state).statuses()
        if s.member_id == member_id and s.kind == "hospitalisation_subsidy"
    )


def test_confirming_stores_each_subsidy_as_a_cash_grant_of_the_postal_benefit(
    host: PluginHost, files: Path, db: Db
) -> None:
    state = _april(host, files)
    _seed(db, files)

    result = confirm_proposals(host, state=state, db=db.target, schema=db.schema, on=ON)

    stored = _grants(db)
    assert APRIL_SUBSIDIES == {m: g[0].amount for m, g in stored.items()}
    grant = stored["P00005"][0]
    assert proposal_ref(_subsidy_key(state, "P00005")) == grant.grant_id
    assert (SUBSIDY_BENEFIT.benefit_id, GrantForm.CASH, ON) == (
        grant.benefit_id,
        grant.form,
        grant.granted_on,
    )
    assert grant.rule_version is not None
    assert "医院" not in grant.reason  # the hospital is a health fact, not a grant reason
    assert Decimal("1300.00") == result.total_stored
    assert 3 == len(result.visits)  # two hospital visits and a sick-leave visit: not grants


def test_confirming_twice_stores_one_grant(host: PluginHost, files: Path, db: Db) -> None:
    state = _april(host, files)
    _seed(db, files)
    key = _subsidy_key(state, "P00002")

    first = confirm_proposals(host, state=state, db=db.target, schema=db.schema, on=ON, keys=[key])
    again = confirm_proposals(
        host,
        state=state,
        db=db.target,
        schema=db.schema,
        on=date(2026, 6, 1),
        keys=[proposal_ref(key)],
    )

    assert ["P00002"] == [g.member_id for g in first.stored]
    assert () == again.stored
    assert [(proposal_ref(key), ON)] == [(g.ref, g.granted_on) for g in again.already]
    assert 1 == len(_grants(db)["P00002"])
    with db.open() as store:
        assert 1 == store.count_rows()["grants"]


def test_a_confirmation_racing_this_one_counts_as_already_done(
    host: PluginHost, register_plugin: Callable[..., str], files: Path, db: Db
) -> None:
    state = _april(host, files)
    _seed(db, files)

    class Racer:
        """Stores the first grant it is asked about, as a second confirmation would, once."""

        def __init__(self) -> None:
            self.raced: list[str] = []

        @hookimpl
        def unionkit_validate_grant(self, grant: Grant) -> None:
            if not self.raced:
                self.raced.append(grant.grant_id)
                with db.open() as other:
                    other.add_grants([grant])

    racer = Racer()
    register_plugin(racer, name="racer")

    result = confirm_proposals(host, state=state, db=db.target, schema=db.schema, on=ON)

    assert racer.raced == [g.ref for g in result.already]
    assert 1 == len(result.stored)
    assert {1} == {len(g) for g in _grants(db).values()}


def test_a_member_missing_from_the_store_is_named_and_nothing_is_stored(
    host: PluginHost, files: Path, db: Db
) -> None:
    state = _april(host, files)
    _seed(db, files, only={"P00005"})

    with pytest.raises(NotFound, match=r"'P00002'.*--roster"):
        confirm_proposals(host, state=state, db=db.target, schema=db.schema, on=ON)

    assert {"P00005": [], "P00002": []} == _grants(db)
    assert all(s.grant_id is None for s in DualLinkState(state).statuses())


def test_the_roster_supplies_members_missing_from_the_store(
    host: PluginHost, files: Path, db: Db
) -> None:
    state = _april(host, files)
    _seed(db, files, only={"P00005"})

    result = confirm_proposals(
        host, state=state, db=db.target, schema=db.schema, on=ON, roster=files / "roster.csv"
    )

    assert ("P00002",) == result.added_members
    assert APRIL_SUBSIDIES == {m: g[0].amount for m, g in _grants(db).items()}
    with db.open() as store:
        assert "李秀英" == store.get_member("P00002").name


def test_a_plugin_veto_stores_no_grant_and_adds_no_member(
    host: PluginHost, register_plugin: Callable[..., str], files: Path, db: Db
) -> None:
    state = _april(host, files)

    class NoP00002:
        """Vetoes every grant to one member."""

        @hookimpl
        def unionkit_validate_grant(self, grant: Grant) -> None:
            if grant.member_id == "P00002":
                raise Rejected("member is on unpaid leave / 停薪留职")

    register_plugin(NoP00002(), name="veto")

    with pytest.raises(Rejected, match="P00002"):
        confirm_proposals(
            host, state=state, db=db.target, schema=db.schema, on=ON, roster=files / "roster.csv"
        )

    with db.open() as store:
        assert (0, 0) == (store.count_rows()["grants"], store.count_rows()["members"])


def test_the_postal_plugin_vetoes_a_subsidy_above_the_cap_per_stay(host: PluginHost) -> None:
    grant = Grant(
        grant_id="g1",
        benefit_id=SUBSIDY_BENEFIT.benefit_id,
        member_id="P00005",
        amount=Decimal("1000.01"),
        granted_on=ON,
        form=GrantForm.CASH,
        reason="test",
    )
    goods = grant.model_copy(update={"amount": Decimal("800.00"), "form": GrantForm.GOODS})

    host.validate_grant(
        grant.model_copy(update={"amount": Decimal("1000.00")}), SUBSIDY_BENEFIT, "postal"
    )
    with pytest.raises(Rejected, match=r"1000\.01 yuan is above the cap of 1000\.00") as above:
        host.validate_grant(grant, SUBSIDY_BENEFIT, "postal")
    with pytest.raises(Rejected, match="cash"):
        host.validate_grant(goods, SUBSIDY_BENEFIT, "postal")
    uncapped = Benefit(
        benefit_id="b",
        kind="hospitalisation_subsidy",
        name_zh="补助",
        name_en="subsidy",
        form="cash",
    )
    host.validate_grant(grant, uncapped, "postal")

    assert "postal" == above.value.plugin_name


def test_an_unknown_key_is_refused_showing_only_its_reference(
    host: PluginHost, files: Path, db: Db
) -> None:
    state = _april(host, files)
    key = "hospitalisation_subsidy|P00002|2026-04-20|北京某医院"

    with pytest.raises(DualLinkError) as err:
        confirm_proposals(host, state=state, db=db.target, schema=db.schema, on=ON, keys=[key])

    assert proposal_ref(key) in str(err.value)
    assert "医院" not in str(err.value)


def test_grant_ids_are_short_and_stable() -> None:
    key = "hospitalisation_subsidy|P00002|2026-04-20|" + "很长的医院名称" * 40

    assert proposal_ref(key) == proposal_ref(key)
    assert proposal_ref(key) != proposal_ref(key + "x")
    assert 24 == len(proposal_ref(key))


def _cli(files: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], cwd=files, capture_output=True, text=True, check=False
    )


def test_command_line_confirm_list_and_status_as_a_user_would(files: Path, db: Db) -> None:
    month = ["--roster", "roster.csv", "--state", "state.sqlite", "--json"]
    april = _cli(
        files,
        "dual-link",
        *month,
        "--sick-leave",
        "hr_sick_leave_2026-04.csv",
        "--insurance",
        "medical_insurance_2026-04.csv",
        "--month",
        "2026-04",
    )
    ref = next(
        p["ref"]
        for p in json.loads(april.stdout)["proposals"]
        if p["member_id"] == "P00005" and p["kind"] == "hospitalisation_subsidy"
    )
    target = ["--db", db.target, *(["--schema", db.schema] if db.schema else [])]
    confirm = [
        *target,
        "--state",
        "state.sqlite",
        "--on",
        "2026-05-06",
        "--roster",
        "roster.csv",
        "--json",
    ]

    first = _cli(files, "confirm", "--key", ref, *confirm)
    again = _cli(files, "confirm", "--key", ref, *confirm)
    listed = _cli(files, "list", "--state", "state.sqlite", "--json")
    text = _cli(files, "list", "--state", "state.sqlite", "--lang", "en")
    pending = _cli(files, "list", "--state", "state.sqlite", "--pending", "--json")
    may = _cli(
        files,
        "dual-link",
        *month,
        "--sick-leave",
        "hr_sick_leave_2026-05.csv",
        "--insurance",
        "medical_insurance_2026-05.csv",
        "--month",
        "2026-05",
    )

    assert 0 == april.returncode == first.returncode == again.returncode, first.stderr
    assert 2 == json.loads(april.stdout)["subsidies_awaiting_confirmation"]
    assert [(ref, "800.00")] == [
        (g["grant_id"], g["amount"]) for g in json.loads(first.stdout)["stored"]
    ]
    assert ([], [ref]) == (
        json.loads(again.stdout)["stored"],
        [g["grant_id"] for g in json.loads(again.stdout)["already_stored"]],
    )
    status = {p["ref"]: (p["status"], p["grant_id"]) for p in json.loads(listed.stdout)}
    assert ("confirmed", ref) == status[ref]
    assert ["P00002"] == [p["member_id"] for p in json.loads(pending.stdout)]
    assert "granted 2026-05-06" in text.stdout
    assert 2 == json.loads(may.stdout)["subsidies_awaiting_confirmation"]  # P00002, P00006
    for out in (april.stdout, first.stdout, listed.stdout, text.stdout):
        assert "医院" not in out and "110105196509300197" not in out


def test_command_line_missing_member_fails_with_its_id(files: Path, db: Db) -> None:
    _cli(
        files,
        "dual-link",
        "--roster",
        "roster.csv",
        "--state",
        "state.sqlite",
        "--sick-leave",
        "hr_sick_leave_2026-04.csv",
        "--insurance",
        "medical_insurance_2026-04.csv",
        "--month",
        "2026-04",
    )
    target = ["--db", db.target, *(["--schema", db.schema] if db.schema else [])]

    failed = _cli(
        files, "confirm", "--all", *target, "--state", "state.sqlite", "--on", "2026-05-06"
    )
    bad_date = _cli(files, "confirm", "--all", *target, "--state", "state.sqlite", "--on", "6 May")

    assert 1 == failed.returncode
    assert "P00002" in failed.stderr or "P00005" in failed.stderr
    assert 2 == bad_date.returncode
    assert "2026-05-31" in bad_date.stderr
