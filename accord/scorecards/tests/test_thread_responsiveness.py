"""Responsiveness from threads, both ways, computed by hand (SLA 24 hours, October 2026).

Halcyon asks Meridian in the driver thread (Earbuds X2), which counts on Halcyon's card of its
suppliers; Meridian asks Halcyon in the nRF5340 thread, which counts on Meridian's card of its
customers. Internal notes never count, one post mentioning two organisations asks each once,
an action item is answered by a shared post or by its owner's side closing it, and an item
the asking side cancels unanswered is withdrawn (not counted).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from accord.scorecards.choices import Direction, Metric
from accord.scorecards.drill import drill
from accord.scorecards.models import MetricMonth
from accord.scorecards.services import compute_cards, rules_of, save_template, template_of
from accord.threads.actions import create_action_item, update_action_item
from accord.threads.models import ActionItem
from accord.threads.queries import CUSTOMER, SUPPLIER, thread_questions
from accord.threads.tests.sample import driver_thread, nordic_threads
from accord.threads.thread_services import add_post

OCT = dt.date(2026, 10, 1)
AS_OF = dt.datetime(2026, 11, 15, 12, tzinfo=dt.UTC)


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, tzinfo=dt.UTC)


def started(actor: Any, organisation: Any, direction: str) -> Any:
    """The organisation's default rules for the direction, answered within 24 hours."""
    defaults = template_of(organisation, direction)
    rules = {**rules_of(defaults), "response_sla_hours": 24}
    return save_template(actor=actor, template=defaults, **rules)


@pytest.fixture
def october(people: Any) -> dict[str, Any]:
    buyer, engineer, planner = people.oem_buyer, people.oem_engineer, people.ems_planner
    driver = driver_thread(people)  # Sunridge invited
    nordic, _rover = nordic_threads(people)

    # The driver thread: Halcyon asks Meridian (and once Sunridge).
    # Mon 10-05 08:00 Meridian asks Sunridge: Meridian's own question, not Halcyon's.
    add_post(actor=planner, thread=driver, body="@supplier_rep lot codes?", now=at(5, 8))
    # Q1 Mon 09:00: one post, two organisations asked: Meridian and Sunridge.
    add_post(actor=buyer, thread=driver, body="@ems_planner @supplier_rep EVT dates?", now=at(5, 9))
    # 10:00 a Meridian internal note (no answer); 15:00 its shared answer: 6 hours.
    add_post(actor=planner, thread=driver, body="Ask purchasing.", internal=True, now=at(5, 10))
    add_post(actor=planner, thread=driver, body="EVT on the 20th.", now=at(5, 15))
    # Q2 Tue 10-06 10:00, answered Wed 10-07 16:00: 30 hours.
    add_post(actor=buyer, thread=driver, body="@ems_planner and the DVT?", now=at(6, 10))
    add_post(actor=planner, thread=driver, body="DVT in November.", now=at(7, 16))
    # Q3 Thu 10-08 08:00, an action item for Meridian's planner, marked done by her at
    # 20:00 without a post: 12 hours.
    item = create_action_item(
        actor=buyer,
        thread=driver,
        title="Send the EVT build plan",
        owner="ems_planner",
        due_date=dt.date(2026, 10, 12),
        now=at(8, 8),
    )
    update_action_item(actor=planner, item=item, status="done", now=at(8, 20))
    # Q4 Fri 10-09 09:00, never answered: 891 hours by 11-15 12:00 (37 days and 3 hours).
    add_post(actor=buyer, thread=driver, body="@ems_planner the yield report?", now=at(9, 9))

    # The nRF5340 thread: Meridian asks Halcyon.
    # R1 Mon 10-12 09:00, two Halcyon people in one post: one question; a Halcyon internal
    # note at 10:00 is no answer; Tomas answers at 13:00: 4 hours.
    add_post(
        actor=planner, thread=nordic, body="@oem_buyer @oem_engineer allocation?", now=at(12, 9)
    )
    add_post(actor=engineer, thread=nordic, body="Check with Maya.", internal=True, now=at(12, 10))
    add_post(actor=engineer, thread=nordic, body="Allocation confirmed.", now=at(12, 13))
    # R2 Tue 10-13 09:00, an action item for Halcyon's buyer, answered by her shared post on
    # Wed 10-14 11:00 (26 hours); she marks it done later, which changes nothing.
    answered_item = create_action_item(
        actor=planner,
        thread=nordic,
        title="Approve the second source",
        owner="oem_buyer",
        due_date=dt.date(2026, 10, 20),
        now=at(13, 9),
    )
    add_post(actor=buyer, thread=nordic, body="Approved.", now=at(14, 11))
    update_action_item(actor=buyer, item=answered_item, status="done", now=at(15, 9))
    # R3 Fri 10-16 09:00, an item Meridian cancels itself at 10:00 before any answer: withdrawn.
    withdrawn = create_action_item(
        actor=planner,
        thread=nordic,
        title="Sign the allocation letter",
        owner="oem_buyer",
        due_date=dt.date(2026, 10, 30),
        now=at(16, 9),
    )
    update_action_item(actor=planner, item=withdrawn, status="cancelled", now=at(16, 10))
    return {"driver": driver, "nordic": nordic}


