"""Roster reading speed and memory: ``read_roster`` against ``pandas.read_csv(dtype=str)``.

Run: ``.venv/bin/python benchmarks/roster_import.py`` (100,000 rows; add ``--million`` for
1,000,000 rows too, or ``--sizes 5400,100000``). Rosters are generated deterministically
(:func:`unionkit.io.synthetic.iter_roster`, a few spoilt rows included), written to a
temporary UTF-8 CSV, then read back in this process by ``pandas.read_csv(dtype=str)`` (the
baseline the speed goal is set against: decoding and splitting only), by
``csv.DictReader`` (for reference) and by ``unionkit.io.read_roster`` (decoding, mapping,
validation, duplicate checks). Each time is the best of ``--repeat`` runs, since the
machine may be shared; ``x pandas`` is the ratio the goal (at most 5) is about. The
readers take turns within each round, and ``median x`` is the median over the rounds
of unionkit's time over pandas' in the same round: the steadier figure on a busy machine.

Peak memory (``--memory``, on by default with ``--million``) is measured in a fresh
subprocess per reader: the peak resident set size (``VmHWM``) minus the resident size
just before the read, so imports and the interpreter are not counted; ``--tracemalloc``
adds tracemalloc's peak of Python allocations (slower: every allocation is traced).
"""

from __future__ import annotations

import argparse
import csv
import gc
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from unionkit.io import read_roster
from unionkit.io.synthetic import REFERENCE_DATE, iter_roster, write_rows


def _csv_module(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


def _pandas(path: Path) -> int:
    import pandas as pd

    return len(pd.read_csv(path, dtype=str, encoding="utf-8-sig"))


def _unionkit(path: Path) -> int:
    result = read_roster(path, today=REFERENCE_DATE)
    return len(result.members) + len(result.errors)


READERS: dict[str, Callable[[Path], int]] = {
    "pandas": _pandas,
    "csv": _csv_module,
    "unionkit": _unionkit,
}


def _rounds(path: Path, repeat: int) -> tuple[dict[str, float], list[float]]:
    """
    Time each reader *repeat* times, the readers taking turns within each round.

    Returns the best time of each reader, and each round's ratio of ``unionkit`` to
    ``pandas``: on a shared machine the two runs of a round see much the same load, so
    the median of those ratios moves less than the ratio of the best times.
    """
    best = dict.fromkeys(READERS, float("inf"))
    ratios: list[float] = []
    for _ in range(repeat):
        took: dict[str, float] = {}
        for name, fn in READERS.items():
            gc.collect()
            start = time.perf_counter()
            fn(path)
            took[name] = time.perf_counter() - start
            best[name] = min(best[name], took[name])
        ratios.append(took["unionkit"] / took["pandas"])
    return best, ratios


def _status_kib(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{key} missing from /proc/self/status")


def _child(reader: str, path: Path, traced: bool) -> None:
    # Runs in a fresh interpreter: the reader's imports are done before the baseline.
    fn = READERS[reader]
    import pandas  # noqa: F401  (imported by every child alike)

    gc.collect()
    before = _status_kib("VmRSS")
    if traced:
        tracemalloc.start()
    fn(path)
    traced_peak = tracemalloc.get_traced_memory()[1] if traced else 0
    print(
        json.dumps(
            {
                "rss_before_mib": before / 1024,
                "peak_rss_mib": (_status_kib("VmHWM") - before) / 1024,
                "traced_peak_mib": traced_peak / 2**20,
            }
        )
    )


def _memory(reader: str, path: Path, traced: bool) -> dict[str, float]:
    args = [sys.executable, __file__, "--child", reader, str(path)]
    if traced:
        args.append("--tracemalloc")
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return figures


def main() -> None:
    """Generate, write and read rosters of each size; print a table of the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="comma-separated row counts")
    parser.add_argument("--million", action="store_true", help="add 1,000,000 rows (and memory)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per reader and size")
    parser.add_argument(
        "--memory",
        action="store_true",
        help="peak memory of each reader, each in a fresh subprocess",
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="with --memory: also tracemalloc's peak (slow)"
    )
    parser.add_argument("--child", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]), args.tracemalloc)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.million and 1_000_000 not in sizes:
        sizes.append(1_000_000)
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()}, best of {args.repeat}")
    print(
        f"{'rows':>9} {'pandas s':>9} {'csv s':>7} {'unionkit s':>10} {'rows/s':>9} "
        f"{'x pandas':>8} {'x csv':>6} {'median x':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"roster_{size}.csv"
            # Members plus relatives come to about 2.6 rows a member; cut at exactly `size`.
            rows = itertools.islice(iter_roster(size // 2 + 1, seed=size, bad_rows=6), size)
            write_rows(rows, path)
            repeat = args.repeat if size <= 200_000 else max(1, args.repeat // 2)
            times, ratios = _rounds(path, repeat)
            ours = times["unionkit"]
            print(
                f"{size:>9} {times['pandas']:>9.3f} {times['csv']:>7.3f} {ours:>10.3f} "
                f"{size / ours:>9.0f} {ours / times['pandas']:>8.2f} "
                f"{ours / times['csv']:>6.2f} {statistics.median(ratios):>8.2f}",
                flush=True,
            )
            if args.memory or (args.million and size >= 1_000_000):
                for name in ("pandas", "unionkit"):
                    mem = _memory(name, path, args.tracemalloc)
                    traced = (
                        f", tracemalloc peak {mem['traced_peak_mib']:.0f} MiB"
                        if args.tracemalloc
                        else ""
                    )
                    print(
                        f"{'':>9} {name}: peak RSS +{mem['peak_rss_mib']:.0f} MiB "
                        f"({mem['peak_rss_mib'] * 1024 / size:.2f} KiB/row){traced}",
                        flush=True,
                    )
            path.unlink()


if __name__ == "__main__":
    main()
