"""Weekly check-ins: the agenda computed when one opens (and only what every participant may
see), what is recorded in the meeting, carrying open items over to next week, closing (frozen,
minutes mailed to the participants only) and the refusals."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accord.core.access import today
from accord.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from accord.core.models import Event
from accord.threads.actions import create_action_item, update_action_item
from accord.threads.checkin_access import checkins_visible_to, get_checkin_for_user
from accord.threads.checkins import (
    add_agenda_item,
    add_participant,
    close_checkin,
    current_week,
    open_checkin,
    parse_week,
    record_decision,
    remove_participant,
    update_agenda_item,
)
from accord.threads.models import AgendaItem, CheckIn, DeliveryKind, EmailDelivery
from accord.threads.sweep import run_sweep
from accord.threads.tests.checkin_world import (
    PHRM_THREAD_TITLE,
    next_week,
    open_ebx2_checkin,
    phrm_world,
)
from accord.threads.tests.mail_server import SmtpServer


def _open_phrm(people: Any, programs: Any, orgs: Any, week: str | None = None) -> CheckIn:
    return open_checkin(
        actor=people.oem_buyer,
        program=programs["PHRM"],
        partner=orgs["meridian"],
        week=week or current_week(),
    )


def _agenda(checkin: CheckIn) -> list[tuple[str, str, str]]:
    return list(
        AgendaItem.objects.filter(checkin=checkin)
        .order_by("position")
        .values_list("kind", "label", "detail")
    )


def test_the_agenda_is_computed_from_the_program_when_it_opens(
    people: Any, programs: Any, orgs: Any, parts: Any
) -> None:
    world = phrm_world(people, programs, parts)
    checkin = _open_phrm(people, programs, orgs)
    assert set(checkin.participants.values_list("person__username", flat=True)) == {
        "oem_buyer",
        "ems_planner",
        "ems_quality",
    }
    rows = AgendaItem.objects.filter(checkin=checkin).order_by("position")
    kinds = [r.kind for r in rows]
    # The agenda's order: overdue items, threads, gaps, findings (no plan, no expiring one).
    assert kinds == ["overdue_action", "thread", "gap", "finding"]
    overdue, thread, gap, finding = rows
    due = (today() - dt.timedelta(days=5)).isoformat()
    assert (overdue.ref_kind, overdue.ref_id) == ("action_item", world["overdue"].pk)
    assert overdue.label == f"Recount the U1 reel (Aisha Rahman, due {due})"
    assert overdue.detail == f"Overdue: due {due}"
    assert (thread.ref_id, thread.label, thread.waits_on) == (
        world["thread"].pk,
        PHRM_THREAD_TITLE,
        orgs["meridian"],
    )
    assert thread.detail == (
        "Waits on Meridian Electronics Manufacturing: the last shared post came from "
        "Halcyon Devices."
    )
    assert (gap.ref_kind, gap.ref_id) == ("requirement", world["requirement"].pk)
    assert gap.label == "ISO 13485 at PEN1: Missing"
    assert (finding.ref_kind, finding.ref_id, finding.restricted) == (
        "finding",
        world["finding"].pk,
        True,
    )
    assert finding.label == "Finding 1 (Major) of the audit of PEN1"
    event = Event.objects.filter(verb="opened check-in").get()
    assert event.changes["agenda_items"] == 4


def test_the_partners_certificates_expiring_within_90_days_are_on_the_agenda(
    people: Any, programs: Any, orgs: Any, parts: Any
) -> None:
    from accord.partners.tests.sample import certificate

    world = phrm_world(people, programs, parts)
    day = today()
    for standard, days in (("IATF 16949", 30), ("AS9100", 90), ("UL", 91), ("ITAR", -1)):
        certificate(
            people.ems_quality,
            world["plant"],
            standard,
            valid_until=day + dt.timedelta(days=days),
        )
    checkin = _open_phrm(people, programs, orgs)
    rows = AgendaItem.objects.filter(checkin=checkin, kind="certificate").order_by("position")
    # Within 90 days and not yet expired: the nearest first; the one past 90 days and the
    # expired one are not "expiring".
    assert [(r.label.split(" ")[0], r.detail) for r in rows] == [
        ("IATF", f"Expires {(day + dt.timedelta(days=30)).isoformat()}"),
        ("AS9100", f"Expires {(day + dt.timedelta(days=90)).isoformat()}"),
    ]
    assert [r.ref_kind for r in rows] == ["certificate", "certificate"]


def test_an_item_one_participant_may_not_see_is_left_out_of_the_shared_agenda(
    people: Any, programs: Any, orgs: Any, parts: Any
) -> None:
    from accord.threads.tests.sample import driver_thread
    from accord.threads.thread_services import add_post, create_thread

    buyer = people.oem_buyer
    driver = driver_thread(people)  # Sunridge invited
    add_post(actor=buyer, thread=driver, body="Can you hold 12 weeks?")
    mcu = create_thread(
        actor=buyer,
        program=programs["EBX2"],
        subject_kind_name="part",
        subject_id=parts["HAL-200-0001"].pk,
        title="nRF5340 allocation",
    )
    add_post(actor=buyer, thread=mcu, body="Sunridge was never invited here.")
    create_action_item(
        actor=buyer,
        thread=mcu,
        title="Check the allocation",
        owner="oem_engineer",
        due_date=today(),
    )
    sunridge = open_checkin(
        actor=buyer, program=programs["EBX2"], partner=orgs["sunridge"], week=current_week()
    )
    labels = [label for _kind, label, _detail in _agenda(sunridge)]
    # Sunridge's rep may not see the microcontroller thread nor its item: neither is shared.
    assert labels == ["Driver lead time for EVT-2"]
    # Halcyon's people alone would have seen both threads and the item.
    meridian = open_checkin(
        actor=buyer,
        program=programs["EBX2"],
        partner=orgs["meridian"],
        week=current_week(),
        participants=["oem_buyer", "oem_engineer"],
    )
    assert [kind for kind, _label, _detail in _agenda(meridian)] == [
        "due_action",
        "thread",
        "thread",
    ]
    # Adding a participant who may not see an item takes it off the shared agenda.
    add_participant(actor=buyer, checkin=meridian, username="ems_planner")
    assert len(_agenda(meridian)) == 3  # Meridian's planner sees both (NDA in force)


def test_what_is_recorded_in_the_meeting(people: Any, programs: Any, orgs: Any, parts: Any) -> None:
    checkin = _open_phrm(people, programs, orgs)
    buyer = people.oem_buyer
    line = add_agenda_item(actor=buyer, checkin=checkin, text="Pilot build date")
    update_agenda_item(actor=people.ems_planner, item=line, note="Moves to week 3.")
    decision = record_decision(actor=buyer, checkin=checkin, text="Pilot build in week 3.")
    item = create_action_item(
        actor=buyer,
        checkin=checkin,
        title="Confirm the line booking",
        owner="ems_quality",
        due_date=today() + dt.timedelta(days=3),
    )
    line.refresh_from_db()
    assert (line.kind, line.note, line.added_by) == ("manual", "Moves to week 3.", buyer)
    assert decision.text == "Pilot build in week 3."
    assert (item.source_kind, item.source_id, item.thread) == ("checkin", checkin.pk, None)
    verbs = list(Event.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs[-4:] == [
        "added check-in agenda item",
        "changed check-in agenda item",
        "recorded decision",
        "added action item",
    ]
    # The owner is told, and sees the item through its check-in.
    from accord.threads.access import action_items_visible_to

    assert action_items_visible_to(people.ems_quality).filter(pk=item.pk).exists()
    assert not action_items_visible_to(people.kestrel_rep).filter(pk=item.pk).exists()


def test_bad_input_is_refused_cleanly(people: Any, programs: Any, orgs: Any) -> None:
    buyer = people.oem_buyer
    for week in ("2026-48", "2026-W54", "W48", "", "2026-W00"):
        with pytest.raises(InvalidInput, match="week"):
            parse_week(week)
    assert parse_week("2026-w48") == "2026-W48"
    checkin = _open_phrm(people, programs, orgs)
    with pytest.raises(Conflict):
        _open_phrm(people, programs, orgs)
    with pytest.raises(InvalidInput, match="text"):
        add_agenda_item(actor=buyer, checkin=checkin, text="  ")
    with pytest.raises(InvalidInput, match="text"):
        add_agenda_item(actor=buyer, checkin=checkin, text="x" * 301)
    with pytest.raises(InvalidInput, match="text"):
        record_decision(actor=buyer, checkin=checkin, text="")
    with pytest.raises(InvalidInput, match="due_date"):
        create_action_item(
            actor=buyer,
            checkin=checkin,
            title="Late",
            owner="ems_planner",
            due_date=today() - dt.timedelta(days=2),
        )
    # Kestrel's rep is on the program but not in this check-in; an outsider is on nothing.
    for owner in ("kestrel_rep", "outsider", "nobody"):
        with pytest.raises(InvalidInput, match="owner"):
            create_action_item(
                actor=buyer,
                checkin=checkin,
                title="Ineligible",
                owner=owner,
                due_date=today() + dt.timedelta(days=2),
            )
    with pytest.raises(InvalidInput, match="participants"):
        add_participant(actor=buyer, checkin=checkin, username="kestrel_rep")
    # A partner's people hold their own check-ins only.
    with pytest.raises(Forbidden):
        open_checkin(
            actor=people.kestrel_rep,
            program=programs["PHRM"],
            partner=orgs["meridian"],
            week=current_week(),
        )
    with pytest.raises(InvalidInput, match="partner"):
        open_checkin(
            actor=buyer, program=programs["PHRM"], partner=orgs["halcyon"], week=current_week()
        )


def test_open_items_reappear_next_week(people: Any, programs: Any, orgs: Any) -> None:
    buyer = people.oem_buyer
    first = _open_phrm(people, programs, orgs)
    kept = add_agenda_item(actor=buyer, checkin=first, text="Pilot build date")
    settled = add_agenda_item(actor=buyer, checkin=first, text="Test fixture")
    update_agenda_item(actor=buyer, item=settled, resolved=True)
    open_item = create_action_item(
        actor=buyer,
        checkin=first,
        title="Confirm the line booking",
        owner="ems_planner",
        due_date=today() + dt.timedelta(days=30),
    )
    done = create_action_item(
        actor=buyer,
        checkin=first,
        title="Send the drawings",
        owner="ems_planner",
        due_date=today() + dt.timedelta(days=30),
    )
    update_action_item(actor=buyer, item=done, status="done")
    close_checkin(actor=buyer, checkin=first)
    second = _open_phrm(people, programs, orgs, week=next_week(first.week))
    assert second.carried_from == first
    carried = [(k, label, d) for k, label, d in _agenda(second) if "Carried" in d]
    assert carried == [
        (
            "carried_action",
            f"Confirm the line booking (Aisha Rahman, due {open_item.due_date.isoformat()})",
            f"Carried over from {first.week}",
        ),
        ("manual", kept.label, f"Carried over from {first.week}"),
    ]
    assert AgendaItem.objects.get(checkin=second, kind="manual").carried_from_week == first.week


def test_closing_freezes_and_queues_the_minutes_for_the_participants_only(
    people: Any,
    programs: Any,
    orgs: Any,
    parts: Any,
    smtp: SmtpServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    phrm_world(people, programs, parts)
    buyer = people.oem_buyer
    checkin = _open_phrm(people, programs, orgs)
    remove_participant(actor=buyer, checkin=checkin, person_id=people.ems_quality.pk)
    line = add_agenda_item(actor=buyer, checkin=checkin, text="Pilot build date")
    record_decision(actor=buyer, checkin=checkin, text="Pilot build in week 3.")
    now = timezone.now()
    close_checkin(actor=buyer, checkin=checkin, now=now)
    queued = EmailDelivery.objects.filter(kind=DeliveryKind.MINUTES)
    assert set(queued.values_list("recipient__username", flat=True)) == {
        "oem_buyer",
        "ems_planner",
    }
    assert smtp.inbox.messages == []  # nothing is sent in the request
    # Frozen: every write answers 409, closing twice too.
    with pytest.raises(Conflict):
        add_agenda_item(actor=buyer, checkin=checkin, text="Late")
    with pytest.raises(Conflict):
        record_decision(actor=buyer, checkin=checkin, text="Late")
    with pytest.raises(Conflict):
        update_agenda_item(actor=buyer, item=line, note="Late")
    with pytest.raises(Conflict):
        add_participant(actor=buyer, checkin=checkin, username="ems_quality")
    with pytest.raises(Conflict):
        create_action_item(
            actor=buyer,
            checkin=checkin,
            title="Late",
            owner="ems_planner",
            due_date=today() + dt.timedelta(days=3),
        )
    with pytest.raises(Conflict):
        close_checkin(actor=buyer, checkin=checkin)
    with django_capture_on_commit_callbacks(execute=True):
        run_sweep(now + dt.timedelta(minutes=1))
    assert set(queued.values_list("status", flat=True)) == {"sent"}
    week = checkin.week
    subject = (
        f"Accord: minutes of the Pulse HRM check-in with Meridian Electronics Manufacturing, {week}"
    )
    minutes = {a: m for rcpt, m in smtp.inbox.messages if m["Subject"] == subject for a in rcpt}
    assert set(minutes) == {people.oem_buyer.email, people.ems_planner.email}
    for name in ("ems_quality", "other_oem_user", "outsider", "nda_expired_partner"):
        assert smtp.inbox.to(people[name].email) == []
    message = minutes[people.ems_planner.email]
    body = message.get_content()
    assert "- Pilot build date" in body
    assert "- Pilot build in week 3." in body
    # The finding is restricted data: a link, never its text.
    assert "Finding 1" not in body
    assert "A restricted item (open audit finding)" in body
    assert f"/checkins/{checkin.pk}/" in body
    # A second sweep sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        run_sweep(now + dt.timedelta(minutes=2))
    assert len([m for _, m in smtp.inbox.messages if m["Subject"] == subject]) == 2


def test_only_the_two_organisations_members_see_a_checkin(
    people: Any, programs: Any, orgs: Any
) -> None:
    checkin = open_ebx2_checkin(people)
    seers = {name for name in people if checkins_visible_to(people[name]).exists()}
    assert seers == {"oem_buyer", "oem_engineer", "ems_planner"}
    for name in ("supplier_rep", "ems_quality", "nda_expired_partner", "outsider"):
        with pytest.raises(NotFound):
            get_checkin_for_user(people[name], checkin.pk)
