"""The one helper that writes the audit log, its hash chain, and the coordinators'
search of it.

Every view that reads, prints, exports or records member-level data, and every change to
a practice's staff, calls :func:`record` once, in the same request, before it answers. A
staff change made outside a web request (the demo's set-up) calls
:func:`record_outside_request`, which names who made it in place of a signed-in user.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from wellchild.hub.portal.models import AuditEvent, Practice
from wellchild.hub.visitors import client_ip

Action = AuditEvent.Action
CSV_COLUMNS = (
    "at",
    "user_email",
    "action",
    "practice_id",
    "children",
    "member_id",
    "detail",
    "path",
    "ip",
)


def record(
    request: HttpRequest,
    *,
    action: AuditEvent.Action,
    practice: Practice | None,
    children: int,
    member_id: str = "",
    detail: str = "",
) -> AuditEvent:
    """Append one record: the signed-in user, now, the action, the practice, how many
    children, which child (for one child's page or document), and the client's address."""
    user = request.user
    event = AuditEvent(
        user_id=user.pk if user.is_authenticated else None,
        user_email=str(getattr(user, "email", "") or getattr(user, "username", "")),
        action=action,
        practice_id=practice.practice_id if practice is not None else "",
        children=children,
        member_id=member_id,
        detail=detail[:500],
        path=request.get_full_path()[:500],
        ip=client_ip(request)[:45],
    )
    return _append(event)


def record_outside_request(
    actor: str,
    *,
    action: AuditEvent.Action,
    practice: Practice | None,
    children: int,
    detail: str = "",
) -> AuditEvent:
    """Append one record of a change made outside a web request: ``actor`` names who or
    what made it (no user, path or address)."""
    event = AuditEvent(
        user_id=None,
        user_email=actor,
        action=action,
        practice_id=practice.practice_id if practice is not None else "",
        children=children,
        detail=detail[:500],
    )
    return _append(event)


def _append(event: AuditEvent) -> AuditEvent:
    """Save ``event`` chained to the record committed before it."""
    with transaction.atomic():
        # One writer at a time, so each record chains to the one committed before it.
        # SQLite's IMMEDIATE transactions already serialize writers; PostgreSQL takes an
        # advisory lock, which needs no privilege on the table beyond INSERT.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        last = AuditEvent.objects.order_by("-id").values_list("chain", flat=True).first()
        event.chain = chain_hash(last or "", event)
        event.save()
    return event


# An arbitrary constant naming the audit log's advisory lock on PostgreSQL.
CHAIN_LOCK = 0x57C_A0D1


def chain_hash(previous: str, event: AuditEvent) -> str:
    """SHA-256 of the previous record's hash and this record's fields, in a fixed form
    (JSON of a list; the time in UTC to the microsecond)."""
    fields = [
        previous,
        event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        event.user_id,
        event.user_email,
        event.action,
        event.practice_id,
        event.children,
        event.member_id,
        event.detail,
        event.path,
        event.ip,
    ]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    """A record whose hash does not follow from the one before it: changed, inserted
    behind the app's back, or following a deleted record."""

    id: int
    at: dt.datetime
    previous_id: int | None


def verify(events: Iterable[AuditEvent] | None = None) -> Iterator[Break]:
    """Walk the chain in the order of writing and yield every record that breaks it."""
    rows = AuditEvent.objects.order_by("id").iterator() if events is None else events
    previous, previous_id = "", None
    for event in rows:
        if event.chain != chain_hash(previous, event):
            yield Break(event.pk, event.at, previous_id)
        previous, previous_id = event.chain, event.pk


@dataclass(frozen=True)
class AuditQuery:
    """A coordinator's search of the log: words (who, practice, member id, detail), an
    action, and a date range (inclusive)."""

    q: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def search(query: AuditQuery) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    for word in query.q.split():
        events = events.filter(
            Q(user_email__icontains=word)
            | Q(practice_id__iexact=word)
            | Q(member_id__iexact=word)
            | Q(detail__icontains=word)
            | Q(ip=word)
        )
    if query.action:
        events = events.filter(action=query.action)
    if query.since:
        events = events.filter(at__date__gte=query.since)
    if query.until:
        events = events.filter(at__date__lte=query.until)
    return events


def to_csv(events: Iterable[AuditEvent]) -> str:
    """The records as CSV, times in UTC (ISO 8601)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in events:
        writer.writerow(
            [
                e.at.astimezone(dt.UTC).isoformat(timespec="seconds"),
                *map(_text, (e.user_email, e.action, e.practice_id)),
                e.children,
                *map(_text, (e.member_id, e.detail, e.path, e.ip)),
            ]
        )
    return out.getvalue()


def _text(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (searches typed by anyone end up in
    ``detail`` and ``path``)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
