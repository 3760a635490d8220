"""The measure decks on a real Spark standalone cluster: a master and two one-core
workers on 127.0.0.1 (``spark_cluster.py``), the store exported to Parquet as for a
cluster (``wellchild export-store``) and read through the engine that
``wellchild measure --engine spark --spark-master spark://… --input FOLDER`` builds.

Every case's flags are checked, and every row and column of the long table against
DuckDB's. The cluster starts once and one driver session runs the largest deck group
(the default period and settings: most of the cases), its measures as one plan (as
tests/measures/test_decks.py does locally): scheduling a job on the cluster costs far
more than the decks' few rows. The other groups differ only in the period and settings,
which are the driver's business, not the cluster's: test_decks.py runs every group on
Spark in local mode.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from measures.deck import expectations
from measures.spark_cluster import Cluster, standalone_cluster
from measures.test_decks import CASES, GROUPS, SMALL_DATA_SPARK, Runs, _value
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.measures.context import Context, Period, Settings
from wellchild.measures.evaluate import LONG_COLUMNS, long_table
from wellchild.measures.registry import all_measures

pytestmark = [pytest.mark.spark, pytest.mark.slow]


# the deck group with the most cases
ON_CLUSTER = [max(GROUPS, key=lambda group: sum(c.group == group for c in CASES))]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with (
        pytest.MonkeyPatch.context() as env,
        standalone_cluster(tmp_path_factory.mktemp("cluster")) as running,
    ):
        env.setenv("SPARK_LOCAL_IP", "127.0.0.1")  # the driver, as the daemons, on loopback
        yield running


class ClusterRuns:
    """The decks' long tables written by ``run_measures`` on the cluster, and the
    DuckDB runs of the same stores to compare with."""

    def __init__(self, runs: Runs) -> None:
        self.runs = runs
        self.long: dict[tuple[Any, ...], pd.DataFrame] = {}
        self.executor_cores = 0


def _stop_active_session() -> None:
    """A session left by another test in this process (local mode) would be reused."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()


def _period(group: tuple[Any, ...]) -> tuple[Period, Settings]:
    year, as_of, program_start, telehealth, spacing = group
    period = Period.for_year(
        year,
        dt.date.fromisoformat(as_of) if as_of else None,
        dt.date.fromisoformat(program_start) if program_start else None,
    )
    return period, Settings(telehealth=telehealth, visit_spacing_days=spacing)


def _app_cores(cluster: Cluster) -> int:
    with urllib.request.urlopen(f"{cluster.ui}/json/", timeout=5) as response:
        apps = json.load(response).get("activeapps", [])
    return sum(int(app.get("cores", 0)) for app in apps)


@pytest.fixture(scope="module")
def on_cluster(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterRuns]:
    from wellchild.cli import _engine

    work = tmp_path_factory.mktemp("cluster-decks")
    result = ClusterRuns(Runs(work))
    _stop_active_session()
    engine = None
    try:
        for i, group in enumerate(ON_CLUSTER):
            store = DuckDBEngine.open(result.runs.store(group))
            try:
                folder = work / f"parquet-store{i}"
                store.export(folder)  # what `wellchild export-store` writes
            finally:
                store.close()
            # what `--engine spark --spark-master URL --input FOLDER` builds; the session
            # (and the cluster's executors) carry over from one group to the next
            engine = _engine("spark", None, cluster.url, str(folder))
            assert engine.spark.sparkContext.master == cluster.url
            for key, value in SMALL_DATA_SPARK.items():
                engine.spark.conf.set(key, value)
            period, settings = _period(group)
            ctx = Context(engine.inputs(), period, settings, cache=engine.cache)
            # all ten measures of the group in one plan: one job on the cluster
            table = engine.to_arrow(long_table(ctx, all_measures()).select(*LONG_COLUMNS))
            result.executor_cores = max(result.executor_cores, _app_cores(cluster))
            engine.release()
            result.long[group] = table.to_pandas()
        yield result
    finally:
        if engine is not None:
            engine.close()


def test_the_decks_ran_on_both_workers(on_cluster: ClusterRuns) -> None:
    assert on_cluster.executor_cores == 2


def test_every_case_on_the_cluster(on_cluster: ClusterRuns) -> None:
    wrong = []
    for case in [c for c in CASES if c.group in ON_CLUSTER]:
        long = on_cluster.long[case.group]
        for (measure, member), flags in expectations(case).items():
            rows = long[(long["measure_id"] == measure) & (long["member_id"] == member)]
            if len(rows) != 1:
                wrong.append(f"{case.title}: {len(rows)} rows for {member} in {measure}")
                continue
            got = {key: _value(rows.iloc[0][key]) for key in flags}
            if got != flags:
                wrong.append(f"{case.title}: {got} != {flags}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("group", ON_CLUSTER, ids=[f"group{GROUPS.index(g)}" for g in ON_CLUSTER])
def test_cluster_writes_what_duckdb_computes(
    group: tuple[Any, ...], on_cluster: ClusterRuns
) -> None:
    by = ["measure_id", "member_id"]
    spark = on_cluster.long[group].sort_values(by).reset_index(drop=True)
    duck = on_cluster.runs.long("duckdb", group).sort_values(by).reset_index(drop=True)
    pd.testing.assert_frame_equal(spark, duck, check_dtype=False)
