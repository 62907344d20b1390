"""Forms of the planning pages."""

from __future__ import annotations

from django import forms

from accord.core.forms import AccordForm
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
