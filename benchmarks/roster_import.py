"""Roster import speed: rows per second and peak memory, against plain ``csv.DictReader``.

Run: ``.venv/bin/python benchmarks/roster_import.py [--sizes 5400,100000,1000000] [--repeat 3]``.
Rosters are generated in-process (deterministic), written to a temporary CSV, then read
back twice: by ``csv.DictReader`` (the baseline: decoding and splitting only) and by
``unionkit.io.read_roster`` (decoding, mapping, validation, duplicate checks). Sizes count
rows (members plus relatives). The best of ``--repeat`` runs is printed, since the machine
may be shared.
"""

from __future__ import annotations

import argparse
import csv
import gc
import itertools
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from unionkit.io import read_roster
from unionkit.io.synthetic import REFERENCE_DATE, iter_roster, write_rows


def _baseline(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def _unionkit(path: Path) -> int:
    result = read_roster(path, today=REFERENCE_DATE)
    return len(result.members) + len(result.errors)


def _best(fn: Callable[[Path], int], path: Path, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn(path)
        best = min(best, time.perf_counter() - start)
    return best


def _peak_mib(fn: Callable[[Path], int], path: Path) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn(path)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    """Generate, write and import rosters of each size; print a table of the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5400,100000,1000000",
                        help="comma-separated row counts")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per size")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()}")
    print(f"{'rows':>9} {'baseline s':>11} {'unionkit s':>11} {'rows/s':>10} "
          f"{'x baseline':>10} {'peak MiB':>9} {'KiB/row':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"roster_{size}.csv"
            # Members plus relatives come to about 2.6 rows a member; cut at exactly `size`.
            rows = itertools.islice(iter_roster(size // 2 + 1, seed=size, bad_rows=6), size)
            write_rows(rows, path)
            base = _best(_baseline, path, args.repeat)
            ours = _best(_unionkit, path, args.repeat)
            peak = float("nan") if args.no_memory else _peak_mib(_unionkit, path)
            print(f"{size:>9} {base:>11.3f} {ours:>11.3f} {size / ours:>10.0f} "
                  f"{ours / base:>10.1f} {peak:>9.1f} {peak * 1024 / size:>8.2f}")
            path.unlink()


if __name__ == "__main__":
    main()
