"""Parts, manufacturer parts, approved sources (AML), parameters and BOMs."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from accord.core.choices import Classification
from accord.parts.choices import (
    BomImportStatus,
    BomStatus,
    Lifecycle,
    MaterialResponsibility,
    ReachStatus,
    RohsStatus,
    SourceStatus,
)


class Manufacturer(models.Model):
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, unique=True, help_text="Normalised name for matching.")
    organisation = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="manufacturers",
        help_text="The supplier organisation on Accord that makes these parts, if any.",
    )
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ManufacturerAlias(models.Model):
    """Other names a manufacturer goes by in BOMs ("TI" for Texas Instruments)."""

    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=200)
    key = models.CharField(max_length=200, unique=True)

    class Meta:
        verbose_name_plural = "manufacturer aliases"

    def __str__(self) -> str:
        return f"{self.alias} → {self.manufacturer}"


class Category(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class ManufacturerPart(models.Model):
    """A part as a manufacturer sells it (manufacturer + MPN), with its lifecycle and compliance."""

    manufacturer = models.ForeignKey(Manufacturer, on_delete=models.PROTECT, related_name="parts")
    mpn = models.CharField("MPN", max_length=120)
    mpn_key = models.CharField(max_length=120, help_text="Normalised MPN for matching.")
    description = models.CharField(max_length=500, blank=True)
    lifecycle = models.CharField(
        max_length=20, choices=Lifecycle.choices, default=Lifecycle.UNKNOWN, db_index=True
    )
    last_time_buy_date = models.DateField(null=True, blank=True)
    end_of_life_date = models.DateField(null=True, blank=True)
    rohs = models.CharField(max_length=20, choices=RohsStatus.choices, default=RohsStatus.UNKNOWN)
    reach = models.CharField(
        max_length=20, choices=ReachStatus.choices, default=ReachStatus.UNKNOWN
    )
    package = models.CharField(max_length=120, blank=True)
    datasheet = models.URLField(max_length=500, blank=True)
    lead_time_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    owner = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Set for custom parts; empty for catalogue parts anyone may look up.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["manufacturer__name", "mpn"]
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer", "mpn_key"], name="manufacturer_part_unique_mpn"
            ),
        ]
        indexes = [models.Index(fields=["mpn_key"])]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.mpn}"

    @property
    def at_risk(self) -> bool:
        return self.lifecycle in Lifecycle.at_risk()


class LifecycleNotice(models.Model):
    """A manufacturer's notice about a manufacturer part (PCN, PDN, LTB/EOL letter, a
    distributor's notice): kept as history; the latest sets the part's lifecycle."""

    manufacturer_part = models.ForeignKey(
        ManufacturerPart, on_delete=models.CASCADE, related_name="notices"
    )
    lifecycle = models.CharField(max_length=20, choices=Lifecycle.choices)
    last_time_buy_date = models.DateField(null=True, blank=True)
    end_of_life_date = models.DateField(null=True, blank=True)
    reference = models.CharField(
        max_length=300, blank=True, help_text="Where it comes from: a PCN number, a URL, a letter."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["manufacturer_part", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.manufacturer_part}: {self.get_lifecycle_display()}"


class Part(models.Model):
    """An organisation's own part number: what its BOMs call for, sourced through the AML."""

    owner = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="parts")
    number = models.CharField(max_length=80)
    revision = models.CharField(max_length=20, blank=True)
    description = models.CharField(max_length=500, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="parts"
    )
    value = models.CharField(max_length=120, blank=True)
    package = models.CharField(max_length=120, blank=True)
    is_assembly = models.BooleanField(default=False)
    lead_time_weeks = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="For an assembly, its build time: its components are needed this much "
        "earlier. For a bought part, the purchasing lead time when no offer or source says.",
    )
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.PROGRAM
    )
    # Kept by services from the approved sources, so lists filter and sort without aggregating.
    approved_source_count = models.PositiveSmallIntegerField(default=0, db_index=True)
    lifecycle = models.CharField(
        max_length=20,
        choices=Lifecycle.choices,
        default=Lifecycle.UNKNOWN,
        db_index=True,
        help_text="Worst lifecycle among the approved sources.",
    )
    search_text = models.TextField(blank=True, editable=False)
    value_keys = models.TextField(
        blank=True,
        editable=False,
        help_text="The part's values as exact keys for search (accord/parts/value_keys.py).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "number"], name="part_number_unique_per_owner")
        ]
        # Lists are ordered by number then id: walking this index yields the first page without
        # sorting the whole visible set.
        indexes = [
            models.Index(fields=["number", "id"], name="part_number_order"),
            # Covers the visibility rule's columns: counting a list of 50,000 visible parts
            # reads this index instead of every row (SQLite: 6.9 ms to 2.5 ms).
            models.Index(fields=["owner", "classification"], name="part_owner_classification"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.description[:60]}".strip()


class PartParameter(models.Model):
    """A parametric value with its unit, kept beside the text it was read from."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="parameters")
    name = models.CharField(max_length=60)
    value_text = models.CharField(max_length=120)
    value_number = models.DecimalField(max_digits=30, decimal_places=15, null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["part", "name"], name="part_parameter_unique")
        ]
        indexes = [models.Index(fields=["name", "value_number"])]

    def __str__(self) -> str:
        return f"{self.name}={self.value_text}"


class ApprovedSource(models.Model):
    """A line of the approved manufacturer list (AML): this MPN may be built into this part."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="sources")
    manufacturer_part = models.ForeignKey(
        ManufacturerPart, on_delete=models.PROTECT, related_name="approvals"
    )
    rank = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    status = models.CharField(
        max_length=20, choices=SourceStatus.choices, default=SourceStatus.PENDING
    )
    supplier = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supplied_sources",
        help_text="The supplier or distributor who sells this source, if agreed.",
    )
    supplier_part_number = models.CharField(max_length=80, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    notes = models.CharField(max_length=500, blank=True)
    # A partner's proposal and the owner's answer: the owner's decision latency (scorecards).
    proposed_by_organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["part", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["part", "manufacturer_part"], name="approved_source_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.part.number} ← {self.manufacturer_part}"


class Bom(models.Model):
    """One revision of the bill of materials of an assembly, within a program."""

    program = models.ForeignKey("orgs.Program", on_delete=models.PROTECT, related_name="boms")
    assembly = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="boms")
    revision = models.CharField(max_length=20)
    status = models.CharField(max_length=20, choices=BomStatus.choices, default=BomStatus.DRAFT)
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.RESTRICTED
    )
    source_filename = models.CharField(max_length=255, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assembly__number", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "assembly", "revision"], name="bom_revision_unique"
            )
        ]
        verbose_name = "BOM"

    def __str__(self) -> str:
        return f"{self.assembly.number} rev {self.revision}"


