"""From measures to the long table: one row per child and measure.

Every measure writes the same columns (docs/contract.md, "Output: the long table"): who,
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
# A long row as the measures build it: the contract's columns and the window's end.
ROW_SCHEMA = ibis.schema({**LONG_SCHEMA, "window_end": "date"})
# What the measures decide about a child in a denominator: the columns of a long row
# that vary from child to child (the others are the measure's own, added on writing).
DECIDED_SCHEMA = ibis.schema(
    {
        "member_id": "string",
        "measure_id": "string",
        "practice_id": "string",
        "excluded": "boolean",
        "exclusion_reason": "string",
        "met": "boolean",
        "evidence_date": "date",
        "evidence_code": "string",
        "window_end": "date",
    }
)


def population(ctx: Context) -> ir.Table:
    """Every child of the member table, with the dates the blocks read."""
    m = ctx.inputs.member
    return m.select("member_id", "birth_date", "death_date")


def _decided(ctx: Context, measure: Measure) -> tuple[ir.Table, ir.Table]:
    """The children in one measure's denominator with what the measure decided about
    them (``member_id, measure_id, window_end, _reason, _met, _date, _code``), and their
    ``(member_id, on)`` window ends alone."""
    pop = population(ctx)
    # The denominator feeds exclusions, numerator and attribution: build it once.
    den = ctx.cache(measure.denominator(ctx, pop))
    keys = ctx.cache(
        den.select("member_id", on=measure.attribution(ctx, den).cast("date")).distinct()
    )

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
    t = keys.left_join(excluded, "member_id").select(keys, excluded._reason)
    t = t.left_join(met, "member_id").select(
        t, _met=met.member_id.notnull(), _date=met._date, _code=met._code
    )
    rows = t.select(
        "member_id", "_reason", "_met", "_date", "_code",
        measure_id=ibis.literal(measure.id), window_end=t.on,
    ).cast({"_date": "date", "_code": "string"})  # fmt: skip
    return rows, keys


def denominators(ctx: Context, measures: Sequence[Measure]) -> ir.Table:
    """What the measures decide about the children in their denominators, one row per
    child and measure (:data:`DECIDED_SCHEMA`, with ``window_end``: the day attribution
    and strata are read on), unordered.

    Everything a measure decides is decided here, on the denominator alone; the rows of
    the other children (:func:`every_child`) say only that they are not in it. The
    practice is read once for every child and window end of all the measures.
    """
    decided = [_decided(ctx, m) for m in measures]
    t = ibis.union(*(rows for rows, _ in decided)) if len(decided) > 1 else decided[0][0]
    # one distinct over all the measures' keys: nested distinct unions made the engine
    # deduplicate again at every level
    keys = ibis.union(*(k for _, k in decided)).distinct() if len(decided) > 1 else decided[0][1]
    practice = practice_on(ctx.inputs.pcp_assignment, keys)
    t = t.left_join(
        practice, [t.member_id == practice.member_id, t.window_end == practice.on]
    ).select(t, _practice=practice.practice_id)
    is_excluded = t._reason.notnull()
    is_met = ~is_excluded & t._met
    return t.select(
        member_id=t.member_id,
        measure_id=t.measure_id,
        practice_id=t._practice,
        excluded=is_excluded,
        exclusion_reason=t._reason,
        met=is_met,
        evidence_date=ibis.ifelse(is_met, t._date, ibis.null("date")),
        evidence_code=ibis.ifelse(is_met, t._code, ibis.null("string")),
        window_end=t.window_end,
    ).cast(DECIDED_SCHEMA)


def _long_rows(t: ir.Table, measure: Measure, ctx: Context, inside: ir.BooleanValue) -> ir.Table:
    """``t`` (decided columns, null outside the denominator) as long rows of ``measure``."""
    start, end = measure.period(ctx.period)
    return t.select(
        "member_id",
        measure_id=ibis.literal(measure.id),
        measure_version=ibis.literal(measure.version),
        period_start=ibis.literal(start),
        period_end=ibis.literal(end),
        practice_id=t.practice_id,
        in_denominator=inside,
        excluded=t.excluded.fill_null(False),
        exclusion_reason=t.exclusion_reason,
        met=t.met.fill_null(False),
        evidence_date=t.evidence_date,
        evidence_code=t.evidence_code,
        window_end=t.window_end,
    ).cast(ROW_SCHEMA)


def denominator_rows(ctx: Context, measure: Measure) -> ir.Table:
    """The long rows (with ``window_end``) of the children in one measure's denominator."""
    return _long_rows(denominators(ctx, [measure]), measure, ctx, ibis.literal(True))


def every_child(ctx: Context, decided: ir.Table, measures: Sequence[Measure]) -> ir.Table:
    """The long rows of every child of the member table for each measure: the children
    of ``decided`` (:func:`denominators` of these measures) as they were decided and,
    for every other child, a row that says it is not in the measure's denominator."""
    parts = []
    for measure in measures:
        d = decided.filter(decided.measure_id == measure.id)
        t = population(ctx).select("member_id")
        t = t.left_join(d, "member_id").select(
            t.member_id,
            *(d[c] for c in d.columns if c not in ("member_id", "measure_id")),
            _inside=d.member_id.notnull(),
        )
        parts.append(_long_rows(t, measure, ctx, t._inside))
    return parts[0] if len(parts) == 1 else ibis.union(*parts)


def long_table(ctx: Context, measures: Sequence[Measure]) -> ir.Table:
    """The long rows of several measures (with ``window_end``), unordered."""
    return every_child(ctx, denominators(ctx, measures), measures)
