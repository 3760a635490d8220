"""The measure engine on the 20,000-child calibration population: the long table keeps
the contract, agrees child by child with the plain pandas reference measures, lands in
the generator's bands, and its summary adds up."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import reference_measures as rm
from synth.synth_setup import YEAR
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.engines.duckdb_load import load_folder
from wellchild.measures.context import Period, Settings
from wellchild.measures.evaluate import LONG_COLUMNS
from wellchild.measures.registry import all_measures
from wellchild.measures.run import MeasureRun, run_measures
from wellchild.measures.summary import DIMENSIONS
from wellchild.synth import SynthResult

SETTINGS = Settings(telehealth=True, visit_spacing_days=0)
LONG_TYPES = {
    "member_id": "string",
    "measure_id": "string",
    "measure_version": "string",
    "period_start": "date32[day]",
    "period_end": "date32[day]",
    "practice_id": "string",
    "in_denominator": "bool",
    "excluded": "bool",
    "exclusion_reason": "string",
    "met": "bool",
    "evidence_date": "date32[day]",
    "evidence_code": "string",
}


@pytest.fixture(scope="module")
def store(calibrated: SynthResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("measures") / "calibrated.duckdb"
    load_folder(calibrated.out, db)
    return db


@pytest.fixture(scope="module")
def run(store: Path, tmp_path_factory: pytest.TempPathFactory) -> MeasureRun:
    engine = DuckDBEngine.open(store)
    try:
        return run_measures(
            engine,
            Period.for_year(YEAR),
            out=tmp_path_factory.mktemp("run"),
            settings=SETTINGS,
            baseline=Period.for_year(YEAR - 1),
        )
    finally:
        engine.close()


@pytest.fixture(scope="module")
def long(run: MeasureRun) -> pd.DataFrame:
    return pd.read_parquet(run.long_path)


def test_the_long_table_has_the_contract_columns_and_types(run: MeasureRun) -> None:
    schema = pq.read_schema(run.long_path)
    assert tuple(schema.names) == LONG_COLUMNS
    assert {f.name: str(f.type) for f in schema} == LONG_TYPES


def test_one_row_per_child_and_measure(long: pd.DataFrame, calibrated_tables: rm.Tables) -> None:
    children = len(calibrated_tables["member"])
    assert len(long) == children * len(all_measures())
    assert not long.duplicated(["measure_id", "member_id"]).any()
    assert set(long["measure_id"]) == {m.id for m in all_measures()}


def test_flags_are_consistent(long: pd.DataFrame) -> None:
    assert not (long["met"] & ~long["in_denominator"]).any()
    assert not (long["met"] & long["excluded"]).any()
    assert not (long["excluded"] & ~long["in_denominator"]).any()
    assert (long["exclusion_reason"].notna() == long["excluded"]).all()
    assert (long["evidence_date"].notna() == long["met"]).all()
    assert (long["evidence_code"].notna() == long["met"]).all()
    assert long.loc[~long["in_denominator"], "practice_id"].isna().all()


REFERENCE = {
    "w30_1": lambda t: rm.w30_rate1(t, YEAR),
    "w30_2": lambda t: rm.w30_rate2(t, YEAR),
    "wcv_6m": lambda t: rm.wcv_6m(t, YEAR),
    "dental_12m": lambda t: rm.dental_12m(t, YEAR),
}


@pytest.mark.parametrize("measure", sorted(REFERENCE))
def test_agrees_child_by_child_with_the_pandas_reference(
    measure: str, long: pd.DataFrame, calibrated_tables: rm.Tables
) -> None:
    expected = REFERENCE[measure](calibrated_tables).set_index("member_id").sort_index()
    got = long[(long["measure_id"] == measure) & long["in_denominator"]]
    got = got.set_index("member_id").sort_index()
    assert got.index.tolist() == expected.index.tolist()
    assert got["excluded"].tolist() == expected["excluded"].tolist()
    assert got["met"].tolist() == (expected["met"] & ~expected["excluded"]).tolist()
    assert got["practice_id"].fillna("").tolist() == expected["practice_id"].fillna("").tolist()


def _rate(long: pd.DataFrame, measure: str) -> float:
    rows = long[(long["measure_id"] == measure) & long["in_denominator"] & ~long["excluded"]]
    return float(rows["met"].mean())


def test_rates_land_in_the_generators_bands(long: pd.DataFrame) -> None:
    assert 0.45 <= _rate(long, "w30_1") <= 0.55
    assert 0.60 <= _rate(long, "w30_2") <= 0.70
    assert 0.40 <= 1 - _rate(long, "dental_12m") <= 0.60  # about half are non-utilizers


def test_every_measure_has_a_denominator(long: pd.DataFrame) -> None:
    den = long[long["in_denominator"]].groupby("measure_id").size()
    assert set(den.index) == {m.id for m in all_measures()}
    assert (den >= 50).all(), den.to_dict()


def test_summary_totals_match_the_long_table(run: MeasureRun, long: pd.DataFrame) -> None:
    summary = pd.read_csv(run.summary_path)
    totals = summary[summary["dimension"] == "total"].set_index("measure_id")
    for measure, rows in long[long["in_denominator"]].groupby("measure_id"):
        counted = rows[~rows["excluded"]]
        assert totals.at[measure, "eligible"] == len(rows)
        assert totals.at[measure, "excluded"] == int(rows["excluded"].sum())
        assert totals.at[measure, "denominator"] == len(counted)
        assert totals.at[measure, "numerator"] == int(counted["met"].sum())


def test_each_dimension_partitions_the_total(run: MeasureRun) -> None:
    summary = run.summary
    assert set(summary["dimension"]) == {"total", *DIMENSIONS}
    totals = summary[summary["dimension"] == "total"].set_index("measure_id")
    sums = (
        summary[summary["dimension"] != "total"]
        .groupby(["measure_id", "dimension"])[["denominator", "numerator"]]
        .sum()
    )
    for (measure, _dimension), row in sums.iterrows():
        assert row["denominator"] == totals.at[measure, "denominator"]
        assert row["numerator"] == totals.at[measure, "numerator"]


def test_intervals_hold_the_rate_and_disparities_follow_the_reference(run: MeasureRun) -> None:
    s = run.summary[run.summary["denominator"] > 0]
    assert ((s["ci_low"] <= s["rate"] + 1e-12) & (s["rate"] <= s["ci_high"] + 1e-12)).all()
    assert np.allclose(s["rate"], s["numerator"] / s["denominator"])
    strata = s[s["dimension"] != "total"]
    for (_m, _d), frame in strata.groupby(["measure_id", "dimension"]):
        reference = frame["reference_group"].iloc[0]
        ref_rate = frame.loc[frame["group"] == reference, "rate"].iloc[0]
        assert np.allclose(frame["difference"], frame["rate"] - ref_rate)


def test_the_intervals_are_statsmodels_wilson_intervals_to_the_last_bit(run: MeasureRun) -> None:
    from statsmodels.stats.proportion import proportion_confint

    s = run.summary[run.summary["denominator"] > 0]
    low, high = proportion_confint(
        s["numerator"].to_numpy(float), s["denominator"].to_numpy(float), method="wilson"
    )
    assert (s["ci_low"].to_numpy() == low).all()
    assert (s["ci_high"].to_numpy() == high).all()


def test_the_wcv_6m_target_is_the_baseline_plus_ten_points(run: MeasureRun) -> None:
    s = run.summary
    total = s[(s["measure_id"] == "wcv_6m") & (s["dimension"] == "total")].iloc[0]
    assert total["target_rate"] == pytest.approx(total["baseline_rate"] + 0.10)
    span = total["target_rate"] - total["baseline_rate"]
    assert total["progress"] == pytest.approx((total["rate"] - total["baseline_rate"]) / span)
    others = s[(s["measure_id"] != "wcv_6m")]
    assert others["target_rate"].isna().all()


def test_the_public_summary_shows_no_small_counts(store: Path, tmp_path: Path) -> None:
    engine = DuckDBEngine.open(store)
    try:
        public = run_measures(
            engine, Period.for_year(YEAR), out=tmp_path, settings=SETTINGS, public=True
        ).summary
    finally:
        engine.close()
    assert "eligible" not in public
    shown = public[public["suppressed"].fillna("") == ""]
    for column in ("denominator", "numerator"):
        assert not shown[column].between(1, 10).any()
    complements = shown["denominator"] - shown["numerator"]
    assert not complements.between(1, 10).any()
    assert (public["suppressed"].fillna("") != "").any()  # practices and small groups
    hidden = public[public["suppressed"].fillna("").str.contains("rate")]
    assert hidden["rate"].isna().all()
    assert hidden["ci_low"].isna().all()


def test_the_public_summary_of_20000_children_resists_the_attack(run: MeasureRun) -> None:
    """Every measure of the calibration run, attacked as published: each table alone,
    and oev with tfl, whose denominators count the same children."""
    from wellchild.measures.suppression import KINDS, attack, describe, publish

    truth = run.summary
    public = publish(truth)
    hidden = public[list(KINDS)].isna()
    assert 0 < int(hidden.to_numpy().sum()) < truth.shape[0]  # cells hidden, most shown
    for measure_id in truth["measure_id"].unique():
        rows = (truth["measure_id"] == measure_id).to_numpy()
        if measure_id in ("oev", "tfl"):
            rows = truth["measure_id"].isin(["oev", "tfl"]).to_numpy()
        table = truth.loc[rows, ["measure_id", "dimension", "group", *KINDS]].reset_index(drop=True)
        mask = hidden.loc[rows].reset_index(drop=True)
        assert describe(attack(table, mask), table) == [], measure_id
    race = public[(public["measure_id"] == "wcv_6m") & (public["dimension"] == "race_ethnicity")]
    assert race["reference_group"].nunique() == 1
