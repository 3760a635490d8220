"""Every reference case from qicharts2 agrees to 1e-9 on every column the reference gives.

The cases, their R calls and the data are described in tests/data/qicharts2/README.md.
Each reference column is mapped to the column of ours that means the same; a reference
column with no mapping fails the test, so nothing the reference checks goes unchecked.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest

from paths import DATA
from wellchild.qi import QIChart, qi_chart

REFERENCE = DATA / "qicharts2"
TOLERANCE = 1e-9
#: Values are compared relatively (rates here are ~1e-3); exact zeros must stay near zero.
FLOOR = 1e-15


@dataclass(frozen=True)
class Case:
    data: str
    call: dict[str, Any]
    points: bool = True
    summary_file: str | None = None
    facet: bool = False
    options: dict[str, Any] = field(default_factory=dict)


CASES = {
    "pkgref_hai_1": Case(
        "hospital_infections",
        {"x": "month", "y": "n", "n": "days", "chart": "u"},
        points=False,
        summary_file="pkgref_hai_1.csv",
    ),
    "pkgref_hai_2": Case(
        "hospital_infections",
        {"x": "month", "y": "n", "n": "days", "chart": "u", "facet": "infection"},
        points=False,
        summary_file="pkgref_hai_2.csv",
        facet=True,
    ),
    "cdi_run": Case("cdi", {"x": "month", "y": "n"}),
    "cdi_run_freeze24": Case("cdi", {"x": "month", "y": "n", "freeze": 24}),
    "cdi_run_part24": Case("cdi", {"x": "month", "y": "n", "part": [24]}),
    "cdi_c_part24": Case("cdi", {"x": "month", "y": "n", "chart": "c", "part": [24]}),
    "nhs_p": Case("nhs_accidents", {"x": "i", "y": "r", "n": "n", "chart": "p"}),
    "nhs_run_prop": Case("nhs_accidents", {"x": "i", "y": "r", "n": "n"}),
    "edge_on_median_run": Case("edge_cases", {"x": "x", "y": "on_median"}),
    "edge_constant_run": Case("edge_cases", {"x": "x", "y": "constant"}),
    "edge_shift_run": Case("edge_cases", {"x": "x", "y": "shift"}),
}


def _last_of_part(column: str) -> Callable[[pd.DataFrame], pd.Series]:
    """qicharts2's line labels: the line's value at the last point of each part."""

    def derive(points: pd.DataFrame) -> pd.Series:
        last = points.groupby(["facet", "part"], dropna=False)["point"].transform("max")
        return points[column].where(points["point"] == last)

    return derive


def _constant(value: object) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda points: pd.Series([value] * len(points), index=points.index)


POINT_COLUMNS: dict[str, str | Callable[[pd.DataFrame], pd.Series]] = {
    "x": "x",
    "facet2": _constant(1),
    "y.sum": "y_sum",
    "y.length": "y_length",
    "y.mean": "y_mean",
    "y.sd": "y_sd",
    "n": "n",
    "y": "y",
    "cl": "cl",
    "target": "target",
    "notes": "notes",
    "part": "part",
    "xx": "point",
    "baseline": "baseline",
    "include": "include",
    "ucl": "ucl",
    "ucl.95": "ucl_95",
    "lcl": "lcl",
    "lcl.95": "lcl_95",
    "n.obs": "n_obs",
    "n.useful": "n_useful",
    "runs.signal": "runs_signal",
    "longest.run": "longest_run",
    "longest.run.max": "longest_run_max",
    "n.crossings": "n_crossings",
    "n.crossings.min": "n_crossings_min",
    "cl.lab": _last_of_part("cl"),
    "lcl.lab": _last_of_part("lcl"),
    "ucl.lab": _last_of_part("ucl"),
    "target.lab": _last_of_part("target"),
    "sigma.signal": "sigma_signal",
}

SUMMARY_COLUMNS: dict[str, str | Callable[[pd.DataFrame], pd.Series]] = {
    "facet2": _constant(1),
    "part": "part",
    "n.obs": "n_obs",
    "n.useful": "n_useful",
    "longest.run": "longest_run",
    "longest.run.max": "longest_run_max",
    "n.crossings": "n_crossings",
    "n.crossings.min": "n_crossings_min",
    "runs.signal": "runs_signal",
    "aLCL": "average_lcl",
    "aLCL.95": "average_lcl_95",
    "CL": "cl",
    "aUCL.95": "average_ucl_95",
    "aUCL": "average_ucl",
    "sigma.signal": "sigma_signals",
}


def _chart(case: Case) -> QIChart:
    data = pd.read_csv(REFERENCE / "inputs" / f"{case.data}.csv")
    if "month" in data.columns:
        data["month"] = pd.to_datetime(data["month"])
    return qi_chart(data, **case.call)


def _facet_column(case: Case) -> str | Callable[[pd.DataFrame], pd.Series]:
    return "facet" if case.facet else _constant(1)


def _values(table: pd.DataFrame, source: str | Callable[[pd.DataFrame], pd.Series]) -> list[Any]:
    column = table[source] if isinstance(source, str) else source(table)
    if pd.api.types.is_datetime64_any_dtype(column):
        column = column.dt.strftime("%Y-%m-%d")
    return [None if _missing(v) else v for v in column.tolist()]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _agree(ours: object, theirs: object) -> bool:
    if _missing(theirs) or theirs == "":
        return _missing(ours) or ours == ""
    if _missing(ours):
        return False
    if isinstance(theirs, (bool, np.bool_)) or isinstance(ours, (bool, np.bool_)):
        return bool(ours) == bool(theirs)
    if isinstance(theirs, (int, float, np.number)) and isinstance(ours, (int, float, np.number)):
        return abs(float(ours) - float(theirs)) <= max(TOLERANCE * abs(float(theirs)), FLOOR)
    return str(ours) == str(theirs)


def _compare(
    ours: pd.DataFrame,
    reference: pd.DataFrame,
    mapping: dict[str, str | Callable[[pd.DataFrame], pd.Series]],
) -> None:
    assert set(reference.columns) <= set(mapping), (
        f"reference columns with no counterpart: {set(reference.columns) - set(mapping)}"
    )
    assert len(ours) == len(reference)
    for column in reference.columns:
        expected = [None if _missing(v) else v for v in reference[column].tolist()]
        got = _values(ours, mapping[column])
        wrong = [
            (row + 1, g, e)
            for row, (g, e) in enumerate(zip(got, expected, strict=True))
            if not _agree(g, e)
        ]
        assert not wrong, f"column {column}: (row, ours, reference) {wrong[:5]}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_summary_matches_reference(name: str) -> None:
    case = CASES[name]
    file = case.summary_file or f"gen_{name}_summary.csv"
    reference = pd.read_csv(REFERENCE / "expected" / file, keep_default_na=True)
    _compare(_chart(case).parts, reference, {"facet1": _facet_column(case), **SUMMARY_COLUMNS})


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.points))
def test_points_match_reference(name: str) -> None:
    case = CASES[name]
    reference = pd.read_csv(REFERENCE / "expected" / f"gen_{name}_points.csv")
    _compare(_chart(case).points, reference, {"facet1": _facet_column(case), **POINT_COLUMNS})


def test_every_reference_case_is_tested() -> None:
    files = {p.name for p in (REFERENCE / "expected").glob("*.csv")}
    covered = {f"gen_{n}_{k}.csv" for n in CASES for k in ("points", "summary")} | {
        c.summary_file for c in CASES.values() if c.summary_file
    }
    assert files <= covered, f"untested reference files: {sorted(files - covered)}"
