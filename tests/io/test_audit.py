"""The audit log of revealed explanations: one JSON line per use, never the values, 0600."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest

from unionkit.io.audit import audit_log_path, record_reveal

WHEN = dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.UTC)


def test_a_reveal_is_one_line_saying_who_what_and_when(tmp_path: Path) -> None:
    log = tmp_path / "new" / "audit.log"
    roster = tmp_path / "roster.csv"

    written = record_reveal(
        roster=roster, member="H000013", rule="subsidy_amount", actor="李", when=WHEN, path=log
    )
    record_reveal(roster=roster, member="H000014", rule="age", actor="李", when=WHEN, path=log)

    assert written == log
    first, second = (json.loads(x) for x in log.read_text("utf-8").splitlines())
    assert first == {
        "when": "2026-06-01T09:30:00+00:00",
        "who": "李",
        "action": "explain --reveal",
        "roster": str(roster.resolve()),
        "member": "H000013",
        "rule": "subsidy_amount",
    }
    assert second["member"] == "H000014"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700


def test_the_log_moves_with_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNIONKIT_AUDIT_LOG", str(tmp_path / "a.log"))
    assert audit_log_path() == tmp_path / "a.log"
    monkeypatch.delenv("UNIONKIT_AUDIT_LOG")
    assert audit_log_path().name == "audit.log"
    assert "unionkit" in audit_log_path().parts
