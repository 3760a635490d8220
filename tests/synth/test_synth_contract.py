"""The generated files follow the contract: columns, kinds, allowed values, keys, dates."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from wellchild.contract import BY_NAME, TABLES
from wellchild.contract.codes import is_language_tag, is_valid_npi
from wellchild.contract.enrollment import DENTAL_DELIVERY
from wellchild.contract.medical_claim import SOURCES, STATUSES
from wellchild.contract.member import RACE_ETHNICITIES, SEXES
from wellchild.contract.provider import KINDS
from wellchild.geography import county_zips
from wellchild.synth import SynthResult
from wellchild.synth.names import THRESHOLD_LANGUAGES

from .synth_setup import SMALL, YEAR

COUNTIES = ("06037", "06067", "06005")
FIRST_DAY = pd.Timestamp(YEAR - 4, 1, 1)
LAST_DAY = pd.Timestamp(YEAR, 12, 31)
ICD = re.compile(r"^[A-Z][0-9][0-9A-Z]{1,5}(;[A-Z][0-9][0-9A-Z]{1,5})*$")
PROCEDURE = re.compile(r"^([0-9]{4}[0-9A-Z]|[A-Z][0-9]{4})$")
Tables = dict[str, pd.DataFrame]


def _code(series: pd.Series) -> pd.Series:
    return series.str.replace(".", "", regex=False).str.upper()


def test_six_files_with_the_contract_columns_in_order(small: SynthResult) -> None:
    assert list(small.files) == [t.name for t in TABLES]
    for table in TABLES:
        path = small.files[table.name]
        assert path == small.out / f"{table.name}.csv"
        header = path.open(encoding="utf-8").readline().rstrip("\n")
        assert header == ",".join(table.names)
        rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
        assert rows == small.rows[table.name] > 0


def test_csv_needs_no_quotes(small: SynthResult) -> None:
    for path in small.files.values():
        text = path.read_text(encoding="utf-8")
        assert '"' not in text
        assert "\r" not in text


def test_parquet_types(parquet: SynthResult) -> None:
    expected = {"date": "date32[day]", "integer": "int32", "boolean": "bool"}
    for table in TABLES:
        schema = pq.read_schema(parquet.files[table.name])
        assert schema.names == list(table.names)
        for column in table.columns:
            assert str(schema.field(column.name).type) == expected.get(column.kind.value, "string")


def test_parquet_holds_the_same_rows_as_csv(small: SynthResult, parquet: SynthResult) -> None:
    assert parquet.rows == small.rows
    a = pd.read_csv(small.files["member"], dtype=str, keep_default_na=False)
    b = pq.read_table(parquet.files["member"]).to_pandas()
    assert a["member_id"].tolist() == b["member_id"].tolist()
    assert a["guardian_name"].tolist() == b["guardian_name"].tolist()


def test_members(small_tables: Tables) -> None:
    m = small_tables["member"]
    assert len(m) == SMALL
    assert m["member_id"].is_unique
    assert m["member_id"].str.fullmatch(r"9[0-9]{7}[A-Z]").all()
    assert set(m["sex"]) <= set(SEXES)
    assert set(m["race_ethnicity"]) <= set(RACE_ETHNICITIES)
    assert m["language"].map(is_language_tag).all()
    assert set(m["county_fips"]) <= set(COUNTIES)
    for column in ("first_name", "last_name", "address", "zip", "county_fips"):
        assert m[column].notna().all(), column
    assert (m["birth_date"] >= pd.Timestamp(YEAR - 20, 1, 1)).all()
    assert (m["birth_date"] <= LAST_DAY).all()
    died = m["death_date"].notna()
    assert (m.loc[died, "death_date"] >= m.loc[died, "birth_date"]).all()
    assert (m.loc[died, "death_date"] <= LAST_DAY).all()
    assert m["phone"].dropna().str.fullmatch(r"\([0-9]{3}\) 555-01[0-9]{2}").all()


def test_every_threshold_language_appears_at_2000_children(small_tables: Tables) -> None:
    assert set(THRESHOLD_LANGUAGES) <= set(small_tables["member"]["language"])


def test_zips_are_standard_zips_of_the_county(small_tables: Tables) -> None:
    for name in ("member", "provider"):
        frame = small_tables[name]
        for fips, rows in frame.groupby("county_fips"):
            known = {p.zip for p in county_zips(str(fips))}
            assert set(rows["zip"]) <= known, (name, fips)


def test_enrollment(small_tables: Tables) -> None:
    e = small_tables["enrollment"]
    m = small_tables["member"].set_index("member_id")
    assert not e.duplicated(["member_id", "plan_id", "start_date"]).any()
    assert e["member_id"].isin(m.index).all()
    assert (e["end_date"].isna() | (e["end_date"] >= e["start_date"])).all()
    assert (e["start_date"] >= FIRST_DAY).all()
    assert (e["end_date"].dropna() <= LAST_DAY).all()
    assert (e["start_date"] >= e["member_id"].map(m["birth_date"])).all()
    death = e["member_id"].map(m["death_date"])
    assert (death.isna() | (e["end_date"].notna() & (e["end_date"] <= death))).all()
    assert set(e["dental_delivery"].dropna()) == set(DENTAL_DELIVERY)
    assert e["county_fips"].eq(e["member_id"].map(m["county_fips"])).all()
    assert {"LACARE", "HEALTHNET", "FFS"} <= set(e["plan_id"])
    spans = e.groupby("member_id").size()
    assert spans.max() >= 3
    assert (spans == 1).any()


def test_pcp_assignment(small_tables: Tables) -> None:
    a = small_tables["pcp_assignment"]
    p = small_tables["provider"]
    assert not a.duplicated(["member_id", "start_date"]).any()
    assert a["npi"].map(is_valid_npi).all()
    primary = p[p["kind"].isin(["pcp", "clinic"])]
    assert a["practice_id"].isin(set(primary["practice_id"])).all()
    pairs = set(zip(p["npi"], p["practice_id"], strict=True))
    assert all(pair in pairs for pair in zip(a["npi"], a["practice_id"], strict=True))
    a = a.sort_values(["member_id", "start_date"])
    # every earlier span of the child has ended (an open one never does) before the next
    ends = a["end_date"].fillna(pd.Timestamp("2200-01-01").as_unit("us"))
    ended = ends.groupby(a["member_id"]).cummax().groupby(a["member_id"]).shift()
    assert not (a["start_date"] <= ended).any(), "assignments overlap"
    ffs_only = small_tables["enrollment"].groupby("member_id")["plan_id"].agg(set)
    ffs_only = ffs_only[ffs_only.map(lambda plans: plans == {"FFS"})].index
    assert not a["member_id"].isin(ffs_only).any()


def test_providers(small_tables: Tables) -> None:
    p = small_tables["provider"]
    assert not p.duplicated(["npi", "practice_id"]).any()
    assert p["npi"].map(is_valid_npi).all()
    assert set(p["kind"]) == set(KINDS)
    assert (
        p["languages"]
        .dropna()
        .str.split(";")
        .map(lambda tags: all(map(is_language_tag, tags)))
        .all()
    )
    assert set(p["accepts_new_patients"].dropna()) <= {"true", "false"}
    dentists = p[p["kind"] == "dentist"]
    assert set(dentists["min_age_years"].astype(int)) <= {0, 1, 3, 6}
    assert p.loc[p["kind"] != "dentist", "min_age_years"].isna().all()
    assert p.groupby("practice_id").size().max() <= 30
    assert p.groupby("practice_id")["practice_name"].nunique().eq(1).all()


def _claims(tables: Tables, name: str) -> None:
    c = tables[name]
    m = tables["member"].set_index("member_id")
    assert not c.duplicated(["claim_id", "line"]).any()
    assert c["line"].astype(int).ge(1).all()
    assert c["member_id"].isin(m.index).all()
    assert set(c["status"]) == set(STATUSES)
    assert set(c["source"]) == set(SOURCES)
    assert (c["service_date"] >= FIRST_DAY).all()
    assert (c["service_date"] <= LAST_DAY).all()
    birth = c["member_id"].map(m["birth_date"])
    death = c["member_id"].map(m["death_date"])
    assert (c["service_date"] >= birth).all()
    assert (death.isna() | (c["service_date"] <= death)).all()
    for column in ("rendering_npi", "billing_npi"):
        assert c[column].dropna().map(is_valid_npi).all()
    assert c.groupby("claim_id")["member_id"].nunique().eq(1).all()
    assert c.groupby("claim_id")["service_date"].nunique().eq(1).all()


def test_medical_claims(small_tables: Tables) -> None:
    _claims(small_tables, "medical_claim")
    c = small_tables["medical_claim"]
    assert _code(c["procedure_code"]).str.match(PROCEDURE).all()
    assert _code(c["diagnosis_codes"]).str.match(ICD).all()
    assert c["place_of_service"].str.fullmatch(r"[0-9]{2}").all()
    assert {"02", "10", "11", "23", "50", "81"} <= set(c["place_of_service"])
    assert c["diagnosis_codes"].str.contains(r"\.").any()
    assert c["diagnosis_codes"].str.contains(r"^Z00129", regex=True).any()


def test_dental_claims(small_tables: Tables) -> None:
    _claims(small_tables, "dental_claim")
    c = small_tables["dental_claim"]
    assert _code(c["procedure_code"]).str.fullmatch(r"D[0-9]{4}").all()
    teeth = {str(i) for i in range(1, 33)} | set("ABCDEFGHIJKLMNOPQRST")
    assert set(c["tooth"].dropna()) <= teeth
    assert set(c["surface"].dropna()) <= set("OBLMDFI")


def test_noise_is_there_but_small(small_tables: Tables) -> None:
    c = small_tables["medical_claim"]
    status = c["status"].value_counts(normalize=True)
    assert 0.02 < status["denied"] < 0.07
    assert 0.005 < status["reversed"] < 0.03
    known = set(small_tables["provider"]["npi"])
    unknown = ~(c["rendering_npi"].isin(known) | c["billing_npi"].isin(known))
    assert 0.001 < unknown.mean() < 0.015
    assert (c["rendering_npi"].isna() & c["billing_npi"].notna()).mean() > 0.02


def test_loads_with_no_error_and_only_unknown_provider_warnings(
    small: SynthResult, tmp_path: Path
) -> None:
    from wellchild.engines.duckdb_load import load_folder

    result = load_folder(small.out, tmp_path / "store.duckdb", today=dt.date(YEAR + 1, 6, 1))
    assert result.rows == small.rows
    # The only warnings are the ones docs/synth.md says it plants: NPIs of no provider.
    warned = sorted((p.file, p.check) for p in result.report.warnings)
    assert warned == [
        ("dental_claim.csv", "unknown_provider"),
        ("medical_claim.csv", "unknown_provider"),
    ]
    hints = {p.file: p.hint for p in result.report.warnings}
    assert "primary care" in hints["medical_claim.csv"]
    assert "primary care" not in hints["dental_claim.csv"]
    assert "dental" in hints["dental_claim.csv"]
    # On screen the two are one block, counted per file, with two examples each.
    text = result.report.render()
    assert text.count("WARNING") == 1
    assert text.count("    row ") == 4


@pytest.mark.parametrize("table", [t.name for t in TABLES])
def test_contract_required_columns_filled(small_tables: Tables, table: str) -> None:
    frame = small_tables[table]
    for column in BY_NAME[table].required:
        assert frame[column].notna().all(), column
