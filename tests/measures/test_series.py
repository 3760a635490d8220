"""Monthly series: each point is the measure over its own window, so the point of a
December is the calendar year's run, a scope counts only its children, and the event
months of dental_after_pcp add up to the run over the whole programme."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from synth.synth_setup import YEAR
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.engines.duckdb_load import load_folder
from wellchild.errors import WellchildError
from wellchild.measures.context import Context, Period, Settings
from wellchild.measures.evaluate import long_table
from wellchild.measures.registry import get
from wellchild.measures.series import (
    SERIES_COLUMNS,
    Scope,
    add_months,
    grouped_series,
    last_complete_month,
    monthly_series,
    rolling_period,
)
from wellchild.synth import SynthResult

SETTINGS = Settings()


@pytest.fixture(scope="module")
def db(calibrated: SynthResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("series") / "store.duckdb"
    load_folder(calibrated.out, path)
    return path


@pytest.fixture(scope="module")
def engine(db: Path) -> Iterator[DuckDBEngine]:
    opened = DuckDBEngine.open(db)
    yield opened
    opened.close()


def _totals(engine: DuckDBEngine, measure: str, period: Period) -> pd.DataFrame:
    ctx = Context(engine.inputs(), period, SETTINGS)
    long = engine.to_arrow(long_table(ctx, [get(measure)])).to_pandas()
    return long[long["in_denominator"] & ~long["excluded"]]


def test_a_rolling_window_is_the_twelve_months_ending_that_month() -> None:
    p = rolling_period(dt.date(2024, 2, 1))
    assert (p.start, p.end, p.as_of) == (dt.date(2023, 3, 1), dt.date(2024, 2, 29), p.end)
    assert rolling_period(dt.date(YEAR, 12, 1)) == Period.for_year(YEAR)


@pytest.mark.parametrize("measure", ["w30_1", "wcv_6m", "dental_12m"])
def test_the_december_point_is_the_calendar_year(engine: DuckDBEngine, measure: str) -> None:
    series = monthly_series(
        engine, get(measure), dt.date(YEAR, 10, 1), dt.date(YEAR, 12, 1), settings=SETTINGS
    )
    assert series["month"].tolist() == [dt.date(YEAR, m, 1) for m in (10, 11, 12)]
    december = series.iloc[-1]
    counted = _totals(engine, measure, Period.for_year(YEAR))
    assert december["denominator"] == len(counted)
    assert december["numerator"] == int(counted["met"].sum())
    assert series["denominator"].nunique() > 1  # the windows really move


def test_a_practice_and_a_county_count_only_their_children(
    engine: DuckDBEngine, calibrated: SynthResult
) -> None:
    counted = _totals(engine, "wcv_6m", Period.for_year(YEAR))
    practice = counted["practice_id"].value_counts().index[0]
    month = dt.date(YEAR, 12, 1)
    mine = monthly_series(
        engine, get("wcv_6m"), month, month, settings=SETTINGS, scope=Scope(practice=practice)
    ).iloc[0]
    rows = counted[counted["practice_id"] == practice]
    assert (mine["denominator"], mine["numerator"]) == (len(rows), int(rows["met"].sum()))

    members = pd.read_csv(calibrated.out / "member.csv", dtype=str)
    county = members["county_fips"].value_counts().index[-1]  # the smallest county
    in_county = counted[
        counted["member_id"].isin(members["member_id"][members["county_fips"] == county])
    ]
    series = monthly_series(
        engine, get("wcv_6m"), month, month, settings=SETTINGS, scope=Scope(county=county)
    )
    got = (0, 0) if series.empty else tuple(series.iloc[0][["denominator", "numerator"]])
    assert got == (len(in_county), int(in_county["met"].sum()))


@pytest.mark.parametrize("measure", ["wcv_6m", "dental_after_pcp"])
@pytest.mark.parametrize("by", ["county", "practice"])
def test_a_grouped_series_is_each_group_s_own_series(
    engine: DuckDBEngine, calibrated: SynthResult, measure: str, by: str
) -> None:
    # an event month's children need their six months of follow-up inside the series
    first = dt.date(YEAR, 10, 1) if measure == "wcv_6m" else dt.date(YEAR - 1, 1, 1)
    last = dt.date(YEAR, 12, 1)
    grouped = grouped_series(engine, get(measure), first, last, by=by, settings=SETTINGS)
    assert set(grouped.columns) == {*SERIES_COLUMNS, "key"}
    members = pd.read_csv(calibrated.out / "member.csv", dtype=str)
    counts = grouped["key"].value_counts()
    smallest, largest = counts.index[-1], counts.index[0]
    for key in {smallest, largest}:
        scope = Scope(county=key) if by == "county" else Scope(practice=key)
        own = monthly_series(engine, get(measure), first, last, settings=SETTINGS, scope=scope)
        mine = grouped[grouped["key"] == key].drop(columns="key").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, own, check_dtype=False)
    if by == "county":
        assert set(grouped["key"]) <= set(members["county_fips"])
        total = monthly_series(engine, get(measure), first, last, settings=SETTINGS)
        summed = grouped.groupby("month")[["numerator", "denominator"]].sum().reset_index()
        assert summed["denominator"].tolist() == total["denominator"].tolist()
        assert summed["numerator"].tolist() == total["numerator"].tolist()


def test_event_months_add_up_to_the_whole_programme(engine: DuckDBEngine) -> None:
    first, last = dt.date(YEAR - 1, 1, 1), dt.date(YEAR, 12, 1)
    series = monthly_series(engine, get("dental_after_pcp"), first, last, settings=SETTINGS)
    whole = _totals(
        engine,
        "dental_after_pcp",
        Period(
            start=first, end=dt.date(YEAR, 12, 31), as_of=dt.date(YEAR, 12, 31), program_start=first
        ),
    )
    assert series["denominator"].sum() == len(whole)
    assert series["numerator"].sum() == int(whole["met"].sum())
    # every point's follow-up ended by the end of the series
    assert (series["window_end"] <= dt.date(YEAR, 12, 31)).all()
    assert series["month"].is_monotonic_increasing


def test_the_last_complete_month_is_read_from_the_claims(engine: DuckDBEngine) -> None:
    assert last_complete_month(engine) == dt.date(YEAR, 12, 1)
    assert add_months(dt.date(YEAR, 1, 1), -1) == dt.date(YEAR - 1, 12, 1)


def test_a_practice_and_a_county_together_are_refused() -> None:
    with pytest.raises(WellchildError, match="not both"):
        Scope(practice="P1", county="06037")


def _wellchild(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from wellchild.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_the_command_writes_a_series_qi_chart_reads(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "wcv.csv"
    made = _wellchild(
        "qi-series", "--measure", "wcv_6m", "--county", "06037", "--db", str(db),
        "--from", f"{YEAR - 1}-01", "--out", str(out),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    series = pd.read_csv(out)
    assert len(series) == 24
    assert (series["denominator"] > 0).all()
    png = tmp_path / "wcv.png"
    chart = _wellchild(
        "qi-chart", str(out), "--x", "month", "--y", "numerator", "--n", "denominator",
        "--chart", "pp", "--out", str(png),
    )  # fmt: skip
    assert chart.returncode == 0, chart.stderr
    assert png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "2024-13"], "YYYY-MM"),
        (["--measure", "w31"], "no measure called"),
        (["--practice", "P1", "--county", "06037"], "not both"),
        (["--out", "series.xlsx"], ".csv"),
        (["--practice", "NO-SUCH-PRACTICE"], "No child was counted"),
    ],
)
def test_mistakes_get_a_message_and_status_2(
    db: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    base = ["qi-series", "--db", str(db), "--out", str(tmp_path / "s.csv")]
    if "--measure" not in args:
        base += ["--measure", "wcv_6m"]
    done = _wellchild(*base, *args)
    assert done.returncode == 2
    assert message in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
