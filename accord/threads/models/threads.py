"""Threads about a subject within a program, their posts (shared messages and internal notes,
with their edit history and attachments), action items and their escalation ladder.

A thread names its subject by kind and id (threads/subjects.py says, per kind, what the
subject is and who may see it), so that new kinds (audit findings) need no migration. Who may
see a thread, and everything under it, is decided by threads/access.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

MAX_TITLE = 200
MAX_BODY = 10_000


class ThreadStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    BLOCKED = "blocked", "Blocked"
    RESOLVED = "resolved", "Resolved"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class EscalationTarget(models.TextChoices):
    OWNER = "owner", "The owner"
    ORGANISATION_CONTACT = "organisation_contact", "The owner's organisation contact"
    PROGRAM_MANAGER = "program_manager", "The program manager"


class Thread(models.Model):
    program = models.ForeignKey("orgs.Program", on_delete=models.CASCADE, related_name="threads")
    # threads/subjects.py: "part", "source", "order", "order_line", "build", "shortage",
    # "certificate" (a shortage is named by its part's id).
    subject_kind = models.CharField(max_length=40)
    subject_id = models.PositiveBigIntegerField()
    # One line: it becomes an e-mail subject.
    title = models.CharField(max_length=MAX_TITLE)
    status = models.CharField(
        max_length=20, choices=ThreadStatus.choices, default=ThreadStatus.ON_TRACK
    )
    next_update = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "subject_kind", "subject_id"], name="thread_one_per_subject"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ThreadStatus.values), name="thread_status_known"
            ),
        ]
        indexes = [models.Index(fields=["subject_kind", "subject_id"], name="thread_subject")]

    def __str__(self) -> str:
        return self.title


class ThreadInvitation(models.Model):
    """An organisation invited to a thread: suppliers and distributors see only these."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="thread_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "organisation"], name="thread_invitation_unique"
            )
        ]
        indexes = [models.Index(fields=["organisation", "thread"], name="thread_invited_org")]

    def __str__(self) -> str:
        return f"{self.organisation_id} on thread {self.thread_id}"


class ThreadFollower(models.Model):
    """Who hears of new shared posts: the thread's creator, its posters, the people mentioned."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="followers")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "person"], name="thread_follower_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} follows {self.thread_id}"


class Post(models.Model):
    """A shared message, or an internal note that only the author's organisation sees. The
    body is plain text (accord/core/text.py, multi-line), rendered escaped (threads/render.py)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    internal = models.BooleanField(default=False)
    body = models.TextField(max_length=MAX_BODY)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"], name="post_thread")]
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="post_body_not_empty")]

    def __str__(self) -> str:
        return f"Post {self.pk} in thread {self.thread_id}"


class PostRevision(models.Model):
    """The body a post had before an edit."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(max_length=MAX_BODY)
    edited_at = models.DateTimeField(default=timezone.now)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["edited_at", "id"]

    def __str__(self) -> str:
        return f"Revision {self.pk} of post {self.post_id}"


class PostMention(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "person"], name="post_mention_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in post {self.post_id}"


class PostAttachment(models.Model):
    """A PDF, PNG or JPEG on a post, kept in the database like a certificate's evidence;
    downloaded only by those who see the post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(size__gt=0), name="post_attachment_size")]

    def __str__(self) -> str:
        return self.filename


class ActionItem(models.Model):
    """Something one person owes by a date. Its source is a thread (later a check-in or an
    audit finding): kind and id, with the thread's key kept as a foreign key when it is one."""

    program = models.ForeignKey(
        "orgs.Program", on_delete=models.CASCADE, related_name="action_items"
    )
    source_kind = models.CharField(max_length=40, default="thread")
    source_id = models.PositiveBigIntegerField()
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, null=True, blank=True, related_name="action_items"
    )
    title = models.CharField(max_length=MAX_TITLE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_items"
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(source_kind="thread") | Q(thread__isnull=False),
                name="action_thread_source",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="action_open_due"),
            models.Index(fields=["owner", "status", "due_date"], name="action_owner"),
            models.Index(fields=["source_kind", "source_id"], name="action_source"),
        ]

    def __str__(self) -> str:
        return self.title


class EscalationStep(models.Model):
    """A step of a program's ladder: whom an open overdue item goes to, `days` days after its
    due date (in the owner's time zone). A program without steps uses the default ladder
    (threads/escalation.py: the owner at +1, the owner's organisation contact at +3, the
    program manager at +7)."""

    program = models.ForeignKey(
        "orgs.Program", on_delete=models.CASCADE, related_name="escalation_steps"
    )
    days = models.PositiveSmallIntegerField()
    target = models.CharField(max_length=30, choices=EscalationTarget.choices)

    class Meta:
        ordering = ["program_id", "days", "target"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "days", "target"], name="escalation_step_unique"
            ),
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=365), name="escalation_step_days"
            ),
            models.CheckConstraint(
                condition=Q(target__in=EscalationTarget.values), name="escalation_target_known"
            ),
        ]

    def __str__(self) -> str:
        return f"+{self.days} {self.target}"


class EscalationSent(models.Model):
    """A step sent for an item: each is sent once (the sweep may run every few minutes)."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="escalations")
    days = models.PositiveSmallIntegerField()
    target = models.CharField(max_length=30, choices=EscalationTarget.choices)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "days", "target"], name="escalation_sent_once")
        ]

    def __str__(self) -> str:
        return f"+{self.days} {self.target} for {self.item_id}"
