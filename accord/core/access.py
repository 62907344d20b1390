"""Helpers shared by every app's access.py, the per-request memo, and the access-log writer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Count
from django.utils import timezone

from accord.core.choices import Classification
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
    record_restricted_reads(
        reader,
        [(owner.pk, program.pk if program else None, obj._meta.label_lower, obj.pk, str(obj))],
        channel=channel,
        path=path,
    )


def record_restricted_reads(
    reader: Person,
    reads: Iterable[tuple[int, int | None, str, Any, str]],
    *,
    channel: str,
    path: str = "",
) -> None:
    """Log reads of single objects in one insert: (owner id, program id or None, object type
    as "app.model", object id, its name) each. Reads of the reader's own organisation's data
    are not logged."""
    org = reader.organisation_id
    entries = [
        AccessLogEntry(
            reader=reader,
            reader_organisation_id=org,
            owner_id=owner_id,
            program_id=program_id,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=name[:300],
            channel=channel,
            path=path[:500],
        )
        for owner_id, program_id, object_type, object_id, name in reads
        if org is not None and owner_id != org
    ]
    if len(entries) == 1:
        entries[0].save()
    elif entries:
        AccessLogEntry.objects.bulk_create(entries)


def record_restricted_rows_read(
    reader: Person,
    counts: Iterable[tuple[int, int]],
    *,
    model: type[models.Model],
    description: str,
    channel: str,
    path: str = "",
) -> None:
    """Log a list or an export: one entry per owning organisation, with the number of its
    restricted rows the request returned. `counts` holds (owner id, rows) pairs, from one
    aggregate query over what the request returns (restricted_rows_by_owner)."""
    org = reader.organisation_id
    if org is None:
        return
    entries = [
        AccessLogEntry(
            reader=reader,
            reader_organisation_id=org,
            owner_id=owner_id,
            program=None,
            object_type=model._meta.label_lower,
            object_id="",
            object_repr=description[:300],
            row_count=rows,
            channel=channel,
            path=path[:500],
        )
        for owner_id, rows in counts
        if owner_id != org and rows > 0
    ]
    if entries:
        AccessLogEntry.objects.bulk_create(entries)


def restricted_rows_by_owner(
    model: type[models.Model], ids: Iterable[Any], *, owner: str, reader: Any
) -> list[tuple[int, int]]:
    """(owner id, number of rows) of the restricted rows of other organisations among the rows
    `ids` names (the primary keys of a page, or a values("pk") queryset of an export, sliced
    to what is exported), in one aggregate query. `owner` is the lookup of the owning
    organisation's id, e.g. "owner_id" or "program__owner_id"."""
    found = (
        model._default_manager.filter(pk__in=ids)
        .filter(classification=Classification.RESTRICTED)
        .exclude(**{owner: reader.organisation_id})
        .order_by()
        .values_list(owner)
        .annotate(n=Count("pk"))
    )
    return [(int(owner_id), int(n)) for owner_id, n in found]


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
