"""What each persona sees and may do: coordinator, organization admin, member, public.

Lists are compared whole, after seeding data that could leak (the personas fixture).
"""

from __future__ import annotations

import json
import re
from typing import Any

import factories as make
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from factories import Personas

from wellchild.hub.community.models import Organization, Person
from wellchild.hub.mailing.models import Subscriber

BACKEND = "django.contrib.auth.backends.ModelBackend"


def client_for(person_or_user: Any | None) -> Client:
    client = Client()
    if person_or_user is not None:
        client.force_login(getattr(person_or_user, "user", person_or_user), backend=BACKEND)
    return client


def _names(html: str, css_class: str) -> list[str]:
    blocks = re.findall(rf'<ul class="{css_class}"[^>]*>(.*?)</ul>', html, re.S)
    return [name for block in blocks for name in re.findall(r">([^<>]+)</a>", block)]


def _people(html: str) -> list[str]:
    return re.findall(r'<span class="name">([^<]+)</span>', html)


@pytest.fixture
def everyone(personas: Personas) -> dict[str, Client]:
    return {
        "anonymous": client_for(None),
        "member": client_for(personas.plan_member),
        "org admin": client_for(personas.plan_admin),
        "other org admin": client_for(personas.clinic_admin),
        "coordinator": client_for(personas.coordinator),
    }


def test_directory_shows_approved_organizations_and_pending_only_to_coordinators(
    everyone: dict[str, Client],
) -> None:
    seen = {}
    for who, client in everyone.items():
        html = client.get(reverse("directory")).content.decode()
        seen[who] = (_names(html, "orgs"), "Northern Network" in html)
    approved = ["Golden Valley Health Plan", "Riverbend Family Clinic"]
    assert seen == {
        "anonymous": (approved, False),
        "member": (approved, False),
        "org admin": (approved, False),
        "other org admin": (approved, False),
        "coordinator": (approved, True),
    }


def test_directory_category_search_and_county_filter(personas: Personas) -> None:
    client = client_for(None)
    by_category = client.get(reverse("directory-category", args=["health-care-providers"]))
    assert _names(by_category.content.decode(), "orgs") == ["Riverbend Family Clinic"]
    by_word = client.get(reverse("directory"), {"q": "golden"})
    assert _names(by_word.content.decode(), "orgs") == ["Golden Valley Health Plan"]
    by_county = client.get(reverse("directory"), {"county": "Sacramento"})
    assert _names(by_county.content.decode(), "orgs") == ["Riverbend Family Clinic"]
    assert client.get("/directory/no-such-category/").status_code == 404


def test_organization_page_lists_people_by_viewer(
    everyone: dict[str, Client], personas: Personas
) -> None:
    url = reverse("organization", args=[personas.plan.slug])
    listed = ["Ana Admin", "Ben Member"]
    everybody = ["Ana Admin", "Ben Member", "Rita Requesting", "Una Unlisted"]
    seen = {}
    for who, client in everyone.items():
        html = client.get(url).content.decode()
        seen[who] = (_people(html), personas.plan_member.email in html)
    assert seen == {
        "anonymous": (listed, False),
        "member": (listed, True),
        "org admin": (everybody, True),
        "other org admin": (listed, True),
        "coordinator": (everybody, True),
    }


def test_a_pending_organization_is_hidden_except_from_coordinators(
    everyone: dict[str, Client], personas: Personas
) -> None:
    url = reverse("organization", args=[personas.pending_org.slug])
    codes = {who: client.get(url).status_code for who, client in everyone.items()}
    assert codes == {
        "anonymous": 404,
        "member": 404,
        "org admin": 404,
        "other org admin": 404,
        "coordinator": 200,
    }


def test_only_its_admins_and_coordinators_manage_an_organization(
    everyone: dict[str, Client], personas: Personas
) -> None:
    url = reverse("organization-manage", args=[personas.plan.slug])
    codes = {who: client.get(url).status_code for who, client in everyone.items()}
    assert codes == {
        "anonymous": 302,
        "member": 403,
        "org admin": 200,
        "other org admin": 403,
        "coordinator": 200,
    }


