"""Forms of the capability and requirement pages. Values stay as typed until the services
check them (partners/capabilities.py, partners/requirements.py), so that a value is judged in
one place and its message names the field, the same on the pages and the API."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.core.forms import AccordForm
from accord.orgs.choices import OrganisationKind
from accord.partners.choices import Process, RequirementKind, Standard, VolumeBand
from accord.partners.models import SiteCapability

IPC_CLASSES = [("", "(any class)"), ("1", "Class 1"), ("2", "Class 2"), ("3", "Class 3")]


class CapabilityLimitsForm(AccordForm):
    max_board_mm = forms.CharField(label="Longest board side (mm)", required=False, max_length=12)
    min_pitch_mm = forms.CharField(
        label="Finest component pitch (mm)", required=False, max_length=12
    )
    max_layers = forms.CharField(label="Most board layers", required=False, max_length=12)
    limits = forms.CharField(
        label="Other limits",
        required=False,
        max_length=500,
        help_text="e.g. BGA up to 1,500 balls, 01005 passives, X-ray 2D/3D.",
    )

    @classmethod
    def of(cls, capability: SiteCapability) -> CapabilityLimitsForm:
        return cls(
            initial={
                "max_board_mm": capability.max_board_mm or "",
                "min_pitch_mm": ""
                if capability.min_pitch_mm is None
                else str(capability.min_pitch_mm.normalize()),
                "max_layers": capability.max_layers or "",
                "limits": capability.limits,
            }
        )

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class CapabilityForm(CapabilityLimitsForm):
    process = forms.ChoiceField(choices=Process.choices)
    field_order = ["process", "max_board_mm", "min_pitch_mm", "max_layers", "limits"]

    def values(self) -> dict[str, Any]:
        data = super().values()
        return {"process": data.pop("process"), **data}


class ProfileForm(AccordForm):
    volume_band = forms.ChoiceField(
        label="Volume band", required=False, choices=[("", "(not stated)"), *VolumeBand.choices]
    )
    itar_registered = forms.BooleanField(label="ITAR registered", required=False)


class CapabilitySearchForm(AccordForm):
    """The search's criteria; a stale or unknown choice is ignored."""

    process = forms.MultipleChoiceField(
        label="Processes (all of them)",
        required=False,
        choices=Process.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    standard = forms.ChoiceField(
        label="Certificate in force",
        required=False,
        choices=[("", "Any or none"), *Standard.choices],
    )
    ipc_class = forms.ChoiceField(
        label="IPC-A-610 class at least", required=False, choices=IPC_CLASSES
    )
    country = forms.CharField(label="Country (two letters)", required=False, max_length=2)
    itar = forms.ChoiceField(
        label="ITAR registered",
        required=False,
        choices=[("", "Either"), ("yes", "Yes"), ("no", "No")],
    )
    volume = forms.ChoiceField(
        label="Volume band", required=False, choices=[("", "Any"), *VolumeBand.choices]
    )


class RequirementForm(AccordForm):
    kind = forms.ChoiceField(choices=RequirementKind.choices)
    standard = forms.ChoiceField(
        label="Standard (a certificate requirement)",
        required=False,
        choices=[("", "(not a certificate requirement)"), *Standard.choices],
    )
    min_ipc_class = forms.ChoiceField(
        label="Minimum IPC-A-610 class",
        required=False,
        choices=[("", "(not IPC-A-610)"), *IPC_CLASSES[1:]],
    )
    processes = forms.MultipleChoiceField(
        label="Processes (a certificate's scope, or the capabilities required)",
        required=False,
        choices=Process.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    product_category = forms.CharField(
        label="Product category in the certificate's scope", required=False, max_length=100
    )
    countries = forms.CharField(
        label="Countries allowed (a country requirement)",
        required=False,
        max_length=300,
        help_text="Two-letter codes separated by commas, e.g. DE, MY, US.",
    )
    partner_kinds = forms.MultipleChoiceField(
        label="Applies to partners that are",
        required=False,
        choices=OrganisationKind.choices,
        initial=[OrganisationKind.EMS.value],
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(required=False, max_length=300)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["countries"] = [c for c in data.get("countries", "").split(",") if c.strip()]
        return data


class RequirementEditForm(RequirementForm):
    """Every field of a requirement but its kind (retire it and add another for that)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]

    @staticmethod
    def initial_of(requirement: Any) -> dict[str, Any]:
        return {
            "standard": requirement.standard,
            "min_ipc_class": "" if requirement.min_ipc_class is None else requirement.min_ipc_class,
            "processes": requirement.processes,
            "product_category": requirement.product_category,
            "countries": ", ".join(requirement.countries),
            "partner_kinds": requirement.partner_kinds,
            "note": requirement.note,
        }
