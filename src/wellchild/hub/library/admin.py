"""The coordinators add documents and links to the library here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wellchild.hub.library import domain
from wellchild.hub.library.models import Resource, Tag


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "kind", "language", "published_on"]
    list_filter = ["kind", "language", "tags"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["tags"]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        domain.reindex(resource=form.instance)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["slug", "name_en", "name_es"]
