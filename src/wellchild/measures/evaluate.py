"""From measures to the long table: one row per child and measure.

Every measure writes the same columns (CONTRACT.md, "Output: the long table"): who,
which measure and spec version, the period, the attributed practice, whether the child
is in the denominator, excluded (and why), met, and the evidence that met it.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from wellchild.core.services import practice_on
from wellchild.measures.context import Context
from wellchild.measures.registry import Measure

LONG_COLUMNS = (
    "member_id",
    "measure_id",
    "measure_version",
    "period_start",
    "period_end",
    "practice_id",
    "in_denominator",
    "excluded",
    "exclusion_reason",
    "met",
    "evidence_date",
    "evidence_code",
)

LONG_SCHEMA = ibis.schema(
    {
        "member_id": "string",
        "measure_id": "string",
        "measure_version": "string",
        "period_start": "date",
        "period_end": "date",
        "practice_id": "string",
        "in_denominator": "boolean",
        "excluded": "boolean",
        "exclusion_reason": "string",
        "met": "boolean",
        "evidence_date": "date",
        "evidence_code": "string",
    }
)


def population(ctx: Context) -> ir.Table:
    """Every child of the member table, with the dates the blocks read."""
    m = ctx.inputs.member
    return m.select("member_id", "birth_date", "death_date")


def measure_rows(ctx: Context, measure: Measure) -> ir.Table:
    """The long rows of one measure: every child, flagged, plus ``window_end`` (the day
    attribution and strata are read on; null outside the denominator)."""
    pop = population(ctx)
    # The denominator feeds exclusions, numerator and attribution: build it once.
    den = ctx.cache(measure.denominator(ctx, pop))
    den_keys = den.select("member_id", _window_end=measure.attribution(ctx, den)).distinct()

    reasons = [
        e.criterion(ctx, den).select(
            "member_id", _rank=ibis.literal(i), _reason=ibis.literal(e.reason)
        )
        for i, e in enumerate(measure.exclusions)
    ]
    excluded = ibis.union(*reasons) if len(reasons) > 1 else reasons[0]
    excluded = excluded.group_by("member_id").aggregate(_first=excluded._rank.min())
    reason_of = ibis.cases(
        *((excluded._first == i, e.reason) for i, e in enumerate(measure.exclusions)),
        else_=ibis.null("string"),
    )
    excluded = excluded.select("member_id", _reason=reason_of)

    met = measure.numerator(ctx, den).select("member_id", "evidence_date", "evidence_code")
    met = met.group_by("member_id").aggregate(
        _date=met.evidence_date.min(), _code=met.evidence_code.min()
    )
    practice = practice_on(
        ctx.inputs.pcp_assignment, den_keys.select("member_id", on=den_keys._window_end)
    ).select("member_id", _practice=ibis._.practice_id)

    start, end = measure.period(ctx.period)
    t = pop.select("member_id")
    t = t.left_join(den_keys, "member_id").select(
        t.member_id, _in=den_keys.member_id.notnull(), _end=den_keys._window_end
    )
    t = t.left_join(excluded, "member_id").select(t, _reason=excluded._reason)
    t = t.left_join(met, "member_id").select(
        t, _met=met.member_id.notnull(), _date=met._date, _code=met._code
    )
    t = t.left_join(practice, "member_id").select(t, _practice=practice._practice)
    is_excluded = t._in & t._reason.notnull()
    is_met = t._in & ~is_excluded & t._met
    return t.select(
        member_id=t.member_id,
        measure_id=ibis.literal(measure.id),
        measure_version=ibis.literal(measure.version),
        period_start=ibis.literal(start),
        period_end=ibis.literal(end),
        practice_id=ibis.ifelse(t._in, t._practice, ibis.null("string")),
        in_denominator=t._in,
        excluded=is_excluded,
        exclusion_reason=ibis.ifelse(is_excluded, t._reason, ibis.null("string")),
        met=is_met,
        evidence_date=ibis.ifelse(is_met, t._date, ibis.null("date")),
        evidence_code=ibis.ifelse(is_met, t._code, ibis.null("string")),
        window_end=t._end,
    ).cast({**LONG_SCHEMA, "window_end": "date"})


def long_table(ctx: Context, measures: Sequence[Measure]) -> ir.Table:
    """The long rows of several measures (with ``window_end``), unordered."""
    parts = [measure_rows(ctx, m) for m in measures]
    return parts[0] if len(parts) == 1 else ibis.union(*parts)


def in_order(long: ir.Table, measures: Sequence[Measure]) -> ir.Table:
    """The contract's columns, ordered by measure (as listed) then member."""
    rank = ibis.cases(*((long.measure_id == m.id, i) for i, m in enumerate(measures)), else_=99)
    return long.order_by([rank, long.member_id]).select(*LONG_COLUMNS)
