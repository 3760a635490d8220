"""What the portal does with a practice's rows: filter the gap list, follow each child's
outreach, read the practice's rates, and change who is on its staff. Every function takes
rows already scoped by :mod:`wellchild.hub.portal.access`.

A change to the staff opens (or closes) a practice's children to a person, so each one
needs a reason, keeps a :class:`~wellchild.hub.portal.models.StaffGrant` that outlives
the staff row, and writes an audit record. A coordinator may manage every practice, so a
coordinator adding themself only asks: a second coordinator approves or refuses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from wellchild.documents.catalogue import available, catalogue
from wellchild.hub import roles
from wellchild.hub.portal import audit
from wellchild.hub.portal.models import (
    AuditEvent,
    Child,
    GapEntry,
    MeasureRate,
    OutreachRecord,
    Practice,
    Staff,
    StaffGrant,
)

GAPS = ("dental", "w30", "wcv")


@dataclass(frozen=True)
class Filters:
    """The gap list's filters: name words, age in years, language tag, gap, status."""

    q: str = ""
    age: int | None = None
    language: str = ""
    gap: str = ""
    status: str = ""

    def describe(self) -> str:
        """The filters in force, for the audit log (no names: a search word is kept,
        since it is what the user typed)."""
        parts = [
            f"{name}={value}"
            for name, value in (
                ("q", self.q),
                ("age", self.age),
                ("language", self.language),
                ("gap", self.gap),
                ("status", self.status),
            )
            if value not in ("", None)
        ]
        return "; ".join(parts) or "no filter"

    @property
    def active(self) -> bool:
        return self.describe() != "no filter"


def with_status(entries: QuerySet[GapEntry]) -> QuerySet[Any]:
    """Each entry with its child's latest outreach status and date."""
    latest = OutreachRecord.objects.filter(child=OuterRef("child")).order_by(
        "-date", "-recorded_at", "-id"
    )
    return entries.annotate(
        status=Subquery(latest.values("status")[:1]),
        status_date=Subquery(latest.values("date")[:1]),
    )


def filtered(entries: QuerySet[GapEntry], filters: Filters) -> QuerySet[Any]:
    rows = with_status(entries)
    for word in filters.q.split():
        rows = rows.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if filters.age is not None:
        rows = rows.filter(age_years=filters.age)
    if filters.language:
        rows = rows.filter(language=filters.language)
    if filters.gap == "dental":
        rows = rows.filter(gap_dental=True)
    elif filters.gap == "w30":
        rows = rows.filter(Q(gap_w30_1=True) | Q(gap_w30_2=True))
    elif filters.gap == "wcv":
        rows = rows.filter(gap_wcv=True)
    if filters.status == "none":
        rows = rows.filter(status__isnull=True)
    elif filters.status:
        rows = rows.filter(status=filters.status)
    return rows


def choices(entries: QuerySet[GapEntry]) -> dict[str, list[Any]]:
    """The ages and languages found on the list, for the filter menus."""
    ages = sorted(entries.order_by().values_list("age_years", flat=True).distinct())
    tags = sorted(entries.order_by().values_list("language", flat=True).distinct())
    return {"ages": ages, "languages": [(tag, language_name(tag)) for tag in tags]}


@cache
def language_name(tag: str) -> str:
    """The language's own name from the family documents' catalogues (the tag if none)."""
    if tag not in available():
        return tag
    return f"{catalogue(tag).name} ({tag})"


def record_outreach(
    *,
    child: Child,
    user: Any,
    status: str,
    date: dt.date,
    appointment_date: dt.date | None = None,
    note: str = "",
) -> OutreachRecord:
    return OutreachRecord.objects.create(
        child=child,
        status=status,
        date=date,
        appointment_date=appointment_date,
        note=note,
        recorded_by=user,
        recorded_by_email=str(user.email or user.get_username()),
    )


def rates(practice: Practice) -> QuerySet[MeasureRate]:
    """The practice's rates in every published run that is not withdrawn, oldest first."""
    return (
        MeasureRate.objects.filter(practice=practice, run__withdrawn_at__isnull=True)
        .select_related("run")
        .order_by("measure_id", "period_end", "run__published_at")
    )


def latest_rates(practice: Practice) -> list[MeasureRate]:
    """The practice's rates of its latest run, one per measure."""
    latest: dict[str, MeasureRate] = {}
    for rate in rates(practice):
        latest[rate.measure_id] = rate
    return list(latest.values())


class StaffChangeError(Exception):
    """A staff change that cannot be made; the message says why, for the user."""


def _email(user: Any) -> str:
    return str(getattr(user, "email", "") or user.get_username())


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise StaffChangeError(_("Give the reason: it is kept in the audit log."))
    return reason[:500]


def _detail(grant: StaffGrant, reason: str) -> str:
    """A staff change's audit detail: whom it concerns and why."""
    return f"whom {grant.user_email}; reason: {reason}"


def _audit(request: HttpRequest, action: str, grant: StaffGrant, reason: str) -> None:
    audit.record(
        request,
        action=AuditEvent.Action(action),
        practice=grant.practice,
        children=0,
        detail=_detail(grant, reason),
    )


