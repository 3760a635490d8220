"""The building blocks measures are written with.

A **milestone** is a date in a child's life or of the measurement period (the 15-month
birthday, 31 December). A **criterion** keeps the children of a population who meet it
(continuously enrolled from 31 days of age to the 15-month birthday) and may add
columns: an exclusion adds its reason, a numerator its evidence date and code. A measure
combines them in three short lines that read like its specification::

    denominator = all_of(falls_in_period(FIFTEEN_MONTHS),
                         continuously_enrolled(days_of_age(31), FIFTEEN_MONTHS))
    exclusions = REQUIRED_EXCLUSIONS
    numerator = well_child_visits(at_least=6, within=Window(through=FIFTEEN_MONTHS))

Every block is plain Ibis, so a measure runs unchanged on DuckDB and Spark.

Examples
--------
>>> FIFTEEN_MONTHS.label
'15-month birthday (first birthday + 90 days)'
>>> continuously_enrolled(days_of_age(31), SIX_MONTHS).label
'continuously enrolled from 31 days of age to 6-month birthday, at most 1 gap of at most 45 days'
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir

from wellchild.core import dates, services
from wellchild.measures.context import Context

FAR_FUTURE = dt.date(9999, 12, 31)
PRIMARY_CARE = services.PRIMARY_CARE
PRIMARY_CARE_AND_OBGYN = ("pcp", "clinic", "obgyn")


# -- milestones ------------------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    """A date for each child of a population (or the same date for all)."""

    label: str
    date: Callable[[Context, ir.Table], ir.DateValue]

    def __call__(self, ctx: Context, pop: ir.Table) -> ir.DateValue:
        return self.date(ctx, pop)

    def plus_days(self, days: int, label: str | None = None) -> Milestone:
        return Milestone(
            label or f"{self.label} + {days} days",
            lambda c, p: dates.add_days(self.date(c, p), days),
        )

    def plus_months(self, months: int, label: str | None = None) -> Milestone:
        return Milestone(
            label or f"{self.label} + {months} months",
            lambda c, p: dates.add_months(self.date(c, p), months),
        )

    def minus_years(self, years: int, label: str | None = None) -> Milestone:
        return Milestone(
            label or f"{self.label} − {years} year{'s' if years != 1 else ''}",
            lambda c, p: dates.add_years(self.date(c, p), -years),
        )


BIRTH = Milestone("birth", lambda c, p: p.birth_date)
PERIOD_START = Milestone(
    "1 January of the measurement year", lambda c, p: ibis.literal(c.period.start)
)
PERIOD_END = Milestone(
    "31 December of the measurement year", lambda c, p: ibis.literal(c.period.end)
)
AS_OF = Milestone("the as-of date", lambda c, p: ibis.literal(c.period.as_of))
PROGRAM_START = Milestone(
    "the programme start date", lambda c, p: ibis.literal(c.period.program_start)
)


def days_of_age(days: int) -> Milestone:
    """Birth date + ``days`` (31 days of age = birth + 31)."""
    return BIRTH.plus_days(days, f"{days} days of age")


def birthday(years: int) -> Milestone:
    """The ``years``-th birthday (28 February in common years for a 29 February child)."""
    ordinal = {1: "first", 2: "second", 3: "third", 6: "sixth"}.get(years, f"{years}th")
    return Milestone(f"{ordinal} birthday", lambda c, p: dates.add_years(p.birth_date, years))


def months_of_age(months: int) -> Milestone:
    """The same day of the month ``months`` after birth, or that month's last day."""
    return BIRTH.plus_months(months, f"{months}-month birthday")


def column(name: str, label: str) -> Milestone:
    """A date another criterion added to the population (such as an index visit)."""
    return Milestone(label, lambda c, p: p[name])


FIFTEEN_MONTHS = birthday(1).plus_days(90, "15-month birthday (first birthday + 90 days)")
DAY_AFTER_FIFTEEN_MONTHS = birthday(1).plus_days(91, "the day after the 15-month birthday")
THIRTY_MONTHS = birthday(2).plus_days(180, "30-month birthday (second birthday + 180 days)")
SIX_MONTHS = months_of_age(6)


