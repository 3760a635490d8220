"""The coordinators' pages for people, organizations, texts and contact messages."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wellchild.hub.community import domain
from wellchild.hub.community.models import ContactMessage, Organization, Person, SiteText


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "category", "county", "approved_at", "created_at"]
    list_filter = ["category", ("approved_at", admin.EmptyFieldListFilter), "county"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["approve"]

    @admin.action(description=_("Approve: show in the directory"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Organization]) -> None:
        count = domain.approve_organizations(queryset)
        self.message_user(
            request,
            ngettext("%(n)d organization approved.", "%(n)d organizations approved.", count)
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "name",
        "email",
        "organization",
        "is_org_admin",
        "membership_confirmed",
        "email_confirmed_at",
    ]
    list_filter = ["is_org_admin", "membership_confirmed", "organization__category"]
    search_fields = ["name", "user__email", "organization__name"]
    raw_id_fields = ["user"]


@admin.register(SiteText)
class SiteTextAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["key", "title_en", "updated_at"]


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["subject", "name", "email", "created_at"]
    readonly_fields = ["name", "email", "subject", "message", "created_at"]
    search_fields = ["subject", "message", "email"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
