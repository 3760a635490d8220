"""Monthly measure series for run and control charts.

A quality-improvement team charts its measure month by month. For the annual measures
each month's point is the measure over the 12 months ending that month (a rolling
window: the period runs from the first day of the month eleven months earlier to the
month's last day, and the as-of date is that last day). For a measure whose spec says
``series: event_month`` (``dental_after_pcp``) the point is the *event month*: the
children whose index visit with their practice fell in that month, and how many of them
saw a dentist within the spec's ``follow_up_months`` (the programme starts on the first
month of the series; months whose follow-up has not ended yet have no point).

The series is counts only (numerator and denominator per month), ready for a p or p′
chart: ``wellchild qi-chart series.csv --x month --y numerator --n denominator --chart pp``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from wellchild.core.dates import add_years_py
from wellchild.engines.base import Engine
from wellchild.errors import WellchildError
from wellchild.measures.context import Context, Period, Settings
from wellchild.measures.evaluate import denominator_rows, population
from wellchild.measures.registry import Measure

SERIES_COLUMNS = ("month", "measure_id", "window_start", "window_end", "numerator", "denominator")


@dataclass(frozen=True)
class Scope:
    """Whose children a series counts: everyone, one practice, or one county."""

    practice: str | None = None
    county: str | None = None

    def __post_init__(self) -> None:
        if self.practice is not None and self.county is not None:
            raise WellchildError("Choose --practice or --county, not both.")

    @property
    def label(self) -> str:
        if self.practice is not None:
            return f"practice {self.practice}"
        if self.county is not None:
            return f"county {self.county}"
        return "all children"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def add_months(first_of_month: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) a month's first day.

    >>> add_months(dt.date(2024, 11, 1), 3)
    datetime.date(2025, 2, 1)
    """
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of every month from ``first``'s to ``last``'s."""
    out, current = [], month_start(first)
    while current <= month_start(last):
        out.append(current)
        current = add_months(current, 1)
    return out


def rolling_period(month: dt.date) -> Period:
    """The 12 months ending with ``month``, read on its last day."""
    end = month_end(month)
    start = add_years_py(end, -1) + dt.timedelta(days=1)
    return Period(start=start, end=end, as_of=end, program_start=start)


def last_complete_month(engine: Engine) -> dt.date:
    """The last month the store's claims cover to its end: the month of the latest
    service date when that date is the month's last day, else the month before."""
    inputs = engine.inputs()
    latest = [
        engine.to_arrow(t.aggregate(last=t.service_date.max())).column("last")[0].as_py()
        for t in (inputs.medical_claim, inputs.dental_claim)
    ]
    known = [d for d in latest if d is not None]
    if not known:
        raise WellchildError("The store has no claims to build a monthly series from.")
    day = max(known)
    return month_start(day) if day == month_end(day) else add_months(month_start(day), -1)


def _scoped(rows: ir.Table, ctx: Context, scope: Scope) -> ir.Table:
    if scope.practice is not None:
        return rows.filter(rows.practice_id == scope.practice)
    if scope.county is not None:
        m = ctx.inputs.member
        county = m.filter(m.county_fips == scope.county).select("member_id")
        return rows.semi_join(county, "member_id")
    return rows


GROUPINGS = ("county", "practice")


def _keyed(rows: ir.Table, ctx: Context, keys: tuple[str, ...]) -> ir.Table:
    """The rows with a column per grouping in ``keys``: ``county``, the child's county
    (null when none is on file), and ``practice``, its attributed practice (or null)."""
    for key in keys:
        if key not in GROUPINGS:
            raise WellchildError(f"A series is grouped by county or practice, not {key!r}.")
    if "county" in keys:
        m = ctx.inputs.member
        county = m.select("member_id", county=m.county_fips)
        rows = rows.left_join(county, "member_id").select(*rows.columns, "county")
    if "practice" in keys:
        rows = rows.mutate(practice=rows.practice_id)
    return rows


def _counts(rows: ir.Table, month: ir.Value, keys: tuple[str, ...]) -> ir.Table:
    counted = rows.filter(~rows.excluded)
    return counted.group_by(month=month, **{k: counted[k] for k in keys}).aggregate(
        numerator=counted.met.cast("int64").sum(), denominator=counted.count()
    )