def test_an_org_admin_confirms_a_member(everyone: dict[str, Client], personas: Personas) -> None:
    url = reverse("confirm-member", args=[personas.plan.slug])
    person_id = personas.plan_requesting.id
    assert everyone["other org admin"].post(url, {"person": person_id}).status_code == 403
    clinic_url = reverse("confirm-member", args=[personas.clinic.slug])
    assert everyone["org admin"].post(clinic_url, {"person": person_id}).status_code == 403
    assert everyone["org admin"].post(url, {"person": person_id}).status_code == 302
    personas.plan_requesting.refresh_from_db()
    assert personas.plan_requesting.membership_confirmed


def test_the_meeting_join_link_is_for_members(everyone: dict[str, Client]) -> None:
    item = make.meeting(
        "Learning session", days_from_now=10, join_url="https://meet.example.org/secret-room"
    )
    url = reverse("meetings:detail", args=[item.slug])
    shown = {who: "secret-room" in c.get(url).content.decode() for who, c in everyone.items()}
    assert shown == {
        "anonymous": False,
        "member": True,
        "org admin": True,
        "other org admin": True,
        "coordinator": True,
    }


def test_the_back_office_is_for_coordinators(everyone: dict[str, Client]) -> None:
    codes = {who: c.get("/coordinators/").status_code for who, c in everyone.items()}
    assert codes == {
        "anonymous": 302,
        "member": 302,
        "org admin": 302,
        "other org admin": 302,
        "coordinator": 200,
    }


def _signs_in(email: str, password: str) -> bool:
    client = Client()
    client.post(reverse("login"), {"username": email, "password": password})
    return "_auth_user_id" in client.session


def _link(message: Any) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)  # type: ignore[union-attr]


def test_join_as_a_person_confirm_then_sign_in(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("join-person"),
            {
                "name": "Nia Newcomer",
                "email": "Nia@Example.org",
                "title": "Nurse",
                "county": "Fresno",
                "organization": personas.clinic.id,
                "password1": "a-long-enough-pass",
                "password2": "a-long-enough-pass",
                "topics": ["news"],
                "pledge": "on",
            },
        )
    assert response.status_code == 302
    person = Person.objects.get(user__email="nia@example.org")
    assert not person.user.is_active
    assert person.pledged_at is not None
    assert [m.to for m in mail.outbox] == [["nia@example.org"]]
    assert not _signs_in("nia@example.org", "a-long-enough-pass")
    link = _link(mail.outbox[0])
    assert client.post(link).status_code == 302
    person.refresh_from_db()
    assert person.user.is_active
    assert person.email_confirmed_at is not None
    assert not person.membership_confirmed  # the clinic's admin has not confirmed yet
    subscriber = Subscriber.objects.get(email="nia@example.org")
    assert (subscriber.active, subscriber.news, subscriber.meetings) == (True, True, False)
    pending = client_for(personas.clinic_admin).get(
        reverse("organization-manage", args=[personas.clinic.slug])
    )
    assert "Nia Newcomer" in pending.content.decode()


def test_a_forged_or_tampered_confirm_link_does_nothing() -> None:
    assert Client().get(reverse("confirm", args=["forged:token"])).status_code == 400


