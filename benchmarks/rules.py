"""Benchmark of the rules engine: the eight standard rules against hand-written numpy and polars.

Run ``.venv/bin/python benchmarks/rules.py`` (add ``--sizes 5400,100000`` to skip the
million-member roster). Every figure is the best of several runs, because the machine
is shared; ratios are against baselines measured in the same process.

The memory-and-speed section runs each variant (the engine, hand-written numpy with and
without the engine's per-day age table, hand-written polars) in a fresh child process
over the same roster and prints its peak RSS over the input columns' size and the wall
and CPU time ratios. ``--members 10000000 --only-scale`` is the real measurement (it
needs about 1.5 GiB per process: run it under ``flock /tmp/bench.lock``); the default is
a million members.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from unionkit.rules import (
    Bracket,
    Parameter,
    Parameters,
    ParameterValue,
    Rule,
    RuleSet,
    Scale,
    field,
    group_count,
    group_sum,
    param,
    ref,
    scale_lookup,
    where,
    years_since,
)

AS_OF = dt.date(2025, 6, 1)
HH = "household_id"
RULES = (
    "screening_eligible",
    "low_income_hardship",
    "hospital_subsidy",
    "long_tenure",
    "sole_earner",
    "hardship_eligible",
    "hardship_score",
    "subsidy_amount",
)
WEIGHTS = {"low_income": 0.5, "hospital": 0.3, "sole_earner": 0.2, "illness": 0.4}
BRACKETS = ((Decimal("0.3"), 500), (Decimal("0.6"), 1000), (Decimal("0.9"), 2000))
THRESHOLD_YUAN = 2000


def parameters() -> Parameters:
    """The standard rules' parameters."""
    p = Parameters()
    since = dt.date(2020, 1, 1)
    p.add(Parameter("screening.min_age", "years", values=[ParameterValue(since, 40)]))
    p.add(
        Parameter(
            "hardship.income_threshold",
            "yuan",
            values=[
                ParameterValue(dt.date(2023, 1, 1), Decimal("1800")),
                ParameterValue(dt.date(2025, 1, 1), Decimal(THRESHOLD_YUAN)),
            ],
        )
    )
    p.add(Parameter("hospital.min_sick_days", "days", values=[ParameterValue(since, 15)]))
    p.add(Parameter("tenure.long_years", "years", values=[ParameterValue(since, 30)]))
    p.add(Parameter("hardship.large_household", "people", values=[ParameterValue(since, 3)]))
    for key, weight in WEIGHTS.items():
        p.add(Parameter(f"hardship.weight.{key}", "points", values=[ParameterValue(since, weight)]))
    p.add(
        Parameter(
            "hardship.subsidy_brackets",
            "yuan",
            values=[ParameterValue(since, Scale([Bracket(t, a) for t, a in BRACKETS]))],
        )
    )
    return p


def ruleset() -> RuleSet:
    """The eight standard rules written with the Python API."""
    per_capita = (
        (group_sum(field("annual_income"), by=HH) - group_sum(field("rigid_spending"), by=HH))
        / 12
        / group_count(by=HH)
    )
    earners = group_count(by=HH, where=field("annual_income") > 0)
    score = (
        where(ref("low_income_hardship"), param("hardship.weight.low_income"), 0.0)
        + where(ref("hospital_subsidy"), param("hardship.weight.hospital"), 0.0)
        + where(ref("sole_earner"), param("hardship.weight.sole_earner"), 0.0)
        + where(field("serious_illness"), param("hardship.weight.illness"), 0.0)
    )
    rules = [
        Rule(
            "screening_eligible",
            years_since(field("birth_date")) >= param("screening.min_age"),
            "肿瘤筛查",
            "tumor screening",
            "bool",
        ),
        Rule(
            "low_income_hardship",
            per_capita < param("hardship.income_threshold"),
            "低收入困难",
            "low-income hardship",
            "bool",
        ),
        Rule(
            "hospital_subsidy",
            field("sick_leave_days") >= param("hospital.min_sick_days"),
            "住院补助",
            "hospitalisation subsidy",
            "bool",
        ),
        Rule(
            "long_tenure",
            years_since(field("hire_date")) >= param("tenure.long_years"),
            "长期工龄",
            "long tenure",
            "bool",
        ),
        Rule(
            "sole_earner",
            (field("annual_income") > 0)
            & earners.eq(1)
            & (group_count(by=HH) >= param("hardship.large_household")),
            "大家庭唯一收入者",
            "sole earner",
            "bool",
        ),
        Rule(
            "hardship_eligible",
            ref("low_income_hardship")
            | ref("hospital_subsidy")
            | ref("sole_earner")
            | field("serious_illness"),
            "困难帮扶资格",
            "hardship eligible",
            "bool",
        ),
        Rule("hardship_score", score, "困难评分", "hardship score", "number"),
        Rule(
            "subsidy_amount",
            where(
                ref("hardship_eligible"),
                scale_lookup("hardship.subsidy_brackets", ref("hardship_score")),
                0,
            ),
            "补助金额",
            "subsidy amount",
            "money",
        ),
    ]
    return RuleSet(rules, parameters())


