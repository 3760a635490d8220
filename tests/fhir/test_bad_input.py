"""Bytes that are not FHIR get a clear error from the real command line: exit 2, the file
named, no traceback; with --skip-malformed the file is listed as unreadable; a folder
with nothing usable writes nothing."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PATIENT = {"resourceType": "Patient", "id": "p1", "birthDate": "2019-02-03", "gender": "male"}


def _wellchild(*args: str | Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WELLCHILD_")}
    return subprocess.run(
        [sys.executable, "-m", "wellchild", *map(str, args)],
        capture_output=True,
        text=True,
        env=clean,
        check=False,
    )


def _noise(size: int) -> bytes:
    # Random bytes, with a byte that is never UTF-8 up front so the test does not hang
    # on the rare random prefix that decodes.
    return b"\xff" + os.urandom(size)


@pytest.mark.parametrize("name", ["noise.ndjson", "noise.json", "noise.ndjson.gz", "noise.json.gz"])
def test_random_bytes_name_the_file_and_stop(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "Patient.ndjson").write_text(json.dumps(PATIENT) + "\n", encoding="utf-8")
    body = _noise(5_000_000)
    if name == "noise.json.gz":
        body = gzip.compress(body)
    (folder / name).write_bytes(body)

    stopped = _wellchild("ingest", "fhir", folder, "--out", tmp_path / "out")
    assert stopped.returncode == 2, stopped.stderr
    assert "Traceback" not in stopped.stderr + stopped.stdout
    assert name in stopped.stderr
    assert "not a FHIR file" in stopped.stderr
    assert not (tmp_path / "out").exists()

    skipped = _wellchild("ingest", "fhir", folder, "--out", tmp_path / "out", "--skip-malformed")
    assert skipped.returncode == 0, skipped.stderr
    assert "Files unreadable:" in skipped.stdout
    assert f"  {name}: " in skipped.stdout
    account = json.loads((tmp_path / "out" / "ingest_account.json").read_text(encoding="utf-8"))
    assert list(account["files_unreadable"]) == [name]
    assert account["rows"]["member"] == 1


def test_a_folder_with_nothing_usable_exits_non_zero_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.ndjson").write_bytes(_noise(100_000))
    (folder / "b.json").write_text(json.dumps({"resourceType": "Observation"}), encoding="utf-8")
    result = _wellchild("ingest", "fhir", folder, "--out", tmp_path / "out", "--skip-malformed")
    assert result.returncode == 2
    assert "Nothing usable in" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_synthea_csv_table_of_random_bytes_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "patients.csv").write_bytes(b"Id,BIRTHDATE\n" + _noise(10_000))
    result = _wellchild("ingest", "fhir", folder, "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "patients.csv" in result.stderr
    assert "not UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_enrollment_is_shouted_on_stderr(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "Patient.ndjson").write_text(json.dumps(PATIENT) + "\n", encoding="utf-8")
    result = _wellchild("ingest", "fhir", folder, "--out", tmp_path / "out")
    assert result.returncode == 0
    assert "WARNING: 1 of 1 members have no enrollment (p1)" in result.stderr
    assert "--enrollment-from-claims" in result.stderr
    bad = _wellchild(
        "ingest", "fhir", folder, "--out", tmp_path / "o2", "--enrollment-from-claims", "weeks"
    )
    assert bad.returncode == 2
    assert "expects one of months, span, to-end" in bad.stderr
