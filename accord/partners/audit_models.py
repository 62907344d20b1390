"""Audits of partner sites, their findings, 8Ds and the audited side's evidence (issue 14,
item 5). Imported by models.py; the rules of who sees and does what are in audits_access.py,
every write in audit_services.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accord.partners.audit_choices import AuditKind, AuditStatus, FindingStatus, Severity


class Audit(models.Model):
    """An audit of one site (supply.Site) by an auditing organisation, typically the OEM that
    owns a program in which the site's organisation is a partner; optionally tied to that
    program. Planned until its first finding is recorded (or it is performed), open while
    findings are, closed when every finding is; a planned one may be cancelled (with a
    reason) by the auditing side."""

    site = models.ForeignKey("supply.Site", on_delete=models.PROTECT, related_name="audits")
    # The site's organisation, kept on the row: every visibility rule reads it.
    audited_organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="audits_received"
    )
    auditing_organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="audits_performed"
    )
    program = models.ForeignKey(
        "orgs.Program", on_delete=models.PROTECT, null=True, blank=True, related_name="audits"
    )
    kind = models.CharField(max_length=30, choices=AuditKind.choices)
    planned_date = models.DateField()
    performed_date = models.DateField(null=True, blank=True)
    scope = models.TextField(max_length=4000)
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audits_led"
    )
    status = models.CharField(
        max_length=10, choices=AuditStatus.choices, default=AuditStatus.PLANNED
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancellation_reason = models.TextField(max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-planned_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(audited_organisation=F("auditing_organisation")),
                name="audit_of_another_organisation",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AuditStatus.values), name="audit_status_known"
            ),
        ]
        indexes = [
            models.Index(fields=["auditing_organisation", "status"], name="audit_auditing"),
            models.Index(fields=["audited_organisation", "status"], name="audit_audited"),
        ]

    def __str__(self) -> str:
        return f"Audit A-{self.pk}"


class Finding(models.Model):
    """What an audit found: a major or minor nonconformity, or an observation. The audited
    side answers (an 8D for a major one, a response for a minor one, with evidence; an
    acknowledgement for an observation); the auditor verifies or rejects."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveIntegerField(help_text="1, 2, ... within its audit.")
    severity = models.CharField(max_length=12, choices=Severity.choices)
    clause = models.CharField(max_length=100, blank=True, help_text="e.g. ISO 13485 7.5.6")
    description = models.TextField(max_length=4000)
    due_date = models.DateField()
    status = models.CharField(
        max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    response = models.TextField(max_length=4000, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(max_length=2000, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["audit_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="finding_number_unique"),
            models.CheckConstraint(
                condition=Q(status__in=FindingStatus.values), name="finding_status_known"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="finding_status_due")]

    def __str__(self) -> str:
        return f"Finding A-{self.audit_id}-{self.number}"


class EightD(models.Model):
    """The 8D report of a finding: created with every major finding (or on the auditor's
    demand for a minor one); its disciplines are filled in order by the audited side."""

    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="eightd")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "8D report"

    def __str__(self) -> str:
        return f"8D of finding A-{self.finding.audit_id}-{self.finding.number}"


class EightDStep(models.Model):
    """One discipline of an 8D (1 = D1 Team ... 8 = D8 Closure): its text, who wrote it, when."""

    eightd = models.ForeignKey(EightD, on_delete=models.CASCADE, related_name="steps")
    discipline = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=4000)
    filled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filled_at = models.DateTimeField()

    class Meta:
        ordering = ["eightd_id", "discipline"]
        constraints = [
            models.UniqueConstraint(fields=["eightd", "discipline"], name="eightd_step_unique"),
            models.CheckConstraint(
                condition=Q(discipline__gte=1) & Q(discipline__lte=8), name="eightd_step_1_to_8"
            ),
        ]

    def __str__(self) -> str:
        return f"D{self.discipline}"


class FindingEvidence(models.Model):
    """A file (PDF, PNG or JPEG) the audited side attaches to a finding: the proof of its
    corrective action. Kept in the database like the certificates' evidence."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "finding evidence"
        ordering = ["finding_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="finding_evidence_size")
        ]

    def __str__(self) -> str:
        return self.filename
