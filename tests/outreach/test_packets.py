"""Referral packets in bulk: a form set on its blank is the page the whole form gives, in
every script and direction; a value that would not sit on the blank gets the whole form;
pages are numbered as Typst would number them."""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader

from wellchild.documents.brochure import brochure_data
from wellchild.documents.packets import PacketPrinter
from wellchild.documents.typeset import fonts
from wellchild.geography.regions import region

LA = "06037"
LANGUAGES = ("en", "es", "fa", "ar", "km", "zh-Hant", "hy")
FOOTER = "Happy Kids Community Health (P00057) · as of 2025-12-31 · CONFIDENTIAL"
OFFICES = [
    {"name": "Kim Family Dentistry", "address": "2815 Lancaster Blvd Ste 220, Long Beach 90810",
     "phone": "(747) 555-0111", "languages": "en, es, km", "distance": "4.5 km"},
    {"name": "Echo Park Children's Dentistry", "address": "2844 Roscoe Blvd, Wilmington 90744",
     "phone": "(661) 555-0101", "languages": "en, es", "distance": "7.4 km"},
    {"name": "Truong & Khiev Dental Group", "address": "2171 Cesar E Chavez Ave, Torrance 90501",
     "phone": "(747) 555-0110", "languages": "en, es, vi, zh-Hant, ko", "distance": "11.7 km"},
]  # fmt: skip


def form(language: str, n: int, **child: str) -> dict[str, Any]:
    return {
        "language": language,
        "child": {"name": f"Sophea Mao {n}", "birth_date": "2022-07-29",
                  "member_id": f"9{n:07d}B"} | child,
        "practice": {"name": "Happy Kids Community Health", "phone": "(626) 555-0198",
                     "clinician": "Arnel Magbanua MD"},
        "dentists": copy.deepcopy(OFFICES[: 1 + n % 3]),
    }  # fmt: skip


@pytest.fixture(scope="module")
def printer(tmp_path_factory: pytest.TempPathFactory) -> PacketPrinter:
    phones = region().phone_lines(region().county(LA))
    brochures = {tag: brochure_data(tag, phones) for tag in LANGUAGES}
    return PacketPrinter(tmp_path_factory.mktemp("packets"), brochures)


def pictures(pdf: bytes, folder: Path) -> list[Image.Image]:
    """The PDF's pages as Typst draws them, in grey, at 60 pixels per inch."""
    import typst

    (folder / "doc.pdf").write_bytes(pdf)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    source = "#set page(width: 8.5in, height: 11in, margin: 0pt)\n" + "\n#pagebreak()\n".join(
        f'#image("doc.pdf", page: {k}, width: 100%)' for k in range(1, pages + 1)
    )
    (folder / "show.typ").write_text(source, encoding="utf-8")
    drawn = typst.compile(str(folder / "show.typ"), format="png", ppi=60, font_paths=fonts())
    drawn = drawn if isinstance(drawn, list) else [drawn]
    return [Image.open(io.BytesIO(png)).convert("L") for png in drawn]


def assert_same_pages(a: bytes, b: bytes, folder: Path) -> None:
    first, second = pictures(a, folder), pictures(b, folder)
    assert len(first) == len(second)
    for page, (x, y) in enumerate(zip(first, second, strict=True), start=1):
        assert x.size == y.size
        difference = ImageStat.Stat(ImageChops.difference(x, y)).mean[0]
        assert difference < 0.5, f"page {page} differs ({difference:.2f}/255)"


def test_forms_on_their_blanks_are_the_whole_forms(printer: PacketPrinter, tmp_path: Path) -> None:
    forms = [form(tag, n) for n, tag in enumerate(LANGUAGES)]
    on_blanks = printer.render(forms, footer=FOOTER)
    assert any(printer.on_blank)
    whole = printer.render(forms, footer=FOOTER, on_blanks=False)
    assert printer.on_blank == (False,) * len(forms)
    assert_same_pages(on_blanks, whole, tmp_path)


def test_a_value_that_would_move_the_form_gets_the_whole_form(
    printer: PacketPrinter, tmp_path: Path
) -> None:
    long = "Maria Guadalupe de los Angeles Hernandez-Villalobos y Castaneda"
    forms = [
        form("es", 1),
        # Wraps onto a second line.
        form("es", 2, name=long),
        # No Latin letter, so measured alone: its CJK font makes the line taller.
        form("zh-Hant", 3, name="陳小明"),
        # An empty field keeps the height of its line: the blank serves.
        form("fa", 4, name=""),
    ]
    on_blanks = printer.render(forms, footer=FOOTER)
    assert printer.on_blank == (True, False, False, True)
    whole = printer.render(forms, footer=FOOTER, on_blanks=False)
    assert_same_pages(on_blanks, whole, tmp_path)


def test_every_packet_is_its_form_then_its_brochure_numbered(printer: PacketPrinter) -> None:
    forms = [form("km", 1), form("hmn", 2), form("ar", 3)]
    reader = PdfReader(io.BytesIO(printer.render(forms, footer=FOOTER)))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == 6
    for page in (0, 2, 4):
        assert f"{page + 1} / 6" in texts[page]
        assert FOOTER.split(" · ")[0] in texts[page]
    assert "Sophea Mao 1" in texts[0]
    assert "Office copy · English" in texts[0]
    # Hmong has no catalogue or brochure: its form is in marked English, then the
    # English brochure.
    assert "[EN]" in texts[2]
    assert "Healthy teeth start early" in texts[3]
    assert "90000003B" in texts[4]


def test_no_forms_is_a_user_error(printer: PacketPrinter) -> None:
    from wellchild.errors import WellchildError

    with pytest.raises(WellchildError, match="No referral forms"):
        printer.render([], footer=FOOTER)
