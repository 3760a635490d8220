"""Centre lines and limits of every chart type against the formulas worked by hand,
and the options (freeze, exclude, multiply, subgroups, facets) against their meaning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from paths import DATA
from wellchild.qi import QIChartError, qi_chart
from wellchild.qi.constants import a3, b3, b4, c4

APPROX = {"rel": 1e-12}


@pytest.mark.parametrize(
    ("n", "c4_", "a3_", "b3_", "b4_"),
    # Montgomery, Appendix VI (four decimals for c4, three for the others).
    [(2, 0.7979, 2.659, 0.0, 3.267), (5, 0.9400, 1.427, 0.0, 2.089),
     (10, 0.9727, 0.975, 0.284, 1.716), (25, 0.9896, 0.606, 0.565, 1.435)],
)  # fmt: skip
def test_constants_match_the_printed_tables(
    n: int, c4_: float, a3_: float, b3_: float, b4_: float
) -> None:
    size = np.array([float(n)])
    assert c4(size)[0] == pytest.approx(c4_, abs=5e-5)
    assert a3(size)[0] == pytest.approx(a3_, abs=5e-4)
    assert b3(size)[0] == pytest.approx(b3_, abs=5e-4)
    assert b4(size)[0] == pytest.approx(b4_, abs=5e-4)


def _series(values: list[float], **columns: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"x": range(1, len(values) + 1), "y": values, **columns})


def test_i_chart_screens_the_freak_moving_ranges() -> None:
    values = [10.0, 11, 10, 11, 10, 30, 10, 11, 10, 11]
    # Moving ranges 1,1,1,1,20,20,1,1,1: mean 47/9; 20 >= 3.267 * 47/9, so both go.
    points = qi_chart(_series(values), x="x", y="y", chart="i").points
    cl = np.mean(values)
    assert points["cl"].iloc[0] == pytest.approx(cl, **APPROX)
    assert points["ucl"].iloc[0] == pytest.approx(cl + 3 * 1 / 1.128, **APPROX)
    assert points["lcl_95"].iloc[0] == pytest.approx(cl - 2 * 1 / 1.128, **APPROX)
    assert points["sigma_signal"].tolist() == [v == 30 for v in values]


def test_mr_chart() -> None:
    values = [3.0, 5, 4, 8, 6]
    points = qi_chart(_series(values), x="x", y="y", chart="mr").points
    assert np.isnan(points["y"].iloc[0])
    assert points["y"].iloc[1:].tolist() == [2, 1, 4, 2]
    assert points["cl"].iloc[0] == pytest.approx(9 / 4, **APPROX)
    assert points["ucl"].iloc[0] == pytest.approx(3.267 * 9 / 4, **APPROX)
    assert points["lcl"].iloc[0] == 0


def _subgroups(sizes: list[int], seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        [(month, float(v)) for month, size in enumerate(sizes, 1) for v in rng.normal(50, 5, size)],
        columns=["x", "y"],
    )


def test_xbar_and_s_with_equal_subgroups_use_the_mean_sd() -> None:
    data = _subgroups([5] * 12)
    stats = data.groupby("x")["y"].agg(["mean", "std"])
    xbarbar, sbar = stats["mean"].mean(), stats["std"].mean()
    xbar = qi_chart(data, x="x", y="y", chart="xbar").points
    assert xbar["y"].tolist() == pytest.approx(stats["mean"].tolist(), **APPROX)
    assert xbar["cl"].iloc[0] == pytest.approx(xbarbar, **APPROX)
    a3_5 = 3 / (c4(np.array([5.0]))[0] * np.sqrt(5))
    assert xbar["ucl"].iloc[0] == pytest.approx(xbarbar + a3_5 * sbar, **APPROX)
    s = qi_chart(data, x="x", y="y", chart="s").points
    assert s["y"].tolist() == pytest.approx(stats["std"].tolist(), **APPROX)
    assert s["cl"].iloc[0] == pytest.approx(sbar, **APPROX)
    assert s["ucl"].iloc[0] == pytest.approx(b4(np.array([5.0]))[0] * sbar, **APPROX)
    assert s["lcl"].iloc[0] == 0


def test_xbar_and_s_with_unequal_subgroups_pool_the_sd() -> None:
    sizes = [4, 6, 5, 8, 3, 7, 5, 6]
    data = _subgroups(sizes)
    stats = data.groupby("x")["y"].agg(["mean", "std", "count"])
    pooled = np.sqrt(((stats["count"] - 1) * stats["std"] ** 2).sum() / (stats["count"] - 1).sum())
    xbarbar = data["y"].mean()
    xbar = qi_chart(data, x="x", y="y", chart="xbar").points
    assert xbar["cl"].iloc[0] == pytest.approx(xbarbar, **APPROX)
    expected = xbarbar + a3(stats["count"].to_numpy(dtype=float)) * pooled
    assert xbar["ucl"].tolist() == pytest.approx(expected.tolist(), **APPROX)
    s = qi_chart(data, x="x", y="y", chart="s").points
    assert s["cl"].iloc[0] == pytest.approx(pooled, **APPROX)


def test_t_chart_is_an_i_chart_of_transformed_times() -> None:
    days = [12.0, 30, 4, 18, 25, 7, 41, 15, 9, 22, 60, 11]
    t = qi_chart(_series(days), x="x", y="y", chart="t").points
    transformed = np.array(days) ** (1 / 3.6)
    i = qi_chart(_series(list(transformed)), x="x", y="y", chart="i").points
    assert t["y"].tolist() == days
    assert t["cl"].iloc[0] == pytest.approx(i["cl"].iloc[0] ** 3.6, **APPROX)
    assert t["ucl"].iloc[0] == pytest.approx(i["ucl"].iloc[0] ** 3.6, **APPROX)
    expected_lcl = max(i["lcl"].iloc[0], 0) ** 3.6
    assert t["lcl"].iloc[0] == pytest.approx(expected_lcl, **APPROX)


def test_g_chart_centres_on_the_median_with_geometric_limits() -> None:
    between = [12.0, 40, 3, 25, 60, 8, 17, 33, 5, 90]
    points = qi_chart(_series(between), x="x", y="y", chart="g").points
    mean = np.mean(between)
    assert points["cl"].iloc[0] == np.median(between)
    assert points["ucl"].iloc[0] == pytest.approx(mean + 3 * np.sqrt(mean * (mean + 1)), **APPROX)
    assert points["lcl"].iloc[0] == 0


@pytest.mark.parametrize("chart", ["pp", "up"])
def test_prime_charts_multiply_sigma_by_laneys_sigma_z(chart: str) -> None:
    cases = [530.0, 610, 480, 700, 560, 590, 655, 505, 620, 575]
    sizes = [1000.0, 1150, 950, 1300, 1020, 1100, 1200, 990, 1180, 1060]
    points = qi_chart(_series(cases, n=sizes), x="x", y="y", n="n", chart=chart).points
    y, n = np.array(cases) / sizes, np.array(sizes)
    centre = sum(cases) / sum(sizes)
    sigma = np.sqrt(centre * (1 - centre) / n) if chart == "pp" else np.sqrt(centre / n)
    ranges = np.abs(np.diff((y - centre) / sigma))
    ranges = ranges[ranges < 3.267 * ranges.mean()]
    sigma_z = ranges.mean() / 1.128
    assert points["cl"].iloc[0] == pytest.approx(centre, **APPROX)
    assert points["ucl"].tolist() == pytest.approx(
        (centre + 3 * sigma * sigma_z).tolist(), **APPROX
    )


def test_p_prime_widens_the_over_dispersed_nhs_limits() -> None:
    """The vignette: on P the NHS weeks mostly fall outside; on P′ none do."""
    nhs = pd.read_csv(DATA / "qicharts2" / "inputs" / "nhs_accidents.csv")
    p = qi_chart(nhs, x="i", y="r", n="n", chart="p").parts
    pp = qi_chart(nhs, x="i", y="r", n="n", chart="pp").parts
    assert int(p["sigma_signals"].iloc[0]) == 16
    assert int(pp["sigma_signals"].iloc[0]) == 0


def test_several_rows_per_x_are_one_subgroup() -> None:
    rows = pd.DataFrame(
        {"x": [1, 1, 2, 2, 2, 3], "y": [1, 2, 0, 1, 3, 2], "n": [4, 6, 5, 5, 10, 8]}
    )
    points = qi_chart(rows, x="x", y="y", n="n", chart="p").points
    assert points["y"].tolist() == pytest.approx([3 / 10, 4 / 20, 2 / 8], **APPROX)
    assert points["n"].tolist() == [10, 20, 8]
    assert points["cl"].iloc[0] == pytest.approx(9 / 38, **APPROX)


def test_freeze_takes_the_lines_from_the_baseline_only() -> None:
    counts = [5.0, 7, 6, 8, 5, 9, 2, 1, 2, 1, 2, 1]
    frozen = qi_chart(_series(counts), x="x", y="y", chart="c", freeze=6).points
    assert frozen["cl"].iloc[-1] == pytest.approx(np.mean(counts[:6]), **APPROX)
    assert frozen["baseline"].tolist() == [True] * 6 + [False] * 6
    assert int(frozen["n_obs"].iloc[0]) == 12


def test_excluded_points_are_kept_but_left_out() -> None:
    counts = [5.0, 7, 6, 30, 5, 9, 6, 8]
    chart = qi_chart(_series(counts), x="x", y="y", chart="c", exclude=[4]).points
    without = qi_chart(_series(counts[:3] + counts[4:]), x="x", y="y", chart="c").points
    assert chart["cl"].iloc[0] == pytest.approx(without["cl"].iloc[0], **APPROX)
    assert chart["include"].tolist() == [i != 3 for i in range(8)]
    assert chart["sigma_signal"].iloc[3]
    assert int(chart["n_obs"].iloc[0]) == 7


def test_multiply_scales_the_values_not_the_verdict() -> None:
    data = _series([3.0, 5, 2, 6, 4, 20, 3, 5], n=[900.0, 1000, 950, 1100, 980, 1020, 990, 1010])
    plain = qi_chart(data, x="x", y="y", n="n", chart="u").points
    scaled = qi_chart(data, x="x", y="y", n="n", chart="u", multiply=1000).points
    for column in ("y", "cl", "lcl", "ucl"):
        assert scaled[column].tolist() == pytest.approx((plain[column] * 1000).tolist(), **APPROX)
    assert scaled["sigma_signal"].tolist() == plain["sigma_signal"].tolist()


def test_each_facet_is_its_own_chart() -> None:
    a = _series([5.0, 7, 6, 8, 5, 9])
    b = _series([15.0, 17, 12, 18, 14, 19])
    both = pd.concat([a.assign(site="A"), b.assign(site="B")])
    faceted = qi_chart(both, x="x", y="y", chart="c", facet="site").points
    for site, alone in (("A", a), ("B", b)):
        mine = faceted[faceted["facet"] == site]
        assert (
            mine["ucl"].tolist() == qi_chart(alone, x="x", y="y", chart="c").points["ucl"].tolist()
        )
        assert mine["point"].tolist() == list(range(1, 7))


def test_each_part_is_analysed_on_its_own() -> None:
    counts = [5.0, 7, 6, 8, 5, 9, 2, 1, 2, 1, 2, 1]
    points = qi_chart(_series(counts), x="x", y="y", chart="c", part=[6]).points
    assert points["part"].tolist() == [1] * 6 + [2] * 6
    assert points["cl"].tolist() == [np.mean(counts[:6])] * 6 + [np.mean(counts[6:])] * 6


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"chart": "p"}, "needs a denominator"),
        ({"chart": "c", "n": "n"}, "takes no denominator"),
        ({"chart": "t", "y": "z"}, "must be greater than 0"),
        ({"chart": "c", "y": "w"}, "whole numbers >= 0"),
        ({"freeze": 2, "part": [2]}, "cannot be used together"),
        ({"part": [3]}, "part positions must be between 1 and 2"),
        ({"multiply": 0}, "multiply must be a number greater than 0"),
    ],
)
def test_impossible_requests_are_errors(options: dict[str, object], message: str) -> None:
    data = pd.DataFrame({"x": [1, 2, 3], "y": [1, 2, 3], "n": [5, 5, 5], "z": [0, 1, 2],
                         "w": [1.5, 2, 3]})  # fmt: skip
    with pytest.raises(QIChartError, match=message):
        qi_chart(data, **{"x": "x", "y": "y", **options})  # type: ignore[arg-type]


def test_dated_annotations_join_the_point_of_their_period() -> None:
    months = pd.date_range("2025-01-01", periods=4, freq="MS")
    data = pd.DataFrame({"month": months, "y": [3, 4, 5, 4], "note": ["", "", "audit", ""]})
    points = qi_chart(
        data,
        x="month",
        y="y",
        notes="note",
        annotations=[("2025-03-14", "PDSA 2: text reminders"), ("2024-12-01", "PDSA 1")],
    ).points
    assert points["notes"].tolist() == ["PDSA 1", "", "audit | PDSA 2: text reminders", ""]


def test_python_dates_in_x_are_time_not_labels() -> None:
    """A measure series carries its months as ``datetime.date``: the chart must still
    order them in time and run the runs analysis."""
    import datetime as dt

    months = [dt.date(2024, m, 1) for m in range(1, 13)]
    data = pd.DataFrame({"month": months, "met": [5, 6, 7, 5, 6, 8, 9, 9, 8, 9, 10, 9]})
    data["n"] = 20
    result = qi_chart(data, x="month", y="met", n="n", chart="p")
    assert pd.api.types.is_datetime64_any_dtype(result.points["x"])
    assert result.points["n_useful"].iloc[0] > 0
