"""A notification is a reference, not a copy: it names its target (kind and id) and the
event, and the target's title and text are read when it is shown, mailed or digested, after
the person's access has been checked again (threads/notify.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=40)
    target_kind = models.CharField(max_length=40)
    target_id = models.PositiveBigIntegerField()
    # What e-mails and mutes group by: "thread:42" for everything about one thread.
    group_key = models.CharField(max_length=80, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Not auto_now_add: sweeps and tests run on a clock they are given.
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["target_kind", "target_id"], name="notification_target"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.target_kind}:{self.target_id} for {self.recipient_id}"
