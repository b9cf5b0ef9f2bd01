"""Run the command line as ``python -m unionkit``."""

from __future__ import annotations

from unionkit.cli import main

if __name__ == "__main__":
    main()
