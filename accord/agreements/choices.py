from django.db import models


class VersionStatus(models.TextChoices):
    """A draft is edited; both sides' signatures make it signed and supersede the version
    signed before it. A draft that an edit replaced is void (so are its signatures)."""

    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"
    SUPERSEDED = "superseded", "Superseded"
    VOID = "void", "Void"


class Side(models.TextChoices):
    """The two parties of an agreement, named by their part in it (never by a database id, so
    that terms and their hash are the same on every database)."""

    BUYER = "buyer", "Buyer"
    PARTNER = "partner", "Partner"


class Responsibility(models.TextChoices):
    """Who procures the material of a BOM line."""

    TURNKEY = "turnkey", "Turnkey (the partner buys)"
    CONSIGNED = "consigned", "Consigned (the buyer supplies)"
    CUSTOMER_DIRECTED = (
        "customer_directed",
        "Customer-directed (the partner buys from a source the buyer names)",
    )


class FeeBasis(models.TextChoices):
    ONE_TIME = "one_time", "One-time"
    PER_UNIT = "per_unit", "Per unit"
    PER_SHIPMENT = "per_shipment", "Per shipment"
    PER_EVENT = "per_event", "Per event"
