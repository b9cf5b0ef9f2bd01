"""Helpers for the command-line tests: the ``--db`` a user passes, and running a command."""

from __future__ import annotations

from typer.testing import CliRunner

from store_support import StoreTarget
from unionkit.cli.app import app

runner = CliRunner()


def db_option(target: StoreTarget) -> str:
    """What a user passes to ``--db``: a SQLite file path, or a PostgreSQL URL (own schema)."""
    if target.schema is None:
        return target.target
    sep = "&" if "?" in target.target else "?"
    return f"{target.target}{sep}options=-csearch_path%3D{target.schema}"


def run(*args: str) -> tuple[int, str, str]:
    """Run ``unionkit ARGS``; return the exit code, stdout and stderr."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr
