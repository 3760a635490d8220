"""The small-cell policy applied to everything ``wellchild publish`` stores.

The summary goes through :func:`wellchild.measures.suppression.publish` (counts 1–10
suppressed, rates whose numerator or denominator − numerator is 1–10 hidden,
complementary suppression within each stratum), and then through the hub's own check,
:func:`exposed`, which bounds every hidden cell by linear programming with the bounds a
reader really has (a hidden numerator may be 0: it is hidden when the denominator minus
it is from 1 to 10), hiding more cells (:func:`complete`) until none can be worked out.
The monthly series are tables of the
same shape, one per measure and month: the total and the counties, which partition it
(children with no county on file make one more group, so the equations hold); the
series of one practice is a table of its own.

Two published tables that hold the same cell must hide it alike, or one would give away
what the other protects: a month whose window is exactly a summary's period (December of
a calendar-year run) takes that summary's suppression (:func:`follow`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wellchild.measures.suppression import audit, publish, suppress

SERIES_KEYS = ["measure_id", "scope", "key", "month"]
UNKNOWN_COUNTY = "(unknown)"
KINDS = ("denominator", "numerator")


def public_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary safe to store, row for row: suppressed cells blank, rates and what
    follows from them blank where a count is, and the small-denominator flag blank where
    the denominator is (it would bound the hidden count)."""
    out = publish(summary)
    out.index = summary.index
    rate_columns = ["rate", "ci_low", "ci_high", "difference", "ratio"]
    baseline = [c for c in BASELINE_DERIVED if c in out]
    for _, rows in summary.groupby("measure_id", sort=False):
        index = rows.index
        table = rows[["dimension", "group", "denominator", "numerator"]]
        before = pd.DataFrame({k: out.loc[index, k].isna() for k in KINDS})
        hidden = complete(table, before)
        added = (hidden & ~before).any(axis=1)
        for kind in KINDS:
            out.loc[index, kind] = out.loc[index, kind].mask(hidden[kind])
        rate_hidden = hidden.any(axis=1)
        out.loc[index, rate_columns] = out.loc[index, rate_columns].mask(rate_hidden, np.nan)
        if baseline:
            base_hidden = _baseline_hidden(rows)
            out.loc[index, baseline] = out.loc[index, baseline].mask(
                rate_hidden | base_hidden, np.nan
            )
        if added.any():
            fixed = _reference_shown(out.loc[index])
            for column in DISPARITY_COLUMNS:
                if column in out:
                    out[column] = (
                        out[column].astype(object) if column == "reference_group" else out[column]
                    )
                    out.loc[index, column] = fixed[column].to_numpy()
    hidden_den = out["denominator"].isna()
    out["small_denominator"] = out["small_denominator"].astype("boolean").mask(hidden_den)
    return out


BASELINE_DERIVED = (
    "baseline_rate",
    "target_rate",
    "progress",
    "baseline_difference",
    "disparity_change",
    "disparity_aim_met",
)


DISPARITY_COLUMNS = (
    "reference_group",
    "difference",
    "ratio",
    "baseline_difference",
    "disparity_change",
    "disparity_aim_met",
)


def _baseline_hidden(rows: pd.DataFrame) -> pd.Series:
    """Rows whose baseline rate the policy hides (the baseline counts are never shown)."""
    if "baseline_denominator" not in rows:
        return pd.Series(False, index=rows.index)
    table = rows[["dimension", "group"]].copy()
    table["denominator"] = rows["baseline_denominator"].fillna(0).astype(int)
    table["numerator"] = rows["baseline_numerator"].fillna(0).astype(int)
    hidden = complete(table, suppress(table))
    return hidden.any(axis=1)


def _reference_shown(rows: pd.DataFrame) -> pd.DataFrame:
    """Disparities measured against a group whose rate is shown: a difference to a hidden
    reference rate would give that rate away."""
    out = rows.copy()
    for dimension in out["dimension"].unique():
        if dimension == "total":
            continue
        group = out.index[out["dimension"] == dimension]
        reference = out.loc[group, "reference_group"].dropna()
        ref_rows = out.loc[group][
            out.loc[group, "group"] == (reference.iloc[0] if len(reference) else None)
        ]
        if len(ref_rows) and pd.notna(ref_rows["rate"].iloc[0]):
            continue
        shown = out.loc[group][out.loc[group, "rate"].notna()]
        if shown.empty:
            out.loc[group, ["difference", "ratio"]] = np.nan
            out.loc[group, "reference_group"] = None
            continue
        best = shown.sort_values("rate", ascending=False, kind="stable").iloc[0]
        out.loc[group, "reference_group"] = best["group"]
        out.loc[group, "difference"] = out.loc[group, "rate"] - best["rate"]
        out.loc[group, "ratio"] = out.loc[group, "rate"] / best["rate"] if best["rate"] else np.nan
        for column in ("baseline_difference", "disparity_change", "disparity_aim_met"):
            if column in out:
                out.loc[group, column] = np.nan
    return out


