"""The small-cell policy applied to everything ``wellchild publish`` stores.

The hub has no suppression of its own: the summary goes through
:func:`wellchild.measures.suppression.publish`, the module ``wellchild measure
--public`` uses (the policy, complementary cells chosen until an integer programme that
knows every published cell can neither work out a hidden count, nor prove one or a sum of
them to lie between 1 and 10, nor a hidden rate to be 0% or 100%; the result is attacked
again before anything is stored). The monthly series are tables of the same shape, one
per measure and month: the total and the counties, which partition it (children with no
county on file make one more group, so the equations hold); the series of one practice
is a table of its own. Each is suppressed and checked by the same module.

Two published tables that hold the same cell must hide it alike, or one would give away
what the other protects: a month whose window is exactly a summary's period (December of
a calendar-year run) takes that summary's suppression (:func:`follow`), and is then
nothing but cells the summary publishes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wellchild.measures.suppression import check, publish, suppress

SERIES_KEYS = ["measure_id", "scope", "key", "month"]
UNKNOWN_COUNTY = "(unknown)"
KINDS = ("denominator", "numerator")


def public_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary safe to store, row for row (:func:`wellchild.measures.suppression.
    publish`): suppressed cells blank, rates and what follows from them blank where a
    count is, the small-denominator flag blank where the denominator is."""
    out = publish(summary)
    out.index = summary.index
    return out


def suppress_series(series: pd.DataFrame) -> pd.DataFrame:
    """Counts of the monthly series with the policy applied (blank where hidden).

    ``series`` has ``measure_id, scope (all|county|practice), key, month, window_start,
    window_end, numerator, denominator`` with full counts.
    """
    if series.empty:
        return series.assign(
            numerator=pd.Series(dtype="Int64"), denominator=pd.Series(dtype="Int64")
        )
    parts = []
    areas = series[series["scope"].isin(["all", "county"])]
    for _, month in areas.groupby(["measure_id", "month"], sort=False):
        parts.append(_suppress_month(month))
    for _, point in series[series["scope"] == "practice"].groupby(SERIES_KEYS, sort=False):
        table = point.assign(dimension="total", group="all").reset_index(drop=True)
        parts.append(_masked(point.reset_index(drop=True), suppress(table)))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(SERIES_KEYS, kind="stable").reset_index(drop=True)


def _suppress_month(month: pd.DataFrame) -> pd.DataFrame:
    """One month of one measure: the total and the counties, suppressed as one table."""
    month, table = _month_table(month)
    return _masked(month, suppress(table))