@dataclass(frozen=True)
class Window:
    """Dates from ``start`` (inclusive) or ``after`` (exclusive) through ``through``."""

    through: Milestone
    start: Milestone | None = None
    after: Milestone | None = None

    @property
    def label(self) -> str:
        if self.after is not None:
            return f"after {self.after.label} and on or before {self.through.label}"
        if self.start is not None:
            return f"from {self.start.label} through {self.through.label}"
        return f"on or before {self.through.label}"

    def contains(self, ctx: Context, pop: ir.Table, day: ir.DateValue) -> ir.BooleanValue:
        test = day <= self.through(ctx, pop)
        if self.start is not None:
            test = test & (day >= self.start(ctx, pop))
        if self.after is not None:
            test = test & (day > self.after(ctx, pop))
        return test

    def shared_bounds(self, ctx: Context, pop: ir.Table, day: ir.DateValue) -> ir.BooleanValue:
        """The part of :meth:`contains` that is the same for every child of ``pop`` (the
        bounds that are dates of the period, not of a child's life), tested on ``day`` of
        another table: events filtered by it before they are joined to the population
        make a smaller join. True when every bound is a child's own."""
        test: ir.BooleanValue = ibis.literal(True)
        for bound, holds in (
            (self.through, operator.le),
            (self.start, operator.ge),
            (self.after, operator.gt),
        ):
            if bound is not None:
                value = bound(ctx, pop)
                if not value.op().find(ops.Field):  # reads no column: one date for all
                    test = test & holds(day, value)
        return test


MEASUREMENT_YEAR = Window(start=PERIOD_START, through=PERIOD_END)


# -- criteria --------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    """Keeps the rows of a population that meet it (and may add columns)."""

    label: str
    keep: Callable[[Context, ir.Table], ir.Table]

    def __call__(self, ctx: Context, pop: ir.Table) -> ir.Table:
        return self.keep(ctx, pop)


def all_of(*criteria: Criterion) -> Criterion:
    """Children who meet every criterion (each sees only those who met the ones before)."""

    def keep(ctx: Context, pop: ir.Table) -> ir.Table:
        for index, criterion in enumerate(criteria):
            pop = criterion(ctx, pop)
            if index < len(criteria) - 1:
                # each step reads the population more than once: build it once
                pop = ctx.cache(pop)
        return pop

    return Criterion(" and ".join(c.label for c in criteria), keep)


def falls_in_period(milestone: Milestone) -> Criterion:
    """The milestone falls in the measurement year."""
    return Criterion(
        f"{milestone.label} falls in the measurement year",
        lambda c, p: p.filter(MEASUREMENT_YEAR.contains(c, p, milestone(c, p))),
    )


def age_between(low: int, high: int, on: Milestone = PERIOD_END) -> Criterion:
    """Aged ``low`` to ``high`` (whole years, inclusive) on a date."""
    return Criterion(
        f"aged {low}–{high} on {on.label}",
        lambda c, p: p.filter(dates.age_on(p.birth_date, on(c, p)).between(low, high)),
    )


def _window(ctx: Context, pop: ir.Table, start: Milestone, end: Milestone) -> ir.Table:
    return pop.mutate(_ws=start(ctx, pop), _we=end(ctx, pop))


