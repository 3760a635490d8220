"""Edge cases where wellchild once parted from qicharts2 0.8.1: a constant T chart (its
back-transformed centre line must not put every point "above" it), T charts in general,
a constant series whose mean is not exact in floating point, and rows with an empty x
(qicharts2 leaves them out; so does wellchild, and it says how many).

The expected values were computed by qicharts2 0.8.1 itself; each case carries the R call
that produced them (``library(qicharts2); qic(..., return.data = TRUE)``). qicharts2
reports a T chart's y back-transformed (5 becomes 4.9999999999999991); wellchild keeps
the y it was given, so y is compared with the same tolerance as the lines.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from wellchild.qi import qi_chart
from wellchild.qi.errors import QIChartError

NA = math.nan
TOLERANCE = 1e-9


def _close(ours: float, theirs: float) -> bool:
    if math.isnan(theirs):
        return math.isnan(ours)
    return math.isclose(ours, theirs, rel_tol=TOLERANCE, abs_tol=1e-12)


# name: (data, chart, n, expected per point (x, y, cl, lcl, ucl, sigma_signal), expected
# per chart (runs_signal, n_obs, n_useful, longest_run, n_crossings))
CASES = {
    # qic(1:8, rep(5, 8), chart = "t", return.data = TRUE)
    "t_constant": (
        {"x": list(range(1, 9)), "y": [5] * 8},
        "t",
        None,
        [(x, 4.9999999999999991, 4.9999999999999991, 0, NA, False) for x in range(1, 9)],
        (False, 8, 0, None, None),
    ),
    # qic(1:12, c(12, 30, 7, 45, 22, 3, 60, 18, 25, 9, 40, 15), chart = "t",
    #     return.data = TRUE)
    "t_no_signal": (
        {"x": list(range(1, 13)), "y": [12, 30, 7, 45, 22, 3, 60, 18, 25, 9, 40, 15]},
        "t",
        None,
        [
            (x, y, 19.597339887736151, 4.6979191912879203e-05, 226.09173746798518, False)
            for x, y in zip(
                range(1, 13), [12, 30, 7, 45, 22, 3, 60, 18, 25, 9, 40, 15], strict=True
            )
        ],
        (False, 12, 12, 2, 10),
    ),
    # qic(1:14, c(5, 8, 6, 9, 7, 5, 6, 30, 35, 28, 40, 33, 38, 31), chart = "t",
    #     return.data = TRUE)
    "t_shift": (
        {"x": list(range(1, 15)), "y": [5, 8, 6, 9, 7, 5, 6, 30, 35, 28, 40, 33, 38, 31]},
        "t",
        None,
        [
            (x, y, 16.125929788746696, 7.5795861673330238, 30.089923872159009, signal)
            for x, y, signal in zip(
                range(1, 15),
                [5, 8, 6, 9, 7, 5, 6, 30, 35, 28, 40, 33, 38, 31],
                [
                    True,
                    False,
                    True,
                    False,
                    True,
                    True,
                    True,
                    *[False, True, False],
                    True,
                    True,
                    True,
                    True,
                ],
                strict=True,
            )
        ],
        (True, 14, 14, 7, 1),
    ),
    # qic(1:7, rep(0.1, 7), chart = "i", return.data = TRUE)
    "i_constant_inexact_mean": (
        {"x": list(range(1, 8)), "y": [0.1] * 7},
        "i",
        None,
        [(x, 0.1, 0.1, NA, NA, False) for x in range(1, 8)],
        (False, 7, 0, None, None),
    ),
    # qic(c(1, 2, NA, 4, 5, 6, 7, 8, 9, 10), c(3, 5, 100, 6, 4, 7, 5, 6, 8, 4),
    #     chart = "i", return.data = TRUE)
    "i_empty_x": (
        {"x": [1, 2, None, 4, 5, 6, 7, 8, 9, 10], "y": [3, 5, 100, 6, 4, 7, 5, 6, 8, 4]},
        "i",
        None,
        [
            (x, y, 5.333333333333333, -0.31826241134751854, 10.984929078014185, False)
            for x, y in zip([1, 2, 4, 5, 6, 7, 8, 9, 10], [3, 5, 6, 4, 7, 5, 6, 8, 4], strict=True)
        ],
        (False, 9, 9, 2, 6),
    ),
    # qic(c(1, 2, NA, 4, NA, 6, 7, 8, 9, 10, 11, 12),
    #     c(3, 5, 100, 6, 4, 7, 5, 6, 8, 4, 9, 2),
    #     n = c(10, 10, 10, 12, 12, 9, 10, 11, 12, 10, 9, 10), chart = "p",
    #     return.data = TRUE)
    "p_empty_x": (
        {
            "x": [1, 2, None, 4, None, 6, 7, 8, 9, 10, 11, 12],
            "y": [3, 5, 100, 6, 4, 7, 5, 6, 8, 4, 9, 2],
            "n": [10, 10, 10, 12, 12, 9, 10, 11, 12, 10, 9, 10],
        },
        "p",
        "n",
        [
            (1, 0.29999999999999999, 0.53398058252427183, 0.060735626914410035, 1.0, False),
            (2, 0.5, 0.53398058252427183, 0.060735626914410035, 1.0, False),
            (4, 0.5, 0.53398058252427183, 0.101969020169184632, 0.96599214487935903, False),
            (6, 0.77777777777777779, 0.53398058252427183, 0.035136598886791104, 1.0, False),
            (7, 0.5, 0.53398058252427183, 0.060735626914410035, 1.0, False),
            (
                8,
                0.54545454545454541,
                0.53398058252427183,
                0.082759221801077643,
                0.98520194324746602,
                False,
            ),
            (
                9,
                0.66666666666666663,
                0.53398058252427183,
                0.101969020169184632,
                0.96599214487935903,
                False,
            ),
            (10, 0.40000000000000002, 0.53398058252427183, 0.060735626914410035, 1.0, False),
            (11, 1.0, 0.53398058252427183, 0.035136598886791104, 1.0, False),
            (12, 0.20000000000000001, 0.53398058252427183, 0.060735626914410035, 1.0, False),
        ],
        (False, 10, 10, 3, 6),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_qicharts2(name: str) -> None:
    data, chart, n, points, summary = CASES[name]
    result = qi_chart(pd.DataFrame(data), x="x", y="y", n=n, chart=chart)
    table = result.points
    assert len(table) == len(points)
    for (_, row), (x, y, cl, lcl, ucl, signal) in zip(table.iterrows(), points, strict=True):
        assert row["x"] == x
        for column, theirs in (("y", y), ("cl", cl), ("lcl", lcl), ("ucl", ucl)):
            assert _close(float(row[column]), theirs), (name, x, column, row[column], theirs)
        assert bool(row["sigma_signal"]) is signal, (name, x)
    runs_signal, n_obs, n_useful, longest, crossings = summary
    first = table.iloc[0]
    assert bool(first["runs_signal"]) is runs_signal
    assert (first["n_obs"], first["n_useful"]) == (n_obs, n_useful)
    for column, theirs in (("longest_run", longest), ("n_crossings", crossings)):
        assert pd.isna(first[column]) if theirs is None else first[column] == theirs, column


@pytest.mark.parametrize("name", ["i_empty_x", "p_empty_x"])
def test_rows_with_an_empty_x_are_left_out_and_counted(name: str) -> None:
    data, chart, n, _, _ = CASES[name]
    result = qi_chart(pd.DataFrame(data), x="x", y="y", n=n, chart=chart)
    dropped = sum(v is None for v in data["x"])
    assert result.notices == (
        f"{dropped} row{'s' if dropped != 1 else ''} with an empty 'x' left out: a point "
        "needs its place on the x axis.",
    )


def test_empty_dates_and_blank_text_are_empty_too() -> None:
    frame = pd.DataFrame(
        {"x": pd.to_datetime(["2025-01-01", None, "2025-03-01", "2025-04-01"]), "y": [1, 9, 2, 3]}
    )
    result = qi_chart(frame, x="x", y="y")
    assert result.x_kind == "date"
    assert list(result.points["y"]) == [1, 2, 3]
    labels = qi_chart(pd.DataFrame({"x": ["a", " ", "c"], "y": [1, 2, 3]}), x="x", y="y")
    assert list(labels.points["x"]) == ["a", "c"]
    assert len(labels.notices) == 1


def test_a_column_with_no_x_at_all_is_refused() -> None:
    with pytest.raises(QIChartError, match="empty in every row"):
        qi_chart(pd.DataFrame({"x": [None, None], "y": [1.0, 2.0]}), x="x", y="y")


def test_every_t_chart_is_judged_on_its_own_scale() -> None:
    """Across many series, a T chart's signals are those of an I chart of y ** (1/3.6)."""
    rng = np.random.default_rng(7)
    for _ in range(200):
        size = int(rng.integers(6, 30))
        y = np.round(rng.exponential(20, size), int(rng.integers(0, 3))) + 0.5
        if rng.random() < 0.2:
            y[:] = y[0]
        t = qi_chart(pd.DataFrame({"x": range(size), "y": y}), x="x", y="y", chart="t")
        i = qi_chart(pd.DataFrame({"x": range(size), "y": y ** (1 / 3.6)}), x="x", y="y", chart="i")
        for column in ("sigma_signal", "runs_signal", "n_useful", "longest_run", "n_crossings"):
            assert t.points[column].equals(i.points[column]), column
