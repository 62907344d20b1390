"""Sites, stock with its ledger, purchase orders and deliveries, builds, supplier offers and
allocations: the supply picture the partners share on a need-to-know basis (access.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accord.core.numbers import plain_number
from accord.supply.choices import (
    BuildStatus,
    Firmness,
    LineStatus,
    MoveKind,
    OrderStatus,
    SiteKind,
)


class Site(models.Model):
    """A plant or warehouse of one organisation, where stock is held and builds are made."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="sites"
    )
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=SiteKind.choices, default=SiteKind.PLANT)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2")
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="site_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class StockItem(models.Model):
    """The balance of one part at one site, owned by one organisation: the site's own
    organisation (EMS-owned stock) or a customer that consigned it (OEM-consigned stock).
    Changed only by ledger entries (services.move_stock); never negative."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="stock")
    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="stock")
    owner = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who owns the goods: the site's organisation, or the customer who "
        "consigned them.",
    )
    on_hand = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site", "part__number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "part", "owner"], name="stock_item_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_never_negative"),
        ]
        indexes = [models.Index(fields=["part", "site"])]

    def __str__(self) -> str:
        return f"{self.part.number} at {self.site.code}, owned by {self.owner}"

    @property
    def consigned(self) -> bool:
        return self.owner_id != self.site.organisation_id


class StockLevel(models.Model):
    """The Min level and safety stock the site's organisation keeps for a part."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="levels")
    part = models.ForeignKey("parts.Part", on_delete=models.CASCADE, related_name="+")
    min_level = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    safety_stock = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "part"], name="stock_level_unique"),
            models.CheckConstraint(
                condition=Q(min_level__gte=0) & Q(safety_stock__gte=0),
                name="stock_levels_not_negative",
            ),
        ]


class StockMove(models.Model):
    """One ledger entry: the signed change of one stock item, with the balance it left."""

    item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(max_length=20, choices=MoveKind.choices)
    quantity = models.DecimalField(
        max_digits=14, decimal_places=4, help_text="Signed: + in, - out."
    )
    balance_after = models.DecimalField(max_digits=14, decimal_places=4)
    reference = models.CharField(max_length=200, blank=True)
    # The other half of a transfer: both entries carry the same group.
    transfer_group = models.UUIDField(null=True, blank=True, db_index=True)
    delivery = models.ForeignKey(
        "Delivery", on_delete=models.PROTECT, null=True, blank=True, related_name="moves"
    )
    build = models.ForeignKey(
        "Build", on_delete=models.PROTECT, null=True, blank=True, related_name="moves"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["item", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_move_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="stock_move_balance"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {plain_number(self.quantity)} of {self.item}"


class PurchaseOrder(models.Model):
    """An order from a buyer (OEM or EMS) to a supplier, for one program's needs."""

    buyer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(
        "orgs.Program", on_delete=models.PROTECT, related_name="purchase_orders"
    )
    number = models.CharField(max_length=40)
    ship_to = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    issued_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "number"], name="po_number_unique"),
            models.CheckConstraint(condition=~Q(buyer=F("supplier")), name="po_two_parties"),
        ]
        verbose_name = "purchase order"

    def __str__(self) -> str:
        return f"PO {self.number}"


class PurchaseOrderLine(models.Model):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    part = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="+")
    manufacturer_part = models.ForeignKey(
        "parts.ManufacturerPart", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    unit_price = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    currency = models.CharField(max_length=3)
    requested_date = models.DateField()
    confirmed_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=LineStatus.choices, default=LineStatus.OPEN)
    received_quantity = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    rejected_quantity = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))

    class Meta:
        ordering = ["order", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_number"], name="po_line_unique"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="po_line_quantity"),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0)
                & Q(rejected_quantity__gte=0)
                & Q(rejected_quantity__lte=F("received_quantity")),
                name="po_line_received",
            ),
        ]
        indexes = [models.Index(fields=["part", "status"])]
        verbose_name = "purchase order line"

    def __str__(self) -> str:
        return f"{self.order} line {self.line_number}"

    @property
    def expected_date(self) -> dt.date:
        """When the goods are expected: the supplier's confirmed date, else the requested."""
        return self.confirmed_date or self.requested_date

    @property
    def open_quantity(self) -> Decimal:
        """Still to come: ordered less accepted (rejected goods are expected again)."""
        accepted = self.received_quantity - self.rejected_quantity
        return max(Decimal(0), self.quantity - accepted)


