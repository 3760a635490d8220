"""The one way into member-level data: everything is scoped to the user's practices.

Every view of the portal fetches practices and children through these functions, first
thing. Anything outside the user's practices is answered 404, exactly as if it did not
exist, so no address tells whether another practice or child is there. Membership is
read from :class:`~wellchild.hub.portal.models.Staff` alone: neither coordinators nor
superusers see a practice's children unless they are its staff.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from wellchild.hub import roles
from wellchild.hub.portal.models import Child, GapEntry, GapList, OutreachRecord, Practice


def practices(user: Any) -> QuerySet[Practice]:
    """The practices whose staff ``user`` is (none for anonymous or inactive users)."""
    if not user.is_authenticated or not user.is_active:
        return Practice.objects.none()
    return Practice.objects.filter(staff__user_id=user.pk)


def practice(request: HttpRequest, key: str) -> Practice:
    """A practice of the signed-in user, by its opaque key; 404 otherwise."""
    found = practices(request.user).filter(key=key).first()
    if found is None:
        raise Http404
    return found


def child(request: HttpRequest, key: str) -> Child:
    """A child of one of the signed-in user's practices, by its opaque key; 404 otherwise."""
    found = (
        Child.objects.select_related("practice")
        .filter(practice__in=practices(request.user), key=key)
        .first()
    )
    if found is None:
        raise Http404
    return found


def current_gap_list(practice: Practice) -> GapList | None:
    """The practice's gap list of its latest published run that is not withdrawn."""
    return (
        GapList.objects.filter(practice=practice, run__withdrawn_at__isnull=True)
        .select_related("run")
        .order_by("-run__period_end", "-as_of", "-run__published_at")
        .first()
    )


def entries(practice: Practice) -> QuerySet[GapEntry]:
    """The children on the practice's current gap list (an already scoped practice)."""
    gap_list = current_gap_list(practice)
    if gap_list is None:
        return GapEntry.objects.none()
    return GapEntry.objects.filter(gap_list=gap_list).select_related("child")


def latest_entry(child: Child) -> GapEntry | None:
    """The child's row on the latest gap list it is on (of a run not withdrawn)."""
    return (
        child.entries.filter(gap_list__run__withdrawn_at__isnull=True)
        .select_related("gap_list__run")
        .order_by("-gap_list__run__period_end", "-gap_list__as_of", "-gap_list__run__published_at")
        .first()
    )


def outreach_records(practice: Practice) -> QuerySet[OutreachRecord]:
    """Every outreach record of the practice's children (an already scoped practice)."""
    return OutreachRecord.objects.filter(child__practice=practice).select_related("child__practice")


def managed_practices(user: Any) -> QuerySet[Practice]:
    """Practices whose staff ``user`` may manage: those of organizations it is an admin
    of, or every practice for a coordinator."""
    if roles.is_coordinator(user):
        return Practice.objects.all()
    person = getattr(user, "person", None) if user.is_authenticated else None
    if person is None or not person.is_org_admin or person.organization_id is None:
        return Practice.objects.none()
    return Practice.objects.filter(organization_id=person.organization_id)


def managed_practice(request: HttpRequest, key: str) -> Practice:
    """A practice whose staff the signed-in user may manage; 404 otherwise."""
    found = managed_practices(request.user).filter(key=key).first()
    if found is None:
        raise Http404
    return found


def audit_reader(request: HttpRequest) -> None:
    """Only coordinators search and export the audit log; anyone else gets 404."""
    if not roles.is_coordinator(request.user) or not roles.second_factor_satisfied(request):
        raise Http404
