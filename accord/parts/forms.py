"""Forms of the part and BOM pages. Choices always come from access.py querysets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet

from accord.core.choices import Classification
from accord.core.forms import AccordForm
from accord.orgs.models import Organisation
from accord.parts.choices import BomStatus, Lifecycle, SourceStatus, Sourcing
from accord.parts.models import ApprovedSource, Category
from accord.parts.queries import PartFilters

SOURCING_LABELS = {
    Sourcing.NONE.value: "No approved source",
    Sourcing.SINGLE.value: "Single source",
    Sourcing.MULTI.value: "Two or more sources",
}


class PartFilterForm(AccordForm):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        help_text="Part number, description, value (10k, 4u7, 0.1µF, 10 kΩ), package, "
        "manufacturer or MPN",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "e.g. 100n 0402 or GRM155", "size": 28}
        ),
    )
    category = forms.ChoiceField(required=False, label="Category")
    lifecycle = forms.ChoiceField(
        required=False,
        label="Lifecycle",
        choices=[("", "Any lifecycle"), *Lifecycle.choices],
    )
    sourcing = forms.ChoiceField(
        required=False,
        label="Sourcing",
        choices=[("", "Any sourcing"), *SOURCING_LABELS.items()],
    )

    def __init__(self, *args: Any, categories: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Any category"), *categories]  # type: ignore[attr-defined]

    def filters(self, sort: str) -> PartFilters:
        """The valid filters; a garbled one is ignored rather than failing the page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return PartFilters(
            q=data.get("q", ""),
            category=data.get("category", ""),
            lifecycle=data.get("lifecycle", ""),
            sourcing=data.get("sourcing", ""),
            sort=sort,
        )


class AddSourceForm(AccordForm):
    manufacturer = forms.CharField(max_length=200, label="Manufacturer")
    mpn = forms.CharField(max_length=120, label="Manufacturer part number (MPN)")
    rank = forms.IntegerField(
        required=False, min_value=1, max_value=99, label="Rank", help_text="1 is preferred."
    )
    status = forms.ChoiceField(
        choices=[
            (SourceStatus.PENDING.value, SourceStatus.PENDING.label),
            (SourceStatus.APPROVED.value, SourceStatus.APPROVED.label),
        ],
        initial=SourceStatus.PENDING,
        label="Status",
    )
    supplier = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Supplier",
        empty_label="No agreed supplier",
    )
    supplier_part_number = forms.CharField(
        max_length=80, required=False, label="Supplier part number"
    )
    notes = forms.CharField(max_length=500, required=False, label="Notes")

    def __init__(self, *args: Any, suppliers: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers  # type: ignore[attr-defined]


class SourceStatusForm(AccordForm):
    """Approving or rejecting a source: a decision others rely on, so it carries a reason."""

    status = forms.ChoiceField(
        choices=[
            (SourceStatus.APPROVED.value, "Approve"),
            (SourceStatus.REJECTED.value, "Reject"),
        ],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        max_length=1000,
        label="Reason",
        widget=forms.Textarea({"rows": 3}),
        help_text="e.g. qualification report QR-2026-114 passed; kept in the part's history.",
    )


class PartEditForm(AccordForm):
    number = forms.CharField(max_length=80, label="Part number")
    revision = forms.CharField(max_length=20, required=False, label="Revision")
    description = forms.CharField(max_length=500, required=False, label="Description")
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), required=False, label="Category", empty_label="None"
    )
    value = forms.CharField(max_length=120, required=False, label="Value", help_text="e.g. 10k")
    package = forms.CharField(max_length=120, required=False, label="Package")
    classification = forms.ChoiceField(
        choices=Classification.choices,
        label="Classification",
        help_text="Restricted parts of yours are shown to another organisation only under an NDA "
        "in force; internal ones never leave your organisation.",
    )
    is_assembly = forms.BooleanField(required=False, label="Assembly (has a BOM of its own)")
    lead_time_weeks = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=104,
        label="Lead time (weeks)",
        help_text="For an assembly, its build time: planning needs its components this much "
        "earlier.",
    )

    def __init__(self, *args: Any, categories: QuerySet[Category], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class LifecycleNoticeForm(AccordForm):
    source = forms.ModelChoiceField(
        queryset=ApprovedSource.objects.none(),
        label="Manufacturer part",
        empty_label="Choose the source the notice is about…",
    )
    lifecycle = forms.ChoiceField(
        choices=[(v, label) for v, label in Lifecycle.choices if v != Lifecycle.UNKNOWN],
        label="New lifecycle",
    )
    last_time_buy_date = forms.DateField(
        required=False,
        label="Last-time-buy date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Required for a last-time-buy notice.",
    )
    end_of_life_date = forms.DateField(
        required=False, label="End-of-life date", widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(
        max_length=300,
        required=False,
        label="Source of the notice",
        help_text="PCN or PDN number, a URL, a distributor's letter.",
    )

    def __init__(self, *args: Any, sources: QuerySet[ApprovedSource], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        field.queryset = sources  # type: ignore[attr-defined]
        field.label_from_instance = lambda s: str(s.manufacturer_part)  # type: ignore[attr-defined]


class BomStatusForm(AccordForm):
    status = forms.ChoiceField(choices=BomStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(max_length=2000, required=False, label="Reason")


class BomFilterForm(AccordForm):
    program = forms.ChoiceField(required=False, label="Program")
    status = forms.ChoiceField(
        required=False, label="Status", choices=[("", "Any status"), *BomStatus.choices]
    )

    def __init__(self, *args: Any, programs: Iterable[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [  # type: ignore[attr-defined]
            ("", "Any program"),
            *((str(pk), name) for pk, name in programs),
        ]


class BomUploadForm(AccordForm):
    """The upload page of the BOM import: where the file goes, and the file."""

    program = forms.ChoiceField(label="Program")
    assembly_number = forms.CharField(
        max_length=80,
        label="Assembly number",
        help_text="The part number of the board or product this BOM builds, e.g. EBX2-PCBA.",
    )
    assembly_description = forms.CharField(
        max_length=500, required=False, label="Assembly description"
    )
    revision = forms.CharField(max_length=20, label="Revision", help_text="e.g. A, B, 1.2")
    file = forms.FileField(label="BOM file", allow_empty_file=True)
    approve_alternates = forms.BooleanField(
        required=False,
        label="Approve alternates",
        help_text="Alternate manufacturer parts in the file become approved sources, not "
        "pending ones.",
    )
    strict = forms.BooleanField(
        required=False,
        label="Strict designators",
        help_text="A designator on two rows blocks the import (otherwise it is a warning).",
    )
    count_designators = forms.BooleanField(
        required=False,
        label="Count designators",
        help_text="Each line's quantity is the number of its designators, not the file's quantity.",
    )

    def __init__(
        self, *args: Any, programs: Iterable[tuple[int, str]], accept: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [(str(pk), name) for pk, name in programs]  # type: ignore[attr-defined]
        self.fields["file"].widget.attrs.update({"accept": accept, "data-drop-input": ""})


class CatalogueUploadForm(AccordForm):
    file = forms.FileField(label="Parts list", allow_empty_file=True)

    def __init__(self, *args: Any, accept: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"accept": accept, "data-drop-input": ""})
