"""Who may see which organization and whose profile: the community's views fetch them
through these functions, first thing.

Approved organizations are public; one waiting for approval is for its admins and the
coordinators (``hub.manage_organization``) and is 404 to anyone else, as if it did not
exist. A person sees and changes only their own profile.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from wellchild.hub.community.models import Organization, Person


def organization(request: HttpRequest, slug: str) -> Organization:
    """An organization the viewer may see: approved ones, or any for its admins."""
    found = get_object_or_404(Organization, slug=slug)
    if found.approved_at is None and not request.user.has_perm("hub.manage_organization", found):
        raise Http404
    return found


def own_person(request: HttpRequest) -> Person:
    """The signed-in person's own profile (the only one a person can change); else 404."""
    person = (
        Person.objects.select_related("organization", "user")
        .filter(user_id=int(request.user.pk or 0))
        .first()
    )
    if person is None:
        raise Http404
    return person
