"""Outreach folders: each holds exactly its practice's non-utilizers, a form per child
in the family's language with the English copy, the brochures, and an audit entry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from wellchild.cli import app
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.measures.context import Period
from wellchild.measures.registry import get
from wellchild.measures.run import run_measures
from wellchild.outreach import audit

AS_OF = dt.date(2024, 12, 31)


@pytest.fixture(scope="module")
def long(outreach_db: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    engine = DuckDBEngine.open(outreach_db)
    try:
        run = run_measures(
            engine,
            Period.for_year(2024, as_of=AS_OF),
            out=tmp_path_factory.mktemp("long"),
            measures=[get("dental_12m")],
        )
    finally:
        engine.close()
    return pd.read_parquet(run.long_path)


@pytest.fixture(scope="module")
def two_practices(long: pd.DataFrame) -> list[str]:
    """The two practices with the most non-utilizers (children that could leak)."""
    gaps = long[long["in_denominator"] & ~long["excluded"] & ~long["met"]]
    return gaps["practice_id"].value_counts().index[:2].tolist()


@pytest.fixture(scope="module")
def built(
    outreach_db: Path, two_practices: list[str], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("outreach-out")
    args = ["outreach", "--as-of", "2024-12-31", "--out", str(out), "--db", str(outreach_db)]
    for p in two_practices:
        args += ["--practice", p]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return out


def test_each_gap_list_holds_exactly_its_practice_children(
    built: Path, long: pd.DataFrame, two_practices: list[str]
) -> None:
    gaps = long[long["in_denominator"] & ~long["excluded"] & ~long["met"]]
    for practice in two_practices:
        listed = pd.read_csv(built / practice / "gap_list.csv", dtype=str)
        expected = sorted(gaps.loc[gaps["practice_id"] == practice, "member_id"])
        assert sorted(listed["member_id"]) == expected
        register = pd.read_csv(built / practice / "referral_register.csv", dtype=str)
        assert sorted(register["member_id"]) == expected
        assert set(register["practice_id"]) == {practice}
        forms = sorted(p.stem for p in (built / practice / "referrals").glob("*.pdf"))
        assert forms == expected


def test_gap_list_files(built: Path, two_practices: list[str]) -> None:
    folder = built / two_practices[0]
    listed = pd.read_csv(folder / "gap_list.csv", dtype=str)
    assert {"guardian_name", "phone", "language", "last_dental_visit", "well_child_due",
            "gap_w30_1", "gap_wcv", "dentists"} <= set(listed.columns)  # fmt: skip
    book = load_workbook(folder / "gap_list.xlsx")
    sheet = book["Gap list"]
    assert sheet.freeze_panes == "D2"
    assert sheet.max_row == len(listed) + 1
    assert [c.value for c in sheet[1]][:3] == ["Member ID", "Last name", "First name"]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$1:$1"
    assert "Columns" in book.sheetnames
    values = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert "nan" not in values
    pdf = PdfReader(folder / "gap_list.pdf")
    text = "".join(page.extract_text() for page in pdf.pages)
    for member in listed["member_id"]:
        assert member in text
    assert "nan" not in text.split()
    assert "Dental referral protocol" in PdfReader(folder / "protocol.pdf").pages[0].extract_text()


def test_referral_form_in_family_language_with_english_copy(
    built: Path, two_practices: list[str]
) -> None:
    folder = built / two_practices[0]
    listed = pd.read_csv(folder / "gap_list.csv", dtype=str)
    spanish = listed[listed["language"] == "es"].iloc[0]
    text = PdfReader(folder / "referrals" / f"{spanish['member_id']}.pdf").pages[0].extract_text()
    assert "Referido dental" in text
    assert "Dental referral" in text
    assert spanish["first_name"] in text
    assert "machine-drafted" in text
    packets = PdfReader(folder / "packets.pdf")
    assert len(packets.pages) == 2 * len(listed)
    assert "Referido dental" in "".join(p.extract_text() for p in packets.pages)
    languages = set(listed["language"]) | {"en"}
    assert sorted(p.stem for p in (folder / "brochures").glob("*.pdf")) == sorted(
        f"brochure-{t}" for t in languages
    )


def test_every_export_is_in_the_audit_log(
    built: Path, outreach_db: Path, two_practices: list[str]
) -> None:
    entries = [e for e in audit.read(outreach_db) if e["action"] == "outreach"]
    assert [e["practice_id"] for e in entries[-2:]] == two_practices
    for entry in entries[-2:]:
        listed = pd.read_csv(built / str(entry["practice_id"]) / "gap_list.csv", dtype=str)
        assert entry["children"] == len(listed)
        assert isinstance(entry["files"], list)
        assert all(str(built / str(entry["practice_id"])) in f for f in entry["files"])


def test_unknown_practice_is_a_user_error(outreach_db: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["outreach", "--practice", "NOPE", "--as-of", "2024-12-31",
              "--out", str(tmp_path), "--db", str(outreach_db)],
    )  # fmt: skip
    assert "No primary care practice 'NOPE'" in str(result.exception)
