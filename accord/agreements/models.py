"""Agreements (statements of work) between a program's buyer and a partner, their versions and
the signatures of both sides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from accord.agreements.choices import (
    FeeBasis,
    FlexStatus,
    InvoiceLineKind,
    RfqStatus,
    Side,
    VersionStatus,
)


class Agreement(models.Model):
    """A program's statement of work between its buyer (the program's owner) and a partner.
    Restricted data of both parties: its people read it while an NDA between them covers the
    program (access.py)."""

    program = models.ForeignKey("orgs.Program", on_delete=models.PROTECT, related_name="agreements")
    buyer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Retired (ended) by the buyer: every version stays readable, nothing more is drafted or
    # signed, and it is in force for no purchase order dated on or after the retirement's day.
    retired_at = models.DateTimeField(null=True, blank=True)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    retire_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["program__name", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(buyer=models.F("partner")), name="agreement_two_distinct_parties"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    def side_of(self, organisation_id: int | None) -> str | None:
        if organisation_id == self.buyer_id:
            return Side.BUYER
        if organisation_id == self.partner_id:
            return Side.PARTNER
        return None


class AgreementVersion(models.Model):
    """One version of the terms. A signed version never changes; at most one draft and one
    signed version per agreement at a time."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    # The canonical terms (accord/agreements/terms.py) and the SHA-256 of their canonical JSON.
    terms = models.JSONField(default=dict)
    terms_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreement_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status=VersionStatus.DRAFT),
                name="agreement_one_draft",
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status=VersionStatus.SIGNED),
                name="agreement_one_signed_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"

    @property
    def short_hash(self) -> str:
        return self.terms_hash[:12]


class Signature(models.Model):
    """An authorised signer of one side signed the version's hash. Voided when an edit replaced
    the draft before the other side signed."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="signatures"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField(auto_now_add=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "side"],
                condition=Q(voided_at__isnull=True),
                name="signature_one_per_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer} for {self.organisation} on {self.version}"


class Rfq(models.Model):
    """A request for quotes: the buyer asks chosen EMS providers to quote an assembly revision
    (a BOM of the program) at several volumes. Restricted data of the buyer; each invited EMS
    reads it (and writes its own quote) while an NDA between the two covers the program."""

    program = models.ForeignKey("orgs.Program", on_delete=models.PROTECT, related_name="rfqs")
    buyer = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    bom = models.ForeignKey("parts.Bom", on_delete=models.PROTECT, related_name="rfqs")
    title = models.CharField(max_length=200)
    # Whole units, ascending, distinct (services.parse_volumes).
    volumes = models.JSONField(default=list)
    invited = models.ManyToManyField("orgs.Organisation", related_name="rfq_invitations")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=RfqStatus.choices, default=RfqStatus.OPEN)
    awarded_quote = models.ForeignKey(
        "RfqQuote", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "RFQ"

    def __str__(self) -> str:
        return self.title


class RfqQuote(models.Model):
    """One invited EMS's answer to an RFQ (one per EMS: a new submission replaces it). Its
    tiers and fees are rows of their own so that a comparison reads every quote of many RFQs in
    three queries (rfq_compare.py)."""

    rfq = models.ForeignKey(Rfq, on_delete=models.CASCADE, related_name="quotes")
    supplier = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    moq = models.PositiveIntegerField()
    order_multiple = models.PositiveIntegerField()
    nre = models.DecimalField(max_digits=18, decimal_places=2)
    lead_time_days = models.PositiveIntegerField()
    valid_until = models.DateField()
    notes = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now=True)
    # Withdrawn by its EMS while the RFQ is open: out of the comparison, still listed to its
    # EMS; a new submission replaces it (and clears these).
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdraw_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["rfq", "supplier__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rfq", "supplier"], name="rfq_quote_one_per_supplier"),
            models.CheckConstraint(
                condition=Q(moq__gte=1) & Q(order_multiple__gte=1) & Q(nre__gte=0),
                name="rfq_quote_quantities",
            ),
        ]

    def __str__(self) -> str:
        return f"Quote for {self.rfq}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class RfqQuoteTier(models.Model):
    quote = models.ForeignKey(RfqQuote, on_delete=models.CASCADE, related_name="tiers")
    from_quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=18, decimal_places=6)

    class Meta:
        ordering = ["quote", "from_quantity"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "from_quantity"], name="rfq_tier_unique"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="rfq_tier_price_positive"),
        ]


class RfqQuoteFee(models.Model):
    quote = models.ForeignKey(RfqQuote, on_delete=models.CASCADE, related_name="fees")
    code = models.CharField(max_length=30)
    description = models.CharField(max_length=200, blank=True)
    basis = models.CharField(max_length=20, choices=FeeBasis.choices)
    amount = models.DecimalField(max_digits=18, decimal_places=6)

    class Meta:
        ordering = ["quote", "code"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "code"], name="rfq_fee_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="rfq_fee_amount"),
        ]


class FeeRequest(models.Model):
    """The buyer's written request for a fee that Appendix A bills only on request (an
    expedite): without one recorded, the invoice check disputes the fee."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="fee_requests")
    code = models.CharField(max_length=30)
    requested_on = models.DateField()
    reference = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Cancelled by the buyer (recorded by mistake): it makes no fee "requested" any more.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["agreement", "-requested_on", "-id"]


