"""A notification is a reference, not a copy: it names its target (kind and id) and the
event, and the target's title and text are read when it is shown, mailed or digested, after
the person's access has been checked again (threads/notify.py).

Beside it: what each person wants (preferences per event and channel, the digest, muted
groups), what was e-mailed (EmailDelivery: one per batch of a group, or one digest), the
digests' periods (DigestRun) and the certificate alerts' levels (CertificateAlert)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Channel(models.TextChoices):
    INBOX = "inbox", "Inbox"
    EMAIL = "email", "E-mail"


class DigestFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly (Mondays)"
    OFF = "off", "Off"


class DeliveryKind(models.TextChoices):
    BATCH = "batch", "Notifications of one group"
    DIGEST = "digest", "Digest"
    MINUTES = "minutes", "Minutes of a check-in"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent"
    FAILED = "failed", "Failed (gave up)"


class EmailDelivery(models.Model):
    """One e-mail: the notifications of one (recipient, group) batch, or one digest. Its text is
    made when it is sent, from references, after access is checked again; what is recorded is
    who it went to, its subject, when, after how many attempts, and the last error."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_deliveries"
    )
    kind = models.CharField(max_length=10, choices=DeliveryKind.choices)
    group_key = models.CharField(max_length=80, blank=True)
    # The digest's period ("2026-12-07" daily, "2026-W50" weekly).
    period = models.CharField(max_length=12, blank=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    recipients = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    skip_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When the sweep may hand it to the task worker (again): a lease while queued, the backoff
    # after a failure.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The token of the worker's claim that last took it (mail.send_deliveries claims many at
    # once and reads back those it got), and until when that worker has it: nobody else
    # claims it before then (cleared once its outcome is recorded).
    claim = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="email_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} e-mail to {self.recipient_id} ({self.status})"


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
    # False when the person turned the inbox off for the event (it may still be e-mailed) or
    # muted its group.
    in_inbox = models.BooleanField(default=True)
    # Set when the e-mail sweep has dealt with it: batched into `delivery`, or not mailed
    # (read already, e-mail off for the event, group muted, no address).
    mail_checked_at = models.DateTimeField(null=True, blank=True)
    delivery = models.ForeignKey(
        EmailDelivery,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["target_kind", "target_id"], name="notification_target"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True, in_inbox=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(mail_checked_at__isnull=True),
                name="notification_mail_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.target_kind}:{self.target_id} for {self.recipient_id}"

    @property
    def group(self) -> str:
        """The group it is mailed and muted with: its group key, else its own target."""
        return self.group_key or f"{self.target_kind}:{self.target_id}"


class NotificationSettings(models.Model):
    """A person's digest: daily, weekly (Mondays) or off; in their time zone."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    digest = models.CharField(
        max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.OFF
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.person_id}: digest {self.digest}"


class NotificationPreference(models.Model):
    """Whether a person wants an event on a channel. No row: yes."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "event", "channel"], name="notification_preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.event}/{self.channel}: {self.enabled}"


class Mute(models.Model):
    """A group (a thread) the person muted: no inbox entry, no e-mail for it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_mutes"
    )
    group_key = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group_key"]
        constraints = [models.UniqueConstraint(fields=["person", "group_key"], name="mute_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} muted {self.group_key}"


class DigestRun(models.Model):
    """A person's digest of one period, sent or skipped (nothing open): once per period."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_runs"
    )
    period = models.CharField(max_length=12)
    item_count = models.PositiveIntegerField(default=0)
    delivery = models.ForeignKey(
        EmailDelivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "period"], name="digest_run_unique")
        ]

    def __str__(self) -> str:
        return f"digest {self.period} of {self.person_id}"


class CertificateAlert(models.Model):
    """One level (days before expiry; 0 on the day) of one certificate's validity, dealt with
    once: sent, or passed over when a later level was due at the same sweep (caught up). A
    renewed certificate has a new valid_until, so its levels alert again."""

    certificate = models.ForeignKey(
        "partners.Certificate", on_delete=models.CASCADE, related_name="alerts"
    )
    level = models.PositiveSmallIntegerField()
    valid_until = models.DateField()
    sent = models.BooleanField(default=True)
    recipient_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["certificate_id", "-level"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "level", "valid_until"], name="certificate_alert_unique"
            )
        ]

    def __str__(self) -> str:
        return f"certificate {self.certificate_id} at {self.level} days"
