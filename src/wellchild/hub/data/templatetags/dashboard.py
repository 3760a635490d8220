"""How the dashboards write numbers: counts, rates, intervals, differences, progress.

Rates are rounded by :mod:`wellchild.rounding`, as the command line rounds them, so the
dashboard and ``wellchild measure`` print the same figure.

A suppressed count is written as the word, never as a blank a reader could misread as 0.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from wellchild.rounding import percent

register = template.Library()


@register.filter
def count(value: int | None) -> SafeString:
    if value is None:
        return format_html('<span class="suppressed">{}</span>', _("suppressed"))
    return format_html(
        '<data class="count" value="{}">{}</data>', value, number_format(value, force_grouping=True)
    )


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{number_format(percent(value, digits), decimal_pos=digits)}%"


@register.filter
def interval(row: dict[str, float | None]) -> str:
    low, high = row.get("ci_low"), row.get("ci_high")
    if low is None or high is None:
        return "—"
    low_text = number_format(percent(low), decimal_pos=1)
    return f"{low_text}–{number_format(percent(high), decimal_pos=1)}%"


@register.filter
def points(value: float | None) -> str:
    """A difference of two rates, in percentage points, signed."""
    if value is None:
        return "—"
    shown = number_format(percent(abs(value)), decimal_pos=1)
    sign = "−" if value < -0.0005 else ("+" if value > 0.0005 else "±")
    return _("%(sign)s%(value)s points") % {"sign": sign, "value": shown}


@register.filter
def ratio(value: float | None) -> str:
    return "—" if value is None else number_format(value, decimal_pos=2)


@register.filter
def share(value: float | None) -> str:
    """A change as a signed percentage (−12%)."""
    if value is None:
        return "—"
    sign = "−" if value < 0 else "+"
    return f"{sign}{number_format(percent(abs(value), 0), decimal_pos=0)}%"


@register.filter
def bar(value: float | None) -> int:
    """Progress (0 = baseline, 1 = target) as 0–100 for a <progress> bar."""
    if value is None:
        return 0
    return max(0, min(100, round(value * 100)))


@register.filter
def month(value: dt.date) -> str:
    return date_format(value, "M Y")


WIDTH = 160


@register.simple_tag
def interval_mark(row: dict[str, float | None], reference: float | None = None) -> SafeString:
    """A row's rate as a dot on its 95% interval, on a 0–100% scale, with the reference
    group's rate as a dashed rule; decoration beside the numbers, so hidden from screen
    readers (the cells next to it say the same)."""
    rate, low, high = row.get("rate"), row.get("ci_low"), row.get("ci_high")
    if rate is None:
        return SafeString("")

    def x(value: float) -> str:
        return f"{4 + value * (WIDTH - 8):.1f}"

    parts = [
        f'<line x1="4" x2="{WIDTH - 4}" y1="8" y2="8" stroke="#c5d3e0" stroke-width="1"/>',
    ]
    if reference is not None:
        parts.append(
            f'<line x1="{x(reference)}" x2="{x(reference)}" y1="1" y2="15" stroke="#a4161a" '
            'stroke-width="1" stroke-dasharray="2 2"/>'
        )
    if low is not None and high is not None:
        parts.append(
            f'<line x1="{x(low)}" x2="{x(high)}" y1="8" y2="8" stroke="#0b57a4" stroke-width="3"/>'
        )
    parts.append(f'<circle cx="{x(rate)}" cy="8" r="4" fill="#073d74"/>')
    svg = (
        f'<svg class="mark" width="{WIDTH}" height="16" viewBox="0 0 {WIDTH} 16" '
        f'aria-hidden="true" focusable="false">{"".join(parts)}</svg>'
    )
    return SafeString(svg)