class BomLine(models.Model):
    bom = models.ForeignKey(Bom, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="bom_lines")
    quantity = models.DecimalField(
        max_digits=14, decimal_places=4, validators=[MinValueValidator(Decimal(0))]
    )
    designators = models.TextField(blank=True)
    designator_count = models.PositiveIntegerField(default=0)
    dnp = models.BooleanField(
        "DNP", default=False, help_text="Do not populate: none of the line's designators is fitted."
    )
    # Fit status per designator: the designators of this line that are not fitted (all of them
    # on a DNP line, some on a partly fitted one), written like `designators`.
    dnp_designators = models.TextField("Not fitted", blank=True)
    dnp_designator_count = models.PositiveIntegerField(default=0)
    material_responsibility = models.CharField(
        max_length=20,
        choices=MaterialResponsibility.choices,
        default=MaterialResponsibility.TURNKEY,
    )
    value = models.CharField(max_length=120, blank=True)
    footprint = models.CharField(max_length=200, blank=True)
    notes = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["bom", "position"]
        constraints = [
            models.UniqueConstraint(fields=["bom", "position"], name="bom_line_position_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="bom_line_quantity_positive"),
        ]
        indexes = [models.Index(fields=["part", "bom"])]

    def __str__(self) -> str:
        return f"{self.bom} #{self.position} {self.part.number} x{self.quantity}"


class ColumnMappingMemory(models.Model):
    """A user's column mapping, remembered per organisation for files with the same header."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    header_signature = models.CharField(max_length=64)
    overrides = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "header_signature"], name="mapping_memory_unique"
            )
        ]


class BomImport(models.Model):
    """An uploaded file waiting for the user's confirmation. Nothing else is written before it.

    The file is kept in the database, not on local disk, so that any web process can commit it.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey("orgs.Program", on_delete=models.CASCADE, related_name="+")
    assembly_number = models.CharField(max_length=80)
    assembly_description = models.CharField(max_length=500, blank=True)
    revision = models.CharField(max_length=20)
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    sheet = models.CharField(max_length=120, blank=True)
    overrides = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=BomImportStatus.choices, default=BomImportStatus.PREVIEWED
    )
    bom = models.ForeignKey(Bom, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    error = models.JSONField(
        null=True, blank=True, help_text="Why a queued import failed: {code, message, detail}."
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Runs of the background import (a worker that died counts one)."
    )
    progress = models.CharField(max_length=200, blank=True, help_text="What the worker is doing.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "status"], name="bom_import_person_status")]

    def __str__(self) -> str:
        return f"{self.filename} → {self.assembly_number} rev {self.revision}"


class CatalogueImport(models.Model):
    """An uploaded parts list waiting for the user's confirmation (kept in the database, like
    BomImport, so that any web process can commit it). Nothing else is written before it."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    status = models.CharField(
        max_length=20, choices=BomImportStatus.choices, default=BomImportStatus.PREVIEWED
    )
    result = models.JSONField(null=True, blank=True, help_text="What the import created.")
    preview = models.JSONField(
        null=True,
        blank=True,
        help_text="What importing would create, when the worker computed it (large files).",
    )
    error = models.JSONField(
        null=True, blank=True, help_text="Why the import failed: {code, message, detail}."
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Runs of the background job (a worker that died counts one)."
    )
    progress = models.CharField(max_length=200, blank=True, help_text="What the worker is doing.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "status"], name="catalogue_import_person_status")]

    def __str__(self) -> str:
        return f"parts list {self.filename}"
