"""The demo's threads (issue 14), written through the thread services as the people would act.

- Earbuds X2, the microcontroller (HAL-200-0001, the nRF5340): Halcyon's buyer asks Meridian's
  planner how many PEN1 holds against the EVT-2 builds (a mention), the planner answers, and
  Halcyon's engineer leaves an internal note on the fallback; the buyer gives the planner an
  action item, due in five days. Marked at risk.
- Earbuds X2, the balanced-armature driver (HAL-400-0001, Sunridge's part): Sunridge invited,
  the buyer asks whether the lead time holds and Sunridge's rep answers.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from accord.core.access import today
from accord.demo.personas import World
from accord.threads.actions import create_action_item
from accord.threads.models import Thread
from accord.threads.thread_services import (
    add_post,
    create_thread,
    invite_organisation,
    update_thread,
)

MCU_THREAD_TITLE = "nRF5340 allocation for the EVT-2 builds"
DRIVER_THREAD_TITLE = "Driver lead time through Q1"


def start_threads(world: World) -> tuple[Thread, Thread]:
    people, ebx2 = world.people, world.programs["EBX2"]
    buyer, planner = people["oem_buyer"], people["ems_planner"]
    with transaction.atomic():
        mcu = create_thread(
            actor=buyer,
            program=ebx2,
            subject_kind_name="part",
            subject_id=world.parts["HAL-200-0001"].pk,
            title=MCU_THREAD_TITLE,
        )
        add_post(
            actor=buyer,
            thread=mcu,
            body=f"@{planner.username} our distributor quotes 26 weeks for the nRF5340 from "
            "January. How many does PEN1 hold against the two EVT-2 builds?",
        )
        add_post(
            actor=planner,
            thread=mcu,
            body="PEN1 holds 1,150 on consignment; the two EVT-2 builds need 2,400. The first "
            "build is covered; the second needs 1,250 more by week 6.",
        )
        add_post(
            actor=people["oem_engineer"],
            thread=mcu,
            internal=True,
            body="If the allocation holds, the nRF52840 footprint is our fallback: two weeks "
            "of layout, no new certification.",
        )
        create_action_item(
            actor=buyer,
            thread=mcu,
            title="Confirm the nRF5340 buffer at PEN1 against the EVT-2 schedule",
            owner=planner.username,
            due_date=today() + dt.timedelta(days=5),
        )
        update_thread(
            actor=buyer, thread=mcu, status="at_risk", next_update=today() + dt.timedelta(days=3)
        )
        driver = create_thread(
            actor=buyer,
            program=ebx2,
            subject_kind_name="part",
            subject_id=world.parts["HAL-400-0001"].pk,
            title=DRIVER_THREAD_TITLE,
        )
        invite_organisation(actor=buyer, thread=driver, organisation_id=world.orgs["sunridge"].pk)
        add_post(
            actor=buyer,
            thread=driver,
            body="Sunridge, does the 12-week lead time on the balanced-armature drivers hold "
            "for orders placed through the end of March?",
        )
        add_post(
            actor=people["supplier_rep"],
            thread=driver,
            body="Yes: 12 weeks for orders placed by 31 March; a second winding line starts "
            "in February.",
        )
    return mcu, driver
