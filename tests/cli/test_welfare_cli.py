"""``unionkit welfare``: the hospital plugin's goods shop end to end, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unionkit.cli.app import app
from unionkit.models import Member
from unionkit.store import open_store

runner = CliRunner()
SHOP = ["--branch", "hospital"]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("UNIONKIT_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    path = tmp_path / "union.db"
    with open_store(path) as store:
        store.add_members([Member.model_validate({"member_id": "A", "name": "张三"})])
    return str(path)


def run(db: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["welfare", *args, "--db", db])
    return result.exit_code, result.output


def test_sync_choose_place_and_deliver(db: str) -> None:
    synced = run(db, "sync", *SHOP, "--on", "2026-09-01", "--lang", "en")
    chosen = run(
        db,
        "choose",
        "A",
        *SHOP,
        "--item",
        "mooncakes:2",
        "--item",
        "rice-oil:5",
        "--order",
        "A-1",
        "--on",
        "2026-09-01",
        "--at",
        "2026-09-01T09:00",
        "--json",
    )
    placed = run(db, "place", "A-1", *SHOP, "--at", "2026-09-01T10:00", "--json")
    run(db, "status", "A-1", "shipped", "--note", "SF123", "--at", "2026-09-03T08:00")
    run(db, "status", "A-1", "已送达", "--at", "2026-09-05T08:00")
    back = run(db, "status", "A-1", "shipped", "--at", "2026-09-06T08:00")
    shown = run(db, "show", "A-1", "--json")

    assert (0, "synced hospital-holiday-goods's catalogue: 4 items\n") == synced
    assert 0 == chosen[0]
    assert "1306.00" == json.loads(chosen[1])["total"]  # 2 x 158 + 5 x 198
    assert placed[1].count("HG-") == 1 and json.loads(placed[1])["status"] == "placed"
    assert 1 == back[0]
    assert "cannot move from delivered to shipped" in back[1]
    history = json.loads(shown[1])["history"]
    assert ["chosen", "placed", "shipped", "delivered"] == [e["to"] for e in history]
    assert "SF123" == history[2]["note"]


def test_over_the_quota_or_an_unknown_item_is_refused(db: str) -> None:
    run(db, "sync", *SHOP, "--on", "2026-09-01")
    run(
        db,
        "choose",
        "A",
        *SHOP,
        "--item",
        "rice-oil:7",
        "--order",
        "A-1",
        "--on",
        "2026-09-01",
        "--at",
        "2026-09-01T09:00",
    )

    over = run(
        db,
        "choose",
        "A",
        *SHOP,
        "--item",
        "books",
        "--order",
        "A-2",
        "--on",
        "2026-09-01",
        "--at",
        "2026-09-01T09:00",
    )
    unknown = run(
        db,
        "choose",
        "A",
        *SHOP,
        "--item",
        "caviar",
        "--order",
        "A-3",
        "--on",
        "2026-09-01",
        "--at",
        "2026-09-01T09:00",
    )
    nobody = run(
        db,
        "choose",
        "Z",
        *SHOP,
        "--item",
        "books",
        "--order",
        "Z-1",
        "--on",
        "2026-09-01",
        "--at",
        "2026-09-01T09:00",
    )
    bad = run(db, "choose", "A", *SHOP, "--item", "books:x", "--order", "A-4", "--on", "2026-09-01")

    assert 1 == over[0] and "114.00" in over[1]  # 1,500 - 7 x 198 left
    assert 1 == unknown[0] and "caviar" in unknown[1]
    assert 1 == nobody[0] and "'Z'" in nobody[1]
    assert 2 == bad[0]
    with open_store(db) as store:
        from unionkit.store import WelfareOrders

        assert 1 == WelfareOrders(store).count_rows()["welfare_orders"]


def test_a_provider_is_needed_for_sync(db: str) -> None:
    code, text = run(db, "sync", "--on", "2026-09-01")

    assert 2 == code
    assert "--branch" in text


def test_listing_the_stored_catalogue(db: str) -> None:
    run(db, "sync", *SHOP, "--on", "2026-06-01")

    code, text = run(db, "catalogue", "hospital-holiday-goods", "--json")

    assert 0 == code
    assert {"rice-oil", "fruit-box", "zongzi", "books"} == {i["item_id"] for i in json.loads(text)}


def test_tracking_needs_a_provider_that_reports_statuses(db: str) -> None:
    run(db, "sync", *SHOP, "--on", "2026-09-01")
    run(
        db,
        "choose",
        "A",
        *SHOP,
        "--item",
        "books",
        "--order",
        "A-1",
        "--on",
        "2026-09-01",
        "--at",
        "2026-09-01T09:00",
    )
    run(db, "place", "A-1", *SHOP, "--at", "2026-09-01T10:00")

    code, text = run(db, "track", "A-1", *SHOP, "--at", "2026-09-02T10:00")

    assert 1 == code
    assert "does not report delivery statuses" in text
