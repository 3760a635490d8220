"""MeasureReports and DEQM gaps bundles validate and are wired like the DEQM examples."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from pathlib import Path

import pytest
from pydantic import ValidationError

from fhir_runs import Row, write_run
from paths import DATA
from wellchild.fhir.export import Validator, export, validate


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


def _leaves(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    return [path]


def _set(resource: object, path: tuple[object, ...], value: object) -> object:
    copied = copy.deepcopy(resource)
    holder = copied
    for key in path[:-1]:
        holder = holder[key]  # type: ignore[index]
    holder[path[-1]] = value  # type: ignore[index]
    return copied


BAD_TEXT = (
    "", " x", "x ", "x  y", "x y", "x\ny", "a\x01b", "a" * 65, "é", "NaT", "nan", "2024-02-30",
    "2024-13-01T00:00:00Z", "2024-02-29T25:00:00Z", "2024-1-1", "-",
)  # fmt: skip


def test_a_value_of_a_new_kind_is_validated_in_full(tmp_path: Path) -> None:
    """Validating once per shape lets nothing through that validating every resource
    would stop: each leaf of the written resources, spoilt in a way FHIR's primitives may
    refuse, is refused by the validator that has seen the whole export whenever the
    fhir.resources models refuse it."""
    export(_run(tmp_path / "run"), tmp_path / "out", generated="2025-01-05T00:00:00Z")
    resources = [_load(p) for p in sorted((tmp_path / "out").rglob("*.json"))]
    validator = Validator()
    for resource in resources:
        validator(resource)
    assert 0 < validator.validated <= len(resources)
    rng = random.Random(5)
    refused = 0
    for _ in range(300):
        resource = rng.choice(resources)
        path = rng.choice(_leaves(resource))
        leaf: object = resource
        for key in path:
            leaf = leaf[key]  # type: ignore[index]
        bad: object = (
            rng.choice(BAD_TEXT)
            if isinstance(leaf, str)
            else rng.choice([-1, float("nan"), None, "7"])
        )
        spoilt = _set(resource, path, bad)
        try:
            validate(spoilt)  # type: ignore[arg-type]
        except (ValidationError, KeyError, AttributeError, ValueError):  # or no such type
            refused += 1
            with pytest.raises((ValidationError, KeyError, AttributeError, ValueError)):
                validator(spoilt)  # type: ignore[arg-type]
    assert refused > 30  # the spoilt values were of the kinds FHIR refuses


def test_validating_by_shape_validates_few_bundles(tmp_path: Path) -> None:
    rows: list[Row] = [
        (f"M{i}", True, False, i % 2 == 0, dt.date(2024, 3, 1 + i % 20) if i % 2 == 0 else None,
         "D0145" if i % 2 == 0 else None, f"Organization/P{i % 3}")
        for i in range(60)
    ]  # fmt: skip
    export(
        write_run(tmp_path / "run", "oev", rows), tmp_path / "out", generated="2025-01-05T00:00:00Z"
    )
    validator = Validator()
    bundles = sorted((tmp_path / "out" / "gaps").glob("*.json"))
    for path in bundles:
        validator(_load(path))
    assert len(bundles) == 60
    assert validator.validated == 2  # an open gap and a closed one
