"""Counties beyond California: a state's region file carries its ZIP-to-county crosswalk;
FHIR addresses resolve by ZIP or by district; unknown counties are counted and named."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from wellchild.ingest.fhir import ingest

REGION = """\
state: MA
state_name: Massachusetts
dental_program: {name: MassHealth Dental, phone: "1-800-207-5019"}
counties:
  "25013": {name: Hampden}
  "25027": {name: Worcester}
zip_county:
  "01022": "25013"
  "01453": "25027"
"""


def _patient(id_: str, address: dict[str, str]) -> str:
    return json.dumps(
        {
            "resourceType": "Patient",
            "id": id_,
            "birthDate": "2018-01-02",
            "name": [{"family": "Test", "given": [id_]}],
            "address": [{"line": ["1 Main St"], **address}],
        }
    )


@pytest.fixture
def region_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "MA.yaml"
    path.write_text(REGION, encoding="utf-8")
    monkeypatch.setenv("WELLCHILD_REGION_FILE", str(path))
    return path


def test_addresses_resolve_by_zip_or_district(tmp_path: Path, region_file: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    patients = [
        _patient("zip", {"state": "Massachusetts", "postalCode": "01022"}),
        _patient("district", {"state": "MA", "district": "Worcester County"}),
        _patient("unknown", {"state": "MA", "postalCode": "02139"}),
        _patient("texas", {"state": "TX", "postalCode": "73301"}),
        _patient("california", {"state": "CA", "postalCode": "90011"}),
    ]
    (folder / "Patient.ndjson").write_text("\n".join(patients) + "\n", encoding="utf-8")
    result = ingest(folder, tmp_path / "out")
    with result.files["member"].open(encoding="utf-8", newline="") as handle:
        county = {r["first_name"]: r["county_fips"] for r in csv.DictReader(handle)}
    assert county == {
        "zip": "25013",
        "district": "25027",
        "unknown": "25999",
        "texas": "48999",
        "california": "06037",
    }
    assert dict(result.account.counties_unknown) == {
        "member: MA, ZIP 02139": 1,
        "member: TX, ZIP 73301": 1,
    }
    assert "member: MA, ZIP 02139: 1" in result.account.render()


def test_a_broken_crosswalk_is_named(tmp_path: Path, region_file: Path) -> None:
    region_file.write_text(REGION + '  "1022": "25013"\n', encoding="utf-8")
    from wellchild.errors import ConfigError
    from wellchild.geography.regions import parse

    with pytest.raises(ConfigError, match=r"zip_county\.1022"):
        parse(region_file.read_text(encoding="utf-8"), str(region_file))
