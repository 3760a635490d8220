"""Whether the navigation shows the practice portal: to practice staff, to the admins who
manage a practice's staff, and to coordinators (who search the audit log)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from wellchild.hub.portal import access


def portal(request: HttpRequest) -> dict[str, Any]:
    user = request.user

    def shown() -> bool:
        if not user.is_authenticated:
            return False
        return access.practices(user).exists() or access.managed_practices(user).exists()

    return {"portal_link": SimpleLazyObject(shown)}
