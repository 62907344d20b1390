"""The demo's check-ins (accord/demo/checkins.py): last week's Earbuds X2 check-in with
Meridian closed, this week's carrying its open items over, and Pulse HRM's built from the
audit's open findings and the ISO 13485 gap."""

from __future__ import annotations

from accord.demo.audits import record_audit
from accord.demo.checkins import CARRIED_ACTION, CARRIED_LINE, hold_checkins
from accord.demo.loader import world_from_db
from accord.demo.partners import record_capabilities_and_requirements
from accord.demo.threads import MCU_THREAD_TITLE, start_threads
from accord.partners.tests.sample import penang
from accord.threads.checkin_access import checkins_visible_to
from accord.threads.models import AgendaItem


def test_the_demo_checkins_carry_over_and_show_what_is_due(db):
    world = world_from_db()
    # Meridian's plant (the supply story makes it), Halcyon's audit of it (three open
    # findings) and Pulse HRM's requirements, of which ISO 13485 is not met.
    penang(world.people["ems_planner"])
    record_audit(world)
    record_capabilities_and_requirements(world)
    start_threads(world)
    last, this, pulse = hold_checkins(world)
    assert last.status == "closed" and this.status == "open"
    assert this.carried_from == last
    rows = list(AgendaItem.objects.filter(checkin=this).values_list("kind", "label"))
    kinds = [kind for kind, _label in rows]
    assert kinds[0] == "carried_action" and rows[0][1].startswith(CARRIED_ACTION)
    assert ("thread", MCU_THREAD_TITLE) in rows
    assert ("manual", CARRIED_LINE) in rows
    # The microcontroller thread waits on Halcyon: Meridian's planner answered last.
    thread = AgendaItem.objects.get(checkin=this, kind="thread")
    assert thread.waits_on == world.orgs["halcyon"]
    pulse_kinds = set(AgendaItem.objects.filter(checkin=pulse).values_list("kind", flat=True))
    assert {"finding", "gap"} <= pulse_kinds
    people = world.people
    assert set(checkins_visible_to(people["ems_planner"])) == {last, this, pulse}
    assert set(checkins_visible_to(people["oem_engineer"])) == {last, this}
    for name in ("supplier_rep", "outsider", "other_oem_user", "nda_expired_partner"):
        assert not checkins_visible_to(people[name]).exists()
