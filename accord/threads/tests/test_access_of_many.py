"""Access checked for many people at once (a sweep's recipients, everyone's digest) answers
exactly what each person's own check answers: their Reach read together, and one check for
each group of people who see alike (orgs.access.sight_of)."""

from __future__ import annotations

import datetime as dt

from accord.core.memo import access_memo
from accord.orgs.access import reach_of, remember_reaches
from accord.threads.actions import create_action_item
from accord.threads.notify import resolve_targets, resolve_targets_of_many
from accord.threads.tests.sample import driver_thread, nordic_threads


def test_reaches_read_together_are_each_persons_own(people):
    everyone = [people[name] for name in people]
    alone = {p.pk: reach_of(p) for p in everyone}  # no memo: each computed on its own
    with access_memo():
        remember_reaches(everyone)
        together = {p.pk: reach_of(p) for p in everyone}
    assert together == alone


def test_many_people_resolved_together_see_what_each_sees_alone(people):
    driver = driver_thread(people)  # restricted data: an NDA in force, an invitation
    ebx2, rvc = nordic_threads(people)
    item = create_action_item(
        actor=people.oem_buyer,
        thread=driver,
        title="Confirm the driver's lead time",
        owner="ems_planner",
        due_date=dt.date.today() + dt.timedelta(days=7),
    )
    refs = [
        ("thread", driver.pk),
        ("thread", ebx2.pk),
        ("thread", rvc.pk),
        ("action_item", item.pk),
        ("thread", 10**9),  # no such thread
    ]
    everyone = [people[name] for name in people]
    together = resolve_targets_of_many((p, refs) for p in everyone)
    for person in everyone:
        assert together[person.pk] == resolve_targets(person, refs), person.username
    # The rules still bite: Brightline's NDA lapsed, Roverly's engineer is not on EBX2.
    assert ("thread", driver.pk) not in together[people.nda_expired_partner.pk]
    assert ("thread", rvc.pk) in together[people.other_oem_user.pk]
    assert ("thread", ebx2.pk) not in together[people.other_oem_user.pk]
    assert ("action_item", item.pk) in together[people.ems_planner.pk]
