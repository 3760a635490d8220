"""Confirmed opt-in, one-click unsubscribe and the batched, retrying background sender.

Links carry signed tokens (no database lookup of a secret): a confirm link expires after a
week, an unsubscribe link never does, because RFC 8058 asks that it keep working.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.mail import get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wellchild.hub import mail
from wellchild.hub.mailing.models import Announcement, Delivery, Subscriber, Topic

if TYPE_CHECKING:
    from django.core.mail import EmailMultiAlternatives

    from wellchild.hub.community.models import Person

log = logging.getLogger(__name__)

CONFIRM_SALT = "mailing.confirm"
MANAGE_SALT = "mailing.manage"
CONFIRM_DAYS = 7
MAX_ATTEMPTS = 5
RESEND_AFTER = dt.timedelta(minutes=2)


def _normal(email: str) -> str:
    return email.strip().lower()


def confirm_token(subscriber: Subscriber) -> str:
    return signing.dumps({"s": subscriber.id, "e": subscriber.email}, salt=CONFIRM_SALT)


def manage_token(subscriber: Subscriber) -> str:
    """The token in unsubscribe and preferences links; it does not expire."""
    return signing.dumps({"s": subscriber.id, "e": subscriber.email}, salt=MANAGE_SALT)


def subscriber_for_token(token: str, *, purpose: str) -> Subscriber | None:
    salt, max_age = (
        (CONFIRM_SALT, CONFIRM_DAYS * 86400) if purpose == "confirm" else (MANAGE_SALT, None)
    )
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(id=data.get("s"), email=data.get("e")).first()


def subscriber_for(*, email: str) -> Subscriber | None:
    return Subscriber.objects.filter(email=_normal(email)).first()


def _set_topics(subscriber: Subscriber, topics: Sequence[str]) -> None:
    for topic in Topic:
        setattr(subscriber, topic.value, topic.value in topics)


def subscribe(*, email: str, name: str, language: str, topics: Sequence[str]) -> Subscriber:
    """Record a sign-up and send the confirm link (again, if one was sent before).

    Someone already confirmed only gets their topics updated through the preferences link
    in the message, so a stranger cannot change another person's subscription.
    """
    subscriber, created = Subscriber.objects.get_or_create(
        email=_normal(email), defaults={"name": name, "language": language}
    )
    if created or subscriber.confirmed_at is None or subscriber.unsubscribed_at is not None:
        _set_topics(subscriber, topics)
        subscriber.name = name or subscriber.name
        subscriber.language = language
        subscriber.save()
    send_confirmation(subscriber=subscriber, force=created)
    return subscriber


def send_confirmation(*, subscriber: Subscriber, force: bool = False) -> bool:
    """Send the confirm link, at most once per two minutes per address; False if held."""
    now = timezone.now()
    sent = subscriber.confirmation_sent_at
    if not force and sent is not None and now - sent < RESEND_AFTER:
        return False
    already = subscriber.active
    link = reverse(
        "mailing:preferences" if already else "mailing:confirm",
        args=[manage_token(subscriber) if already else confirm_token(subscriber)],
    )
    mail.send(
        "list_confirm",
        to=[subscriber.email],
        context={"subscriber": subscriber, "link": mail.absolute(link), "already": already},
        language=subscriber.language,
    )
    subscriber.confirmation_sent_at = now
    subscriber.save(update_fields=["confirmation_sent_at"])
    return True


def confirm(*, subscriber: Subscriber) -> None:
    subscriber.confirmed_at = subscriber.confirmed_at or timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])


def subscribe_with_account(*, person: Person, topics: Sequence[str]) -> Subscriber | None:
    """A join form's topic choices; confirmed together with the account's address."""
    if not topics:
        return None
    subscriber, _ = Subscriber.objects.get_or_create(
        email=_normal(person.email), defaults={"name": person.name, "language": person.language}
    )
    _set_topics(subscriber, topics)
    subscriber.save()
    return subscriber


def confirm_account_subscription(*, email: str) -> None:
    subscriber = subscriber_for(email=email)
    if subscriber is not None and subscriber.confirmed_at is None:
        confirm(subscriber=subscriber)


def set_preferences(*, subscriber: Subscriber, topics: Sequence[str], language: str) -> None:
    _set_topics(subscriber, topics)
    subscriber.language = language
    if not topics:
        subscriber.unsubscribed_at = timezone.now()
    elif subscriber.confirmed_at is not None:
        subscriber.unsubscribed_at = None
    subscriber.save()


def unsubscribe(*, subscriber: Subscriber) -> None:
    """Stop every message to this address; pending deliveries are dropped too."""
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])
    Delivery.objects.filter(subscriber=subscriber, status=Delivery.Status.PENDING).delete()


def forget(*, email: str) -> None:
    Subscriber.objects.filter(email=_normal(email)).delete()


def describe(subscriber: Subscriber) -> dict[str, Any]:
    return {
        "email": subscriber.email,
        "topics": [t.value for t in Topic if getattr(subscriber, t.value)],
        "language": subscriber.language,
        "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
        "unsubscribed_at": (
            subscriber.unsubscribed_at.isoformat() if subscriber.unsubscribed_at else None
        ),
    }


def audience(topic: str) -> list[Subscriber]:
    return list(
        Subscriber.objects.filter(
            confirmed_at__isnull=False, unsubscribed_at__isnull=True, **{topic: True}
        )
    )


@transaction.atomic
def queue(*, announcement: Announcement) -> int:
    """Create one pending delivery per confirmed subscriber of the announcement's topic."""
    locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if locked.status != Announcement.Status.DRAFT:
        return 0
    now = timezone.now()
    Delivery.objects.bulk_create(
        [
            Delivery(announcement=locked, subscriber=s, email=s.email, next_attempt_at=now)
            for s in audience(locked.topic)
        ],
        ignore_conflicts=True,
    )
    locked.status = Announcement.Status.QUEUED
    locked.queued_at = now
    locked.save(update_fields=["status", "queued_at"])
    return locked.deliveries.count()


