"""``unionkit plugin new``: the generated package passes its own tests and mypy as generated."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unionkit.cli.app import app
from unionkit.scaffold import PluginNameError, new_plugin


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd / "src")}
    env.pop("UNIONKIT_DISABLED_PLUGINS", None)
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.slow
def test_a_generated_plugin_passes_its_own_tests_and_mypy(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["plugin", "new", "hospital-east", "--dir", str(tmp_path)])
    root = tmp_path / "unionkit-hospital-east"

    tests = _run(["pytest", "-q", "-p", "no:cacheprovider", "tests"], root)
    typed = _run(["mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"), "src", "tests"], root)

    assert 0 == result.exit_code, result.output
    assert (root / "src" / "unionkit_hospital_east" / "py.typed").exists()
    assert 'hospital-east = "unionkit_hospital_east.hooks"' in (root / "pyproject.toml").read_text(
        encoding="utf-8"
    )
    assert 0 == tests.returncode, tests.stdout + tests.stderr
    # the pytest test and the YAML rule test's one case
    assert "2 passed" in tests.stdout
    assert 0 == typed.returncode, typed.stdout


def test_the_generated_criterion_is_limited_to_union_members(tmp_path: Path) -> None:
    root = new_plugin("railway", tmp_path)

    rules = (root / "src" / "unionkit_railway" / "rules" / "hardship.yaml").read_text("utf-8")

    assert "expr: is_member and sick_leave_days >= $railway.hardship.sick_leave_days" in rules


@pytest.mark.parametrize("name", ["Railway", "rail_way", "-x", "铁路", ""])
def test_a_bad_name_or_an_existing_folder_is_refused(name: str, tmp_path: Path) -> None:
    with pytest.raises(PluginNameError):
        new_plugin(name, tmp_path)
    new_plugin("railway", tmp_path)
    with pytest.raises(PluginNameError, match="exists"):
        new_plugin("railway", tmp_path)
    assert 2 == CliRunner().invoke(app, ["plugin", "new", "Bad Name"]).exit_code
