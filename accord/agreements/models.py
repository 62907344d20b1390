"""Agreements (statements of work) between a program's buyer and a partner, their versions and
the signatures of both sides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from accord.agreements.choices import Side, VersionStatus


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

    class Meta:
        ordering = ["program__name", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(buyer=models.F("partner")), name="agreement_two_distinct_parties"
            ),
        ]

    def __str__(self) -> str:
        return self.title

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
