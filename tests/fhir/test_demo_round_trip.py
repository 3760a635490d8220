"""The demo's FHIR round trip runs on the sample shipped in the package and shows real
rates and gaps bundles, not zeros."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console

from fhir_runs import deqm_findings
from wellchild.fhir import demo


def test_round_trip_shows_rates_and_gaps(tmp_path: Path) -> None:
    console = Console(record=True, width=200)
    paths = demo._round_trip(tmp_path, console)
    text = console.export_text()
    assert "wcv: 1 of 4 (25.0%)" in text
    assert "enrollment derived from the claims" in text
    assert "4 gaps-in-care bundles" in text
    gaps = sorted(paths["FHIR gaps-in-care bundles"].glob("*.json"))
    assert len(gaps) == 4
    statuses = [
        e["resource"]["modifierExtension"][0]["valueCodeableConcept"]["coding"][0]["code"]
        for path in gaps
        for e in json.loads(path.read_text(encoding="utf-8"))["entry"]
        if e["resource"]["resourceType"] == "DetectedIssue"
    ]
    assert "open-gap" in statuses
    assert "closed-gap" in statuses
    reports = sorted(paths["FHIR MeasureReports"].glob("*.json"))
    assert len(reports) == 10  # the five measures with children to score, twice
    for path in [*gaps, *reports]:
        assert deqm_findings(json.loads(path.read_text(encoding="utf-8"))) == [], path.name
