"""From input rows to subgroups: one point per x (and facet), numbered for freeze/part/exclude.

Several rows with the same x (and facet) are one subgroup. Its ``y_sum``/``n`` is the
plotted value when there is a denominator (sums for P and U charts); otherwise the mean of
its values is plotted, and the values' count, mean and standard deviation are what the
Xbar and S charts need. A row whose y or n is missing counts for neither.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from wellchild.qi.catalogue import KINDS, ChartType
from wellchild.qi.errors import QIChartError

#: The key of the single facet when the chart has none.
NO_FACET = ""


def build_subgroups(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    n: str | None,
    facet: str | None,
    notes: str | None,
    chart: ChartType,
) -> pd.DataFrame:
    """One row per subgroup, sorted by facet then x.

    Columns: facet, x, y_sum, y_length, y_mean, y_sd, n, y, notes, point (1-based position
    of the subgroup within its facet, the number ``freeze``, ``part`` and ``exclude`` use).
    """
    _check_columns(frame, [c for c in (x, y, n, facet, notes) if c is not None])
    if frame.empty:
        raise QIChartError("the input has no rows, so there is nothing to chart.")
    rows = pd.DataFrame(
        {
            "facet": _keys(frame, facet) if facet else NO_FACET,
            "x": _keys(frame, x),
            "y": _numbers(frame, y),
            "n": _numbers(frame, n) if n else np.nan,
            "notes": frame[notes].fillna("").astype(str).str.strip() if notes else "",
        }
    )
    _check_values(rows, chart=chart, y=y, n=n)
    if n:
        incomplete = rows["y"].isna() | rows["n"].isna()
        rows.loc[incomplete, ["y", "n"]] = np.nan
    return _aggregate(rows, got_n=n is not None)


def drop_empty_x(frame: pd.DataFrame, x: str) -> tuple[pd.DataFrame, int]:
    """``frame`` without the rows whose x is empty, and how many there were.

    A row with no x has no place on the time axis; like qicharts2, the chart leaves it
    out rather than refusing the data, and says so.
    """
    if x not in frame.columns:
        return frame, 0  # build_subgroups names the missing column
    values = frame[x]
    empty = values.isna()
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        empty |= values.map(lambda v: isinstance(v, str) and not v.strip()).astype(bool)
    if not empty.any():
        return frame, 0
    if empty.all():
        raise QIChartError(f"column {x!r} is empty in every row, so there is nothing to chart.")
    return frame[~empty.to_numpy()].reset_index(drop=True), int(empty.sum())


def number_points(
    subgroups: pd.DataFrame,
    *,
    freeze: int | None,
    part: Sequence[int],
    exclude: Sequence[int],
) -> pd.DataFrame:
    """Add part, baseline and include, checking every position against each facet's size."""
    if freeze is not None and part:
        raise QIChartError(
            "freeze and part cannot be used together: a frozen baseline spans the whole "
            "chart, while parts are each analysed on their own.",
            hint="Use --part to recompute limits after a change, or --freeze to judge new "
            "points against a baseline.",
        )
    out = subgroups.copy()
    sizes = out.groupby("facet", sort=False)["point"].max()
    smallest = int(sizes.min())
    if freeze is not None and not 1 <= freeze <= smallest:
        raise QIChartError(
            f"freeze must be between 1 and the number of points ({smallest}); got {freeze}."
        )
    bad_parts = [k for k in part if not 1 <= k < smallest]
    if bad_parts:
        raise QIChartError(
            f"part positions must be between 1 and {smallest - 1} (a part ends after that "
            f"point and the next starts); got {', '.join(map(str, bad_parts))}."
        )
    bad_excludes = [i for i in exclude if not 1 <= i <= smallest]
    if bad_excludes:
        raise QIChartError(
            f"exclude positions must be between 1 and {smallest} (the points are numbered "
            f"from 1 in x order); got {', '.join(map(str, bad_excludes))}."
        )
    breaks = np.array(sorted(set(part)), dtype=np.int64)
    out["part"] = np.searchsorted(breaks, out["point"].to_numpy(), side="left") + 1
    out["baseline"] = out["point"] <= (freeze if freeze is not None else np.inf)
    out["include"] = ~out["point"].isin(list(exclude))
    return out


