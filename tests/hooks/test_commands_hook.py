"""The ``unionkit_register_commands`` hook: plugins add commands to the command line."""

from __future__ import annotations

import subprocess
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from unionkit.errors import PluginConflict, PluginError
from unionkit.hooks import PluginHost, hookimpl


def _plugin(register: Callable[..., object]) -> types.ModuleType:
    module = types.ModuleType("uk_fake_commands")
    module.unionkit_register_commands = hookimpl(register)  # type: ignore[attr-defined]
    return module


def _root() -> typer.Typer:
    root = typer.Typer(no_args_is_help=True)

    @root.command("evaluate")
    def evaluate() -> None:
        typer.echo("evaluate")

    return root


def test_hook_unionkit_register_commands(plugin_host: PluginHost) -> None:
    group = typer.Typer()

    @group.command("hello")
    def hello(name: str) -> None:
        typer.echo(f"你好 {name}")

    def register(app: typer.Typer) -> None:
        app.add_typer(group, name="branchx")

    plugin_host.register(_plugin(register), "branchx")
    root = _root()

    plugin_host.register_commands(root)
    result = CliRunner().invoke(root, ["branchx", "hello", "张三"])

    assert 0 == result.exit_code, result.output
    assert "你好 张三" in result.stdout


def test_a_command_name_already_taken_is_a_conflict_naming_both(plugin_host: PluginHost) -> None:
    def register(app: typer.Typer) -> None:
        app.command("evaluate")(lambda: None)

    plugin_host.register(_plugin(register), "thief")

    with pytest.raises(PluginConflict) as caught:
        plugin_host.register_commands(_root())

    assert "thief" in str(caught.value) and "unionkit" in str(caught.value)


def test_a_failing_plugin_is_named(plugin_host: PluginHost) -> None:
    def register(app: typer.Typer) -> None:
        raise RuntimeError("boom")

    plugin_host.register(_plugin(register), "broken")

    with pytest.raises(PluginError) as caught:
        plugin_host.register_commands(_root())

    assert "broken" in str(caught.value) and "unionkit_register_commands" in str(caught.value)


def test_the_postal_plugin_is_a_unionkit_subcommand_and_keeps_its_alias() -> None:
    exe = str(Path(sys.executable).with_name("unionkit"))
    as_sub = subprocess.run(
        [exe, "postal", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={"LANG": "zh_CN.UTF-8", "COLUMNS": "80"},
    )
    alias = subprocess.run(
        [sys.executable, "-m", "unionkit_postal.cli", "list", "--help", "--lang", "en"],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "80"},
    )

    assert 0 == as_sub.returncode, as_sub.stderr
    assert "dual-link" in as_sub.stdout and "每月双联通" in as_sub.stdout
    assert "Usage:" not in as_sub.stdout  # the same Chinese frame as unionkit's own help
    assert 0 == alias.returncode, alias.stderr
    assert "--pending" in alias.stdout and "只列" not in alias.stdout
