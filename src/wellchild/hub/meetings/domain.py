"""The bi-monthly schedule, its calendar files, and the members' personal calendar feeds."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Calendar, Event

from wellchild.hub.meetings.models import CalendarFeed, Meeting, Series, new_feed_token

PACIFIC = ZoneInfo("America/Los_Angeles")


def occurrences(first: dt.datetime, *, interval_months: int, count: int) -> list[dt.datetime]:
    """Meetings on the same weekday of the month as the first (its 2nd Tuesday, say), at
    the same local time in California, every ``interval_months`` months.

    Examples
    --------
    >>> first = dt.datetime(2025, 1, 14, 10, 0, tzinfo=PACIFIC)  # 2nd Tuesday of January
    >>> [d.date().isoformat() for d in occurrences(first, interval_months=2, count=3)]
    ['2025-01-14', '2025-03-11', '2025-05-13']
    >>> occurrences(first, interval_months=2, count=3)[1].utcoffset()  # summer time by then
    datetime.timedelta(days=-1, seconds=61200)
    """
    local = first.astimezone(PACIFIC)
    nth = (local.day - 1) // 7 + 1
    weekday = local.weekday()
    dates = []
    for k in range(count):
        months = local.month - 1 + k * interval_months
        year, month = local.year + months // 12, months % 12 + 1
        day = _nth_weekday(year, month, weekday, nth)
        dates.append(dt.datetime(year, month, day, local.hour, local.minute, tzinfo=PACIFIC))
    return dates


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> int:
    """The day of the nth such weekday; the last one when the month has no 5th."""
    days = [
        d
        for d in calendar.Calendar().itermonthdates(year, month)
        if d.month == month and d.weekday() == weekday
    ]
    return days[min(nth, len(days)) - 1].day


@transaction.atomic
def schedule(*, series: Series) -> list[Meeting]:
    """Create the series' meetings that do not exist yet; existing ones keep their edits."""
    made = []
    for start in occurrences(
        series.first_starts_at, interval_months=series.interval_months, count=series.count
    ):
        slug = f"{slugify(series.title)[:190]}-{start.date().isoformat()}"
        meeting, created = Meeting.objects.get_or_create(
            slug=slug,
            defaults={
                "series": series,
                "title": series.title,
                "title_es": series.title_es,
                "starts_at": start,
                "duration_minutes": series.duration_minutes,
                "agenda": series.description,
                "agenda_es": series.description_es,
                "join_url": series.join_url,
            },
        )
        if created:
            made.append(meeting)
    return made


def upcoming(*, now: dt.datetime | None = None) -> list[Meeting]:
    return list(Meeting.objects.filter(starts_at__gte=now or timezone.now()))


def past(*, now: dt.datetime | None = None) -> list[Meeting]:
    return list(
        Meeting.objects.filter(starts_at__lt=now or timezone.now())
        .order_by("-starts_at")
        .prefetch_related("materials")
    )


def ics(
    meetings: Iterable[Meeting], *, name: str, base_url: str, host: str, with_join: bool = False
) -> bytes:
    """An iCalendar (RFC 5545) file with one event per meeting, times in UTC. The join
    link (as the location) only ``with_join``: that is a member's personal feed; public
    files give the place and the meeting's page."""
    cal = Calendar()
    cal.add("prodid", "-//wellchild//hub//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "America/Los_Angeles")
    stamp = timezone.now()
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
        event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
        event.add("summary", meeting.title)
        event.add("description", meeting.agenda)
        join = meeting.join_url if with_join else ""
        event.add("location", join or meeting.location)
        event.add("url", f"{base_url}/meetings/{meeting.slug}/")
        cal.add_component(event)
    return bytes(cal.to_ical())


def personal_feed(*, user: Any) -> CalendarFeed | None:
    """The member's personal feed, if they made one."""
    return CalendarFeed.objects.filter(user_id=user.pk or 0).first()


def renew_personal_feed(*, user: Any) -> CalendarFeed:
    """Make the member's personal feed address, or replace it (the old one stops working)."""
    feed, _created = CalendarFeed.objects.update_or_create(
        user_id=user.pk, defaults={"token": new_feed_token()}
    )
    return feed


def stop_personal_feed(*, user: Any) -> None:
    """The member's personal feed address stops working."""
    CalendarFeed.objects.filter(user_id=user.pk or 0).delete()
