"""What the portal does with a practice's rows: filter the gap list, follow each child's
outreach, and read the practice's rates. Every function takes rows already scoped by
:mod:`wellchild.hub.portal.access`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery

from wellchild.hub.portal.models import Child, GapEntry, MeasureRate, OutreachRecord, Practice

GAPS = ("dental", "w30", "wcv")


@dataclass(frozen=True)
class Filters:
    """The gap list's filters: name words, age in years, language tag, gap, status."""

    q: str = ""
    age: int | None = None
    language: str = ""
    gap: str = ""
    status: str = ""

    def describe(self) -> str:
        """The filters in force, for the audit log (no names: a search word is kept,
        since it is what the user typed)."""
        parts = [
            f"{name}={value}"
            for name, value in (
                ("q", self.q),
                ("age", self.age),
                ("language", self.language),
                ("gap", self.gap),
                ("status", self.status),
            )
            if value not in ("", None)
        ]
        return "; ".join(parts) or "no filter"

    @property
    def active(self) -> bool:
        return self.describe() != "no filter"


def with_status(entries: QuerySet[GapEntry]) -> QuerySet[Any]:
    """Each entry with its child's latest outreach status and date."""
    latest = OutreachRecord.objects.filter(child=OuterRef("child")).order_by(
        "-date", "-recorded_at", "-id"
    )
    return entries.annotate(
        status=Subquery(latest.values("status")[:1]),
        status_date=Subquery(latest.values("date")[:1]),
    )


def filtered(entries: QuerySet[GapEntry], filters: Filters) -> QuerySet[Any]:
    rows = with_status(entries)
    for word in filters.q.split():
        rows = rows.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if filters.age is not None:
        rows = rows.filter(age_years=filters.age)
    if filters.language:
        rows = rows.filter(language=filters.language)
    if filters.gap == "dental":
        rows = rows.filter(gap_dental=True)
    elif filters.gap == "w30":
        rows = rows.filter(Q(gap_w30_1=True) | Q(gap_w30_2=True))
    elif filters.gap == "wcv":
        rows = rows.filter(gap_wcv=True)
    if filters.status == "none":
        rows = rows.filter(status__isnull=True)
    elif filters.status:
        rows = rows.filter(status=filters.status)
    return rows


def choices(entries: QuerySet[GapEntry]) -> dict[str, list[Any]]:
    """The ages and languages found on the list, for the filter menus."""
    ages = sorted(entries.order_by().values_list("age_years", flat=True).distinct())
    tags = sorted(entries.order_by().values_list("language", flat=True).distinct())
    return {"ages": ages, "languages": [(tag, language_name(tag)) for tag in tags]}


@cache
def language_name(tag: str) -> str:
    """The language's own name from the family documents' catalogues (the tag if none)."""
    from wellchild.documents.catalogue import available, catalogue

    if tag not in available():
        return tag
    return f"{catalogue(tag).name} ({tag})"


def record_outreach(
    *,
    child: Child,
    user: Any,
    status: str,
    date: dt.date,
    appointment_date: dt.date | None = None,
    note: str = "",
) -> OutreachRecord:
    return OutreachRecord.objects.create(
        child=child,
        status=status,
        date=date,
        appointment_date=appointment_date,
        note=note,
        recorded_by=user,
        recorded_by_email=str(user.email or user.get_username()),
    )


def rates(practice: Practice) -> QuerySet[MeasureRate]:
    """The practice's rates in every published run that is not withdrawn, oldest first."""
    return (
        MeasureRate.objects.filter(practice=practice, run__withdrawn_at__isnull=True)
        .select_related("run")
        .order_by("measure_id", "period_end", "run__published_at")
    )


def latest_rates(practice: Practice) -> list[MeasureRate]:
    """The practice's rates of its latest run, one per measure."""
    latest: dict[str, MeasureRate] = {}
    for rate in rates(practice):
        latest[rate.measure_id] = rate
    return list(latest.values())
