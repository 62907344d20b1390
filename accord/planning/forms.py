"""Forms of the planning pages."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.core.forms import AccordForm
from accord.planning.choices import RiskKind, Severity
from accord.planning.inputs import DEFAULT_HORIZON_WEEKS
from accord.planning.netting import MAX_HORIZON_WEEKS

SUPPLY_CHOICES = [
    ("", "Any part"),
    ("bought", "Bought parts"),
    ("built", "Built (sub-assemblies)"),
    ("consigned", "Consigned (from the OEM)"),
]


class PlanForm(AccordForm):
    horizon = forms.IntegerField(
        min_value=1,
        max_value=MAX_HORIZON_WEEKS,
        initial=DEFAULT_HORIZON_WEEKS,
        label="Horizon (weeks)",
        widget=forms.NumberInput(attrs={"size": 4}),
    )


class BoardFilterForm(AccordForm):
    q = forms.CharField(
        required=False,
        max_length=80,
        label="Part",
        widget=forms.TextInput(attrs={"type": "search", "size": 16}),
    )
    show = forms.ChoiceField(
        required=False,
        label="Show",
        choices=[("", "Parts that run short"), ("all", "Every planned part")],
    )
    supply = forms.ChoiceField(required=False, label="Supply", choices=SUPPLY_CHOICES)


class RiskFilterForm(AccordForm):
    kind = forms.ChoiceField(
        required=False, label="Risk", choices=[("", "Any risk"), *RiskKind.choices]
    )
    severity = forms.ChoiceField(
        required=False, label="Severity", choices=[("", "Any severity"), *Severity.choices]
    )
    owner = forms.ChoiceField(required=False, label="Owner")

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            ("none", "Nobody yet"),
            *((str(pk), name) for pk, name in owners),
        ]


class RiskOwnerForm(AccordForm):
    part = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    kind = forms.ChoiceField(choices=RiskKind.choices, widget=forms.HiddenInput)
    owner = forms.ChoiceField(label="Owner")
    note = forms.CharField(required=False, max_length=300, label="Note")

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(str(pk), name) for pk, name in owners]  # type: ignore[attr-defined]