def values(template: Any, rated: Any) -> dict[str, tuple[float, float, float]]:
    return {
        m.metric: (m.numerator, m.denominator, m.value)
        for m in MetricMonth.objects.filter(template=template, rated=rated, month=OCT)
    }


def test_the_suppliers_answers_on_the_buyers_card(october, people, orgs):
    template = started(people.oem_buyer, orgs["halcyon"], Direction.SUPPLIERS)
    compute_cards(template, as_of=AS_OF)
    meridian = values(template, orgs["meridian"])
    # Hours 6, 30, 12 and 891 (unanswered past the SLA: missed). Sorted 6, 12, 30, 891:
    # median (12 + 30) / 2 = 21; within 24 hours: 6 and 12, 2 of 4 = 50%.
    assert meridian[Metric.RESPONSE_MEDIAN] == (21.0, 4.0, 21.0)
    assert meridian[Metric.RESPONSE_SLA] == (2.0, 4.0, 50.0)
    # Sunridge was asked once (Q1, with Meridian) and never answered: 987 hours, missed.
    # Meridian's own question to Sunridge is on Meridian's cards, not Halcyon's.
    sunridge = values(template, orgs["sunridge"])
    assert sunridge[Metric.RESPONSE_MEDIAN] == (987.0, 1.0, 987.0)
    assert sunridge[Metric.RESPONSE_SLA] == (0.0, 1.0, 0.0)
    # Halcyon's answers to Meridian are on Meridian's card of its customers, not here.
    assert not MetricMonth.objects.filter(template=template, rated=orgs["halcyon"]).exists()


def test_the_buyers_answers_on_the_partners_card_of_its_customers(october, people, orgs):
    template = started(people.ems_planner, orgs["meridian"], Direction.CUSTOMERS)
    compute_cards(template, as_of=AS_OF)
    halcyon = values(template, orgs["halcyon"])
    # R1 4 hours, R2 26 hours, R3 withdrawn: median (4 + 26) / 2 = 15; within 24 hours 1 of 2.
    assert halcyon[Metric.RESPONSE_MEDIAN] == (15.0, 2.0, 15.0)
    assert halcyon[Metric.RESPONSE_SLA] == (1.0, 2.0, 50.0)
    # Shown on the card, not weighed by default: the month's score is the other metrics'.
    assert (
        MetricMonth.objects.get(
            template=template, rated=orgs["halcyon"], month=OCT, metric=Metric.RESPONSE_SLA
        ).score
        is None
    )


def test_who_asks_whom(october, orgs):
    """Each organisation's questions, as the query answers them: the relation decides the
    card."""
    halcyon = thread_questions(orgs["halcyon"].pk)
    assert sorted(zip(halcyon["rated_id"], halcyon["relation"], strict=True)) == sorted(
        [(orgs["meridian"].pk, SUPPLIER)] * 4 + [(orgs["sunridge"].pk, SUPPLIER)]
    )
    meridian = thread_questions(orgs["meridian"].pk)
    assert sorted(zip(meridian["rated_id"], meridian["relation"], strict=True)) == sorted(
        [(orgs["halcyon"].pk, CUSTOMER)] * 3 + [(orgs["sunridge"].pk, SUPPLIER)]
    )
    assert meridian["withdrawn"].sum() == 1
    # Sunridge asked nothing; its unanswered question from Meridian is Meridian's to count.
    assert thread_questions(orgs["sunridge"].pk).is_empty()


