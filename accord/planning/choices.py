"""Status enums of the planning app."""

from __future__ import annotations

from django.db import models


class RiskKind(models.TextChoices):
    SINGLE_SOURCE = "single_source", "Single source"
    LIFECYCLE = "lifecycle", "Lifecycle"
    LEAD_TIME = "lead_time", "Lead time longer than the time to need"
    ALLOCATION = "allocation", "Allocation below need"
    SUPPLIER_GRADE = "supplier_grade", "Supplier with a poor scorecard grade"


class Severity(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"

    @classmethod
    def rank(cls) -> dict[str, int]:
        return {cls.HIGH.value: 0, cls.MEDIUM.value: 1, cls.LOW.value: 2}
