"""Forms of the agreement pages: a new agreement, the terms (as JSON, the API's shape),
signing a hash and retiring an agreement."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from accord.core.forms import AccordForm
from accord.orgs.models import Organisation, Program


class AgreementForm(AccordForm):
    program = forms.ModelChoiceField(queryset=Program.objects.none())
    partner = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), help_text="A partner of the program."
    )
    title = forms.CharField(max_length=200)

    def __init__(self, *args: Any, programs: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]


class TermsForm(AccordForm):
    terms = forms.CharField(
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 30, "cols": 90, "spellcheck": "false"}),
        help_text="Every clause as JSON (the API's shape: GET /api/v1/agreements/{id}). "
        "Amounts as plain numbers with a point for decimals, e.g. 1234.50.",
    )

    def clean_terms(self) -> Any:
        try:
            data = json.loads(self.cleaned_data["terms"])
        except ValueError as error:
            raise forms.ValidationError(f"This is not JSON: {error}.") from None
        if not isinstance(data, dict):
            raise forms.ValidationError("The terms are a JSON object of clauses.")
        return data


class SignForm(AccordForm):
    terms_hash = forms.CharField(min_length=64, max_length=64, widget=forms.HiddenInput)


class RetireForm(AccordForm):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Why the agreement ends, e.g. the program ended or the partner changed.",
    )
