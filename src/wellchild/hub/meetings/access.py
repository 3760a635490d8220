"""Who may see what of the meetings: every meeting and its materials are public; the join
links are for members (``hub.view_join_link``), also through a personal calendar feed,
whose secret address is the member's credential."""

from __future__ import annotations

from django.http import Http404

from wellchild.hub.meetings.models import CalendarFeed


def personal_feed(token: str) -> CalendarFeed:
    """The feed at a personal address; 404 for a replaced or stopped address, or an
    account that may no longer see join links."""
    found = CalendarFeed.objects.select_related("user").filter(token=token).first()
    # The rules judge a user object as it is; a deactivated account is refused here.
    if found is None or not found.user.is_active or not found.user.has_perm("hub.view_join_link"):
        raise Http404
    return found