def add_staff(request: HttpRequest, practice: Practice, user: Any, reason: str) -> StaffGrant:
    """Put ``user`` on the practice's staff for ``reason``; a coordinator naming themself
    gets a pending grant instead, which another coordinator decides (:func:`decide`).
    Who may manage the practice is the caller's check (``portal.manage_staff``)."""
    by = request.user
    reason = _reason(reason)
    _check_new_staff(practice, user)
    self_grant = user.pk == by.pk and bool(roles.is_coordinator(by))
    state = StaffGrant.State.PENDING if self_grant else StaffGrant.State.GRANTED
    with transaction.atomic():
        grant = StaffGrant.objects.create(
            practice=practice,
            user=user,
            user_email=_email(user),
            state=state,
            reason=reason,
            requested_by_email=_email(by),
        )
        if not self_grant:
            Staff.objects.create(practice=practice, user=user, added_by_id=by.pk)
        action = AuditEvent.Action.REQUEST_STAFF if self_grant else AuditEvent.Action.GRANT_STAFF
        _audit(request, action, grant, reason)
    return grant


def add_staff_outside_request(
    practice: Practice, user: Any, reason: str, *, actor: str
) -> StaffGrant:
    """Put ``user`` on the practice's staff outside a web request (the demo's set-up): the
    same grant and audit record as :func:`add_staff`, made by ``actor``."""
    reason = _reason(reason)
    _check_new_staff(practice, user)
    with transaction.atomic():
        grant = StaffGrant.objects.create(
            practice=practice,
            user=user,
            user_email=_email(user),
            state=StaffGrant.State.GRANTED,
            reason=reason,
            requested_by_email=actor,
        )
        Staff.objects.create(practice=practice, user=user)
        audit.record_outside_request(
            actor,
            action=AuditEvent.Action.GRANT_STAFF,
            practice=practice,
            children=0,
            detail=_detail(grant, reason),
        )
    return grant


def _check_new_staff(practice: Practice, user: Any) -> None:
    if practice.staff.filter(user=user).exists():
        raise StaffChangeError(_("They are already on the practice's staff."))
    if practice.grants.filter(user=user, state=StaffGrant.State.PENDING).exists():
        raise StaffChangeError(_("Their request already waits for a second coordinator."))


def decide(request: HttpRequest, grant: StaffGrant, *, approve: bool, reason: str) -> None:
    """A second coordinator approves (the person joins the staff) or refuses a pending
    grant; the coordinator who asked cannot decide their own."""
    by = request.user
    reason = _reason(reason)
    if not roles.is_coordinator(by):
        raise StaffChangeError(_("Only a coordinator approves or refuses a request."))
    if grant.user_id == by.pk or grant.requested_by_email == _email(by):
        raise StaffChangeError(_("A second coordinator must decide on your own request."))
    with transaction.atomic():
        locked = StaffGrant.objects.select_for_update().get(pk=grant.pk)
        if locked.state != StaffGrant.State.PENDING or locked.user_id is None:
            raise StaffChangeError(_("This request has already been decided."))
        locked.state = StaffGrant.State.GRANTED if approve else StaffGrant.State.REFUSED
        locked.decided_by_email = _email(by)
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        locked.save()
        if approve:
            Staff.objects.get_or_create(
                practice_id=locked.practice_id,
                user_id=locked.user_id,
                defaults={"added_by_id": by.pk},
            )
        action = AuditEvent.Action.APPROVE_STAFF if approve else AuditEvent.Action.REFUSE_STAFF
        _audit(request, action, locked, reason)


def remove_staff(request: HttpRequest, staff: Staff, reason: str) -> StaffGrant:
    """Take ``staff`` off the practice's staff; the grant keeps who added them and why,
    and now who removed them, when and why."""
    by = request.user
    reason = _reason(reason)
    with transaction.atomic():
        grant = (
            staff.practice.grants.filter(user_id=staff.user_id, state=StaffGrant.State.GRANTED)
            .order_by("-requested_at", "-id")
            .first()
        )
        if grant is None:  # made outside these functions: keep what the staff row knew
            grant = StaffGrant(
                practice=staff.practice,
                user_id=staff.user_id,
                user_email=_email(staff.user),
                reason="",
                requested_by_email=_email(staff.added_by) if staff.added_by else "",
                requested_at=staff.added_at,
            )
        grant.state = StaffGrant.State.REMOVED
        grant.removed_by_email = _email(by)
        grant.removed_at = timezone.now()
        grant.removal_reason = reason
        grant.save()
        staff.delete()
        _audit(request, AuditEvent.Action.REMOVE_STAFF, grant, reason)
    return grant


def pending_grants(practice: Practice | None = None) -> QuerySet[StaffGrant]:
    """Requests that wait for a second coordinator (of one practice, or all)."""
    grants = StaffGrant.objects.filter(state=StaffGrant.State.PENDING).select_related("practice")
    return grants if practice is None else grants.filter(practice=practice)
