"""The README's commands as ``tools/readme_commands.py`` reads them (it runs them in tools/test)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from readme_commands import commands  # noqa: E402


def test_the_set_up_installs_every_extra_the_commands_need() -> None:
    setup, runs = commands((ROOT / "README.md").read_text(encoding="utf-8"))

    assert setup.startswith("python3 -m venv .venv && .venv/bin/pip install")
    for extra in ("cli", "excel", "frames", "db"):
        assert extra in setup.split('"')[1]
    assert any(" demands generate " in c for c in runs)
    assert any(c.startswith(".venv/bin/unionkit postal confirm") for c in runs)
    assert "bash tools/test" not in runs
    # no placeholder the shell would read as a redirect
    assert not any("<" in c or ">" in c for c in runs)


def test_the_postal_plugin_declares_what_its_commands_import() -> None:
    pyproject = (ROOT / "plugins" / "unionkit-postal" / "pyproject.toml").read_text("utf-8")

    assert '"unionkit[cli,db]>=0.1,<0.2"' in pyproject
