"""The measure folders and their ``spec.yaml``, read as data without loading a measure.

A measure is a folder (a sub-package) of :mod:`wellchild.measures` holding ``spec.yaml``
and ``measure.py``. The folders are found where the package is (every directory of its
``__path__``), so a measure is added by adding its folder and nothing else lists it. A
spec's ``order`` places its measure among the others (the order of
docs/measure-rules.md). ``wellchild --help`` and the hub read the specs here, without
loading a measure (the hub without importing Ibis).

Examples
--------
>>> ids()[:3]
('w30_1', 'w30_2', 'wcv_6m')
>>> spec("w30_1")["steward"]
'NCQA'
>>> [m for m in ids() if spec(m).get("series") == EVENT_MONTH]
['dental_after_pcp']
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from wellchild import measures

SPEC = "spec.yaml"
SPEC_KEYS = (
    "id",
    "order",
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
# A spec's ``series``: how its monthly QI series is counted. ``rolling`` (the default) is
# the measure over the 12 months ending each month; ``event_month`` counts the children
# by the month of their index visit, each followed ``follow_up_months`` months.
ROLLING = "rolling"
EVENT_MONTH = "event_month"


def folders() -> dict[str, Path]:
    """Every measure folder (a directory of the package with a ``spec.yaml``) by name."""
    found: dict[str, Path] = {}
    for root in measures.__path__:
        for folder in sorted(Path(root).iterdir()):
            if (folder / SPEC).is_file() and (folder / "__init__.py").is_file():
                found.setdefault(folder.name, folder)
    return found


def read_spec(folder: Path) -> dict[str, Any]:
    """A folder's ``spec.yaml``, checked for the keys every spec has."""
    spec: dict[str, Any] = yaml.safe_load((folder / SPEC).read_text(encoding="utf-8"))
    missing = [k for k in SPEC_KEYS if k not in spec]
    if missing or spec["id"] != folder.name:
        raise ValueError(f"{folder / SPEC} lacks {missing} or names another id than {folder.name}")
    if spec.get("series", ROLLING) not in (ROLLING, EVENT_MONTH):
        raise ValueError(f"{folder / SPEC}: series is {ROLLING} or {EVENT_MONTH}")
    if spec.get("series") == EVENT_MONTH and "follow_up_months" not in spec:
        raise ValueError(f"{folder / SPEC}: an {EVENT_MONTH} series needs follow_up_months")
    return spec


@cache
def specs() -> dict[str, dict[str, Any]]:
    """Every measure's spec, by id, in the measures' order."""
    found = [read_spec(folder) for folder in folders().values()]
    found.sort(key=lambda s: (s["order"], s["id"]))
    return {s["id"]: s for s in found}


def ids() -> tuple[str, ...]:
    """The measure ids in their order."""
    return tuple(specs())


def spec(measure_id: str) -> dict[str, Any]:
    """The spec of one measure (``KeyError`` for an id no folder has)."""
    return specs()[measure_id]


def refresh() -> None:
    """Read the folders again (after a folder was added to the package's path)."""
    specs.cache_clear()
