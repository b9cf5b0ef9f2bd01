"""``unionkit budgets set|list`` end to end on SQLite and PostgreSQL, in both languages."""

from __future__ import annotations

import json

import pytest
from cli_support import db_option, run

from store_support import StoreTarget


@pytest.fixture
def db(store_target: StoreTarget) -> str:
    """The store as a user names it on the command line."""
    store_target.open().close()
    return db_option(store_target)


def _set(db: str, amount: str, source: str, *extra: str) -> tuple[int, str, str]:
    return run(
        "budgets",
        "set",
        "--db",
        db,
        "--year",
        "2025",
        "--category",
        "hardship_aid",
        "--amount",
        amount,
        "--source",
        source,
        "--by",
        "finance",
        *extra,
    )


def test_set_change_and_list_with_history(db: str) -> None:
    code, out, err = _set(db, "50000", "会议纪要2025-1")
    assert code == 0, err
    assert "2025/hardship_aid 预算 50000.00 元（依据：会议纪要2025-1；设定人：finance）" in out
    code, out, err = _set(db, "60000.5", "调整决议2025-7", "--lang", "en", "--json")
    assert code == 0, err
    changed = json.loads(out)
    assert (changed["amount"], changed["supersedes"]) == ("60000.50", 1)
    code, out, _ = run("budgets", "list", "--db", db, "--year", "2025", "--json")
    assert [(b["category"], b["amount"]) for b in json.loads(out)] == [("hardship_aid", "60000.50")]
    code, out, _ = run(
        "budgets", "list", "--db", db, "--year", "2025", "--category", "hardship_aid"
    )
    lines = out.strip().splitlines()
    assert len(lines) == 2 and "50000.00" in lines[0] and "困难帮扶" in lines[1]
    code, out, _ = run("budgets", "list", "--db", db, "--year", "2024", "--lang", "en")
    assert out.strip() == "No budgets."


def test_a_bad_amount_is_refused_naming_the_field_and_nothing_is_stored(db: str) -> None:
    code, _out, err = _set(db, "100.555", "D1")
    assert code == 1
    assert "amount:" in err and "2025/hardship_aid" in err
    assert json.loads(run("budgets", "list", "--db", db, "--json")[1]) == []
