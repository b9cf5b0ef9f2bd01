"""``unionkit plugins``: listing plugins and their differences from the standard rules."""

from __future__ import annotations

import json
from collections.abc import Callable

from typer.testing import CliRunner

from unionkit.cli.app import app


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
    assert {"kind": "rule", "name": "fake_long_sick", "plugin": "fake-good", "change": "added"} \
        in [{k: e[k] for k in ("kind", "name", "plugin", "change")} for e in entries]


def test_plugins_reports_a_broken_plugin_and_exits_1(install: Callable[..., None]) -> None:
    install("unimportable")

    result = CliRunner().invoke(app, ["plugins"])

    assert 1 == result.exit_code
    assert "fake-unimportable" in result.output
