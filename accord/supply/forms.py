"""Forms of the supply pages. Choices always come from access.py querysets; quantities and
prices stay text until the service reads them (accord/supply/services/values.py), so that a
number is judged in one place and its message names the field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet

from accord.core.access import today
from accord.core.forms import AccordForm
from accord.orgs.models import Organisation, Program
from accord.supply.choices import BuildStatus, Firmness, OrderStatus, SiteKind
from accord.supply.models import Build, Site

PRICE_BREAK_ROWS = 5


def quantity_field(label: str, *, required: bool = True, help_text: str = "") -> forms.CharField:
    """A quantity as typed (12, 0.25, 1000): the service checks it."""
    return forms.CharField(
        max_length=30,
        required=required,
        label=label,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
    )


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        required=required,
        label=label,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def part_field(label: str = "Part number", help_text: str = "") -> forms.CharField:
    return forms.CharField(
        max_length=80,
        label=label,
        help_text=help_text or "As in the parts list, e.g. HAL-200-0001.",
    )


def choices_with_any(label: str, rows: Iterable[tuple[Any, str]]) -> list[tuple[str, str]]:
    return [("", label), *((str(pk), name) for pk, name in rows)]


def _site_label(site: Site) -> str:
    return f"{site.name} ({site.code})"


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    form.fields[name].queryset = queryset  # type: ignore[attr-defined]


# Sites ------------------------------------------------------------------------------------


class SiteForm(AccordForm):
    name = forms.CharField(max_length=200, label="Name", help_text="e.g. Penang plant")
    code = forms.CharField(
        max_length=40,
        required=False,
        label="Code",
        help_text="A short code, e.g. PEN1; made from the name when left empty.",
    )
    kind = forms.ChoiceField(choices=SiteKind.choices, initial=SiteKind.PLANT, label="Kind")
    country = forms.CharField(
        max_length=2, required=False, label="Country", help_text="Two letters (ISO 3166), e.g. MY."
    )


class StockLevelForm(AccordForm):
    part = part_field()
    min_level = quantity_field("Min level", help_text="Reorder when stock falls below it.")
    safety_stock = quantity_field("Safety stock", help_text="Kept back for the unexpected.")


# Stock ------------------------------------------------------------------------------------


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _site_label(obj)


class ReceiveStockForm(AccordForm):
    site = SiteChoiceField(queryset=Site.objects.none(), label="Site", empty_label=None)
    part = part_field()
    owner = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Owner",
        empty_label="Your organisation (own stock)",
        help_text="A customer, for goods it consigned to you.",
    )
    quantity = quantity_field("Quantity received")
    reference = forms.CharField(
        max_length=200, required=False, label="Reference", help_text="e.g. a delivery note."
    )

    def __init__(
        self, *args: Any, sites: QuerySet[Site], owners: QuerySet[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "site", sites)
        _set_queryset(self, "owner", owners)


class IssueStockForm(AccordForm):
    quantity = quantity_field("Quantity issued")
    build = forms.ModelChoiceField(
        queryset=Build.objects.none(),
        required=False,
        label="Build",
        empty_label="No build (name the work order below)",
    )
    reference = forms.CharField(
        max_length=200, required=False, label="Reference", help_text="e.g. work order WO-1182."
    )

    def __init__(self, *args: Any, builds: QuerySet[Build], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "build", builds)


class AdjustStockForm(AccordForm):
    change = forms.CharField(
        max_length=30,
        label="Change",
        help_text="Signed: 5 for five found, -3 for three missing.",
        widget=forms.TextInput(attrs={"size": 10}),
    )
    reason = forms.CharField(max_length=200, label="Reason", help_text="e.g. cycle count 2026-W14.")


class ScrapStockForm(AccordForm):
    quantity = quantity_field("Quantity scrapped")
    reason = forms.CharField(max_length=200, label="Reason", help_text="e.g. moisture exposure.")


class TransferStockForm(AccordForm):
    to_site = SiteChoiceField(queryset=Site.objects.none(), label="To site", empty_label=None)
    quantity = quantity_field("Quantity moved")
    reference = forms.CharField(max_length=200, required=False, label="Reference")

    def __init__(self, *args: Any, sites: QuerySet[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "to_site", sites)


HOLDING_CHOICES = [
    ("", "Own and consigned"),
    ("own", "The holder's own"),
    ("consigned", "Consigned by a customer"),
]


class StockFilterForm(AccordForm):
    site = forms.ChoiceField(required=False, label="Site")
    part = forms.CharField(
        max_length=80,
        required=False,
        label="Part",
        help_text="Part number or a piece of it",
        widget=forms.TextInput(attrs={"type": "search", "size": 16}),
    )
    owner = forms.ChoiceField(required=False, label="Owner")
    holding = forms.ChoiceField(required=False, label="Holding", choices=HOLDING_CHOICES)

    def __init__(
        self,
        *args: Any,
        sites: Iterable[tuple[int, str]],
        owners: Iterable[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = choices_with_any("Any site", sites)  # type: ignore[attr-defined]
        self.fields["owner"].choices = choices_with_any("Any owner", owners)  # type: ignore[attr-defined]


# Purchase orders --------------------------------------------------------------------------


class OrderFilterForm(AccordForm):
    status = forms.ChoiceField(
        required=False, label="Status", choices=[("", "Any status"), *OrderStatus.choices]
    )
    supplier = forms.ChoiceField(required=False, label="Supplier")
    program = forms.ChoiceField(required=False, label="Program")

    def __init__(
        self,
        *args: Any,
        suppliers: Iterable[tuple[int, str]],
        programs: Iterable[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = choices_with_any("Any supplier", suppliers)  # type: ignore[attr-defined]
        self.fields["program"].choices = choices_with_any("Any program", programs)  # type: ignore[attr-defined]


class OrderCreateForm(AccordForm):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), label="Program", empty_label=None
    )
    supplier = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Supplier",
        empty_label=None,
        help_text="A supplier or distributor taking part in the program.",
    )
    number = forms.CharField(max_length=40, label="Order number", help_text="e.g. PO-2026-0147")
    currency = forms.CharField(
        max_length=3,
        initial="USD",
        label="Currency",
        help_text="Three letters (ISO 4217), e.g. USD, EUR.",
        widget=forms.TextInput(attrs={"size": 4}),
    )
    ship_to = SiteChoiceField(
        queryset=Site.objects.none(),
        required=False,
        label="Ship to",
        empty_label="Not given yet",
        help_text="A site of yours or of a partner on the program.",
    )
    notes = forms.CharField(
        max_length=2000, required=False, label="Notes", widget=forms.Textarea({"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        programs: QuerySet[Program],
        suppliers: QuerySet[Organisation],
        sites: QuerySet[Site],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "program", programs)
        _set_queryset(self, "supplier", suppliers)
        _set_queryset(self, "ship_to", sites)


class OrderLineForm(AccordForm):
    part = part_field()
    mpn = forms.CharField(
        max_length=120,
        required=False,
        label="MPN",
        help_text="One of the part's approved manufacturer parts.",
    )
    quantity = quantity_field("Quantity")
    unit_price = forms.CharField(
        max_length=30,
        required=False,
        label="Unit price",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
    )
    currency = forms.CharField(
        max_length=3,
        required=False,
        label="Currency",
        help_text="Empty: the order's.",
        widget=forms.TextInput(attrs={"size": 4}),
    )
    requested_date = date_field("Requested date")


class ConfirmLineForm(AccordForm):
    confirmed_date = date_field("Confirmed date")


class CancelLineForm(AccordForm):
    reason = forms.CharField(
        max_length=200,
        label="Reason",
        help_text="e.g. design change removed the part; kept in the order's history.",
    )


class ReceiveDeliveryForm(AccordForm):
    line = forms.ChoiceField(label="Order line")
    site = SiteChoiceField(queryset=Site.objects.none(), label="Received at", empty_label=None)
    quantity = quantity_field("Quantity received")
    rejected_quantity = quantity_field(
        "Rejected at inspection", required=False, help_text="Empty or 0 when all passed."
    )
    reject_reason = forms.CharField(
        max_length=300,
        required=False,
        label="Reason for rejecting",
        help_text="Required when some were rejected.",
    )
    received_on = date_field("Received on")

    def __init__(
        self,
        *args: Any,
        lines: Iterable[tuple[int, str]],
        sites: QuerySet[Site],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"received_on": today(), "rejected_quantity": "0"})
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [(str(pk), label) for pk, label in lines]  # type: ignore[attr-defined]
        _set_queryset(self, "site", sites)


# Builds -----------------------------------------------------------------------------------


class BuildFilterForm(AccordForm):
    program = forms.ChoiceField(required=False, label="Program")
    firmness = forms.ChoiceField(
        required=False, label="Firmness", choices=[("", "Firm and forecast"), *Firmness.choices]
    )
    status = forms.ChoiceField(
        required=False, label="Status", choices=[("", "Any status"), *BuildStatus.choices]
    )

    def __init__(self, *args: Any, programs: Iterable[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = choices_with_any("Any program", programs)  # type: ignore[attr-defined]


class ScheduleBuildForm(AccordForm):
    program = forms.ModelChoiceField(
        queryset=Program.objects.none(), label="Program", empty_label=None
    )
    assembly = part_field(
        "Assembly", help_text="The part number of an assembly with a BOM in the program."
    )
    quantity = quantity_field("Quantity")
    due_date = date_field("Due date")
    firmness = forms.ChoiceField(
        choices=Firmness.choices, initial=Firmness.FORECAST, label="Firmness"
    )
    site = SiteChoiceField(
        queryset=Site.objects.none(), required=False, label="Site", empty_label="Not given"
    )
    reference = forms.CharField(max_length=80, required=False, label="Reference")
    note = forms.CharField(max_length=300, required=False, label="Note")

    def __init__(
        self, *args: Any, programs: QuerySet[Program], sites: QuerySet[Site], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "program", programs)
        _set_queryset(self, "site", sites)
        self.fields["assembly"].widget.attrs["list"] = "assemblies"


class ChangeBuildForm(AccordForm):
    quantity = quantity_field("New quantity", required=False, help_text="Empty: unchanged.")
    due_date = date_field("New due date", required=False, help_text="Empty: unchanged.")
    firmness = forms.ChoiceField(
        required=False, label="Firmness", choices=[("", "Unchanged"), *Firmness.choices]
    )
    note = forms.CharField(
        max_length=300, required=False, label="Note", help_text="Why it changed."
    )


class RetireBuildForm(AccordForm):
    note = forms.CharField(max_length=300, required=False, label="Why it is retired")


# Offers and allocations -------------------------------------------------------------------


class OfferForm(AccordForm):
    supplier = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Supplier", empty_label=None
    )
    mpn = forms.CharField(max_length=120, label="MPN", help_text="e.g. GRM155R61A104KA01D")
    manufacturer = forms.CharField(
        max_length=200,
        required=False,
        label="Manufacturer",
        help_text="Only when two manufacturers use the MPN.",
    )
    supplier_part_number = forms.CharField(
        max_length=80, required=False, label="Supplier part number"
    )
    currency = forms.CharField(
        max_length=3, initial="USD", label="Currency", widget=forms.TextInput(attrs={"size": 4})
    )
    moq = quantity_field("MOQ", help_text="Minimum order quantity.")
    order_multiple = quantity_field("Order multiple")
    lead_time_days = forms.IntegerField(
        required=False, min_value=0, max_value=3650, label="Lead time (days)"
    )
    stock_quantity = quantity_field("Supplier stock", required=False)
    seen_on = date_field("Seen on")

    def __init__(self, *args: Any, suppliers: QuerySet[Organisation], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"seen_on": today(), "moq": "1", "order_multiple": "1", "currency": "USD"}
        )
        super().__init__(*args, **kwargs)
        _set_queryset(self, "supplier", suppliers)
        for row in range(1, PRICE_BREAK_ROWS + 1):
            self.fields[f"break_quantity_{row}"] = quantity_field(
                f"Quantity of price break {row}", required=row == 1
            )
            self.fields[f"break_price_{row}"] = forms.CharField(
                max_length=30,
                required=row == 1,
                label=f"Unit price of price break {row}",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
            )

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("break_")]

    def break_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [
            (row, self[f"break_quantity_{row}"], self[f"break_price_{row}"])
            for row in range(1, PRICE_BREAK_ROWS + 1)
        ]

    def price_breaks(self) -> list[tuple[int, str, str]]:
        """The rows filled in, as (row, quantity, unit price); a half-filled row is the
        service's to refuse."""
        data = self.cleaned_data
        return [
            (row, data.get(f"break_quantity_{row}", ""), data.get(f"break_price_{row}", ""))
            for row in range(1, PRICE_BREAK_ROWS + 1)
            if data.get(f"break_quantity_{row}") or data.get(f"break_price_{row}")
        ]


class AllocationForm(AccordForm):
    buyer = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Buyer", empty_label=None
    )
    mpn = forms.CharField(max_length=120, label="MPN")
    manufacturer = forms.CharField(
        max_length=200,
        required=False,
        label="Manufacturer",
        help_text="Only when two manufacturers use the MPN.",
    )
    period_start = date_field("Period from")
    period_end = date_field("Period to")
    quantity = quantity_field("Quantity committed")

    def __init__(self, *args: Any, buyers: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "buyer", buyers)


class SupplyImportForm(AccordForm):
    """A supply file to preview, or (content: the previewed file, base64) to import."""

    kind = forms.ChoiceField(label="What the file holds")
    file = forms.FileField(label="File (CSV or Excel)", required=False, allow_empty_file=True)
    content = forms.CharField(required=False, widget=forms.HiddenInput)
    filename = forms.CharField(required=False, max_length=255, widget=forms.HiddenInput)

    def __init__(self, *args: Any, kinds: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(kinds)
        self.fields["file"].widget.attrs.update({"accept": ".csv,.tsv,.txt,.xlsx,.xls"})
