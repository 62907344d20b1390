from django.db import models


class Lifecycle(models.TextChoices):
    """Manufacturer lifecycle of a manufacturer part, best first."""

    ACTIVE = "active", "Active"
    UNKNOWN = "unknown", "Unknown"
    NRND = "nrnd", "NRND (not recommended for new designs)"
    LTB = "ltb", "Last time buy"
    EOL = "eol", "End of life"
    OBSOLETE = "obsolete", "Obsolete"

    @classmethod
    def risk_rank(cls) -> dict[str, int]:
        """Higher is worse; used to keep the worst state of a part's sources."""
        return {value: rank for rank, value in enumerate(cls.values)}

    @classmethod
    def at_risk(cls) -> list[str]:
        return [cls.NRND.value, cls.LTB.value, cls.EOL.value, cls.OBSOLETE.value]


class RohsStatus(models.TextChoices):
    COMPLIANT = "compliant", "RoHS compliant"
    EXEMPT = "exempt", "RoHS exempt"
    NON_COMPLIANT = "non_compliant", "Not RoHS compliant"
    UNKNOWN = "unknown", "Unknown"


class ReachStatus(models.TextChoices):
    COMPLIANT = "compliant", "REACH unaffected"
    AFFECTED = "affected", "REACH affected (SVHC)"
    UNKNOWN = "unknown", "Unknown"


class SourceStatus(models.TextChoices):
    APPROVED = "approved", "Approved"
    PENDING = "pending", "Pending approval"
    REJECTED = "rejected", "Rejected"


class Sourcing(models.TextChoices):
    """Filter on the number of approved sources of a part."""

    NONE = "none", "No approved source"
    SINGLE = "single", "Single-sourced"
    MULTI = "multi", "Multi-sourced"


class BomStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RELEASED = "released", "Released"
    OBSOLETE = "obsolete", "Obsolete"


class MaterialResponsibility(models.TextChoices):
    """Who buys the material: the EMS (turnkey) or the OEM, who ships it (consigned)."""

    TURNKEY = "turnkey", "Turnkey (EMS buys)"
    CONSIGNED = "consigned", "Consigned (OEM supplies)"


class BomImportStatus(models.TextChoices):
    """An uploaded file waiting for, or after, the user's confirmation."""

    PREVIEWED = "previewed", "Previewed"
    # A parts list too large to preview within the request, being read by the task worker.
    CHECKING = "checking", "Checking"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Importing"
    COMMITTED = "committed", "Committed"
    FAILED = "failed", "Failed"
    DISCARDED = "discarded", "Discarded"

    @classmethod
    def open(cls) -> set[str]:
        """States in which the person may still change the options, confirm or discard."""
        return {cls.PREVIEWED.value, cls.FAILED.value}

    @classmethod
    def in_progress(cls) -> set[str]:
        """States in which the task worker has (or will have) the file: the page polls."""
        return {cls.CHECKING.value, cls.QUEUED.value, cls.RUNNING.value}

    @classmethod
    def unfinished(cls) -> set[str]:
        """Uploads that still wait for their uploader or for the worker ("My imports")."""
        return cls.open() | cls.in_progress()
