"""notify() writes a reference for each recipient who may see the target, never for the actor
and never for someone who may not; showing it again re-checks access."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from django.db import transaction

from accord.core.errors import InvalidInput
from accord.orgs.zones import checked_zone_name, local_day
from accord.threads.models import Notification
from accord.threads.notify import Target, notify, register_target, resolve_targets

SEEN_BY: dict[int, set[int]] = {}


@register_target("test-thing")
def _things(user: Any, ids: Sequence[int]) -> dict[int, Target]:
    return {pk: Target(f"Thing {pk}", f"/things/{pk}") for pk in ids if user.pk in SEEN_BY[pk]}


def test_notify_skips_actor_and_people_who_may_not_see(people):
    SEEN_BY[7] = {people.oem_buyer.pk, people.ems_planner.pk}
    with transaction.atomic():
        written = notify(
            actor=people.oem_buyer,
            recipients=[people.oem_buyer, people.ems_planner, people.outsider, people.ems_planner],
            event="mention",
            kind="test-thing",
            pk=7,
            group_key="thing:7",
        )
    assert [n.recipient_id for n in written] == [people.ems_planner.pk]
    assert Notification.objects.get().actor_id == people.oem_buyer.pk


def test_resolving_again_drops_what_the_person_no_longer_sees(people):
    SEEN_BY[8] = {people.ems_planner.pk}
    SEEN_BY[9] = {people.ems_planner.pk}
    refs = [("test-thing", 8), ("test-thing", 9), ("unknown-kind", 1)]
    assert set(resolve_targets(people.ems_planner, refs)) == {("test-thing", 8), ("test-thing", 9)}
    SEEN_BY[9].clear()
    assert set(resolve_targets(people.ems_planner, refs)) == {("test-thing", 8)}


def test_time_zone_names_are_checked_and_days_are_the_persons(people):
    import datetime as dt

    assert checked_zone_name(" Asia/Tokyo ") == "Asia/Tokyo"
    assert checked_zone_name("") == ""
    with pytest.raises(InvalidInput):
        checked_zone_name("Mars/Olympus")
    moment = dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)
    people.ems_planner.time_zone = "Asia/Tokyo"
    assert local_day(people.ems_planner, moment) == dt.date(2026, 12, 5)
    people.ems_planner.time_zone = "America/Los_Angeles"
    assert local_day(people.ems_planner, moment) == dt.date(2026, 12, 4)
