"""The measures wellchild computes, each a folder with ``spec.yaml`` and ``measure.py``.

``spec.yaml`` says what the measure is (id, its place in the order, name, steward, the
specification version followed, ages, windows, enrollment rule, value-set concepts, how
its monthly series is counted) for a clinician to check; ``measure.py`` builds the three
named parts from :mod:`wellchild.measures.blocks`. The folders are found by
:mod:`wellchild.measures.catalogue`: this registry is the one list of measures, and
adding a folder adds a measure.

Examples
--------
>>> [m.id for m in all_measures()][:3]
['w30_1', 'w30_2', 'wcv_6m']
>>> get("w30_1").spec["steward"]
'NCQA'
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from wellchild.errors import WellchildError
from wellchild.measures import catalogue
from wellchild.measures.blocks import Criterion, Exclusion, Milestone
from wellchild.measures.context import Period
from wellchild.measures.windows import MEASUREMENT_YEAR


@dataclass(frozen=True)
class Measure:
    """A measure: its specification and its three parts.

    ``attribution`` is the last day of the measure's window, on which the child's PCP
    assignment names the attributed practice; ``period`` gives the long table's
    ``period_start`` and ``period_end`` (the dates of the measure's
    :class:`~wellchild.measures.windows.PeriodWindow`, the measurement year unless it
    says otherwise).
    """

    spec: dict[str, Any]
    denominator: Criterion
    exclusions: Sequence[Exclusion]
    numerator: Criterion
    attribution: Milestone
    period: Callable[[Period], tuple[dt.date, dt.date]] = MEASUREMENT_YEAR.dates

    @property
    def id(self) -> str:
        return str(self.spec["id"])

    @property
    def version(self) -> str:
        return str(self.spec["version"])

    @property
    def name(self) -> str:
        return str(self.spec["name"])

    @property
    def event_month_series(self) -> bool:
        """Its monthly series counts children by the month of their index visit."""
        return self.spec.get("series") == catalogue.EVENT_MONTH

    @property
    def follow_up_months(self) -> int:
        """How long an event month's children are followed (event-month series only)."""
        return int(self.spec["follow_up_months"])


def load_spec(measure_id: str) -> dict[str, Any]:
    """The ``spec.yaml`` of a measure folder, checked for the keys every spec has."""
    return dict(catalogue.spec(measure_id))


def all_measures() -> tuple[Measure, ...]:
    """Every measure, in the order of docs/measure-rules.md."""
    return _load(catalogue.ids())


@cache
def _load(measure_ids: tuple[str, ...]) -> tuple[Measure, ...]:
    measures = []
    for measure_id in measure_ids:
        module = importlib.import_module(f"wellchild.measures.{measure_id}.measure")
        measures.append(module.MEASURE)
    return tuple(measures)


def get(measure_id: str) -> Measure:
    for measure in all_measures():
        if measure.id == measure_id:
            return measure
    raise WellchildError(
        f"There is no measure called {measure_id!r}.",
        hint="The measures are " + ", ".join(catalogue.ids()) + ".",
    )


def select(ids: Sequence[str] | None) -> tuple[Measure, ...]:
    """The measures named (all when ``ids`` is empty), in the canonical order."""
    if not ids:
        return all_measures()
    wanted = {get(i).id for i in ids}
    return tuple(m for m in all_measures() if m.id in wanted)
