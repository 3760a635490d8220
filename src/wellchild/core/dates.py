"""Birthdays, ages and calendar arithmetic, built from parts so every engine agrees.

Engines disagree about adding a month to 31 January or a year to 29 February, so these
helpers build each date from its year, month and day with ``ibis.date`` and the rules of
docs/measure-rules.md: a child born on 29 February has birthdays on 28 February in common years,
and "6 months after" a day that the target month lacks is that month's last day.

Examples
--------
>>> import datetime as dt, ibis
>>> d = ibis.literal(dt.date(2020, 2, 29))
>>> con = ibis.duckdb.connect()
>>> value = lambda e: con.to_pyarrow(e).as_py()
>>> value(add_years(d, 1)), value(add_months(ibis.literal(dt.date(2023, 8, 31)), 6))
(datetime.date(2021, 2, 28), datetime.date(2024, 2, 29))
>>> [value(age_on(d, ibis.literal(dt.date(2021, 2, day)))) for day in (27, 28)]
[0, 1]
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir


def is_leap(year: ir.IntegerValue) -> ir.BooleanValue:
    """Gregorian leap years."""
    return (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))


def days_in_month(year: ir.IntegerValue, month: ir.IntegerValue) -> ir.IntegerValue:
    """28–31, for any year and month."""
    return ibis.cases(
        (month == 2, ibis.ifelse(is_leap(year), 29, 28)),
        (month.isin([4, 6, 9, 11]), 30),
        else_=31,
    )


def add_years(date: ir.DateValue, years: int) -> ir.DateValue:
    """The same day ``years`` later (or earlier); 29 February becomes 28 February in a
    common year."""
    year = date.year() + years
    day = ibis.ifelse((date.month() == 2) & (date.day() == 29) & ~is_leap(year), 28, date.day())
    return ibis.date(year, date.month(), day)


def add_months(date: ir.DateValue, months: int) -> ir.DateValue:
    """The same day of the month ``months`` (≥ 0) later, or that month's last day when it
    has no such day (31 August + 6 months = 28 or 29 February)."""
    if months < 0:
        raise ValueError("add_months counts forward; use add_years for whole years back")
    total = date.month() - 1 + months
    year = date.year() + total // 12
    month = total % 12 + 1
    day = ibis.least(date.day(), days_in_month(year, month))
    return ibis.date(year, month, day)


def add_days(date: ir.DateValue, days: int) -> ir.DateValue:
    return date + ibis.interval(days=days)


def age_on(birth: ir.DateValue, on: ir.DateValue) -> ir.IntegerValue:
    """Whole years completed on ``on`` (a 29 February child turns a year older on
    28 February in common years)."""
    years = on.year() - birth.year()
    birthday = _birthday_in(birth, on.year())
    return ibis.ifelse(birthday > on, years - 1, years)


def _birthday_in(birth: ir.DateValue, year: ir.IntegerValue) -> ir.DateValue:
    day = ibis.ifelse((birth.month() == 2) & (birth.day() == 29) & ~is_leap(year), 28, birth.day())
    return ibis.date(year, birth.month(), day)


def days_between(later: ir.DateValue, earlier: ir.DateValue) -> ir.IntegerValue:
    """``later − earlier`` in days (0 for the same day)."""
    return later.delta(earlier, unit="day")


def add_years_py(day: dt.date, years: int) -> dt.date:
    """:func:`add_years` for a Python date."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)
