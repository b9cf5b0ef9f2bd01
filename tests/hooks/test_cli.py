"""``unionkit plugins``: listing plugins and their differences from the standard rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from unionkit.cli.app import app

EXAMPLE_ROSTER = Path(__file__).resolve().parents[2] / "examples" / "roster.csv"


def test_plugins_lists_installed_plugin_with_version_branches_and_hooks(
    install: Callable[..., None],
) -> None:
    install("good")

    result = CliRunner().invoke(app, ["plugins", "--json"])

    assert 0 == result.exit_code, result.output
    plugins = {p["name"]: p for p in json.loads(result.output)["plugins"]}
    assert "1.2.3" == plugins["fake-good"]["version"]
    assert ["alpha"] == plugins["fake-good"]["branches"]
    assert "unionkit_register_rules" in plugins["fake-good"]["hooks"]
    assert plugins["unionkit"]["builtin"]


def test_plugins_diff_shows_what_a_plugin_adds_for_its_branch(
    install: Callable[..., None],
) -> None:
    install("good")

    result = CliRunner().invoke(app, ["plugins", "--diff", "--branch", "alpha", "--json"])

    assert 0 == result.exit_code, result.output
    entries = json.loads(result.output)["diff"]["alpha"]
    assert {"kind": "rule", "name": "fake_long_sick", "plugin": "fake-good", "change": "added"} in [
        {k: e[k] for k in ("kind", "name", "plugin", "change")} for e in entries
    ]


def test_plugins_reports_a_broken_plugin_and_exits_1(install: Callable[..., None]) -> None:
    install("unimportable")

    result = CliRunner().invoke(app, ["plugins"])

    assert 1 == result.exit_code
    assert "fake-unimportable" in result.output


def test_evaluate_with_a_plugin_uses_its_rules_for_its_branch(
    install: Callable[..., None], tmp_path: Path
) -> None:
    install("good")
    roster = tmp_path / "roster.csv"
    with open(EXAMPLE_ROSTER, encoding="utf-8-sig") as src:
        head = [next(src) for _ in range(4)]
    roster.write_text("".join(head), encoding="utf-8")
    out = tmp_path / "out.csv"

    result = CliRunner().invoke(
        app,
        [
            "evaluate",
            str(roster),
            "--as-of",
            "2026-06-01",
            "--out",
            str(out),
            "--plugin",
            "fake-good",
            "--rules",
            "fake_long_sick",
            "--json",
        ],
    )
    without = CliRunner().invoke(
        app,
        [
            "evaluate",
            str(roster),
            "--as-of",
            "2026-06-01",
            "--out",
            str(out),
            "--rules",
            "fake_long_sick",
        ],
    )

    assert 0 == result.exit_code, result.output
    assert "fake_long_sick" in out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert 0 != without.exit_code  # the standard rules alone have no such rule


def test_evaluate_refuses_an_unknown_plugin(install: Callable[..., None], tmp_path: Path) -> None:
    install("good")

    result = CliRunner().invoke(
        app,
        [
            "evaluate",
            str(EXAMPLE_ROSTER),
            "--as-of",
            "2026-06-01",
            "--out",
            str(tmp_path / "o.csv"),
            "--plugin",
            "nonesuch",
        ],
    )

    assert 1 == result.exit_code
    assert "nonesuch" in result.output
