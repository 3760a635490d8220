"""The rule sets on series small enough to check by hand."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest

from wellchild.qi import qi_chart
from wellchild.qi.anhoej import crossings_limit, longest_run_limit, runs_analysis
from wellchild.qi.ihi import ihi_rules, runs_limits, trend_mask


def _analyse(values: list[float], centre: float = 0.0) -> object:
    y = np.array(values, dtype=float)
    return runs_analysis(y, np.full(y.shape, centre))


@pytest.mark.parametrize(
    ("n_useful", "longest_max", "crossings_min"),
    # Longest-run limits as tabulated for round(log2(n)) + 3; crossing limits as qbinom
    # gives them in the qicharts2 references (11, 19, 24, 31, 32 useful points).
    [(10, 6, 2), (11, 6, 2), (12, 7, 3), (19, 7, 6), (23, 8, 7), (24, 8, 8), (31, 8, 11),
     (32, 8, 11), (46, 9, 17), (91, 10, 37)],
)  # fmt: skip
def test_anhoej_limits(n_useful: int, longest_max: int, crossings_min: int) -> None:
    assert longest_run_limit(n_useful) == longest_max
    assert crossings_limit(n_useful) == crossings_min


def test_crossings_limit_is_the_binomial_5th_percentile() -> None:
    for n in range(2, 120):
        trials = n - 1
        k = crossings_limit(n)
        below = sum(math.comb(trials, i) for i in range(k)) / 2**trials
        upto = below + math.comb(trials, k) / 2**trials
        assert below < 0.05 <= upto


def test_a_point_on_the_centre_line_neither_breaks_nor_counts_in_a_run() -> None:
    result = _analyse([1, 1, 0, 1, 1, -1, -1])
    assert (result.n_obs, result.n_useful) == (7, 6)
    assert (result.longest_run, result.n_crossings) == (4, 1)


def test_a_long_run_is_marked_point_by_point() -> None:
    values = [1, -1, 1, -1] + [1] * 9 + [-1, 1, -1, 1]
    result = _analyse(values)
    assert result.longest_run == 9
    assert result.longest_run_max == 7
    assert result.runs_signal
    assert result.in_long_run.tolist() == [False] * 4 + [True] * 9 + [False] * 4


def test_no_useful_points_means_no_runs_analysis() -> None:
    result = _analyse([0, 0, 0])
    assert (result.n_useful, result.longest_run, result.runs_signal) == (0, None, False)


def _ihi(values: list[float], centre: float = 0.0) -> object:
    y = np.array(values, dtype=float)
    return ihi_rules(y, np.full(y.shape, centre), np.zeros(y.shape, dtype=bool))


def test_six_points_on_one_side_are_a_shift_even_around_a_point_on_the_median() -> None:
    result = _ihi([-1, 1, 1, 1, 0, 1, 1, 1, -1])
    assert result.shift.tolist() == [False, True, True, True, False, True, True, True, False]
    assert not _ihi([-1, 1, 1, 1, 1, 1, -1]).shift.any()


def test_five_rising_points_are_a_trend_and_a_repeat_neither_breaks_nor_counts() -> None:
    assert trend_mask(np.array([3, 1, 2, 2, 3, 4, 5, 2.0])).tolist() == [
        False, True, True, True, True, True, True, False,
    ]  # fmt: skip
    assert not trend_mask(np.array([5, 1, 2, 2, 3, 4, 1.0])).any()
    assert trend_mask(np.array([9, 8, 7, np.nan, 6, 5.0])).tolist() == [
        True, True, True, False, True, True,
    ]  # fmt: skip


def _runs_distribution(n: int) -> dict[int, int]:
    """Number of runs of every arrangement of n//2 lows and n - n//2 highs, by brute force."""
    counts: dict[int, int] = {}
    for lows in itertools.combinations(range(n), n // 2):
        sides = [i in lows for i in range(n)]
        runs = 1 + sum(a != b for a, b in itertools.pairwise(sides))
        counts[runs] = counts.get(runs, 0) + 1
    return counts


@pytest.mark.parametrize("n", range(10, 17))
def test_runs_limits_cut_2_5_percent_from_each_tail(n: int) -> None:
    counts = _runs_distribution(n)
    total = sum(counts.values())
    lower, upper = runs_limits(n) or (0, 0)
    assert sum(c for r, c in counts.items() if r < lower) / total <= 0.025
    assert sum(c for r, c in counts.items() if r <= lower) / total > 0.025
    assert sum(c for r, c in counts.items() if r > upper) / total <= 0.025
    assert sum(c for r, c in counts.items() if r >= upper) / total > 0.025


def test_runs_table() -> None:
    """Swed and Eisenhart's critical values as the run chart table tabulates them."""
    assert runs_limits(9) is None
    assert runs_limits(10) == (3, 9)
    assert runs_limits(16) == (5, 13)
    assert runs_limits(20) == (7, 15)
    assert runs_limits(24) == (8, 18)
    assert runs_limits(30) == (11, 21)


def test_too_many_and_too_few_runs() -> None:
    alternating = _ihi([1, -1] * 10)
    assert alternating.n_runs == 20
    assert alternating.too_many_runs.all()
    assert not alternating.too_few_runs.any()
    clustered = _ihi([1] * 7 + [-1] * 7 + [1] * 6)
    assert clustered.n_runs == 3
    assert clustered.too_few_runs.all()


def test_on_a_control_chart_astronomical_points_are_those_outside_the_limits() -> None:
    values = [10, 11, 9, 10, 12, 10, 30, 11, 9, 10, 11, 10, 9, 10, 11]
    points = qi_chart(pd.DataFrame({"x": range(15), "y": values}), x="x", y="y", chart="i").points
    assert points["ihi_astronomical_point"].tolist() == points["sigma_signal"].tolist()
    assert points["sigma_signal"].tolist() == [i == 6 for i in range(15)]


def test_on_a_run_chart_astronomical_points_are_judged_by_i_chart_limits() -> None:
    values = [10, 11, 9, 10, 12, 10, 30, 11, 9, 10, 11, 10, 9, 10, 11]
    points = qi_chart(pd.DataFrame({"x": range(15), "y": values}), x="x", y="y").points
    assert points["ihi_astronomical_point"].tolist() == [i == 6 for i in range(15)]
    assert not points["sigma_signal"].any()


def test_moving_ranges_and_unordered_x_get_no_runs_analysis() -> None:
    shifted = pd.DataFrame({"x": range(20), "y": [1.0] * 10 + [5.0, 6.0] * 5})
    assert qi_chart(shifted, x="x", y="y").points["runs_signal"].all()
    mr = qi_chart(shifted, x="x", y="y", chart="mr").points
    assert not mr["runs_signal"].any()
    assert not mr[["anhoej_long_run", "ihi_shift", "ihi_trend"]].any().any()
    unordered = qi_chart(shifted.assign(x=[f"site {i:02}" for i in range(20)]), x="x", y="y")
    assert not unordered.points["runs_signal"].any()
