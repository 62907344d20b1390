"""Weekly check-ins between a program's owner and one partner organisation (issue 14, item 9).

A check-in is one per (program, partner, ISO week). Its agenda is computed when it opens and
stored as a snapshot: references (kind and id) with labels frozen at that moment, so that the
minutes say what was on the table even after the things themselves change. Only what every
participant may see enters it (threads/checkins.py). Decisions, notes and hand-added items are
recorded during the meeting; action items are ordinary ActionItem rows whose source is the
check-in (source_kind "checkin"). Closing freezes all of it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

MAX_ITEM_TEXT = 300
MAX_NOTE = 2000
MAX_DECISION = 2000


class CheckInStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class AgendaKind(models.TextChoices):
    """What an agenda item is, in the order the agenda lists them."""

    CARRIED_ACTION = "carried_action", "Carried-over action item"
    OVERDUE_ACTION = "overdue_action", "Overdue action item"
    DUE_ACTION = "due_action", "Action item due this week"
    THREAD = "thread", "Thread waiting"
    SHORTAGE = "shortage", "Coming shortage"
    CERTIFICATE = "certificate", "Expiring certificate"
    GAP = "gap", "Requirement gap"
    FINDING = "finding", "Open audit finding"
    MANUAL = "manual", "Added by hand"


class CheckIn(models.Model):
    program = models.ForeignKey("orgs.Program", on_delete=models.CASCADE, related_name="checkins")
    partner = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="checkins"
    )
    # The ISO week, "2026-W48".
    week = models.CharField(max_length=8)
    status = models.CharField(
        max_length=10, choices=CheckInStatus.choices, default=CheckInStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # The closed check-in whose open items this one carried over.
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-week", "program_id", "partner_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "partner", "week"], name="checkin_one_per_week"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CheckInStatus.values), name="checkin_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.week}"

    @property
    def is_closed(self) -> bool:
        return self.status == CheckInStatus.CLOSED


class CheckInParticipant(models.Model):
    """A person taking part: a program member of the owner's organisation or of the partner."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["checkin_id", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["checkin", "person"], name="checkin_participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in check-in {self.checkin_id}"


class AgendaItem(models.Model):
    """One line of the shared agenda: a reference (kind and id) and its label as it was when
    the check-in opened, or a line added by hand."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="agenda_items")
    kind = models.CharField(max_length=20, choices=AgendaKind.choices)
    # "action_item", "thread", "shortage" (a part's id), "certificate", "requirement",
    # "finding"; empty for a line added by hand.
    ref_kind = models.CharField(max_length=20, blank=True)
    ref_id = models.PositiveBigIntegerField(null=True, blank=True)
    label = models.CharField(max_length=MAX_ITEM_TEXT)
    detail = models.CharField(max_length=MAX_ITEM_TEXT, blank=True)
    # A thread's side it waits on (None: both, or not a thread).
    waits_on = models.ForeignKey(
        "orgs.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Restricted data (a shortage, a finding, a restricted part's thread): mailed as a link.
    restricted = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    note = models.TextField(max_length=MAX_NOTE, blank=True)
    # Lines added by hand reappear next week until resolved.
    resolved = models.BooleanField(default=False)
    carried_from_week = models.CharField(max_length=8, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["checkin_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AgendaKind.values), name="agenda_item_kind_known"
            ),
            models.CheckConstraint(condition=~Q(label=""), name="agenda_item_label"),
        ]

    def __str__(self) -> str:
        return self.label


class Decision(models.Model):
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(max_length=MAX_DECISION)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["checkin_id", "recorded_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="decision_not_empty")]

    def __str__(self) -> str:
        return self.text[:60]
