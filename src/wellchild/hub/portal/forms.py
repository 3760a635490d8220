"""The portal's forms: the gap list's filters, an outreach record, staff, the audit search."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wellchild.hub.portal.audit import AuditQuery
from wellchild.hub.portal.domain import Filters
from wellchild.hub.portal.models import AuditEvent, OutreachRecord, Practice

GAP_CHOICES = [
    ("", _("Any gap")),
    ("dental", _("Dental: no visit in 12 months")),
    ("w30", _("W30: well-child visits by 30 months")),
    ("wcv", _("WCV: well-care visit this year")),
]
STATUS_CHOICES = [
    ("", _("Any status")),
    ("none", _("Nothing recorded yet")),
    *OutreachRecord.Status.choices,
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class FilterForm(forms.Form):
    """Read from the address (GET); a value that is not offered is ignored."""

    q = forms.CharField(label=_("Child's name"), max_length=100, required=False)
    age = forms.TypedChoiceField(
        label=_("Age"), coerce=int, empty_value=None, required=False, choices=[]
    )
    language = forms.ChoiceField(label=_("Family's language"), required=False, choices=[])
    gap = forms.ChoiceField(label=_("Gap"), required=False, choices=GAP_CHOICES)
    status = forms.ChoiceField(label=_("Outreach status"), required=False, choices=STATUS_CHOICES)

    def __init__(self, data: Any, *, ages: list[int], languages: list[tuple[str, str]]) -> None:
        super().__init__(data)
        self.fields["age"].choices = [("", _("Any age")), *((a, str(a)) for a in ages)]  # type: ignore[attr-defined]
        self.fields["language"].choices = [("", _("Any language")), *languages]  # type: ignore[attr-defined]

    def filters(self) -> Filters:
        # A value that is not valid is dropped, the rest kept: a stale bookmark still
        # shows the list.
        self.is_valid()
        data = self.cleaned_data
        return Filters(
            q=str(data.get("q") or "").strip(),
            age=data.get("age"),
            language=str(data.get("language") or ""),
            gap=str(data.get("gap") or ""),
            status=str(data.get("status") or ""),
        )


class OutreachForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = OutreachRecord
        fields = ["status", "date", "appointment_date", "note"]
        widgets = {
            "date": DateInput(),
            "appointment_date": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "appointment_date": _("When the family has an appointment with a dentist."),
            "note": _("Only what the team needs to follow up; no more than 500 characters."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def clean_date(self) -> dt.date:
        date: dt.date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status, appointment = data.get("status"), data.get("appointment_date")
        if status == OutreachRecord.Status.APPOINTMENT_MADE and appointment is None:
            self.add_error("appointment_date", _("Give the date of the appointment."))
        return data


class StaffForm(forms.Form):
    email = forms.EmailField(label=_("Email of their hub account"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Why they need to see the practice's children; kept in the audit log."),
    )

    def __init__(self, *args: Any, practice: Practice, coordinator: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice
        self.coordinator = coordinator

    def clean_email(self) -> Any:
        email = str(self.cleaned_data["email"]).strip().lower()
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        person = getattr(user, "person", None) if user is not None else None
        # An organization admin adds people of the organization; coordinators anyone.
        if user is None or (
            not self.coordinator
            and (
                person is None
                or person.organization_id != self.practice.organization_id
                or not person.membership_confirmed
            )
        ):
            raise forms.ValidationError(
                _(
                    "No confirmed member of the practice's organization has this email. "
                    "Ask them to join the hub and the organization first."
                )
            )
        if self.practice.staff.filter(user=user).exists():
            raise forms.ValidationError(_("They are already on the practice's staff."))
        return user


class AuditForm(forms.Form):
    q = forms.CharField(
        label=_("Who, practice, member id or words"), max_length=200, required=False
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action")), *AuditEvent.Action.choices],
    )
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def query(self) -> AuditQuery:
        data = self.cleaned_data if self.is_valid() else {}
        return AuditQuery(
            q=str(data.get("q") or "").strip(),
            action=str(data.get("action") or ""),
            since=data.get("since"),
            until=data.get("until"),
        )
