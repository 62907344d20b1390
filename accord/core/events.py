"""Writing the event log. Called only from services, inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from accord.core.choices import Classification
from accord.core.models import Event

if TYPE_CHECKING:
    from accord.orgs.models import Organisation, Person, Program


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def record_event(
    *,
    actor: Person | None,
    verb: str,
    obj: models.Model | type[models.Model],
    changes: Mapping[str, Any] | None = None,
    organisation: Organisation | None = None,
    program: Program | None = None,
    classification: str = Classification.PROGRAM,
    subject_organisation: Organisation | None = None,
) -> Event:
    """`obj` is the changed object, or a model class for a change to many rows at once.
    `subject_organisation`: the organisation the change is about, when the event names one
    other than the actor's (a partner added, the organisation of a member added)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the service's transaction")
    event = event_of(
        actor=actor,
        verb=verb,
        obj=obj,
        changes=changes,
        organisation=organisation,
        program=program,
        classification=classification,
        subject_organisation=subject_organisation,
    )
    event.save()
    return event


def event_of(
    *,
    actor: Person | None,
    verb: str,
    obj: models.Model | type[models.Model],
    changes: Mapping[str, Any] | None = None,
    organisation: Organisation | None = None,
    program: Program | None = None,
    classification: str = Classification.PROGRAM,
    subject_organisation: Organisation | None = None,
) -> Event:
    """The event record_event would write, not saved yet: for record_events."""
    many = isinstance(obj, type)
    return Event(
        actor=actor,
        organisation=organisation or (actor.organisation if actor else None),
        program=program,
        subject_organisation=subject_organisation,
        classification=classification,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id="*" if many else str(obj.pk),
        object_repr=str(obj._meta.verbose_name_plural) if many else str(obj)[:300],
        changes=_jsonable(dict(changes or {})),
    )


def record_events(events: Iterable[Event]) -> list[Event]:
    """Write many events made by event_of at once (a sweep's thousands), in the caller's
    transaction: one statement per batch rather than one per event."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_events must run inside the service's transaction")
    return Event.objects.bulk_create(list(events), batch_size=1000)


def diff_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{"field": [old, new]} for the fields that changed."""
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in after
        if before.get(key) != after.get(key)
    }


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}
