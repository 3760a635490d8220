"""Runs analysis with the Anhøj rules (Anhøj and Olesen 2014; Anhøj 2015).

Only the points on either side of the centre line are *useful*; a point on the line
neither breaks nor extends a run. With ``n`` useful points, a process shows non-random
variation (a shift) when

- its longest run is longer than ``round(log2(n)) + 3`` (Schilling's approximation of the
  upper 95% prediction limit for the longest run), or
- the line crosses the centre fewer times than the 5th percentile of the binomial
  distribution with ``n - 1`` trials and p = 0.5 (Chen 2010).

Both limits adapt to the number of points, which keeps the false-signal rate near 5%
whatever the chart's length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from wellchild.qi.constants import FloatArray


@dataclass(frozen=True)
class RunsAnalysis:
    """The Anhøj runs analysis of one chart part."""

    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    runs_signal: bool
    #: Per input point: it belongs to a run longer than ``longest_run_max``.
    in_long_run: np.ndarray


def side_runs(y: FloatArray, cl: FloatArray) -> list[np.ndarray]:
    """Positions of each run of useful points on one side of the centre line, in order."""
    side = np.sign(y - cl)
    useful = np.flatnonzero(~np.isnan(side) & (side != 0))
    if not useful.size:
        return []
    breaks = np.flatnonzero(np.diff(side[useful]) != 0) + 1
    return np.split(useful, breaks)


def longest_run_limit(n_useful: int) -> int:
    """Runs longer than this are unusually long: ``round(log2(n)) + 3``."""
    return round(math.log2(n_useful)) + 3


def crossings_limit(n_useful: int) -> int:
    """Fewer crossings than this are unusually few: the 5% quantile of Bin(n - 1, 0.5).

    The smallest k with P(X <= k) >= 0.05, in exact integer arithmetic:
    20 * sum(C(m, i) for i <= k) >= 2**m.
    """
    trials = max(n_useful - 1, 0)
    total = 2**trials
    cumulative = 0
    for k in range(trials + 1):
        cumulative += math.comb(trials, k)
        if 20 * cumulative >= total:
            return k
    return trials


def runs_analysis(y: FloatArray, cl: FloatArray) -> RunsAnalysis:
    """Apply the Anhøj rules to the (included) points ``y`` around centre line ``cl``."""
    runs = side_runs(y, cl)
    in_long_run = np.zeros(y.shape, dtype=bool)
    n_useful = sum(len(run) for run in runs)
    if not n_useful:
        return RunsAnalysis(y.size, 0, None, None, None, None, False, in_long_run)
    longest = max(len(run) for run in runs)
    longest_max = longest_run_limit(n_useful)
    crossings = len(runs) - 1
    crossings_min = crossings_limit(n_useful)
    for run in runs:
        if len(run) > longest_max:
            in_long_run[run] = True
    signal = longest > longest_max or crossings < crossings_min
    return RunsAnalysis(
        y.size, n_useful, longest, longest_max, crossings, crossings_min, signal, in_long_run
    )
