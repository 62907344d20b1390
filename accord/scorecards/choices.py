"""Enums of the scorecards app."""

from __future__ import annotations

from django.db import models


class CountingUnit(models.TextChoices):
    DELIVERY = "delivery", "Per delivery (the lines of an order due on one date)"
    LINE = "line", "Per order line"
    QUANTITY = "quantity", "Per quantity"


class DueBasis(models.TextChoices):
    CONFIRMED = "confirmed", "The supplier-confirmed date, else the requested date"
    REQUESTED = "requested", "The requested date"


class Direction(models.TextChoices):
    SUPPLIERS = "suppliers", "Suppliers"
    CUSTOMERS = "customers", "Customers"


class Metric(models.TextChoices):
    # A supplier's card.
    ON_TIME = "on_time", "On-time delivery (%)"
    UNDER_MIN = "under_min", "Inventory under Min (%)"
    DPPM = "dppm", "Quality (DPPM)"
    RESPONSE_MEDIAN = "response_hours", "Responsiveness: median hours to answer"
    RESPONSE_SLA = "response_sla", "Responsiveness: answered within the SLA (%)"
    COST = "cost", "Cost variance (%)"
    # A customer's card.
    FORECAST_4W = "forecast_4w", "Forecast accuracy 4 weeks out (%)"
    FORECAST_8W = "forecast_8w", "Forecast accuracy 8 weeks out (%)"
    FORECAST_12W = "forecast_12w", "Forecast accuracy 12 weeks out (%)"
    STABILITY = "stability", "Builds changed inside the frozen window (%)"
    PAYMENT = "payment", "Invoices paid on time (%)"
    CHANGES = "changes", "BOM revisions after release"
    DECISION_HOURS = "decision_hours", "Decision latency: median hours to decide"

    @classmethod
    def of(cls, direction: str) -> list[Metric]:
        customers = {
            cls.FORECAST_4W,
            cls.FORECAST_8W,
            cls.FORECAST_12W,
            cls.STABILITY,
            cls.PAYMENT,
            cls.CHANGES,
            cls.DECISION_HOURS,
        }
        # Responsiveness is on both cards: each side's answers to the other's questions.
        both = {cls.RESPONSE_MEDIAN, cls.RESPONSE_SLA}
        return [
            m for m in cls if m in both or (m in customers) == (direction == Direction.CUSTOMERS)
        ]


class BandAction(models.TextChoices):
    NONE = "none", "None"
    WARN = "warn", "Warn"
    BLOCK = "block", "Block new purchase orders"
