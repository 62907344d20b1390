"""What the notification tests share: a target kind whose visibility follows the NDAs (a
program's restricted data: mailed as a link only), Meridian's certificate, and notifying."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.orgs.access import reach_of
from accord.orgs.models import Program
from accord.threads.models import Notification
from accord.threads.notify import Target, notify, register_target

SECRET = "Secret pricing for Earbuds X2"


@register_target("test-restricted-program")
def restricted_programs(user: Any, ids: Sequence[int]) -> dict[int, Target]:
    """A program's restricted data: members whose organisation owns it or has an NDA in force
    covering it. The title is the kind of text that must never be mailed."""
    allowed = set(reach_of(user).restricted)
    names = dict(
        Program.objects.filter(pk__in=[i for i in ids if i in allowed]).values_list("pk", "code")
    )
    return {
        pk: Target(f"{SECRET} ({code})", f"/programs/{pk}/", restricted=True)
        for pk, code in names.items()
    }


def send_notice(
    actor: Any,
    recipients: Iterable[Any],
    *,
    kind: str,
    pk: int,
    event: str = "mention",
    group_key: str = "",
    now: dt.datetime | None = None,
) -> list[Notification]:
    with transaction.atomic():
        return notify(
            actor=actor,
            recipients=list(recipients),
            event=event,
            kind=kind,
            pk=pk,
            group_key=group_key,
            now=now or timezone.now(),
        )


def meridian_certificate(people: Any, **values: Any) -> Any:
    """Meridian's ISO 9001 certificate of PEN1 (the one already recorded, unless told how)."""
    from accord.partners.models import Certificate
    from accord.partners.tests.sample import certificate, penang

    site = penang(people["ems_planner"])
    found = None if values else Certificate.objects.filter(site=site, number="ISO9001-PEN1").first()
    return found or certificate(people["ems_quality"], site, **values)


def matrix_notification(people: Any) -> Notification:
    """oem_buyer's unread notification of a post about Meridian's certificate (the access
    matrices' world: only its recipient reaches it)."""
    certificate = meridian_certificate(people)
    (made,) = send_notice(
        people["ems_quality"],
        [people["oem_buyer"]],
        kind="certificate",
        pk=certificate.pk,
        event="post",
    )
    return made


def matrix_mute(people: Any) -> Any:
    """oem_buyer's mute of a thread about Meridian's certificate."""
    from accord.threads.notification_services import mute_group

    certificate = meridian_certificate(people)
    (made,) = send_notice(
        people["ems_quality"],
        [people["oem_buyer"]],
        kind="certificate",
        pk=certificate.pk,
        group_key="thread:matrix",
    )
    return mute_group(actor=people["oem_buyer"], notification=made)


def matrix_unsubscribe_token(people: Any) -> str:
    from accord.threads.notification_services import unsubscribe_token

    return unsubscribe_token(people["oem_buyer"].pk, ["post"])
