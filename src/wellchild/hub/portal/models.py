"""Practices, their staff, their named children, outreach records and the audit log.

Member-level rows (:class:`Child`, :class:`GapEntry`) are only ever read through
:mod:`wellchild.hub.portal.access`, scoped to the practices of the signed-in user, and
every read is written to :class:`AuditEvent` through :mod:`wellchild.hub.portal.audit`.
A gap list belongs to a published run and goes when the run is withdrawn; an outreach
record belongs to the practice and the child, and stays.
"""

from __future__ import annotations

import secrets
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wellchild.hub.data.models import Run


def new_key() -> str:
    """An opaque, unguessable id for addresses (never a member id or a row number)."""
    return secrets.token_urlsafe(16)


class Practice(models.Model):
    """A primary care practice as the published runs name it (``practice_id``)."""

    practice_id = models.CharField(_("practice id"), max_length=40, unique=True)
    key = models.CharField(max_length=32, unique=True, default=new_key, editable=False)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    county_fips = models.CharField(_("county (FIPS)"), max_length=5, blank=True)
    organization = models.ForeignKey(
        "community.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name=_("organization"),
        help_text=_("Its admins may add and remove the practice's staff."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "practice_id"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")

    def __str__(self) -> str:
        return f"{self.name} ({self.practice_id})"


class Staff(models.Model):
    """A user who works at a practice and so sees its children."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_staff"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["practice", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "user"], name="portal_staff_once")
        ]
        verbose_name = _("practice staff member")
        verbose_name_plural = _("practice staff")

    def __str__(self) -> str:
        return f"{self.user} at {self.practice}"


class StaffGrant(models.Model):
    """One grant of a practice's children to a person: asked for, granted or refused, and
    ended; kept after the person leaves the staff, with every email written out so that
    deleting an account leaves the history readable. Changed only through
    :mod:`wellchild.hub.portal.domain`, which writes the audit record of each step."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for a second coordinator")
        GRANTED = "granted", _("On the staff")
        REFUSED = "refused", _("Refused")
        REMOVED = "removed", _("Removed")

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    user_email = models.CharField(_("whom"), max_length=254)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    reason = models.CharField(_("reason"), max_length=500)
    requested_by_email = models.CharField(_("added by"), max_length=254)
    requested_at = models.DateTimeField(_("added"), default=timezone.now)
    decided_by_email = models.CharField(_("approved or refused by"), max_length=254, blank=True)
    decided_at = models.DateTimeField(_("approved or refused"), null=True, blank=True)
    decision_reason = models.CharField(_("reason of the decision"), max_length=500, blank=True)
    removed_by_email = models.CharField(_("removed by"), max_length=254, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removal_reason = models.CharField(_("reason of the removal"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["practice", "state"])]
        verbose_name = _("staff grant")
        verbose_name_plural = _("staff grants")

    def __str__(self) -> str:
        return f"{self.user_email} at {self.practice} ({self.state})"


class Child(models.Model):
    """A child of one practice, across runs: the opaque key of its pages, and what its
    outreach records hang on. Details come from the gap list entries."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="children")
    member_id = models.CharField(max_length=40)
    key = models.CharField(max_length=32, unique=True, default=new_key, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "member_id"], name="portal_child_once")
        ]

    def __str__(self) -> str:
        return f"child {self.key}"


class GapList(models.Model):
    """One practice's gap list as published with a run."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="gap_lists")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="gap_lists")
    as_of = models.DateField()
    children = models.PositiveIntegerField()
    source = models.CharField(max_length=500)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-as_of", "-loaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["run", "practice"], name="portal_gaplist_once")
        ]


class GapEntry(models.Model):
    """One named child on a practice's gap list: a row of its ``gap_list.csv``."""

    gap_list = models.ForeignKey(GapList, on_delete=models.CASCADE, related_name="entries")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="entries")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    birth_date = models.DateField()
    age_years = models.PositiveSmallIntegerField()
    language = models.CharField(max_length=20)
    guardian_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    zip = models.CharField(max_length=10, blank=True)
    county_fips = models.CharField(max_length=5, blank=True)
    plan_id = models.CharField(max_length=40, blank=True)
    pcp_npi = models.CharField(max_length=20, blank=True)
    pcp_name = models.CharField(max_length=200, blank=True)
    last_dental_visit = models.DateField(null=True)
    last_well_child_visit = models.DateField(null=True)
    well_child_due = models.DateField(null=True)
    well_child_overdue = models.BooleanField()
    # Every child on the list has the dental gap (no dental visit in 12 months): that is
    # what puts a child on it. The flag is kept so the filters treat the gaps alike.
    gap_dental = models.BooleanField(default=True)
    gap_w30_1 = models.BooleanField()
    gap_w30_2 = models.BooleanField()
    gap_wcv = models.BooleanField()
    dentists = models.JSONField(default=list)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["gap_list", "last_name", "first_name"])]

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def gap_w30(self) -> bool:
        return self.gap_w30_1 or self.gap_w30_2


