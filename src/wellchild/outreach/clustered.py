"""A difference-in-differences with an interval that holds when the practices are few.

The pilot's outcome is one row per child and period, and children of one practice share
that practice's ways: the rows are clustered by practice. The usual cluster-robust
(sandwich, "CR1") variance is too small when the clusters are few or of unequal size --
with 8 participating practices and 16 comparison ones it excluded a true zero on 2 of 5
synthetic populations. This module uses the correction made for that case:

- the **CR2** variance of Bell and McCaffrey (2002): each practice's residuals are
  multiplied by ``(I - H_gg)^(-1/2)`` before they enter the sandwich, which undoes the
  shrinking of the residuals of practices with much leverage; and
- a **t distribution with Satterthwaite degrees of freedom** for the contrast under a
  working model of independent rows (Bell and McCaffrey; Imbens and Kolesár, 2016;
  Pustejovsky and Tipton, 2018), so that a test on few or lopsided clusters gets the few
  degrees of freedom it really has rather than ``practices - 1``.

These are the ``vcovCR(type = "CR2")`` and ``coef_test(test = "Satterthwaite")`` of R's
clubSandwich package, which the tests compare against.

The model is ``y ~ 1 + treated + after + treated:after`` fitted by least squares (a linear
probability model). Every matrix that the formulas need for one practice is a function of
``X_g' X_g`` and ``X_g' e_g``, so the rows are first summed per practice and period
(``cells``) and nothing larger than 4 × 4 -- or practices × practices for the degrees of
freedom -- is ever formed, whatever the number of children.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import stdtr, stdtrit  # Student's t distribution and its inverse

# eigenvalues below this share of the largest are taken as zero (a practice's rows span
# only the columns of its own group: rank 2 of 4)
_RANK_TOLERANCE = 1e-10


@dataclass(frozen=True)
class Contrast:
    """An estimate with its CR2 standard error and Satterthwaite degrees of freedom."""

    estimate: float
    std_error: float
    df: float

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """The two-sided ``level`` confidence interval."""
        half = stdtrit(self.df, 0.5 + level / 2) * self.std_error
        return self.estimate - half, self.estimate + half

    @property
    def p_value(self) -> float:
        """Two-sided p-value of estimate = 0."""
        return float(2 * stdtr(self.df, -abs(self.estimate / self.std_error)))


def cells(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows summed per practice and period: ``cluster``, ``treated``, ``after``, ``n``
    (rows) and ``total`` (sum of ``y``). ``rows`` has ``cluster``, ``treated`` and
    ``after`` (0 or 1, ``treated`` the same for all rows of a cluster) and ``y``."""
    cluster, _ = pd.factorize(rows["cluster"], sort=True)
    after = rows["after"].to_numpy(dtype=np.int64)
    treated = rows["treated"].to_numpy(dtype=float)
    clusters = int(cluster.max()) + 1 if len(cluster) else 0
    rows_per = np.bincount(cluster, minlength=clusters)
    share = np.bincount(cluster, weights=treated, minlength=clusters) / np.maximum(rows_per, 1)
    if not np.all((share == 0) | (share == 1)):
        raise ValueError("treated must be the same for every row of a cluster")
    cell = 2 * cluster + after
    n = np.bincount(cell, minlength=2 * clusters)
    total = np.bincount(cell, weights=rows["y"].to_numpy(dtype=float), minlength=2 * clusters)
    seen = np.flatnonzero(n)
    return pd.DataFrame({
        "cluster": seen // 2,
        "treated": share[seen // 2],
        "after": (seen % 2).astype(float),
        "n": n[seen],
        "total": total[seen],
    })  # fmt: skip


def _design(treated: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Rows of ``1, treated, after, treated × after``."""
    return np.column_stack([np.ones_like(treated), treated, after, treated * after])


def _inverse_roots(gram: np.ndarray, bread: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For one cluster with ``X_g' X_g = gram`` and ``bread = (X' X)^-1``: the map taking
    ``X_g' v`` to ``X_g' (I - H_gg)^(-1/2) v`` for any vector ``v`` of the cluster's rows,
    and the matrix ``X_g' (I - H_gg)^(-1) X_g``. (``X_g' (I - H_gg)^(-1/2) X_g`` is then
    ``map @ gram``.)

    With ``gram = W L W'`` (positive part), ``X_g = Q R`` where ``R = L^(1/2) W'`` and
    ``Q`` has orthonormal columns, so ``H_gg = Q (R bread R') Q'``; with
    ``R bread R' = V S V'``, ``(I - H_gg)^(-p) = I + Q V ((1 - S)^(-p) - 1) V' Q'``.
    """
    values, vectors = np.linalg.eigh(gram)
    keep = values > _RANK_TOLERANCE * max(values.max(), 1.0)
    root = np.sqrt(values[keep])
    r = root[:, None] * vectors[:, keep].T  # R, rank × 4
    s, v = np.linalg.eigh(r @ bread @ r.T)
    if np.any(s >= 1 - 1e-9):
        raise np.linalg.LinAlgError("a practice alone determines a coefficient")
    half = r.T @ v @ np.diag((1 - s) ** -0.5 - 1) @ v.T  # R' V D V', 4 × rank
    full = r.T @ v @ np.diag(1 / (1 - s) - 1) @ v.T @ r
    # X_g' v = R' Q' v, so Q' v = L^(-1/2) W' (X_g' v)
    to_q = (1 / root)[:, None] * vectors[:, keep].T
    return np.eye(4) + half @ to_q, gram + full


def did_cr2(rows: pd.DataFrame) -> Contrast:
    """The ``treated × after`` coefficient of ``y ~ treated * after`` with its CR2
    standard error clustered on ``cluster`` and Satterthwaite degrees of freedom.

    >>> rows = pd.DataFrame({
    ...     "cluster": [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4],
    ...     "treated": [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    ...     "after":   [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1],
    ...     "y":       [0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1]})
    >>> c = did_cr2(rows)  # clubSandwich: 0.25, SE 0.25, 2 df, p 0.4226
    >>> round(c.estimate, 4), round(c.std_error, 4), round(c.df, 3), round(c.p_value, 4)
    (0.25, 0.25, 2.0, 0.4226)
    """
    sums = cells(rows)
    x = _design(sums["treated"].to_numpy(float), sums["after"].to_numpy(float))
    n = sums["n"].to_numpy(float)
    total = sums["total"].to_numpy(float)
    bread = np.linalg.inv((x * n[:, None]).T @ x)
    beta = bread @ (x.T @ total)
    residual = total - n * (x @ beta)  # sum of e over each cell
    c = np.array([0.0, 0.0, 0.0, 1.0])
    mc = bread @ c
    scores, z, a = [], [], []
    for _, idx in sums.groupby("cluster", sort=False).indices.items():
        xg = x[idx]
        gram = (xg * n[idx, None]).T @ xg
        to_adjusted, inverse = _inverse_roots(gram, bread)
        scores.append(to_adjusted @ (xg.T @ residual[idx]))  # X_g' A_g e_g
        z.append(to_adjusted @ gram @ mc)  # X_g' A_g X_g M c
        a.append(mc @ inverse @ mc)  # c' M X_g' A_g^2 X_g M c
    u = np.array(scores)
    variance = float(mc @ (u.T @ u) @ mc)
    zm = np.array(z)
    # G'G of the working model: diag(a) - Z' M Z; df = (sum of eigenvalues)^2 / sum of squares
    gg = np.diag(a) - zm @ bread @ zm.T
    df = float(np.trace(gg) ** 2 / np.sum(gg * gg))
    return Contrast(estimate=float(beta[3]), std_error=float(np.sqrt(variance)), df=df)