def continuously_enrolled(
    start: Milestone, end: Milestone, *, max_gaps: int = 1, max_gap_days: int = 45
) -> Criterion:
    """At most ``max_gaps`` gaps of at most ``max_gap_days`` days from ``start`` to ``end``.

    Days before the first span or after the last span inside the window are gaps, so a
    child whose coverage starts late or ends early has a gap there too.
    """

    def keep(ctx: Context, pop: ir.Table) -> ir.Table:
        w = _window(ctx, pop, start, end)
        keys = w.select("member_id", "_ws", "_we").distinct()
        s = ctx.inputs.spans
        span_end = s.end_date.fill_null(ibis.literal(FAR_FUTURE))
        # join on the child, then test dates (a range join would run as a nested loop)
        j = keys.join(s, keys.member_id == s.member_id).select(
            keys.member_id, keys._ws, keys._we, start=s.start_date, end=span_end
        )
        j = j.filter((j.start <= j._we) & (j.end >= j._ws)).select(
            "member_id", "_ws", "_we", cs=ibis.greatest(j.start, j._ws), ce=ibis.least(j.end, j._we)
        )
        previous = j.ce.lag().over(group_by=[j.member_id, j._ws, j._we], order_by=j.cs)
        reach = previous.fill_null(dates.add_days(j._ws, -1))
        j = j.mutate(gap=dates.days_between(j.cs, reach) - 1)
        per = j.group_by(["member_id", "_ws", "_we"]).aggregate(
            inside=(j.gap > 0).sum(), longest=j.gap.max(), last=j.ce.max()
        )
        tail = dates.days_between(per._we, per.last)
        per = per.mutate(
            gaps=per.inside + ibis.ifelse(tail > 0, 1, 0), longest=ibis.greatest(per.longest, tail)
        )
        ok = per.filter((per.gaps == 0) | ((per.gaps <= max_gaps) & (per.longest <= max_gap_days)))
        kept = w.semi_join(ok, [w.member_id == ok.member_id, w._ws == ok._ws, w._we == ok._we])
        if max_gaps >= 1:  # no span at all: one gap the length of the window
            bare = w.anti_join(s, w.member_id == s.member_id)
            bare = bare.filter(dates.days_between(bare._we, bare._ws) + 1 <= max_gap_days)
            kept = kept.union(bare)
        return kept.drop("_ws", "_we")

    return Criterion(
        f"continuously enrolled from {start.label} to {end.label}, at most {max_gaps} gap"
        f"{'s' if max_gaps != 1 else ''} of at most {max_gap_days} days",
        keep,
    )


def _with_span(
    pop: ir.Table, spans: ir.Table, test: Callable[[ir.Table], ir.BooleanValue]
) -> ir.Table:
    """Rows of ``pop`` with at least one span passing ``test`` (a hash join on the child,
    then the test: engines run a semi join with range conditions as a nested loop)."""
    j = pop.join(spans, pop.member_id == spans.member_id).select(
        pop,
        span_start=spans.start_date,
        span_end=spans.end_date.fill_null(ibis.literal(FAR_FUTURE)),
    )
    # no distinct: a semi join keeps a row once however many spans pass
    hits = j.filter(test(j)).select("member_id")
    return pop.semi_join(hits, pop.member_id == hits.member_id)


def enrolled_on(day: Milestone) -> Criterion:
    """A coverage span includes the day."""

    def keep(ctx: Context, pop: ir.Table) -> ir.Table:
        p = pop.mutate(_on=day(ctx, pop))
        kept = _with_span(
            p, ctx.inputs.spans, lambda j: (j.span_start <= j._on) & (j.span_end >= j._on)
        )
        return kept.drop("_on")

    return Criterion(f"enrolled on {day.label}", keep)


def continuous_days(days: int, window: Window = MEASUREMENT_YEAR) -> Criterion:
    """One coverage span covers at least ``days`` days inside the window."""
    assert window.start is not None

    def keep(ctx: Context, pop: ir.Table) -> ir.Table:
        assert window.start is not None
        w = _window(ctx, pop, window.start, window.through)

        def covers(j: ir.Table) -> ir.BooleanValue:
            first = ibis.greatest(j.span_start, j._ws)
            last = ibis.least(j.span_end, j._we)
            return (first <= last) & (dates.days_between(last, first) + 1 >= days)

        return _with_span(w, ctx.inputs.spans, covers).drop("_ws", "_we")

    return Criterion(f"enrolled at least {days} continuous days {window.label}", keep)


# -- exclusions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Exclusion:
    """A required exclusion: the children it removes and the reason recorded for them."""

    reason: str
    criterion: Criterion


