"""Certificates of a partner's sites: what each attests, its scope and dates, its evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accord.partners.choices import Process, RequirementKind, Standard, VolumeBand


class Certificate(models.Model):
    """A certificate held by one site (supply.Site) of an organisation: ISO 9001, ISO 13485,
    an IPC-A-610 listing of a class... Its status (valid, expiring, expired, suspended) is
    computed from the dates and the flag (partners/status.py), never stored. Retired
    certificates stay for the record and count for nothing."""

    site = models.ForeignKey("supply.Site", on_delete=models.PROTECT, related_name="certificates")
    standard = models.CharField(max_length=20, choices=Standard.choices)
    ipc_class = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The IPC-A-610 class (1, 2 or 3) of a listing."
    )
    number = models.CharField(max_length=100)
    issuer = models.CharField(max_length=200)
    processes = models.JSONField(
        default=list, blank=True, help_text="Processes of the scope (choices.Process values)."
    )
    product_categories = models.JSONField(default=list, blank=True)
    scope_text = models.TextField(max_length=2000, blank=True)
    valid_from = models.DateField()
    valid_until = models.DateField()
    suspended = models.BooleanField(default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site_id", "standard", "number", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="certificate_dates_in_order"
            ),
            models.CheckConstraint(
                condition=(Q(standard=Standard.IPC_A_610) & Q(ipc_class__in=(1, 2, 3)))
                | (~Q(standard=Standard.IPC_A_610) & Q(ipc_class__isnull=True)),
                name="certificate_ipc_class",
            ),
            models.UniqueConstraint(
                fields=["site", "standard", "number"],
                condition=Q(retired_at__isnull=True),
                name="certificate_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["standard", "valid_until"], name="certificate_standard")]

    def __str__(self) -> str:
        return f"{self.label} {self.number}"

    @property
    def label(self) -> str:
        """The standard as people write it: "IPC-A-610 Class 3", "ISO 13485"."""
        if self.ipc_class:
            return f"{self.standard} Class {self.ipc_class}"
        return str(self.standard)


class CertificateEvidence(models.Model):
    """The certificate's scanned document (PDF, PNG or JPEG), kept in the database as the
    scorecards' attachments are (scorecards/attachments.py checks the content and the name).
    Restricted: the owner, and organisations sharing a program with it under an NDA in
    force; every download by another organisation is access-logged."""

    certificate = models.OneToOneField(
        Certificate, on_delete=models.CASCADE, related_name="evidence"
    )
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "certificate evidence"
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="certificate_evidence_size")
        ]

    def __str__(self) -> str:
        return self.filename


class SiteCapability(models.Model):
    """A process a site runs (SMT, BGA/X-ray, AOI...), with its limits: the numbers a buyer
    compares (longest board side, finest component pitch, layer count), each optional, and
    the rest as text. Kept by the site's own organisation; retired ones stay for the record."""

    site = models.ForeignKey("supply.Site", on_delete=models.PROTECT, related_name="capabilities")
    process = models.CharField(max_length=20, choices=Process.choices)
    max_board_mm = models.PositiveIntegerField(
        null=True, blank=True, help_text="The longest board side the line takes, in mm."
    )
    min_pitch_mm = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="The finest component pitch placed or tested, in mm.",
    )
    max_layers = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The most board layers handled."
    )
    limits = models.CharField(
        max_length=500, blank=True, help_text="Other limits, e.g. max BGA pins, 01005 parts."
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site_id", "process", "id"]
        verbose_name_plural = "site capabilities"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "process"],
                condition=Q(retired_at__isnull=True),
                name="capability_process_unique",
            ),
            models.CheckConstraint(
                condition=Q(min_pitch_mm__isnull=True) | Q(min_pitch_mm__gt=0),
                name="capability_pitch_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_board_mm__isnull=True) | Q(max_board_mm__gt=0),
                name="capability_board_positive",
            ),
            models.CheckConstraint(
                condition=Q(max_layers__isnull=True) | Q(max_layers__gt=0),
                name="capability_layers_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_process_display()} at site {self.site_id}"


class SiteProfile(models.Model):
    """The rest of a site's capability profile: its volume band and whether it is ITAR
    registered (its country is the site's own)."""

    site = models.OneToOneField(
        "supply.Site", on_delete=models.CASCADE, related_name="capability_profile"
    )
    volume_band = models.CharField(max_length=20, choices=VolumeBand.choices, blank=True)
    itar_registered = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of site {self.site_id}"


def default_partner_kinds() -> list[str]:
    return ["ems"]


class ProgramRequirement(models.Model):
    """What a program requires of its partners' sites: a certificate (a standard, with a
    minimum IPC-A-610 class and a scope: processes, a product category), process
    capabilities, or a country among those allowed. It applies to the sites of the program's
    partner organisations of the kinds named (EMS providers unless told). Kept by the owner's
    people who are members of the program; retired ones count for nothing."""

    program = models.ForeignKey(
        "orgs.Program", on_delete=models.CASCADE, related_name="requirements"
    )
    kind = models.CharField(max_length=20, choices=RequirementKind.choices)
    standard = models.CharField(max_length=20, choices=Standard.choices, blank=True)
    min_ipc_class = models.PositiveSmallIntegerField(null=True, blank=True)
    processes = models.JSONField(
        default=list,
        blank=True,
        help_text="A certificate's required scope, or the capabilities required (all of them).",
    )
    product_category = models.CharField(max_length=100, blank=True)
    countries = models.JSONField(default=list, blank=True, help_text="ISO 3166 alpha-2 codes.")
    partner_kinds = models.JSONField(default=default_partner_kinds)
    note = models.CharField(max_length=300, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program_id", "kind", "standard", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_ipc_class__isnull=True) | Q(min_ipc_class__in=(1, 2, 3)),
                name="requirement_ipc_class",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """How people name it: "IPC-A-610 Class 3 (SMT)", "Process: SMT, AOI", "Country: DE"."""
        labels = dict(Process.choices)
        processes = ", ".join(str(labels.get(p, p)) for p in self.processes)
        if self.kind == RequirementKind.CERTIFICATE:
            text = str(self.standard)
            if self.min_ipc_class:
                text += f" Class {self.min_ipc_class}"
            scope = ", ".join(x for x in (processes, self.product_category) if x)
            return f"{text} ({scope})" if scope else text
        if self.kind == RequirementKind.PROCESS:
            return f"Process: {processes}"
        return f"Country: {', '.join(self.countries)}"


# Audits, findings and 8Ds live in their own module (issue 14, item 5).
from accord.partners.audit_models import (  # noqa: E402, F401
    Audit,
    EightD,
    EightDStep,
    Finding,
    FindingEvidence,
)
