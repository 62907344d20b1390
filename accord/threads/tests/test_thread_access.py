"""Who sees a thread and everything under it: program membership, sight of the subject, an
NDA in force for restricted subjects, an invitation for suppliers. Anything else is 404."""

from __future__ import annotations

from typing import Any

import pytest

from accord.core.errors import NotFound
from accord.core.models import AccessLogEntry
from accord.scorecards.attachments import AttachedFile
from accord.threads.access import (
    get_attachment_for_user,
    get_post_for_user,
    posts_of,
    threads_visible_to,
)
from accord.threads.tests.sample import PDF, driver_thread, nordic_threads
from accord.threads.thread_services import add_post


def _sees(person: Any, thread: Any) -> bool:
    return threads_visible_to(person).filter(pk=thread.pk).exists()


def test_one_mpn_in_two_programs_has_two_threads_each_seen_by_its_members(people):
    ebx2, rvc = nordic_threads(people)
    assert ebx2.pk != rvc.pk and ebx2.program_id != rvc.program_id
    post = add_post(
        actor=people.other_oem_user,
        thread=rvc,
        body="Rover allocation confirmed",
        files=[AttachedFile.checked(PDF, "allocation.pdf")],
    )
    attachment = post.attachments.get()
    # Tomas is on Earbuds X2 only; Jonas on Rover Controller only; Aisha on both.
    assert _sees(people.oem_engineer, ebx2) and not _sees(people.oem_engineer, rvc)
    assert _sees(people.other_oem_user, rvc) and not _sees(people.other_oem_user, ebx2)
    assert _sees(people.ems_planner, ebx2) and _sees(people.ems_planner, rvc)
    with pytest.raises(NotFound):
        get_post_for_user(people.oem_engineer, post.pk)
    with pytest.raises(NotFound):
        get_attachment_for_user(people.oem_engineer, attachment.pk, channel="web", path="/")
    read = get_attachment_for_user(people.ems_planner, attachment.pk, channel="web", path="/f")
    assert read.pk == attachment.pk
    # The download of the other organisation's file is in that organisation's access log.
    (entry,) = AccessLogEntry.objects.filter(object_type="threads.postattachment")
    assert (entry.reader_id, entry.owner_id, entry.program_id, entry.object_id) == (
        people.ems_planner.pk,
        people.other_oem_user.organisation_id,
        rvc.program_id,
        str(attachment.pk),
    )


def test_restricted_subject_needs_nda_and_suppliers_an_invitation(people):
    thread = driver_thread(people, invite_supplier=False)
    seen = {p for p in people if _sees(people[p], thread)}
    assert seen == {"oem_buyer", "oem_engineer", "ems_planner"}
    from accord.threads.thread_services import invite_organisation

    invite_organisation(
        actor=people.ems_planner,
        thread=thread,
        organisation_id=people["supplier_rep"].organisation_id,
    )
    seen = {p for p in people if _sees(people[p], thread)}
    assert seen == {"oem_buyer", "oem_engineer", "ems_planner", "supplier_rep"}


def test_internal_note_only_for_the_authors_organisation(people):
    thread = driver_thread(people)
    note = add_post(
        actor=people.ems_planner, thread=thread, body="Our buffer is 2 weeks", internal=True
    )
    shared = add_post(actor=people.ems_planner, thread=thread, body="Lead time is 12 weeks")
    assert list(posts_of(people.oem_buyer, thread)) == [shared]
    assert list(posts_of(people.ems_planner, thread)) == [note, shared]
    with pytest.raises(NotFound):
        get_post_for_user(people.oem_buyer, note.pk)
    with pytest.raises(NotFound):
        get_post_for_user(people.supplier_rep, note.pk)


def test_inviting_an_organisation_not_a_partner_or_by_a_supplier_is_refused(people, orgs):
    from accord.core.errors import Forbidden, InvalidInput
    from accord.threads.models import ThreadInvitation
    from accord.threads.thread_services import invite_organisation

    thread = driver_thread(people)
    before = ThreadInvitation.objects.count()
    with pytest.raises(InvalidInput, match="not a partner of program Earbuds X2"):
        invite_organisation(
            actor=people.oem_buyer, thread=thread, organisation_id=orgs["quillon"].pk
        )
    # Brightline is a partner, but none of its people may see the restricted subject.
    with pytest.raises(InvalidInput, match="no NDA in force"):
        invite_organisation(
            actor=people.oem_buyer, thread=thread, organisation_id=orgs["brightline"].pk
        )
    with pytest.raises(Forbidden):
        invite_organisation(
            actor=people.supplier_rep, thread=thread, organisation_id=orgs["meridian"].pk
        )
    assert ThreadInvitation.objects.count() == before
