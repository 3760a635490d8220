"""The hub's one permissions module: the roles (coordinator, organization admin, member,
practice staff, public) as predicates, and every named permission the views check.

Each permission is combined from a few predicates with ``|`` and ``&`` (django-rules), so
who may do what is read in one place. Seeing a practice's children is not a permission
here: it follows from being its staff, and :mod:`wellchild.hub.portal.access` alone
decides it (so no superuser flag or group opens it).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django_otp import user_has_device
from rules.permissions import add_perm
from rules.predicates import predicate

COORDINATORS = "coordinators"


@predicate
def is_coordinator(user: Any) -> bool:
    """A confirmed account in the coordinators group (or a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.groups.filter(name=COORDINATORS).exists())


@predicate
def is_member(user: Any) -> bool:
    """Someone signed in whose email address is confirmed."""
    person = getattr(user, "person", None) if user.is_authenticated else None
    return person is not None and person.email_confirmed_at is not None


@predicate
def is_admin_of(user: Any, organization: Any) -> bool:
    """The organization's contact person or another admin it named."""
    person = getattr(user, "person", None) if user.is_authenticated else None
    return bool(
        person is not None
        and organization is not None
        and person.organization_id == organization.id
        and person.is_org_admin
    )


@predicate
def is_member_of(user: Any, organization: Any) -> bool:
    person = getattr(user, "person", None) if user.is_authenticated else None
    return bool(
        person is not None
        and organization is not None
        and person.organization_id == organization.id
        and person.membership_confirmed
    )


@predicate
def is_on_team(user: Any, team: Any) -> bool:
    """A confirmed member (or an admin) of the organization an improvement team belongs to."""
    organization = getattr(team, "organization", None)
    return bool(is_member_of(user, organization) or is_admin_of(user, organization))


@predicate
def is_practice_staff(user: Any) -> bool:
    """On the staff of at least one practice (so sees named children)."""
    return bool(user.is_authenticated and user.practice_staff.exists())


@predicate
def is_admin_of_its_organization(user: Any, practice: Any) -> bool:
    """An admin of the organization the coordinators linked the practice to."""
    return bool(
        practice is not None
        and practice.organization_id is not None
        and is_admin_of(user, practice.organization)
    )


# Who reaches children's data or grants it: signed out when idle, and in production
# signed in with a second factor.
handles_member_data = is_coordinator | is_practice_staff

add_perm("hub.view_member_contacts", is_member | is_coordinator)
add_perm("hub.manage_organization", is_admin_of | is_coordinator)
add_perm("hub.view_all_members", is_admin_of | is_coordinator)
add_perm("hub.view_pending_organizations", is_coordinator)
add_perm("hub.view_join_link", is_member | is_coordinator)
# The published data: drafts, and the improvement teams' work.
add_perm("data.view_draft_runs", is_coordinator)
add_perm("data.view_team", is_on_team | is_coordinator)
add_perm("data.record_improvement", is_on_team | is_coordinator)
add_perm("data.view_all_teams", is_coordinator)
# The practice portal: who adds and removes a practice's staff.
add_perm("portal.manage_staff", is_admin_of_its_organization | is_coordinator)


def second_factor_satisfied(request: HttpRequest) -> bool:
    """True unless the user has an authenticator set up and has not entered a code yet."""
    user = request.user
    return not user_has_device(user) or bool(getattr(user, "is_verified", lambda: False)())
