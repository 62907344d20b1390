"""Stored planning results: the last plan of a program as one person sees it, so that the
shortage board reads rows instead of planning again (planning/services.py keeps them fresh).

A plan is kept per program and person, not per organisation: what a plan may count (BOMs,
stock, orders) follows the person's own need-to-know, which can differ between two people of
one organisation. Week numbers count from `PlanRun.week_start` (week 0, a Monday); the weekly
figures are JSON lists of `horizon` floats (planning figures, not the ledger: the stock ledger
itself stays exact in Decimal).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accord.planning.choices import RiskKind, Severity


class PlanRun(models.Model):
    program = models.ForeignKey("orgs.Program", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField(help_text="The Monday of week 0.")
    horizon = models.PositiveSmallIntegerField()
    computed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    part_count = models.PositiveIntegerField(default=0)
    build_count = models.PositiveIntegerField(default=0)
    short_count = models.PositiveIntegerField(default=0)
    partner_stock = models.JSONField(
        default=dict,
        blank=True,
        help_text="Other holders' own stock the plan counted: organisation id -> stock rows.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "person"], name="plan_run_unique")
        ]

    def __str__(self) -> str:
        return f"plan of program {self.program_id} for person {self.person_id}"


class PartPlan(models.Model):
    """One part's week-by-week picture in a plan."""

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="parts")
    part = models.ForeignKey("parts.Part", on_delete=models.CASCADE, related_name="+")
    purchased = models.BooleanField(default=True, help_text="No BOM of its own in the program.")
    consigned = models.BooleanField(default=False, help_text="Expected from the OEM.")
    level = models.PositiveSmallIntegerField(default=0, help_text="Low-level code.")
    lead_time_weeks = models.PositiveSmallIntegerField(default=0)
    on_hand = models.FloatField(default=0)
    safety_stock = models.FloatField(default=0)
    first_shortage_week = models.IntegerField(null=True, blank=True)
    below_safety_week = models.IntegerField(null=True, blank=True)
    quantity_short = models.FloatField(default=0)
    weeks_of_cover = models.PositiveSmallIntegerField(default=0)
    gross = models.JSONField(default=list)
    receipts = models.JSONField(default=list)
    projected = models.JSONField(default=list)
    planned_orders = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "part"], name="part_plan_unique")]
        indexes = [
            models.Index(fields=["run", "first_shortage_week"], name="part_plan_short"),
            # Which stored plans count a part that a delivery or a stock move just changed.
            models.Index(fields=["part"], name="part_plan_part"),
        ]


class BuildClearance(models.Model):
    """Clear-to-build of one scheduled build in a plan: what can be built by its due date and
    the parts that limit it (with what is missing of each)."""

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="builds")
    build = models.ForeignKey("supply.Build", on_delete=models.CASCADE, related_name="+")
    buildable = models.FloatField(null=True, help_text="Empty: due beyond the horizon.")
    limiting = models.JSONField(default=list, help_text='[{"part": id, "short": quantity}]')

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "build"], name="build_clearance_unique")
        ]


class PartRisk(models.Model):
    """A risk to a part's supply in a plan, found when the plan is made (planning/risks.py)."""

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="risks")
    part = models.ForeignKey("parts.Part", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=RiskKind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    detail = models.CharField(max_length=500)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "part", "kind"], name="part_risk_unique")
        ]


class RiskOwner(models.Model):
    """Who on the program owns a risk (a part and a kind of risk): it stays with the risk from
    one plan to the next."""

    program = models.ForeignKey("orgs.Program", on_delete=models.CASCADE, related_name="+")
    part = models.ForeignKey("parts.Part", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=RiskKind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "part", "kind"], name="risk_owner_unique")
        ]


class ForecastShare(models.Model):
    """A forecast a buyer chose to share with a supplier: the supplier's parts of a program, as
    quantities per week from the buyer's plan on the day it was shared. The supplier sees
    this, never the build schedule behind it."""

    program = models.ForeignKey("orgs.Program", on_delete=models.CASCADE, related_name="+")
    buyer = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)
    week_start = models.DateField()
    horizon = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-shared_at", "-id"]

    def __str__(self) -> str:
        return f"forecast for {self.supplier} of {self.shared_at:%Y-%m-%d}"


class ForecastLine(models.Model):
    share = models.ForeignKey(ForecastShare, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey("parts.Part", on_delete=models.CASCADE, related_name="+")
    mpns = models.CharField(max_length=500, blank=True, help_text="The supplier's MPNs for it.")
    quantities = models.JSONField(default=list, help_text="Needed per week from week_start.")

    class Meta:
        ordering = ["share", "part__number"]
        constraints = [
            models.UniqueConstraint(fields=["share", "part"], name="forecast_line_unique")
        ]
