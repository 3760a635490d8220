"""Every Los Angeles threshold language typesets with its own script, its Noto font
embedded, right to left where it should be, and the translation status in the footer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from wellchild.cli import app
from wellchild.documents.brochure import BROCHURE_KEYS, write_brochure
from wellchild.documents.catalogue import FALLBACK_MARK, catalogue
from wellchild.geography.regions import region

LA = "06037"
# A character class of each language's script, and the font family that must carry it.
SCRIPTS = {
    "en": (r"[A-Za-z]", "NotoSans-"),
    "es": (r"[áéíóúñ]", "NotoSans-"),
    "hy": (r"[\u0530-\u058F]", "NotoSansArmenian"),
    "zh-Hant": (r"[齒從開]", "NotoSansCJKtc"),
    "zh-Hans": (r"[齿从开]", "NotoSansCJKsc"),
    "ko": (r"[\uAC00-\uD7AF]", "NotoSansCJKkr"),
    "vi": (r"[ăâêôơưạảấầẩậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", "NotoSans-"),
    "tl": (r"[A-Za-z]", "NotoSans-"),
    "fa": (r"[\u06CC\u06A9\u067E]", "NotoNaskhArabic"),  # Persian ye, keheh, pe
    "ru": (r"[\u0400-\u04FF]", "NotoSans-"),
    "km": (r"[\u1780-\u17FF]", "NotoSansKhmer"),
    "ar": (r"[\u0600-\u06FF]", "NotoNaskhArabic"),
}


def fonts(reader: PdfReader) -> set[str]:
    """Base names of the fonts embedded on the first page (with a font file)."""
    found = set()
    resources = reader.pages[0]["/Resources"]["/Font"]
    for ref in resources.values():
        font = ref.get_object()
        for desc in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
            descriptor = desc.get("/FontDescriptor")
            if descriptor is None:
                continue
            descriptor = descriptor.get_object()
            if any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                found.add(str(desc["/BaseFont"]).split("+")[-1])
    return found


def test_every_la_threshold_language_has_a_check() -> None:
    assert sorted(SCRIPTS) == sorted(region().county(LA).threshold_languages)


@pytest.mark.parametrize("tag", sorted(SCRIPTS))
def test_brochure_shows_its_script_with_its_font(tag: str, tmp_path: Path) -> None:
    pattern, family = SCRIPTS[tag]
    path = write_brochure(tag, region().phone_lines(region().county(LA)), tmp_path / f"{tag}.pdf")
    reader = PdfReader(path)
    text = reader.pages[0].extract_text()
    assert re.search(pattern, text), f"{tag}: no character of its script in the PDF text"
    assert catalogue(tag).status_line(BROCHURE_KEYS).split(",")[1].strip() in text
    assert FALLBACK_MARK.strip() not in text
    embedded = fonts(reader)
    assert any(f.startswith(family) for f in embedded), f"{tag}: {family} not in {embedded}"
    assert "1-800-322-6384" in text


def test_a_language_without_catalogue_falls_back_to_marked_english(tmp_path: Path) -> None:
    phones = region().phone_lines(region().county("06067"))
    path = write_brochure("hmn", phones, tmp_path / "hmn.pdf")
    text = PdfReader(path).pages[0].extract_text()
    assert f"{FALLBACK_MARK.strip()} Healthy teeth start early" in text
    assert "missing, shown in English" in text


def test_every_catalogue_has_every_english_key() -> None:
    english = set(catalogue("en").messages)
    for tag in SCRIPTS:
        own = catalogue(tag)
        assert set(own.messages) == english
        assert not [k for k, m in own.messages.items() if m.fallback], tag


def test_brochure_command(tmp_path: Path) -> None:
    out = tmp_path / "ar.pdf"
    result = CliRunner().invoke(
        app, ["brochure", "--language", "ar", "--county", LA, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert PdfReader(out).pages[0].extract_text()
    bad = CliRunner().invoke(
        app, ["brochure", "--language", "ar", "--out", str(tmp_path / "x.doc")]
    )
    assert ".pdf or .png" in str(bad.exception)


def test_farsi_brochure_matches_the_reviewed_page() -> None:
    """The right-to-left page as rendered now against the image a reviewer checked
    (tests/outreach/data/brochure-fa-reviewed.png): same size, nearly the same pixels."""
    import io

    from PIL import Image, ImageChops, ImageStat

    from wellchild.documents.brochure import brochure_data
    from wellchild.documents.typeset import render

    data = brochure_data("fa", region().phone_lines(region().county(LA)))
    now = Image.open(io.BytesIO(render("brochure", data, fmt="png", ppi=60))).convert("L")
    reviewed = Image.open(Path(__file__).parent / "data" / "brochure-fa-reviewed.png").convert("L")
    assert now.size == reviewed.size
    difference = ImageStat.Stat(ImageChops.difference(now, reviewed)).mean[0]
    assert difference < 2.0, f"the page differs from the reviewed image ({difference:.2f}/255)"


def test_documents_import_nothing_from_outreach() -> None:
    """Outreach feeds the documents, never the other way round: a document takes its
    data (phone lines, forms) as plain values."""
    import ast

    import wellchild.documents

    folder = Path(wellchild.documents.__file__).parent
    imported = {
        f"{path.name}: {node.module}"
        for path in sorted(folder.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wellchild.")
    }
    assert [i for i in sorted(imported) if "wellchild.outreach" in i] == []


@pytest.mark.parametrize("tag", ["ar", "fa"])
def test_a_right_to_left_form_keeps_latin_values_in_their_order(tag: str) -> None:
    """Phones, addresses and distances on an Arabic or Farsi copy read as written, not
    reordered by the paragraph's direction ("555-0199 (310)", "mi 1.2")."""
    from io import BytesIO

    from wellchild.documents.referral import referral_data
    from wellchild.documents.typeset import render

    dentist = {
        "name": "Smile Dental Group",
        "address": "4521 W. Century Blvd, Inglewood, CA 90304",
        "phone": "(310) 555-0199",
        "languages": "English, Arabic",
        "distance": "1.2 mi",
    }
    form = {
        "language": tag,
        "child": {"name": "Maria Lopez", "birth_date": "2022-03-14", "member_id": "91234567A"},
        "practice": {"name": "Lennox Clinic", "phone": "(310) 555-0101", "clinician": "Dr. Park"},
        "dentists": [dentist],
    }
    pdf = render("referral", referral_data(form, note="test"))
    text = PdfReader(BytesIO(pdf)).pages[0].extract_text()
    family_copy = text.split("Office copy")[0]
    for value in ("(310) 555-0199", "1.2 mi", "4521 W. Century Blvd", "(310) 555-0101"):
        assert value in family_copy, value
    assert "555-0199 (310)" not in text
