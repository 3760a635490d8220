"""Every resource ``export fhir`` writes conforms to the DEQM 5.0.0 (US) and 1.0.0 (UV)
profiles: their cardinalities, required elements, fixed and pattern values and FHIRPath
invariants; and each kind of defect the profiles or DEQM's document rules forbid is
caught."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fhir_runs import DEQM, Row, deqm_findings, write_run
from fhir_runs import checker as deqm_checker
from wellchild.fhir.export import export

_findings = deqm_findings
GENERATED = "2025-01-05T00:00:00+00:00"
Resource = dict[str, Any]


def _run(folder: Path) -> Path:
    rows: list[Row] = [
        ("M1", True, False, True, dt.date(2024, 3, 1), "99393", "Organization/P1"),
        ("M2", True, False, False, None, None, "Organization/P1"),
        ("M3", True, True, False, None, None, "Organization/P1"),
        ("M4", False, False, False, None, None, None),
        ("M5", True, False, True, dt.date(2024, 5, 2), "Z00129", None),
    ]
    return write_run(folder, "wcv", rows)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("deqm")
    counts = export(_run(tmp / "run"), tmp / "out", generated=GENERATED)
    assert counts == {
        "summary": 2,
        "subject-list": 2,
        "gaps": 3,
        "open": 1,
        "unscored": 0,
        "children": 4,
    }
    return tmp / "out"


def _load(path: Path) -> Resource:
    loaded: Resource = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_the_checker_passes_the_guides_own_examples() -> None:
    checker = deqm_checker()
    bundle = _load(DEQM / "us-5.0.0" / "Bundle-single-gaps-open-indv-report01.json")
    us = [p for p in checker.profiles if p.url.startswith("http://hl7.org/fhir/us/")]
    for entry in [{"resource": bundle}, *bundle["entry"]]:
        resource = entry["resource"]
        for profile in us:
            if profile.url in resource.get("meta", {}).get("profile", []):
                assert checker.check(resource, profile) == []


def test_every_exported_resource_conforms(exported: Path) -> None:
    files = sorted(exported.rglob("*.json"))
    assert len(files) == 7
    for path in files:
        assert _findings(_load(path)) == [], path.name


def test_populations_count_as_fhir_expects(exported: Path) -> None:
    summary = _load(exported / "measure-reports" / "wcv-Organization-P1-summary.json")
    group = summary["group"][0]
    counts = {p["code"]["coding"][0]["code"]: p["count"] for p in group["population"]}
    # M1, M2, M3 are eligible; M3 is excluded; M1 met: the score is 1 of (3 - 1).
    assert counts == {
        "initial-population": 3, "denominator": 3, "denominator-exclusion": 1, "numerator": 1
    }  # fmt: skip
    assert group["measureScore"] == {"value": 0.5}
    assert summary["reporter"] == {"reference": "#reporter"}
    assert summary["contained"][0]["identifier"][0]["value"] == "Organization/P1"


def test_a_closed_gap_names_its_evidence(exported: Path) -> None:
    bundle = _load(exported / "gaps" / "M5.json")
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    report = next(r for r in by_url.values() if r["resourceType"] == "MeasureReport")
    (evidence,) = report["evaluatedResource"]
    encounter = by_url[evidence["reference"]]
    assert encounter["period"]["start"] == "2024-05-02"
    assert encounter["reasonCode"][0]["coding"][0]["code"] == "Z00129"
    assert by_url[report["reporter"]["reference"]]["resourceType"] == "Organization"


def _first(bundle: Resource, kind: str) -> Resource:
    return next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind)


def _drop(key: str, kind: str = "MeasureReport") -> Callable[[Resource], None]:
    def change(bundle: Resource) -> None:
        del _first(bundle, kind)[key]

    return change


def _summary_subject_results(report: Resource) -> None:
    report["group"][0]["population"][0]["subjectResults"] = {"reference": "#x"}


def _score_above_one(report: Resource) -> None:
    report["group"][0]["measureScore"] = {"value": 1.5}


def _no_scoring(report: Resource) -> None:
    report["extension"] = []


def _wrong_type(report: Resource) -> None:
    report["type"] = "individual"


def _no_exclusion(bundle: Resource) -> None:
    group = _first(bundle, "MeasureReport")["group"][0]
    group["population"] = [
        p for p in group["population"] if p["code"]["coding"][0]["code"] != "denominator-exclusion"
    ]


def _display_author(bundle: Resource) -> None:
    _first(bundle, "Composition")["author"] = [{"display": "wellchild"}]


def _old_full_urls(bundle: Resource) -> None:
    for entry in bundle["entry"]:
        r = entry["resource"]
        entry["fullUrl"] = f"urn:wellchild:{r['resourceType']}/{r['id']}"


def _evidence_as_text(bundle: Resource) -> None:
    del _first(bundle, "MeasureReport")["evaluatedResource"]


def _no_gap_status(bundle: Resource) -> None:
    _first(bundle, "DetectedIssue")["modifierExtension"] = []


def _composition_type(bundle: Resource) -> None:
    _first(bundle, "Composition")["type"] = {
        "coding": [{"system": "http://loinc.org", "code": "1"}]
    }


def _dangling(bundle: Resource) -> None:
    _first(bundle, "DetectedIssue")["patient"] = {"reference": "urn:uuid:not-in-this-bundle"}


def _no_subject(bundle: Resource) -> None:
    del _first(bundle, "Composition")["subject"]


SUMMARY_DEFECTS = {
    "no reporter": ("MeasureReport.reporter", lambda r: r.pop("reporter")),
    "no date": ("MeasureReport.date", lambda r: r.pop("date")),
    "no improvementNotation": ("deqm-2", lambda r: r.pop("improvementNotation")),
    "no scoring": ("deqm-3", _no_scoring),
    "score above 1": ("deqm-6", _score_above_one),
    "subjectResults in a summary": ("subjectResults", _summary_subject_results),
    "type not fixed value": ("MeasureReport.type", _wrong_type),
    "measure without version": ("deqm-0", lambda r: r.update(measure="urn:wellchild:wcv")),
}
BUNDLE_DEFECTS = {
    "individual report without reporter": ("MeasureReport.reporter", _drop("reporter")),
    "individual report without date": ("MeasureReport.date", _drop("date")),
    "no denominator-exclusion population": ("MeasureReport.group.population", _no_exclusion),
    "author only a display": ("Composition.author", _display_author),
    "fullUrls not urn:uuid": ("Bundle.entry.fullUrl", _old_full_urls),
    "closed gap without evidence": ("MeasureReport.evaluatedResource", _evidence_as_text),
    "no gap status": ("DetectedIssue.modifierExtension:gapStatus", _no_gap_status),
    "composition type": ("Composition.type", _composition_type),
    "composition without subject": ("Composition.subject", _no_subject),
    "reference to no entry": ("resolves to no entry", _dangling),
    "bundle without timestamp": ("Bundle.timestamp", _drop("timestamp", "Bundle")),
}


@pytest.mark.parametrize("defect", sorted(SUMMARY_DEFECTS))
def test_each_report_defect_is_caught(exported: Path, defect: str) -> None:
    where, change = SUMMARY_DEFECTS[defect]
    report = copy.deepcopy(_load(exported / "measure-reports" / "wcv-Organization-P1-summary.json"))
    change(report)
    found = _findings(report)
    assert any(where in f.path or where in f.message for f in found), found


@pytest.mark.parametrize("defect", sorted(BUNDLE_DEFECTS))
def test_each_bundle_defect_is_caught(exported: Path, defect: str) -> None:
    where, change = BUNDLE_DEFECTS[defect]
    bundle = copy.deepcopy(_load(exported / "gaps" / "M1.json"))
    if where == "Bundle.timestamp":
        del bundle["timestamp"]
    else:
        change(bundle)
    found = _findings(bundle)
    assert any(where in f.path or where in f.message for f in found), found
