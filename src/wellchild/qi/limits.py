"""Centre line and 3-sigma limits of one chart part, one function per chart type.

Each function sees one part of one facet, and a ``base`` mask of the points that define
the process: in the baseline (``freeze``) and not excluded. Formulas follow Montgomery
(*Introduction to Statistical Quality Control*, 6th ed.), with Nelson's (1982) screening of
freak moving ranges for I charts, Laney (2002) for P′ and U′ charts and Provost and Murray
(*The Health Care Data Guide*) for T and G charts; docs/qi.md states each one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from wellchild.qi.catalogue import ChartType
from wellchild.qi.constants import D2, D4, FloatArray, a3, b3, b4

#: The T chart's transformation of exponential waiting times to near-symmetry.
T_POWER = 3.6


@dataclass(frozen=True)
class Part:
    """The subgroups of one part, as arrays in x order."""

    y: FloatArray
    y_sum: FloatArray
    y_length: FloatArray
    y_sd: FloatArray
    n: FloatArray
    base: np.ndarray
    #: x is categorical (no time order): spread is measured directly, not by moving ranges.
    categorical: bool = False


@dataclass(frozen=True)
class Lines:
    """What a chart plots for one part: y (which some charts derive), centre and limits."""

    y: FloatArray
    cl: FloatArray
    lcl: FloatArray
    ucl: FloatArray
    lcl_95: FloatArray
    ucl_95: FloatArray
    #: For a chart computed on a transformed scale (the T chart), the lines on that scale:
    #: points are judged against the centre and limits there, like with like, because the
    #: back-transformed centre of a constant series can differ from its y in the last digit.
    judge: Lines | None = None

    @property
    def judged(self) -> Lines:
        """The lines that runs and limits are judged on."""
        return self.judge if self.judge is not None else self


def compute(chart: ChartType, part: Part) -> Lines:
    """The lines of ``chart`` for ``part``."""
    return _CHARTS[chart](part)


def _mean(values: FloatArray) -> float:
    """Mean of the values present; NaN when none are (no baseline, no line)."""
    present = values[~np.isnan(values)]
    if not present.size:
        return np.nan
    # A second pass corrects the rounding of the first (as R's mean does), so the mean of
    # a constant series is that constant and its points sit on the centre line.
    mean = float(np.mean(present))
    return mean + float(np.mean(present - mean)) if np.isfinite(mean) else mean


def _median(values: FloatArray) -> float:
    present = values[~np.isnan(values)]
    return float(np.median(present)) if present.size else np.nan


def _constant(value: float, like: FloatArray) -> FloatArray:
    return np.full(like.shape, value, dtype=np.float64)


def _around(y: FloatArray, cl: FloatArray, sigma: FloatArray) -> Lines:
    return Lines(y, cl, cl - 3 * sigma, cl + 3 * sigma, cl - 2 * sigma, cl + 2 * sigma)


def _floor_at_zero(lines: Lines, *, cap_at_one: bool = False) -> Lines:
    """Counts cannot be negative, and proportions cannot exceed 1."""

    def cap(limit: FloatArray) -> FloatArray:
        return np.where(np.isfinite(limit) & (limit > 1), 1.0, limit) if cap_at_one else limit

    def floor(limit: FloatArray) -> FloatArray:
        return np.where(np.isfinite(limit) & (limit < 0), 0.0, limit)

    return Lines(
        lines.y,
        lines.cl,
        floor(lines.lcl),
        cap(lines.ucl),
        floor(lines.lcl_95),
        cap(lines.ucl_95),
    )


def screened_average_moving_range(values: FloatArray) -> float:
    """Average moving range of consecutive values after Nelson's screening.

    Moving ranges at or above ``3.267 * MR-bar`` are freak ranges caused by a special
    cause between two points; they are dropped and MR-bar is recomputed from the rest.
    A missing value breaks the two moving ranges it would belong to.
    """
    ranges = np.abs(np.diff(values))
    ranges = ranges[~np.isnan(ranges)]
    if not ranges.size:
        return np.nan
    kept = ranges[ranges < D4 * ranges.mean()]
    return float(kept.mean()) if kept.size else np.nan


def _run(part: Part) -> Lines:
    nan = _constant(np.nan, part.y)
    return Lines(part.y, _constant(_median(part.y[part.base]), part.y), nan, nan, nan, nan)


def _i(part: Part) -> Lines:
    base = part.y[part.base]
    sigma = screened_average_moving_range(base) / D2
    return _around(part.y, _constant(_mean(base), part.y), _constant(sigma, part.y))


def _mr(part: Part) -> Lines:
    ranges = np.concatenate([[np.nan], np.abs(np.diff(part.y))])
    cl = _constant(_mean(ranges[part.base]), part.y)
    zero = _constant(0.0, part.y)
    return Lines(ranges, cl, zero, D4 * cl, zero, D4 / 3 * 2 * cl)


def _pooled_sd(part: Part) -> float:
    """s-bar: the mean subgroup SD when sizes are equal (Montgomery 6.29), else the SD
    pooled over the baseline subgroups, weighted by degrees of freedom (6.31)."""
    base = part.base & (part.y_length > 0)
    sizes, sds = part.y_length[base], part.y_sd[base]
    if np.unique(part.y_length).size == 1:
        return _mean(sds)
    has_sd = ~np.isnan(sds)
    freedom = float(np.sum(sizes - 1))
    return float(np.sqrt(np.sum((sizes[has_sd] - 1) * sds[has_sd] ** 2) / freedom))


def _xbar(part: Part) -> Lines:
    base = part.base & (part.y_length > 0)
    cl = float(np.sum(part.y_length[base] * part.y[base]) / np.sum(part.y_length[base]))
    s_bar = _pooled_sd(part)
    cl_line = _constant(cl, part.y)
    width3, width2 = a3(part.y_length) * s_bar, a3(part.y_length, 2) * s_bar
    return Lines(part.y, cl_line, cl - width3, cl + width3, cl - width2, cl + width2)


def _s(part: Part) -> Lines:
    s_bar = _pooled_sd(part)
    sizes = part.y_length
    cl = _constant(s_bar, part.y)
    return Lines(
        part.y_sd,
        cl,
        b3(sizes) * s_bar,
        b4(sizes) * s_bar,
        b3(sizes, 2) * s_bar,
        b4(sizes, 2) * s_bar,
    )


def _t(part: Part) -> Lines:
    """I chart of ``y ** (1/3.6)`` (near-symmetric for exponential times), back-transformed.

    A lower limit below zero on the transformed scale has no time; it becomes 0.
    """
    transformed = _i(
        Part(
            part.y ** (1 / T_POWER),
            part.y_sum,
            part.y_length,
            part.y_sd,
            part.n,
            part.base,
            part.categorical,
        )
    )

    def back(limit: FloatArray) -> FloatArray:
        return np.where(limit > 0, np.abs(limit) ** T_POWER, np.where(np.isnan(limit), np.nan, 0.0))

    # No spread (a constant series) leaves no limits; the lower one still cannot be below
    # zero time, so it is 0 where there is a centre line (as qicharts2 draws it).
    lcl = np.where(
        np.isnan(transformed.lcl) & ~np.isnan(transformed.cl), 0.0, back(transformed.lcl)
    )

    return Lines(
        part.y,
        transformed.cl**T_POWER,
        lcl,
        transformed.ucl**T_POWER,
        back(transformed.lcl_95),
        transformed.ucl_95**T_POWER,
        judge=transformed,
    )


def _ratio_centre(part: Part) -> float:
    """Total events (or cases) over total denominator in the baseline."""
    return float(np.nansum(part.y_sum[part.base]) / np.nansum(part.n[part.base]))


def _laney_sigma_z(part: Part, cl: float, sigma: FloatArray) -> float:
    """Laney's sigma_z: the spread of the standardised values z = (y - cl) / sigma.

    In time order it is the screened average moving range of z over 1.128; without a time
    order (categorical x) it is the standard deviation of z.
    """
    z = (part.y[part.base] - cl) / sigma[part.base]
    if part.categorical:
        z = z[~np.isnan(z)]
        return float(np.std(z, ddof=1)) if z.size > 1 else np.nan
    return screened_average_moving_range(z) / D2


def _p(part: Part) -> Lines:
    cl = _ratio_centre(part)
    sigma = np.sqrt(cl * (1 - cl) / part.n)
    return _floor_at_zero(_around(part.y, _constant(cl, part.y), sigma), cap_at_one=True)


def _pp(part: Part) -> Lines:
    cl = _ratio_centre(part)
    sigma = np.sqrt(cl * (1 - cl) / part.n)
    sigma = sigma * _laney_sigma_z(part, cl, sigma)
    return _floor_at_zero(_around(part.y, _constant(cl, part.y), sigma), cap_at_one=True)


def _c(part: Part) -> Lines:
    counts = part.y_sum
    cl = _mean(counts[part.base])
    return _floor_at_zero(_around(counts, _constant(cl, counts), _constant(np.sqrt(cl), counts)))


def _u(part: Part) -> Lines:
    cl = _ratio_centre(part)
    return _floor_at_zero(_around(part.y, _constant(cl, part.y), np.sqrt(cl / part.n)))


def _up(part: Part) -> Lines:
    cl = _ratio_centre(part)
    sigma = np.sqrt(cl / part.n)
    sigma = sigma * _laney_sigma_z(part, cl, sigma)
    return _floor_at_zero(_around(part.y, _constant(cl, part.y), sigma))


def _g(part: Part) -> Lines:
    """Limits from the geometric distribution's mean and SD, sqrt(mean * (mean + 1)).

    The centre line is the median: the distribution is so skewed that runs analysis around
    the mean would see long runs below it in a stable process.
    """
    base = part.y[part.base]
    mean = _mean(base)
    sigma = _constant(np.sqrt(mean * (mean + 1)), part.y)
    lines = _floor_at_zero(_around(part.y, _constant(mean, part.y), sigma))
    median = _constant(_median(base), part.y)
    return Lines(lines.y, median, lines.lcl, lines.ucl, lines.lcl_95, lines.ucl_95)


_CHARTS: dict[ChartType, Callable[[Part], Lines]] = {
    "run": _run,
    "i": _i,
    "mr": _mr,
    "xbar": _xbar,
    "s": _s,
    "t": _t,
    "p": _p,
    "pp": _pp,
    "c": _c,
    "u": _u,
    "up": _up,
    "g": _g,
}
