"""The hub in headless Chromium (Debian's), driven by Playwright against a live server:
the journeys a newcomer takes, and axe-core's WCAG 2.1 A/AA rules on every public page."""

from __future__ import annotations

import json
import re
from typing import Any

import factories as make
import pytest
from browsing import axe
from playwright.sync_api import expect

# Live-server tests flush the database; serialized rollback restores the seeded rows
# (coordinators group, tags, pledge) for the tests that run after them.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _content() -> dict[str, Any]:
    plan = make.organization("Golden Valley Health Plan", description="A Medi-Cal plan.")
    make.person("Ana Admin", org=plan, admin=True)
    past = make.meeting(
        "Spring learning session", days_from_now=-20, agenda="1. Aim progress\n2. PDSA stories"
    )
    past.materials.create(
        title="Session recording", kind="recording", url="https://video.example.org/spring"
    )
    upcoming = make.meeting("Summer learning session", days_from_now=40)
    resource = make.resource(
        "Dental referral pad",
        summary="A form for dentist referrals.",
        tags=("dental",),
        kind="form",
    )
    return {"org": plan, "past": past, "upcoming": upcoming, "resource": resource}


def test_every_public_page_has_no_axe_violations(page: Any, site: str) -> None:
    content = _content()
    paths = [
        "/",
        "/pledge/",
        "/join/",
        "/join/person/",
        "/join/organization/",
        "/join/check-your-email/",
        "/directory/",
        "/directory/managed-care-plans/",
        f"/organizations/{content['org'].slug}/",
        "/meetings/",
        f"/meetings/{content['past'].slug}/",
        f"/meetings/{content['upcoming'].slug}/",
        "/resources/",
        "/resources/?q=dental",
        f"/resources/{content['resource'].slug}/",
        "/mailing-list/",
        "/contact/",
        "/account/sign-in/",
        "/account/password-reset/",
        "/no-such-page/",
    ]
    found = {}
    for path in paths:
        for language in ("en", "es"):
            page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
            page.goto(site + path)
            assert page.locator("html").get_attribute("lang") == language
            if violations := axe(page):
                found[f"{language} {path}"] = violations
    assert found == {}, json.dumps(found, indent=1)


def test_a_form_with_errors_has_no_axe_violations(page: Any, site: str) -> None:
    page.goto(site + "/join/person/")
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("alert").first).to_be_visible()
    assert axe(page) == []


def _outbox_link(mailbox: list[Any], site: str) -> str:
    return re.search(re.escape(site) + r"\S+", mailbox[-1].body).group(0)  # type: ignore[union-attr]


def test_join_confirm_then_find_directory_meeting_and_resource(
    page: Any, site: str, mailoutbox: list[Any]
) -> None:
    _content()
    page.goto(site + "/")
    page.get_by_role("link", name="Join", exact=True).click()
    page.get_by_role("link", name="Join as a person").click()
    page.get_by_label("Your name").fill("Nia Newcomer")
    page.get_by_label("Your email").fill("nia@example.org")
    page.locator("#id_password1").fill("a-long-enough-pass")
    page.locator("#id_password2").fill("a-long-enough-pass")
    page.get_by_label("I take the pledge").check()
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(_outbox_link(mailoutbox, site))
    page.get_by_role("button", name="Confirm my email").click()
    expect(page.get_by_role("heading", name="My profile")).to_be_visible()

    page.get_by_role("link", name="Directory").click()
    page.get_by_label("Search by name or description").fill("golden")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Golden Valley Health Plan")).to_be_visible()

    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name="Spring learning session").click()
    expect(page.get_by_role("link", name="Session recording")).to_be_visible()

    page.get_by_role("link", name="Resources", exact=True).click()
    page.get_by_label("Search words").fill("dentist")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results h2")).to_have_text(["Dental referral pad"])


def test_subscribe_confirm_and_unsubscribe(page: Any, site: str, mailoutbox: list[Any]) -> None:
    page.goto(site + "/mailing-list/")
    page.get_by_label("Your email").fill("reader@example.org")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(_outbox_link(mailoutbox, site))
    page.get_by_role("button", name="Yes, subscribe me").click()
    expect(page.get_by_text("Your subscription is confirmed.")).to_be_visible()
    page.get_by_role("link", name="Unsubscribe from everything").click()
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()


def test_the_language_switch_and_keyboard_skip_link(page: Any, site: str) -> None:
    page.goto(site + "/directory/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", name="Directorio de participantes")).to_be_visible()