def roster(n: int, seed: int = 7) -> dict[str, np.ndarray[Any, Any]]:
    """A roster of *n* members in households of about three, in random order."""
    rng = np.random.default_rng(seed)
    households = max(1, n // 3)
    income = np.round(rng.gamma(2.0, 30000.0, n), 2)
    income[rng.random(n) < 0.3] = 0.0
    return {
        HH: rng.permutation(np.arange(n) % households).astype(np.int64) + 10_000_000,
        "birth_date": np.datetime64("1955-01-01") + rng.integers(0, 18000, n),
        "hire_date": np.datetime64("1985-01-01") + rng.integers(0, 14000, n),
        "annual_income": income,
        "rigid_spending": np.round(rng.uniform(0, 30000, n), 2),
        "sick_leave_days": rng.integers(0, 31, n),
        "serious_illness": rng.random(n) < 0.03,
    }


def _fen(x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    y = x * 100.0
    a = np.abs(y)
    f = np.floor(a)
    out: np.ndarray[Any, Any] = np.copysign(f + (a - f >= 0.5 - 1e-6), y).astype(np.int64)
    return out


def _half_up(n: np.ndarray[Any, Any], d: Any) -> np.ndarray[Any, Any]:
    out: np.ndarray[Any, Any] = (
        (2 * np.abs(n) + np.abs(d)) // (2 * np.abs(d)) * (np.sign(n) * np.sign(d))
    )
    return out


def _years(d: np.ndarray[Any, Any], as_of: dt.date) -> np.ndarray[Any, Any]:
    y = d.astype("datetime64[Y]").astype(np.int64)
    months = d.astype("datetime64[M]")
    m = months.astype(np.int64) - y * 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    out: np.ndarray[Any, Any] = (
        as_of.year - (y + 1970) - ((as_of.month * 100 + as_of.day) < (m * 100 + day))
    )
    return out


def _years_by_day(d: np.ndarray[Any, Any], as_of: dt.date) -> np.ndarray[Any, Any]:
    """Whole years as the engine computes them: once per calendar day in the column, gathered."""
    days = d.astype("datetime64[D]").view(np.int64)
    lo, hi = int(days.min()), int(days.max())
    span = np.arange(lo, hi + 1, dtype=np.int64).view("datetime64[D]")
    out: np.ndarray[Any, Any] = _years(span, as_of)[days - lo]
    return out


def numpy_rules(
    d: dict[str, np.ndarray[Any, Any]], as_of: dt.date, *, age_table: bool = False
) -> dict[str, Any]:
    """
    The eight rules by hand in numpy, with the same money rounding as the engine.

    With *age_table*, ages are worked out once per calendar day and gathered, as the
    engine does, instead of once per member: the fair baseline for the engine's speed.
    """
    years = _years_by_day if age_table else _years
    income, rigid = _fen(d["annual_income"]), _fen(d["rigid_spending"])
    keys = d[HH]
    lo = keys.min()
    offset = keys - lo
    present = np.bincount(offset) > 0
    codes = (np.cumsum(present) - 1)[offset]
    groups = int(present.sum())
    size = np.bincount(codes, minlength=groups)
    net = np.rint(
        np.bincount(codes, weights=income, minlength=groups)
        - np.bincount(codes, weights=rigid, minlength=groups)
    ).astype(np.int64)
    per_capita = _half_up(_half_up(net, 12), size)
    low = (per_capita < THRESHOLD_YUAN * 100)[codes]
    hospital = d["sick_leave_days"] >= 15
    earning = income > 0
    earners = np.bincount(codes[earning], minlength=groups)
    sole = earning & ((earners == 1) & (size >= 3))[codes]
    illness = d["serious_illness"]
    eligible = low | hospital | sole | illness
    score = (
        np.where(low, WEIGHTS["low_income"], 0.0)
        + np.where(hospital, WEIGHTS["hospital"], 0.0)
        + np.where(sole, WEIGHTS["sole_earner"], 0.0)
        + np.where(illness, WEIGHTS["illness"], 0.0)
    )
    thresholds = np.array([float(t) for t, _ in BRACKETS])
    table = np.array([0] + [a * 100 for _, a in BRACKETS], dtype=np.int64)
    amount = np.where(eligible, table[np.searchsorted(thresholds, score, side="right")], 0)
    return {
        "screening_eligible": years(d["birth_date"], as_of) >= 40,
        "low_income_hardship": low,
        "hospital_subsidy": hospital,
        "long_tenure": years(d["hire_date"], as_of) >= 30,
        "sole_earner": sole,
        "hardship_eligible": eligible,
        "hardship_score": score,
        "subsidy_amount": amount,
    }


def polars_rules(frame: Any, as_of: dt.date) -> Any:
    """The eight rules by hand in polars expressions."""
    import polars as pl

    def fen(name: str) -> pl.Expr:
        y = pl.col(name) * 100.0
        a = y.abs()
        f = a.floor()
        r = f + ((a - f) >= 0.5 - 1e-6).cast(pl.Float64)
        return pl.when(y < 0).then(-r).otherwise(r).cast(pl.Int64)

    def half_up(n: pl.Expr, d: pl.Expr | int) -> pl.Expr:
        d_expr = pl.lit(d) if isinstance(d, int) else d
        return ((2 * n.abs() + d_expr.abs()) // (2 * d_expr.abs())) * (n.sign() * d_expr.sign())

    def years(name: str) -> pl.Expr:
        c = pl.col(name)
        key = c.dt.month().cast(pl.Int64) * 100 + c.dt.day().cast(pl.Int64)
        return (
            as_of.year
            - c.dt.year().cast(pl.Int64)
            - (key > as_of.month * 100 + as_of.day).cast(pl.Int64)
        )

    w = WEIGHTS
    step1 = frame.lazy().with_columns(
        fen("annual_income").alias("_inc"), fen("rigid_spending").alias("_rig")
    )
    step2 = step1.with_columns(
        (pl.col("_inc").sum().over(HH) - pl.col("_rig").sum().over(HH)).alias("_net"),
        pl.len().over(HH).cast(pl.Int64).alias("_size"),
        (pl.col("_inc") > 0).cast(pl.Int64).sum().over(HH).alias("_earners"),
    )
    step3 = step2.with_columns(
        (half_up(half_up(pl.col("_net"), 12), pl.col("_size")) < THRESHOLD_YUAN * 100).alias(
            "low_income_hardship"
        ),
        (pl.col("sick_leave_days") >= 15).alias("hospital_subsidy"),
        ((pl.col("_inc") > 0) & (pl.col("_earners") == 1) & (pl.col("_size") >= 3)).alias(
            "sole_earner"
        ),
        (years("birth_date") >= 40).alias("screening_eligible"),
        (years("hire_date") >= 30).alias("long_tenure"),
    )
    step4 = step3.with_columns(
        (
            pl.col("low_income_hardship")
            | pl.col("hospital_subsidy")
            | pl.col("sole_earner")
            | pl.col("serious_illness")
        ).alias("hardship_eligible"),
        (
            pl.when(pl.col("low_income_hardship")).then(w["low_income"]).otherwise(0.0)
            + pl.when(pl.col("hospital_subsidy")).then(w["hospital"]).otherwise(0.0)
            + pl.when(pl.col("sole_earner")).then(w["sole_earner"]).otherwise(0.0)
            + pl.when(pl.col("serious_illness")).then(w["illness"]).otherwise(0.0)
        ).alias("hardship_score"),
    )
    (t1, a1), (t2, a2), (t3, a3) = ((float(t), a * 100) for t, a in BRACKETS)
    score = pl.col("hardship_score")
    amount = (
        pl.when(~pl.col("hardship_eligible"))
        .then(0)
        .when(score >= t3)
        .then(a3)
        .when(score >= t2)
        .then(a2)
        .when(score >= t1)
        .then(a1)
        .otherwise(0)
        .cast(pl.Int64)
        .alias("subsidy_amount")
    )
    return step4.with_columns(amount).select(list(RULES)).collect()


def engine(rs: RuleSet, data: Any) -> Any:
    """The engine's evaluation of all eight rules (input conversion included)."""
    return rs.evaluate(data, AS_OF).frame


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The best wall time of *repeat* runs, and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def per_call(fn: Callable[[], Any], calls: int, repeat: int) -> float:
    """The mean time of one call over *calls* back-to-back calls, best of *repeat* batches."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls)
    return min(times)


def peak_bytes(fn: Callable[[], Any]) -> int:
    """Peak memory allocated (numpy included) while *fn* runs."""
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def check_agree(ours: dict[str, Any], theirs: dict[str, Any], label: str) -> None:
    """Raise unless every rule agrees on every member."""
    for rule in RULES:
        a, b = np.asarray(ours[rule]), np.asarray(theirs[rule])
        if not np.array_equal(a, b):
            bad = int(np.sum(a != b))
            raise SystemExit(f"{label} disagrees with the engine on {rule}: {bad} members")


COLD = """
import time
start = time.perf_counter()
import unionkit, unionkit.rules
imported = time.perf_counter()
import json, sys
sys.path.insert(0, {here!r})
import rules as bench
rs = bench.ruleset()
data = bench.roster(5400)
built = time.perf_counter()
rs.evaluate(data, bench.AS_OF)
done = time.perf_counter()
heavy = sorted(m for m in ("pandas", "polars", "pyarrow", "pydantic", "narwhals")
               if m in sys.modules)
print(json.dumps({{"import": imported - start, "build": built - imported,
                  "evaluate": done - built, "heavy_modules": heavy}}))
"""


def input_building(rs: RuleSet, repeat: int) -> dict[str, float]:
    """Time turning 5,400 row dicts, or 5,400 Member models, into the engine's input."""
    from unionkit.models import Member
    from unionkit.rules.batch import Columns

    data = roster(5400)
    n = 5400
    births = data["birth_date"].astype("datetime64[D]").tolist()
    hires = [
        max(
            h,
            b.replace(year=b.year + 18)
            if not (b.month == 2 and b.day == 29)
            else dt.date(b.year + 18, 3, 1),
        )
        for h, b in zip(data["hire_date"].tolist(), births, strict=True)
    ]
    hires = [min(h, dt.date(2025, 5, 1)) for h in hires]
    rows = [
        {
            "member_id": f"M{i:05d}",
            "household_id": f"H{int(data[HH][i])}",
            "birth_date": births[i],
            "hire_date": hires[i],
            "annual_income": Decimal(f"{data['annual_income'][i]:.2f}"),
            "rigid_spending": Decimal(f"{data['rigid_spending'][i]:.2f}"),
            "sick_leave_days": int(data["sick_leave_days"][i]),
            "serious_illness": bool(data["serious_illness"][i]),
        }
        for i in range(n)
    ]
    members = [Member(name="张三", **row) for row in rows]
    fields, _ = rs.inputs(RULES)

    def from_rows(source: list[Any]) -> None:
        cols = Columns(source, rs.fields, sorted(fields))
        for f in fields:
            cols.get(f)

    t_dicts, _ = best(lambda: from_rows(rows), repeat)
    t_models, _ = best(lambda: from_rows(members), repeat)
    t_eval, _ = best(lambda: rs.evaluate(rows, AS_OF), repeat)
    row = rows[123]
    t_explain = per_call(lambda: rs.explain(row, "subsidy_amount", AS_OF), 100, repeat)
    t_explain_screen = per_call(lambda: rs.explain(row, "screening_eligible", AS_OF), 100, repeat)
    t_explain_roster, _ = best(
        lambda: rs.explain(rows, "subsidy_amount", AS_OF, member="M00123"), 20
    )
    prepared = rs.prepare(rows)
    rs.explain(prepared, "subsidy_amount", AS_OF, member="M00123")  # builds its indexes once
    t_explain_prepared = per_call(
        lambda: rs.explain(prepared, "subsidy_amount", AS_OF, member="M00123"), 100, repeat
    )
    return {
        "dicts": t_dicts,
        "models": t_models,
        "rows_evaluate": t_eval,
        "explain_row": t_explain,
        "explain_row_screening": t_explain_screen,
        "explain_in_roster": t_explain_roster,
        "explain_prepared": t_explain_prepared,
    }


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="5400,100000,1000000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--members",
        type=int,
        default=1_000_000,
        help="roster size of the memory-and-speed section (10000000 for the real one)",
    )
    parser.add_argument(
        "--only-scale", action="store_true", help="run only the memory-and-speed section"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(scale_child(args.child, Path(args.data), args.repeat)))
        return
    if not args.only_scale:
        small_sections(args)
    scale_section(args.members, max(1, min(args.repeat, 3)))


def small_sections(args: argparse.Namespace) -> None:
    """The tables over 5,400 to a million members, cold start, input building and explain."""
    import polars as pl

    rs = ruleset()
    print(
        f"rules engine benchmark, rule set {rs.version[:12]}, as of {AS_OF}; best of "
        f"{args.repeat} runs"
    )
    print(
        f"{'members':>9} {'engine':>9} {'numpy':>9} {'np+table':>9} {'polars':>9} "
        f"{'eng/np':>7} {'eng/npt':>7} {'eng/pl':>7} {'eng(pl in)':>10} {'peak/input':>10}"
    )
    for n in (int(s) for s in args.sizes.split(",")):
        data = roster(n)
        frame = pl.DataFrame(data)
        repeat = args.repeat if n >= 100_000 else args.repeat * 4
        t_ours, ours = best(partial(engine, rs, data), repeat)
        t_np, hand = best(partial(numpy_rules, data, AS_OF), repeat)
        t_npt, hand_table = best(partial(numpy_rules, data, AS_OF, age_table=True), repeat)
        t_pl, pol = best(partial(polars_rules, frame, AS_OF), repeat)
        t_ours_pl, ours_pl = best(partial(engine, rs, frame), repeat)
        check_agree(ours, hand, "hand-written numpy")
        check_agree(ours, hand_table, "hand-written numpy with the age table")
        check_agree(ours, {r: pol[r].to_numpy() for r in RULES}, "hand-written polars")
        check_agree(ours, {r: ours_pl[r].to_numpy() for r in RULES}, "engine on polars input")
        input_bytes = sum(a.nbytes for a in data.values())
        peak = peak_bytes(partial(engine, rs, data))
        print(
            f"{n:>9,} {t_ours:>8.4f}s {t_np:>8.4f}s {t_npt:>8.4f}s {t_pl:>8.4f}s "
            f"{t_ours / t_np:>7.2f} {t_ours / t_npt:>7.2f} {t_ours / t_pl:>7.2f} "
            f"{t_ours_pl:>9.4f}s {peak / input_bytes:>10.2f}"
        )
    print("all four agree on every rule and member")

    colds = []
    for _ in range(3):
        start = time.perf_counter()
        code = COLD.format(here=str(Path(__file__).parent))
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        wall = time.perf_counter() - start
        colds.append((wall, json.loads(out.stdout)))
    wall, inner = min(colds, key=lambda c: c[0])
    print(
        f"cold process (start python, import, build, evaluate 5,400): {wall:.3f}s; "
        f"import {inner['import']:.3f}s, build rules+roster {inner['build']:.3f}s, "
        f"evaluate {inner['evaluate'] * 1000:.1f} ms; heavy modules loaded: "
        f"{inner['heavy_modules'] or 'none'}"
    )
    got = input_building(rs, args.repeat * 4)
    print(
        f"input from 5,400 dicts: {got['dicts'] * 1000:.1f} ms; from 5,400 Member models "
        f"(to_row): {got['models'] * 1000:.1f} ms; evaluate rows end to end: "
        f"{got['rows_evaluate'] * 1000:.1f} ms"
    )
    print(
        f"explain one member (row): subsidy_amount {got['explain_row'] * 1000:.3f} ms, "
        f"screening_eligible {got['explain_row_screening'] * 1000:.3f} ms; "
        f"in a 5,400 roster with household: {got['explain_in_roster'] * 1000:.2f} ms, "
        f"in a prepared roster: {got['explain_prepared'] * 1000:.3f} ms"
    )
    example = example_roster_explain(args.repeat)
    worst = max(example, key=example.__getitem__)
    print(
        f"explain each of the {len(example)} standard rules on examples/roster.csv after "
        f"prepare (worst of 21 members): mean {sum(example.values()) / len(example) * 1000:.3f}"
        f" ms, slowest {worst} {example[worst] * 1000:.3f} ms"
    )


SCALE_VARIANTS = {
    "engine": "engine (dict of numpy arrays in)",
    "engine_whole": "engine, one chunk (chunk_rows=0)",
    "engine_polars": "engine (polars DataFrame in)",
    "numpy_age_table": "hand-written numpy, per-day age table",
    "numpy": "hand-written numpy, age per member",
    "polars": "hand-written polars (lazy)",
}
"""The variants of the memory-and-speed section, each measured in a fresh child process."""


def _rss_now() -> int:
    """The process's resident set size now, in bytes (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _peak_rss() -> int:
    """
    The process's peak resident set size, in bytes.

    ``VmHWM`` of ``/proc/self/status`` where there is one: ``ru_maxrss`` also counts
    the parent's size when this process was started, a floor that hides a small peak.
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _reset_peak() -> bool:
    """Reset the kernel's high-water mark of resident memory (Linux ``clear_refs``)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def _digest(columns: Any) -> dict[str, str]:
    """A hash of each rule's column, to check that every variant gives the same answers."""
    out = {}
    for rule in RULES:
        col = columns[rule]
        a = col.to_numpy() if hasattr(col, "to_numpy") else np.asarray(col)
        if a.dtype.kind == "f":
            a = a.astype(np.float64)
        elif a.dtype.kind in "iu":
            a = a.astype(np.int64)
        out[rule] = hashlib.sha256(a.tobytes()).hexdigest()[:16]
    return out


def scale_child(variant: str, folder: Path, repeat: int) -> dict[str, Any]:
    """
    Measure one variant in this (fresh) process: peak RSS of its first run, best wall and CPU.

    The roster is read from ``.npy`` files (no temporaries), then the kernel's peak RSS is
    reset, so the peak is that of the variant over the input it is given.
    """
    data = {p.stem: np.load(p) for p in sorted(folder.glob("*.npy"))}
    input_bytes = sum(a.nbytes for a in data.values())
    rs = ruleset()
    fn: Callable[[], Any]
    if variant in ("polars", "engine_polars"):
        import polars as pl

        frame = pl.DataFrame(data)
        del data
        fn = (
            partial(polars_rules, frame, AS_OF)
            if variant == "polars"
            else partial(engine, rs, frame)
        )
    elif variant == "engine":
        fn = partial(engine, rs, data)
    elif variant == "engine_whole":
        fn = lambda: rs.evaluate(data, AS_OF, chunk_rows=0).frame  # noqa: E731
    else:
        fn = partial(numpy_rules, data, AS_OF, age_table=variant == "numpy_age_table")
    gc.collect()
    reset = _reset_peak()
    before = _peak_rss() if reset else _rss_now()
    walls, cpus = [], []
    digest: dict[str, str] = {}
    peak = 0
    for i in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        if i == 0:
            peak = _peak_rss()
            digest = _digest(result)
        del result
        gc.collect()
    return {
        "input": input_bytes,
        "before": before,
        "peak": peak,
        "wall": min(walls),
        "cpu": min(cpus),
        "digest": digest,
        "reset": reset,
    }


def scale_section(members: int, repeat: int) -> None:
    """
    Memory and speed at *members* members: each variant in its own fresh process.

    Prints peak RSS over the input columns' size (the whole process, and what the
    variant adds to it), and the engine's wall and CPU time against the numpy
    version with the per-day age table and against hand-written polars.
    """
    with tempfile.TemporaryDirectory(prefix="unionkit-bench-") as tmp:
        folder = Path(tmp)
        data = roster(members)
        for name, array in data.items():
            np.save(folder / f"{name}.npy", array)
        input_bytes = sum(a.nbytes for a in data.values())
        del data
        print(
            f"\nmemory and speed at {members:,} members (input columns {input_bytes / 2**20:,.0f} "
            f"MiB), each variant in a fresh process, best of {repeat}; load average "
            f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        got: dict[str, dict[str, Any]] = {}
        for variant in SCALE_VARIANTS:
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    variant,
                    "--data",
                    tmp,
                    "--repeat",
                    str(repeat),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            got[variant] = json.loads(out.stdout)
    print(f"{'variant':<40} {'wall':>8} {'cpu':>8} {'peak RSS':>9} {'peak/in':>8} {'added/in':>8}")
    for variant, label in SCALE_VARIANTS.items():
        g = got[variant]
        print(
            f"{label:<40} {g['wall']:>7.3f}s {g['cpu']:>7.3f}s "
            f"{g['peak'] / 2**20:>6,.0f}MiB {g['peak'] / g['input']:>8.2f} "
            f"{(g['peak'] - g['before']) / g['input']:>8.2f}"
        )
    reference = got["engine"]["digest"]
    for variant, g in got.items():
        if g["digest"] != reference:
            bad = sorted(r for r in RULES if g["digest"][r] != reference[r])
            raise SystemExit(f"{SCALE_VARIANTS[variant]} disagrees with the engine on {bad}")
    e, npt, pl_ = got["engine"], got["numpy_age_table"], got["polars"]
    print(
        f"engine: peak RSS / input {e['peak'] / e['input']:.2f} (target <= 2.5; added by the "
        f"evaluation {(e['peak'] - e['before']) / e['input']:.2f}); wall / numpy with age table "
        f"{e['wall'] / npt['wall']:.2f} (target <= 1.5), CPU {e['cpu'] / npt['cpu']:.2f}; "
        f"wall / polars {e['wall'] / pl_['wall']:.2f} (target < 1), CPU "
        f"{e['cpu'] / pl_['cpu']:.2f}; all variants agree on every rule and member; load "
        f"average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


def example_roster_explain(repeat: int) -> dict[str, float]:
    """Explain every standard rule for members of examples/roster.csv after ``prepare``."""
    from unionkit.cli.rules import roster_columns
    from unionkit.io import read_roster
    from unionkit.rulefiles import standard_bundle, standard_ruleset

    path = Path(__file__).parent.parent / "examples" / "roster.csv"
    result = read_roster(path)
    data = roster_columns(result, standard_bundle().fields)
    rs = standard_ruleset()
    prepared = rs.prepare(data)
    members = [m.member_id for m in result.members[:: max(1, len(result.members) // 20)]]
    times: dict[str, float] = {}
    for rule in rs.rules:
        for member in members[:1]:
            rs.explain(prepared, rule, AS_OF, member=member)  # builds the indexes once
        times[rule] = max(
            per_call(lambda m=m, r=rule: rs.explain(prepared, r, AS_OF, member=m), 20, repeat)
            for m in members
        )
    return times


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
