"""The measure registry is the one list of measures: each measure's folder says all there
is to say of it, its spec's value sets are the concepts its code reads, and an eleventh
measure added as a folder alone runs and shows up wherever the ten do."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pandas as pd
import pytest
from django.apps import apps
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState

import wellchild.measures
from measures.deck import build, load_cases, write
from wellchild.core import services
from wellchild.core.tables import CORE_TABLES
from wellchild.engines.base import INPUT_TABLES, Inputs
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.engines.duckdb_load import load_folder
from wellchild.hub.data import labels
from wellchild.hub.data.forms import AimForm
from wellchild.measures import catalogue, registry
from wellchild.measures.context import Context, Period
from wellchild.measures.evaluate import long_table
from wellchild.measures.run import run_measures
from wellchild.measures.series import monthly_series

# -- the spec's value sets are the concepts the code reads ------------------------------


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBEngine]:
    """A store of one small case: the measures are built over its tables, not run."""
    work = tmp_path_factory.mktemp("registry")
    case = next(c for c in load_cases() if c.measure == "dental_12m")
    db = work / "store.duckdb"
    load_folder(write(build([case]), work / "input"), db)
    runner = DuckDBEngine.open(db)
    yield runner
    runner.close()


class _Concepts:
    """The concepts looked up while expressions are built, with the table each narrows."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.names: set[str] = set()
        self.narrowed: set[Any] = set()
        looked_up = services.concept
        narrow = services.in_value_set

        def concept(name: str) -> Any:
            self.names.add(name)
            return looked_up(name)

        def in_value_set(code: ir.StringValue, name: str) -> ir.BooleanValue:
            self.narrowed.add(getattr(code.op(), "rel", None))
            return narrow(code, name)

        monkeypatch.setattr(services, "concept", concept)
        monkeypatch.setattr(services, "in_value_set", in_value_set)


def _read_by(
    measure: registry.Measure, inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> set[str]:
    """The concepts a measure reads: those its blocks look up, and those of every core
    table whose rows it counts as they are (no concept of its own narrows them)."""
    traced = _Concepts(monkeypatch)
    read: set[str] = set()

    class Reading:
        def __getattr__(self, field: str) -> Any:
            read.add(field)
            return getattr(inputs, field)

    ctx = Context(Reading(), Period.for_year(2024))  # type: ignore[arg-type]
    long_table(ctx, [measure])
    concepts = set(traced.names)
    for field in read:
        if getattr(inputs, field).op() not in traced.narrowed and field in CORE_OF:
            concepts |= CORE_OF[field]
    return concepts


CORE_OF: dict[str, set[str]] = {}


def test_each_spec_names_exactly_the_concepts_its_measure_reads(
    engine: DuckDBEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = engine.inputs()
    raw = {name: engine.backend.table(name) for name in INPUT_TABLES.values()}
    for field, table in INPUT_TABLES.items():
        if table in CORE_TABLES:
            with monkeypatch.context() as patch:
                traced = _Concepts(patch)
                CORE_TABLES[table](raw)
                CORE_OF[field] = traced.names
    assert CORE_OF["well_care_visits"] >= {"well_care_visit", "telehealth"}
    for measure in registry.all_measures():
        with monkeypatch.context() as patch:
            used = _read_by(measure, inputs, patch)
        assert set(measure.spec["value_sets"]) == used, measure.id


def test_the_concept_tracer_sees_a_concept_a_spec_leaves_out(
    engine: DuckDBEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tfl's medical fluoride is read by its code: a spec without it would be caught."""
    tfl = registry.get("tfl")
    with monkeypatch.context() as patch:
        used = _read_by(tfl, engine.inputs(), patch)
    assert "topical_fluoride_medical" in used


# -- an eleventh measure is a folder ----------------------------------------------------

SPEC = """\
id: zz_dental_1_3
order: 11
name: Dental visit in the measurement year (ages 1–3)
steward: the tests of wellchild
source: a throwaway measure that shows what adding one takes
version: "0"
ages: aged 1–3 on 31 December of the measurement year
window: the measurement year
enrollment: enrolled on 31 December of the measurement year
numerator: one or more dental visits in the year
exclusions: [died in the year, hospice services in the year]
attribution: practice of the PCP assignment covering 31 December
value_sets: [dental_visit, hospice]
"""

MEASURE = """\
from wellchild.measures.blocks import (
    MEASUREMENT_YEAR, PERIOD_END, REQUIRED_EXCLUSIONS, age_between, all_of, enrolled_on,
    services_on_dates,
)
from wellchild.measures.registry import Measure, load_spec

denominator = all_of(age_between(1, 3, on=PERIOD_END), enrolled_on(PERIOD_END))
exclusions = REQUIRED_EXCLUSIONS
numerator = services_on_dates(1, MEASUREMENT_YEAR, dental=("dental_visit",))

MEASURE = Measure(load_spec("zz_dental_1_3"), denominator, exclusions, numerator, PERIOD_END)
"""


@pytest.fixture
def eleventh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A measure folder outside the package, on the package's path like the ten."""
    folder = tmp_path / "more_measures" / "zz_dental_1_3"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "spec.yaml").write_text(SPEC)
    (folder / "measure.py").write_text(MEASURE)
    path = [*wellchild.measures.__path__, str(folder.parent)]
    monkeypatch.setattr(wellchild.measures, "__path__", path)
    importlib.invalidate_caches()
    catalogue.refresh()
    yield "zz_dental_1_3"
    monkeypatch.undo()
    for name in [m for m in sys.modules if m.startswith("wellchild.measures.zz_dental_1_3")]:
        del sys.modules[name]
    catalogue.refresh()


def test_an_eleventh_measure_needs_only_its_folder(
    eleventh: str, engine: DuckDBEngine, tmp_path: Path
) -> None:
    assert catalogue.ids()[-1] == eleventh
    assert len(catalogue.ids()) == 11
    assert registry.get(eleventh).name.startswith("Dental visit in the measurement year")

    run = run_measures(engine, Period.for_year(2024), out=tmp_path / "run")
    assert eleventh in run.measures
    totals = run.summary[run.summary["dimension"] == "total"].set_index("measure_id")
    assert list(totals.index) == [m for m in catalogue.ids() if m in totals.index]
    assert (totals.loc[eleventh, "denominator"], totals.loc[eleventh, "numerator"]) == (1, 1)
    assert totals.loc[eleventh, "period_end"] == dt.date(2024, 12, 31)
    long = pd.read_parquet(run.out / "measure_long.parquet")
    assert eleventh in set(long["measure_id"])

    series = monthly_series(
        engine, registry.get(eleventh), dt.date(2024, 11, 1), dt.date(2024, 12, 1)
    )
    assert set(series["measure_id"]) <= {eleventh}

    assert labels.measure_ids()[-1] == eleventh
    assert labels.measure_name(eleventh) == registry.get(eleventh).name
    assert (eleventh, f"{eleventh}: {registry.get(eleventh).name}") in labels.measure_choices()
    offered = [value for value, _ in AimForm().fields["measure_id"].choices]
    assert eleventh in offered


def test_adding_a_measure_needs_no_migration(eleventh: str) -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    changes = MigrationAutodetector(loader.project_state(), ProjectState.from_apps(apps)).changes(
        graph=loader.graph
    )
    assert changes == {}
    field = apps.get_model("data", "Aim")._meta.get_field("measure_id")
    assert eleventh in dict(field.choices or [])
