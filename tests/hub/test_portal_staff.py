"""Who may change a practice's staff, by persona (anonymous, a member, staff of another
practice, a coordinator, a superuser), on the portal's staff page and in the back office:
each change needs a reason, writes an audit record the coordinators' search finds, and
keeps its history after the person is removed; a coordinator (or superuser) adding
themself waits for a second coordinator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import factories as make
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from portal_factories import (
    PRACTICE_A,
    World,
    fast_passwords,  # noqa: F401  (autouse)
    world,
)

from wellchild.hub.portal import audit
from wellchild.hub.portal.models import AuditEvent, Staff, StaffGrant

BACKEND = "django.contrib.auth.backends.ModelBackend"
PERSONAS = ("anonymous", "member", "B nurse", "coordinator", "superuser")
MANAGERS = {"coordinator", "superuser"}
IP = "203.0.113.9"


@pytest.fixture
def w(tmp_path: Path) -> World:
    found = world(tmp_path)
    found.users["member"] = make.person("Mo Member").user
    found.users["superuser"] = get_user_model().objects.create_superuser(
        username="root@example.org", email="root@example.org", password=make.PASSWORD
    )
    found.users["second coordinator"] = make.coordinator("second@example.org")
    return found


def _client(w: World, who: str) -> Client:
    client = Client(REMOTE_ADDR=IP)
    if who != "anonymous":
        client.force_login(w.users[who], backend=BACKEND)
    return client


def _staff_of_a() -> set[str]:
    return set(
        Staff.objects.filter(practice__practice_id=PRACTICE_A).values_list("user__email", flat=True)
    )


def _log(action: str | None = None) -> list[tuple[str, str, str, str]]:
    events = AuditEvent.objects.order_by("id")
    if action:
        events = events.filter(action=action)
    return [(e.user_email, e.action, e.practice_id, e.detail) for e in events]


def _outcome(response: Any) -> Any:
    if response.status_code == 302:
        return ("redirect", response["Location"].split("?")[0])
    return response.status_code


@pytest.mark.parametrize("who", PERSONAS)
def test_adding_staff_on_the_portal_by_persona(w: World, who: str) -> None:
    newcomer = make.person("Nell Newcomer")
    url = reverse("portal:staff", args=[w.a.key])
    before = _staff_of_a()
    response = _client(w, who).post(
        url, {"action": "add", "email": newcomer.user.email, "reason": "New outreach nurse"}
    )
    if who not in MANAGERS:
        expected = ("redirect", reverse("login")) if who == "anonymous" else 404
        assert _outcome(response) == expected
        assert _staff_of_a() == before
        assert _log() == []
        return
    assert _outcome(response) == ("redirect", url)
    assert _staff_of_a() == before | {newcomer.user.email}
    email = w.users[who].email
    detail = f"whom {newcomer.user.email}; reason: New outreach nurse"
    assert _log() == [(email, "grant staff", PRACTICE_A, detail)]
    event = AuditEvent.objects.get()
    assert (event.ip, event.path, event.children) == (IP, url, 0)
    grant = StaffGrant.objects.get(user_email=newcomer.user.email)
    assert (grant.state, grant.requested_by_email, grant.reason) == (
        "granted",
        email,
        "New outreach nurse",
    )


@pytest.mark.parametrize("who", PERSONAS)
def test_removing_staff_on_the_portal_by_persona(w: World, who: str) -> None:
    colleague = w.a.staff.get(user=w.users["A colleague"])
    url = reverse("portal:staff", args=[w.a.key])
    response = _client(w, who).post(
        url, {"action": "remove", "staff": colleague.pk, "reason": "Left the practice"}
    )
    colleague_email = w.users["A colleague"].email
    if who not in MANAGERS:
        expected = ("redirect", reverse("login")) if who == "anonymous" else 404
        assert _outcome(response) == expected
        assert colleague_email in _staff_of_a()
        assert _log() == []
        return
    assert _outcome(response) == ("redirect", url)
    assert colleague_email not in _staff_of_a()
    email = w.users[who].email
    detail = f"whom {colleague_email}; reason: Left the practice"
    assert _log() == [(email, "remove staff", PRACTICE_A, detail)]
    # The history stays, with who removed them, when and why.
    grant = StaffGrant.objects.get(user_email=colleague_email)
    assert (grant.state, grant.removed_by_email, grant.removal_reason) == (
        "removed",
        email,
        "Left the practice",
    )
    assert grant.removed_at is not None
    page = _client(w, who).get(url).content.decode()
    assert colleague_email in page
    assert "Left the practice" in page


def test_no_change_without_a_reason(w: World) -> None:
    coordinator = _client(w, "coordinator")
    url = reverse("portal:staff", args=[w.a.key])
    newcomer = make.person("Nell Newcomer")
    refused = coordinator.post(url, {"action": "add", "email": newcomer.user.email, "reason": " "})
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    colleague = w.a.staff.get(user=w.users["A colleague"])
    coordinator.post(url, {"action": "remove", "staff": colleague.pk, "reason": ""})
    assert _staff_of_a() == {w.users["A nurse"].email, w.users["A colleague"].email}
    assert _log() == []
    page = coordinator.get(url).content.decode()
    assert "Give the reason: it is kept in the audit log." in page


@pytest.mark.parametrize("asker", ["coordinator", "superuser"])
def test_a_coordinators_self_grant_waits_for_a_second_coordinator(w: World, asker: str) -> None:
    url = reverse("portal:staff", args=[w.a.key])
    me = _client(w, asker)
    my_email = w.users[asker].email
    asked = me.post(url, {"action": "add", "email": my_email, "reason": "Covering the clinic"})
    assert _outcome(asked) == ("redirect", url)
    assert my_email not in _staff_of_a()
    grant = StaffGrant.objects.get(user_email=my_email)
    assert grant.state == "pending"
    assert me.get(reverse("portal:gap-list", args=[w.a.key])).status_code == 404
    # Asking twice, or approving one's own request, changes nothing.
    again = me.post(url, {"action": "add", "email": my_email, "reason": "Again"})
    assert "already waits for a second coordinator" in again.content.decode()
    me.post(url, {"action": "approve", "grant": grant.pk, "reason": "It is me"})
    assert StaffGrant.objects.get(pk=grant.pk).state == "pending"
    # Nobody but another coordinator decides.
    for who in ("anonymous", "member", "B nurse", "A org admin"):
        _client(w, who).post(url, {"action": "approve", "grant": grant.pk, "reason": "ok"})
    assert StaffGrant.objects.get(pk=grant.pk).state == "pending"
    assert my_email not in _staff_of_a()
    # The second coordinator sees it on the portal's home page and approves it.
    second = _client(w, "second coordinator")
    assert my_email in second.get(reverse("portal:home")).content.decode()
    approved = second.post(url, {"action": "approve", "grant": grant.pk, "reason": "Checked"})
    assert _outcome(approved) == ("redirect", url)
    assert my_email in _staff_of_a()
    assert me.get(reverse("portal:gap-list", args=[w.a.key])).status_code == 200
    done = StaffGrant.objects.get(pk=grant.pk)
    assert (done.state, done.decided_by_email, done.decision_reason) == (
        "granted",
        "second@example.org",
        "Checked",
    )
    # Both steps are in the log, and the coordinators' audit search finds them.
    steps = [
        (my_email, "request staff", PRACTICE_A, f"whom {my_email}; reason: Covering the clinic"),
        ("second@example.org", "approve staff", PRACTICE_A, f"whom {my_email}; reason: Checked"),
    ]
    assert [e for e in _log() if e[1] != "read list"] == steps
    found = audit.search(audit.AuditQuery(q=my_email)).exclude(action="read list")
    assert sorted(found.values_list("action", flat=True)) == ["approve staff", "request staff"]
    page = second.get(reverse("portal:audit"), {"q": my_email}).content.decode()
    assert "Asked to join a practice&#x27;s staff (self)" in page
    assert "Approved joining a practice&#x27;s staff" in page


def test_a_second_coordinator_may_refuse(w: World) -> None:
    url = reverse("portal:staff", args=[w.a.key])
    _client(w, "coordinator").post(
        url, {"action": "add", "email": "coord@example.org", "reason": "Curious"}
    )
    grant = StaffGrant.objects.get()
    _client(w, "second coordinator").post(
        url, {"action": "refuse", "grant": grant.pk, "reason": "No need to see the children"}
    )
    assert StaffGrant.objects.get().state == "refused"
    assert "coord@example.org" not in _staff_of_a()
    assert [a for _e, a, _p, _d in _log()] == ["request staff", "refuse staff"]


def _back_office_form(w: World, **rows: str) -> dict[str, str]:
    existing = list(w.a.staff.order_by("pk"))
    form = {
        "name": w.a.name,
        "phone": "",
        "county_fips": "06037",
        "organization": str(w.a.organization_id),
        "staff-TOTAL_FORMS": str(len(existing) + 1),
        "staff-INITIAL_FORMS": str(len(existing)),
        "staff-MIN_NUM_FORMS": "0",
        "staff-MAX_NUM_FORMS": "1000",
        "grants-TOTAL_FORMS": "0",
        "grants-INITIAL_FORMS": "0",
        "grants-MIN_NUM_FORMS": "0",
        "grants-MAX_NUM_FORMS": "1000",
    }
    for n, staff in enumerate(existing):
        form |= {f"staff-{n}-id": str(staff.pk), f"staff-{n}-practice": str(w.a.pk)}
    form[f"staff-{len(existing)}-practice"] = str(w.a.pk)
    return form | rows


@pytest.mark.parametrize("who", PERSONAS)
def test_the_back_office_adds_and_removes_with_a_reason_by_persona(w: World, who: str) -> None:
    url = f"/coordinators/portal/practice/{w.a.pk}/change/"
    newcomer = make.person("Nell Newcomer")
    client = _client(w, who)
    added = client.post(
        url,
        _back_office_form(w, **{"staff-2-email": newcomer.user.email, "staff-2-reason": "Nurse"}),
    )
    if who not in MANAGERS:
        assert _outcome(added) == ("redirect", "/coordinators/login/")
        assert _staff_of_a() == {w.users["A nurse"].email, w.users["A colleague"].email}
        assert _log() == []
        return
    assert _outcome(added) == ("redirect", "/coordinators/portal/practice/")
    email = w.users[who].email
    assert _log() == [
        (email, "grant staff", PRACTICE_A, f"whom {newcomer.user.email}; reason: Nurse")
    ]
    # Removing needs a reason too.
    colleague = w.a.staff.get(user=w.users["A colleague"])
    index = list(w.a.staff.order_by("pk")).index(colleague)
    no_reason = client.post(url, _back_office_form(w, **{f"staff-{index}-DELETE": "on"}))
    assert no_reason.status_code == 200
    assert "Give the reason: it is kept in the audit log." in no_reason.content.decode()
    assert w.users["A colleague"].email in _staff_of_a()
    removed = client.post(
        url,
        _back_office_form(
            w, **{f"staff-{index}-DELETE": "on", f"staff-{index}-reason": "Moved away"}
        ),
    )
    assert removed.status_code == 302
    assert w.users["A colleague"].email not in _staff_of_a()
    assert _log("remove staff") == [
        (
            email,
            "remove staff",
            PRACTICE_A,
            f"whom {w.users['A colleague'].email}; reason: Moved away",
        )
    ]
    # The history is shown in the back office after the removal.
    page = client.get(url).content.decode()
    assert "Moved away" in page
    assert w.users["A colleague"].email in page


@pytest.mark.parametrize("asker", ["coordinator", "superuser"])
def test_a_self_grant_in_the_back_office_only_asks(w: World, asker: str) -> None:
    url = f"/coordinators/portal/practice/{w.a.pk}/change/"
    my_email = w.users[asker].email
    response = _client(w, asker).post(
        url,
        _back_office_form(w, **{"staff-2-email": my_email, "staff-2-reason": "Covering"}),
        follow=True,
    )
    assert "waits for a second coordinator" in response.content.decode()
    assert my_email not in _staff_of_a()
    assert StaffGrant.objects.get(user_email=my_email).state == "pending"
    assert [a for _e, a, _p, _d in _log()] == ["request staff"]
