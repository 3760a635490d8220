"""The measures wellchild computes, each a folder with ``spec.yaml`` and ``measure.py``.

``spec.yaml`` says what the measure is (id, name, steward, the specification version
followed, ages, windows, enrollment rule, value-set concepts) for a clinician to check;
``measure.py`` builds the three named parts from :mod:`wellchild.measures.blocks`.

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
from importlib import resources
from typing import Any

import yaml

from wellchild.errors import WellchildError
from wellchild.measures import ids
from wellchild.measures.blocks import Criterion, Exclusion, Milestone
from wellchild.measures.context import Period

ORDER = ids.ORDER

SPEC_KEYS = (
    "id",
    "name",
    "steward",
    "source",
    "version",
    "ages",
    "window",
    "enrollment",
    "numerator",
    "exclusions",
    "attribution",
    "value_sets",
)


def measurement_year(period: Period) -> tuple[dt.date, dt.date]:
    return period.start, period.end


@dataclass(frozen=True)
class Measure:
    """A measure: its specification and its three parts.

    ``attribution`` is the last day of the measure's window, on which the child's PCP
    assignment names the attributed practice; ``period`` gives the long table's
    ``period_start`` and ``period_end``.
    """

    spec: dict[str, Any]
    denominator: Criterion
    exclusions: Sequence[Exclusion]
    numerator: Criterion
    attribution: Milestone
    period: Callable[[Period], tuple[dt.date, dt.date]] = measurement_year

    @property
    def id(self) -> str:
        return str(self.spec["id"])

    @property
    def version(self) -> str:
        return str(self.spec["version"])

    @property
    def name(self) -> str:
        return str(self.spec["name"])


def load_spec(measure_id: str) -> dict[str, Any]:
    """The ``spec.yaml`` of a measure folder, checked for the keys every spec has."""
    text = resources.files(f"wellchild.measures.{measure_id}").joinpath("spec.yaml").read_text()
    spec: dict[str, Any] = yaml.safe_load(text)
    missing = [k for k in SPEC_KEYS if k not in spec]
    if missing or spec["id"] != measure_id:
        raise ValueError(f"spec.yaml of {measure_id} lacks {missing} or names another id")
    return spec


@cache
def all_measures() -> tuple[Measure, ...]:
    """Every measure, in the order of docs/measure-rules.md."""
    measures = []
    for measure_id in ORDER:
        module = importlib.import_module(f"wellchild.measures.{measure_id}.measure")
        measures.append(module.MEASURE)
    return tuple(measures)


def get(measure_id: str) -> Measure:
    for measure in all_measures():
        if measure.id == measure_id:
            return measure
    raise WellchildError(
        f"There is no measure called {measure_id!r}.",
        hint="The measures are " + ", ".join(ORDER) + ".",
    )


def select(ids: Sequence[str] | None) -> tuple[Measure, ...]:
    """The measures named (all when ``ids`` is empty), in the canonical order."""
    if not ids:
        return all_measures()
    wanted = {get(i).id for i in ids}
    return tuple(m for m in all_measures() if m.id in wanted)