def died(window: Window = MEASUREMENT_YEAR) -> Exclusion:
    return Exclusion(
        "died",
        Criterion(
            f"died {window.label}",
            lambda c, p: p.filter(p.death_date.notnull() & window.contains(c, p, p.death_date)),
        ),
    )


def hospice(window: Window = MEASUREMENT_YEAR) -> Exclusion:
    def keep(ctx: Context, pop: ir.Table) -> ir.Table:
        lines = ctx.inputs.medical_services
        lines = lines.filter(
            services.in_value_set(lines.code, "hospice"),
            window.shared_bounds(ctx, pop, lines.service_date),
        )
        j = pop.join(lines, pop.member_id == lines.member_id).select(pop, day=lines.service_date)
        hits = j.filter(window.contains(ctx, j, j.day)).select("member_id")
        return pop.semi_join(hits, pop.member_id == hits.member_id)

    return Exclusion("hospice", Criterion(f"hospice services {window.label}", keep))


REQUIRED_EXCLUSIONS = (died(), hospice())


# -- numerators ------------------------------------------------------------------------


def _nth_date(
    ctx: Context,
    pop: ir.Table,
    events: ir.Table,
    window: Window,
    at_least: int,
    spacing: int = 0,
) -> ir.Table:
    """Children with ``at_least`` distinct event dates in the window (at least
    ``spacing`` days apart when set); the evidence is the last date needed and its code."""
    events = events.filter(window.shared_bounds(ctx, pop, events.service_date))
    j = pop.join(events, pop.member_id == events.member_id).select(
        pop, day=events.service_date, code=events.code
    )
    j = j.filter(window.contains(ctx, j, j.day))
    per_day = j.group_by("member_id", "day").aggregate(code=j.code.min())
    if at_least == 1:  # the first date: an aggregate, no need to number the dates
        hit = per_day.group_by("member_id").aggregate(
            evidence_date=per_day.day.min(), evidence_code=per_day.code.argmin(per_day.day)
        )
        return pop.join(hit, pop.member_id == hit.member_id).select(
            pop, hit.evidence_date, hit.evidence_code
        )
    if spacing > 0:
        chosen = _spaced(per_day, spacing, at_least)
    else:
        chosen = per_day.mutate(
            n=ibis.row_number().over(group_by=per_day.member_id, order_by=per_day.day) + 1
        )
    hit = chosen.filter(chosen.n == at_least).select(
        "member_id", evidence_date=chosen.day, evidence_code=chosen.code
    )
    return pop.join(hit, pop.member_id == hit.member_id).select(
        pop, hit.evidence_date, hit.evidence_code
    )


def _spaced(per_day: ir.Table, spacing: int, needed: int) -> ir.Table:
    """Greedy pick of visits at least ``spacing`` days apart, the first visit first."""
    first = per_day.group_by("member_id").aggregate(day=per_day.day.min())
    first = first.join(per_day, [first.member_id == per_day.member_id, first.day == per_day.day])
    picked = first.select(first.member_id, first.day, first.code, n=ibis.literal(1))
    steps = [picked]
    for n in range(2, needed + 1):
        last = steps[-1]
        nxt = per_day.join(last, per_day.member_id == last.member_id).filter(
            lambda t: t.day >= dates.add_days(t.day_right, spacing)
        )
        nxt = nxt.group_by(nxt.member_id).aggregate(day=nxt.day.min())
        nxt = nxt.join(per_day, [nxt.member_id == per_day.member_id, nxt.day == per_day.day])
        steps.append(nxt.select(nxt.member_id, nxt.day, nxt.code, n=ibis.literal(n)))
    return ibis.union(*steps)


