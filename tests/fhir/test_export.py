"""MeasureReports and DEQM gaps bundles validate and are wired like the DEQM examples."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from fhir_runs import Row, write_run
from paths import DATA
from wellchild.fhir.export import export, validate


def _run(folder: Path) -> Path:
    rows: list[Row] = [
        ("M1", True, False, True, dt.date(2024, 3, 1), "D0145", "Organization/P1"),
        ("M2", True, False, False, None, None, "Organization/P1"),
        ("M3", True, True, False, None, None, "Organization/P1"),
        ("M4", False, False, False, None, None, None),
    ]
    return write_run(folder, "oev", rows)


def _load(path: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_reports_count_the_populations(tmp_path: Path) -> None:
    counts = export(_run(tmp_path / "run"), tmp_path / "out", generated="2025-01-05T00:00:00Z")
    assert counts == {
        "summary": 1, "subject-list": 1, "gaps": 2, "open": 1, "unscored": 1, "children": 3
    }  # fmt: skip
    summary = _load(tmp_path / "out/measure-reports/oev-Organization-P1-summary.json")
    group = summary["group"][0]  # type: ignore[index]
    assert [p["count"] for p in group["population"]] == [3, 3, 1, 1]
    assert group["measureScore"] == {"value": 0.5}
    listed = _load(tmp_path / "out/measure-reports/oev-Organization-P1-subject-list.json")
    lists = {
        c["id"]: [e["item"]["reference"] for e in c.get("entry", [])]
        for c in listed["contained"]  # type: ignore[attr-defined]
        if c["resourceType"] == "List"
    }
    assert lists["numerator"] == ["Patient/M1"]
    assert lists["denominator"] == ["Patient/M1", "Patient/M2", "Patient/M3"]
    assert lists["denominator-exclusion"] == ["Patient/M3"]


def test_gaps_bundle_has_the_deqm_shape(tmp_path: Path) -> None:
    export(_run(tmp_path / "run"), tmp_path / "out", generated="2025-01-05T00:00:00Z")
    ours = _load(tmp_path / "out/gaps/M2.json")
    theirs = _load(DATA / "fhir/deqm/us-5.0.0/Bundle-single-gaps-open-indv-report01.json")
    validate(theirs)
    kinds = [e["resource"]["resourceType"] for e in ours["entry"]]  # type: ignore[attr-defined]
    assert kinds == ["Composition", "MeasureReport", "DetectedIssue", "Patient", "Organization"]
    assert ours["type"] == theirs["type"] == "document"
    assert theirs["meta"]["profile"][0] in ours["meta"]["profile"]  # type: ignore[index]

    def issue(bundle: dict[str, object]) -> dict[str, object]:
        return next(
            e["resource"]
            for e in bundle["entry"]  # type: ignore[attr-defined]
            if e["resource"]["resourceType"] == "DetectedIssue"
        )

    ours_issue, theirs_issue = issue(ours), issue(theirs)
    assert theirs_issue["modifierExtension"][0] in ours_issue["modifierExtension"]  # type: ignore[operator]
    assert theirs_issue["meta"]["profile"][0] in ours_issue["meta"]["profile"]  # type: ignore[index]
    closed = issue(_load(tmp_path / "out/gaps/M1.json"))
    status = closed["modifierExtension"][0]["valueCodeableConcept"]["coding"][0]["code"]  # type: ignore[index]
    assert status == "closed-gap"


def test_the_export_is_audited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Gaps bundles and subject lists name children: the export is in the audit log."""
    from typer.testing import CliRunner

    from wellchild.cli import app
    from wellchild.outreach import audit

    monkeypatch.delenv("WELLCHILD_AUDIT_LOG", raising=False)
    run = _run(tmp_path / "run")
    result = CliRunner().invoke(
        app, ["export", "fhir", "--run", str(run), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    assert "(1 open gaps)" in result.output
    (entry,) = audit.read(run)
    assert entry["action"] == "export fhir"
    assert entry["children"] == 3
    assert (tmp_path / "run.audit.jsonl").is_file()
