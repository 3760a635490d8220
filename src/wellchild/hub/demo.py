"""The hub's part of ``wellchild demo``: synthetic content (organizations, people,
meetings, materials and resources), the demo's measure run published on the dashboards
with its outreach folders in the practice portal, and the demo logins.

Every name is invented and every address is at example.org (reserved for examples), so
nothing here is about a real person or organization.

The demo hub keeps its database between runs of the demo. When a new demo run differs
from the one published before under the same label, the earlier one is withdrawn and
renamed, as a coordinator would do, so the label shows the newest figures.

This module is imported before Django is set up (:func:`prepare` sets it up), so the
models and the apps' modules are imported inside the functions that use them.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from wellchild.hub import setup, setup_site
from wellchild.hub.demo_login import DEMO_PASSWORD

if TYPE_CHECKING:
    from wellchild.hub.community.models import Organization

ORGANIZATIONS = [
    (
        "Statewide Office of Child Health Programs",
        "state-agencies",
        "Sacramento",
        "Runs the Medi-Cal children's preventive care programs and shares data with the "
        "learning community.",
    ),
    (
        "Golden Valley Health Plan",
        "managed-care-plans",
        "Los Angeles",
        "A Medi-Cal managed care plan serving families in Los Angeles County.",
    ),
    (
        "Sierra Foothills Health Plan",
        "managed-care-plans",
        "Amador",
        "A regional Medi-Cal plan working on infant well-child visits and dental referrals.",
    ),
    (
        "Riverbend Family Clinic",
        "health-care-providers",
        "Sacramento",
        "A community clinic for children and families; pediatrics and dental care.",
    ),
    (
        "Harbor Pediatrics Group",
        "health-care-providers",
        "Los Angeles",
        "Pediatric practices that refer young children to dentists with a prescription pad.",
    ),
    (
        "Kids First Coalition",
        "stakeholders-advocates",
        "Fresno",
        "Parents and advocates for children's health coverage and preventive care.",
    ),
]

PEOPLE = {
    "Golden Valley Health Plan": [
        ("Ana Rivera", "Quality improvement lead", True),
        ("Ben Okafor", "Data analyst", False),
        ("Carla Nguyen", "Provider relations", False),
    ],
    "Riverbend Family Clinic": [
        ("Dana Patel", "Medical director", True),
        ("Eli Moreno", "Care coordinator", False),
    ],
    "Kids First Coalition": [("Fatima Hassan", "Program director", True)],
}

RESOURCES = [
    (
        "Well-child visits in the first 15 months: a practice checklist",
        "protocol",
        "en",
        ["well-child", "quality-improvement"],
        "A one-page checklist for front-desk staff to schedule the six well-child visits "
        "before 15 months, with reminder calls and missed-appointment follow-up.",
    ),
    (
        "Lista de visitas de niño sano para familias",
        "brochure",
        "es",
        ["well-child", "family-materials"],
        "Folleto para familias sobre las visitas de niño sano del primer año y por qué "
        "importan las vacunas y los exámenes del desarrollo.",
    ),
    (
        "Dental referral prescription pad",
        "form",
        "en",
        ["dental", "family-materials"],
        "The referral form a pediatrician gives a family to take to a Medi-Cal dentist, "
        "with space for fluoride varnish and the next visit date.",
    ),
    (
        "First dental visit by age one: brochure for parents",
        "brochure",
        "en",
        ["dental", "family-materials"],
        "Why a child should see a dentist by the first birthday, what happens at the visit, "
        "and how to find a dentist who accepts Medi-Cal.",
    ),
    (
        "Run charts for infant well-child visits: how to read them",
        "toolkit",
        "en",
        ["quality-improvement", "data"],
        "How the learning community's run charts are built, which rules signal a real change, "
        "and how PDSA cycles are marked on them.",
    ),
    (
        "Baseline rates of two or more visits by 6 months, by county",
        "data",
        "en",
        ["data", "well-child"],
        "Synthetic baseline rates for the intervention counties, with confidence intervals "
        "and suppressed small cells, to practise reading the dashboards.",
    ),
    (
        "Medical-dental collaboration pilot: evaluation report",
        "report",
        "en",
        ["dental", "quality-improvement", "data"],
        "How practices found children with no dental visit in a year, referred them, and "
        "followed each referral to its outcome within six months.",
    ),
    (
        "Guía de mejora de la calidad para clínicas",
        "toolkit",
        "es",
        ["quality-improvement"],
        "Ciclos PDSA paso a paso para equipos de clínica que quieren aumentar las visitas "
        "de niño sano de los bebés.",
    ),
]


def demo_pdf(text: str) -> bytes:
    """A one-page PDF saying ``text``: enough for the demo's downloads to open in a viewer
    and for the library's search to read (a cross-reference table and a text stream)."""
    safe = text.encode("latin-1", "replace").replace(b"\\", b"\\\\")
    safe = safe.replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 16 Tf 72 720 Td (" + safe + b") Tj ET"
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</Font<</F1 5 0 R>>>>"
        b"/Contents 4 0 R>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@dataclass
