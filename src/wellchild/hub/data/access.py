"""Who may see which run and which improvement team: every view of the data app fetches
what it shows through these functions, first thing.

Public runs are for everyone; a run published without being made public is a draft only
coordinators see (``data.view_draft_runs``); a withdrawn run is for no one, and answers
404. A team's pages are for the confirmed members of its organization and the
coordinators (``data.view_team``), who may also record its work
(``data.record_improvement``); anyone else gets 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from wellchild.hub.data.models import Run, RunMeasure, Team


def visible_runs(user: Any) -> QuerySet[Run]:
    """The runs ``user`` may see, newest first."""
    runs = Run.objects.filter(withdrawn_at__isnull=True)
    if not user.has_perm("data.view_draft_runs"):
        runs = runs.filter(public=True)
    return runs


def run_for(user: Any, slug: str | None) -> Run:
    """The run at ``slug`` (the latest when None), if the viewer may see it; else 404."""
    runs = visible_runs(user)
    run = runs.first() if slug is None else runs.filter(slug=slug).first()
    if run is None:
        raise Http404("no such run")
    return run


def measure_for(user: Any, slug: str, measure_id: str) -> RunMeasure:
    """A measure of a run the viewer may see; else 404."""
    run = run_for(user, slug)
    measure = run.measures.filter(measure_id=measure_id).first()
    if measure is None:
        raise Http404("no such measure in this run")
    return measure


def teams(user: Any) -> QuerySet[Team]:
    """Every team for a coordinator (``data.view_all_teams``); for anyone else, the teams
    of the organization they are a confirmed member of."""
    found = Team.objects.select_related("organization")
    if user.has_perm("data.view_all_teams"):
        return found
    person = getattr(user, "person", None)
    org = person.organization_id if person is not None and person.membership_confirmed else None
    return found.filter(organization_id=org) if org else found.none()


def team(request: HttpRequest, slug: str, *, edit: bool = False) -> Team:
    """The team, if the viewer is on it or coordinates (and, with ``edit``, may record its
    work); else 403."""
    found = get_object_or_404(Team.objects.select_related("organization"), slug=slug)
    if not request.user.has_perm("data.view_team", found):
        raise PermissionDenied
    if edit and not request.user.has_perm("data.record_improvement", found):
        raise PermissionDenied
    return found