def complete(table: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """Suppress more cells until :func:`exposed` finds none a reader could work out.

    Each exposed cell gets a partner hidden: the smallest shown non-zero cell of the
    same kind in its stratum (else of the other kind); an exposed total gets one in every
    stratum whose groups are all shown. Hiding every non-zero count ends it otherwise.
    """
    table = table.reset_index(drop=True)
    mask = hidden.reset_index(drop=True).astype(bool).copy()
    for _ in range(4 * len(table) + 8):
        found = exposed(table, mask)
        if not found:
            mask.index = hidden.index
            return mask
        added = False
        for row, kind in found:
            for partner in _partners(table, mask, row, kind):
                mask.loc[partner] = True
                added = True
        if not added:
            break
    everything = pd.DataFrame({k: table[k].astype(int) > 0 for k in KINDS})
    everything.index = hidden.index
    return everything


def exposed(table: pd.DataFrame, hidden: pd.DataFrame) -> list[tuple[int, str]]:
    """Hidden cells that take a single whole value given everything shown: the rows'
    labels and kinds of :func:`wellchild.measures.suppression.audit`'s cells (which
    bounds each hidden cell by linear programming with the bounds a reader has)."""
    table = table.reset_index(drop=True)
    hidden = hidden.reset_index(drop=True).astype(bool)
    return [(cell.row, cell.kind) for cell in audit(table, hidden)]


def _partners(
    table: pd.DataFrame, hidden: pd.DataFrame, row: int, kind: str
) -> list[tuple[int, str]]:
    dimension = table.at[row, "dimension"]
    if dimension == "total":
        found = []
        for other in table["dimension"].unique():
            rows = table["dimension"] == other
            if other != "total" and not hidden.loc[rows, kind].any():
                smallest = _smallest_shown(table, hidden, rows, kind)
                if smallest is not None:
                    found.append(smallest)
        return found
    for other_kind in (kind, "numerator" if kind == "denominator" else "denominator"):
        rows = (table["dimension"] == dimension) & (table.index != row)
        smallest = _smallest_shown(table, hidden, rows, other_kind)
        if smallest is not None:
            return [smallest]
    totals = table.index[(table["dimension"] == "total") & ~hidden[kind]]
    return [(int(totals[0]), kind)] if len(totals) else []


def _smallest_shown(
    table: pd.DataFrame, hidden: pd.DataFrame, rows: pd.Series, kind: str
) -> tuple[int, str] | None:
    shown = table[rows & ~hidden[kind] & (table[kind].astype(int) > 0)]
    if shown.empty:
        return None
    order = shown.assign(_v=shown[kind].astype(int)).sort_values(["_v", "group"])
    return int(order.index[0]), kind


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
        hidden = complete(table, suppress(table))
        parts.append(_masked(point.reset_index(drop=True), hidden))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(SERIES_KEYS, kind="stable").reset_index(drop=True)


def _suppress_month(month: pd.DataFrame) -> pd.DataFrame:
    """One month of one measure: the total and the counties, suppressed as one table."""
    month = month.reset_index(drop=True)
    total = month[month["scope"] == "all"]
    if total.empty:
        raise ValueError("a month of a series has no total")
    counties = month[month["scope"] == "county"]
    rest = {k: int(total[k].iloc[0]) - int(counties[k].sum()) for k in ("denominator", "numerator")}
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
    return _masked(month, complete(table, suppress(table)))


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
    summary shows and hides the rest.
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
                shown = _count(published.at[found[cell], kind]) if cell in found else None
                out.at[i, kind] = pd.NA if shown is None else shown
    return out


def _count(value: object) -> int | None:
    return None if value is None or value is pd.NA or value != value else int(float(str(value)))


def _dimension(scope: str) -> str:
    return {"all": "total"}.get(scope, scope)


def _group(scope: str, key: str) -> str:
    return "all" if scope == "all" else key