class Delivery(models.Model):
    """Goods received against a purchase order line, with their incoming inspection."""

    line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="deliveries")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    received_on = models.DateField()
    rejected_quantity = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    reject_reason = models.CharField(max_length=300, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="delivery_quantity"),
            models.CheckConstraint(
                condition=Q(rejected_quantity__gte=0) & Q(rejected_quantity__lte=F("quantity")),
                name="delivery_rejected_within",
            ),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{plain_number(self.quantity)} of {self.line} on {self.received_on}"

    @property
    def accepted_quantity(self) -> Decimal:
        return self.quantity - self.rejected_quantity


class Build(models.Model):
    """A scheduled build of an assembly in a program; each change is a new BuildVersion."""

    program = models.ForeignKey("orgs.Program", on_delete=models.PROTECT, related_name="builds")
    assembly = models.ForeignKey("parts.Part", on_delete=models.PROTECT, related_name="builds")
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reference = models.CharField(max_length=80, blank=True)
    # The current version's figures, kept here so that planning reads one row per build.
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    due_date = models.DateField()
    firmness = models.CharField(max_length=20, choices=Firmness.choices, default=Firmness.FORECAST)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(
        max_length=20, choices=BuildStatus.choices, default=BuildStatus.SCHEDULED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=0), name="build_quantity")]
        indexes = [models.Index(fields=["program", "status", "due_date"])]

    def __str__(self) -> str:
        return f"{plain_number(self.quantity)} × {self.assembly.number} due {self.due_date}"


class BuildVersion(models.Model):
    """What a build was after each change, with who and when: forecast accuracy and stability
    are measured from these (issue 9)."""

    build = models.ForeignKey(Build, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    due_date = models.DateField()
    firmness = models.CharField(max_length=20, choices=Firmness.choices)
    status = models.CharField(max_length=20, choices=BuildStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["build", "version"]
        constraints = [
            models.UniqueConstraint(fields=["build", "version"], name="build_version_unique")
        ]


class SupplierOffer(models.Model):
    """What a supplier offers for a manufacturer part, as seen on a date: price breaks, MOQ,
    order multiple, lead time and its stock. Recorded by the supplier itself or by a buyer
    (from a distributor's export); `organisation` is whose information it is."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    supplier = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    manufacturer_part = models.ForeignKey(
        "parts.ManufacturerPart", on_delete=models.PROTECT, related_name="offers"
    )
    supplier_part_number = models.CharField(max_length=80, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    # [{"quantity": "1", "unit_price": "0.12"}, ...] ascending by quantity, as strings (exact).
    price_breaks = models.JSONField(default=list, blank=True)
    moq = models.DecimalField("MOQ", max_digits=14, decimal_places=4, default=Decimal(1))
    order_multiple = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(1))
    lead_time_days = models.PositiveIntegerField(null=True, blank=True)
    stock_quantity = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    seen_on = models.DateField()
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["manufacturer_part", "-seen_on", "id"]
        indexes = [models.Index(fields=["manufacturer_part", "-seen_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(moq__gt=0) & Q(order_multiple__gt=0), name="offer_moq_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier} offer for {self.manufacturer_part}"


class Allocation(models.Model):
    """A quantity of a manufacturer part the supplier committed to a buyer for a period."""

    supplier = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    manufacturer_part = models.ForeignKey(
        "parts.ManufacturerPart", on_delete=models.PROTECT, related_name="allocations"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["manufacturer_part", "period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="allocation_period"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="allocation_quantity"),
            models.UniqueConstraint(
                fields=["supplier", "buyer", "manufacturer_part", "period_start"],
                name="allocation_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{plain_number(self.quantity)} of {self.manufacturer_part} from {self.period_start}"
