"""Forms of the RFQ and invoice pages. Quotes and invoice lines are written as JSON (the API's
shape) or, for invoices, uploaded as a CSV/XLSX file."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from accord.core.forms import AccordForm
from accord.orgs.models import Organisation, Program
from accord.parts.models import Bom


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise forms.ValidationError(f"This is not JSON: {error}.") from None


class RfqForm(AccordForm):
    program = forms.ModelChoiceField(queryset=Program.objects.none())
    bom = forms.ModelChoiceField(
        queryset=Bom.objects.none(), label="Assembly revision", help_text="A BOM of the program."
    )
    title = forms.CharField(max_length=200)
    due_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    volumes = forms.CharField(
        max_length=200, initial="500, 5000, 50000", help_text="Whole units, separated by commas."
    )
    invited = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(), required=False, help_text="EMS partners to invite."
    )

    def __init__(self, *args: Any, programs: Any, boms: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs  # type: ignore[attr-defined]
        self.fields["bom"].queryset = boms  # type: ignore[attr-defined]
        self.fields["invited"].queryset = partners  # type: ignore[attr-defined]

    def clean_volumes(self) -> list[int]:
        try:
            return [int(v.strip()) for v in self.cleaned_data["volumes"].split(",") if v.strip()]
        except ValueError:
            raise forms.ValidationError("Write whole numbers separated by commas.") from None


class InviteForm(AccordForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())

    def __init__(self, *args: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partners  # type: ignore[attr-defined]


class QuoteForm(AccordForm):
    quote = forms.CharField(
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 24, "cols": 90, "spellcheck": "false"}),
        help_text="Tiers, MOQ, order multiple, NRE, fees, lead time and validity as JSON (the "
        "API's shape: POST /api/v1/rfqs/{id}/quotes). Amounts with a point for decimals.",
    )

    def clean_quote(self) -> Any:
        data = _json(self.cleaned_data["quote"], "quote")
        if not isinstance(data, dict):
            raise forms.ValidationError("A quote is a JSON object.")
        return data


class InvoiceForm(AccordForm):
    number = forms.CharField(max_length=60)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    currency = forms.CharField(max_length=3, min_length=3)
    po_reference = forms.CharField(max_length=40, label="PO number")
    due_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for the invoice date plus the agreement's payment terms "
        "(required when its terms have none).",
    )
    file = forms.FileField(
        required=False,
        help_text="The lines as CSV or XLSX (Kind, Description, Part Number, "
        "Fee Code, Quantity, Unit Price, Amount, Currency).",
    )
    lines = forms.CharField(
        required=False,
        max_length=2_000_000,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 90, "spellcheck": "false"}),
        help_text="Or the lines as JSON (the API's shape), when there is no file.",
    )

    def clean_lines(self) -> Any:
        text = self.cleaned_data["lines"].strip()
        return _json(text, "lines") if text else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("file") and not cleaned.get("lines") and not self.errors:
            raise forms.ValidationError("Upload a file of the lines or write them as JSON.")
        return cleaned


class InvoicePaymentForm(AccordForm):
    paid_on = forms.DateField(
        label="Paid on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day your organisation paid the invoice; not in the future, not before "
        "the invoice date.",
    )


class FeeRequestForm(AccordForm):
    code = forms.CharField(max_length=30, help_text="The Appendix A fee's code, e.g. EXP.")
    requested_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(max_length=200, required=False)
