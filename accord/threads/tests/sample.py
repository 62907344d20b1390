"""Threads for the app's tests and the access matrices.

- The driver thread: Earbuds X2, about HAL-400-0001 (the balanced-armature driver, restricted
  data, Sunridge's MPN), opened by Halcyon's buyer; Sunridge invited unless told otherwise.
  Seen by Halcyon's two, Meridian's planner (NDA in force) and Sunridge's rep (invited, NDA
  in force); not by Brightline (lapsed NDA), Meridian's quality engineer (not on EBX2),
  Roverly or Quillon.
- One MPN in two programs: the nRF5340 (NRF5340-QKAA-R7) is an approved source of Halcyon's
  HAL-200-0001 (Earbuds X2) and, here, of Roverly's RVC-200-0001 (Rover Controller): a thread
  about each source, each in its own program.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accord.parts.choices import SourceStatus
from accord.parts.models import ApprovedSource, Part
from accord.threads.models import Thread

PDF = b"%PDF-1.7\n% thread attachment\n%%EOF\n"


def driver_thread(people: Any, *, invite_supplier: bool = True) -> Thread:
    from accord.orgs.models import Program
    from accord.threads.thread_services import create_thread, invite_organisation

    program = Program.objects.get(code="EBX2")
    part = Part.objects.get(number="HAL-400-0001")
    found = Thread.objects.filter(program=program, subject_kind="part", subject_id=part.pk).first()
    if found is not None:
        return found
    thread = create_thread(
        actor=people["oem_buyer"],
        program=program,
        subject_kind_name="part",
        subject_id=part.pk,
        title="Driver lead time for EVT-2",
    )
    if invite_supplier:
        invite_organisation(
            actor=people["oem_buyer"],
            thread=thread,
            organisation_id=people["supplier_rep"].organisation_id,
        )
    return thread


def nordic_threads(people: Any) -> tuple[Thread, Thread]:
    """The EBX2 and RVC threads about the same MPN's approved sources."""
    from accord.orgs.models import Program
    from accord.parts.services import add_approved_source
    from accord.threads.thread_services import create_thread

    ebx2 = Program.objects.get(code="EBX2")
    rvc = Program.objects.get(code="RVC")
    halcyon_source = ApprovedSource.objects.get(
        part__number="HAL-200-0001", manufacturer_part__mpn="NRF5340-QKAA-R7"
    )
    rover_part = Part.objects.get(number="RVC-200-0001")
    with transaction.atomic():
        rover_source = ApprovedSource.objects.filter(
            part=rover_part, manufacturer_part__mpn="NRF5340-QKAA-R7"
        ).first() or add_approved_source(
            actor=people["other_oem_user"],
            part=rover_part,
            manufacturer="Nordic Semiconductor",
            mpn="NRF5340-QKAA-R7",
            status=SourceStatus.APPROVED,
        )
    first = create_thread(
        actor=people["oem_buyer"],
        program=ebx2,
        subject_kind_name="source",
        subject_id=halcyon_source.pk,
        title="nRF5340 allocation",
    )
    second = create_thread(
        actor=people["other_oem_user"],
        program=rvc,
        subject_kind_name="source",
        subject_id=rover_source.pk,
        title="nRF5340 allocation (Rover)",
    )
    return first, second


def matrix_world(people: Any) -> dict[str, Any]:
    """The access matrices' world: the driver thread (Sunridge invited), a shared post of
    Halcyon's buyer with a PDF, and an action item he gave Meridian's planner (due in 30 days)."""
    import datetime as dt

    from django.utils import timezone

    from accord.scorecards.attachments import AttachedFile
    from accord.threads.actions import create_action_item
    from accord.threads.thread_services import add_post

    thread = driver_thread(people)
    post = add_post(
        actor=people["oem_buyer"],
        thread=thread,
        body="Sunridge, can you hold 12 weeks?",
        files=[AttachedFile.checked(PDF, "forecast.pdf")],
    )
    item = create_action_item(
        actor=people["oem_buyer"],
        thread=thread,
        title="Matrix item",
        owner="ems_planner",
        due_date=timezone.now().date() + dt.timedelta(days=30),
    )
    return {
        "thread": thread,
        "post": post,
        "attachment": post.attachments.get(),
        "item": item,
        "program": thread.program,
    }