def test_join_as_an_organization_invites_its_people(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            reverse("join-organization"),
            {
                "org_name": "Harbor Pediatrics",
                "category": "health-care-providers",
                "website": "harbor.example.org",
                "county": "Los Angeles",
                "description": "Pediatrics",
                "name": "Hal Harbor",
                "email": "hal@example.org",
                "title": "Director",
                "password1": "a-long-enough-pass",
                "password2": "a-long-enough-pass",
                "people": "Ivy Intake, ivy@example.org\nJon Nurse, jon@example.org",
                "topics": ["news", "meetings"],
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    org = Organization.objects.get(name="Harbor Pediatrics")
    assert org.approved_at is None
    assert org.website == "https://harbor.example.org"
    assert sorted((p.name, p.is_org_admin, p.membership_confirmed) for p in org.people.all()) == [
        ("Hal Harbor", True, True),
        ("Ivy Intake", False, True),
        ("Jon Nurse", False, True),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == [
        "hal@example.org",
        "ivy@example.org",
        "jon@example.org",
    ]
    invite = next(m for m in mail.outbox if m.to == ["ivy@example.org"])
    client = Client()
    assert "Choose a password" in client.get(_link(invite)).content.decode()
    client.post(
        _link(invite), {"new_password1": "ivy-long-pass-1", "new_password2": "ivy-long-pass-1"}
    )
    assert _signs_in("ivy@example.org", "ivy-long-pass-1")


def test_join_rejects_a_taken_address_and_a_bad_people_line(personas: Personas) -> None:
    response = Client().post(
        reverse("join-organization"),
        {
            "org_name": "Another Plan",
            "category": "managed-care-plans",
            "name": "X",
            "email": personas.plan_member.email,
            "password1": "a-long-enough-pass",
            "password2": "a-long-enough-pass",
            "people": "no email here",
        },
    )
    form = response.context["form"]
    assert sorted(form.errors) == ["email", "people"]


def test_profile_download_and_leave(personas: Personas) -> None:
    make.subscriber(personas.plan_member.email)
    client = client_for(personas.plan_member)
    data = client.get(reverse("export-data"))
    assert data["Content-Disposition"].startswith("attachment")
    exported = json.loads(data.content)
    assert (exported["name"], exported["organization"], exported["mailing_list"]["topics"]) == (
        "Ben Member",
        "Golden Valley Health Plan",
        ["news", "meetings", "resources"],
    )
    client.post(reverse("leave"))
    assert not Person.objects.filter(name="Ben Member").exists()
    assert not Subscriber.objects.filter(email=personas.plan_member.email).exists()


def test_contact_form_mails_coordinators_drops_robots_and_limits_rate(
    personas: Personas, settings: Any
) -> None:
    settings.HUB_CONTACT_LIMIT = 2
    client = Client()
    message = {
        "name": "Pat",
        "email": "pat@example.org",
        "subject": "Hello",
        "message": "A question about the meetings.",
    }
    assert (
        client.post(reverse("contact"), {**message, "homepage": "spam.example"}).status_code == 302
    )
    assert mail.outbox == []
    assert client.post(reverse("contact"), message).status_code == 302
    assert client.post(reverse("contact"), message).status_code == 302
    assert client.post(reverse("contact"), message).status_code == 429
    assert [(m.to, m.reply_to) for m in mail.outbox] == [
        (["coord@example.org"], ["pat@example.org"])
    ] * 2


def test_every_page_sends_the_security_headers() -> None:
    response = Client().get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    # the language form needs no token, so a page without another form can be kept
    assert 'name="csrfmiddlewaretoken"' not in response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in Client().get(reverse("contact")).content.decode()


def test_the_interface_speaks_spanish() -> None:
    client = Client(headers={"accept-language": "es"})
    html = client.get(reverse("directory")).content.decode()
    assert '<html lang="es">' in html
    assert "Directorio de participantes" in html
    assert "Planes de atención administrada" in html


def test_sign_in_locks_after_five_wrong_passwords(personas: Personas) -> None:
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": personas.loner.email, "password": "wrong"})
    locked = client.post(
        reverse("login"), {"username": personas.loner.email, "password": make.PASSWORD}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_content_shows_its_spanish_version_or_says_it_is_english() -> None:
    make.meeting("Spring learning session", days_from_now=10, title_es="Sesión de primavera")
    make.meeting("Data office hours", days_from_now=20)
    spanish = Client(headers={"accept-language": "es"}).get("/meetings/").content.decode()
    assert "Sesión de primavera" in spanish
    assert "Spring learning session" not in spanish
    assert re.search(r"Data office hours</a> <span class=\"flag\">en inglés</span>", spanish)
    english = Client().get("/meetings/").content.decode()
    assert "Spring learning session" in english
    assert "en inglés" not in english
    assert "in English" not in english
