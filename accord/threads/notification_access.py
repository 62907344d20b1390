"""Who reaches which notification, mute and e-mail record: only their own recipient. Someone
else's is 404, like anything a person may not see. What a notification points at is checked
again by its kind's resolver whenever it is shown (threads/notify.py, threads/inbox.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accord.core.access import get_or_404, is_person
from accord.threads.models import Mute, Notification, NotificationPreference, NotificationSettings


def notifications_visible_to(user: Any) -> QuerySet[Notification]:
    if not is_person(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk)


def inbox_of(user: Any) -> QuerySet[Notification]:
    """The person's inbox: their notifications shown there (not muted, inbox on)."""
    return notifications_visible_to(user).filter(in_inbox=True)


def get_notification_for_user(user: Any, pk: Any) -> Notification:
    return get_or_404(notifications_visible_to(user), pk=pk)


def mutes_of(user: Any) -> QuerySet[Mute]:
    if not is_person(user):
        return Mute.objects.none()
    return Mute.objects.filter(person_id=user.pk)


def get_mute_for_user(user: Any, pk: Any) -> Mute:
    return get_or_404(mutes_of(user), pk=pk)


def preferences_of(user: Any) -> QuerySet[NotificationPreference]:
    if not is_person(user):
        return NotificationPreference.objects.none()
    return NotificationPreference.objects.filter(person_id=user.pk)


def settings_of(user: Any) -> NotificationSettings | None:
    if not is_person(user):
        return None
    return NotificationSettings.objects.filter(person_id=user.pk).first()
