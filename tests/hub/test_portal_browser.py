"""The practice portal in headless Chromium against a live hub: a nurse signs in, finds a
child, records a referral and prints the referral form; axe-core finds no WCAG 2.1 A/AA
violation on the portal's pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import factories as make
import pytest
from browsing import axe
from playwright.sync_api import expect
from portal_factories import (
    World,
    fast_passwords,  # noqa: F401  (autouse)
    world,
)

from wellchild.hub.portal.models import AuditEvent, OutreachRecord

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def w(tmp_path: Path) -> World:
    """Practices A and B, their children and people. Earlier live-server tests flush the
    tables, and the rows migrations made (the coordinators group) are not always
    restored after them on SQLite, so the group is made here when missing."""
    from django.contrib.auth.models import Group

    from wellchild.hub.roles import COORDINATORS

    Group.objects.get_or_create(name=COORDINATORS)
    return world(tmp_path)


def _sign_in(page: Any, site: str, email: str) -> None:
    page.goto(site + "/account/sign-in/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(make.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_find_a_child_record_a_referral_and_print_the_form(page: Any, site: str, w: World) -> None:
    nurse = w.users["A nurse"]
    _sign_in(page, site, nurse.email)
    page.get_by_role("link", name="My practice").click()
    expect(page.get_by_role("heading", name=f"Gap list: {w.a.name}")).to_be_visible()
    assert axe(page) == []

    page.get_by_label("Child's name").fill("luis")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#gap-list tbody th")).to_have_text(["Garcia, Luis"])
    page.get_by_role("link", name="Garcia, Luis").click()
    expect(page.get_by_role("heading", name="Luis Garcia")).to_be_visible()
    assert axe(page) == []

    page.get_by_label("Status").select_option(label="Referral given")
    page.get_by_label("Note").fill("Gave the form and the brochure")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("Recorded.")).to_be_visible()
    assert page.locator("#outreach tbody td").nth(1).inner_text() == "Referral given"

    with page.expect_download() as download:
        page.get_by_role("link", name="Print the referral form").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert download.value.suggested_filename == "dental-referral-M1002.pdf"

    records = [(r.child.member_id, r.status, r.note) for r in OutreachRecord.objects.all()]
    assert records == [("M1002", "referral given", "Gave the form and the brochure")]
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "children"))
    assert actions == [
        ("read list", 3),
        ("read list", 1),
        ("read child", 1),
        ("record outreach", 1),
        ("read child", 1),
        ("print referral", 1),
    ]


def test_portal_pages_have_no_axe_violations(page: Any, site: str, w: World) -> None:
    found = {}
    for who, paths in (
        (
            "A nurse",
            [
                f"/practice/{w.a.key}/?language=es",
                f"/practice/{w.a.key}/measures/",
                f"/practice/children/{w.child('M1003').key}/",
            ],
        ),
        ("A org admin", ["/practice/", f"/practice/{w.a.key}/staff/"]),
        ("coordinator", ["/practice/audit/"]),
    ):
        page.context.clear_cookies()
        _sign_in(page, site, w.users[who].email)
        for path in paths:
            page.goto(site + path)
            assert page.url == site + path
            if violations := axe(page):
                found[f"{who} {path}"] = violations
    assert found == {}, json.dumps(found, indent=1)
