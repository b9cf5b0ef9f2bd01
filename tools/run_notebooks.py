"""Execute every notebook in examples/ with nbclient; fail on an error or an oversized output.

Called from ``tools/test``; needs the ``dev`` extra (nbclient, ipykernel) and, for the
chart, a Chinese font (Debian's ``fonts-noto-cjk``, which ``tools/test`` installs).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
MAX_OUTPUT_BYTES = 200_000
"""A notebook's outputs above this mean a repr dumped a whole roster into it."""


def main() -> int:
    """Run each notebook from examples/ (as Jupyter would); return 0 when all ran."""
    failed = 0
    for path in sorted((ROOT / "examples").glob("*.ipynb")):
        book = nbformat.read(path, as_version=4)
        started = time.monotonic()
        try:
            NotebookClient(
                book,
                timeout=600,
                kernel_name="python3",
                resources={"metadata": {"path": str(path.parent)}},
            ).execute()
        except Exception as exc:  # any cell's error: report it and go on to the next notebook
            print(f"FAILED {path.name}: {type(exc).__name__}: {str(exc)[-2000:]}")
            failed += 1
            continue
        size = sum(
            len(
                nbformat.writes(
                    nbformat.from_dict(
                        {"cells": [c], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
                    )
                )
            )
            for c in book.cells
        )
        state = "ok" if size <= MAX_OUTPUT_BYTES else f"FAILED: {size:,} bytes of output"
        failed += state != "ok"
        print(f"{state} {path.name} {time.monotonic() - started:.1f}s, {size:,} bytes")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