class DemoLogins:
    password: str = DEMO_PASSWORD
    accounts: dict[str, str] = field(default_factory=dict)


def load_demo(*, today: dt.date | None = None) -> DemoLogins:
    """Fill an empty hub with demo content; running it again adds nothing."""
    # Django set-up: prepare() sets Django up after this module is imported
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from wellchild.hub.community.models import Organization
    from wellchild.hub.library import domain as library
    from wellchild.hub.library.models import Resource, Tag
    from wellchild.hub.mailing.models import Subscriber
    from wellchild.hub.meetings import domain as meetings
    from wellchild.hub.meetings.models import Material, Series
    from wellchild.hub.portal.demo import attach_demo_staff
    from wellchild.hub.setup_site import create_coordinator

    today = today or timezone.localdate()
    now = timezone.now()
    logins = DemoLogins()
    create_coordinator(
        email="coordinator@example.org", password=DEMO_PASSWORD, name="Casey Coordinator"
    )
    logins.accounts["coordinator"] = "coordinator@example.org"
    if Organization.objects.exists():
        logins.accounts.update(_demo_accounts())
        attach_demo_staff()
        return logins
    for name, category, county, description in ORGANIZATIONS:
        org = Organization.objects.create(
            name=name,
            slug=_slug(name),
            category=category,
            county=county,
            website=f"https://{_slug(name)}.example.org",
            description=description,
            approved_at=now,
        )
        for person_name, title, admin in PEOPLE.get(name, []):
            _demo_person(person_name, title, org=org, admin=admin)
    Organization.objects.create(
        name="Northern Counties Oral Health Network",
        slug="northern-counties-oral-health",
        category="stakeholders-advocates",
        county="Shasta",
        description="Waiting for approval: shows how a coordinator approves an organization.",
    )
    _demo_person("Gil Santos", "Community health worker", org=None, admin=False)
    # The nurse joins the biggest practice's staff now if a run is published already,
    # else when the demo calls attach_demo_staff() again after publishing.
    attach_demo_staff()
    logins.accounts.update(_demo_accounts())

    first = dt.datetime.combine(
        _second_tuesday(today, months_back=4), dt.time(10, 0), tzinfo=meetings.PACIFIC
    )
    series = Series.objects.create(
        title="Learning community meeting",
        description="1. Progress on the aim: two or more visits by 6 months\n"
        "2. A practice shares a PDSA cycle\n3. Data: reading the run charts",
        first_starts_at=first,
        duration_minutes=90,
        interval_months=2,
        count=6,
        join_url="https://meet.example.org/wellchild-learning-community",
    )
    for meeting in meetings.schedule(series=series):
        if meeting.is_past:
            slides = Material(meeting=meeting, title="Slides", kind=Material.Kind.SLIDES)
            slides.file.save(
                f"{meeting.slug}-slides.pdf", ContentFile(demo_pdf(meeting.title)), save=True
            )
            Material.objects.create(
                meeting=meeting,
                title="Recording",
                kind=Material.Kind.RECORDING,
                url="https://video.example.org/wellchild/recording",
            )
            Material.objects.create(
                meeting=meeting,
                title="Notes and action items",
                kind=Material.Kind.NOTES,
                url="https://docs.example.org/wellchild/notes",
            )

    for n, (title, kind, language, tags, summary) in enumerate(RESOURCES):
        resource = Resource.objects.create(
            title=title,
            slug=_slug(title),
            summary=summary,
            kind=kind,
            language=language,
            published_on=today - dt.timedelta(days=20 * n + 3),
        )
        resource.tags.set(Tag.objects.filter(slug__in=tags))
        if n % 3 == 0:
            resource.file.save(f"{resource.slug}.pdf", ContentFile(demo_pdf(summary)), save=True)
        library.reindex(resource=resource)

    Subscriber.objects.create(
        email="subscriber@example.org", name="Sam Subscriber", confirmed_at=now
    )
    return logins


