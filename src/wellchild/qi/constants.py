"""Control-chart constants (Montgomery, *Introduction to Statistical Quality Control*).

``c4`` and the constants built on it are computed exactly from the gamma function rather
than read from a printed table, so they hold for any subgroup size. The moving-range
constants keep the rounded values of the published I-chart formulas
(``sigma = MR-bar / 1.128``; upper range limit ``3.267 * MR-bar``).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: d2 for moving ranges of two points: E|x1 - x2| = 1.128 sigma.
D2 = 1.128
#: D4 for moving ranges of two points: the upper 3-sigma limit of a moving range.
D4 = 3.267


def c4(n: FloatArray) -> FloatArray:
    """E(s) / sigma for subgroups of size ``n``; NaN where ``n <= 1`` (no spread to see).

    Computed through log-gamma so large subgroups do not overflow.
    """
    out = np.full(n.shape, np.nan)
    for i, size in enumerate(n):
        if size > 1:
            log_ratio = math.lgamma(size / 2) - math.lgamma((size - 1) / 2)
            out[i] = math.sqrt(2 / (size - 1)) * math.exp(log_ratio)
    return out


def a3(n: FloatArray, sigmas: float = 3) -> FloatArray:
    """A3: the Xbar chart's limits are ``cl ± A3 * s-bar`` (Montgomery 6.32)."""
    return sigmas / (c4(n) * np.sqrt(n))


def b3(n: FloatArray, sigmas: float = 3) -> FloatArray:
    """B3: the S chart's lower limit is ``B3 * s-bar``, never below zero."""
    c = c4(n)
    return np.maximum(0.0, 1 - sigmas * np.sqrt(1 - c**2) / c)


def b4(n: FloatArray, sigmas: float = 3) -> FloatArray:
    """B4: the S chart's upper limit is ``B4 * s-bar``."""
    c = c4(n)
    return 1 + sigmas * np.sqrt(1 - c**2) / c
