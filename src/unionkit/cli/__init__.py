"""The ``unionkit`` command line: a thin layer over the public, importable functions."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    """Run the ``unionkit`` command; exit 0 when clean, 1 when errors were found, 2 on misuse."""
    try:
        from unionkit.cli.app import app
    except ImportError as exc:  # the CLI needs the [cli] extra
        sys.stderr.write(
            f"unionkit's command line needs its extra: pip install 'unionkit[cli]' ({exc})\n"
        )
        raise SystemExit(2) from exc
    app(args=argv, prog_name="unionkit")
