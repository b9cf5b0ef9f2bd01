"""Plugin failures are printed masked by every command; a misspelt branch is named."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unionkit.cli.app import app

FAKES = Path(__file__).resolve().parent / "plugins"
EXAMPLE_ROSTER = Path(__file__).resolve().parents[2] / "examples" / "roster.csv"
RESIDENT_ID = "110105199001011232"
PHONE = "13812345678"
runner = CliRunner()


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Put a fake distribution (a folder of ``tests/security/plugins``) on ``sys.path``."""
    before = set(sys.modules)
    monkeypatch.delenv("UNIONKIT_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("UNIONKIT_DISABLED_PLUGINS", raising=False)
    yield lambda scenario: monkeypatch.syspath_prepend(str(FAKES / scenario))
    for name in set(sys.modules) - before:
        if name.startswith("uk_fake_"):
            del sys.modules[name]


def _assert_masked(text: str) -> None:
    assert RESIDENT_ID not in text and PHONE not in text
    assert "Traceback" not in text


def test_evaluate_masks_a_failing_plugin(install: Callable[[str], None], tmp_path: Path) -> None:
    install("leaky")

    done = runner.invoke(
        app,
        [
            "evaluate",
            str(EXAMPLE_ROSTER),
            "--branch",
            "leaky",
            "--out",
            str(tmp_path / "out.csv"),
            "--as-of",
            "2025-06-01",
        ],
    )

    assert done.exit_code != 0
    assert "fake-leaky" in done.output
    _assert_masked(done.output)


def test_plugins_command_masks_an_import_failure(install: Callable[[str], None]) -> None:
    install("leaky_import")

    done = runner.invoke(app, ["plugins"])

    assert 1 == done.exit_code
    assert "fake-leaky-import" in done.output
    _assert_masked(done.output)


def test_postal_command_masks_an_import_failure(
    install: Callable[[str], None], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from unionkit_postal.cli import main

    install("leaky_import")
    empty = tmp_path / "x.csv"
    empty.write_text("a\n", encoding="utf-8")

    code = main(
        [
            "dual-link",
            "--roster",
            str(EXAMPLE_ROSTER),
            "--sick-leave",
            str(empty),
            "--insurance",
            str(empty),
            "--state",
            str(tmp_path / "s.db"),
            "--month",
            "2025-03",
        ]
    )

    err = capsys.readouterr().err
    assert 1 == code
    assert "fake-leaky-import" in err
    _assert_masked(err)


def test_demands_masks_a_failing_router(install: Callable[[str], None], tmp_path: Path) -> None:
    install("leaky")
    db = str(tmp_path / "d.db")
    from unionkit.models import Member
    from unionkit.store import open_store

    with open_store(db) as store:
        store.add_members([Member(member_id="M1", name="张三")])
        store.submit_demand(member_id="M1", kind="request", title="t", content="c", demand_id="R1")

    done = runner.invoke(
        app,
        [
            "demands",
            "transition",
            "R1",
            "accept",
            "--actor",
            "office",
            "--category",
            "canteen",
            "--db",
            db,
            "--branch",
            "leaky",
        ],
    )

    assert 1 == done.exit_code
    _assert_masked(done.output)


def test_a_misspelt_branch_lists_the_known_ones() -> None:
    done = runner.invoke(
        app,
        [
            "evaluate",
            str(EXAMPLE_ROSTER),
            "--branch",
            "hospitl",
            "--as-of",
            "2025-06-01",
            "--out",
            "unused.csv",
        ],
    )

    assert 2 == done.exit_code
    assert "unknown branch 'hospitl'" in done.stderr
    assert "hospital" in done.stderr and "postal" in done.stderr


def test_plugins_diff_names_a_misspelt_branch() -> None:
    done = runner.invoke(app, ["plugins", "--diff", "--branch", "hospitl"])

    assert 2 == done.exit_code
    assert "unknown branch 'hospitl'" in done.stderr and "hospital" in done.stderr
