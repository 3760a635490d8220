"""Run and control charts of the stored (suppressed) monthly series, drawn on the server.

A month whose numerator or denominator is suppressed is left off the chart, so its
lines come only from the counts a visitor can read in the table beside it. The SVG is
rendered by :mod:`wellchild.qi.render` (vl-convert; no script reaches the browser) and
kept in the hub's cache, keyed by everything that draws it; the limits and signals behind
it are computed once per published series (:func:`compute`, :func:`prepare`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from django.core.cache import cache, caches
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wellchild.hub.data import dashboards
from wellchild.hub.data.models import Run, RunMeasure, Scope, SeriesPoint
from wellchild.qi import describe, qi_chart
from wellchild.qi.render import NO_SIGNAL, point_signals, to_svg

CHART = "pp"  # Laney's p′ chart: proportions with the large denominators of a population
CACHE_SECONDS = 7 * 24 * 3600
# d3's month names for the axis, by interface language (English is d3's own)
TIME_LOCALES = {"es": "es-ES"}
_DECIMAL = re.compile(r"(\d)\.(\d)")


@dataclass(frozen=True)
class Series:
    """The months of one scope: every stored month, and those that can be charted."""

    points: list[SeriesPoint]
    title: str
    target: float | None = None
    annotations: tuple[tuple[dt.date, str], ...] = ()

    @property
    def shown(self) -> list[SeriesPoint]:
        return [p for p in self.points if p.numerator is not None and p.denominator]

    @property
    def hidden_months(self) -> int:
        return len(self.points) - len(self.shown)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "Month": [p.month for p in self.shown],
                "Met": [p.numerator for p in self.shown],
                "Children": [p.denominator for p in self.shown],
            }
        )

    @property
    def chartable(self) -> bool:
        return len(self.shown) >= 2

    def data_key(self) -> str:
        """What the limits and signals depend on: the counts, the target and the notes."""
        text = repr(
            (
                [(p.pk, p.month, p.numerator, p.denominator) for p in self.points],
                self.target,
                self.annotations,
            )
        )
        return "data-chart-data-" + hashlib.sha256(text.encode()).hexdigest()

    def key(self) -> str:
        """What the drawn chart depends on: its data, its title and the language."""
        text = repr((self.data_key(), self.title, get_language()))
        return "data-chart-" + hashlib.sha256(text.encode()).hexdigest()


def series(
    measure: RunMeasure,
    scope: str,
    key: str,
    *,
    title: str,
    target: float | None = None,
    annotations: Sequence[tuple[dt.date, str]] = (),
) -> Series:
    points = list(measure.points.filter(scope=scope, key=key).order_by("month"))
    return Series(points=points, title=title, target=target, annotations=tuple(annotations))


def compute(data: Series) -> object:
    """The :class:`~wellchild.qi.chart.QIChart` of a series (needs two or more months).

    The limits and signals are worked out once per published series and kept in the
    shared cache (publishing builds those of every measure's chart of all children; a
    county's on its first view); only the title, in the reader's language, is set here.
    """
    shared = caches["shared"]
    key = data.data_key()
    result = shared.get(key)
    if result is None:
        result = qi_chart(
            data.frame(),
            x="Month",
            y="Met",
            n="Children",
            chart=CHART,
            target=data.target,
            annotations=[(when.isoformat(), text) for when, text in data.annotations],
            title="",
        )
        shared.set(key, result, CACHE_SECONDS)
    return dataclasses.replace(
        result, title=data.title, x_name=str(_("Month")), y_name=str(_("Met / Children"))
    )


def rows(data: Series) -> list[dict[str, object]]:
    """The chart's table: each stored month, its counts, rate, lines and signals."""
    by_month: dict[dt.date, dict[str, object]] = {}
    if data.chartable:
        result = compute(data)
        points = result.points  # type: ignore[attr-defined]
        signals = point_signals(result, _)  # type: ignore[arg-type]
        no_signal = _(NO_SIGNAL)
        for index, point in points.iterrows():
            month = pd.Timestamp(point["x"]).date()
            by_month[month] = {
                "centre": _num(point["cl"]),
                "lower": _num(point["lcl"]),
                "upper": _num(point["ucl"]),
                "signal": "" if signals[index] == no_signal else signals[index],
                "note": point["notes"] or "",
            }
    else:
        for month, note in _notes_by_month(data).items():
            by_month[month] = {
                "centre": None,
                "lower": None,
                "upper": None,
                "signal": "",
                "note": note,
            }
    out = []
    for p in data.points:
        rate = p.numerator / p.denominator if p.numerator is not None and p.denominator else None
        out.append(
            {
                "month": p.month,
                "window_start": p.window_start,
                "window_end": p.window_end,
                "denominator": p.denominator,
                "numerator": p.numerator,
                "rate": rate,
                **by_month.get(
                    p.month,
                    {"centre": None, "lower": None, "upper": None, "signal": "", "note": ""},
                ),
            }
        )
    return out


def _notes_by_month(data: Series) -> dict[dt.date, str]:
    """Each note at the last month on or before its date (the first month if earlier), as
    :func:`wellchild.qi.qi_chart` places them."""
    months = [p.month for p in data.points]
    notes: dict[dt.date, str] = {}
    for when, text in data.annotations:
        before = [m for m in months if m <= when]
        if not months:
            break
        month = before[-1] if before else months[0]
        notes[month] = f"{notes[month]} | {text}" if month in notes else text
    return notes


def summary(data: Series) -> list[str]:
    """The chart in words (which rules fired where), one line per list item beside it;
    the signals' own dashes, there for a terminal, are left to the list."""
    if not data.chartable:
        return []
    text = str(describe(compute(data), translate=_))  # type: ignore[arg-type]
    if get_format("DECIMAL_SEPARATOR") != ".":  # 75.75% reads 75,75% in Spanish
        text = _DECIMAL.sub(rf"\1{get_format('DECIMAL_SEPARATOR')}\2", text)
    return [line.removeprefix("- ") for line in text.splitlines() if line.strip()]


def svg(data: Series) -> str:
    """The chart as SVG, from the cache when it was drawn before."""
    cached = cache.get(data.key())
    if cached is not None:
        return str(cached)
    drawn = to_svg(
        compute(data),  # type: ignore[arg-type]
        translate=_,
        time_format_locale=TIME_LOCALES.get(get_language() or ""),
    )
    cache.set(data.key(), drawn, CACHE_SECONDS)
    return drawn


def _num(value: object) -> float | None:
    return None if value is None or value != value else float(str(value))


def prepare(run: Run) -> None:
    """Work out the chart of all children of every measure of a just-published run, so
    that no visitor's request computes one (a receiver of ``run_published``)."""
    for measure in run.measures.all():
        target = dashboards.total(measure).get("target_rate")
        data = series(measure, Scope.ALL, "", title="", target=target)
        if data.chartable:
            compute(data)
