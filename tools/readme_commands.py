"""Run every command README.md shows, on a fresh clone, after only the README's own set-up.

The set-up command is the console block after the ``readme-test: setup`` marker, run
exactly as written; every other command is a line of a ``console`` block or a code span
starting with ``.venv/bin/`` (the "then" in a table cell separates two commands). A block
after a ``readme-test: skip`` marker is not run (``bash tools/test`` is this test's own
caller). Any non-zero exit fails the run. Called from ``tools/test``; run it alone with
``python3 tools/readme_commands.py [--keep]``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"<!--\s*readme-test:\s*(\w+)")
BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)
SPAN = re.compile(r"`(\.venv/bin/[^`]+)`")


def commands(readme: str) -> tuple[str, list[str]]:
    """Return the set-up command and the other commands, in the order the README shows them."""
    setup: str | None = None
    found: list[tuple[int, str]] = []
    for block in BLOCK.finditer(readme):
        before = readme[: block.start()].rstrip().splitlines()[-1:]
        marker = MARKER.search(before[0]) if before else None
        lines = [line.strip() for line in block.group(1).splitlines() if line.strip()]
        if marker and marker.group(1) == "setup":
            if setup is not None or len(lines) != 1:
                raise SystemExit("README.md: exactly one one-line set-up block is expected")
            setup = lines[0]
        elif not (marker and marker.group(1) == "skip"):
            found.extend((block.start(), line) for line in lines)
    for span in SPAN.finditer(readme):
        if not _inside_block(readme, span.start()):
            found.append((span.start(), span.group(1)))
    if setup is None:
        raise SystemExit("README.md has no set-up block marked <!-- readme-test: setup -->")
    return setup, [command for _, command in sorted(found)]


def _inside_block(text: str, position: int) -> bool:
    return text[:position].count("```") % 2 == 1


def main(argv: list[str]) -> int:
    """Clone, set up as the README says, run each command; return 0 when all succeeded."""
    keep = "--keep" in argv
    setup, runs = commands((ROOT / "README.md").read_text(encoding="utf-8"))
    dirty = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    if dirty:
        print("note: uncommitted changes are not in the clone; the committed HEAD is tested")
    work = Path(tempfile.mkdtemp(prefix="unionkit-readme-"))
    clone = work / "unionkit"
    # A clone of what is committed: the README is tested against what a user would get.
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("UNIONKIT_", "VIRTUAL_ENV", "PYTHON"))
    }
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    # The commands' per-user files (the store key, added holiday years) stay in the run.
    env["XDG_CONFIG_HOME"] = str(work / "config")
    env["XDG_DATA_HOME"] = str(work / "data")
    failed = []
    for i, command in enumerate([setup, *runs]):
        started = time.monotonic()
        done = subprocess.run(
            ["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True, check=False
        )
        took = time.monotonic() - started
        state = "ok" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
        print(f"[{i}] {state} {took:6.1f}s  {command}", flush=True)
        if done.returncode != 0:
            failed.append(command)
            sys.stdout.write(done.stdout[-3000:])
            sys.stdout.write(done.stderr[-3000:])
            if i == 0:
                break  # nothing else can run without the set-up
    if keep:
        print(f"clone kept in {clone}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if failed:
        print(f"{len(failed)} README command(s) failed", file=sys.stderr)
        return 1
    print(f"all {len(runs) + 1} README commands succeeded")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
