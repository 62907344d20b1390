"""The event log, the access log, API tokens and idempotency records."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.text import capfirst

from accord.core.choices import Classification


class Event(models.Model):
    """Who did what to which object, written in the same transaction as the change itself."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    program = models.ForeignKey(
        "orgs.Program", on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    # Whom the change is about when that is another organisation: the partner added to a
    # program, the organisation of the member added or removed. Sellers see a program's
    # events only when both this and the actor's organisation are theirs or the owner's.
    subject_organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    classification = models.CharField(
        max_length=20, choices=Classification.choices, default=Classification.PROGRAM
    )
    verb = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-created_at"]),
            models.Index(fields=["program", "-created_at"]),
            models.Index(fields=["organisation", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.actor} {self.verb} {self.object_repr}"


# Reads that are not of a model's row, named for the access log.
READ_KINDS = {"orgs.nda_document": "Signed NDA document"}


class AccessLogEntry(models.Model):
    """A read of another organisation's restricted data, reviewable by the owner's admins."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reader_organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    owner = models.ForeignKey("orgs.Organisation", on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(
        "orgs.Program", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    object_type = models.CharField(max_length=60)
    # A single object: its id and name. A list or an export: no id, and what was asked for
    # (e.g. 'search "driver"'), with the number of the owner's restricted rows it returned.
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300)
    row_count = models.PositiveIntegerField(
        default=1, help_text="Restricted rows of the owner read: 1 for a single object."
    )
    channel = models.CharField(max_length=10, default="web")  # web, api, export
    path = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]
        verbose_name_plural = "access log entries"

    @property
    def is_list(self) -> bool:
        return not self.object_id

    @property
    def kind(self) -> str:
        """What kind of thing was read, in words: "BOM", "Part", "Signed NDA document"."""
        if self.object_type in READ_KINDS:
            return READ_KINDS[self.object_type]
        try:
            return capfirst(str(apps.get_model(self.object_type)._meta.verbose_name))
        except (LookupError, ValueError):
            return self.object_type

    @property
    def what(self) -> str:
        """What was read, as the owner's reviewers read it: "BOM EBX2-L rev A", "Part
        HAL-400-0001 Balanced armature driver", or 'listed 3 restricted parts of yours (search
        "driver")'."""
        if not self.is_list:
            kind = self.kind
            if self.object_repr.lower().startswith(kind.lower()):
                return self.object_repr
            return f"{kind} {self.object_repr}"
        verb = "exported" if self.channel == "export" else "listed"
        try:
            meta = apps.get_model(self.object_type)._meta
            noun = str(meta.verbose_name if self.row_count == 1 else meta.verbose_name_plural)
        except (LookupError, ValueError):
            noun = "row" if self.row_count == 1 else "rows"
        detail = f" ({self.object_repr})" if self.object_repr else ""
        return f"{verb} {self.row_count} restricted {noun} of yours{detail}"


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the secret is shown once."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotencyRecord(models.Model):
    """The first response to a creating request, replayed when the same key comes again."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="idempotency_key_unique")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]


class LoginAttempt(models.Model):
    """Failed sign-ins, counted per username and per address to slow down guessing."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)


class WorkerHeartbeat(models.Model):
    """A background task worker that is alive, or was: it updates last_seen_at every couple of
    seconds (from a thread, also while a long task runs) and deletes its row when it stops.
    A row whose last_seen_at is older than WORKER_STALE_SECONDS belongs to a dead worker: the
    jobs it left running are recovered (accord/core/worker.py), and pages say that no worker is
    running when no row is fresh."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)
    task = models.CharField(max_length=200, blank=True, help_text="The task it runs now, if any.")

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host} (pid {self.pid})"
