"""Periodic sweeps are idempotent commands that keep what is still needed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accord.core.errors import InvalidInput
from accord.core.models import Event, IdempotencyRecord
from accord.core.services import prune_idempotency_records


def record(person, key: str, age: dt.timedelta) -> IdempotencyRecord:
    rec = IdempotencyRecord.objects.create(
        person=person, key=key, method="POST", path="/api/v1/parts", request_digest="x" * 64
    )
    IdempotencyRecord.objects.filter(pk=rec.pk).update(created_at=timezone.now() - age)
    return rec


def test_old_idempotency_records_are_pruned_and_recent_ones_kept(people):
    old = record(people.oem_buyer, "old", dt.timedelta(days=10))
    recent = record(people.oem_buyer, "recent", dt.timedelta(hours=2))
    out = io.StringIO()
    call_command("prune_idempotency_records", stdout=out)
    assert "Deleted 1 idempotency record(s)." in out.getvalue()
    assert not IdempotencyRecord.objects.filter(pk=old.pk).exists()
    assert IdempotencyRecord.objects.filter(pk=recent.pk).exists()
    event = Event.objects.get(verb="pruned idempotency records")
    assert (event.object_id, event.changes["deleted"]) == ("*", 1)
    # Running it again changes nothing and logs nothing.
    call_command("prune_idempotency_records", stdout=io.StringIO())
    assert Event.objects.filter(verb="pruned idempotency records").count() == 1


def test_the_retry_window_cannot_be_shorter_than_an_hour(db):
    with pytest.raises(InvalidInput):
        prune_idempotency_records(actor=None, older_than=dt.timedelta(minutes=5))
