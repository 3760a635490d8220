"""Loading a valid folder: what lands in the store, in which form, and how often."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from wellchild.engines.duckdb_load import load_folder
from wellchild.engines.duckdb_store import open_store


def _rows(db: Path, sql: str) -> list[tuple]:
    with open_store(db) as store:
        return store.con.execute(sql).fetchall()


def test_a_valid_folder_loads_with_typed_normalised_columns(valid_dir: Path, db: Path) -> None:
    result = load_folder(valid_dir, db)
    assert result.report.problems == []
    assert result.rows == {
        "member": 4,
        "enrollment": 7,
        "pcp_assignment": 3,
        "provider": 4,
        "medical_claim": 8,
        "dental_claim": 3,
    }
    assert _rows(
        db, "SELECT birth_date, death_date FROM input__member WHERE member_id = '90000004D'"
    ) == [(dt.date(2019, 7, 1), dt.date(2024, 5, 1))]
    assert _rows(
        db, "SELECT diagnosis_codes FROM input__medical_claim WHERE claim_id = 'C0003'"
    ) == [("Z00129;J069",)]
    assert _rows(
        db,
        "SELECT accepts_new_patients, min_age_years FROM input__provider WHERE npi = '1000000038'",
    ) == [(True, 1)]


def test_enrollment_spans_are_merged_when_they_overlap_or_touch(valid_dir: Path, db: Path) -> None:
    load_folder(valid_dir, db)
    assert _rows(db, "SELECT * FROM core__enrollment_span ORDER BY member_id, start_date") == [
        # 2023-03-14..2023-12-31 and 2024-01-01..open touch: one span
        ("90000001A", dt.date(2023, 3, 14), None),
        # ..2024-02-10 overlaps 2024-01-15..2024-06-30: merged; the gap to 2024-08-01 stays
        ("90000002B", dt.date(2022, 11, 2), dt.date(2024, 6, 30)),
        ("90000002B", dt.date(2024, 8, 1), None),
        ("90000003C", dt.date(2020, 2, 29), None),
        ("90000004D", dt.date(2019, 7, 1), dt.date(2024, 5, 1)),
    ]


def test_loading_the_same_folder_twice_gives_the_same_store(valid_dir: Path, db: Path) -> None:
    load_folder(valid_dir, db)
    with open_store(db) as store:
        first = {t: store.fingerprint(t) for t in store.table_names() if t != "meta__load"}
    load_folder(valid_dir, db)
    with open_store(db) as store:
        second = {t: store.fingerprint(t) for t in store.table_names() if t != "meta__load"}
    assert first == second
    assert set(first) == {
        "input__member",
        "input__enrollment",
        "input__pcp_assignment",
        "input__provider",
        "input__medical_claim",
        "input__dental_claim",
        "core__enrollment_span",
        "core__well_care_visit",
        "core__dental_service",
        "core__medical_service",
        "meta__table",
        "meta__problem",
    }


def test_a_new_load_replaces_the_previous_one(valid_dir: Path, db: Path, tmp_path: Path) -> None:
    load_folder(valid_dir, db)
    smaller = tmp_path / "smaller"
    shutil.copytree(valid_dir, smaller)
    lines = (smaller / "dental_claim.csv").read_text().splitlines()
    (smaller / "dental_claim.csv").write_text("\n".join(lines[:2]) + "\n")
    load_folder(smaller, db)
    assert _rows(db, "SELECT count(*) FROM input__dental_claim") == [(1,)]
    assert _rows(db, "SELECT rows FROM meta__table WHERE table_name = 'input__dental_claim'") == [
        (1,)
    ]


def test_parquet_and_gzipped_csv_load_like_csv(valid_dir: Path, db: Path, tmp_path: Path) -> None:
    load_folder(valid_dir, db)
    with open_store(db) as store:
        expected = {t: store.fingerprint(t) for t in store.table_names() if t.startswith("input__")}
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    for name in ("member", "enrollment", "provider"):
        table = pacsv.read_csv(
            valid_dir / f"{name}.csv",
            convert_options=pacsv.ConvertOptions(
                column_types={c: "string" for c in ("zip", "county_fips", "npi", "phone")},
                strings_can_be_null=True,
            ),
        )
        pq.write_table(table, mixed / f"{name}.parquet")
    for name in ("pcp_assignment", "medical_claim", "dental_claim"):
        with gzip.open(mixed / f"{name}.csv.gz", "wb") as handle:
            handle.write((valid_dir / f"{name}.csv").read_bytes())
    other = tmp_path / "other.duckdb"
    assert load_folder(mixed, other).report.problems == []
    with open_store(other) as store:
        got = {t: store.fingerprint(t) for t in store.table_names() if t.startswith("input__")}
    assert got == expected


def test_extra_columns_are_kept(valid_dir: Path, db: Path) -> None:
    text = (valid_dir / "provider.csv").read_text().splitlines()
    text = [text[0] + ",Network"] + [line + ",north" for line in text[1:]]
    (valid_dir / "provider.csv").write_text("\n".join(text) + "\n")
    load_folder(valid_dir, db)
    assert _rows(db, "SELECT DISTINCT network FROM input__provider") == [("north",)]


def test_status_reports_rows_source_and_warnings(valid_dir: Path, db: Path) -> None:
    lines = (valid_dir / "medical_claim.csv").read_text().splitlines()
    lines.append("C0099,1,NOSUCHKID,2024-01-01,1000000012,,99213,J06.9,11,paid,encounter")
    (valid_dir / "medical_claim.csv").write_text("\n".join(lines) + "\n")
    load_folder(valid_dir, db)
    with open_store(db) as store:
        info = store.status()
    assert info.loaded
    assert info.source == str(valid_dir.resolve())
    assert [(t.name, t.rows, t.warnings) for t in info.tables] == [
        ("input__member", 4, 0),
        ("input__enrollment", 7, 0),
        ("input__pcp_assignment", 3, 0),
        ("input__provider", 4, 0),
        ("input__medical_claim", 9, 1),
        ("input__dental_claim", 3, 0),
        ("core__enrollment_span", 5, 0),
        # 90000001A on three dates (the denied line does not count), 90000002B once; the
        # lab line (POS 81) is no visit
        ("core__well_care_visit", 4, 0),
        ("core__dental_service", 2, 0),  # D0120 and D1206 paid; the D0150 was reversed
        ("core__medical_service", 1, 0),  # the 99188 fluoride varnish
    ]
    assert [(w["file"], w["check"], w["count"]) for w in info.warnings] == [
        ("medical_claim.csv", "unknown_member_id", 1)
    ]


@pytest.mark.parametrize(
    ("npi", "valid"),
    [("1234567893", True), ("1234567890", False), ("1000000012", True), ("0000000000", False)],
)
def test_npi_check_digit_in_sql_matches_python(
    npi: str, valid: bool, valid_dir: Path, db: Path
) -> None:
    from wellchild.contract.codes import is_valid_npi

    assert is_valid_npi(npi) is valid
    lines = (valid_dir / "provider.csv").read_text().splitlines()
    lines.append(f"{npi},Test,other,T1,Test site,,,90012,06037,,,,")
    (valid_dir / "provider.csv").write_text("\n".join(lines) + "\n")
    try:
        load_folder(valid_dir, db)
        loaded = True
    except Exception:
        loaded = False
    assert loaded is valid
