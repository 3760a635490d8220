"""From the long table to the summary: counts per stratum, rates with Wilson intervals,
disparities to a reference group, and progress from a baseline towards a target.

The counting happens in the engine (:func:`strata_counts`, an Ibis expression); the
statistics on the small result happen here in pandas (:func:`statistics`).

Examples
--------
>>> import pandas as pd
>>> counts = pd.DataFrame({
...     "measure_id": ["wcv_6m"] * 3, "dimension": ["total", "sex", "sex"],
...     "group": ["all", "F", "M"], "eligible": [200, 100, 100],
...     "excluded": [0, 0, 0], "numerator": [120, 70, 50]})
>>> out = statistics(counts)
>>> out[["group", "rate", "reference_group", "difference"]].round(2).values.tolist()
[['all', 0.6, None, nan], ['F', 0.7, 'F', 0.0], ['M', 0.5, 'F', -0.2]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from wellchild.core.dates import age_on

DIMENSIONS = (
    "race_ethnicity",
    "language",
    "county",
    "plan",
    "sex",
    "dental_delivery",
    "age_band",
    "practice",
)
TOTAL = ("total", "all")
SMALL_DENOMINATOR = 30  # NCQA and CMS flag rates on fewer than 30 children
AGE_BANDS = ((0, 0, "under 1"), (1, 2, "1–2"), (3, 5, "3–5"), (6, 11, "6–11"), (12, 17, "12–17"))


def strata_rows(denominator: ir.Table, member: ir.Table, enrollment: ir.Table) -> ir.Table:
    """Denominator rows (``member_id, measure_id, excluded, met, practice_id,
    window_end``) with the value of every stratum, read on each row's window end: the
    plan and dental delivery of the coverage span that day (the latest-starting one if
    several), the age band that day, and the child's own attributes."""
    d = denominator.select(
        "member_id", "measure_id", "excluded", "met", "practice_id", "window_end"
    )
    m = member.select(
        "member_id", "race_ethnicity", "language", "sex", "birth_date", county=member.county_fips
    )
    j = d.join(m, "member_id")
    e = enrollment
    keys = d.select("member_id", on=d.window_end).distinct()
    covering = keys.join(e, keys.member_id == e.member_id).select(
        keys.member_id, keys.on, e.plan_id, e.dental_delivery, e.start_date, e.end_date
    )
    covering = covering.filter(
        (covering.start_date <= covering.on)
        & (covering.end_date.isnull() | (covering.end_date >= covering.on))
    )
    ranked = covering.mutate(
        rank=ibis.row_number().over(
            group_by=[covering.member_id, covering.on],
            order_by=[ibis.desc(covering.start_date), covering.plan_id],
        )
    )
    cover = ranked.filter(ranked.rank == 0).select("member_id", "on", "plan_id", "dental_delivery")
    j = j.left_join(cover, [j.member_id == cover.member_id, j.window_end == cover.on]).select(
        j, cover.plan_id, cover.dental_delivery
    )
    age = age_on(j.birth_date, j.window_end)
    band = ibis.cases(*((age.between(lo, hi), label) for lo, hi, label in AGE_BANDS), else_="18–21")
    return j.select(
        "measure_id",
        "excluded",
        "met",
        race_ethnicity=j.race_ethnicity.cast("string"),
        language=j.language,
        county=j.county,
        plan=j.plan_id.fill_null("(not enrolled)"),
        sex=j.sex.cast("string"),
        dental_delivery=j.dental_delivery.cast("string").fill_null("(unknown)"),
        age_band=band,
        practice=_practice(j.practice_id),
    )


def practice_rows(denominator: ir.Table) -> ir.Table:
    """Denominator rows with their ``practice`` stratum alone: ``measure_id, excluded,
    met, practice``, read straight from the denominator (no join)."""
    d = denominator
    return d.select("measure_id", "excluded", "met", practice=_practice(d.practice_id))


def _practice(practice_id: ir.StringValue) -> ir.StringValue:
    return practice_id.fill_null("(unattributed)")


