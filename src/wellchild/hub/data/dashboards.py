"""What the dashboards read: the rows of their tables, from runs the viewer may see
(:mod:`wellchild.hub.data.access`). Every table a page shows comes from here, so its CSV
download is the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from wellchild.hub.data import access, labels
from wellchild.hub.data.models import Rate, Run, RunMeasure


def totals(run: Run) -> list[dict[str, Any]]:
    """One row per measure: the total's rate, interval, aim and progress."""
    out = []
    for rate in Rate.objects.filter(measure__run=run, dimension="total").select_related("measure"):
        out.append({"measure": rate.measure, **_row(rate)})
    return out


def strata(measure: RunMeasure) -> list[dict[str, Any]]:
    """The public strata, each with its groups' rows, in the summary's order."""
    rows = measure.rates.filter(dimension__in=labels.PUBLIC_DIMENSIONS)
    by_dimension: dict[str, list[dict[str, Any]]] = {}
    for rate in rows:
        by_dimension.setdefault(rate.dimension, []).append(_row(rate))
    if "age_band" in by_dimension:  # the summary lists them as text sorts ("12–17" before "3–5")
        by_dimension["age_band"].sort(key=lambda row: _youngest_age(row["group"]))
    return [
        {
            "dimension": d,
            "name": labels.dimension_name(d),
            "rows": by_dimension[d],
            "reference": next(
                (r["reference_name"] for r in by_dimension[d] if r["reference_name"]), ""
            ),
            "reference_rate": next((r["rate"] for r in by_dimension[d] if r["is_reference"]), None),
        }
        for d in labels.PUBLIC_DIMENSIONS
        if d in by_dimension
    ]


def _youngest_age(band: str) -> tuple[int, str]:
    """Where an age band starts ("under 1" → 0, "3–5" → 3); bands it cannot read go last."""
    if band.startswith("under"):
        return 0, band
    found = re.match(r"\s*(\d+)", band)
    return (int(found.group(1)), band) if found else (10_000, band)


def total(measure: RunMeasure) -> dict[str, Any]:
    rate = measure.rates.filter(dimension="total").first()
    return _row(rate) if rate is not None else {}


def years(user: Any, measure: RunMeasure) -> list[dict[str, Any]]:
    """The measure's total in every run the viewer may see, oldest first."""
    rates = (
        Rate.objects.filter(
            dimension="total",
            measure__measure_id=measure.measure_id,
            measure__run__in=access.visible_runs(user),
        )
        .select_related("measure__run")
        .order_by("measure__period_end", "measure__run__published_at")
    )
    return [{"run": r.measure.run, "measure": r.measure, **_row(r)} for r in rates]


def group_rate(run: Run, measure_id: str, dimension: str, group: str) -> dict[str, Any]:
    rate = Rate.objects.filter(
        measure__run=run, measure__measure_id=measure_id, dimension=dimension, group=group
    ).first()
    return _row(rate) if rate is not None else {}


def _row(rate: Rate) -> dict[str, Any]:
    return {
        "dimension": rate.dimension,
        "group": rate.group,
        "name": labels.group_name(rate.dimension, rate.group),
        "denominator": rate.denominator,
        "numerator": rate.numerator,
        "rate": rate.rate,
        "ci_low": rate.ci_low,
        "ci_high": rate.ci_high,
        "small_denominator": rate.small_denominator,
        "suppressed": rate.suppressed,
        "reference_group": rate.reference_group,
        "reference_name": labels.group_name(rate.dimension, rate.reference_group)
        if rate.reference_group
        else "",
        "is_reference": bool(rate.reference_group) and rate.reference_group == rate.group,
        "difference": rate.difference,
        "ratio": rate.ratio,
        "baseline_rate": rate.baseline_rate,
        "target_rate": rate.target_rate,
        "progress": rate.progress,
        "baseline_difference": rate.baseline_difference,
        "disparity_change": rate.disparity_change,
        "disparity_aim_met": rate.disparity_aim_met,
    }


CSV_COLUMNS = (
    "dimension",
    "group",
    "denominator",
    "numerator",
    "rate",
    "ci_low",
    "ci_high",
    "small_denominator",
    "suppressed",
    "reference_group",
    "difference",
    "ratio",
    "baseline_rate",
    "target_rate",
    "progress",
    "baseline_difference",
    "disparity_change",
    "disparity_aim_met",
)


def csv_rows(rows: Iterable[dict[str, Any]], columns: Iterable[str]) -> list[list[Any]]:
    return [["" if row.get(c) is None else row.get(c) for c in columns] for row in rows]
