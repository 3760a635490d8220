"""All ten measures on Spark: local[2] against a two-worker standalone cluster on the same
machine (a master and two one-core workers on 127.0.0.1, started with PySpark's own
``bin/spark-class``), both reading the store exported to Parquet (`wellchild
export-store`, then `wellchild measure --engine spark --input`).

Sizes: BENCH_SPARK_SIZES (default 100000,1000000). Each size's figures are written to
docs/benchmarks.md as soon as they are measured. The load average of the machine is
recorded with each run: the machine is shared, and a busy machine slows both alike.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness import Measurement, machine, table, update_doc, wellchild

YEAR = "2025"
TESTS = Path(__file__).resolve().parent.parent / "tests"
# executors of the cluster: 3 GB of each worker's 4 (Spark's default of 1 GB is too
# small for the cached tables of a measure at a million children); shuffles in a few
# partitions per core, as on a local master: Spark's default of 200 made a 3,000-child
# run schedule 28,000 tasks on the two one-core executors
WORKER_MEMORY = "4g"
SPARK_DEFAULTS = (
    "spark.executor.memory 3g\nspark.driver.memory 2g\nspark.sql.shuffle.partitions 8\n"
)


def _sizes() -> list[int]:
    raw = os.environ.get("BENCH_SPARK_SIZES", "100000,1000000")
    return [int(s) for s in raw.split(",")]


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def _measure(store: Path, out: Path, master: str, env: dict[str, str]) -> Measurement:
    return wellchild(
        "measure", "--year", YEAR, "--engine", "spark", "--spark-master", master,
        "--input", str(store), "--out", str(out), env=env,
    )  # fmt: skip


def _body(rows: list[list[str]]) -> str:
    return "\n\n".join(
        [
            "## Measures on Spark: one machine and a two-worker cluster",
            f"Machine: {machine()}.",
            "`wellchild measure --year 2025 --engine spark --input STORE` over a store "
            "loaded from `wellchild synth --seed 1 --format parquet` and written out with "
            "`wellchild export-store`: all ten measures, the long table and the summary. "
            "Spark local[2] (the driver's two threads) against a standalone cluster of a "
            "master and two workers of one core and 4 GB each on the same machine "
            "(executors 3 GB, driver 2 GB, eight shuffle partitions, from "
            "spark-defaults.conf). Aim: local[2] at 1M children in 120 s. Load average "
            "(1 / 5 / 15 min) read when each run ended: the machine is shared, and other "
            "work slows both runs alike.",
            table(
                [
                    "children",
                    "local[2]: wall, driver RSS",
                    "two-worker cluster: wall, driver RSS",
                    "cluster ÷ local",
                    "load average",
                ],
                rows,
            ),
            "Driver RSS is the Python process's own; the JVMs' memory is not counted.",
        ]
    )


def run(work: Path) -> str:
    sys.path.insert(0, str(TESTS))
    from measures.spark_cluster import standalone_cluster

    conf = work / "conf"
    conf.mkdir()
    (conf / "spark-defaults.conf").write_text(SPARK_DEFAULTS)
    env = {"SPARK_CONF_DIR": str(conf), "SPARK_LOCAL_IP": "127.0.0.1"}
    rows: list[list[str]] = []
    with standalone_cluster(work / "cluster", memory=WORKER_MEMORY) as cluster:
        for n in _sizes():
            folder, db, store = work / f"{n}", work / f"{n}.duckdb", work / f"store-{n}"
            wellchild(
                "synth", "--children", str(n), "--seed", "1", "--year", YEAR,
                "--out", str(folder), "--format", "parquet",
            )  # fmt: skip
            wellchild("load", str(folder), "--db", str(db))
            wellchild("export-store", str(store), "--db", str(db))
            local = _measure(store, work / f"out-{n}-local", "local[2]", env)
            load_local = _load()
            remote = _measure(store, work / f"out-{n}-cluster", cluster.url, env)
            rows.append(
                [
                    f"{n:,}",
                    f"{local.seconds:.1f} s, {local.peak_rss_gb:.2f} GB (load {load_local})",
                    f"{remote.seconds:.1f} s, {remote.peak_rss_gb:.2f} GB",
                    f"{remote.seconds / local.seconds:.2f}×",
                    _load(),
                ]
            )
            update_doc("spark", _body(rows))  # each size as soon as it is measured
            for path in (folder, store):
                for file in path.iterdir():
                    file.unlink()
            db.unlink()
    return _body(rows)
