"""A tiny measure run built once per test session: a synthetic store of a few hundred
children, two measures with a baseline, and its monthly series. So few children make a
summary full of counts from 1 to 10 and of complementary cells, which is the point."""

from __future__ import annotations

import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.engines.duckdb_load import load_folder
from wellchild.hub.data import monthly
from wellchild.measures.context import Period, Settings
from wellchild.measures.registry import get
from wellchild.measures.run import run_measures
from wellchild.measures.runfolder import RunFolder, read_run
from wellchild.synth import generate

YEAR = 2024
MEASURES = ("wcv_6m", "dental_12m")
MONTHS = 3


@dataclass(frozen=True)
class TinyRun:
    folder: RunFolder
    db: Path
    series: pd.DataFrame
    practice: str  # the practice with the most children, which a test team follows


@functools.cache
def tiny_run() -> TinyRun:
    root = Path(tempfile.mkdtemp(prefix="wellchild-tiny-run-"))
    inputs = generate(root / "input", children=700, seed=11, year=YEAR)
    db = root / "store.duckdb"
    load_folder(inputs.out, db)
    engine = DuckDBEngine.open(db)
    try:
        run_measures(
            engine,
            Period.for_year(YEAR),
            out=root / "run",
            settings=Settings(),
            measures=[get(m) for m in MEASURES],
            baseline=Period.for_year(YEAR - 1),
        )
    finally:
        engine.close()
    folder = read_run(root / "run")
    practices = folder.summary[
        (folder.summary["dimension"] == "practice") & (folder.summary["group"] != "(unattributed)")
    ]
    practice = str(practices.sort_values("denominator", ascending=False)["group"].iloc[0])
    plan = monthly.Plan(
        measures=list(MEASURES), last=folder.period_end, months=MONTHS, practices=[practice]
    )
    series = monthly.compute(db, plan)
    monthly.check_against_summary(series, folder.summary, db=db)
    return TinyRun(folder=folder, db=db, series=series, practice=practice)


def publish(label: str, *, public: bool = True) -> Any:
    """Publish the tiny run under ``label`` with its monthly series (the Run row)."""
    from wellchild.hub.data import publishing

    run = tiny_run()
    outcome = publishing.publish_run(
        folder=run.folder,
        label=label,
        public=public,
        series=run.series,
        outreach_dir=None,
        db=run.db,
    )
    return outcome.run
