"""Windows whose dates the period fixes, stated once for the criteria and the report.

Most windows depend on the child (the 15-month birthday). Some are the same for every
child: the 12 months ending on the as-of date, the programme. A measure states such a
window once, as a :class:`PeriodWindow`: its ``window`` is the Ibis
:class:`~wellchild.measures.blocks.Window` the criteria test dates against, and its
``dates`` are the first and last day the long table and the summary report as the
measure's period.

Examples
--------
>>> last_12_months = PeriodWindow(after=AS_OF.minus_years(1), through=AS_OF)
>>> last_12_months.window.label
'after the as-of date − 1 year and on or before the as-of date'
>>> last_12_months.dates(Period.for_year(2024, as_of=dt.date(2025, 2, 28)))
(datetime.date(2024, 2, 29), datetime.date(2025, 2, 28))
>>> PeriodWindow(start=PROGRAM_START, through=AS_OF).dates(Period.for_year(2024))
(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from wellchild.core.dates import add_years_py
from wellchild.measures import blocks
from wellchild.measures.blocks import Milestone, Window
from wellchild.measures.context import Period


@dataclass(frozen=True)
class PeriodDate:
    """A date the period fixes: as a milestone of the blocks and as a Python date."""

    milestone: Milestone
    on: Callable[[Period], dt.date]

    def minus_years(self, years: int) -> PeriodDate:
        return PeriodDate(
            self.milestone.minus_years(years), lambda p: add_years_py(self.on(p), -years)
        )


AS_OF = PeriodDate(blocks.AS_OF, lambda p: p.as_of)
PROGRAM_START = PeriodDate(blocks.PROGRAM_START, lambda p: p.program_start)
PERIOD_START = PeriodDate(blocks.PERIOD_START, lambda p: p.start)
PERIOD_END = PeriodDate(blocks.PERIOD_END, lambda p: p.end)


@dataclass(frozen=True)
class PeriodWindow:
    """Dates from ``start`` (inclusive) or ``after`` (exclusive) through ``through``."""

    through: PeriodDate
    start: PeriodDate | None = None
    after: PeriodDate | None = None

    def __post_init__(self) -> None:
        if (self.start is None) == (self.after is None):
            raise ValueError("a period window has a start or an after, not both or neither")

    @property
    def window(self) -> Window:
        return Window(
            through=self.through.milestone,
            start=self.start.milestone if self.start else None,
            after=self.after.milestone if self.after else None,
        )

    def dates(self, period: Period) -> tuple[dt.date, dt.date]:
        """The window's first and last day."""
        if self.start is not None:
            first = self.start.on(period)
        else:
            assert self.after is not None
            first = self.after.on(period) + dt.timedelta(days=1)
        return first, self.through.on(period)


MEASUREMENT_YEAR = PeriodWindow(start=PERIOD_START, through=PERIOD_END)
