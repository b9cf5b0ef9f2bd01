"""The example year can be replayed grant by grant: every grant has a decision record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from store_support import StoreTarget
from unionkit.benefits.spending import DEFAULT_SPENDING
from unionkit.cli.app import app
from unionkit.models import Grant, GrantForm
from unionkit.models.benefit import EntryKind
from unionkit.rules.parameters import Parameter, Parameters, ParameterValue
from unionkit.store import Store, list_grants, replay_grant, replay_year
from unionkit.store.sample_year import generate_sample_year

runner = CliRunner()
YEAR = 2025


@pytest.fixture
def db(store_target: StoreTarget) -> Iterator[str]:
    """A ``--db`` value for the generated year: a SQLite file or a PostgreSQL URL."""
    yield store_target.url


@pytest.fixture
def year(store_target: StoreTarget) -> Iterator[Store]:
    store = store_target.open()
    try:
        generate_sample_year(store, YEAR, members=300, demands=20, seed=3)
        yield store
    finally:
        store.close()


def _granted(store: Store) -> list[Grant]:
    return [g for g in list_grants(store, year=YEAR) if g.entry_kind is EntryKind.GRANT]


def test_every_grant_of_the_generated_year_has_a_decision_and_replays_the_same(
    year: Store,
) -> None:
    grants = _granted(year)
    assert len(grants) > 300  # festivals, birthdays, hospital visits, contest awards
    summary = replay_year(year, YEAR)
    assert summary.complete and summary.without_decision == ()
    assert (summary.grants, summary.same, summary.changed) == (len(grants), len(grants), ())
    # The batch replay says what replaying each grant alone says.
    for g in grants[:: max(1, len(grants) // 15)]:
        assert replay_grant(year, g.grant_id).agrees
    assert replay_year(year, YEAR + 1).grants == 0


def test_a_changed_rule_is_counted_and_named_grant_by_grant(year: Store) -> None:
    birthdays = [g for g in _granted(year) if g.benefit_id == "birthday"]
    assert birthdays and all(g.amount == Decimal(200) for g in birthdays)
    stricter = DEFAULT_SPENDING.overlay(
        Parameters(
            [
                Parameter(
                    "spending.per_event_cap.birthday",
                    "yuan",
                    "生日慰问每次上限",
                    "birthday, per event",
                    (ParameterValue(date(2025, 1, 1), Decimal(100), "某省 2025 新规"),),
                    source="某省 2025 新规",
                )
            ]
        )
    )
    summary = replay_year(year, YEAR, stricter)
    assert {r.grant_id for r in summary.changed} == {g.grant_id for g in birthdays}
    assert summary.same == summary.grants - len(birthdays)
    assert all(
        any("spending.per_event_cap.birthday" in c and "100" in c for c in r.changes)
        for r in summary.changed
    )


def test_a_grant_stored_without_a_decision_is_named(year: Store) -> None:
    year.add_grants(
        [
            Grant(
                grant_id="OLD-1",
                benefit_id="birthday",
                member_id=_granted(year)[0].member_id,
                amount=Decimal("50.00"),
                granted_on=date(YEAR, 6, 1),
                form=GrantForm.CAKE_VOUCHER,
                reason="旧系统导入",
            )
        ]
    )
    summary = replay_year(year, YEAR)
    assert summary.without_decision == ("OLD-1",) and not summary.complete


def test_the_command_replays_a_generated_year(db: str) -> None:
    made = runner.invoke(
        app, ["generate", "year", "--year", str(YEAR), "--members", "300", "--db", db]
    )
    assert made.exit_code == 0, made.output
    out = runner.invoke(app, ["grants", "replay", "--year", str(YEAR), "--db", db, "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["grants"] > 300 and data["same"] == data["grants"] and data["changed"] == 0
    assert data["without_decision"] == []
    text = runner.invoke(app, ["grants", "replay", "--year", str(YEAR), "--db", db, "--lang", "en"])
    assert text.exit_code == 0 and f"today's rules agree on {data['grants']}" in text.stdout
    both = runner.invoke(app, ["grants", "replay", "G1", "--year", str(YEAR), "--db", db])
    assert both.exit_code == 2
