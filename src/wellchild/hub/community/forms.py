"""The forms of joining, the profile and the contact page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from wellchild.hub.community.domain import Newcomer, email_taken
from wellchild.hub.community.models import Category, Organization, Person
from wellchild.hub.counties import county_choices
from wellchild.hub.mailing.models import Topic

COUNTY_CHOICES = [("", _("Choose a county")), *county_choices()]


class _Join(forms.Form):
    """What both ways of joining ask: the person, a password, updates and the pledge."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email"))
    title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    topics = forms.MultipleChoiceField(
        label=_("Email me about"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[Topic.NEWS, Topic.MEETINGS],
    )
    pledge = forms.BooleanField(label=_("I take the pledge to be a voice for kids"), required=False)

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if email_taken(email):
            raise forms.ValidationError(
                _("An account with this email exists. Sign in, or reset its password.")
            )
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data

    def newcomer(self) -> Newcomer:
        d = self.cleaned_data
        return Newcomer(name=d["name"], email=d["email"], title=d.get("title", ""))


class PersonJoinForm(_Join):
    county = forms.ChoiceField(label=_("County"), choices=COUNTY_CHOICES, required=False)
    organization = forms.ModelChoiceField(
        label=_("Organization you belong to"),
        queryset=Organization.objects.filter(approved_at__isnull=False),
        required=False,
        empty_label=_("None, or not listed yet"),
        help_text=_("An admin of the organization confirms that you belong to it."),
    )
    field_order = ["name", "email", "title", "county", "organization", "password1", "password2"]


class OrganizationJoinForm(_Join):
    org_name = forms.CharField(label=_("Organization name"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    county = forms.ChoiceField(label=_("County"), choices=COUNTY_CHOICES, required=False)
    description = forms.CharField(
        label=_("What the organization does"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    people = forms.CharField(
        label=_("Other people in the organization"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("One person a line: name, email. Each gets a link to set a password."),
    )
    field_order = [
        "org_name",
        "category",
        "website",
        "county",
        "description",
        "name",
        "email",
        "title",
        "password1",
        "password2",
        "people",
    ]

    def clean_org_name(self) -> str:
        name = str(self.cleaned_data["org_name"]).strip()
        if Organization.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("This organization has joined already; join it as a person instead.")
            )
        return name

    def clean_people(self) -> list[Newcomer]:
        people = []
        for number, line in enumerate(str(self.cleaned_data["people"]).splitlines(), 1):
            if not line.strip():
                continue
            name, _sep, email = line.rpartition(",")
            email = email.strip().lower()
            try:
                validate_email(email)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Line %(n)s should read: name, email"), params={"n": number}
                ) from None
            if not name.strip() or email_taken(email):
                raise forms.ValidationError(
                    _("Line %(n)s: a name is missing or the address has an account already."),
                    params={"n": number},
                )
            people.append(Newcomer(name=name.strip(), email=email))
        return people


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Person
        fields = ["name", "title", "county", "organization", "listed", "language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            approved_at__isnull=False
        )
        self.fields["county"].choices = COUNTY_CHOICES  # type: ignore[attr-defined]


class OrganizationForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Organization
        fields = ["website", "county", "description"]


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email"))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    # Hidden from people (CSS and aria-hidden); robots that fill every field reveal themselves.
    homepage = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        template_name="includes/honeypot.html",  # type: ignore[call-arg]
    )
