"""Template context every page needs: the roles of the viewer, for the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from wellchild.hub import roles


def site(request: HttpRequest) -> dict[str, Any]:
    return {"is_coordinator": roles.is_coordinator(request.user)}
