"""Published measure runs and the improvement work charted against them.

A run's aggregates are stored only after the small-cell policy of MEASURES.md: a
suppressed count is ``None`` here, so no unsuppressed count between 1 and 10 (nor one
that could be worked out from the others) ever enters these tables.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wellchild.hub.community.models import Organization
from wellchild.hub.data.labels import (
    county_choices_fips,
    event_month_series,
    measure_choices,
    spec_text,
)


class MeasureIdField(models.CharField):  # type: ignore[type-arg]
    """A measure id, offered and checked against the measure registry.

    Its choices are read from the registry when a form or a check asks for them, and the
    field is written to migrations as a plain ``CharField``: adding a measure needs no
    migration.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs["choices"] = measure_choices
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return name, "django.db.models.CharField", args, kwargs


class Run(models.Model):
    """One measure run (the output folder of ``wellchild measure``) loaded into the hub.

    The fingerprint is the SHA-256 of the run's long table and summary, so publishing the
    same run again finds this row instead of adding another. A withdrawn run stays here,
    for the record, but no page shows it.
    """

    label = models.CharField(_("label"), max_length=100, unique=True)
    slug = models.SlugField(max_length=110, unique=True)
    fingerprint = models.CharField(max_length=64, unique=True)
    year = models.PositiveSmallIntegerField(_("measurement year"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    as_of = models.DateField(_("data as of"))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown to visitors who are not signed in.")
    )
    source = models.CharField(_("published from"), max_length=500)
    details = models.JSONField(_("run settings"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-published_at"]
        verbose_name = _("published run")
        verbose_name_plural = _("published runs")

    def __str__(self) -> str:
        return self.label

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class RunMeasure(models.Model):
    """A measure as one run computed it: its name, specification version and period."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="measures")
    measure_id = models.CharField(_("measure"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("specification version"), max_length=40)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "measure_id"], name="data_one_measure_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.measure_id}"

    # The measure's texts beside the run's own name, from its spec (translated.pick reads them)
    @property
    def name_es(self) -> str:
        return spec_text(self.measure_id, "name_es")

    @property
    def description(self) -> str:
        return spec_text(self.measure_id, "description")

    @property
    def description_es(self) -> str:
        return spec_text(self.measure_id, "description_es")

    @property
    def event_month_series(self) -> bool:
        """Its monthly points count children by the month of their index visit."""
        return event_month_series(self.measure_id)


class Rate(models.Model):
    """One row of a run's summary (the total, or one group of one stratum), suppressed.

    ``denominator`` and ``numerator`` are ``None`` where the policy hides them, and so are
    the rate and everything computed from it; ``suppressed`` names what was hidden.
    """

    measure = models.ForeignKey(RunMeasure, on_delete=models.CASCADE, related_name="rates")
    dimension = models.CharField(_("stratum"), max_length=40)
    group = models.CharField(_("group"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    denominator = models.PositiveIntegerField(_("children counted"), null=True, blank=True)
    numerator = models.PositiveIntegerField(_("children who met it"), null=True, blank=True)
    rate = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    small_denominator = models.BooleanField(null=True, blank=True)
    suppressed = models.CharField(max_length=40, blank=True)
    reference_group = models.CharField(max_length=200, blank=True)
    difference = models.FloatField(null=True, blank=True)
    ratio = models.FloatField(null=True, blank=True)
    baseline_rate = models.FloatField(null=True, blank=True)
    baseline_difference = models.FloatField(null=True, blank=True)
    target_rate = models.FloatField(null=True, blank=True)
    progress = models.FloatField(null=True, blank=True)
    disparity_change = models.FloatField(null=True, blank=True)
    disparity_aim_met = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["measure", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "dimension", "group"], name="data_one_rate_per_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.dimension}={self.group}"


class Scope(models.TextChoices):
    ALL = "all", _("All children")
    COUNTY = "county", _("County")
    PRACTICE = "practice", _("Practice")


class SeriesPoint(models.Model):
    """One month of a measure's monthly series (the 12 months ending that month, or the
    children whose index visit fell in it), for everyone, a county or a practice."""

    measure = models.ForeignKey(RunMeasure, on_delete=models.CASCADE, related_name="points")
    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.CharField(max_length=40, blank=True)
    month = models.DateField()
    window_start = models.DateField()
    window_end = models.DateField()
    denominator = models.PositiveIntegerField(null=True, blank=True)
    numerator = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["measure", "scope", "key", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "scope", "key", "month"], name="data_one_point_per_month"
            )
        ]
        indexes = [models.Index(fields=["window_start", "window_end"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.scope} {self.key} {self.month:%Y-%m}"


class Team(models.Model):
    """An improvement team: a practice, a plan or a county team of one organization."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="teams",
        verbose_name=_("organization"),
        help_text=_("Its confirmed members record the team's cycles and aims."),
    )
    practice_id = models.CharField(
        _("practice id"), max_length=40, blank=True, help_text=_("For a practice's team.")
    )
    plan_id = models.CharField(
        _("plan id"), max_length=40, blank=True, help_text=_("For a health plan's team.")
    )
    county = models.CharField(_("county"), max_length=5, blank=True, choices=county_choices_fips())
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("improvement team")
        verbose_name_plural = _("improvement teams")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.practice_id and self.plan_id:
            raise ValidationError(_("A team is a practice's or a plan's, not both."))


class Aim(models.Model):
    """What a team means to reach on one measure, and by when (rates in percent)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="aims")
    measure_id = MeasureIdField(_("measure"))
    baseline = models.FloatField(_("baseline (%)"))
    target = models.FloatField(_("target (%)"))
    by_when = models.DateField(_("by when"))
    statement = models.TextField(_("aim statement"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team", "-by_when", "-created_at"]
        verbose_name = _("aim")
        verbose_name_plural = _("aims")

    def __str__(self) -> str:
        return f"{self.team}: {self.measure_id} {self.baseline:g}% → {self.target:g}%"

    def clean(self) -> None:
        for value in (self.baseline, self.target):
            if value is not None and not 0 <= value <= 100:
                raise ValidationError(_("Rates are percentages from 0 to 100."))


class Cycle(models.Model):
    """A Plan-Do-Study-Act cycle: one change idea tested, on one measure."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="cycles")
    measure_id = MeasureIdField(_("measure"))
    change_idea = models.CharField(_("change idea"), max_length=200)
    plan = models.TextField(_("plan"), help_text=_("What you will try, and what you predict."))
    do = models.TextField(_("do"), blank=True, help_text=_("What happened when you tried it."))
    study = models.TextField(_("study"), blank=True, help_text=_("What the data showed."))
    act = models.TextField(_("act"), blank=True, help_text=_("Adopt, adapt or abandon, and why."))
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team", "starts_on", "id"]
        verbose_name = _("PDSA cycle")
        verbose_name_plural = _("PDSA cycles")

    def __str__(self) -> str:
        return f"{self.team}: {self.change_idea}"

    def clean(self) -> None:
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date comes before the start date.")})