class Invoice(models.Model):
    """An invoice of the agreement's partner to its buyer, for a purchase order. Due on
    `due_date` (entered with it, else the invoice date plus the payment terms; empty on
    invoices entered before due dates were kept); the buyer records the day it paid it."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=60)
    date = models.DateField()
    currency = models.CharField(max_length=3)
    po_reference = models.CharField(max_length=40)
    due_date = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Withdrawn (entered by mistake) by the party that entered it, before any payment: it
    # stays readable but is no billing any more (the check, the scorecards ignore it).
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdraw_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["agreement", "-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="invoice_number_unique"),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_date__gte=models.F("date")),
                name="invoice_due_not_before_date",
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(paid_on__gte=models.F("date")),
                name="invoice_paid_not_before_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.number}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=InvoiceLineKind.choices)
    description = models.CharField(max_length=200, blank=True)
    part_number = models.CharField(max_length=80, blank=True)
    fee_code = models.CharField(max_length=30, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    unit_price = models.DecimalField(max_digits=18, decimal_places=6)
    amount = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["invoice", "line_number"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "line_number"], name="invoice_line_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(unit_price__gt=0) & Q(amount__gt=0),
                name="invoice_line_positive",
            ),
        ]


class FlexException(models.Model):
    """A build-schedule change beyond the flex band of the agreement in force (flex.py): the
    change stands in the schedule; the EMS (the agreement's partner) accepts or declines it."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="flex_exceptions"
    )
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="+")
    build = models.ForeignKey("supply.Build", on_delete=models.CASCADE, related_name="+")
    build_version = models.ForeignKey(
        "supply.BuildVersion", on_delete=models.CASCADE, related_name="+"
    )
    weeks_out = models.PositiveIntegerField()
    from_quantity = models.DecimalField(max_digits=14, decimal_places=4)
    to_quantity = models.DecimalField(max_digits=14, decimal_places=4)
    from_due = models.DateField()
    to_due = models.DateField()
    change_percent = models.DecimalField(max_digits=12, decimal_places=2)
    allowed_percent = models.DecimalField(max_digits=9, decimal_places=4)
    band = models.CharField(max_length=100)
    # The Appendix A lines the change triggers: [{"code", "description", "basis", "amount",
    # "currency"}], amounts as strings.
    fees = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=FlexStatus.choices, default=FlexStatus.PENDING)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["agreement", "-raised_at", "-id"]
        indexes = [models.Index(fields=["agreement", "status"])]

    def __str__(self) -> str:
        return f"Flex exception {self.pk} on build {self.build_id}"
