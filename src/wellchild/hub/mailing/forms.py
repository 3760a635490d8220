"""Sign-up and preferences forms of the mailing list."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from wellchild.hub.mailing.models import Topic


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your email"))
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    topics = forms.MultipleChoiceField(
        label=_("Email me about"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[t.value for t in Topic],
    )


class PreferencesForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("Email me about"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Clear every box to receive nothing."),
    )
    language = forms.ChoiceField(label=_("Language of the emails"), choices=settings.LANGUAGES)
