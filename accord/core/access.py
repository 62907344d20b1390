"""Helpers shared by every app's access.py, and the access-log writer."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
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
    except (ObjectDoesNotExist, ValueError, TypeError):
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
    if reader.organisation_id is None or reader.organisation_id == owner.pk:
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


def access_log_visible_to(user: Any) -> models.QuerySet[AccessLogEntry]:
    """An organisation's administrators review who read its restricted data."""
    if not is_person(user) or not user.is_org_admin:
        return AccessLogEntry.objects.none()
    return AccessLogEntry.objects.filter(owner_id=user.organisation_id).select_related(
        "reader", "reader_organisation", "program"
    )


def tokens_visible_to(user: Any) -> models.QuerySet[Any]:
    from accord.core.models import ApiToken

    if not is_person(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(person_id=user.pk)


def access_log_for_reviewer(user: Any) -> models.QuerySet[AccessLogEntry]:
    """The access log of the person's organisation, for its administrators. To anyone else it
    does not exist: NotFound (404), like any object a person may not see."""
    if not is_person(user) or not user.is_org_admin:
        raise NotFound()
    return access_log_visible_to(user)
