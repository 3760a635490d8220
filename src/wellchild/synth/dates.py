"""Dates as whole days since 1970-01-01, and the history window of a synthetic population.

The generator keeps every date as an ``int64`` day number so that a million children's
birthdays, spans and visits are plain numpy arithmetic; only the writer turns them into
Arrow ``date32`` values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

Days = npt.NDArray[np.int64]
EPOCH = dt.date(1970, 1, 1)
HISTORY_YEARS = 4  # claims and enrollment start on 1 January of year - 4


def day_number(date: dt.date) -> int:
    """Days since 1970-01-01."""
    return (date - EPOCH).days


def to_date(day: int) -> dt.date:
    """The date of a day number."""
    return EPOCH + dt.timedelta(days=int(day))


# Lookup tables from 1900 to 2199: calendar arithmetic on millions of dates becomes
# plain indexing.
_FIRST_YEAR, _LAST_YEAR = 1900, 2200
_MONTHS = np.arange(
    np.datetime64(f"{_FIRST_YEAR}-01", "M"), np.datetime64(f"{_LAST_YEAR}-01", "M") + 1
)
_MONTH_START: Days = _MONTHS.astype("datetime64[D]").astype(np.int64)
_DAY0 = int(_MONTH_START[0])
_ALL_DAYS = np.arange(_MONTH_START[0], _MONTH_START[-1])
_MONTH_OF_DAY = np.searchsorted(_MONTH_START, _ALL_DAYS, side="right") - 1
_DAY_OF_MONTH = (_ALL_DAYS - _MONTH_START[_MONTH_OF_DAY] + 1).astype(np.int64)
_MONTH_INDEX0 = (_FIRST_YEAR - 1970) * 12  # month index (months since 1970-01) of row 0


def year_month_day(days: Days) -> tuple[Days, Days, Days]:
    """Calendar year, month (1-12) and day of month of each day number."""
    row = np.asarray(days, dtype=np.int64) - _DAY0
    if len(row) and (row.min() < 0 or row.max() >= len(_ALL_DAYS)):
        raise ValueError(f"dates must lie between {_FIRST_YEAR} and {_LAST_YEAR - 1}")
    months = _MONTH_OF_DAY[row] + _MONTH_INDEX0
    return months // 12 + 1970, months % 12 + 1, _DAY_OF_MONTH[row]


def _month_start(index: Days) -> Days:
    """First day of each month, given as months since January 1970."""
    return _MONTH_START[np.asarray(index) - _MONTH_INDEX0]


def add_months(days: Days, months: int | Days) -> Days:
    """The same day of the month ``months`` later, or that month's last day.

    This is the 6-month birthday of docs/measure-rules.md and, with 12 months per year, the
    birthday rule: a child born on 29 February has birthdays on 28 February in common
    years.

    Examples
    --------
    >>> import numpy as np
    >>> d = np.array([day_number(dt.date(2020, 2, 29)), day_number(dt.date(2023, 8, 31))])
    >>> [str(to_date(x)) for x in add_months(d, 12)]
    ['2021-02-28', '2024-08-31']
    >>> [str(to_date(x)) for x in add_months(d, 6)]
    ['2020-08-29', '2024-02-29']
    """
    year, month, day = year_month_day(days)
    index = (year - 1970) * 12 + (month - 1) + months
    first = _month_start(index)
    out: Days = first + np.minimum(day, _month_start(index + 1) - first) - 1
    return out


def anniversaries(days: Days, months: Days) -> Days:
    """An ``(n, k)`` matrix: each day ``months[j]`` months later (as :func:`add_months`).

    Examples
    --------
    >>> d = np.array([day_number(dt.date(2020, 2, 29))])
    >>> [str(to_date(x)) for x in anniversaries(d, np.array([0, 12, 48]))[0]]
    ['2020-02-29', '2021-02-28', '2024-02-29']
    """
    year, month, day = year_month_day(days)
    index = ((year - 1970) * 12 + (month - 1))[:, None] + np.asarray(months)[None, :]
    first = _month_start(index)
    out: Days = first + np.minimum(day[:, None], _month_start(index + 1) - first) - 1
    return out


def add_years(days: Days, years: int | Days) -> Days:
    """Birthdays: the same date ``years`` later, 29 February becoming 28 February."""
    return add_months(days, np.asarray(years, dtype=np.int64) * 12)


def age_years(birth: Days, on: Days) -> Days:
    """Whole years completed on ``on`` (birthdays as in :func:`add_years`).

    Examples
    --------
    >>> b = np.array([day_number(dt.date(2020, 2, 29))] * 2)
    >>> age_years(b, np.array([day_number(dt.date(2021, 2, 27)), day_number(dt.date(2021, 2, 28))]))
    array([0, 1])
    """
    by, bm, bd = year_month_day(birth)
    oy, om, od = year_month_day(on)
    leap = (oy % 4 == 0) & ((oy % 100 != 0) | (oy % 400 == 0))
    bd = np.where((bm == 2) & (bd == 29) & ~leap, 28, bd)
    before = (om < bm) | ((om == bm) & (od < bd))
    out: Days = oy - by - before.astype(np.int64)
    return out


@dataclass(frozen=True)
class Window:
    """The history of a synthetic population: 1 January of ``year - 4`` to 31 December
    of ``year``, so every measure has its whole look-back in ``year`` and ``year - 1``.

    Examples
    --------
    >>> w = Window(2024)
    >>> str(to_date(w.first)), str(to_date(w.last)), w.n_months
    ('2020-01-01', '2024-12-31', 60)
    """

    year: int

    @property
    def first(self) -> int:
        return day_number(dt.date(self.year - HISTORY_YEARS, 1, 1))

    @property
    def last(self) -> int:
        return day_number(dt.date(self.year, 12, 31))

    @property
    def n_months(self) -> int:
        return 12 * (HISTORY_YEARS + 1)

    @cached_property
    def month_starts(self) -> Days:
        """First day of each month of the window, plus the day after the window."""
        start = np.datetime64(f"{self.year - HISTORY_YEARS}-01", "M")
        months = start + np.arange(self.n_months + 1)
        return months.astype("datetime64[D]").astype(np.int64)

    def month_of(self, days: Days) -> Days:
        """Index (0 = January of ``year - 4``) of the month holding each day; days outside
        the window get indices below 0 or from ``n_months`` on."""
        first = (self.year - HISTORY_YEARS - 1970) * 12 - _MONTH_INDEX0
        row = np.clip(np.asarray(days, dtype=np.int64) - _DAY0, 0, len(_ALL_DAYS) - 1)
        return _MONTH_OF_DAY[row] - first

    def year_starts(self) -> Days:
        """1 January of each year of the window, plus 1 January after it."""
        return self.month_starts[::12]