def strata_counts(
    rows: ir.Table,
    dimensions: Sequence[str] = DIMENSIONS,
    *,
    apart: Mapping[str, ir.Table] | None = None,
) -> ir.Table:
    """``measure_id, dimension, group, eligible, excluded, numerator`` for the total and
    every group of every dimension.

    The rows are counted once per measure and combination of groups, and each count is
    unnested into one ``(dimension, group)`` pair per dimension and summed in one
    aggregation: the rows are read once, never stored for a pass per dimension.

    ``apart`` maps some of the dimensions to rows of their own (``measure_id, excluded,
    met`` and the dimension, such as :func:`practice_rows`), counted alone rather than
    from ``rows``: the practice has thousands of groups, and counted with the other
    dimensions it left almost as many combinations as rows to unnest (a third of the
    strata's time at 1M children).
    """
    apart = dict(apart or {})
    names = (TOTAL[0], *dimensions)
    together = [d for d in dimensions if d not in apart]
    combos = _count(rows, together)
    groups = (ibis.literal(TOTAL[1]), *(combos[d].cast("string") for d in together))
    # the dimension as its position: a small integer is quicker to group on than a name
    positions = (0, *(names.index(d) for d in together))
    pairs = ibis.array(
        [
            ibis.struct({"dimension": ibis.literal(i, "int8"), "group": group})
            for i, group in zip(positions, groups, strict=True)
        ]
    )
    t = combos.select("measure_id", "_n", "_x", "_m", _pair=pairs.unnest())
    parts = [t.select("measure_id", "_n", "_x", "_m", _d=t._pair.dimension, group=t._pair.group)]
    for name, own in apart.items():
        c = _count(own, [name])
        parts.append(
            c.select(
                "measure_id",
                "_n",
                "_x",
                "_m",
                _d=ibis.literal(names.index(name), "int8"),
                group=c[name].cast("string"),
            )
        )
    t = ibis.union(*parts) if len(parts) > 1 else parts[0]
    counts = t.group_by(["measure_id", "_d", "group"]).aggregate(
        eligible=t._n.sum(), excluded=t._x.sum(), numerator=t._m.sum()
    )
    dimension = ibis.cases(*((counts._d == i, name) for i, name in enumerate(names)))
    return counts.select(
        "measure_id", "group", "eligible", "excluded", "numerator", dimension=dimension
    ).relocate("dimension", after="measure_id")


def _count(rows: ir.Table, keys: Sequence[str]) -> ir.Table:
    """Rows, excluded and met per measure and combination of ``keys``."""
    return rows.group_by(["measure_id", *keys]).aggregate(
        _n=rows.count(),
        _x=rows.excluded.cast("int64").sum(),
        _m=rows.met.cast("int64").sum(),
    )


# The 97.5th percentile of the standard normal distribution (scipy's norm.isf(0.025)).
Z_95 = 1.9599639845400545


