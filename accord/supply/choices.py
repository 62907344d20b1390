"""Status enums of the supply app, with their groups."""

from __future__ import annotations

from django.db import models


class SiteKind(models.TextChoices):
    PLANT = "plant", "Plant"
    WAREHOUSE = "warehouse", "Warehouse"
    HUB = "hub", "Supplier hub"


class MoveKind(models.TextChoices):
    RECEIVE = "receive", "Receive"
    ISSUE = "issue", "Issue to build"
    ADJUST = "adjust", "Adjust"
    TRANSFER_OUT = "transfer_out", "Transfer out"
    TRANSFER_IN = "transfer_in", "Transfer in"
    SCRAP = "scrap", "Scrap"

    @classmethod
    def decreasing(cls) -> tuple[str, ...]:
        return (cls.ISSUE, cls.TRANSFER_OUT, cls.SCRAP)


class OrderStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    ACKNOWLEDGED = "acknowledged", "Acknowledged by the supplier"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"

    @classmethod
    def open(cls) -> tuple[str, ...]:
        return (cls.DRAFT, cls.ISSUED, cls.ACKNOWLEDGED)


class LineStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONFIRMED = "confirmed", "Confirmed by the supplier"
    PARTLY_RECEIVED = "partly_received", "Partly received"
    RECEIVED = "received", "Received"
    CANCELLED = "cancelled", "Cancelled"

    @classmethod
    def expecting(cls) -> tuple[str, ...]:
        """Lines whose remaining quantity is still expected: scheduled receipts."""
        return (cls.OPEN, cls.CONFIRMED, cls.PARTLY_RECEIVED)


class Firmness(models.TextChoices):
    FIRM = "firm", "Firm"
    FORECAST = "forecast", "Forecast"


class BuildStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    RETIRED = "retired", "Retired"
