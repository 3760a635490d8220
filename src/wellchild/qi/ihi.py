"""The IHI run chart rules (Provost and Murray, *The Health Care Data Guide*, 2011;
Perla, Provost and Murray, BMJ Qual Saf 2011;20:46-51).

- **Shift**: six or more consecutive points on the same side of the median. Points on the
  median neither break nor count toward a shift.
- **Trend**: five or more consecutive points all going up or all going down. A point equal
  to the one before neither breaks nor counts toward a trend.
- **Too few or too many runs**: a run is one or more consecutive points on one side of the
  median (points on it ignored). The number of runs is compared with the limits of the
  runs test (Swed and Eisenhart 1943) that the published table tabulates: fewer runs than
  the lower limit, or more than the upper one, happen by chance less than 2.5% of the time
  each. The table starts at 10 useful points; with fewer the rule is not applied.
- **Astronomical point**: a point obviously different from the rest. Judged objectively
  here as a point outside the 3-sigma limits; on a run chart, outside the limits an I chart
  of the same points would have.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from wellchild.qi.anhoej import side_runs
from wellchild.qi.constants import FloatArray

SHIFT_LENGTH = 6
TREND_LENGTH = 5
RUNS_TABLE_FROM = 10


@dataclass(frozen=True)
class IHIRules:
    """The IHI rules on one chart part; masks are per input point."""

    shift: np.ndarray
    trend: np.ndarray
    too_few_runs: np.ndarray
    too_many_runs: np.ndarray
    astronomical: np.ndarray
    n_runs: int
    runs_min: int | None
    runs_max: int | None


@cache
def runs_limits(n_useful: int) -> tuple[int, int] | None:
    """(lower, upper): fewer than ``lower`` or more than ``upper`` runs is a signal.

    Exact from the distribution of the number of runs R when ``n1 = floor(n/2)`` points lie
    below and ``n2 = ceil(n/2)`` above the median, each tail at most 2.5%:
    ``lower`` is the smallest r with P(R <= r) > 0.025, ``upper`` the largest r with
    P(R >= r) > 0.025. None below 10 useful points, where the table starts.
    """
    if n_useful < RUNS_TABLE_FROM:
        return None
    low, high = n_useful // 2, n_useful - n_useful // 2
    total = math.comb(n_useful, low)
    ways = {r: _ways_to_make_runs(low, high, r) for r in range(2, n_useful + 1)}
    cumulative, lower = 0, 2
    for r in range(2, n_useful + 1):
        cumulative += ways[r]
        if 40 * cumulative > total:
            lower = r
            break
    cumulative, upper = 0, n_useful
    for r in range(n_useful, 1, -1):
        cumulative += ways[r]
        if 40 * cumulative > total:
            upper = r
            break
    return lower, upper


def _ways_to_make_runs(n1: int, n2: int, runs: int) -> int:
    """Arrangements of n1 + n2 points (two kinds) with exactly ``runs`` runs."""
    if runs % 2 == 0:
        k = runs // 2
        return 2 * math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k - 1)
    k = (runs - 1) // 2
    return math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k) + math.comb(n1 - 1, k) * math.comb(
        n2 - 1, k - 1
    )


def trend_mask(y: FloatArray) -> np.ndarray:
    """Points in a trend: five or more distinct consecutive values all rising or falling."""
    mask = np.zeros(y.shape, dtype=bool)
    present = np.flatnonzero(~np.isnan(y))
    if present.size < TREND_LENGTH:
        return mask
    # Collapse repeated values: each step is between two different values.
    values = y[present]
    starts = np.concatenate([[0], np.flatnonzero(np.diff(values) != 0) + 1])
    steps = np.sign(np.diff(values[starts]))
    # Group consecutive steps of one direction; a group of k steps spans k + 1 values.
    first = 0
    while first < steps.size:
        last = first
        while last + 1 < steps.size and steps[last + 1] == steps[first]:
            last += 1
        if last - first + 2 >= TREND_LENGTH:
            begin = present[starts[first]]
            end_group = starts[last + 2] if last + 2 < starts.size else values.size
            end = present[end_group - 1]
            mask[begin : end + 1] = True
        first = last + 1
    mask[np.isnan(y)] = False
    return mask


def ihi_rules(y: FloatArray, cl: FloatArray, outside: np.ndarray) -> IHIRules:
    """Apply the IHI rules to the (included) points ``y`` around median ``cl``.

    ``outside`` marks the points outside the 3-sigma limits (the astronomical points).
    """
    runs = side_runs(y, cl)
    shift = np.zeros(y.shape, dtype=bool)
    for run in runs:
        if len(run) >= SHIFT_LENGTH:
            shift[run] = True
    n_useful = sum(len(run) for run in runs)
    limits = runs_limits(n_useful)
    useful = np.zeros(y.shape, dtype=bool)
    for run in runs:
        useful[run] = True
    few = many = np.zeros(y.shape, dtype=bool)
    if limits is not None:
        few = useful & (len(runs) < limits[0])
        many = useful & (len(runs) > limits[1])
    return IHIRules(
        shift=shift,
        trend=trend_mask(y),
        too_few_runs=few,
        too_many_runs=many,
        astronomical=outside.copy(),
        n_runs=len(runs),
        runs_min=limits[0] if limits else None,
        runs_max=limits[1] if limits else None,
    )
