"""Certificate expiry alerts (a sweep step), and what a notification about a certificate shows.

Levels: ACCORD_CERT_ALERT_DAYS (default 90, 30, 7 and 0: days before valid_until; 0 is the day
it expires), as days of the workspace's calendar (settings.TIME_ZONE). Each level of one
validity is dealt with once: a CertificateAlert row, unique per (certificate, level,
valid_until), so that a renewed certificate (a new valid_until) alerts again.

A missed day is caught up: the sweep sends the most recent level that is due, once, and records
the earlier levels that passed unseen as dealt with, without sending them (nobody needs "90
days left" on the day a "7 days left" goes out). Certificates expired more than CATCH_UP_DAYS
ago, retired or suspended ones are not alerted.

Who: both sides. The people of the certificate's organisation, and the buyers who rely on it:
members of a program their own organisation owns in which the certificate's organisation is a
partner. notify() checks that each may see the certificate (partners.access).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse

from accord.orgs.models import Person, ProgramMember, ProgramPartner
from accord.orgs.zones import _zone
from accord.partners.access import certificates_visible_to
from accord.partners.models import Certificate
from accord.threads.models import CertificateAlert
from accord.threads.notify import Target, notify, register_target

CATCH_UP_DAYS = 30
EXPIRING = "certificate_expiring"
EXPIRED = "certificate_expired"


@register_target("certificate")
def certificates_for(user: Any, ids: Sequence[int]) -> dict[int, Target]:
    rows = certificates_visible_to(user).filter(pk__in=list(ids)).select_related("site")
    return {
        c.pk: Target(
            title=f"{c.label} {c.number} of {c.site.name}, valid until {c.valid_until.isoformat()}",
            url=reverse("certificate_detail", args=[c.pk]),
        )
        for c in rows
    }


def alert_levels() -> tuple[int, ...]:
    return tuple(sorted(set(settings.ACCORD_CERT_ALERT_DAYS), reverse=True))


def due_levels(valid_until: dt.date, day: dt.date, levels: Sequence[int]) -> list[int]:
    """The levels due on the day, the most recent last: those whose day has come."""
    return sorted(
        (lvl for lvl in levels if valid_until - dt.timedelta(days=lvl) <= day), reverse=True
    )


def _recipients(organisation_ids: set[int]) -> dict[int, set[int]]:
    """Organisation -> the people to alert about its certificates (both sides)."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for org, pk in Person.objects.filter(
        organisation_id__in=sorted(organisation_ids), is_active=True
    ).values_list("organisation_id", "pk"):
        wanted[org].add(pk)
    relied = defaultdict(set)
    for org, program in (
        ProgramPartner.objects.filter(organisation_id__in=sorted(organisation_ids))
        .exclude(program__owner_id=F("organisation_id"))
        .values_list("organisation_id", "program_id")
    ):
        relied[program].add(org)
    for program, pk in (
        ProgramMember.objects.filter(program_id__in=sorted(relied), person__is_active=True)
        .filter(person__organisation_id=F("program__owner_id"))
        .values_list("program_id", "person_id")
    ):
        for org in relied[program]:
            wanted[org].add(pk)
    return wanted


def run_certificate_alerts(now: dt.datetime) -> int:
    """Send the certificate alerts due at `now`. Returns the number of alerts sent (one per
    certificate and level, to all its recipients)."""
    levels = alert_levels()
    if not levels:
        return 0
    day = now.astimezone(_zone(settings.TIME_ZONE)).date()
    candidates = list(
        Certificate.objects.filter(
            retired_at__isnull=True,
            suspended=False,
            valid_until__lte=day + dt.timedelta(days=levels[0]),
            valid_until__gte=day - dt.timedelta(days=CATCH_UP_DAYS),
        )
        .select_related("site")
        .order_by("pk")
    )
    if not candidates:
        return 0
    done = set(
        CertificateAlert.objects.filter(
            certificate_id__in=[c.pk for c in candidates],
            valid_until=F("certificate__valid_until"),
        ).values_list("certificate_id", "level")
    )
    todo = []
    for c in candidates:
        due = due_levels(c.valid_until, day, levels)
        if due and (c.pk, due[-1]) not in done:
            todo.append((c, [lvl for lvl in due if (c.pk, lvl) not in done]))
    if not todo:
        return 0
    wanted = _recipients({c.site.organisation_id for c, _ in todo})
    people = Person.objects.in_bulk(sorted({pk for ids in wanted.values() for pk in ids}))
    sent = 0
    for certificate, pending in todo:
        latest = pending[-1]
        recipients = [people[pk] for pk in sorted(wanted.get(certificate.site.organisation_id, ()))]
        with transaction.atomic():
            written = notify(
                actor=None,
                recipients=recipients,
                event=EXPIRED if latest == 0 else EXPIRING,
                kind="certificate",
                pk=certificate.pk,
                group_key=f"certificate:{certificate.pk}",
                now=now,
            )
            CertificateAlert.objects.bulk_create(
                CertificateAlert(
                    certificate=certificate,
                    level=lvl,
                    valid_until=certificate.valid_until,
                    sent=lvl == latest,
                    recipient_count=len(written) if lvl == latest else 0,
                    created_at=now,
                )
                for lvl in pending
            )
        sent += 1
    return sent
