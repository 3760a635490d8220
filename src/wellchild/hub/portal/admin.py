"""The coordinators' pages for the portal: practices and their staff, and the audit log
(read only). Named children are not shown here: only a practice's staff see them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wellchild.hub.portal.models import AuditEvent, Practice, Staff


class StaffForm(forms.ModelForm):  # type: ignore[type-arg]
    """A staff member is added by the email of their hub account."""

    email = forms.EmailField(label=_("Email of their hub account"))

    class Meta:
        model = Staff
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["email"].initial = self.instance.user.email
            self.fields["email"].disabled = True

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if self.instance.pk:
            return email
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active hub account has this email."))
        practice_id = self.instance.practice_id
        if practice_id and Staff.objects.filter(practice_id=practice_id, user=user).exists():
            raise forms.ValidationError(_("They are already on the practice's staff."))
        self.instance.user = user
        return email


class StaffInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Staff
    form = StaffForm
    extra = 1
    readonly_fields = ["added_by", "added_at"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "practice_id", "county_fips", "organization"]
    list_filter = ["county_fips", ("organization", admin.EmptyFieldListFilter)]
    search_fields = ["name", "practice_id", "organization__name", "staff__user__email"]
    fields = ["practice_id", "name", "phone", "county_fips", "organization"]
    readonly_fields = ["practice_id"]
    autocomplete_fields = ["organization"]
    inlines = [StaffInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # practices come with published runs

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for staff in formset.save(commit=False):
            if staff.pk is None:
                staff.added_by = request.user
            staff.save()
        for gone in formset.deleted_objects:
            gone.delete()


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "user_email", "action", "practice_id", "children", "member_id", "ip"]
    list_filter = ["action", "at"]
    search_fields = ["user_email", "practice_id", "member_id", "detail", "ip"]
    date_hierarchy = "at"
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
