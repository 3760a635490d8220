"""The mailing list through a real SMTP server: opt-in, sending in batches, retries,
one-click unsubscribe."""

from __future__ import annotations

import re
from typing import Any

import factories as make
from django.test import Client
from django.urls import reverse
from factories import Received

from wellchild.hub.mailing import domain
from wellchild.hub.mailing.models import Announcement, Delivery, Subscriber


def _link(message: Any) -> str:
    text = message.get_payload()[0].get_payload(decode=True).decode()
    return re.search(r"http://testserver(/\S+)", text).group(1)  # type: ignore[union-attr]


def test_confirmed_opt_in_with_resend(smtp: Received) -> None:
    client = Client()
    client.post(
        reverse("mailing:subscribe"), {"email": "Sue@Example.org", "topics": ["news", "meetings"]}
    )
    subscriber = Subscriber.objects.get(email="sue@example.org")
    assert subscriber.confirmed_at is None
    assert len(smtp.to("sue@example.org")) == 1
    held = client.post(reverse("mailing:sent"))
    assert "less than two minutes" in held.content.decode()
    link = _link(smtp.to("sue@example.org")[0])
    assert client.get(link).status_code == 200  # a GET (link scanners) confirms nothing
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
    client.post(link)
    subscriber.refresh_from_db()
    assert subscriber.active
    assert (subscriber.news, subscriber.resources) == (True, False)


def test_an_announcement_goes_in_batches_to_its_topic_only(smtp: Received) -> None:
    for n in range(5):
        make.subscriber(f"reader{n}@example.org", topics=("news",))
    make.subscriber("meetings-only@example.org", topics=("meetings",))
    make.subscriber("unconfirmed@example.org", confirmed=False)
    note = Announcement.objects.create(
        subject="Aim progress", body="First.\n\nSecond.", topic="news"
    )
    assert domain.queue(announcement=note) == 5
    assert domain.send_batch(size=2) == 2
    assert domain.send_batch(size=2) == 2
    assert domain.send_batch(size=2) == 1
    assert domain.send_batch(size=2) == 0
    assert sorted(m["To"] for m in smtp.messages) == [f"reader{n}@example.org" for n in range(5)]
    note.refresh_from_db()
    assert note.status == Announcement.Status.SENT
    message = smtp.messages[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<http://testserver/mailing-list/unsubscribe/\S+/>",
        "".join(message["List-Unsubscribe"].split()),
    )
    parts = [p.get_content_type() for p in message.walk() if not p.is_multipart()]
    assert parts == ["text/plain", "text/html"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_one_click_unsubscribe_is_a_post_without_cookies(smtp: Received) -> None:
    make.subscriber("leaving@example.org")
    note = Announcement.objects.create(subject="News", body="Hello", topic="news")
    domain.queue(announcement=note)
    domain.send_batch()
    header = "".join(smtp.messages[0]["List-Unsubscribe"].split())
    url = re.search(r"<http://testserver(\S+)>", header).group(1)  # type: ignore[union-attr]
    client = Client(enforce_csrf_checks=True)
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscriber.objects.get(email="leaving@example.org").active
    assert Client().get(url.replace("/unsubscribe/", "/unsubscribe/x")).status_code == 400


def test_preferences_change_topics_and_language() -> None:
    subscriber = make.subscriber("prefs@example.org")
    url = reverse("mailing:preferences", args=[domain.manage_token(subscriber)])
    Client().post(url, {"topics": ["resources"], "language": "es"})
    subscriber.refresh_from_db()
    assert (subscriber.news, subscriber.resources, subscriber.language) == (False, True, "es")


def test_a_down_server_is_retried_later_then_given_up(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False
    make.subscriber("patient@example.org")
    note = Announcement.objects.create(subject="News", body="Hello", topic="news")
    domain.queue(announcement=note)
    assert domain.send_batch() == 0
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert domain.send_batch() == 0  # not due yet: the next try waits a minute
    for attempt in range(2, domain.MAX_ATTEMPTS + 1):
        Delivery.objects.update(next_attempt_at=delivery.next_attempt_at.replace(year=2000))
        domain.send_batch()
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
    assert delivery.status == "failed"
    assert "ConnectionRefusedError" in delivery.last_error
