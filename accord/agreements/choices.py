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


class RfqStatus(models.TextChoices):
    """An RFQ is open for quotes until the buyer awards one (or closes it without award)."""

    OPEN = "open", "Open"
    AWARDED = "awarded", "Awarded"
    CLOSED = "closed", "Closed"


class InvoiceLineKind(models.TextChoices):
    PART = "part", "Part line"
    FEE = "fee", "Fee"
    OTHER = "other", "Other"


class Verdict(models.TextChoices):
    """What the check says of one invoice line. Only MATCH and WITHIN_TOLERANCE leave nothing
    disputed."""

    MATCH = "match", "Match"
    WITHIN_TOLERANCE = "within_tolerance", "Within tolerance"
    OVER = "over", "Over the agreed price"
    OVER_RECEIVED = "over_received", "More than received"
    NOT_IN_APPENDIX = "not_in_appendix_a", "Not in Appendix A"
    BILLED_TWICE = "billed_twice", "One-time fee billed twice"
    NOT_REQUESTED = "not_requested", "Needs a written request; none recorded"
    CURRENCY_MISMATCH = "currency_mismatch", "Currency differs from the agreement's"
    NO_TIER = "no_tier", "No price tier covers this quantity"
    NO_TERMS = "no_terms", "No signed version in force at the PO date"


class FlexStatus(models.TextChoices):
    """A schedule change beyond a flex band waits for the EMS: accepted (it commits to the
    change, with the fees it triggers) or declined (it does not: the buyer changes the build
    back or the parties amend the agreement)."""

    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