def monthly_series(
    engine: Engine,
    measure: Measure,
    first: dt.date,
    last: dt.date,
    *,
    settings: Settings | None = None,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """Numerator and denominator of ``measure`` for each month from ``first`` to
    ``last`` (columns :data:`SERIES_COLUMNS`); months in which no child was counted are
    left out."""
    counts = _raw(engine, measure, first, last, settings, scope or Scope(), ())
    return _complete(counts.assign(key=""), measure, months(first, last)).drop(columns="key")


def grouped_series(
    engine: Engine,
    measure: Measure,
    first: dt.date,
    last: dt.date,
    *,
    by: str,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """:func:`monthly_series` of every county (``by="county"``) or every practice
    (``by="practice"``) at once, in one query per measure: the columns of
    :data:`SERIES_COLUMNS` and ``key``, the county's FIPS code or the practice id; a
    group's months in which no child was counted are left out."""
    return series_by(engine, measure, first, last, by=(by,), settings=settings)[by]


def series_by(
    engine: Engine,
    measure: Measure,
    first: dt.date,
    last: dt.date,
    *,
    by: Sequence[str] = GROUPINGS,
    settings: Settings | None = None,
) -> dict[str | None, pd.DataFrame]:
    """The series of all children (under ``None``, as :func:`monthly_series`) and of
    every group of each grouping in ``by`` (under its name, as :func:`grouped_series`),
    all counted by one query that evaluates the measure once per month."""
    keys = tuple(dict.fromkeys(by))
    counts = _raw(engine, measure, first, last, settings, Scope(), keys)
    wanted = months(first, last)
    value = ["numerator", "denominator"]
    total = counts.groupby("month", as_index=False)[value].sum()
    out: dict[str | None, pd.DataFrame] = {
        None: _complete(total.assign(key=""), measure, wanted).drop(columns="key")
    }
    for key in keys:
        groups = counts[counts[key].notna()].groupby(["month", key], as_index=False)[value].sum()
        out[key] = _complete(groups.rename(columns={key: "key"}), measure, wanted)
    return out


def _raw(
    engine: Engine,
    measure: Measure,
    first: dt.date,
    last: dt.date,
    settings: Settings | None,
    scope: Scope,
    keys: tuple[str, ...],
) -> pd.DataFrame:
    """Counts by month and by the ``keys`` groupings, as the engine returns them."""
    if month_start(first) > month_start(last):
        raise WellchildError(f"The series starts ({first:%Y-%m}) after it ends ({last:%Y-%m}).")
    settings = settings or Settings()
    wanted = months(first, last)
    if measure.event_month_series:
        return _event_months(engine, measure, wanted, settings, scope, keys)
    return _rolling(engine, measure, wanted, settings, scope, keys)


def _rolling(
    engine: Engine,
    measure: Measure,
    wanted: list[dt.date],
    settings: Settings,
    scope: Scope,
    keys: tuple[str, ...],
) -> pd.DataFrame:
    inputs = engine.inputs()
    parts = []
    for month in wanted:
        ctx = Context(inputs, rolling_period(month), settings, cache=engine.cache)
        rows = _keyed(_scoped(denominator_rows(ctx, measure), ctx, scope), ctx, keys)
        parts.append(_counts(rows, ibis.literal(month), keys))
    table: pd.DataFrame = engine.to_arrow(
        ibis.union(*parts) if len(parts) > 1 else parts[0]
    ).to_pandas()
    engine.release()
    return table


def _event_months(
    engine: Engine,
    measure: Measure,
    wanted: list[dt.date],
    settings: Settings,
    scope: Scope,
    keys: tuple[str, ...],
) -> pd.DataFrame:
    period = Period(
        start=wanted[0],
        end=month_end(wanted[-1]),
        as_of=month_end(wanted[-1]),
        program_start=wanted[0],
    )
    ctx = Context(engine.inputs(), period, settings, cache=engine.cache)
    rows = _keyed(_scoped(denominator_rows(ctx, measure), ctx, scope), ctx, keys)
    index = measure.denominator(ctx, population(ctx)).select("member_id", "index_date")
    rows = rows.join(index, "member_id")
    month = rows.index_date.truncate("M").cast("date")
    table: pd.DataFrame = engine.to_arrow(_counts(rows, month, keys)).to_pandas()
    engine.release()
    return table


def _complete(table: pd.DataFrame, measure: Measure, wanted: list[dt.date]) -> pd.DataFrame:
    """The wanted months in order; a month in which no child was counted has no point
    (a proportion needs a denominator) and is left out."""
    table = table.assign(month=pd.to_datetime(table["month"]).dt.date)
    frame = pd.DataFrame({"month": wanted}).merge(table, on="month", how="inner")
    frame = frame.sort_values(["key", "month"], kind="stable", ignore_index=True)
    frame["measure_id"] = measure.id
    frame["numerator"] = frame["numerator"].astype(int)
    frame["denominator"] = frame["denominator"].astype(int)
    if measure.event_month_series:
        # an event month's children are followed up to the follow-up after its last index visit
        follow_up = measure.follow_up_months
        frame["window_start"] = frame["month"]
        frame["window_end"] = [month_end(add_months(m, follow_up)) for m in frame["month"]]
    else:
        periods = [measure.period(rolling_period(m)) for m in frame["month"]]
        frame["window_start"] = [p[0] for p in periods]
        frame["window_end"] = [p[1] for p in periods]
    return frame[[*SERIES_COLUMNS, "key"]]
