"""All ten measures on DuckDB at 100k, 1M and 5M children; W30 rate 1 in plain pandas and
all ten measures on Spark local[2] at 1M as the comparisons measured in the same run.

Sizes: BENCH_MEASURE_SIZES (default 100000,1000000,5000000). The populations are made
with `wellchild synth --format parquet` and loaded before timing; only `wellchild
measure` (reading the store, computing, writing the long table and the summary) is
timed, as a fresh process each time. Each size's figures go into docs/benchmarks.md as
soon as they are measured.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from harness import Measurement, TimedOut, machine, python, table, update_doc, wellchild

YEAR = "2025"
TESTS = Path(__file__).resolve().parent.parent / "tests"


def _sizes() -> list[int]:
    raw = os.environ.get("BENCH_MEASURE_SIZES", "100000,1000000,5000000")
    return [int(s) for s in raw.split(",")]


def _pandas_w30(folder: Path) -> str:
    """W30 rate 1 with all its rules (CE with the gap rule, distinct dates, PCP lines,
    exclusions, attribution) written plainly in pandas: the test suite's reference,
    reading only the tables and columns W30 needs (as anyone writing it would)."""
    return (
        "import sys\n"
        "import pandas as pd\n"
        "import pyarrow.parquet as pq\n"
        f"sys.path.insert(0, {str(TESTS)!r})\n"
        "import reference_measures as rm\n"
        f"folder = __import__('pathlib').Path({str(folder)!r})\n"
        "unused = {'medical_claim': ['claim_id', 'line', 'source']}\n"
        "tables = {}\n"
        "for name in rm.TABLES:\n"
        "    if name == 'dental_claim':\n"
        "        continue\n"
        "    path = folder / f'{name}.parquet'\n"
        "    keep = [c for c in pq.read_schema(path).names if c not in unused.get(name, [])]\n"
        "    frame = pd.read_parquet(path, columns=keep)\n"
        "    dates = rm.DATE_COLUMNS.get(name, ())\n"
        "    frame = frame.astype({c: str for c in frame.columns if c not in dates})\n"
        "    frame = frame.replace({'None': None, 'nan': None, '<NA>': None})\n"
        "    for column in dates:\n"
        "        frame[column] = pd.to_datetime(frame[column], format='%Y-%m-%d')\n"
        "    tables[name] = frame\n"
        f"result = rm.w30_rate1(tables, {YEAR})\n"
        "print(len(result), rm.rate(result))\n"
    )


def _measure(db: Path, out: Path, *extra: str) -> Measurement:
    return wellchild("measure", "--year", YEAR, "--db", str(db), "--out", str(out), *extra)


def _spark(db: Path, out: Path, duckdb: Measurement) -> str:
    """Spark local[2] on the same store, stopped at BENCH_SPARK_LIMIT seconds (2400)."""
    limit = float(os.environ.get("BENCH_SPARK_LIMIT", "2400"))
    args = ["measure", "--year", YEAR, "--db", str(db), "--out", str(out), "--engine", "spark"]
    try:
        spark = wellchild(*args, timeout=limit)
    except TimedOut as stopped:
        return (
            f"- All ten measures at 1M children on Spark local[2]: not finished when stopped "
            f"at {stopped.seconds:.0f} s (more than {stopped.seconds / duckdb.seconds:.0f}× "
            "the DuckDB time): on one small machine Spark is not the engine for this size."
        )
    return (
        f"- All ten measures at 1M children on Spark local[2]: {_cell(spark)} (driver "
        f"process only; the JVM's memory is not counted), {spark.seconds / duckdb.seconds:.1f}× "
        "the DuckDB time."
    )


def _cell(m: Measurement) -> str:
    return f"{m.seconds:.1f} s (CPU {m.cpu_seconds:.1f} s), {m.peak_rss_gb:.2f} GB"


def run(work: Path) -> str:
    rows: list[list[str]] = []
    timings: list[tuple[int, float]] = []
    comparisons: list[str] = []
    where = machine()
    body = ""
    for n in _sizes():
        folder = work / f"{n}"
        db = work / f"{n}.duckdb"
        wellchild(
            "synth", "--children", str(n), "--seed", "1", "--year", YEAR,
            "--out", str(folder), "--format", "parquet",
        )  # fmt: skip
        wellchild("load", str(folder), "--db", str(db))
        every = _measure(db, work / f"out-{n}")
        w30 = _measure(db, work / f"out-{n}-w30", "--measure", "w30_1")
        timings.append((n, every.seconds))
        rows.append([f"{n:,}", _cell(every), _cell(w30)])
        body = _body(where, rows, timings, comparisons)
        update_doc("measures", body)
        if n == 1_000_000:
            pandas = python(_pandas_w30(folder))
            comparisons.append(
                f"- W30 rate 1 at 1M children: wellchild on DuckDB {_cell(w30)}; the same "
                f"measure in plain pandas (reading the Parquet files and applying every rule) "
                f"{_cell(pandas)}: **{pandas.seconds / w30.seconds:.1f}× faster** "
                f"(aim: 25×)."
            )
            body = _body(where, rows, timings, comparisons)
            update_doc("measures", body)
            comparisons.append(_spark(db, work / f"out-{n}-spark", every))
            body = _body(where, rows, timings, comparisons)
            update_doc("measures", body)
        for path in folder.iterdir():
            path.unlink()
        db.unlink()
    return body


def _body(
    where: str, rows: list[list[str]], timings: list[tuple[int, float]], comparisons: list[str]
) -> str:
    slopes = [
        f"{(t2 - t1) / ((n2 - n1) / 1e6):.1f} s per extra million children from {n1:,} to {n2:,}"
        for (n1, t1), (n2, t2) in itertools.pairwise(timings)
    ]
    return "\n\n".join(
        [
            "## Measures",
            f"Machine: {where}.",
            "`wellchild measure --year 2025` on a store loaded from `wellchild synth --seed 1 "
            "--format parquet` (about 40 medical and 10 dental lines per child): all ten "
            "measures, the long table (one row per child and measure) and the summary with "
            "every stratum. Aims: 1M children in 8 s and 5M in 40 s, peak RSS under 4 GB, "
            "and at least 25× faster than W30 rate 1 in plain pandas. CPU is user + system "
            "time of all the process's threads (at most 2× the wall time on 2 cores).",
            table(["children", "all ten measures: wall (CPU), peak RSS", "w30_1 alone"], rows),
            "Slope: " + "; ".join(slopes) + "." if slopes else "",
            "\n".join(comparisons),
        ]
    )
