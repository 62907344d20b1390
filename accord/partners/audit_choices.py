"""Statuses and kinds of audits, findings and 8Ds (issue 14, item 5)."""

from django.db import models


class AuditKind(models.TextChoices):
    SYSTEM = "system", "System audit"
    PROCESS = "process", "Process audit"
    PRODUCT = "product", "Product audit"
    SUPPLIER_QUALIFICATION = "supplier_qualification", "Supplier qualification"
    SPECIAL_PROCESS = "special_process", "Special process audit"


class AuditStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    # Called off while planned (with a reason): it takes no findings and stays on record.
    CANCELLED = "cancelled", "Cancelled"


class Severity(models.TextChoices):
    MAJOR = "major", "Major"
    MINOR = "minor", "Minor"
    OBSERVATION = "observation", "Observation"


class FindingStatus(models.TextChoices):
    """open: the audited side works on it (again, after a rejection); submitted: waiting for
    the auditor's verification; closed: verified (or, an observation, acknowledged)."""

    OPEN = "open", "Open"
    SUBMITTED = "submitted", "Submitted for verification"
    CLOSED = "closed", "Closed"

    @classmethod
    def not_closed(cls) -> tuple[str, ...]:
        return (cls.OPEN, cls.SUBMITTED)


# The eight disciplines of an 8D, in the order they are filled.
DISCIPLINES: dict[int, str] = {
    1: "D1 Team",
    2: "D2 Problem description",
    3: "D3 Containment actions",
    4: "D4 Root cause",
    5: "D5 Corrective actions chosen",
    6: "D6 Corrective actions implemented and validated",
    7: "D7 Prevention of recurrence",
    8: "D8 Closure and recognition",
}
