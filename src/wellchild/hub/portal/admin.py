"""The coordinators' pages for the portal: practices and their staff (each change with a
reason, through :mod:`wellchild.hub.portal.domain`, so it is audited and kept), the
grants' history and the audit log (read only). Named children are not shown here: only a
practice's staff see them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wellchild.hub.portal import domain
from wellchild.hub.portal.models import AuditEvent, Practice, Staff, StaffGrant


class StaffForm(forms.ModelForm):  # type: ignore[type-arg]
    """A staff member is added by the email of their hub account; adding and removing
    need a reason."""

    email = forms.EmailField(label=_("Email of their hub account"))
    reason = forms.CharField(
        label=_("Reason (to add or remove)"),
        max_length=500,
        required=False,
        help_text=_("Kept in the audit log."),
    )

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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.instance.pk and data.get("email") and not _reason_given(data):
            self.add_error("reason", _("Give the reason: it is kept in the audit log."))
        return data


def _reason_given(data: dict[str, Any]) -> bool:
    return bool(str(data.get("reason") or "").strip())


class StaffFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """A row ticked for deletion skips its form's checks, so the reason is asked here."""

    def clean(self) -> None:
        super().clean()
        for row in self.forms:
            data = getattr(row, "cleaned_data", {})
            if row.instance.pk and data.get("DELETE") and not _reason_given(data):
                raise forms.ValidationError(
                    _("Give the reason: it is kept in the audit log."), code="reason"
                )


class StaffInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Staff
    form = StaffForm
    formset = StaffFormSet
    extra = 1
    readonly_fields = ["added_by", "added_at"]


class StaffGrantInline(admin.TabularInline):  # type: ignore[type-arg]
    """Every grant of the practice, current or ended, read only."""

    model = StaffGrant
    extra = 0
    can_delete = False
    fields = readonly_fields = [  # type: ignore[assignment]
        "user_email",
        "state",
        "reason",
        "requested_by_email",
        "requested_at",
        "decided_by_email",
        "decided_at",
        "decision_reason",
        "removed_by_email",
        "removed_at",
        "removal_reason",
    ]
    verbose_name_plural = _("history of the staff")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "practice_id", "county_fips", "organization"]
    list_filter = ["county_fips", ("organization", admin.EmptyFieldListFilter)]
    search_fields = ["name", "practice_id", "organization__name", "staff__user__email"]
    fields = ["practice_id", "name", "phone", "county_fips", "organization"]
    readonly_fields = ["practice_id"]
    autocomplete_fields = ["organization"]
    inlines = [StaffInline, StaffGrantInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # practices come with published runs

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Staff rows change only through the domain (reason, grant, audit record); a
        coordinator adding themself only asks, and is told so."""
        if formset.model is not Staff:
            formset.save()
            return
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            data = getattr(row, "cleaned_data", {})
            reason = str(data.get("reason") or "")
            if row.instance.pk and data.get("DELETE"):
                domain.remove_staff(request, row.instance, reason)
                formset.deleted_objects.append(row.instance)
            elif not row.instance.pk and data.get("email"):
                try:
                    grant = domain.add_staff(request, form.instance, row.instance.user, reason)
                except domain.StaffChangeError as exc:
                    messages.error(request, str(exc))
                    continue
                if grant.state == StaffGrant.State.PENDING:
                    messages.warning(
                        request,
                        _(
                            "Your own request waits for a second coordinator: they approve "
                            "it on the practice's staff page in the portal."
                        ),
                    )
                else:
                    formset.new_objects.append(form.instance.staff.get(user=row.instance.user))


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
