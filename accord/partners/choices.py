from django.db import models


class Standard(models.TextChoices):
    """What a certificate attests. IPC-A-610 is a listing with a class (1, 2 or 3)."""

    ISO_9001 = "ISO 9001", "ISO 9001"
    ISO_13485 = "ISO 13485", "ISO 13485"
    IATF_16949 = "IATF 16949", "IATF 16949"
    AS9100 = "AS9100", "AS9100"
    IPC_A_610 = "IPC-A-610", "IPC-A-610"
    UL = "UL", "UL"
    ITAR = "ITAR", "ITAR"


class Process(models.TextChoices):
    """The fixed list of manufacturing processes a certificate's scope (or a capability) names."""

    SMT = "smt", "SMT"
    THT = "tht", "THT"
    BGA_XRAY = "bga_xray", "BGA/X-ray"
    CONFORMAL_COATING = "conformal_coating", "Conformal coating"
    BOX_BUILD = "box_build", "Box build"
    AOI = "aoi", "AOI"
    ICT = "ict", "ICT"
    FLYING_PROBE = "flying_probe", "Flying probe"
    FUNCTIONAL_TEST = "functional_test", "Functional test"


class CertificateStatus(models.TextChoices):
    """Computed from the dates and the suspended flag, never stored (partners/status.py)."""

    VALID = "valid", "Valid"
    EXPIRING = "expiring", "Expiring"
    EXPIRED = "expired", "Expired"
    SUSPENDED = "suspended", "Suspended"
    NOT_YET_VALID = "not_yet_valid", "Not yet valid"

    @classmethod
    def in_force(cls) -> tuple[str, ...]:
        """The statuses of a certificate that holds today."""
        return (cls.VALID, cls.EXPIRING)


class VolumeBand(models.TextChoices):
    """The volumes a site is set up for (its capability profile)."""

    PROTOTYPE = "prototype", "Prototype"
    LOW = "low", "Low volume"
    MEDIUM = "medium", "Medium volume"
    HIGH = "high", "High volume"


class RequirementKind(models.TextChoices):
    """What a program requires of its partner sites."""

    CERTIFICATE = "certificate", "Certificate"
    PROCESS = "process", "Process capability"
    COUNTRY = "country", "Country"


class GapVerdict(models.TextChoices):
    """One partner site against one requirement (partners/gaps.py), worst last."""

    MET = "met", "Met"
    UNVERIFIED = "unverified", "Unverified"
    EXPIRING = "expiring_before_last_build", "Expiring before the last build"
    OUT_OF_SCOPE = "out_of_scope", "Out of scope"
    MISSING = "missing", "Missing"
