"""The schedule, each meeting with its materials, and the calendar files."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wellchild.hub.meetings import access, domain
from wellchild.hub.meetings.models import Material, Meeting
from wellchild.hub.uploads import attachment


def _meeting(slug: str) -> Meeting:
    """Meetings are public: anyone may see any meeting (the join link is for members)."""
    return get_object_or_404(Meeting.objects.select_related("series"), slug=slug)


def schedule(request: HttpRequest) -> HttpResponse:
    may_join = request.user.has_perm("hub.view_join_link")
    mine = domain.personal_feed(user=request.user) if may_join else None
    return render(
        request,
        "meetings/list.html",
        {
            "upcoming": domain.upcoming(),
            "past": domain.past(),
            "may_join": may_join,
            "personal_feed": request.build_absolute_uri(
                reverse("meetings:personal-feed", args=[mine.token])
            )
            if mine
            else "",
        },
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


def _feed(request: HttpRequest, *, with_join: bool) -> HttpResponse:
    body = domain.ics(
        Meeting.objects.all(),
        name=_("Learning community meetings"),
        base_url=settings.SITE_URL,
        host=request.get_host().split(":")[0],
        with_join=with_join,
    )
    response = _calendar(body, "wellchild-meetings.ics")
    response["Content-Disposition"] = 'inline; filename="wellchild-meetings.ics"'
    return response


def feed(request: HttpRequest) -> HttpResponse:
    """Every meeting, for calendar apps that subscribe to the schedule (no join links:
    anyone may fetch it)."""
    return _feed(request, with_join=False)


@never_cache
def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's feed, with the join links: the token is the member's credential, so a
    replaced or stopped token, or an account that may no longer see join links, is 404."""
    access.personal_feed(token)
    response = _feed(request, with_join=True)
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_POST
def manage_feed(request: HttpRequest) -> HttpResponse:
    """Make (or replace) the member's personal feed address, or stop it."""
    if not request.user.has_perm("hub.view_join_link"):
        raise Http404
    if request.POST.get("action") == "stop":
        domain.stop_personal_feed(user=request.user)
        messages.success(request, _("Your personal calendar address no longer works."))
    else:
        domain.renew_personal_feed(user=request.user)
        messages.success(
            request,
            _("Your personal calendar address is ready; any address made before no longer works."),
        )
    return redirect(f"{reverse('meetings:list')}#personal-feed")


def material(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    item = get_object_or_404(Material, pk=pk, meeting__slug=slug)
    if not item.file:
        raise Http404
    return attachment(item.file, filename=f"{item.meeting.slug}-{item.kind}")
