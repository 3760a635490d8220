"""Measured by the rules of docs/measure-rules.md, 20,000 synthetic children land near real rates,
with gaps between racial/ethnic groups and between practices for the tools to find."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

import reference_measures as rm

from .synth_setup import YEAR

Tables = dict[str, pd.DataFrame]
Measure = Callable[[Tables, int], pd.DataFrame]


@pytest.fixture(scope="module")
def results(calibrated_tables: Tables) -> dict[tuple[str, int], pd.DataFrame]:
    measures: dict[str, Measure] = {
        "w30_1": rm.w30_rate1,
        "w30_2": rm.w30_rate2,
        "wcv_6m": rm.wcv_6m,
        "dental_12m": rm.dental_12m,
    }
    race = calibrated_tables["member"].set_index("member_id")["race_ethnicity"]
    out = {}
    for name, measure in measures.items():
        for year in (YEAR, YEAR - 1):
            frame = measure(calibrated_tables, year)
            frame["race_ethnicity"] = frame["member_id"].map(race)
            out[(name, year)] = frame[~frame["excluded"]]
    return out


@pytest.mark.parametrize(
    ("measure", "low", "high", "denominator"),
    [
        ("w30_1", 0.45, 0.55, 500),
        ("w30_2", 0.60, 0.70, 500),
        ("wcv_6m", 0.55, 0.75, 500),
        ("dental_12m", 0.45, 0.55, 3000),
    ],
)
@pytest.mark.parametrize("year", [YEAR, YEAR - 1])
def test_rate_lands_in_its_band(
    results: dict[tuple[str, int], pd.DataFrame],
    measure: str,
    low: float,
    high: float,
    denominator: int,
    year: int,
) -> None:
    frame = results[(measure, year)]
    assert len(frame) >= denominator
    assert low <= frame["met"].mean() <= high


def test_about_half_of_enrolled_one_to_five_year_olds_are_non_utilizers(
    results: dict[tuple[str, int], pd.DataFrame],
) -> None:
    frame = results[("dental_12m", YEAR)]
    assert 0.45 <= 1 - frame["met"].mean() <= 0.55


@pytest.mark.parametrize("measure", ["w30_1", "dental_12m"])
def test_black_children_are_behind_hispanic_children(
    results: dict[tuple[str, int], pd.DataFrame], measure: str
) -> None:
    frame = pd.concat([results[(measure, YEAR)], results[(measure, YEAR - 1)]])
    rates = frame.groupby("race_ethnicity")["met"].mean()
    assert rates["Hispanic"] - rates["Black"] >= 0.05


def _overdispersion(frame: pd.DataFrame, at_least: int = 30) -> tuple[float, float, int]:
    """Spread of practice rates and their variance over what chance alone would give."""
    practices = (
        frame.dropna(subset=["practice_id"]).groupby("practice_id")["met"].agg(["sum", "size"])
    )
    practices = practices[practices["size"] >= at_least]
    p = practices["sum"].sum() / practices["size"].sum()
    expected = practices["size"] * p
    chi2 = (((practices["sum"] - expected) ** 2) / (expected * (1 - p))).sum()
    rate = practices["sum"] / practices["size"]
    return float(rate.max() - rate.min()), float(chi2 / (len(practices) - 1)), len(practices)


@pytest.mark.parametrize("measure", ["wcv_6m", "dental_12m"])
def test_practices_differ_more_than_chance(
    results: dict[tuple[str, int], pd.DataFrame], measure: str
) -> None:
    frame = pd.concat([results[(measure, YEAR)], results[(measure, YEAR - 1)]])
    spread, dispersion, practices = _overdispersion(frame)
    assert practices >= 8
    assert spread >= 0.2
    assert dispersion >= 1.5


def test_practice_sizes_are_heavy_tailed(calibrated_tables: Tables) -> None:
    assigned = calibrated_tables["pcp_assignment"].groupby("practice_id")["member_id"].nunique()
    assert assigned.max() >= 8 * assigned.median()
    assert assigned.min() < 50


def test_dental_visits_rise_with_age(calibrated_tables: Tables) -> None:
    member = calibrated_tables["member"].set_index("member_id")
    visits = rm.dental_visits(calibrated_tables)
    in_year = visits[visits["service_date"].dt.year == YEAR]
    age = YEAR - member["birth_date"].dt.year
    share = [np.mean(member.index[age == a].isin(set(in_year["member_id"]))) for a in range(7)]
    assert share[0] < 0.08
    assert 0.1 < share[1] < 0.3
    assert share[1] < share[2] < share[4]
    assert 0.45 < share[4] < 0.75


def test_line_volumes(calibrated_tables: Tables) -> None:
    children = len(calibrated_tables["member"])
    assert 30 <= len(calibrated_tables["medical_claim"]) / children <= 50
    assert 7 <= len(calibrated_tables["dental_claim"]) / children <= 13
