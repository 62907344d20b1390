from django.db import models


class OrganisationKind(models.TextChoices):
    OEM = "oem", "OEM"
    EMS = "ems", "EMS provider"
    SUPPLIER = "supplier", "Component supplier"
    DISTRIBUTOR = "distributor", "Distributor"

    @classmethod
    def sellers(cls) -> set[str]:
        """Kinds that see only what concerns them (their approved parts, their orders)."""
        return {cls.SUPPLIER.value, cls.DISTRIBUTOR.value}


class PersonRole(models.TextChoices):
    PROGRAM_MANAGER = "program_manager", "Program manager"
    BUYER = "buyer", "Buyer"
    PLANNER = "planner", "Planner"
    ENGINEER = "engineer", "Engineer"
    QUALITY = "quality", "Quality engineer"
    SUPPLY_CHAIN = "supply_chain", "Supply-chain manager"
    SALES = "sales", "Sales / account manager"
    EXECUTIVE = "executive", "Executive"


class MemberRole(models.TextChoices):
    MANAGER = "manager", "Program manager"
    MEMBER = "member", "Member"


class ProgramStatus(models.TextChoices):
    CONCEPT = "concept", "Concept"
    DEVELOPMENT = "development", "Development"
    NPI = "npi", "New product introduction"
    PRODUCTION = "production", "Production"
    END_OF_LIFE = "end_of_life", "End of life"


class NdaStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    TERMINATED = "terminated", "Terminated"


class ConnectionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Connected"
    DECLINED = "declined", "Declined"


class InvitationState(models.TextChoices):
    """Computed from the invitation's dates, never stored."""

    PENDING = "pending", "Waiting for sign-up"
    ACCEPTED = "accepted", "Accepted"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
