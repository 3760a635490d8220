"""The coordinators' view of published runs and of the improvement teams' work."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wellchild.hub.data.models import Aim, Cycle, Run, Team


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Runs come from ``wellchild publish``; here a coordinator reads them and may make a
    draft public or change its label. Rates are never edited by hand."""

    list_display = ["label", "period_start", "period_end", "public", "published_at", "withdrawn_at"]
    list_filter = ["public", "year"]
    fields = [
        "label",
        "public",
        "year",
        "period_start",
        "period_end",
        "as_of",
        "baseline_year",
        "source",
        "fingerprint",
        "published_at",
        "withdrawn_at",
        "details",
    ]
    readonly_fields = [
        "year",
        "period_start",
        "period_end",
        "as_of",
        "baseline_year",
        "source",
        "fingerprint",
        "published_at",
        "withdrawn_at",
        "details",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AimInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Aim
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "organization", "practice_id", "plan_id", "county"]
    list_filter = ["county"]
    search_fields = ["name", "organization__name", "practice_id", "plan_id"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organization"]
    inlines = [AimInline]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["change_idea", "team", "measure_id", "starts_on", "ends_on"]
    list_filter = ["measure_id", "team"]
    search_fields = ["change_idea", "plan", "study"]
    date_hierarchy = "starts_on"
    readonly_fields = ["created_by", "created_at", "updated_at"]


@admin.register(Aim)
class AimAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["team", "measure_id", "baseline", "target", "by_when"]
    list_filter = ["measure_id"]