def _month_table(month: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A month's rows (with the children of no county as one more county, when there are
    any) and the same as a table of the suppression module, in the same order."""
    month = month.reset_index(drop=True)
    total = month[month["scope"] == "all"]
    if total.empty:
        raise ValueError("a month of a series has no total")
    counties = month[month["scope"] == "county"]
    rest = {k: int(total[k].iloc[0]) - int(counties[k].sum()) for k in KINDS}
    if any(rest.values()):
        first = total.iloc[0]
        row: dict[str, object] = {str(k): v for k, v in first.to_dict().items()}
        row.update(scope="county", key=UNKNOWN_COUNTY, **rest)
        extra = pd.DataFrame([row])
        month = pd.concat([month, extra], ignore_index=True)
    table = pd.DataFrame(
        {
            "dimension": np.where(month["scope"] == "all", "total", "county"),
            "group": month["key"].where(month["scope"] == "county", "all"),
            "denominator": month["denominator"].astype(int),
            "numerator": month["numerator"].astype(int),
        }
    )
    return month, table


def check_series(points: pd.DataFrame, series: pd.DataFrame) -> None:
    """Attack every month as it is about to be stored (``points``, blank where hidden,
    after :func:`follow`) knowing the full counts (``series``): each measure's total and
    counties of a month, and each practice's point. Raises
    :class:`~wellchild.measures.suppression.DisclosureError` naming the cells."""
    if points.empty:
        return
    truth = series.set_index(SERIES_KEYS)[list(KINDS)]
    areas = series[series["scope"].isin(["all", "county"])]
    for (measure_id, month), rows in points.groupby(["measure_id", "month"], sort=False):
        full = areas[(areas["measure_id"] == measure_id) & (areas["month"] == month)]
        if len(full):
            full, table = _month_table(full)
            published = {(r["scope"], r["key"]): r for r in rows.to_dict("records")}
            hidden = pd.DataFrame(
                {
                    k: [
                        _count(published.get((scope, key), {}).get(k)) is None
                        for scope, key in zip(full["scope"], full["key"], strict=True)
                    ]
                    for k in KINDS
                }
            )
            check(table, hidden, what=f"the monthly series of {measure_id}, {month}")
        for point in rows[rows["scope"] == "practice"].to_dict("records"):
            key = tuple(point[k] for k in SERIES_KEYS)
            value = truth.loc[key]
            table = pd.DataFrame(
                {
                    "dimension": ["total"],
                    "group": ["all"],
                    "denominator": [int(value["denominator"])],
                    "numerator": [int(value["numerator"])],
                }
            )
            hidden = pd.DataFrame({k: [pd.isna(point[k])] for k in KINDS})
            check(table, hidden, what=f"the monthly series of {measure_id}, {point['key']}")


def _masked(frame: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for kind in ("denominator", "numerator"):
        out[kind] = out[kind].astype("Int64").mask(hidden[kind].to_numpy())
    return out


def follow(
    points: pd.DataFrame,
    published: pd.DataFrame,
    *,
    point_truth: pd.DataFrame | None = None,
    published_truth: pd.DataFrame | None = None,
    same_children: bool = False,
) -> pd.DataFrame:
    """Give the series months that coincide with a published summary its suppression.

    ``points`` are suppressed series rows (``measure_id, scope, key, window_start,
    window_end, denominator, numerator``), ``published`` suppressed summary rows
    (``measure_id, period_start, period_end, dimension, group, denominator,
    numerator``); ``point_truth`` and ``published_truth`` are the same rows with full
    counts, where known. A month coincides with a summary when its window is the
    summary's period for that measure and, unless ``same_children`` says so, every count
    both tell agrees (the same children were counted). Such a month then shows what the
    summary shows, and the zeros of groups the summary leaves out for having no child,
    and hides the rest.
    """
    if points.empty or published.empty:
        return points
    out = points.copy()
    mine = point_truth if point_truth is not None else points
    theirs = published_truth if published_truth is not None else published
    for (measure_id, start, end), rows in published.groupby(
        ["measure_id", "period_start", "period_end"], sort=False
    ):
        match = out.index[
            (out["measure_id"] == measure_id)
            & (out["window_start"] == start)
            & (out["window_end"] == end)
        ]
        if match.empty:
            continue
        cells = {
            (
                _dimension(str(out.at[i, "scope"])),
                _group(str(out.at[i, "scope"]), str(out.at[i, "key"])),
            ): i
            for i in match
        }
        found = {(str(rows.at[r, "dimension"]), str(rows.at[r, "group"])): r for r in rows.index}
        if not same_children:
            compared, agree = 0, True
            for cell, i in cells.items():
                if cell not in found:
                    continue
                for kind in KINDS:
                    a, b = _count(mine.at[i, kind]), _count(theirs.at[found[cell], kind])
                    if a is not None and b is not None:
                        compared += 1
                        agree = agree and a == b
            if not compared or not agree:
                continue
        for cell, i in cells.items():
            for kind in KINDS:
                if cell in found:
                    shown = _count(published.at[found[cell], kind])
                else:
                    # a summary lists every group with a child in it: a group it leaves
                    # out has none, which the month may show (zeros are shown); any
                    # other count of it is one the summary never published
                    own = _count(mine.at[i, kind])
                    shown = 0 if own == 0 else None
                out.at[i, kind] = pd.NA if shown is None else shown
    return out


def _count(value: object) -> int | None:
    return None if value is None or value is pd.NA or value != value else int(float(str(value)))


def _dimension(scope: str) -> str:
    return {"all": "total"}.get(scope, scope)


def _group(scope: str, key: str) -> str:
    return "all" if scope == "all" else key
