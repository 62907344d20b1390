"""Helpers shared by every app's access.py, and the access-log writer."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.utils import timezone

from accord.core.errors import NotFound
from accord.core.models import AccessLogEntry

if TYPE_CHECKING:
    from accord.orgs.models import Organisation, Person, Program

M = TypeVar("M", bound=models.Model)


def today() -> dt.date:
    """NDAs are checked against the current date at every request: a lapse revokes at once."""
    return timezone.localdate()


def is_person(user: Any) -> bool:
    """Signed in and attached to an organisation; anonymous visitors and orphans see nothing."""
    return bool(getattr(user, "is_authenticated", False)) and user.organisation_id is not None


def get_or_404(queryset: models.QuerySet[M], **lookup: Any) -> M:
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def record_restricted_read(
    reader: Person,
    obj: models.Model,
    *,
    owner: Organisation,
    program: Program | None,
    channel: str,
    path: str = "",
) -> None:
    """Log a read of another organisation's restricted data so its owner can review it."""
    if reader.organisation_id == owner.pk:
        return
    AccessLogEntry.objects.create(
        reader=reader,
        reader_organisation_id=reader.organisation_id,
        owner=owner,
        program=program,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        channel=channel,
        path=path[:500],
    )
