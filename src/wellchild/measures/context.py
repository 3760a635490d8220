"""What a measure run is evaluated against: the input tables, the period and settings.

A :class:`Context` holds the engine's :class:`~wellchild.engines.base.Inputs` (Ibis
tables, from any engine), the :class:`Period` (measurement
year, as-of date, programme start) and the :class:`Settings` of docs/measure-rules.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import ibis.expr.types as ir

from wellchild import config
from wellchild.engines.base import Inputs


@dataclass(frozen=True)
class Period:
    """The measurement period and the two dates the pilot's measures hang on.

    The period is a calendar year unless a run asks for another 12-month window (the
    monthly QI series roll a year-long window forward month by month).

    Examples
    --------
    >>> p = Period.for_year(2024)
    >>> [str(d) for d in (p.start, p.end, p.as_of, p.program_start)]
    ['2024-01-01', '2024-12-31', '2024-12-31', '2024-01-01']
    """

    start: dt.date
    end: dt.date
    as_of: dt.date
    program_start: dt.date

    @classmethod
    def for_year(
        cls, year: int, as_of: dt.date | None = None, program_start: dt.date | None = None
    ) -> Period:
        return cls(
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
            as_of=as_of or dt.date(year, 12, 31),
            program_start=program_start or dt.date(year, 1, 1),
        )

    @property
    def year(self) -> int:
        return self.end.year


@dataclass(frozen=True)
class Settings:
    """The options docs/measure-rules.md names; defaults follow the measure specifications."""

    telehealth: bool = True
    visit_spacing_days: int = 0

    @classmethod
    def from_config(cls) -> Settings:
        return cls(
            telehealth=config.get("telehealth"), visit_spacing_days=config.get("visit_spacing_days")
        )


@dataclass
class Context:
    """Inputs, period and settings, and how the engine materialises a table used
    several times (``cache``)."""

    inputs: Inputs
    period: Period
    settings: Settings = field(default_factory=Settings)
    cache: Callable[[ir.Table], ir.Table] = lambda t: t
