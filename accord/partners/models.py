"""Certificates of a partner's sites: what each attests, its scope and dates, its evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accord.partners.choices import Standard


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


# Audits, findings and 8Ds live in their own module (issue 14, item 5).
from accord.partners.audit_models import (  # noqa: E402, F401
    Audit,
    EightD,
    EightDStep,
    Finding,
    FindingEvidence,
)
