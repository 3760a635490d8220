"""Every coordinator's task docs/hub.md describes, done as a coordinator in headless
Chromium against a live hub, step by step as the manual says (on SQLite, and on
PostgreSQL when DATABASE_URL is set)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import factories as make
import pytest
from django.utils import timezone
from playwright.sync_api import expect
from portal_factories import (
    PRACTICE_A,
    World,
    fast_passwords,  # noqa: F401  (autouse)
    world,
)

from wellchild.hub.community.models import ContactMessage, Organization, SiteText
from wellchild.hub.data.models import Run, Team
from wellchild.hub.mailing.models import Announcement, Delivery
from wellchild.hub.meetings.models import Meeting
from wellchild.hub.portal.models import AuditEvent, StaffGrant

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
ADMIN = "/coordinators"


@pytest.fixture
def coordinator() -> Any:
    """A coordinator, with the group's permissions as the migrations grant them."""
    SiteText.objects.get_or_create(
        key="pledge", defaults={"title_en": "Be a voice for kids", "body_en": "The pledge."}
    )
    return make.coordinator()


def _sign_in(page: Any, site: str, email: str) -> None:
    page.goto(site + "/account/sign-in/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(make.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _action(page: Any, pk: int, action: str) -> None:
    """Select one row of a back-office list and run an action on it."""
    page.locator(f'input[name="_selected_action"][value="{pk}"]').check()
    page.locator('select[name="action"]').select_option(action)
    page.locator('button[name="index"]').click()


def _save(page: Any) -> None:
    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def test_approve_an_organization(page: Any, site: str, coordinator: Any) -> None:
    pending = make.organization("Northern Network", approved=False)
    _sign_in(page, site, coordinator.email)
    page.goto(f"{site}{ADMIN}/community/organization/?approved_at__isempty=1")
    expect(page.get_by_role("link", name="Northern Network")).to_be_visible()
    _action(page, pending.pk, "approve")
    expect(page.get_by_text("1 organization approved.")).to_be_visible()
    assert Organization.objects.get(pk=pending.pk).approved_at is not None
    page.goto(f"{site}/directory/")
    expect(page.get_by_role("link", name="Northern Network")).to_be_visible()


def test_edit_the_pledge(page: Any, site: str, coordinator: Any) -> None:
    _sign_in(page, site, coordinator.email)
    page.goto(f"{site}{ADMIN}/community/sitetext/")
    page.get_by_role("link", name="pledge").click()
    page.locator("#id_body_en").fill("We will measure our progress honestly, every month.")
    page.locator("#id_body_es").fill("Mediremos nuestro avance con honestidad, cada mes.")
    _save(page)
    page.goto(f"{site}/pledge/")
    expect(page.get_by_text("We will measure our progress honestly, every month.")).to_be_visible()


def test_schedule_a_series_of_meetings(page: Any, site: str, coordinator: Any) -> None:
    _sign_in(page, site, coordinator.email)
    page.goto(f"{site}{ADMIN}/meetings/series/add/")
    first = timezone.localdate() + dt.timedelta(days=14)
    page.locator("#id_title").fill("Learning session")
    page.locator("#id_first_starts_at_0").fill(first.isoformat())
    page.locator("#id_first_starts_at_1").fill("09:00:00")
    page.locator("#id_interval_months").fill("2")
    page.locator("#id_count").fill("3")
    page.locator("#id_join_url").fill("https://meet.example.org/session")
    _save(page)
    series_pk = page.locator('input[name="_selected_action"]').first.get_attribute("value")
    _action(page, int(series_pk), "schedule")
    expect(page.get_by_text("3 meetings added.")).to_be_visible()
    assert Meeting.objects.filter(title="Learning session").count() == 3
    page.goto(f"{site}/meetings/")
    expect(page.get_by_role("link", name="Learning session")).to_have_count(3)


def test_post_materials_after_a_meeting(page: Any, site: str, coordinator: Any) -> None:
    meeting = make.meeting("Spring learning session", days_from_now=-7)
    _sign_in(page, site, coordinator.email)
    page.goto(f"{site}{ADMIN}/meetings/meeting/{meeting.pk}/change/")
    page.locator("#id_materials-0-title").fill("Slides of the session")
    page.locator("#id_materials-0-kind").select_option("slides")
    page.locator("#id_materials-0-file").set_input_files(
        files=[{"name": "slides.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7 x"}]
    )
    _save(page)
    page.goto(f"{site}/meetings/{meeting.slug}/")
    link = page.get_by_role("link", name="Slides of the session")
    expect(link).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes() == b"%PDF-1.7 x"


def test_add_a_resource(page: Any, site: str, coordinator: Any) -> None:
    _sign_in(page, site, coordinator.email)
    page.goto(f"{site}{ADMIN}/library/resource/add/")
    page.locator("#id_title").fill("Fluoride varnish how-to")
    page.locator("#id_slug").fill("fluoride-varnish-how-to")
    page.locator("#id_summary").fill("Applying fluoride varnish at the well-child visit.")
    page.locator("#id_kind").select_option(index=1)
    page.locator("#id_published_on").fill(timezone.localdate().isoformat())
    page.locator("#id_url").fill("https://example.org/varnish")
    _save(page)
    page.goto(f"{site}/resources/?q=fluoride")
    expect(page.get_by_role("link", name="Fluoride varnish how-to")).to_be_visible()


def test_send_an_announcement(page: Any, site: str, coordinator: Any) -> None:
    make.subscriber("reader@example.org", topics=("news",))
    make.subscriber("other@example.org", topics=("meetings",))
    _sign_in(page, site, coordinator.email)
    page.goto(f"{site}{ADMIN}/mailing/announcement/add/")
    page.locator("#id_subject").fill("The spring session is on")
    page.locator("#id_body").fill("Join us in April.")
    page.locator("#id_topic").select_option("news")
    _save(page)
    announcement = Announcement.objects.get(subject="The spring session is on")
    _action(page, announcement.pk, "send")
    expect(page.get_by_text("is queued for 1 subscribers")).to_be_visible()
    assert list(Delivery.objects.values_list("email", flat=True)) == ["reader@example.org"]
    page.goto(f"{site}{ADMIN}/mailing/announcement/{announcement.pk}/change/")
    expect(page.get_by_text("reader@example.org", exact=True)).to_be_visible()


def test_set_up_two_factor_sign_in(page: Any, site: str, coordinator: Any) -> None:
    import base64

    from django_otp.oath import totp

    _sign_in(page, site, coordinator.email)
    page.goto(f"{site}/me/")
    page.get_by_role("link", name="Two-factor sign-in").click()
    secret = page.locator("code").first.inner_text().strip()
    code = totp(base64.b32decode(secret))
    page.get_by_label("Code from the app").fill(f"{code:06d}")
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text("Two-factor sign-in is on.")).to_be_visible()


