"""``qi_chart``: from rows of data to the per-point table of a run or control chart.

The steps, per facet and per part: subgroups → centre line and limits from the baseline
points that are not excluded (:mod:`wellchild.qi.limits`) → runs analysis of the included
points with the Anhøj rules (:mod:`wellchild.qi.anhoej`) and the IHI rules
(:mod:`wellchild.qi.ihi`) → multiply → points outside the limits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from wellchild.qi import limits
from wellchild.qi.anhoej import runs_analysis
from wellchild.qi.catalogue import CHART_TYPES, KINDS, RULE_SETS, ChartType, RuleSet
from wellchild.qi.errors import QIChartError
from wellchild.qi.ihi import ihi_rules
from wellchild.qi.subgroups import NO_FACET, build_subgroups, drop_empty_x, number_points

XKind = Literal["number", "date", "category"]

#: The per-point table, in order. docs/qi.md says what each column means.
POINT_COLUMNS = [
    "x", "facet", "part", "point", "y", "n", "cl", "lcl", "ucl", "lcl_95", "ucl_95",
    "target", "notes", "include", "baseline", "y_sum", "y_length", "y_mean", "y_sd",
    "n_obs", "n_useful", "longest_run", "longest_run_max", "n_crossings", "n_crossings_min",
    "runs_signal", "sigma_signal", "anhoej_long_run", "ihi_shift", "ihi_trend",
    "ihi_too_few_runs", "ihi_too_many_runs", "ihi_astronomical_point",
]  # fmt: skip

_LINES = ["y", "cl", "lcl", "ucl", "lcl_95", "ucl_95"]
_COUNTS = ["n_obs", "n_useful", "longest_run", "longest_run_max", "n_crossings", "n_crossings_min"]
_IHI = ["ihi_shift", "ihi_trend", "ihi_too_few_runs", "ihi_too_many_runs"]


@dataclass(frozen=True)
class QIChart:
    """A computed chart: the per-point table, one summary row per facet and part, and how
    it was asked for (which the rendering and the text summary need)."""

    points: pd.DataFrame
    parts: pd.DataFrame
    chart: ChartType
    method: RuleSet
    title: str
    x_name: str
    y_name: str
    x_kind: XKind
    target: float | None
    multiply: float
    faceted: bool
    #: What the chart left out of the data, to tell whoever asked for it.
    notices: tuple[str, ...] = ()


def qi_chart(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    n: str | None = None,
    chart: str = "run",
    freeze: int | None = None,
    part: Sequence[int] = (),
    exclude: Sequence[int] = (),
    multiply: float = 1.0,
    facet: str | None = None,
    target: float | None = None,
    notes: str | None = None,
    annotations: Sequence[tuple[object, str]] = (),
    method: str = "anhoej",
    title: str | None = None,
) -> QIChart:
    """Compute a run or control chart from rows of ``frame``.

    Parameters
    ----------
    frame
        One row per observation (or per subgroup); rows sharing x (and facet) are one
        subgroup.
    x, y, n
        Column names: the time order (numbers or dates; text makes an unordered chart with
        no runs analysis), the measure or numerator, and the denominator.
    chart
        One of ``run i mr xbar s t p pp c u up g``.
    freeze
        Compute the centre line and limits from the first ``freeze`` points only.
    part
        Split the chart after each of these points; each part is analysed on its own.
    exclude
        Points (numbered from 1 in x order) kept on the chart but left out of every
        calculation.
    multiply
        Scale y and the lines, e.g. 100 for percentages.
    facet
        Column splitting the data into separate charts, each analysed on its own.
    target
        A target value drawn as a line (in plotted units, after ``multiply``).
    notes
        Column of notes (e.g. PDSA cycles) shown at their points.
    annotations
        Dated notes kept apart from the data, e.g. ``[("2025-03-14", "PDSA 2: text
        reminders")]``: each joins the notes of the last point at or before its x (the
        first point if it comes before them all), in every facet.
    method
        The rule set the chart shows: ``anhoej`` or ``ihi``. The table has both.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"month": range(1, 13), "visits": [5, 7, 6, 8, 5, 9, 7, 6, 8,
    ...                                                         7, 6, 9]})
    >>> result = qi_chart(data, x="month", y="visits", chart="c")
    >>> round(float(result.points["cl"].iloc[0]), 3)
    6.917
    >>> bool(result.points["sigma_signal"].any())
    False
    """
    kind = _chart_type(chart)
    rules = _rule_set(method)
    if not np.isfinite(multiply) or multiply <= 0:
        raise QIChartError(f"multiply must be a number greater than 0; got {multiply:g}.")
    frame, dropped = drop_empty_x(frame, x)
    subgroups = build_subgroups(
        _dates_as_timestamps(frame, x), x=x, y=y, n=n, facet=facet, notes=notes, chart=kind
    )
    subgroups = number_points(subgroups, freeze=freeze, part=part, exclude=exclude)
    x_kind = _x_kind(subgroups["x"])
    subgroups = _annotate(subgroups, annotations, x_kind)
    if kind in ("xbar", "s") and (subgroups["y_length"] < 2).all():
        raise QIChartError(
            f"a {KINDS[kind].name} needs subgroups of at least 2 observations (rows sharing "
            f"an x value); every subgroup of {x!r} has fewer.",
            hint="Use --chart i for one measurement per x.",
        )
    pieces, part_rows = [], []
    for _, rows in subgroups.groupby(["facet", "part"], sort=True):
        piece, summary = _analyse_part(rows, kind, ordered=x_kind != "category", multiply=multiply)
        pieces.append(piece)
        part_rows.append(summary)
    points = pd.concat(pieces, ignore_index=True)
    points[_LINES] = points[_LINES] * multiply
    points[_LINES[1:]] = points[_LINES[1:]].where(np.isfinite(points[_LINES[1:]]))
    points["target"] = np.nan if target is None else float(target)
    if not facet:
        points["facet"] = None
    parts = pd.DataFrame(part_rows)
    parts = _add_line_averages(parts, points)
    return QIChart(
        points=points[POINT_COLUMNS],
        parts=parts,
        chart=kind,
        method=rules,
        title=title or _title(kind, y, n, multiply),
        x_name=x,
        y_name=_measure(y, n, multiply),
        x_kind=x_kind,
        target=target,
        multiply=multiply,
        faceted=bool(facet),
        notices=(
            f"{dropped} row{'s' if dropped != 1 else ''} with an empty {x!r} left out: a "
            "point needs its place on the x axis.",
        )
        if dropped
        else (),
    )


def _annotate(
    subgroups: pd.DataFrame, annotations: Sequence[tuple[object, str]], x_kind: XKind
) -> pd.DataFrame:
    """Attach each dated note to the point whose period it falls in."""
    if not annotations:
        return subgroups
    if x_kind == "category":
        raise QIChartError("annotations need an x in time order (dates or numbers).")
    out = subgroups.copy()
    for when, text in annotations:
        try:
            at = pd.Timestamp(when) if x_kind == "date" else float(when)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise QIChartError(f"annotation {text!r}: {when!r} is not a {x_kind}.") from None
        for _, rows in out.groupby("facet", sort=False):
            before = rows.index[rows["x"] <= at]
            row = before[-1] if len(before) else rows.index[0]
            current = str(out.at[row, "notes"])
            out.at[row, "notes"] = f"{current} | {text}" if current else text
    return out


def _chart_type(chart: str) -> ChartType:
    for known in CHART_TYPES:
        if chart == known:
            return known
    raise QIChartError(f"unknown chart type {chart!r}; choose one of {', '.join(CHART_TYPES)}.")


def _rule_set(method: str) -> RuleSet:
    for known in RULE_SETS:
        if method == known:
            return known
    raise QIChartError(f"unknown rule set {method!r}; choose one of {', '.join(RULE_SETS)}.")


def _dates_as_timestamps(frame: pd.DataFrame, x: str) -> pd.DataFrame:
    """Python ``date`` objects in x (as a measure series has them) are time, not labels."""
    column = frame.get(x)
    if column is None or column.dtype != object or column.isna().any():
        return frame
    if column.map(lambda v: isinstance(v, dt.date)).all():
        return frame.assign(**{x: pd.to_datetime(column)})
    return frame


def _x_kind(x: pd.Series) -> XKind:
    if pd.api.types.is_datetime64_any_dtype(x):
        return "date"
    if pd.api.types.is_numeric_dtype(x) and not pd.api.types.is_bool_dtype(x):
        return "number"
    return "category"


def _measure(y: str, n: str | None, multiply: float) -> str:
    measure = y if n is None else f"{y} / {n}"
    return measure if multiply == 1 else f"{measure} × {multiply:g}"


def _title(chart: ChartType, y: str, n: str | None, multiply: float) -> str:
    return f"{KINDS[chart].name} of {_measure(y, n, multiply)}"


def _analyse_part(
    rows: pd.DataFrame, chart: ChartType, *, ordered: bool, multiply: float
) -> tuple[pd.DataFrame, dict[str, object]]:
    """Lines, runs analysis and IHI rules of one facet's part (before ``multiply``)."""
    include = rows["include"].to_numpy(dtype=bool)
    part = limits.Part(
        y=rows["y"].to_numpy(dtype=np.float64),
        y_sum=rows["y_sum"].to_numpy(dtype=np.float64),
        y_length=rows["y_length"].to_numpy(dtype=np.float64),
        y_sd=rows["y_sd"].to_numpy(dtype=np.float64),
        n=rows["n"].to_numpy(dtype=np.float64),
        base=rows["baseline"].to_numpy(dtype=bool) & include,
        categorical=not ordered,
    )
    lines = limits.compute(chart, part)
    out = rows.copy()
    for name in _LINES:
        out[name] = getattr(lines, name)
    # A run chart has no limits; its astronomical points are judged by I chart limits.
    judged = lines.judged  # a transformed chart is judged on its own scale
    judge = limits.compute("i", part) if chart == "run" else judged
    outside = (judge.y > judge.ucl) | (judge.y < judge.lcl)
    runs = runs_analysis(judged.y[include], judged.cl[include])
    ihi = ihi_rules(judged.y[include], judged.cl[include], outside[include])
    if lines.judge is None:  # as plotted, after multiply (which keeps the order)
        scaled = [np.asarray(getattr(lines, name)) * multiply for name in ("y", "lcl", "ucl")]
        out["sigma_signal"] = (scaled[0] > scaled[2]) | (scaled[0] < scaled[1])
    else:
        out["sigma_signal"] = (judged.y > judged.ucl) | (judged.y < judged.lcl)
    # Runs are meaningless without a time order, and moving ranges overlap (correlated).
    analysed = ordered and chart != "mr"
    for name in _COUNTS:
        out[name] = pd.array([getattr(runs, name)] * len(out), dtype="Int64")
    out["runs_signal"] = runs.runs_signal and analysed
    for name, mask in (
        ("anhoej_long_run", runs.in_long_run),
        ("ihi_shift", ihi.shift),
        ("ihi_trend", ihi.trend),
        ("ihi_too_few_runs", ihi.too_few_runs),
        ("ihi_too_many_runs", ihi.too_many_runs),
    ):
        out[name] = _spread(mask & analysed, include)
    out["ihi_astronomical_point"] = _spread(ihi.astronomical, include)
    summary: dict[str, object] = {
        "facet": rows["facet"].iloc[0],
        "part": int(rows["part"].iloc[0]),
        **{name: getattr(runs, name) for name in _COUNTS},
        "runs_signal": bool(out["runs_signal"].iloc[0]),
        "ihi_n_runs": ihi.n_runs,
        "ihi_runs_min": ihi.runs_min,
        "ihi_runs_max": ihi.runs_max,
    }
    return out, summary


