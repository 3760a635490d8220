"""What FHIR says of a claim's provider decides its kind, strongest evidence first; and a
claim's diagnoses given as references to Conditions are read."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from wellchild.ingest.fhir import ingest

NUCC = "http://nucc.org/provider-taxonomy"
PEDIATRICS, OBGYN = "208000000X", "207V00000X"


def _practitioner(id_: str, taxonomy: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"resourceType": "Practitioner", "id": id_, "name": [{"family": id_}]}
    if taxonomy:
        out["qualification"] = [{"code": {"coding": [{"system": NUCC, "code": taxonomy}]}}]
    return out


def _eob(id_: str, who: str, role: str, qualification: str | None = None) -> dict[str, Any]:
    member: dict[str, Any] = {
        "sequence": 1,
        "provider": {"reference": f"Practitioner/{who}"},
        "role": {"coding": [{"code": role}]},
    }
    if qualification:
        member["qualification"] = {"coding": [{"system": NUCC, "code": qualification}]}
    return {
        "resourceType": "ExplanationOfBenefit",
        "id": id_,
        "status": "active",
        "type": {"coding": [{"code": "professional"}]},
        "patient": {"reference": "Patient/p1"},
        "provider": {"reference": "Organization/o1"},
        "careTeam": [member],
        "diagnosis": [
            {"sequence": 1, "diagnosisReference": {"reference": "Condition/c1"}},
            {"sequence": 2, "diagnosisReference": {"reference": "urn:uuid:c2"}},
        ],
        "item": [
            {
                "sequence": 1,
                "productOrService": {
                    "coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "99393"}]
                },
                "servicedDate": "2019-03-01",
            }
        ],
    }


def _folder(tmp_path: Path) -> Path:
    resources = [
        {"resourceType": "Patient", "id": "p1", "birthDate": "2012-01-02"},
        _practitioner("own", OBGYN),
        _practitioner("roled", OBGYN),
        _practitioner("qualified"),
        _practitioner("primary"),
        _practitioner("nothing"),
        {
            "resourceType": "PractitionerRole",
            "id": "r1",
            "practitioner": {"reference": "Practitioner/roled"},
            "organization": {"reference": "Organization/o1"},
            "specialty": [{"coding": [{"code": PEDIATRICS}]}],
        },
        {
            "resourceType": "Organization",
            "id": "o1",
            "name": "Clinic",
            "type": [{"coding": [{"code": "prov"}]}],
        },
        {
            "resourceType": "Condition",
            "id": "c1",
            "code": {
                "coding": [
                    {"system": "http://snomed.info/sct", "code": "410620009"},
                    {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "Z00.129"},
                ]
            },
        },
        {
            "resourceType": "Condition",
            "id": "c2",
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "10509002"}]},
        },
        _eob("e1", "own", "primary"),
        _eob("e2", "roled", "primary"),
        _eob("e3", "qualified", "other", PEDIATRICS),
        _eob("e4", "primary", "primary"),
        _eob("e5", "nothing", "other"),
        _eob("e6", "missing", "primary"),  # a practitioner the export does not hold
    ]
    folder = tmp_path / "in"
    folder.mkdir()
    text = "\n".join(json.dumps(r) for r in resources) + "\n"
    (folder / "all.ndjson").write_text(text, encoding="utf-8")
    return folder


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_strongest_evidence_decides_the_kind(tmp_path: Path) -> None:
    result = ingest(_folder(tmp_path), tmp_path / "out")
    kinds = {r["fhir_id"]: r["kind"] for r in _rows(result.files["provider"])}
    assert kinds == {
        "Practitioner/own": "obgyn",  # its own taxonomy beats the claims' role
        "Practitioner/roled": "pcp",  # the PractitionerRole's specialty beats its taxonomy
        "Practitioner/qualified": "pcp",  # the claims' careTeam qualification
        "Practitioner/primary": "pcp",  # careTeam role "primary": the primary care provider
        "Practitioner/nothing": "other",
        "Practitioner/missing": "pcp",  # kept from the claim's reference alone
        "Organization/o1": "clinic",  # Organization.type prov
    }
    missing = next(s for s in result.account.stand_ins if s.resource == "Practitioner/missing")
    assert missing.name == "not in the input"
    lines = _rows(result.files["medical_claim"])
    assert {r["claim_id"]: r["rendering_npi"] for r in lines}["e6"] == missing.stand_in
    assert result.account.kinds[("claims' careTeam.role", "pcp")] == 2
    assert result.account.kinds[("PractitionerRole.specialty", "pcp")] == 1


def test_diagnoses_come_through_condition_references(tmp_path: Path) -> None:
    result = ingest(_folder(tmp_path), tmp_path / "out")
    lines = _rows(result.files["medical_claim"])
    assert {r["diagnosis_codes"] for r in lines} == {"Z00.129"}
    assert {r["diagnosis_source_codes"] for r in lines} == {"http://snomed.info/sct|10509002"}
