"""Calendar files: the public ones (a meeting's, the schedule's feed) never carry the join
link; a member's personal feed does, under a token the member can replace or stop."""

from __future__ import annotations

import re

import factories as make
from django.test import Client
from django.urls import reverse
from factories import Personas
from icalendar import Calendar

JOIN = "https://meet.example.org/secret-room"
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _client(user: object | None = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


def _locations(body: bytes) -> list[str]:
    return [str(e["LOCATION"]) for e in Calendar.from_ical(body).walk("VEVENT")]


def test_public_calendar_files_carry_no_join_link(personas: Personas) -> None:
    meeting = make.meeting("Second session", days_from_now=30, join_url=JOIN)
    for who in (None, personas.plan_member.user, personas.coordinator):
        client = _client(who)
        for url in (reverse("meetings:feed"), reverse("meetings:ics", args=[meeting.slug])):
            response = client.get(url)
            assert response.status_code == 200
            assert JOIN.encode() not in response.content, (who, url)
            assert b"secret-room" not in response.content
            assert _locations(response.content) == ["Online"]
    # The page itself still shows the link to signed-in members only.
    page = reverse("meetings:detail", args=[meeting.slug])
    assert JOIN in _client(personas.plan_member.user).get(page).content.decode()
    assert JOIN not in _client().get(page).content.decode()


def _personal_url(client: Client) -> str:
    page = client.get(reverse("meetings:list")).content.decode()
    found = re.search(r'id="personal-feed-url" value="http://testserver([^"]+)"', page)
    assert found is not None, page
    return found.group(1)


def test_a_member_gets_a_personal_feed_with_the_join_links(personas: Personas) -> None:
    make.meeting("Second session", days_from_now=30, join_url=JOIN)
    member = _client(personas.plan_member.user)
    assert 'id="personal-feed-url"' not in member.get(reverse("meetings:list")).content.decode()
    assert member.post(reverse("meetings:manage-feed"), {"action": "new"}).status_code == 302
    first = _personal_url(member)
    # A calendar app is not signed in: the token is what lets it in.
    answer = Client().get(first)
    assert answer.status_code == 200
    assert _locations(answer.content) == [JOIN]
    assert answer["Cache-Control"].startswith("max-age=0")

    # A new address replaces the old one; stopping ends it.
    member.post(reverse("meetings:manage-feed"), {"action": "new"})
    second = _personal_url(member)
    assert second != first
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    member.post(reverse("meetings:manage-feed"), {"action": "stop"})
    assert Client().get(second).status_code == 404

    # An account that may no longer see join links loses its feed too.
    member.post(reverse("meetings:manage-feed"), {"action": "new"})
    third = _personal_url(member)
    personas.plan_member.user.is_active = False
    personas.plan_member.user.save()
    assert Client().get(third).status_code == 404


def test_only_members_make_a_personal_feed(personas: Personas) -> None:
    url = reverse("meetings:manage-feed")
    anonymous = Client().post(url, {"action": "new"})
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))
    unconfirmed = make.person("Una Unconfirmed", confirmed_email=True)
    unconfirmed.email_confirmed_at = None
    unconfirmed.save()
    assert _client(unconfirmed.user).post(url, {"action": "new"}).status_code == 404
    assert Client().get("/meetings/my-feed/not-a-token.ics").status_code == 404
    assert _client(personas.plan_member.user).get(url).status_code == 405
