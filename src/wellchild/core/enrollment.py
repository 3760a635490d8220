"""Merged enrollment spans: a member's coverage as disjoint, non-adjacent periods.

The contract lets coverage arrive in pieces (plan switches, retroactive spans, overlapping
rows from two systems). Measures ask only whether the child was covered on each day, so
overlapping spans and spans that touch (one ends the day before the next starts) are
merged into one, whatever their plan.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

# An open span (no end_date) is merged as if it ended on this day, then reopened.
OPEN_END = dt.date(9999, 12, 31)


def merge_spans(
    spans: ir.Table,
    *,
    by: str = "member_id",
    start: str = "start_date",
    end: str = "end_date",
) -> ir.Table:
    """Merge overlapping and adjacent spans per ``by`` value.

    Parameters
    ----------
    spans
        A table with ``by``, ``start`` and ``end`` columns (``end`` null = open).

    Returns
    -------
    ibis.expr.types.Table
        ``by, start_date, end_date``: one row per merged span, ``end_date`` null when
        the last span is open.

    Examples
    --------
    >>> import datetime as dt, ibis
    >>> t = ibis.memtable({
    ...     "member_id": ["A", "A", "A", "B"],
    ...     "start_date": [dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 5, 1),
    ...                    dt.date(2024, 1, 1)],
    ...     "end_date": [dt.date(2024, 1, 31), dt.date(2024, 3, 31), None, None],
    ... })
    >>> out = merge_spans(t).order_by(["member_id", "start_date"]).to_pyarrow().to_pylist()
    >>> [(r["member_id"], str(r["start_date"]), str(r["end_date"])) for r in out]
    [('A', '2024-01-01', '2024-03-31'), ('A', '2024-05-01', 'None'), ('B', '2024-01-01', 'None')]
    """
    t = spans.select(
        member=spans[by],
        s=spans[start],
        e=spans[end].fill_null(ibis.literal(OPEN_END)),
    ).filter(lambda t: t.member.notnull() & t.s.notnull())
    order = [t.s, t.e]
    before = ibis.window(group_by=t.member, order_by=order, rows=(None, -1))
    reach = t.e.max().over(before)  # the latest day covered by any earlier span
    t = t.mutate(
        starts_island=ibis.ifelse(reach.isnull() | (t.s > reach + ibis.interval(days=1)), 1, 0)
    )
    upto = ibis.window(group_by=t.member, order_by=[t.s, t.e], rows=(None, 0))
    t = t.mutate(island=t.starts_island.sum().over(upto))
    merged = t.group_by([t.member, t.island]).aggregate(start_date=t.s.min(), end_date=t.e.max())
    return merged.select(
        merged.member.name(by),
        merged.start_date,
        end_date=ibis.ifelse(
            merged.end_date == ibis.literal(OPEN_END), ibis.null("date"), merged.end_date
        ),
    )
