"""Who may manage a practice's staff and read the audit log, as named rules.

Seeing a practice's children is not a permission here: it follows from being its staff,
and :mod:`wellchild.hub.portal.access` alone decides it (so no superuser flag or group
opens it).
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import predicate

from wellchild.hub.roles import is_admin_of, is_coordinator


@predicate
def is_staff_of(user: Any, practice: Any) -> bool:
    """Works at the practice (a Staff row)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and practice is not None
        and practice.staff.filter(user_id=user.pk).exists()
    )


@predicate
def is_admin_of_its_organization(user: Any, practice: Any) -> bool:
    """An admin of the organization the coordinators linked the practice to."""
    return bool(
        practice is not None
        and practice.organization_id is not None
        and is_admin_of(user, practice.organization)
    )


add_perm("portal.manage_staff", is_admin_of_its_organization | is_coordinator)
add_perm("portal.search_audit", is_coordinator)
