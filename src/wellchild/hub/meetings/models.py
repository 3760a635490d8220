"""The meeting schedule: recurring series, single meetings and the materials posted after."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wellchild.hub.uploads import validate_upload


class Series(models.Model):
    """Meetings on the same weekday of the month every few months (bi-monthly by default)."""

    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description (Spanish)"), blank=True)
    first_starts_at = models.DateTimeField(_("first meeting starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), default=90)
    interval_months = models.PositiveSmallIntegerField(_("every how many months"), default=2)
    count = models.PositiveSmallIntegerField(_("how many meetings"), default=6)
    join_url = models.URLField(_("join link"), blank=True)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    series = models.ForeignKey(
        Series, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(
        _("title (Spanish)"),
        max_length=200,
        blank=True,
        help_text=_("Shown in the Spanish interface; without it the English title is shown."),
    )
    slug = models.SlugField(max_length=220, unique=True)
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), default=90)
    agenda = models.TextField(_("agenda"), blank=True)
    agenda_es = models.TextField(_("agenda (Spanish)"), blank=True)
    join_url = models.URLField(_("join link"), blank=True)
    location = models.CharField(_("where"), max_length=200, blank=True, default="Online")

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.title} ({timezone.localdate(self.starts_at)})"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_past(self) -> bool:
        return self.starts_at < timezone.now()


class Material(models.Model):
    class Kind(models.TextChoices):
        SLIDES = "slides", _("Slides")
        RECORDING = "recording", _("Recording")
        NOTES = "notes", _("Notes")
        OTHER = "other", _("Other")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title (Spanish)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file = models.FileField(
        _("file"), upload_to="materials/", blank=True, validators=[validate_upload]
    )
    url = models.URLField(_("link"), blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.title


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A member's personal calendar address, the only feed with the join links: the
    token in it stands for the member, who can replace it (the old address stops) or
    stop it. It also stops answering once the account no longer may see join links."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("personal calendar feed")
        verbose_name_plural = _("personal calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"
