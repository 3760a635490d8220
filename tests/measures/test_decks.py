"""Every case of every measure's cases.yaml, on DuckDB and on Spark.

The cases of one period and settings are loaded together into one store (through the
real load) and run once per engine; each case then checks its own children's rows. On
Spark the core tables are built by Spark from the input tables, so the core logic is
tested on both engines too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from measures.deck import Case, build, expectations, load_cases, write
from wellchild.engines.duckdb_load import load_folder
from wellchild.measures.context import Context, Period, Settings
from wellchild.measures.evaluate import LONG_COLUMNS, long_table
from wellchild.measures.registry import all_measures

CASES = load_cases()
GROUPS = sorted({c.group for c in CASES}, key=str)
ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]

# The decks are a few dozen rows: Spark spends its time planning and compiling, not
# computing. Interpreted expressions and a fixed plan make the decks about twice as fast
# and exercise the same semantics.
SMALL_DATA_SPARK = {
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.sql.shuffle.partitions": "1",
}


class Runs:
    """Long tables per (engine, case group), computed when first asked for."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.stores: dict[tuple[Any, ...], Path] = {}
        self.results: dict[tuple[str, tuple[Any, ...]], pd.DataFrame] = {}

    def store(self, group: tuple[Any, ...]) -> Path:
        if group not in self.stores:
            cases = [c for c in CASES if c.group == group]
            name = f"group{len(self.stores)}"
            folder = write(build(cases), self.work / name)
            db = self.work / f"{name}.duckdb"
            load_folder(folder, db)
            self.stores[group] = db
        return self.stores[group]

    def long(self, engine: str, group: tuple[Any, ...]) -> pd.DataFrame:
        key = (engine, group)
        if key not in self.results:
            year, as_of, program_start, telehealth, spacing = group
            period = Period.for_year(
                year,
                dt.date.fromisoformat(as_of) if as_of else None,
                dt.date.fromisoformat(program_start) if program_start else None,
            )
            settings = Settings(telehealth=telehealth, visit_spacing_days=spacing)
            runner = _engine(engine, self.store(group))
            try:
                ctx = Context(runner.inputs(), period, settings, cache=runner.cache)
                table = runner.to_arrow(long_table(ctx, all_measures()).select(*LONG_COLUMNS))
            finally:
                if engine == "duckdb":
                    runner.close()
                else:
                    runner.release()
            self.results[key] = table.to_pandas()
        return self.results[key]


def _engine(name: str, db: Path) -> Any:
    if name == "duckdb":
        from wellchild.engines.duckdb_engine import DuckDBEngine

        return DuckDBEngine.open(db)
    from wellchild.engines.spark_engine import SparkEngine

    engine = SparkEngine.from_store(db, "local[2]", build_core=True)
    for key, value in SMALL_DATA_SPARK.items():
        engine.spark.conf.set(key, value)
    return engine


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    return Runs(tmp_path_factory.mktemp("decks"))


def _value(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, engine: str, runs: Runs) -> None:
    long = runs.long(engine, case.group)
    for (measure, member), flags in expectations(case).items():
        rows = long[(long["measure_id"] == measure) & (long["member_id"] == member)]
        assert len(rows) == 1, f"{case.title}: {len(rows)} rows for {member} in {measure}"
        row = rows.iloc[0]
        got = {key: _value(row[key]) for key in flags}
        assert got == flags, case.title


@pytest.mark.spark
@pytest.mark.parametrize("group", GROUPS, ids=[f"group{i}" for i in range(len(GROUPS))])
def test_engines_give_identical_long_tables(group: tuple[Any, ...], runs: Runs) -> None:
    """Not only the flags the cases name: every row and column, on both engines."""
    by = ["measure_id", "member_id"]
    duck = runs.long("duckdb", group).sort_values(by).reset_index(drop=True)
    spark = runs.long("spark", group).sort_values(by).reset_index(drop=True)
    pd.testing.assert_frame_equal(duck, spark, check_dtype=False)


def test_every_measure_has_a_deck() -> None:
    assert {c.measure for c in CASES} == {m.id for m in all_measures()}


def test_every_case_expects_something_of_its_own_measure() -> None:
    for case in CASES:
        assert case.measure in case.spec["expect"], case.title
