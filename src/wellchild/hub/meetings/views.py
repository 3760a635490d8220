"""The schedule, each meeting with its materials, and the calendar files."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from wellchild.hub.meetings import domain
from wellchild.hub.meetings.models import Material, Meeting
from wellchild.hub.uploads import attachment


def _meeting(slug: str) -> Meeting:
    """Meetings are public: anyone may see any meeting (the join link is for members)."""
    return get_object_or_404(Meeting.objects.select_related("series"), slug=slug)


def schedule(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "meetings/list.html",
        {"upcoming": domain.upcoming(), "past": domain.past()},
    )


def meeting(request: HttpRequest, slug: str) -> HttpResponse:
    item = _meeting(slug)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": item,
            "materials": list(item.materials.all()),
            "show_join": request.user.has_perm("hub.view_join_link"),
        },
    )


def _calendar(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def meeting_ics(request: HttpRequest, slug: str) -> HttpResponse:
    item = _meeting(slug)
    body = domain.ics(
        [item], name=item.title, base_url=settings.SITE_URL, host=request.get_host().split(":")[0]
    )
    return _calendar(body, f"{item.slug}.ics")


def feed(request: HttpRequest) -> HttpResponse:
    """Every meeting, for calendar apps that subscribe to the schedule."""
    body = domain.ics(
        Meeting.objects.all(),
        name=_("Learning community meetings"),
        base_url=settings.SITE_URL,
        host=request.get_host().split(":")[0],
    )
    response = _calendar(body, "wellchild-meetings.ics")
    response["Content-Disposition"] = 'inline; filename="wellchild-meetings.ics"'
    return response


def material(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    item = get_object_or_404(Material, pk=pk, meeting__slug=slug)
    if not item.file:
        raise Http404
    return attachment(item.file, filename=f"{item.meeting.slug}-{item.kind}")
