"""A certificate's status, from its dates and its suspended flag, as of a day: one rule, as a
function for one certificate and as a queryset annotation for lists (set-based, in SQL).

In order: suspended; expired (valid_until before the day); not yet valid (valid_from after
it); expiring (valid_until within EXPIRING_DAYS of it); valid.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, CharField, Q, QuerySet, Value, When

from accord.partners.choices import CertificateStatus

EXPIRING_DAYS = 90


def status_of(
    *, valid_from: dt.date, valid_until: dt.date, suspended: bool, day: dt.date
) -> CertificateStatus:
    if suspended:
        return CertificateStatus.SUSPENDED
    if valid_until < day:
        return CertificateStatus.EXPIRED
    if valid_from > day:
        return CertificateStatus.NOT_YET_VALID
    if valid_until <= day + dt.timedelta(days=EXPIRING_DAYS):
        return CertificateStatus.EXPIRING
    return CertificateStatus.VALID


def status_expression(day: dt.date, prefix: str = "") -> Case:
    """The same rule as a SQL CASE over a certificate's columns (`prefix` for a relation)."""
    p = prefix
    return Case(
        When(**{f"{p}suspended": True}, then=Value(CertificateStatus.SUSPENDED.value)),
        When(**{f"{p}valid_until__lt": day}, then=Value(CertificateStatus.EXPIRED.value)),
        When(**{f"{p}valid_from__gt": day}, then=Value(CertificateStatus.NOT_YET_VALID.value)),
        When(
            **{f"{p}valid_until__lte": day + dt.timedelta(days=EXPIRING_DAYS)},
            then=Value(CertificateStatus.EXPIRING.value),
        ),
        default=Value(CertificateStatus.VALID.value),
        output_field=CharField(),
    )


def with_status(certificates: QuerySet[Any], day: dt.date) -> QuerySet[Any]:
    """The certificates, each annotated with `status` as of the day."""
    return certificates.annotate(status=status_expression(day))


def in_force(day: dt.date, prefix: str = "") -> Q:
    """Certificates that hold on the day: not retired, not suspended, the day within their
    dates (expiring ones included)."""
    p = prefix
    return Q(
        **{
            f"{p}retired_at__isnull": True,
            f"{p}suspended": False,
            f"{p}valid_from__lte": day,
            f"{p}valid_until__gte": day,
        }
    )