class MeasureRate(models.Model):
    """A practice's rate on one measure in one run, counted from its rows of the run's
    long table; the run's rate over all practices and its target beside it."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="practice_rates")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="rates")
    measure_id = models.CharField(max_length=40)
    measure_name = models.CharField(max_length=200)
    measure_version = models.CharField(max_length=40, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    eligible = models.PositiveIntegerField()
    excluded = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()
    numerator = models.PositiveIntegerField()
    rate = models.FloatField(null=True)
    ci_low = models.FloatField(null=True)
    ci_high = models.FloatField(null=True)
    overall_rate = models.FloatField(null=True)
    target_rate = models.FloatField(null=True)

    class Meta:
        ordering = ["measure_id", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "practice", "measure_id"], name="portal_rate_once"
            )
        ]


class OutreachRecord(models.Model):
    """What the practice did for a child, and what came of it, as its staff recorded it."""

    class Status(models.TextChoices):
        CALLED = "called", _("Called")
        LETTER_SENT = "letter sent", _("Letter sent")
        REFERRAL_GIVEN = "referral given", _("Referral given")
        APPOINTMENT_MADE = "appointment made", _("Appointment made")
        SEEN = "seen", _("Seen by a dentist")
        DECLINED = "declined", _("Declined")
        UNREACHABLE = "unreachable", _("Unreachable")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="outreach")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    date = models.DateField(_("date"))
    appointment_date = models.DateField(_("appointment date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_by_email = models.CharField(max_length=254)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-recorded_at"]
        indexes = [models.Index(fields=["child", "-date", "-recorded_at"])]


class AppendOnlyError(Exception):
    """The audit log is only ever added to."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit records cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records cannot be changed.")


class AuditEvent(models.Model):
    """One read, print, export or record of member-level data, or one change to who may
    read it (a practice's staff): who, when, what, how many children, which practice,
    from where. Append only: written by :func:`wellchild.hub.portal.audit.record`, never
    changed or deleted (on PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE too).
    Each record carries ``chain``, a SHA-256 over its fields and the previous record's
    ``chain``, so a record changed or deleted behind the app's back breaks the chain
    (``wellchild hub manage audit_verify``). No foreign keys, so deleting an account or a
    practice leaves the record as it was."""

    class Action(models.TextChoices):
        READ_LIST = "read list", _("Read the gap list")
        READ_CHILD = "read child", _("Read a child's page")
        PRINT_REFERRAL = "print referral", _("Printed a referral form")
        PRINT_BROCHURE = "print brochure", _("Printed a brochure")
        EXPORT_XLSX = "export xlsx", _("Exported the gap list (XLSX)")
        EXPORT_REGISTER = "export register", _("Exported the referral register (CSV)")
        RECORD_OUTREACH = "record outreach", _("Recorded outreach")
        EXPORT_AUDIT = "export audit", _("Exported the audit log (CSV)")
        GRANT_STAFF = "grant staff", _("Added to a practice's staff")
        REQUEST_STAFF = "request staff", _("Asked to join a practice's staff (self)")
        APPROVE_STAFF = "approve staff", _("Approved joining a practice's staff")
        REFUSE_STAFF = "refuse staff", _("Refused joining a practice's staff")
        REMOVE_STAFF = "remove staff", _("Removed from a practice's staff")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user_id = models.BigIntegerField(_("user id"), null=True)
    user_email = models.CharField(_("who"), max_length=254, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    practice_id = models.CharField(_("practice"), max_length=40, blank=True, db_index=True)
    children = models.PositiveIntegerField(_("children"))
    member_id = models.CharField(_("member id"), max_length=40, blank=True, db_index=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    path = models.CharField(_("address"), max_length=500)
    ip = models.CharField(_("from (IP)"), max_length=45)
    chain = models.CharField(_("chain hash"), max_length=64, default="", editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_email} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit records cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit records cannot be deleted.")
