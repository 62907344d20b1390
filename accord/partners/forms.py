"""Forms of the certificate pages. Values stay as typed until the service checks them
(partners/services.py), so that a value is judged in one place and its message names the
field; the form only draws the fields."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.core.forms import AccordForm
from accord.partners.choices import CertificateStatus, Process, Standard
from accord.partners.models import Certificate
from accord.partners.services import EVIDENCE_KINDS


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class CertificateForm(AccordForm):
    standard = forms.ChoiceField(choices=Standard.choices)
    ipc_class = forms.ChoiceField(
        label="IPC-A-610 class",
        required=False,
        choices=[
            ("", "(not an IPC-A-610 listing)"),
            ("1", "Class 1"),
            ("2", "Class 2"),
            ("3", "Class 3"),
        ],
    )
    number = forms.CharField(label="Certificate number", max_length=100)
    issuer = forms.CharField(label="Issuer (certification body)", max_length=200)
    valid_from = _date("Valid from")
    valid_until = _date("Valid until")
    processes = forms.MultipleChoiceField(
        label="Processes in scope",
        required=False,
        choices=Process.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    product_categories = forms.CharField(
        label="Product categories in scope",
        required=False,
        max_length=2000,
        help_text="Separated by commas, e.g. medical devices, wearables.",
    )
    scope_text = forms.CharField(
        label="Scope as written on the certificate",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    suspended = forms.BooleanField(label="Suspended by the issuer", required=False)

    @classmethod
    def of(cls, certificate: Certificate) -> CertificateForm:
        return cls(
            initial={
                "standard": certificate.standard,
                "ipc_class": str(certificate.ipc_class or ""),
                "number": certificate.number,
                "issuer": certificate.issuer,
                "valid_from": certificate.valid_from,
                "valid_until": certificate.valid_until,
                "processes": certificate.processes,
                "product_categories": ", ".join(certificate.product_categories),
                "scope_text": certificate.scope_text,
                "suspended": certificate.suspended,
            }
        )

    def values(self) -> dict[str, Any]:
        """What the service takes."""
        data = dict(self.cleaned_data)
        data["product_categories"] = [
            c.strip() for c in data.get("product_categories", "").split(",") if c.strip()
        ]
        return data


class EvidenceForm(AccordForm):
    file = forms.FileField(
        label="Evidence (PDF, PNG or JPEG)",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EVIDENCE_KINDS)}),
    )


class CertificateFilterForm(AccordForm):
    """The list's filters; a stale or unknown choice is ignored."""

    standard = forms.ChoiceField(required=False, choices=[("", "Any standard"), *Standard.choices])
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *CertificateStatus.choices]
    )
    q = forms.CharField(label="Number, issuer or scope", required=False, max_length=100)
    retired = forms.BooleanField(label="Show retired certificates", required=False)
