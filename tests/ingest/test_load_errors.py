"""The bad-input corpus: each folder in tests/data/broken breaks the contract in one
way; its expected.yaml lists, worked out by hand, every problem the load must report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from paths import DATA
from wellchild.engines.duckdb_load import load_folder
from wellchild.engines.duckdb_store import open_store
from wellchild.errors import LoadRejected
from wellchild.ingest.report import LoadReport

CASES = sorted(p.name for p in (DATA / "broken").iterdir() if p.is_dir())


def _folder(case: str, tmp_path: Path) -> tuple[Path, dict]:
    spec = yaml.safe_load((DATA / "broken" / case / "expected.yaml").read_text())
    folder = tmp_path / case
    shutil.copytree(DATA / "valid", folder)
    for name in spec.get("remove", []):
        (folder / name).unlink()
    for path in (DATA / "broken" / case).iterdir():
        if path.name != "expected.yaml":
            shutil.copy(path, folder / path.name)
    return folder, spec


def _summary(report: LoadReport) -> list[dict]:
    return [
        {
            "severity": p.severity.value,
            "file": p.file,
            "column": p.column,
            "check": p.check,
            "count": p.count,
            "rows": [e.row for e in p.examples],
        }
        for p in report.problems
    ]


@pytest.mark.parametrize("case", CASES)
def test_broken_folder_reports_every_problem(case: str, tmp_path: Path) -> None:
    folder, spec = _folder(case, tmp_path)
    db = tmp_path / "store.duckdb"
    expected = sorted(spec["problems"], key=lambda p: (p["file"], p["check"], str(p["column"])))
    if spec["status"] == "rejected":
        with pytest.raises(LoadRejected) as caught:
            load_folder(folder, db)
        report = caught.value.report
        assert not db.exists(), "a rejected first load must leave no store behind"
        assert list(tmp_path.glob(".store.duckdb*")) == []
    else:
        report = load_folder(folder, db).report
        with open_store(db) as store:
            assert store.status().loaded
    got = sorted(_summary(report), key=lambda p: (p["file"], p["check"], str(p["column"])))
    assert got == expected
    text = report.render()
    for problem in report.problems:
        assert problem.file in text
        assert "expected:" in text
        if problem.hint:
            assert problem.hint in text


def test_report_lines_say_file_row_column_expected_found_hint(tmp_path: Path) -> None:
    folder, _ = _folder("bad_date", tmp_path)
    with pytest.raises(LoadRejected) as caught:
        load_folder(folder, tmp_path / "s.duckdb")
    assert caught.value.report.render().splitlines()[:5] == [
        "ERROR member.csv, column birth_date: birth_date is not a valid date (2 rows)",
        "  expected: a date as YYYY-MM-DD",
        '  row 2 (member 90000001A): found "2023-02-30"',
        '  row 4 (member 90000003C): found "03/14/2020"',
        "  hint: Write dates as YYYY-MM-DD (2024-03-01); spreadsheets often change the format "
        "on save, so export as CSV with ISO dates.",
    ]


def test_personal_values_are_never_quoted(tmp_path: Path) -> None:
    folder, _ = _folder("not_utf8", tmp_path)
    with pytest.raises(LoadRejected) as caught:
        load_folder(folder, tmp_path / "s.duckdb")
    text = caught.value.report.render()
    for name in ("Hern", "Sofia", "Mariposa", "555-0101"):
        assert name not in text


def test_a_rejected_load_leaves_the_previous_store_whole(valid_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    load_folder(valid_dir, db)
    with open_store(db) as store:
        before = {t: store.fingerprint(t) for t in store.table_names()}
    folder, _ = _folder("duplicate_claim_line", tmp_path)
    with pytest.raises(LoadRejected):
        load_folder(folder, db)
    with open_store(db) as store:
        assert {t: store.fingerprint(t) for t in store.table_names()} == before


def test_problems_are_capped_per_check_but_all_counted(valid_dir: Path, tmp_path: Path) -> None:
    lines = (valid_dir / "medical_claim.csv").read_text().splitlines()
    extra = [
        f"X{i:05d},1,90000001A,2023-13-01,1000000012,1000000012,99391,Z00.129,11,paid,encounter"
        for i in range(250)
    ]
    (valid_dir / "medical_claim.csv").write_text("\n".join(lines + extra) + "\n")
    with pytest.raises(LoadRejected) as caught:
        load_folder(valid_dir, tmp_path / "s.duckdb")
    (problem,) = caught.value.report.problems
    assert problem.count == 250
    assert [e.row for e in problem.examples] == [10, 11, 12, 13, 14]
    assert "… and 245 more" in problem.render()
    out = tmp_path / "problems.csv"
    caught.value.report.write(out)
    assert len(out.read_text().splitlines()) == 1 + 5
