"""Public pages kept whole for visitors without an account: who gets a kept page, and
what renews them (saving content, publishing and withdrawing a run), in the process's
memory and in the Redis server at 127.0.0.1:6379."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import factories as make
import pytest
from data_run import publish
from django.core.cache import caches
from django.test import Client

from wellchild.hub import pagecache
from wellchild.hub.data import charts, dashboards, publishing
from wellchild.hub.data.models import Run
from wellchild.hub.meetings.models import Meeting

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(params=["memory", "redis"])
def kept(request: Any, settings: Any) -> Iterator[str]:
    """Pages kept for a minute, in each process's memory or in Redis."""
    if request.param == "redis":
        prefix = f"wellchild-hub-test-{secrets.token_hex(6)}"
        redis = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
        settings.CACHES = {
            "default": {**redis, "KEY_PREFIX": prefix},
            "shared": {**redis, "KEY_PREFIX": f"{prefix}-shared"},
        }
    settings.PAGE_CACHE_SECONDS = 60
    pagecache._memo["read_at"] = float("-inf")
    yield str(request.param)
    caches["default"].clear()
    caches["shared"].clear()


def _rename_quietly(meeting: Meeting, title: str) -> None:
    """Change the row behind the page's back (no signal), as another process's write
    that the page cache is not told about would."""
    Meeting.objects.filter(pk=meeting.pk).update(title=title)


def test_a_public_page_is_kept_until_its_content_changes(
    kept: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        meeting = make.meeting("Spring learning session", days_from_now=10)
    visitor = Client()
    assert "Spring learning session" in visitor.get("/meetings/").content.decode()
    _rename_quietly(meeting, "Renamed quietly")
    page = visitor.get("/meetings/")
    assert "Spring learning session" in page.content.decode()  # the kept page
    assert page["Content-Security-Policy"]  # with the headers it was made with
    assert not page.cookies

    with django_capture_on_commit_callbacks(execute=True):
        meeting.refresh_from_db()
        meeting.title = "Summer learning session"
        meeting.save()
    assert "Summer learning session" in visitor.get("/meetings/").content.decode()


def test_signed_in_visitors_and_other_languages_get_their_own_pages(
    kept: str, personas: Any
) -> None:
    meeting = make.meeting("Spring learning session", days_from_now=10)
    Client().get("/meetings/")
    _rename_quietly(meeting, "Renamed quietly")

    member = Client()
    member.force_login(personas.plan_member.user, backend=BACKEND)
    html = member.get("/meetings/").content.decode()
    assert "Renamed quietly" in html
    assert "Sign out" in html

    spanish = Client(headers={"accept-language": "es"}).get("/meetings/").content.decode()
    assert '<html lang="es">' in spanish
    assert "Renamed quietly" in spanish


def test_a_page_with_a_form_is_never_kept(kept: str) -> None:
    """A form carries the visitor's CSRF token: keeping it would hand it to others."""
    first = Client().get("/join/person/")
    assert first.cookies["csrftoken"]
    second = Client().get("/join/person/")
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value


def test_publishing_and_withdrawing_renew_the_dashboards(
    kept: str, django_capture_on_commit_callbacks: Any
) -> None:
    visitor = Client()
    assert "MY2024" not in visitor.get("/data/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        published = publish("MY2024")
    measure = f"/data/runs/{published.slug}/wcv_6m/"
    assert "MY2024" in visitor.get("/data/").content.decode()
    assert visitor.get(measure).status_code == 200

    # publishing worked out the chart of all children: no request computes it
    item = published.measures.get(measure_id="wcv_6m")
    target = dashboards.total(item).get("target_rate")
    data = charts.series(item, "all", "", title="", target=target)
    assert caches["shared"].get(data.data_key()) is not None

    with django_capture_on_commit_callbacks(execute=True):
        publishing.withdraw_run(label="MY2024")
    assert Run.objects.get(pk=published.pk).withdrawn
    assert visitor.get(measure).status_code == 404
    assert "MY2024" not in visitor.get("/data/").content.decode()
