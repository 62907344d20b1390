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


class Metric(models.TextChoices):
    ON_TIME = "on_time", "On-time delivery"
    UNDER_MIN = "under_min", "Inventory under Min"
    DPPM = "dppm", "Quality (DPPM)"
    RESPONSE_MEDIAN = "response_hours", "Responsiveness: median hours to answer"
    RESPONSE_SLA = "response_sla", "Responsiveness: answered within the SLA"
    COST = "cost", "Cost variance"


class BandAction(models.TextChoices):
    NONE = "none", "None"
    WARN = "warn", "Warn"
    BLOCK = "block", "Block new purchase orders"
