"""The monthly series behind the dashboards' run and control charts, from the store.

For each measure of a run: everyone, each county, and each practice an improvement team
follows, month by month (:func:`wellchild.measures.series.series_by`, one query per
measure), over the months ending with the run's last month (or the store's last complete
one). Full counts: :mod:`wellchild.hub.data.policy` suppresses them before anything is
stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wellchild.errors import WellchildError

COLUMNS = [
    "measure_id",
    "scope",
    "key",
    "month",
    "window_start",
    "window_end",
    "numerator",
    "denominator",
]


class NotThisStore(WellchildError):
    """The store's counts differ from the run's summary: the run was measured elsewhere."""


@dataclass(frozen=True)
class Plan:
    """Which series to compute: the measures, the months and the practices."""

    measures: Sequence[str]
    last: dt.date
    months: int
    telehealth: bool = True
    visit_spacing_days: int = 0
    practices: Sequence[str] = ()


def compute(
    db: Path,
    plan: Plan,
    *,
    progress: Callable[[str], None] = lambda text: None,
) -> pd.DataFrame:
    """Full-count series (columns :data:`COLUMNS`) for every measure and scope of ``plan``."""
    # heavy: Ibis and DuckDB load only when the series are computed
    from wellchild.engines.duckdb_engine import DuckDBEngine
    from wellchild.measures.context import Settings
    from wellchild.measures.registry import get
    from wellchild.measures.series import (
        add_months,
        last_complete_month,
        month_start,
        series_by,
    )

    engine = DuckDBEngine.open(db)
    try:
        last = min(month_start(plan.last), last_complete_month(engine))
        first = add_months(last, -(plan.months - 1))
        settings = Settings(telehealth=plan.telehealth, visit_spacing_days=plan.visit_spacing_days)
        by = ("county", "practice") if plan.practices else ("county",)
        parts = []
        for measure_id in plan.measures:
            progress(f"{measure_id}: all children, each county and the teams' practices")
            series = series_by(engine, get(measure_id), first, last, by=by, settings=settings)
            parts.append(series[None].assign(scope="all", key=""))
            parts.append(series["county"].assign(scope="county"))
            if plan.practices:
                mine = series["practice"]
                parts.append(mine[mine["key"].isin(list(plan.practices))].assign(scope="practice"))
    finally:
        engine.close()
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    return _with_empty_counties(out[COLUMNS])


def _with_empty_counties(series: pd.DataFrame) -> pd.DataFrame:
    """A county with no child counted in a month has no row there; the month's table
    needs it (as zeros) for its groups to add up to the total."""
    totals = series[series["scope"] == "all"]
    counties = series.loc[series["scope"] == "county", "key"].unique()
    if totals.empty or len(counties) == 0:
        return series
    grid = totals[["measure_id", "month", "window_start", "window_end"]].merge(
        pd.DataFrame({"key": counties}), how="cross"
    )
    have = series[series["scope"] == "county"]
    grid = grid.merge(
        have[["measure_id", "month", "key", "numerator", "denominator"]],
        on=["measure_id", "month", "key"],
        how="left",
    ).fillna({"numerator": 0, "denominator": 0})
    grid["scope"] = "county"
    rest = series[series["scope"] != "county"]
    out = pd.concat([rest, grid[COLUMNS]], ignore_index=True)
    out["numerator"] = out["numerator"].astype("int64")
    out["denominator"] = out["denominator"].astype("int64")
    return out


def check_against_summary(series: pd.DataFrame, summary: pd.DataFrame, *, db: Path) -> None:
    """Stop when the store's count for the run's own period differs from the summary's:
    the series would then describe other children than the run."""
    for measure_id, rows in summary[summary["dimension"] == "total"].groupby("measure_id"):
        row = rows.iloc[0]
        same = series[
            (series["measure_id"] == measure_id)
            & (series["scope"] == "all")
            & (series["window_start"] == row["period_start"])
            & (series["window_end"] == row["period_end"])
        ]
        if same.empty:
            continue
        found = (int(same["numerator"].iloc[0]), int(same["denominator"].iloc[0]))
        expected = (int(row["numerator"]), int(row["denominator"]))
        if found != expected:
            raise NotThisStore(
                f"{db}: the store counts {found[0]} of {found[1]} children for {measure_id} "
                f"from {row['period_start']} to {row['period_end']}, but the run's "
                f"summary.csv has {expected[0]} of {expected[1]}: the run was not measured "
                "from this store (or with other settings). Nothing was published.",
                hint="Publish with the store the run was measured from, or without monthly series.",
            )