def wilson(numerator: np.ndarray, denominator: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval; NaN where the denominator is 0.

    The formula of statsmodels' ``proportion_confint(method="wilson")``, step for step
    (so the bounds are the same to the last bit), without importing statsmodels and
    scipy into every measure run.

    >>> low, high = wilson(np.array([5.0, 0.0]), np.array([10.0, 0.0]))
    >>> [round(float(low[0]), 4), round(float(high[0]), 4), bool(np.isnan(low[1]))]
    [0.2366, 0.7634, True]
    """
    low = np.full(len(numerator), np.nan)
    high = np.full(len(numerator), np.nan)
    ok = denominator > 0
    if ok.any():
        count = np.asarray(numerator[ok], dtype=float)
        nobs = np.asarray(denominator[ok], dtype=float)
        q = count / nobs
        crit2 = Z_95**2
        denom = 1 + crit2 / nobs
        center = (q + crit2 / (2 * nobs)) / denom
        dist = Z_95 * np.sqrt(q * (1.0 - q) / nobs + crit2 / (4.0 * nobs**2))
        dist /= denom
        low[ok] = np.clip(center - dist, 0, 1)
        high[ok] = np.clip(center + dist, 0, 1)
    return low, high


def statistics(
    counts: pd.DataFrame,
    *,
    references: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Rates, intervals and disparities for a table of counts.

    ``references`` names the reference group of a dimension (``{"race_ethnicity":
    "White"}``); elsewhere it is the group with the highest rate among those with at least
    30 children in the denominator (or among all when none has).
    """
    references = references or {}
    out = counts.copy()
    out["denominator"] = out["eligible"] - out["excluded"]
    den = out["denominator"].to_numpy(dtype=float)
    num = out["numerator"].to_numpy(dtype=float)
    out["rate"] = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    out["ci_low"], out["ci_high"] = wilson(num, den)
    out["small_denominator"] = out["denominator"] < SMALL_DENOMINATOR
    out["reference_group"] = None
    out["difference"] = np.nan
    out["ratio"] = np.nan
    for (_, dimension), frame in out.groupby(["measure_id", "dimension"], sort=False):
        if dimension == TOTAL[0]:
            continue
        reference = _reference(frame, references.get(str(dimension)))
        if reference is None:
            continue
        ref_rate = float(frame.loc[frame["group"] == reference, "rate"].iloc[0])
        index = frame.index
        out.loc[index, "reference_group"] = reference
        out.loc[index, "difference"] = out.loc[index, "rate"] - ref_rate
        out.loc[index, "ratio"] = out.loc[index, "rate"] / ref_rate if ref_rate > 0 else np.nan
    return out


def _reference(frame: pd.DataFrame, named: str | None) -> str | None:
    if named is not None:
        return named if named in set(frame["group"]) else None
    usable = frame[frame["denominator"] >= SMALL_DENOMINATOR]
    if usable.empty:
        usable = frame[frame["denominator"] > 0]
    if usable.empty:
        return None
    best = usable.sort_values(["rate", "denominator", "group"], ascending=[False, False, True])
    return str(best["group"].iloc[0])


def with_baseline(
    current: pd.DataFrame, baseline: pd.DataFrame, aims: Mapping[str, float]
) -> pd.DataFrame:
    """Add the baseline rate, the target (baseline + aim points), progress towards it,
    and the change in each group's disparity since the baseline.

    ``aims`` maps a measure id to its aim in percentage points (``{"wcv_6m": 10}``);
    measures without an aim get no target. Progress = (rate − baseline) / (target −
    baseline). The gaps of both years are to today's reference group
    (:func:`disparities`); the disparity aim is met when |difference now| ≤ 0.9 ×
    |difference then|.
    """
    keys = ["measure_id", "dimension", "group"]
    base = (
        baseline[[*keys, "denominator", "numerator", "rate"]]
        .rename(
            columns={
                "denominator": "baseline_denominator",
                "numerator": "baseline_numerator",
                "rate": "baseline_rate",
            }
        )
        .assign(baseline_difference=np.nan)
    )
    out = current.merge(base, on=keys, how="left")
    points = out["measure_id"].map(lambda m: aims.get(str(m), np.nan)).astype(float)
    out["target_rate"] = out["baseline_rate"] + points / 100
    span = out["target_rate"] - out["baseline_rate"]
    out["progress"] = np.where(span != 0, (out["rate"] - out["baseline_rate"]) / span, np.nan)
    return disparities(out, references=references_of(out))


def references_of(table: pd.DataFrame) -> dict[tuple[str, str], str | None]:
    """The reference group of each measure's dimension, as ``table`` names it."""
    out: dict[tuple[str, str], str | None] = {}
    for (measure_id, dimension), rows in table.groupby(["measure_id", "dimension"], sort=False):
        named = rows["reference_group"].dropna()
        out[(str(measure_id), str(dimension))] = str(named.iloc[0]) if len(named) else None
    return out


def disparities(
    table: pd.DataFrame, *, references: Mapping[tuple[str, str], str | None]
) -> pd.DataFrame:
    """Each group's gap to its dimension's reference group (``references`` maps
    ``(measure_id, dimension)`` to it): ``difference`` and ``ratio`` now and, with a
    baseline, ``baseline_difference`` to the *same* group's baseline rate,
    ``disparity_change`` and ``disparity_aim_met``. One reference for both years, so
    "change in the gap" compares like with like; where the reference's rate is missing
    (hidden, or the group absent that year) the gap is blank, never measured to another
    group."""
    out = table.copy()
    out["reference_group"] = out["reference_group"].astype(object)
    baseline = "baseline_rate" in out
    for (measure_id, dimension), rows in out.groupby(["measure_id", "dimension"], sort=False):
        if dimension == TOTAL[0]:
            continue
        index = rows.index
        reference = references.get((str(measure_id), str(dimension)))
        mine = rows[rows["group"] == reference]
        if reference is None or mine.empty:
            out.loc[index, "reference_group"] = None
            out.loc[index, ["difference", "ratio"]] = np.nan
            if baseline:
                out.loc[index, "baseline_difference"] = np.nan
            continue
        ref_rate = float(mine["rate"].iloc[0])
        out.loc[index, "reference_group"] = reference
        out.loc[index, "difference"] = out.loc[index, "rate"] - ref_rate
        out.loc[index, "ratio"] = out.loc[index, "rate"] / ref_rate if ref_rate > 0 else np.nan
        if baseline:
            ref_base = float(mine["baseline_rate"].iloc[0])
            out.loc[index, "baseline_difference"] = out.loc[index, "baseline_rate"] - ref_base
    if baseline:
        if "baseline_difference" not in out:
            out["baseline_difference"] = np.nan
        then = out["baseline_difference"].abs()
        now = out["difference"].abs()
        out["disparity_change"] = np.where(then > 0, now / then - 1, np.nan)
        known = (
            out["baseline_difference"].notna()
            & out["difference"].notna()
            & (out["group"] != out["reference_group"])  # no gap to itself
        )
        out["disparity_aim_met"] = (now <= 0.9 * then).astype("boolean").mask(~known)
    return out
