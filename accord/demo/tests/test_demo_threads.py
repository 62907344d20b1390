"""The demo's threads (accord/demo/threads.py): the earbuds' microcontroller thread with a
mention, an answer, an internal note and an action item; the driver thread Sunridge answers."""

from __future__ import annotations

from accord.demo.loader import world_from_db
from accord.demo.threads import DRIVER_THREAD_TITLE, MCU_THREAD_TITLE, start_threads
from accord.threads.access import action_items_visible_to, posts_of, threads_visible_to
from accord.threads.models import Notification


def test_the_demo_threads_are_seen_as_the_rules_say(db):
    world = world_from_db()
    mcu, driver = start_threads(world)
    people = world.people
    assert (mcu.title, mcu.status) == (MCU_THREAD_TITLE, "at_risk")
    # The planner was mentioned: one notification, about the thread.
    assert list(
        Notification.objects.filter(event="mention").values_list(
            "recipient__username", "target_kind", "target_id"
        )
    ) == [("ems_planner", "thread", mcu.pk)]
    # The engineer's internal note: Halcyon's people only.
    assert len(posts_of(people["oem_buyer"], mcu)) == 3
    assert len(posts_of(people["ems_planner"], mcu)) == 2
    (item,) = action_items_visible_to(people["ems_planner"]).filter(thread=mcu)
    assert item.owner == people["ems_planner"]
    # Sunridge sees the driver thread it was invited to, not the microcontroller's.
    assert set(threads_visible_to(people["supplier_rep"]).values_list("title", flat=True)) == {
        DRIVER_THREAD_TITLE
    }
    assert [p.author.username for p in posts_of(people["oem_buyer"], driver)] == [
        "oem_buyer",
        "supplier_rep",
    ]
    for outsider in ("outsider", "other_oem_user", "nda_expired_partner"):
        assert not threads_visible_to(people[outsider]).exists()