def test_read_contact_form_messages(page: Any, site: str, coordinator: Any) -> None:
    message = ContactMessage.objects.create(
        name="Rosa", email="rosa@example.org", subject="Joining", message="How do we join?"
    )
    _sign_in(page, site, coordinator.email)
    page.goto(f"{site}{ADMIN}/community/contactmessage/")
    page.get_by_role("link", name="Joining").click()
    expect(page.get_by_text("How do we join?")).to_be_visible()
    assert message.pk


def test_published_runs_in_the_back_office(page: Any, site: str, coordinator: Any) -> None:
    draft = Run.objects.create(
        label="Measurement year 2025",
        slug="measurement-year-2025",
        fingerprint="f" * 64,
        year=2025,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        as_of=dt.date(2025, 12, 31),
        source="tests",
    )
    _sign_in(page, site, coordinator.email)
    page.goto(f"{site}{ADMIN}/data/run/")
    page.get_by_role("link", name="Measurement year 2025").click()
    page.locator("#id_public").check()
    _save(page)
    assert Run.objects.get(pk=draft.pk).public


def test_set_up_an_improvement_team(page: Any, site: str, coordinator: Any) -> None:
    make.organization("Golden Valley Health Plan")
    _sign_in(page, site, coordinator.email)
    page.goto(f"{site}{ADMIN}/data/team/")
    page.get_by_role("link", name="Add improvement team").click()
    page.locator("#id_name").fill("Golden Valley dental team")
    page.locator("#id_slug").fill("golden-valley-dental-team")
    page.locator(".field-organization .select2-selection").click()
    page.locator(".select2-search__field").fill("Golden")
    page.locator(".select2-results__option", has_text="Golden Valley Health Plan").click()
    _save(page)
    assert Team.objects.get().organization.name == "Golden Valley Health Plan"
    page.goto(f"{site}/data/teams/")
    expect(page.get_by_role("link", name="Golden Valley dental team")).to_be_visible()


@pytest.fixture
def w(tmp_path: Path, coordinator: Any) -> World:
    return world(tmp_path)


def test_add_practice_staff_and_approve_a_self_grant(page: Any, site: str, w: World) -> None:
    second = make.coordinator("second@example.org")
    newcomer = make.person("Nell Newcomer")
    _sign_in(page, site, "coord@example.org")
    # In the back office: the email and the reason.
    page.goto(f"{site}{ADMIN}/portal/practice/{w.a.pk}/change/")
    page.locator("#id_staff-2-email").fill(newcomer.user.email)
    page.locator("#id_staff-2-reason").fill("New outreach nurse")
    _save(page)
    assert w.a.staff.filter(user=newcomer.user).exists()
    # In the portal: adding oneself only asks.
    page.goto(f"{site}/practice/{w.a.key}/staff/")
    page.get_by_label("Email of their hub account").fill("coord@example.org")
    page.get_by_label("Reason:").fill("Covering the clinic this week")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(
        page.get_by_text("Your request waits for a second coordinator's approval.")
    ).to_be_visible()
    expect(page.get_by_text("Another coordinator must approve your request.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    _sign_in(page, site, second.email)
    page.goto(f"{site}/practice/")
    page.get_by_role("link", name=w.a.name).first.click()
    page.screenshot(path="/tmp/wt21a-staff.png", full_page=True)
    page.locator('input[id^="decide-reason-"]').fill("Checked with the clinic")
    page.get_by_role("button", name="Approve coord@example.org").click()
    expect(page.get_by_text("Approved.")).to_be_visible()
    assert StaffGrant.objects.get(user_email="coord@example.org").state == "granted"
    # Both steps are in the audit log the coordinators search.
    page.goto(f"{site}/practice/audit/?q=coord%40example.org")
    cells = page.locator("#audit tbody td")
    expect(cells.filter(has_text="Asked to join a practice's staff (self)")).to_have_count(1)
    expect(cells.filter(has_text="Approved joining a practice's staff")).to_have_count(1)
    actions = set(
        AuditEvent.objects.filter(practice_id=PRACTICE_A).values_list("action", flat=True)
    )
    assert {"grant staff", "request staff", "approve staff"} <= actions
