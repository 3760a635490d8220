"""The hub's building blocks on their own: schedule, calendar, uploads, search, settings."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import factories as make
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from wellchild.errors import ConfigError
from wellchild.hub import conf, uploads
from wellchild.hub.library import domain as library
from wellchild.hub.library.models import Resource
from wellchild.hub.meetings import domain as meetings
from wellchild.hub.meetings.models import Material


def test_a_bimonthly_series_keeps_its_weekday_and_local_time() -> None:
    first = dt.datetime(2025, 11, 11, 10, 0, tzinfo=meetings.PACIFIC)  # 2nd Tuesday
    dates = meetings.occurrences(first, interval_months=2, count=4)
    assert [(d.date().isoformat(), d.hour, d.weekday()) for d in dates] == [
        ("2025-11-11", 10, 1),
        ("2026-01-13", 10, 1),
        ("2026-03-10", 10, 1),
        ("2026-05-12", 10, 1),
    ]


def test_a_fifth_weekday_falls_back_to_the_last() -> None:
    first = dt.datetime(2025, 9, 30, 9, 0, tzinfo=meetings.PACIFIC)  # 5th Tuesday
    assert meetings.occurrences(first, interval_months=1, count=2)[1].date() == dt.date(
        2025, 10, 28
    )


def test_the_feed_is_valid_icalendar_with_every_meeting() -> None:
    make.meeting("Kick-off", days_from_now=-30)
    make.meeting("Second session", days_from_now=30, join_url="https://meet.example.org/x")
    response = Client().get(reverse("meetings:feed"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Kick-off", "Second session"]


def _office(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("report.pdf", b"%PDF-1.7 body", None),
        ("deck.pptx", _office("ppt/"), None),
        ("table.xlsx", _office("xl/"), None),
        ("letter.docx", _office("word/"), None),
        ("photo.jpg", b"\xff\xd8\xff\xe0 jpeg", None),
        ("page.html", b"<html><script>alert(1)</script>", "Only PDF"),
        ("fake.pdf", b"<html>", "Only PDF"),
        ("deck.pdf", _office("ppt/"), "named .pdf but its content is PPTX"),
        ("archive.docx", b"PK\x03\x04 not a zip", "Only PDF"),
    ],
)
def test_uploads_are_judged_by_their_bytes(name: str, content: bytes, problem: str | None) -> None:
    upload = SimpleUploadedFile(name, content)
    if problem is None:
        uploads.validate_upload(upload)
    else:
        with pytest.raises(ValidationError, match=problem):
            uploads.validate_upload(upload)


def test_uploads_over_25_mb_are_refused() -> None:
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (uploads.MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="25 MB"):
        uploads.validate_upload(upload)


def test_downloads_are_attachments_that_never_render() -> None:
    item = make.meeting("With slides", days_from_now=-3)
    material = Material(meeting=item, title="Slides", kind="slides")
    material.file.save("slides.pdf", io.BytesIO(b"%PDF-1.4 x"), save=True)
    response = Client().get(reverse("meetings:material", args=[item.slug, material.id]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_full_text_search_ranks_and_filters() -> None:
    make.resource(
        "Dental referral pad", summary="A form for dentist referrals", tags=("dental",), kind="form"
    )
    make.resource(
        "Well-child checklist",
        summary="Schedule every visit before 15 months",
        tags=("well-child",),
    )
    make.resource(
        "Guía de visitas",
        summary="Visitas de niño sano para familias",
        tags=("well-child", "family-materials"),
        language="es",
        kind="brochure",
    )
    titles = lambda found: sorted(r.title for r in found)  # noqa: E731
    assert titles(library.search("dental")) == ["Dental referral pad"]
    assert titles(library.search("visit")) == ["Guía de visitas", "Well-child checklist"]
    assert titles(library.search("visit", language="es")) == ["Guía de visitas"]
    assert titles(library.search("", tag="well-child")) == [
        "Guía de visitas",
        "Well-child checklist",
    ]
    assert titles(library.search("familias")) == ["Guía de visitas"]  # tag names, Spanish
    assert titles(library.search('"); DROP TABLE x; --')) == []
    assert titles(library.search("dental form", kind="form")) == ["Dental referral pad"]


def test_search_finds_other_forms_of_a_word() -> None:
    """Stemming: what people type need not be the word the text has."""
    make.resource("Dental pad", summary="A form for each referral to a dentist", kind="form")
    make.resource("Checklist", summary="Schedule every visit before 15 months")
    make.resource("Guía", summary="Recordatorios de citas para familias", language="es")
    titles = lambda found: sorted(r.title for r in found)  # noqa: E731
    assert titles(library.search("referrals")) == ["Dental pad"]
    assert titles(library.search("referral")) == ["Dental pad"]
    assert titles(library.search("visits scheduled")) == ["Checklist"]
    assert titles(library.search("dentists")) == ["Dental pad"]
    assert titles(library.search("recordatorio")) == ["Guía"]


def _docx(text: str) -> bytes:
    """A Word file as Word writes its text: word/document.xml inside a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def test_search_reads_the_words_inside_uploaded_files() -> None:
    from weasyprint import HTML

    pdf = HTML(string="<p>Apply fluoride varnish at every well-child visit.</p>").write_pdf()
    handout = make.resource("Handout", summary="For clinics")
    handout.file.save("handout.pdf", ContentFile(pdf), save=True)
    library.reindex(resource=handout)
    guide = make.resource("Guide", summary="For families")
    guide.file.save("guide.docx", ContentFile(_docx("Breastfeeding and lactation support")))
    library.reindex(resource=guide)
    broken = make.resource("Broken", summary="For nobody")
    broken.file.save("broken.pdf", ContentFile(b"%PDF-1.4 not really"), save=True)
    library.reindex(resource=broken)  # indexed by its title and summary, without an error

    titles = lambda found: sorted(r.title for r in found)  # noqa: E731
    assert titles(library.search("varnishes")) == ["Handout"]
    assert titles(library.search("lactation")) == ["Guide"]
    assert titles(library.search("nobody")) == ["Broken"]
    assert "fluoride varnish" in Resource.objects.get(pk=handout.pk).search_text


def test_database_url_selects_postgresql(tmp_path: Path) -> None:
    db = conf.database(
        {"DATABASE_URL": "postgres://hub:p%40ss@db.internal:5433/hub?sslmode=require"},
        data_dir=tmp_path,
    )
    assert (
        db["ENGINE"],
        db["USER"],
        db["PASSWORD"],
        db["HOST"],
        db["PORT"],
        db["NAME"],
        db["OPTIONS"],
    ) == (
        "django.db.backends.postgresql",
        "hub",
        "p@ss",
        "db.internal",
        "5433",
        "hub",
        {"sslmode": "require"},
    )
    secret = tmp_path / "url"
    secret.write_text("postgresql://u@h/n\n")
    assert conf.database({"DATABASE_URL_FILE": str(secret)}, data_dir=tmp_path)["NAME"] == "n"
    with pytest.raises(ConfigError, match="postgresql://"):
        conf.database({"DATABASE_URL": "mysql://x/y"}, data_dir=tmp_path)