def list_message(delivery: Delivery) -> EmailMultiAlternatives:
    """The announcement for one subscriber, with RFC 8058 one-click unsubscribe headers."""
    subscriber = delivery.subscriber
    assert subscriber is not None
    token = manage_token(subscriber)
    unsubscribe_url = mail.absolute(reverse("mailing:unsubscribe", args=[token]))
    announcement = delivery.announcement
    return mail.build(
        "announcement",
        to=[delivery.email],
        context={
            "announcement": announcement,
            "paragraphs": [p.strip() for p in announcement.body.split("\n\n") if p.strip()],
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": mail.absolute(reverse("mailing:preferences", args=[token])),
        },
        language=subscriber.language,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"wellchild hub <announcements.{settings.ALLOWED_HOSTS[0]}>",
        },
    )


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait 1, 5, 25, 125 minutes between tries: a server that is down gets time."""
    return dt.timedelta(minutes=5 ** (attempts - 1))


def _claim(size: int, now: dt.datetime) -> list[Delivery]:
    due = (
        Delivery.objects.select_related("announcement", "subscriber")
        .filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
    )
    # Two workers never send the same message: on PostgreSQL each locks its own rows.
    return list(due.select_for_update(skip_locked=True, of=("self",))[:size])


def send_batch(*, size: int | None = None) -> int:
    """Send up to ``size`` due deliveries over one SMTP connection; returns how many sent."""
    size = size or settings.HUB_MAIL_BATCH
    sent = 0
    with transaction.atomic():
        now = timezone.now()
        batch = _claim(size, now)
        if not batch:
            return 0
        connection = get_connection()
        try:
            connection.open()
        except OSError as exc:
            for delivery in batch:
                _failed(delivery, exc, now)
            return 0
        try:
            for delivery in batch:
                try:
                    message = list_message(delivery)
                    message.connection = connection
                    message.send()
                except Exception as exc:
                    _failed(delivery, exc, now)
                    continue
                delivery.status = Delivery.Status.SENT
                delivery.attempts += 1
                delivery.sent_at = timezone.now()
                delivery.last_error = ""
                delivery.save(update_fields=["status", "attempts", "sent_at", "last_error"])
                sent += 1
        finally:
            connection.close()
    _finish_announcements()
    return sent


def _failed(delivery: Delivery, exc: BaseException, now: dt.datetime) -> None:
    delivery.attempts += 1
    delivery.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = Delivery.Status.FAILED
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
    log.warning("delivery %s to %s failed: %s", delivery.id, delivery.email, exc)


def _finish_announcements() -> None:
    for announcement in Announcement.objects.filter(status=Announcement.Status.QUEUED):
        if not announcement.deliveries.filter(status=Delivery.Status.PENDING).exists():
            announcement.status = Announcement.Status.SENT
            announcement.save(update_fields=["status"])


def run_worker(*, poll_seconds: float = 5.0, stop: Callable[[], bool] = lambda: False) -> None:
    """Send batches while there are due deliveries; sleep ``poll_seconds`` when idle."""
    while not stop():
        if send_batch() == 0:
            time.sleep(poll_seconds)
