"""Every public FHIR sample ingests, loads, and its account says what was used and why."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from wellchild.engines.duckdb_load import load_folder
from wellchild.errors import InputError
from wellchild.ingest.fhir import ingest
from wellchild.ingest.fhir.path import compile_path, evaluate

Sample = Callable[[str], Path]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ingest_and_load(folder: Path, tmp_path: Path) -> dict[str, int]:
    result = ingest(folder, tmp_path / "input")
    loaded = load_folder(result.out, tmp_path / "store.duckdb")
    assert loaded.rows == result.account.rows
    return loaded.rows


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "synthea-r4-bundles",
            {"member": 9, "enrollment": 0, "pcp_assignment": 0, "provider": 57,
             "medical_claim": 101, "dental_claim": 0},
        ),
        (
            "synthea-r4-bundles/bulk-ndjson",
            {"member": 9, "enrollment": 0, "pcp_assignment": 0, "provider": 57,
             "medical_claim": 101, "dental_claim": 0},
        ),
        (
            "synthea-csv-sample",
            {"member": 27, "enrollment": 793, "pcp_assignment": 0, "provider": 102,
             "medical_claim": 47, "dental_claim": 0},
        ),
        (
            "carin-bb-ndjson-sample",
            {"member": 720, "enrollment": 720, "pcp_assignment": 0, "provider": 0,
             "medical_claim": 0, "dental_claim": 0},
        ),
        (
            "davinci-atr",
            {"member": 3, "enrollment": 3, "pcp_assignment": 2, "provider": 1,
             "medical_claim": 0, "dental_claim": 0},
        ),
        (
            "fhir-r4-examples",
            {"member": 3, "enrollment": 0, "pcp_assignment": 0, "provider": 1,
             "medical_claim": 0, "dental_claim": 0},
        ),
    ],
)  # fmt: skip
def test_every_sample_ingests_and_loads(
    sample: Sample, tmp_path: Path, name: str, expected: dict[str, int]
) -> None:
    assert _ingest_and_load(sample(name), tmp_path) == expected


def test_synthea_well_child_visits_all_arrive_once(sample: Sample, tmp_path: Path) -> None:
    """manifest.csv lists every 410620009 encounter; each is one line, billed or not."""
    folder = sample("synthea-r4-bundles")
    manifest = _rows(folder / "manifest.csv")
    result = ingest(folder, tmp_path)
    lines = _rows(result.files["medical_claim"])
    expected = sorted(
        (row["patient_id"], day) for row in manifest for day in row["well_child_dates"].split()
    )
    found = sorted((r["member_id"], r["service_date"]) for r in lines)
    assert found == expected
    assert {r["procedure_code"] for r in lines} == {"S0302"}
    skipped = dict(((k, r), n) for (k, r), n in result.account.skipped.items())
    assert skipped[("Claim", "a Claim is a request for payment; its adjudicated "
                    "ExplanationOfBenefit is used")] == 164  # fmt: skip
    assert result.account.read["Observation"] == 1155


def test_atr_group_gives_the_readme_attribution(sample: Sample, tmp_path: Path) -> None:
    """Organization/2 has no NPI, so Patient/1's span is skipped with that reason."""
    result = ingest(sample("davinci-atr"), tmp_path)
    rows = _rows(result.files["pcp_assignment"])
    assert [(r["member_id"], r["practice_id"], r["start_date"], r["end_date"]) for r in rows] == [
        ("2", "Organization/1", "2015-04-02", "2021-12-12"),
        ("3", "Organization/1", "2016-09-02", "2022-05-10"),
    ]
    assert result.account.skipped[("Group", "no attributed provider with a valid NPI")] == 4
    assert set(result.account.files_skipped) == {
        "README.md", "davinci-patient-list-example.xml", "group-fullexample.xml"
    }  # fmt: skip


def test_carin_members_keep_their_member_identifier(sample: Sample, tmp_path: Path) -> None:
    result = ingest(sample("carin-bb-ndjson-sample"), tmp_path)
    members = _rows(result.files["member"])
    assert members[0]["member_id"] == "8e2f6d2ed61ab40bb6d5bb"
    assert members[0]["county_fips"] == "36999"  # New York, county unknown
    enrolled = {r["member_id"] for r in _rows(result.files["enrollment"])}
    assert enrolled == {m["member_id"] for m in members}
    assert (tmp_path / "ingest_account.json").is_file()


def test_synthea_csv_enrollment_leaves_out_no_insurance(sample: Sample, tmp_path: Path) -> None:
    result = ingest(sample("synthea-csv-sample"), tmp_path)
    skipped = {r: n for (k, r), n in result.account.skipped.items() if k == "payer_transitions.csv"}
    plans = {r["plan_id"] for r in _rows(result.files["enrollment"])}
    assert "NO_INSURANCE" not in plans
    assert skipped == {"payer NO_INSURANCE: not coverage": 258}
    assert result.account.read["payer_transitions.csv"] == 793 + 258
    encounters = result.account.read["encounters.csv"]
    assert encounters == result.account.used[("encounters.csv", "medical_claim")] + 557 == 604


def _write(folder: Path, name: str, lines: list[str]) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_malformed_resources_are_named_and_stop_the_ingest(tmp_path: Path) -> None:
    good = {"resourceType": "Patient", "id": "p1", "birthDate": "2021-02-03", "gender": "female"}
    bad_date = {**good, "id": "p2", "birthDate": "2021-02-31"}
    _write(
        tmp_path / "in",
        "Patient.ndjson",
        [json.dumps(good), "{not json", json.dumps({"id": "x"}), json.dumps(bad_date)],
    )
    with pytest.raises(InputError) as caught:
        ingest(tmp_path / "in", tmp_path / "out")
    message = str(caught.value)
    assert "3 malformed record(s)" in message
    assert "Patient.ndjson:2: is not valid JSON" in message
    assert "Patient.ndjson:3: has no resourceType" in message
    assert (
        "Patient.ndjson:4 Patient/p2 at Patient.birthDate: '2021-02-31' is not a FHIR date"
        in message
    )
    assert not (tmp_path / "out").exists()
    result = ingest(tmp_path / "in", tmp_path / "out", skip_malformed=True)
    assert result.account.rows["member"] == 1
    assert len(result.account.problems) == 3


def test_path_subset_refuses_what_it_cannot_evaluate() -> None:
    with pytest.raises(ValueError, match="resolve"):
        compile_path("subject.resolve()")
    coding = {"coding": [{"system": "a", "code": "1"}, {"system": "b", "code": "2"}]}
    assert evaluate(compile_path("coding.where(system = 'b').code"), coding) == ["2"]
