"""The threads app's models, a module per part: notifications (the inbox and its deliveries);
threads, posts, action items and their escalation (threads.py)."""

from accord.threads.models.notifications import Notification
from accord.threads.models.threads import (
    MAX_BODY,
    MAX_TITLE,
    ActionItem,
    ActionStatus,
    EscalationSent,
    EscalationStep,
    EscalationTarget,
    Post,
    PostAttachment,
    PostMention,
    PostRevision,
    Thread,
    ThreadFollower,
    ThreadInvitation,
    ThreadStatus,
)

__all__ = [
    "MAX_BODY",
    "MAX_TITLE",
    "ActionItem",
    "ActionStatus",
    "EscalationSent",
    "EscalationStep",
    "EscalationTarget",
    "Notification",
    "Post",
    "PostAttachment",
    "PostMention",
    "PostRevision",
    "Thread",
    "ThreadFollower",
    "ThreadInvitation",
    "ThreadStatus",
]
