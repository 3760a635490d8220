"""The Spark engine: the same Ibis expressions on PySpark, for state-scale data.

Spark reads the store's tables as Parquet files named like the tables
(``input__member.parquet``, …, ``core__enrollment_span.parquet``) from a folder: on one
machine :func:`SparkEngine.from_store` exports them from a DuckDB store; on a cluster the
folder (HDFS, S3, …) holds files written by ``wellchild export-store`` and
``--spark-master`` names the cluster. See docs/spark.md.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.parquet as pq

from wellchild.contract import TABLES
from wellchild.core.tables import CORE_TABLES
from wellchild.engines.base import INPUT_TABLES, CachingEngine, Inputs
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.errors import WellchildError

INPUT_NAMES = tuple(t.name for t in TABLES)


def session(master: str, app_name: str = "wellchild") -> Any:
    """A Spark session; local masters are tuned for small data (few shuffle partitions)."""
    try:
        # PySpark is optional (the spark extra) and slow to import
        from pyspark.sql import SparkSession
    except ImportError:
        raise WellchildError(
            "The Spark engine needs PySpark.",
            hint="Install the spark extra: pip install 'wellchild[spark]'",
        ) from None
    os.environ.setdefault("PYSPARK_PYTHON", os.environ.get("PYSPARK_PYTHON", "python3"))
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "false")
        # Spark writes out each plan as text for its listeners; a measure's plan is large
        # and its full text ran the driver out of memory (dental_after_pcp at 100k).
        .config("spark.sql.maxPlanStringLength", str(256 * 1024))
    )
    if master.startswith("local"):
        # a few partitions per core; adaptive execution merges the small ones
        builder = (
            builder.config("spark.sql.shuffle.partitions", "8")
            .config("spark.default.parallelism", "2")
            # Spark's own default (10 MB): sizes are estimated from compressed Parquet, and
            # larger broadcasts (64 MB allowed) filled the 4 GB heap with hash tables at 1M
            # children, every query after that spending its time in garbage collection
            .config("spark.sql.autoBroadcastJoinThreshold", str(10 * 1024 * 1024))
            .config("spark.driver.memory", "4g")
            .config("spark.sql.adaptive.enabled", "true")
        )
    return builder.getOrCreate()


class SparkEngine(CachingEngine):
    """Runs Ibis expressions on PySpark over a folder of Parquet tables."""

    name = "spark"
    # The plan of ten unioned measures is too big for Spark to optimise and run well: on
    # local[2] at 1M children it did not finish in 10 minutes, measure by measure it does.
    one_measure_at_a_time = True

    def __init__(self, folder: str, master: str, *, build_core: bool = False) -> None:
        self.folder = folder.rstrip("/")
        self.build_core = build_core
        self.spark = session(master)
        self.backend = ibis.pyspark.connect(self.spark)
        self._tables: dict[str, ir.Table] = {}
        self._cached: list[ir.Table] = []

    @classmethod
    def from_store(cls, db: Path | None, master: str, *, build_core: bool = False) -> SparkEngine:
        """Export a DuckDB store to Parquet in a temporary folder and read it with Spark;
        with ``build_core`` only the input tables are exported and Spark builds the core
        tables itself from them."""
        folder = Path(tempfile.mkdtemp(prefix="wellchild-spark-"))
        source = DuckDBEngine.open(db)
        try:
            wanted = {
                n: n for n in INPUT_TABLES.values() if not (build_core and n.startswith("core__"))
            }
            wanted.update({f"input__{n}": f"input__{n}" for n in INPUT_NAMES})
            source.export(folder, wanted)
        finally:
            source.close()
        return cls(str(folder), master, build_core=build_core)

    def _table(self, name: str) -> ir.Table:
        if name not in self._tables:
            if self.build_core and name in CORE_TABLES:
                inputs = {f"input__{n}": self._table(f"input__{n}") for n in INPUT_NAMES}
                self._tables[name] = CORE_TABLES[name](inputs).cache()
            else:
                path = f"{self.folder}/{name}.parquet"
                self._tables[name] = self.backend.read_parquet(path, table_name=name)
        return self._tables[name]

    def inputs(self) -> Inputs:
        return Inputs(**{field: self._table(name) for field, name in INPUT_TABLES.items()})

    def frame(self, table: ir.Table) -> Any:
        """The Spark DataFrame of an Ibis table (to ``explain()`` or to time a plan)."""
        self.backend._run_pre_execute_hooks(table)
        return self.spark.sql(self.backend.compile(table))

    def write_parquet(self, table: ir.Table, path: Path) -> int:
        path.parent.mkdir(parents=True, exist_ok=True)
        result = self.to_arrow(table)
        pq.write_table(result, path, compression="zstd")
        return int(result.num_rows)

    def to_arrow(self, table: ir.Table) -> pa.Table:
        # Spark's own Arrow collection, in columns: Ibis collects through pandas, a Python
        # object per row first
        result = self.frame(table).toArrow()
        return result.cast(table.schema().to_pyarrow())

    def close(self) -> None:
        self.release()
        self.spark.stop()
