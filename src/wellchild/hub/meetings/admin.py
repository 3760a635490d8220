"""The coordinators keep the schedule and post each meeting's materials here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wellchild.hub.meetings import domain
from wellchild.hub.meetings.models import Material, Meeting, Series


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "first_starts_at", "interval_months", "count"]
    actions = ["schedule"]

    @admin.action(description=_("Put the series' meetings on the schedule"))
    def schedule(self, request: HttpRequest, queryset: QuerySet[Series]) -> None:
        made = sum(len(domain.schedule(series=s)) for s in queryset)
        self.message_user(request, _("%(n)d meetings added.") % {"n": made}, messages.SUCCESS)


class MaterialInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Material
    extra = 1


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "starts_at", "series"]
    list_filter = ["series"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MaterialInline]