def test_the_rows_behind_the_number(october, people, orgs, client_for):
    template = started(people.oem_buyer, orgs["halcyon"], Direction.SUPPLIERS)
    compute_cards(template, as_of=AS_OF)
    found = drill(people.oem_buyer, template, orgs["meridian"].pk, OCT, Metric.RESPONSE_SLA)
    assert found is not None and found.hidden == 0
    assert [(row[0], row[4], row[5]) for row in found.rows] == [
        ("Mention in a shared post", "6.0", "yes"),
        ("Mention in a shared post", "30.0", "no"),
        ("Action item: Send the EVT build plan", "12.0", "yes"),
        (
            "Mention in a shared post",
            found.rows[3][4],
            "no (unanswered past the SLA: missed)",
        ),
    ]
    assert found.rows[3][3] == "not yet" and found.rows[0][1] == "Driver lead time for EVT-2"
    # Meridian's quality engineer sees Meridian's card but not the Earbuds X2 thread: the rows
    # are counted, never shown.
    hidden = drill(people.ems_quality, template, orgs["meridian"].pk, OCT, Metric.RESPONSE_SLA)
    assert hidden is not None and (hidden.rows, hidden.hidden) == ([], 4)
    page = client_for("ems_planner").get(
        f"/scorecards/{template.pk}/{orgs['meridian'].pk}/2026-10/{Metric.RESPONSE_SLA}/"
    )
    assert page.status_code == 200
    assert "Send the EVT build plan" in page.content.decode()


def test_the_withdrawn_item_is_shown_but_not_counted(october, people, orgs):
    template = started(people.ems_planner, orgs["meridian"], Direction.CUSTOMERS)
    compute_cards(template, as_of=AS_OF)
    found = drill(people.ems_planner, template, orgs["halcyon"].pk, OCT, Metric.RESPONSE_MEDIAN)
    assert found is not None
    assert [(row[0], row[4], row[5]) for row in found.rows] == [
        ("Mention in a shared post", "4.0", "yes"),
        ("Action item: Approve the second source", "26.0", "no"),
        (
            "Action item: Sign the allocation letter",
            "",
            "withdrawn by the asking side (not counted)",
        ),
    ]


def test_an_answer_refreshes_the_askers_open_month(
    people, orgs, django_capture_on_commit_callbacks
):
    template = started(people.oem_buyer, orgs["halcyon"], Direction.SUPPLIERS)
    driver = driver_thread(people)
    now = timezone.now()
    asked = now - dt.timedelta(hours=3)
    add_post(actor=people.oem_buyer, thread=driver, body="@ems_planner ETA?", now=asked)
    with django_capture_on_commit_callbacks(execute=True):
        add_post(actor=people.ems_planner, thread=driver, body="Friday.", now=now)
    found = MetricMonth.objects.get(
        template=template,
        rated=orgs["meridian"],
        month=asked.date().replace(day=1),
        metric=Metric.RESPONSE_MEDIAN,
    )
    assert (found.denominator, found.value) == (1.0, pytest.approx(3.0))


def test_an_item_without_a_thread_is_answered_by_its_owners_side_closing_it(people, programs, orgs):
    """Items from a check-in or a finding have no thread (none is written by the services yet:
    made here as they will be): the owner's side closing one answers it; the asking side
    closing one withdraws it."""
    common = {
        "program": programs["EBX2"],
        "source_kind": "checkin",
        "source_id": 1,
        "title": "Bring the build plan",
        "owner": people.ems_planner,
        "due_date": dt.date(2026, 10, 23),
        "created_by": people.oem_buyer,
        "created_at": at(20, 9),
        "status": "done",
    }
    done = ActionItem.objects.create(**common, closed_at=at(21, 9), closed_by=people.ems_planner)
    dropped = ActionItem.objects.create(**common, closed_at=at(20, 10), closed_by=people.oem_buyer)
    found = thread_questions(orgs["halcyon"].pk, orgs["meridian"].pk)
    rows = {row["question_id"]: row for row in found.iter_rows(named=True)}
    assert rows[done.pk]["answered_at"] == at(21, 9) and not rows[done.pk]["withdrawn"]
    assert rows[dropped.pk]["answered_at"] is None and rows[dropped.pk]["withdrawn"]
    assert rows[done.pk]["thread_id"] is None and rows[done.pk]["relation"] == SUPPLIER
