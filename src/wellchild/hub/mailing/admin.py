"""The coordinators write announcements here and queue them for the background sender."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wellchild.hub.mailing import domain
from wellchild.hub.mailing.models import Announcement, Delivery, Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "email",
        "name",
        "language",
        "news",
        "meetings",
        "resources",
        "confirmed_at",
        "unsubscribed_at",
    ]
    list_filter = [
        "language",
        "news",
        "meetings",
        "resources",
        ("confirmed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email", "name"]
    readonly_fields = ["confirmed_at", "unsubscribed_at", "confirmation_sent_at"]


class DeliveryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Delivery
    fields = ("email", "status", "attempts", "sent_at", "last_error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["subject", "topic", "status", "created_at", "queued_at"]
    list_filter = ["status", "topic"]
    readonly_fields = ["status", "queued_at", "created_by"]
    inlines = [DeliveryInline]
    actions = ["send"]

    def save_model(self, request: HttpRequest, obj: Announcement, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Send to the subscribers of its topic"))
    def send(self, request: HttpRequest, queryset: QuerySet[Announcement]) -> None:
        for announcement in queryset:
            count = domain.queue(announcement=announcement)
            self.message_user(
                request,
                _("“%(subject)s” is queued for %(n)d subscribers; it goes out in batches.")
                % {"subject": announcement.subject, "n": count},
                messages.SUCCESS,
            )
