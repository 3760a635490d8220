"""How every rate is rounded for people to read: half away from zero, on the decimal value.

The terminal, the hub's dashboards and the reports must print the same figure for the
same rate, and a rate of exactly 43.65% must read 43.7% everywhere, as a reader rounding
by hand would write it. Python's ``f"{x:.1f}"`` rounds the binary value (43.65 is stored
as 43.6499…, so it gives 43.6) and Django's number formatting cuts digits off (43.69
gives 43.6), so neither is used on rates: both go through :func:`percent` here.

Examples
--------
>>> percent(0.4365)
Decimal('43.7')
>>> percent(0.43649)
Decimal('43.6')
>>> percent(-0.0005, 1)
Decimal('-0.1')
>>> percent(0.5, 0)
Decimal('50')
>>> rounded(2.5), rounded(-2.5), rounded(0.125, 2)
(Decimal('3'), Decimal('-3'), Decimal('0.13'))
>>> percent_text(0.4365), percent_text(None)
('43.7', '–')
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def rounded(value: float, digits: int = 0) -> Decimal:
    """``value`` to ``digits`` decimals, halves away from zero, read as the shortest
    decimal that is the float (so 0.4365 is 0.4365, not 0.43649999…)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)


def percent(value: float, digits: int = 1) -> Decimal:
    """A proportion (0.4365) as a percentage rounded to ``digits`` decimals (43.7)."""
    return (Decimal(repr(float(value))) * 100).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)


def percent_text(value: float | None, digits: int = 1, missing: str = "–") -> str:
    """:func:`percent` as text without the sign, or ``missing`` for no value (or NaN)."""
    if value is None or value != value:
        return missing
    return f"{percent(value, digits):f}"
