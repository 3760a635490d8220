"""The resource and data library."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from wellchild.hub.uploads import validate_upload


class Tag(models.Model):
    slug = models.SlugField(unique=True)
    name_en = models.CharField(max_length=60)
    name_es = models.CharField(max_length=60)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name_en


class Resource(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        PROTOCOL = "protocol", _("Protocol")
        BROCHURE = "brochure", _("Brochure")
        FORM = "form", _("Form")
        DATA = "data", _("Data")
        TOOLKIT = "toolkit", _("Toolkit")

    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(
        _("title (Spanish)"),
        max_length=200,
        blank=True,
        help_text=_("Shown in the Spanish interface; without it the English title is shown."),
    )
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.TextField(_("summary"))
    summary_es = models.TextField(_("summary (Spanish)"), blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    tags = models.ManyToManyField(Tag, blank=True, verbose_name=_("tags"))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    published_on = models.DateField(_("date"))
    file = models.FileField(
        _("file"), upload_to="resources/", blank=True, validators=[validate_upload]
    )
    url = models.URLField(_("link"), blank=True)
    # Titles, summaries, tag names and the file's words in one column: what search reads;
    # on PostgreSQL also parsed, stemmed, by each language's configuration (domain.reindex).
    search_text = models.TextField(editable=False, default="")
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.title
