"""Scorecards: how one organisation rates another month by month, both ways.

A template belongs to the rating organisation, one per direction (its suppliers, or its
customers): the metrics it weighs with their targets and floors, the grade bands with their
actions, and the rules of on-time delivery and responsiveness. The stored rows are the
months of each card: one row per metric (numerator, denominator, value, score) and one per
month (weighted score, grade, action). A closed month is never computed again; the open month
is refreshed when its inputs change; a template change recomputes every month in the
background (`computed_version` catches up with `version`, with `progress` in percent).
A retired template keeps its cards as history: nothing is computed for it any more and it
blocks no purchase order, until an administrator reinstates it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from accord.scorecards.choices import BandAction, CountingUnit, Direction, DueBasis


class ScorecardTemplate(models.Model):
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="scorecard_templates"
    )
    direction = models.CharField(max_length=20, choices=Direction.choices)
    days_early = models.PositiveSmallIntegerField(
        default=3, help_text="Days before the due date a receipt still counts as on time."
    )
    days_late = models.PositiveSmallIntegerField(
        default=0, help_text="Days after the due date a receipt still counts as on time."
    )
    counting_unit = models.CharField(
        max_length=20, choices=CountingUnit.choices, default=CountingUnit.DELIVERY
    )
    due_basis = models.CharField(
        max_length=20, choices=DueBasis.choices, default=DueBasis.CONFIRMED
    )
    response_sla_hours = models.PositiveIntegerField(default=48)
    frozen_weeks = models.PositiveSmallIntegerField(
        default=4, help_text="A schedule change this close to the due date is a firm change."
    )
    metrics = models.JSONField(
        default=dict, help_text='{"on_time": {"weight": 40, "target": 98, "floor": 80}, ...}'
    )
    bands = models.JSONField(
        default=list, help_text='[{"lower": 90, "grade": "A", "action": "none"}, ...]'
    )
    version = models.PositiveIntegerField(default=1)
    computed_version = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent of the recompute.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="Set: its cards are history; nothing is computed."
    )
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "direction"], name="scorecard_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} rating its {self.direction}"

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


def derived_key(to: Any) -> Any:
    """A key of a derived row, rewritten by the hundred thousand in a recompute: no foreign
    key in the database (their deferred checks took two of ten seconds at ten million lines)
    and no index of its own (the unique constraint's leads with the template). Deleting the
    template or the organisation still deletes the row (Django cascades)."""
    return models.ForeignKey(
        to, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )


class MetricMonth(models.Model):
    template = derived_key(ScorecardTemplate)
    rated = derived_key("orgs.Organisation")
    month = models.DateField(help_text="The first day of the month.")
    metric = models.CharField(max_length=30)
    numerator = models.FloatField()
    denominator = models.FloatField()
    value = models.FloatField()
    score = models.FloatField(null=True, help_text="Empty: the template does not weigh it.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["template", "rated", "month", "metric"], name="metric_month_unique"
            )
        ]
        indexes = [models.Index(fields=["template", "month"], name="metric_month_month")]


class CardMonth(models.Model):
    template = derived_key(ScorecardTemplate)
    rated = derived_key("orgs.Organisation")
    month = models.DateField(help_text="The first day of the month.")
    score = models.FloatField(null=True, help_text="Empty: no weighed metric had data.")
    grade = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=10, choices=BandAction.choices, default=BandAction.NONE)
    closed = models.BooleanField(default=False)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["template", "rated", "month"], name="card_month_unique")
        ]
        indexes = [models.Index(fields=["template", "month"], name="card_month_month")]


class CardComment(models.Model):
    """What either side says about a month of a card; the rated party's corrective-action plan
    is one, with its files (CommentAttachment)."""

    template = models.ForeignKey(ScorecardTemplate, on_delete=models.CASCADE, related_name="+")
    rated = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(max_length=4000)
    corrective_action = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["template", "rated", "month"], name="card_comment_month")]


class CommentAttachment(models.Model):
    """A file attached to a comment, typically the rated party's corrective-action plan.

    The bytes are kept in the database, as uploads waiting for confirmation are
    (parts.BomImport): any web process serves them, on any machine, and the default SQLite
    set-up needs no storage of its own. The name is the uploaded one made safe; the content
    type is derived from the checked content, never taken from the client
    (scorecards/attachments.py)."""

    comment = models.ForeignKey(CardComment, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "scorecard attachment"
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="comment_attachment_size")
        ]

    def __str__(self) -> str:
        return self.filename


class FactBlock(models.Model):
    """A columnar copy (Parquet) of the rating organisation's order lines and their receipts,
    for the lines whose ids fall in one block of ids: what the supplier metrics aggregate, in a
    form Polars reads at columnar speed. A write to a line or its receipts bumps `generation`
    (supply services, in their own transaction); the next computation rebuilds each block whose
    `built_generation` is behind, through supply/access.py, and reads every other as stored."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    block = models.PositiveIntegerField(help_text="Order-line id // the block size.")
    generation = models.PositiveIntegerField(default=1)
    built_generation = models.PositiveIntegerField(default=0)
    lines = models.BinaryField(default=b"")
    receipts = models.BinaryField(default=b"")
    supplied = models.BinaryField(
        default=b"", help_text="The (part, supplier) pairs of the block's lines."
    )
    line_count = models.PositiveIntegerField(default=0)
    last_day = models.DateField(
        null=True, help_text="The latest date of any line or receipt in the block."
    )
    built_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "block"], name="fact_block_unique")
        ]
        # Every computation reads these of each block first: from this index alone, since
        # SQLite reaches the columns after the blobs only by walking the blobs' pages.
        indexes = [
            models.Index(
                fields=[
                    "organisation",
                    "block",
                    "generation",
                    "built_generation",
                    "line_count",
                    "last_day",
                ],
                name="fact_block_state",
            )
        ]


class FactSummary(models.Model):
    """The (part, supplier) pairs of all of an organisation's blocks in one place: a refresh
    reads this instead of every block's pairs (611 of them at ten million lines). A recompute
    of the whole history writes it from the blocks; a refresh adds the pairs of the blocks it
    rebuilt."""

    organisation = models.OneToOneField(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    supplied = models.BinaryField(default=b"")
    exact = models.BooleanField(
        default=False, help_text="Read from every block, and no block built since."
    )
    updated_at = models.DateTimeField(auto_now=True)


class FactChange(models.Model):
    """A line changed since its block was built (facts.facts_changed). A computation reads a
    few of these from the database over the stored block instead of rebuilding it; rebuilding
    the block deletes the rows it read. A change writes a new row (a new id), so a change made
    while a block is rebuilt is never deleted with the older ones."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    block = models.PositiveIntegerField()
    line_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["organisation", "block"], name="fact_change_block")]