def _spread(mask: np.ndarray, include: np.ndarray) -> np.ndarray:
    """Place a mask over the included points back onto every point (excluded: False)."""
    full = np.zeros(include.shape, dtype=bool)
    full[include] = mask
    return full


def _add_line_averages(parts: pd.DataFrame, points: pd.DataFrame) -> pd.DataFrame:
    """Per part: average limits (they vary with n), centre, and counts of flagged points."""
    grouped = points.assign(facet=points["facet"].fillna(NO_FACET)).groupby(
        ["facet", "part"], sort=True
    )
    averages = grouped.agg(
        average_lcl=("lcl", "mean"),
        average_lcl_95=("lcl_95", "mean"),
        cl=("cl", "mean"),
        average_ucl_95=("ucl_95", "mean"),
        average_ucl=("ucl", "mean"),
        sigma_signals=("sigma_signal", "sum"),
        ihi_shift_points=("ihi_shift", "sum"),
        ihi_trend_points=("ihi_trend", "sum"),
        ihi_too_few_runs=("ihi_too_few_runs", "any"),
        ihi_too_many_runs=("ihi_too_many_runs", "any"),
        ihi_astronomical_points=("ihi_astronomical_point", "sum"),
    ).reset_index()
    merged = parts.merge(averages, on=["facet", "part"], how="left")
    if points["facet"].isna().all():
        merged["facet"] = None
    for name in [*_COUNTS, "ihi_runs_min", "ihi_runs_max"]:
        merged[name] = merged[name].astype("Int64")
    return merged
