"""The one helper that writes the audit log, and the coordinators' search of it.

Every view that reads, prints, exports or records member-level data calls
:func:`record` once, in the same request, before it answers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from wellchild.hub.community.views import client_ip
from wellchild.hub.portal.models import AuditEvent, Practice

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
    return AuditEvent.objects.create(
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
