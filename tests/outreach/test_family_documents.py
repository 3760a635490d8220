"""What a family and a nurse read: family copies wholly in the family's language,
dentists a family can use, and the next well-child visit as of the list's date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from wellchild.documents.brochure import brochure_data
from wellchild.documents.catalogue import FALLBACK_MARK, catalogue
from wellchild.documents.referral import copies, dentist_cells, referral_data
from wellchild.geography.regions import region
from wellchild.outreach.gaps import _next_due, dental_offices, nearest
from wellchild.outreach.packets import dentist_lines

OFFICE = {"name": "Smile Kids", "address": "1 Main St", "phone": "(310) 555-0101",
          "languages": ["en", "es", "km"], "miles": 1.4, "accepting": None}  # fmt: skip


@pytest.mark.parametrize("tag", ["es", "ar", "km", "zh-Hant"])
def test_a_family_copy_prints_only_its_own_language(tag: str) -> None:
    cat = catalogue(tag)
    family, office = copies(tag)
    assert family["label"] == f"{cat.text('form.family_copy')} · {cat.name}"
    assert office["label"] == "Office copy · English"
    cells = dentist_cells(OFFICE, cat)
    assert "English" not in cells["languages"]
    assert "km" not in cells["distance"]
    assert cells["distance"] == cat.text("form.miles").replace("{n}", "1.4")
    assert cells["name"] == "Smile Kids *"  # acceptance unknown, never shown as yes
    data = referral_data({"language": tag, "child": {"name": "A", "birth_date": "2021-01-01",
                          "member_id": "1"}, "practice": {"name": "P", "phone": "1",
                          "clinician": "C"}, "dentists": [OFFICE]}, note="x")  # fmt: skip
    assert not any(v.startswith(FALLBACK_MARK) for v in data["t"].values())


def test_spanish_language_names_and_phone_labels() -> None:
    assert dentist_cells(OFFICE, catalogue("es"))["languages"] == "inglés, español, jemer"
    lines = region().phone_lines(region().county("06067"))
    labels = [p["label"] for p in brochure_data("es", lines)["phones"]]
    assert labels[0] == "Medi-Cal Dental: encontrar un dentista"
    assert "Plan dental: Access Dental Plan" in labels
    assert "Medi-Cal sin plan de salud" in labels
    assert not any("fee-for-service" in label for label in labels)


def test_a_missing_string_is_marked_not_silently_english() -> None:
    hmong = catalogue("hmn")
    assert hmong.text("form.title").startswith(FALLBACK_MARK)


def test_sacramento_lists_its_dental_plans() -> None:
    sacramento = region().county("06067")
    assert {p.label for p in sacramento.dental_plans.values()} >= {"Access Dental Plan"}
    assert all(p.phone for p in sacramento.dental_plans.values())


def offices() -> pd.DataFrame:
    provider = pd.DataFrame({
        "kind": ["dentist"] * 5,
        "practice_id": ["D1", "D2", "D3", "D4", "D5"],
        "practice_name": ["Near", "Khmer far", "Unknown", "Refuses", "Older only"],
        "address": ["a"] * 5, "city": ["c"] * 5,
        "zip": ["90001", "90802", "90001", "90001", "90001"],
        "county_fips": ["06037"] * 5, "phone": ["1"] * 5,
        "languages": ["en;es", "en;km", "en", "km", "km"],
        "min_age_years": [0, 0, 0, 0, 6],
        "accepts_new_patients": [True, True, None, False, True],
    })  # fmt: skip
    return dental_offices(provider)


def test_dentists_speaking_the_language_come_first_and_refusals_never() -> None:
    found = nearest(offices(), "90001", "06037", 3, "km")
    assert [d["name"] for d in found] == ["Khmer far", "Near", "Unknown"]
    assert found[2]["accepting"] is None
    text = dentist_lines(found, "km")
    assert "new patients: unknown" in text
    assert "No dentist nearby speaks" not in text


def test_the_list_says_when_no_dentist_speaks_the_language() -> None:
    found = nearest(offices(), "90001", "06037", 3, "fa")
    assert "No dentist nearby speaks Persian." in dentist_lines(found, "fa")


@pytest.mark.parametrize(
    ("birth", "last", "due"),
    [
        # A 4-year-old whose last visit was at 2: the 4-year visit, not the 30-month one.
        (dt.date(2020, 8, 9), dt.date(2022, 8, 20), dt.date(2024, 8, 9)),
        # The 4-year visit kept: the 5-year visit is next.
        (dt.date(2020, 8, 9), dt.date(2024, 8, 1), dt.date(2025, 8, 9)),
        # A 13-month-old seen at 12 months: 15 months next.
        (dt.date(2023, 11, 20), dt.date(2024, 11, 25), dt.date(2025, 2, 20)),
        # Never seen, 16 months old: the 15-month visit, overdue now.
        (dt.date(2023, 9, 1), None, dt.date(2024, 12, 1)),
    ],
)
def test_next_well_child_visit_follows_bright_futures_as_of_the_list(
    birth: dt.date, last: dt.date | None, due: dt.date
) -> None:
    assert _next_due(birth, last, dt.date(2025, 1, 1)) == due


def test_the_protocol_has_a_call_script_in_every_threshold_language(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from wellchild.documents.referral import Practice
    from wellchild.documents.typeset import write
    from wellchild.outreach.packets import protocol_data

    practice = Practice("P1", "Lennox Clinic", "(310) 555-0101", "06037")
    data = protocol_data(practice, dt.date(2025, 1, 1), 10, region(), ["hmn"])
    la = region().county("06037").threshold_languages
    assert [s["name"] for s in data["scripts"]] == [catalogue(t).name for t in [*la, "hmn"]]
    for script in data["scripts"][1 : len(la)]:
        assert "Lennox Clinic" in script["lines"][0]
        assert not any(line.startswith(FALLBACK_MARK) for line in script["lines"])
    text = "".join(
        page.extract_text() for page in PdfReader(write("protocol", data, tmp_path / "p.pdf")).pages
    )
    assert "dental_after_pcp" not in text
    assert "wellchild" not in text.replace("wellchild.", "")
    assert "one row to the referral register for every status change" in " ".join(text.split())