def _demo_person(name: str, title: str, *, org: Organization | None, admin: bool) -> None:
    # Django set-up: prepare() sets Django up after this module is imported
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from wellchild.hub.community.models import Person

    email = f"{name.split()[0].lower()}@example.org"
    user = get_user_model().objects.create_user(username=email, email=email, password=DEMO_PASSWORD)
    Person.objects.create(
        user=user,
        name=name,
        title=title,
        organization=org,
        membership_confirmed=org is not None,
        is_org_admin=admin,
        email_confirmed_at=timezone.now(),
    )


def _demo_accounts() -> dict[str, str]:
    return {
        "organization admin": "ana@example.org",
        "member": "ben@example.org",
        "person without an org": "gil@example.org",
        "practice staff": "nurse@example.org",
    }


def _slug(text: str) -> str:
    # Django is the hub's optional dependency: this module is imported without it
    from django.utils.text import slugify

    return slugify(text)[:200]


def _second_tuesday(today: dt.date, *, months_back: int) -> dt.date:
    months = today.year * 12 + today.month - 1 - months_back
    year, month = divmod(months, 12)
    first = dt.date(year, month + 1, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)


def prepare(data_dir: Path, *, console: Console) -> None:
    """``wellchild demo``'s hub step: a demo site in ``data_dir``, ready for ``hub serve``."""
    os.environ["WELLCHILD_HUB_DATA_DIR"] = str(data_dir)
    setup_site.prepare_data_dir(data_dir, production=False)
    setup()
    setup_site.migrate(quiet=True)
    logins = load_demo()
    console.print(f"Hub database and files: {data_dir.resolve()}")
    console.print(f"Demo mail outbox (open the .log files): {(data_dir / 'outbox').resolve()}")
    console.print(f"Demo logins, password {logins.password}:")
    for role, login in logins.accounts.items():
        console.print(f"  {role:<22} {login}")


@dataclass(frozen=True)
class Published:
    label: str
    slug: str
    nurse: str
    practice: str | None


def publish_demo(run_dir: Path, *, outreach_dir: Path, db: Path, label: str) -> Published:
    """Publish ``run_dir`` publicly as ``label`` and attach the demo practice login."""
    # Django set-up: the apps' modules import their models
    from wellchild.hub.data import publishing
    from wellchild.hub.data.models import Run
    from wellchild.hub.portal.demo import attach_demo_staff
    from wellchild.measures.runfolder import read_run

    folder = read_run(run_dir)
    earlier = Run.objects.filter(label=label).exclude(fingerprint=folder.fingerprint).first()
    if earlier is not None:
        if earlier.withdrawn_at is None:
            publishing.withdraw_run(label=label)
            earlier.refresh_from_db()
        earlier.label = f"{label}, withdrawn {earlier.withdrawn_at:%Y-%m-%d %H:%M:%S}"
        earlier.save(update_fields=["label"])
    series = None
    if not Run.objects.filter(fingerprint=folder.fingerprint).exists():
        series = publishing.prepare_series(folder, db=db, months=publishing.DEFAULT_MONTHS)
    outcome = publishing.publish_run(
        folder=folder, label=label, public=True, series=series, outreach_dir=outreach_dir, db=db
    )
    staff = attach_demo_staff()
    return Published(
        label=outcome.run.label, slug=outcome.run.slug, nurse=staff.email, practice=staff.practice
    )


def add_resource(
    title: str, summary: str, pdf: Path, *, kind: str = "report", tags: tuple[str, ...] = ()
) -> str:
    """Put a document the demo wrote (such as the pilot's evaluation report) in the
    hub's resource library, replacing an earlier copy of the same title; its slug."""
    # Django set-up: prepare() sets Django up after this module is imported
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from wellchild.hub.library import domain as library
    from wellchild.hub.library.models import Resource, Tag

    slug = _slug(title)
    resource, _ = Resource.objects.update_or_create(
        slug=slug,
        defaults={"title": title, "summary": summary, "kind": kind, "language": "en",
                  "published_on": timezone.localdate()},
    )  # fmt: skip
    resource.tags.set(Tag.objects.filter(slug__in=tags))
    if resource.file:
        resource.file.delete(save=False)
    resource.file.save(f"{slug}.pdf", ContentFile(pdf.read_bytes()), save=True)
    library.reindex(resource=resource)
    return slug
