"""`wellchild measure`'s files are the same on both engines: Spark evaluates one measure
at a time and joins the parts, DuckDB all measures in one plan; the long table (its rows,
in whatever order) and the summary with a baseline must not tell them apart."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from measures.test_decks import SMALL_DATA_SPARK
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.engines.duckdb_load import load_folder
from wellchild.measures.context import Period
from wellchild.measures.registry import get
from wellchild.measures.run import run_measures
from wellchild.synth import generate

MEASURES = ("w30_1", "dental_12m", "dental_after_pcp")

pytestmark = [pytest.mark.spark, pytest.mark.slow]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("engines")
    folder = generate(work / "in", children=600, seed=5, year=2024, fmt="parquet").out
    db = work / "store.duckdb"
    load_folder(folder, db)
    return db


def _run(engine: object, out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    run_measures(
        engine,  # type: ignore[arg-type]
        Period.for_year(2024),
        out=out,
        measures=[get(m) for m in MEASURES],
        baseline=Period.for_year(2023),
    )
    long = pd.read_parquet(out / "measure_long.parquet")
    long = long.sort_values(["measure_id", "member_id"]).reset_index(drop=True)
    return long, pd.read_csv(out / "summary.csv")


def test_spark_measure_by_measure_writes_what_duckdb_writes(store: Path, tmp_path: Path) -> None:
    from wellchild.engines.spark_engine import SparkEngine

    duck_engine = DuckDBEngine.open(store)
    try:
        duck_long, duck_summary = _run(duck_engine, tmp_path / "duckdb")
        # every table cached on the way is dropped once the run is written
        temporary = duck_engine.store.con.sql(
            "SELECT table_name FROM duckdb_tables() WHERE temporary"
        )
        assert not temporary.fetchall()
    finally:
        duck_engine.close()
    spark_engine = SparkEngine.from_store(store, "local[2]")
    for key, value in SMALL_DATA_SPARK.items():
        spark_engine.spark.conf.set(key, value)
    assert spark_engine.one_measure_at_a_time
    spark_long, spark_summary = _run(spark_engine, tmp_path / "spark")
    # measure by measure, each one's cached tables are freed before the next (on one
    # machine they otherwise fill the driver's heap: at 1M children it spent its time in GC)
    views = spark_engine.spark.sql("SHOW TABLES").filter("isTemporary").collect()
    assert not [v.tableName for v in views if v.tableName.startswith("ibis_cached")]

    assert set(duck_long["measure_id"]) == set(MEASURES)
    assert len(duck_long) == 3 * duck_long["member_id"].nunique()
    pd.testing.assert_frame_equal(spark_long, duck_long, check_dtype=False)
    pd.testing.assert_frame_equal(spark_summary, duck_summary, check_dtype=False)
    assert duck_summary["baseline_rate"].notna().any()
    assert not list((tmp_path / "spark").glob(".long-*"))