def well_child_visits(
    at_least: int, within: Window, *, provider_kinds: tuple[str, ...] = PRIMARY_CARE
) -> Criterion:
    """At least ``at_least`` well-child visits on different dates in the window."""

    if provider_kinds not in (PRIMARY_CARE, PRIMARY_CARE_AND_OBGYN):
        raise ValueError(
            f"well-child visits are counted for {PRIMARY_CARE} or {PRIMARY_CARE_AND_OBGYN}"
        )
    base = "primary_code" if provider_kinds == PRIMARY_CARE else "any_code"

    def keep(ctx: Context, pop: ir.Table) -> ir.Table:
        all_visits = ctx.inputs.well_care_visits
        code = base if ctx.settings.telehealth else f"{base}_in_person"
        visits = all_visits.filter(all_visits[code].notnull()).select(
            "member_id", "service_date", code=all_visits[code]
        )
        return _nth_date(ctx, pop, visits, within, at_least, ctx.settings.visit_spacing_days)

    kinds = " or ".join(provider_kinds)
    return Criterion(
        f"at least {at_least} well-child visit{'s' if at_least > 1 else ''} with a "
        f"{kinds} provider on different dates {within.label}",
        keep,
    )


def services_on_dates(
    at_least: int,
    within: Window,
    *,
    dental: tuple[str, ...] = (),
    medical: tuple[str, ...] = (),
) -> Criterion:
    """At least ``at_least`` dates in the window with a paid dental line in one of the
    ``dental`` concepts or a paid medical line in one of the ``medical`` concepts."""

    unknown = set(medical) - set(services.MEDICAL_SERVICE_CONCEPTS)
    if unknown:
        raise ValueError(f"core__medical_service does not keep {sorted(unknown)}")

    def keep(ctx: Context, pop: ir.Table) -> ir.Table:
        parts: list[ir.Table] = []
        for names, table in (
            (dental, ctx.inputs.dental_services),
            (medical, ctx.inputs.medical_services),
        ):
            if names:
                test = ibis.or_(*(services.in_value_set(table.code, n) for n in names))
                parts.append(table.filter(test))
        events = parts[0] if len(parts) == 1 else ibis.union(*parts)
        return _nth_date(ctx, pop, events, within, at_least)

    names = ", ".join(dental + medical)
    return Criterion(
        f"at least {at_least} date{'s' if at_least > 1 else ''} with {names} {within.label}",
        keep,
    )


def without(criterion: Criterion, label: str | None = None) -> Criterion:
    """Children who do not meet ``criterion``."""

    def keep(ctx: Context, pop: ir.Table) -> ir.Table:
        met = criterion(ctx, pop).select("member_id")
        return pop.anti_join(met, pop.member_id == met.member_id)

    return Criterion(label or f"not ({criterion.label})", keep)


def practice_visit(since: Milestone, *, follow_up_months: int, ends_by: Milestone) -> Criterion:
    """A visit with the child's assigned practice on or after ``since``; the first is the
    index visit (added as ``index_date``), kept when its follow-up window of
    ``follow_up_months`` calendar months ends on or before ``ends_by``."""

    def keep(ctx: Context, pop: ir.Table) -> ir.Table:
        claims = ctx.inputs.medical_claim
        # Only the population's lines from ``since`` to ``ends_by`` can hold the index visit.
        bounds = pop.select("member_id", _since=since(ctx, pop), _end=ends_by(ctx, pop))
        shared = Window(after=None, start=since, through=ends_by)
        claims = claims.filter(shared.shared_bounds(ctx, pop, claims.service_date))
        lines = claims.join(bounds, claims.member_id == bounds.member_id)
        lines = lines.filter(lines.service_date.between(lines._since, lines._end))
        lines = lines.drop("_since", "_end")
        visits = services.practice_visits(lines, ctx.inputs.provider, ctx.inputs.pcp_assignment)
        j = pop.join(visits, pop.member_id == visits.member_id).select(
            pop.member_id, day=visits.service_date
        )
        j = j.filter(j.day >= since(ctx, j))
        first = j.group_by("member_id").aggregate(index_date=j.day.min())
        first = first.filter(
            dates.add_months(first.index_date, follow_up_months) <= ends_by(ctx, first)
        )
        return pop.join(first, pop.member_id == first.member_id).select(pop, first.index_date)

    return Criterion(
        f"a visit with the assigned practice on or after {since.label} (the first is the "
        f"index visit) whose {follow_up_months}-month follow-up ends on or before {ends_by.label}",
        keep,
    )


INDEX_VISIT = column("index_date", "the index visit")
