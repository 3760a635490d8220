"""The dates the loaded claims cover, and a warning when a run asks about other dates.

A measurement year after the last claim gives 0% on full denominators, a year before the
first gives an empty table, and an as-of date past the data puts every child on a gap
list: all without any error, because nothing is wrong with the data. So every command
that reads a period checks it against the claims' span first and says so in words.

Examples
--------
>>> span = ClaimSpan(dt.date(2021, 1, 4), dt.date(2025, 12, 29))
>>> (span.start, span.end)
(datetime.date(2021, 1, 1), datetime.date(2025, 12, 31))
>>> outside(span, dt.date(2025, 1, 1), dt.date(2025, 12, 31), "The measurement year 2025")
>>> print(outside(span, dt.date(2027, 1, 1), dt.date(2027, 12, 31), "The year 2027"))
The year 2027 (2027-01-01 to 2027-12-31) is outside the loaded claims, which run from
2021-01-04 to 2025-12-29: no service in it is loaded, so its rates are 0% or empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

from wellchild.core.dates import add_years_py
from wellchild.engines.base import Engine
from wellchild.measures.series import month_end


@dataclass(frozen=True)
class ClaimSpan:
    """The first and last service date of the loaded medical and dental claims.

    ``start`` and ``end`` round them out to whole months: claims arrive by month, so a
    last claim on 29 December still covers December.
    """

    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.date:
        return self.first.replace(day=1)

    @property
    def end(self) -> dt.date:
        return month_end(self.last)

    def __str__(self) -> str:
        return f"{self.first} to {self.last}"


def claim_span(engine: Engine) -> ClaimSpan | None:
    """The span of the loaded claims' service dates; None when no claim is loaded."""
    inputs = engine.inputs()
    firsts, lasts = [], []
    for table in (inputs.medical_claim, inputs.dental_claim):
        row = engine.to_arrow(
            table.aggregate(first=table.service_date.min(), last=table.service_date.max())
        ).to_pylist()[0]
        if row["first"] is not None:
            firsts.append(row["first"])
            lasts.append(row["last"])
    if not firsts:
        return None
    return ClaimSpan(min(firsts), max(lasts))


def outside(span: ClaimSpan | None, start: dt.date, end: dt.date, what: str) -> str | None:
    """A warning when the days ``start`` to ``end`` (what a run reads) are not all inside
    the loaded claims; None when they are. ``what`` names them for the reader."""
    if span is None:
        return f"{what} ({start} to {end}) has no claims to read: none is loaded."
    if start > span.end or end < span.start:
        return (
            f"{what} ({start} to {end}) is outside the loaded claims, which run from\n"
            f"{span}: no service in it is loaded, so its rates are 0% or empty."
        )
    if end > span.end:
        return (
            f"{what} ends on {end}, after the last loaded claim ({span.last}; claims run from "
            f"{span}): services after it are not loaded, so rates are too low and gap lists "
            "too long."
        )
    if start < span.start:
        return (
            f"{what} starts on {start}, before the first loaded claim ({span.first}; claims "
            f"run from {span}): services before it are not loaded."
        )
    return None


def check(engine: Engine, periods: list[tuple[dt.date, dt.date, str]]) -> list[str]:
    """The warnings for each (start, end, what) a command is about to read."""
    span = claim_span(engine)
    found = (outside(span, start, end, what) for start, end, what in periods)
    return [w for w in found if w is not None]


def warn(console: Console, engine: Engine, periods: list[tuple[dt.date, dt.date, str]]) -> None:
    """Print :func:`check`'s warnings, each with the hint of where to look."""
    for warning in check(engine, periods):
        console.print(Text("Warning: ", style="bold yellow") + Text(" ".join(warning.split())))
        console.print("Hint: `wellchild status` shows what is loaded.", markup=False)


def twelve_months_to(day: dt.date) -> tuple[dt.date, dt.date]:
    """The 12 months ending on ``day`` (from the day after ``day`` − 1 year)."""
    return add_years_py(day, -1) + dt.timedelta(days=1), day
