"""Translation review: a catalogue goes out as a workbook and comes back reviewed; tags
match as BCP 47 does; a document's footer counts its own strings."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from wellchild.cli import app
from wellchild.documents.brochure import BROCHURE_KEYS, brochure_data
from wellchild.documents.catalogue import catalogue, match
from wellchild.documents.referral import referral_data
from wellchild.documents.review import catalogue_path, import_workbook
from wellchild.errors import InputError, WellchildError


@pytest.mark.parametrize(
    ("tag", "found"),
    [("es-MX", "es"), ("zh-hant", "zh-Hant"), ("zh-TW", "zh-Hant"), ("ZH-HANS", "zh-Hans"),
     ("km-KH", "km"), ("hmn", None), ("xx", None)],
)  # fmt: skip
def test_tags_match_as_bcp_47_does(tag: str, found: str | None) -> None:
    assert match(tag) == found


def test_an_unknown_tag_is_an_error_listing_the_catalogues(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["catalogue", "export", "--language", "xx", "--out", str(tmp_path / "x.xlsx")]
    )
    assert isinstance(result.exception, WellchildError)
    assert "No catalogue for the language tag 'xx'" in str(result.exception)
    assert "km (ភាសាខ្មែរ)" in str(result.exception)


def export(tmp_path: Path) -> Path:
    out = tmp_path / "review-es.xlsx"
    result = CliRunner().invoke(
        app, ["catalogue", "export", "--language", "es-MX", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def test_export_gives_each_string_with_source_context_and_status(tmp_path: Path) -> None:
    sheet = load_workbook(export(tmp_path))["Strings"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == set(catalogue("en").messages)
    _, context, english, translation, status, *_ = rows["form.miles"]
    assert (english, translation, status) == ("{n} mi", "{n} millas", "machine-drafted")
    assert "keep {n}" in context


def review(tmp_path: Path, edits: dict[str, dict[int, str]]) -> tuple[Path, Path]:
    """The exported Spanish workbook with ``edits`` (key → {column index: value}) made
    as a translator would, and a private copy of the Spanish catalogue to import into."""
    workbook = export(tmp_path)
    book = load_workbook(workbook)
    for row in book["Strings"].iter_rows(min_row=2):
        for column, value in edits.get(str(row[0].value), {}).items():
            row[column].value = value
    book.save(workbook)
    folder = tmp_path / "catalogues"
    folder.mkdir()
    shutil.copy(catalogue_path("es"), folder / "es.yaml")
    return workbook, folder


def test_a_reviewed_workbook_is_recorded_with_its_reviewer(tmp_path: Path) -> None:
    edit = {"form.title": {3: "Referencia dental", 4: "reviewed", 5: "A. Ruiz"}}
    workbook, folder = review(tmp_path, edit)
    done = import_workbook(workbook, folder=folder, today=dt.date(2026, 3, 1))
    assert (done.tag, done.changed, done.reviewed) == ("es", 1, 1)
    saved = yaml.safe_load((folder / "es.yaml").read_text(encoding="utf-8"))["strings"]
    assert saved["form.title"] == {
        "status": "reviewed",
        "text": "Referencia dental",
        "reviewed_by": "A. Ruiz",
        "reviewed_on": "2026-03-01",
    }
    assert saved["form.miles"]["text"] == "{n} millas"
    assert (folder / "es.yaml").read_text(encoding="utf-8").startswith("#")


def test_a_bad_workbook_names_each_problem_and_records_nothing(tmp_path: Path) -> None:
    workbook, folder = review(tmp_path, {
        "form.title": {4: "reviewed"},  # no reviewer
        "form.miles": {3: "millas"},  # lost {n}
        "form.child": {4: "done"},
    })  # fmt: skip
    before = (folder / "es.yaml").read_text(encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_workbook(workbook, folder=folder)
    message = str(caught.value)
    assert "3 problem(s); the es catalogue is unchanged" in message
    assert "column reviewed_by: found nothing" in message
    assert "found 'millas'; expected it to keep {n}" in message
    assert "column status: found 'done'" in message
    assert (folder / "es.yaml").read_text(encoding="utf-8") == before


def test_the_footer_counts_the_document_s_own_strings() -> None:
    brochure = brochure_data("es", [])
    own = [k for k in catalogue("es").messages if k.startswith(BROCHURE_KEYS)]
    assert f"0 of {len(own)} strings reviewed" in brochure["footer"]
    form = {"language": "es", "child": {"name": "A", "birth_date": "2021-01-01",
            "member_id": "1"}, "practice": {"name": "P", "phone": "1", "clinician": "C"},
            "dentists": []}  # fmt: skip
    forms = [k for k in catalogue("es").messages if k.startswith("form.")]
    assert f"0 of {len(forms)} strings reviewed" in referral_data(form, note="x")["footer"]
    assert len(forms) != len(catalogue("es").messages)
