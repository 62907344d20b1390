"""The background tasks that send e-mails of notifications (threads/mail.py), run by the
django-tasks backend named in settings.TASKS (with the default database backend: by
`accord worker`)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def send_email_delivery(delivery_id: int, now_iso: str = "") -> str:
    """Send the delivery; `now_iso` is the sweep's clock (its retries are timed from it)."""
    from django.utils import timezone

    from accord.threads.mail import send_delivery

    now = dt.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    return str(send_delivery(delivery_id, now))


@task()
def send_email_deliveries(delivery_ids: list[int], now_iso: str = "") -> list[str]:
    """Send a batch of deliveries (their digests composed together); `now_iso` as above."""
    from django.utils import timezone

    from accord.threads.mail import send_deliveries

    now = dt.datetime.fromisoformat(now_iso) if now_iso else timezone.now()
    return send_deliveries(delivery_ids, now)
