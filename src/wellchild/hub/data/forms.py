"""The forms a team fills in: a PDSA cycle and an aim."""

from __future__ import annotations

from django import forms

from wellchild.hub.data.models import Aim, Cycle


class DateInput(forms.DateInput):
    input_type = "date"


class CycleForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Cycle
        fields = ["change_idea", "measure_id", "starts_on", "ends_on", "plan", "do", "study", "act"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "plan": forms.Textarea(attrs={"rows": 3}),
            "do": forms.Textarea(attrs={"rows": 3}),
            "study": forms.Textarea(attrs={"rows": 3}),
            "act": forms.Textarea(attrs={"rows": 3}),
        }


class AimForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Aim
        fields = ["measure_id", "baseline", "target", "by_when", "statement"]
        widgets = {
            "by_when": DateInput(),
            "baseline": forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100"}),
            "target": forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100"}),
            "statement": forms.Textarea(attrs={"rows": 2}),
        }
