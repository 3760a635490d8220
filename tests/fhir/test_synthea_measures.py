"""Synthea bundles the project did not write: after ``ingest fhir`` the measures count
exactly the well-child visits the bundles hold, child by child.

The expected results are read from the bundles with plain JSON walking (birth dates, the
dates of Encounters typed SNOMED 410620009), not with the ingest code under test.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from paths import DATA
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.engines.duckdb_load import load_folder
from wellchild.ingest.fhir import ingest
from wellchild.measures.context import Period
from wellchild.measures.run import run_measures

SYNTHEA = DATA / "fhir" / "synthea"
WELL_CHILD = "410620009"
YEARS = (2017, 2018, 2019)


def _bundles() -> list[dict[str, Any]]:
    out = []
    for path in sorted(SYNTHEA.glob("*.json.gz")):
        bundle = json.loads(gzip.decompress(path.read_bytes()))
        if any(e["resource"]["resourceType"] == "Patient" for e in bundle["entry"]):
            out.append(bundle)
    return out


def _truth() -> dict[str, tuple[dt.date, list[dt.date]]]:
    """Birth date and well-child visit dates of every patient in the bundles."""
    truth: dict[str, tuple[dt.date, list[dt.date]]] = {}
    for bundle in _bundles():
        resources = [e["resource"] for e in bundle["entry"]]
        patient = next(r for r in resources if r["resourceType"] == "Patient")
        visits = [
            dt.date.fromisoformat(r["period"]["start"][:10])
            for r in resources
            if r["resourceType"] == "Encounter"
            and any(c.get("code") == WELL_CHILD for t in r["type"] for c in t["coding"])
        ]
        truth[patient["id"]] = (dt.date.fromisoformat(patient["birthDate"]), sorted(visits))
    return truth


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _with_coverage(folder: Path) -> Path:
    """The bundles plus a Coverage per child from birth on, as a plan's export would add."""
    folder.mkdir()
    for path in SYNTHEA.glob("*.json.gz"):
        (folder / path.name).write_bytes(path.read_bytes())
    lines = [
        json.dumps(
            {
                "resourceType": "Coverage",
                "id": f"cov-{patient}",
                "status": "active",
                "beneficiary": {"reference": f"Patient/{patient}"},
                "payor": [{"display": "Medicaid"}],
                "period": {"start": birth.isoformat()},
            }
        )
        for patient, (birth, _) in _truth().items()
    ]
    (folder / "Coverage.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _measure(folder: Path, tmp: Path, **options: Any) -> pd.DataFrame:
    result = ingest(folder, tmp / "input", **options)
    load_folder(result.out, tmp / "store.duckdb")
    engine = DuckDBEngine.open(tmp / "store.duckdb")
    try:
        frames = [
            pd.read_parquet(
                run_measures(engine, Period.for_year(year), out=tmp / f"run-{year}").out
                / "measure_long.parquet"
            ).assign(year=year)
            for year in YEARS
        ]
    finally:
        engine.close()
    long = pd.concat(frames)
    return long[long["measure_id"] == "wcv"]


def _expected() -> dict[tuple[str, int], tuple[bool, bool, list[dt.date]]]:
    """(child, year) → (in WCV's denominator, met, that year's visits); enrolled always."""
    out = {}
    for child, (birth, visits) in _truth().items():
        for year in YEARS:
            in_age = 3 <= _age(birth, dt.date(year, 12, 31)) <= 21
            in_year = [d for d in visits if d.year == year]
            out[(child, year)] = (in_age, in_age and bool(in_year), in_year)
    return out


def _check(wcv: pd.DataFrame) -> None:
    expected = _expected()
    found = {
        (str(r.member_id), int(r.year)): r
        for r in wcv.itertuples(index=False)
        if bool(r.in_denominator)
    }
    assert {k for k, (den, _, _) in expected.items() if den} == set(found)
    for key, row in found.items():
        _, met, visits = expected[key]
        assert bool(row.met) == met, key
        if met:
            assert pd.Timestamp(row.evidence_date).date() in visits, key


def test_the_sample_has_children_who_met_and_who_did_not() -> None:
    """Guard the oracle: the sample must be able to tell right from wrong."""
    cases = _expected().values()
    assert sum(den and met for den, met, _ in cases) >= 3
    assert sum(den and not met for den, met, _ in cases) >= 2
    assert sum(not den for den, _, _ in cases) >= 3


def test_wcv_per_child_equals_the_bundles_with_coverage(tmp_path: Path) -> None:
    _check(_measure(_with_coverage(tmp_path / "in"), tmp_path))


def test_wcv_per_child_with_enrollment_derived_from_claims(tmp_path: Path) -> None:
    """No Coverage with a period: spans run from each child's first claim to the end of
    the extract (April 2020), which covers 2017–2019 for every child here."""
    _check(_measure(SYNTHEA, tmp_path, enrollment_from_claims="to-end"))


def test_without_coverage_the_ingest_warns_and_no_child_is_counted(tmp_path: Path) -> None:
    result = ingest(SYNTHEA, tmp_path / "input")
    (warning,) = result.account.warnings
    assert warning.startswith("4 of 4 members have no enrollment")
    assert "--enrollment-from-claims" in warning
    assert set(result.account.enrollment_found.values()) == {"none"}
    assert "WARNING: 4 of 4 members" in result.account.render()


@pytest.mark.parametrize("mode", ["months", "span", "to-end"])
def test_the_account_says_how_enrollment_was_found(tmp_path: Path, mode: str) -> None:
    result = ingest(SYNTHEA, tmp_path / "input", enrollment_from_claims=mode)
    assert set(result.account.enrollment_found.values()) == {f"claims ({mode})"}
    assert result.account.warnings == []
    covered = ingest(_with_coverage(tmp_path / "in"), tmp_path / "covered")
    assert set(covered.account.enrollment_found.values()) == {"Coverage"}


def test_visits_count_through_stand_in_npis_and_care_team_roles(tmp_path: Path) -> None:
    result = ingest(SYNTHEA, tmp_path / "input")
    stand_ins = {s.resource: s for s in result.account.stand_ins}
    assert stand_ins, "Synthea's NPIs fail the check digit"
    assert all(s.stand_in.startswith("0") for s in stand_ins.values())
    text = result.account.render()
    assert "fails the check digit; kept as 0" in text
    assert result.account.kinds[("claims' careTeam.role", "pcp")] > 0