def _check_columns(frame: pd.DataFrame, wanted: list[str]) -> None:
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise QIChartError(
            f"column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))} "
            f"not found; the columns are {', '.join(map(repr, map(str, frame.columns)))}.",
            hint="Column names are case-sensitive.",
        )


def _keys(frame: pd.DataFrame, column: str) -> pd.Series:
    """An x or facet column, which may not be empty anywhere: a point needs its place."""
    values = frame[column]
    empty = values.isna()
    if empty.any():
        first = int(np.flatnonzero(empty.to_numpy())[0])
        raise QIChartError(
            f"column {column!r} is empty in {_rows(int(empty.sum()))} (first: row {first + 1} "
            "of the data); every row needs a value there."
        )
    return values.reset_index(drop=True)


def _rows(count: int) -> str:
    return f"{count} row{'s' if count != 1 else ''}"


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    """A y or n column as floats; empty cells are missing values, text is an error."""
    raw = frame[column].reset_index(drop=True)
    if raw.dtype == bool:
        return raw.astype(np.float64)
    numbers = pd.to_numeric(raw, errors="coerce").astype(np.float64)
    wrong = numbers.isna() & raw.notna()
    if wrong.any():
        first = int(np.flatnonzero(wrong.to_numpy())[0])
        raise QIChartError(
            f"column {column!r} must hold numbers; found text in {_rows(int(wrong.sum()))} "
            f"(first: row {first + 1} of the data, {raw.iloc[first]!r})."
        )
    if not np.isfinite(numbers.dropna()).all():
        raise QIChartError(f"column {column!r} holds an infinite value.")
    return numbers


def _check_values(rows: pd.DataFrame, *, chart: ChartType, y: str, n: str | None) -> None:
    kind = KINDS[chart]
    values = rows["y"].dropna()
    if kind.values == "counts" and ((values < 0).any() or (values % 1 != 0).any()):
        raise QIChartError(f"a {kind.name} counts events, so {y!r} must be whole numbers >= 0.")
    if kind.values == "positive" and (values <= 0).any():
        raise QIChartError(
            f"a {kind.name} plots time between events, so {y!r} must be greater than 0.",
            hint="Two events at the same time have no time between them; chart the "
            "number of opportunities between events with --chart g instead.",
        )
    if n is None:
        if kind.denominator == "required":
            raise QIChartError(f"a {kind.name} needs a denominator: give --n COLUMN.")
        return
    if kind.denominator == "none":
        raise QIChartError(f"a {kind.name} takes no denominator; leave out --n.")
    sizes = rows["n"].dropna()
    if (sizes <= 0).any():
        first = int(np.flatnonzero((rows["n"] <= 0).to_numpy())[0])
        raise QIChartError(
            f"column {n!r} must be greater than 0 (a denominator of 0 has no rate); "
            f"row {first + 1} of the data has {rows['n'].iloc[first]:g}."
        )
    if chart in ("p", "pp") and (rows["y"] > rows["n"]).any():
        first = int(np.flatnonzero((rows["y"] > rows["n"]).to_numpy())[0])
        raise QIChartError(
            f"a proportion cannot exceed 1: row {first + 1} of the data has {y!r} "
            f"{rows['y'].iloc[first]:g} > {n!r} {rows['n'].iloc[first]:g}."
        )


def _aggregate(rows: pd.DataFrame, *, got_n: bool) -> pd.DataFrame:
    groups = rows.groupby(["facet", "x"], sort=True)
    size = groups.size()
    y = groups["y"]
    # A lone missing value stays missing; a subgroup of several rows sums what it has.
    y_sum = y.sum(min_count=1).where(size == 1, y.sum())
    n_sum = groups["n"].sum(min_count=1)
    out = pd.DataFrame(
        {
            "y_sum": y_sum,
            "y_length": y.count().astype(np.int64),
            "y_mean": y.mean(),
            "y_sd": y.std(ddof=1),
            "n": n_sum,
            "y": y.sum() / n_sum if got_n else y.mean(),
            "notes": groups["notes"].agg(_join_notes),
        }
    ).reset_index()
    out["point"] = out.groupby("facet", sort=False).cumcount() + 1
    return out


def _join_notes(notes: pd.Series) -> str:
    return " | ".join(dict.fromkeys(note for note in notes if note))
