"""The practice portal by persona: staff of practice A, a colleague in A, staff of
practice B, the admin of A's organization, a coordinator and an anonymous visitor, over
every address of the portal, after seeding children with the same names in A and B.

Every URL pattern of the portal is listed in exactly one of the groups below; a new
address without a persona check fails ``test_every_portal_address_is_checked``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from portal_factories import (
    KIDS,
    PRACTICE_A,
    PRACTICE_B,
    World,
    fast_passwords,  # noqa: F401  (autouse)
    world,
)
from pypdf import PdfReader

from wellchild.hub.portal import urls
from wellchild.hub.portal.models import AuditEvent, Child, OutreachRecord, Practice

BACKEND = "django.contrib.auth.backends.ModelBackend"
PERSONAS = ("A nurse", "A colleague", "B nurse", "A org admin", "coordinator", "anonymous")

# Addresses of one practice's member-level data, built from that practice and a child of it.
Owned = Callable[[Practice, Child], str]
OWNED: dict[str, Owned] = {
    "gap-list": lambda p, c: reverse("portal:gap-list", args=[p.key]),
    "gap-list-xlsx": lambda p, c: reverse("portal:gap-list-xlsx", args=[p.key]),
    "register-csv": lambda p, c: reverse("portal:register-csv", args=[p.key]),
    "measures": lambda p, c: reverse("portal:measures", args=[p.key]),
    "child": lambda p, c: reverse("portal:child", args=[c.key]),
    "referral-pdf": lambda p, c: reverse("portal:referral-pdf", args=[c.key]),
    "brochure-pdf": lambda p, c: reverse("portal:brochure-pdf", args=[c.key]),
}
# Managing a practice's staff: its organization's admins and coordinators.
MANAGED: dict[str, Owned] = {"staff": lambda p, c: reverse("portal:staff", args=[p.key])}
COORDINATORS_ONLY = {"audit": "/practice/audit/", "audit-csv": "/practice/audit/audit-log.csv"}
SIGNED_IN = {"home": "/practice/"}


@pytest.fixture
def w(tmp_path: Path) -> World:
    return world(tmp_path)


@pytest.fixture
def clients(w: World) -> dict[str, Client]:
    found = {"anonymous": Client()}
    for who, user in w.users.items():
        found[who] = Client(REMOTE_ADDR="203.0.113.7")
        found[who].force_login(user, backend=BACKEND)
    return found


def _names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/practice/children/[^"]+/">([^<]+)</a>', html)


def _code(client: Client, url: str) -> Any:
    response = client.get(url)
    if response.status_code == 302:
        return ("redirect", response["Location"].split("?")[0])
    return response.status_code


def test_every_portal_address_is_checked() -> None:
    names = {p.name for p in urls.urlpatterns}
    checked = set(OWNED) | set(MANAGED) | set(COORDINATORS_ONLY) | set(SIGNED_IN)
    assert names == checked


def test_member_level_addresses_answer_only_their_practice_staff(
    w: World, clients: dict[str, Client]
) -> None:
    login = ("redirect", reverse("login"))
    owners = {PRACTICE_A: {"A nurse", "A colleague"}, PRACTICE_B: {"B nurse"}}
    for practice, member in ((w.a, "M1001"), (w.b, "M2001")):
        for name, build in OWNED.items():
            url = build(practice, w.child(member))
            seen = {who: _code(clients[who], url) for who in PERSONAS}
            expected = {
                who: 200 if who in owners[practice.practice_id] else 404 for who in PERSONAS
            }
            assert seen == expected | {"anonymous": login}, (name, practice.practice_id)
    # Nothing of the refusals was recorded as a read: only the owners' requests were.
    assert {e.user_email for e in AuditEvent.objects.all()} == {
        w.users[who].email for who in ("A nurse", "A colleague", "B nurse")
    }


def test_guessed_and_member_id_addresses_are_404(w: World, clients: dict[str, Client]) -> None:
    nurse = clients["A nurse"]
    for url in (
        "/practice/children/M1001/",
        f"/practice/{PRACTICE_A}/",
        "/practice/children/AAAAAAAAAAAAAAAAAAAAAA/referral.pdf",
        f"/practice/{w.a.key[:-1]}x/",
    ):
        assert nurse.get(url).status_code == 404, url


def test_staff_pages_answer_the_organization_admin_and_coordinators(
    w: World, clients: dict[str, Client]
) -> None:
    login = ("redirect", reverse("login"))
    for _name, build in MANAGED.items():
        for practice, managers in ((w.a, {"A org admin", "coordinator"}), (w.b, {"coordinator"})):
            url = build(practice, w.child("M1001"))
            seen = {who: _code(clients[who], url) for who in PERSONAS}
            assert seen == {who: 200 if who in managers else 404 for who in PERSONAS} | {
                "anonymous": login
            }


def test_audit_pages_answer_coordinators_only(clients: dict[str, Client]) -> None:
    login = ("redirect", reverse("login"))
    for url in COORDINATORS_ONLY.values():
        seen = {who: _code(clients[who], url) for who in PERSONAS}
        assert seen == {who: 404 for who in PERSONAS} | {"coordinator": 200, "anonymous": login}


def test_portal_home_by_persona(w: World, clients: dict[str, Client]) -> None:
    seen = {who: _code(clients[who], SIGNED_IN["home"]) for who in PERSONAS}
    assert seen == {
        "A nurse": ("redirect", reverse("portal:gap-list", args=[w.a.key])),
        "A colleague": ("redirect", reverse("portal:gap-list", args=[w.a.key])),
        "B nurse": ("redirect", reverse("portal:gap-list", args=[w.b.key])),
        "A org admin": 200,
        "coordinator": 200,
        "anonymous": ("redirect", reverse("login")),
    }
    html = clients["A org admin"].get("/practice/").content.decode()
    assert "You are not on the staff of any practice" in html
    assert reverse("portal:staff", args=[w.a.key]) in html
    assert reverse("portal:staff", args=[w.b.key]) not in html


def test_the_navigation_shows_the_portal_to_those_who_use_it(clients: dict[str, Client]) -> None:
    shown = {
        who: 'href="/practice/"' in clients[who].get(reverse("profile")).content.decode()
        for who in PERSONAS
        if who != "anonymous"
    }
    assert shown == {
        "A nurse": True,
        "A colleague": True,
        "B nurse": True,
        "A org admin": True,
        "coordinator": True,
    }


def test_each_practice_sees_exactly_its_own_children(w: World, clients: dict[str, Client]) -> None:
    lists = {
        who: _names(clients[who].get(reverse("portal:gap-list", args=[p.key])).content.decode())
        for who, p in (("A nurse", w.a), ("A colleague", w.a), ("B nurse", w.b))
    }
    assert lists == {
        "A nurse": ["Chen, Mei", "Garcia, Ana", "Garcia, Luis"],
        "A colleague": ["Chen, Mei", "Garcia, Ana", "Garcia, Luis"],
        "B nurse": ["Garcia, Ana", "Garcias, Ana"],
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "garcia"}, ["Garcia, Ana", "Garcia, Luis"]),
        ({"q": "ana garcia"}, ["Garcia, Ana"]),
        ({"q": "garcias"}, []),
        ({"language": "es"}, ["Garcia, Ana"]),
        ({"language": "zh-Hant"}, ["Chen, Mei"]),
        ({"age": "2"}, ["Garcia, Luis"]),
        ({"gap": "dental"}, ["Chen, Mei", "Garcia, Ana", "Garcia, Luis"]),
        ({"gap": "w30"}, ["Garcia, Luis"]),
        ({"gap": "wcv"}, ["Garcia, Ana"]),
        ({"status": "none"}, ["Chen, Mei", "Garcia, Ana", "Garcia, Luis"]),
        ({"age": "5"}, ["Chen, Mei", "Garcia, Ana", "Garcia, Luis"]),  # not offered: ignored
        ({"language": "es", "gap": "w30"}, []),
    ],
)
def test_gap_list_filters_and_search(
    w: World, clients: dict[str, Client], query: dict[str, str], expected: list[str]
) -> None:
    html = clients["A nurse"].get(reverse("portal:gap-list", args=[w.a.key]), query)
    assert _names(html.content.decode()) == expected


def test_status_filter_follows_the_latest_record(w: World, clients: dict[str, Client]) -> None:
    nurse = clients["A nurse"]
    for member, status, day in (
        ("M1001", "called", "2026-01-05"),
        ("M1001", "referral given", "2026-01-06"),
        ("M1002", "called", "2026-01-07"),
    ):
        url = reverse("portal:child", args=[w.child(member).key])
        assert nurse.post(url, {"status": status, "date": day}).status_code == 302
    gap_list = reverse("portal:gap-list", args=[w.a.key])
    found = {
        status: _names(nurse.get(gap_list, {"status": status}).content.decode())
        for status in ("referral given", "called", "none")
    }
    assert found == {
        "referral given": ["Garcia, Ana"],
        "called": ["Garcia, Luis"],
        "none": ["Chen, Mei"],
    }


def test_recording_outreach_on_a_child(w: World, clients: dict[str, Client]) -> None:
    ana = w.child("M1001")
    url = reverse("portal:child", args=[ana.key])
    response = clients["A nurse"].post(
        url, {"status": "appointment made", "date": "2026-02-01", "note": "Tuesday 9am"}
    )
    assert response.status_code == 200  # the appointment's date is missing
    assert "Give the date of the appointment." in response.content.decode()
    future = clients["A nurse"].post(url, {"status": "called", "date": "2999-01-01"})
    assert "The date cannot be in the future." in future.content.decode()
    done = clients["A nurse"].post(
        url,
        {
            "status": "appointment made",
            "date": "2026-02-01",
            "appointment_date": "2026-02-10",
            "note": "Tuesday 9am",
        },
    )
    assert done.status_code == 302
    records = [
        (r.status, str(r.date), str(r.appointment_date), r.note, r.recorded_by_email)
        for r in OutreachRecord.objects.all()
    ]
    assert records == [
        ("appointment made", "2026-02-01", "2026-02-10", "Tuesday 9am", w.users["A nurse"].email)
    ]
    page = clients["A colleague"].get(url).content.decode()
    assert "Tuesday 9am" in page
    assert w.users["A nurse"].email in page
    # B's nurse cannot record on A's child either.
    assert clients["B nurse"].post(url, {"status": "seen", "date": "2026-02-11"}).status_code == 404
    assert OutreachRecord.objects.count() == 1


def test_referral_form_and_brochure_in_the_family_language(
    w: World, clients: dict[str, Client]
) -> None:
    ana = w.child("M1001")
    response = clients["A nurse"].get(reverse("portal:referral-pdf", args=[ana.key]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="dental-referral-M1001.pdf"'
    assert response["Cache-Control"].startswith("max-age=0")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Referido dental" in text
    assert "Dental referral" in text
    assert "Ana Garcia" in text
    assert "Smile Kids Dental" in text
    brochure = clients["A nurse"].get(reverse("portal:brochure-pdf", args=[ana.key]))
    assert brochure["Content-Disposition"] == 'attachment; filename="dental-brochure-es.pdf"'
    assert PdfReader(io.BytesIO(brochure.content)).pages[0].extract_text().strip()


def test_xlsx_export_of_the_filtered_list(w: World, clients: dict[str, Client]) -> None:
    response = clients["A nurse"].get(
        reverse("portal:gap-list-xlsx", args=[w.a.key]), {"q": "garcia"}
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="gap-list-{PRACTICE_A}-2025-12-31.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("member_id", "last_name", "first_name")
    assert [r[:3] for r in rows[1:]] == [("M1001", "Garcia", "Ana"), ("M1002", "Garcia", "Luis")]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:W3"
    assert sheet["A1"].font.bold


def test_xlsx_keeps_text_that_looks_like_a_formula_as_text(
    w: World, clients: dict[str, Client]
) -> None:
    response = clients["A nurse"].get(reverse("portal:gap-list-xlsx", args=[w.a.key]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    guardian = [c for c in sheet["G"] if str(c.value).startswith("=")]
    assert [(c.value, c.data_type) for c in guardian] == [('=HYPERLINK("http://x")', "s")]


def test_referral_register_export_reads_back_with_wellchild_referrals_import(
    w: World, clients: dict[str, Client], tmp_path: Path
) -> None:
    from wellchild.outreach.referrals import current, import_file, read_register

    nurse = clients["A nurse"]
    for member, status, day, extra in (
        ("M1001", "called", "2026-01-05", {}),
        ("M1001", "referral given", "2026-01-06", {"note": "gave the form"}),
        ("M1001", "appointment made", "2026-01-08", {"appointment_date": "2026-01-20"}),
        ("M1002", "unreachable", "2026-01-09", {}),
    ):
        url = reverse("portal:child", args=[w.child(member).key])
        nurse.post(url, {"status": status, "date": day, **extra})
    clients["B nurse"].post(
        reverse("portal:child", args=[w.child("M2001").key]),
        {"status": "referral given", "date": "2026-01-06"},
    )
    response = nurse.get(reverse("portal:register-csv", args=[w.a.key]))
    text = response.content.decode()
    assert list(csv.reader(io.StringIO(text))) == [
        ["member_id", "practice_id", "status", "status_date", "appointment_date", "note"],
        ["M1001", PRACTICE_A, "given", "2026-01-06", "", "gave the form"],
        ["M1001", PRACTICE_A, "appointment made", "2026-01-08", "2026-01-20", ""],
        ["M1002", PRACTICE_A, "unreachable", "2026-01-09", "", ""],
    ]
    path = tmp_path / "referral_register.csv"
    path.write_text(text)
    db = tmp_path / "store.duckdb"
    imported = import_file(path, db, {k.member_id for k in KIDS[PRACTICE_A]})
    assert (imported.rows, imported.new) == (3, 3)
    latest = current(read_register(db))
    assert sorted(zip(latest["member_id"], latest["status"], strict=True)) == [
        ("M1001", "appointment made"),
        ("M1002", "unreachable"),
    ]


def test_measures_page_shows_the_practice_rates_and_a_chart(
    w: World, clients: dict[str, Client]
) -> None:
    html = clients["A nurse"].get(reverse("portal:measures", args=[w.a.key])).content.decode()
    table = html[html.index('id="rates"') : html.index("</table>")]
    rows = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    ]
    # A: 3 gap-list children and 2 who met everything; all practices: 5 + 4.
    assert rows == [
        "Dental visit in the last 12 months, ages 1–5 dental_12m MY2025 "
        "5 (few) 2 40% (12–77%) 44% 50%",
        "Well-child visits 15–30 months (two or more) w30_2 MY2025 5 (few) 4 80% (38–96%) 89% –",
        "Well-care visit in the year wcv MY2025 5 (few) 4 80% (38–96%) 78% –",
    ]
    assert '<figure class="chart"><svg role="img"' in html
    wcv = clients["A nurse"].get(reverse("portal:measures", args=[w.a.key]), {"measure": "wcv"})
    assert "<title>Well-care visit in the year: " in wcv.content.decode()


def test_organization_admin_adds_and_removes_staff(w: World, clients: dict[str, Client]) -> None:
    import factories as make

    url = reverse("portal:staff", args=[w.a.key])
    admin = clients["A org admin"]
    outsider = make.person("Otto Outsider")
    refused = admin.post(url, {"action": "add", "email": outsider.email})
    assert "No confirmed member of the practice&#x27;s organization" in refused.content.decode()
    newcomer = make.person("Nell Newcomer", org=w.a.organization)
    reason = "Front desk: calls the families"
    assert (
        admin.post(url, {"action": "add", "email": newcomer.email, "reason": reason}).status_code
        == 302
    )
    staff = {s.user.email: s.added_by for s in w.a.staff.select_related("user")}
    assert staff == {
        w.users["A nurse"].email: None,
        w.users["A colleague"].email: None,
        newcomer.email: w.users["A org admin"],
    }
    client = Client()
    client.force_login(newcomer.user, backend=BACKEND)
    assert client.get(reverse("portal:gap-list", args=[w.a.key])).status_code == 200
    mine = w.a.staff.get(user=newcomer.user)
    left = {"action": "remove", "staff": mine.pk, "reason": "Left the practice"}
    assert admin.post(url, left).status_code == 302
    assert client.get(reverse("portal:gap-list", args=[w.a.key])).status_code == 404
    # The admin of A's organization cannot remove B's staff through A's page.
    b_staff = w.b.staff.get()
    admin.post(url, {"action": "remove", "staff": b_staff.pk, "reason": "mistake"})
    assert w.b.staff.count() == 1


def test_coordinators_add_staff_by_email_in_the_back_office(
    w: World, clients: dict[str, Client]
) -> None:
    import factories as make

    newcomer = make.person("Nell Newcomer")
    existing = w.b.staff.get()
    url = f"/coordinators/portal/practice/{w.b.pk}/change/"
    form = {
        "name": w.b.name,
        "phone": "",
        "county_fips": "06037",
        "organization": "",
        "staff-TOTAL_FORMS": "2",
        "staff-INITIAL_FORMS": "1",
        "staff-MIN_NUM_FORMS": "0",
        "staff-MAX_NUM_FORMS": "1000",
        "staff-0-id": str(existing.pk),
        "staff-0-practice": str(w.b.pk),
        "staff-1-practice": str(w.b.pk),
        "staff-1-reason": "Joins the front desk",
        "grants-TOTAL_FORMS": "0",
        "grants-INITIAL_FORMS": "0",
        "grants-MIN_NUM_FORMS": "0",
        "grants-MAX_NUM_FORMS": "1000",
    }
    coordinator = clients["coordinator"]
    unknown = coordinator.post(url, form | {"staff-1-email": "nobody@example.org"})
    assert "No active hub account has this email." in unknown.content.decode()
    twice = coordinator.post(url, form | {"staff-1-email": w.users["B nurse"].email})
    assert "already on the practice&#x27;s staff" in twice.content.decode()
    added = coordinator.post(url, form | {"staff-1-email": newcomer.email})
    assert added.status_code == 302
    assert sorted((s.user.email, s.added_by) for s in w.b.staff.select_related("user")) == sorted(
        [(w.users["B nurse"].email, None), (newcomer.email, w.users["coordinator"])]
    )
    # The back office shows no child: the portal's member-level models are not there.
    for model in ("child", "gapentry", "gaplist", "outreachrecord", "measurerate"):
        assert coordinator.get(f"/coordinators/portal/{model}/").status_code == 404


def test_staff_with_an_authenticator_enter_the_code_before_any_child(
    w: World, clients: dict[str, Client]
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=w.users["A nurse"], name="phone", confirmed=True)
    url = reverse("portal:child", args=[w.child("M1001").key])
    response = clients["A nurse"].get(url)
    assert (response.status_code, response["Location"]) == (302, f"{reverse('verify')}?next={url}")
    assert AuditEvent.objects.count() == 0
