"""Benchmark: the eight standard rules over a parquet roster, in-process and on Dask with 2 workers.

Run ``flock /tmp/bench.lock .venv/bin/python benchmarks/rules_dask.py`` (10,000,000
members by default; ``--members 1000000`` for a quick look). Both sides read the same
parquet file and write their results to parquet, so the figures include the I/O a
real run has. The in-process side is the engine on a pandas frame (and, for
reference, on plain numpy arrays already in memory); the Dask side is
``RuleSet.evaluate`` on ``dask.dataframe.read_parquet`` with a two-worker
``LocalCluster`` (one thread each), shuffled by household. The ratios are against
the in-process run measured in the same process; peak memory is sampled every
20 ms for this (client) process and for the Dask worker processes.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

GIB = 1024**3


class PeakRSS:
    """The peak resident memory of this process and of its child processes, sampled."""

    def __init__(self, every: float = 0.02) -> None:
        import psutil

        self._me = psutil.Process()
        self._every = every
        self.client = 0
        self.children = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.client = max(self.client, self._me.memory_info().rss)
            total = 0
            for child in self._me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except Exception:  # a worker that just exited
                    continue
            self.children = max(self.children, total)
            time.sleep(self._every)

    @contextmanager
    def watch(self) -> Iterator[PeakRSS]:
        """Sample while the block runs; the peaks are read afterwards."""
        self.client = self._me.memory_info().rss
        self.children = 0
        self._stop.clear()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """The wall time of one run of *fn*, and its result."""
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def totals(frame: Any, rules: tuple[str, ...]) -> dict[str, float]:
    """Per rule, the sum over all members: what both sides must agree on (order aside)."""
    return {r: float(frame[r].astype("float64").sum()) for r in rules}


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=10_000_000)
    parser.add_argument("--partition-rows", type=int, default=500_000)
    parser.add_argument("--worker-memory", default="5GiB")
    parser.add_argument(
        "--shuffle", choices=["p2p", "tasks"], default="p2p", help="Dask's shuffle method"
    )
    args = parser.parse_args()

    import dask
    import dask.dataframe as dd
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq
    from distributed import Client, LocalCluster

    import rules as bench

    rs = bench.ruleset()
    n = args.members
    work = Path(tempfile.mkdtemp(prefix="unionkit-dask-bench-"))
    peak = PeakRSS()
    try:
        data = bench.roster(n)
        source = work / "roster.parquet"
        table = pa.table(data)
        pq.write_table(table, source, row_group_size=args.partition_rows)
        input_bytes = sum(a.nbytes for a in data.values())
        del table
        print(
            f"rules on Dask: {n:,} members, {input_bytes / GIB:.2f} GiB of input columns, "
            f"parquet {source.stat().st_size / GIB:.2f} GiB in row groups of "
            f"{args.partition_rows:,}; {args.shuffle} shuffle; rule set {rs.version[:12]}, "
            f"as of {bench.AS_OF}"
        )

        t_numpy, _ = timed(lambda: rs.evaluate(data, bench.AS_OF))
        data.clear()

        def in_process() -> dict[str, float]:
            frame = pd.read_parquet(source)
            result = rs.evaluate(frame, bench.AS_OF).frame
            result.to_parquet(work / "in_process.parquet")
            return totals(result, bench.RULES)

        with peak.watch():
            t_local, local = timed(in_process)
        local_peak = peak.client

        # P2P shuffle logs a WARNING per shuffle: quiet, so that the figures stay readable.
        with (
            LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                scheduler_kwargs={"dashboard_address": ":0"},
                memory_limit=args.worker_memory,
                local_directory=str(work / "dask"),
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster),
        ):

            def on_dask() -> None:
                roster = dd.read_parquet(source, split_row_groups=True)
                result = rs.evaluate(roster, bench.AS_OF).frame
                result.to_parquet(work / "dask_out")

            with peak.watch(), dask.config.set({"dataframe.shuffle.method": args.shuffle}):
                t_dask, _ = timed(on_dask)
            client_peak, workers_peak = peak.client, peak.children
        out = pd.read_parquet(work / "dask_out")
        theirs = totals(out, bench.RULES)
        if len(out) != n or any(
            not np.isclose(local[r], theirs[r], rtol=0, atol=1e-6) for r in bench.RULES
        ):
            raise SystemExit(f"Dask and in-process disagree: {local} != {theirs}")
        del out
        print(
            f"{'':>24} {'wall':>9} {'ratio':>7} {'peak RSS':>10} {'peak/input':>10}\n"
            f"{'engine, numpy in memory':>24} {t_numpy:>8.2f}s {t_numpy / t_local:>7.2f}"
            f" {'':>10} {'':>10}\n"
            f"{'in-process pandas':>24} {t_local:>8.2f}s {1.0:>7.2f} "
            f"{local_peak / GIB:>8.2f}Gi {local_peak / input_bytes:>10.2f}\n"
            f"{'Dask, 2 workers: client':>24} {t_dask:>8.2f}s {t_dask / t_local:>7.2f} "
            f"{client_peak / GIB:>8.2f}Gi {client_peak / input_bytes:>10.2f}\n"
            f"{'Dask, 2 workers: workers':>24} {'':>9} {'':>7} "
            f"{workers_peak / GIB:>8.2f}Gi {workers_peak / input_bytes:>10.2f}"
        )
        print(
            "in-process and Dask agree on every rule's total (parquet in, parquet out); "
            "ratio = wall time / in-process pandas wall time"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
