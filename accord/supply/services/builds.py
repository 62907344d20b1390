"""The build schedule: every change is a new version with who and when, so that forecast
accuracy and stability can be measured from the versions (issue 9's customer card).

Every change of an existing build (its quantity, its due date, retiring it) passes the flex
check of the agreement in force with the EMS that builds it (accord/agreements/flex.py): inside
the frozen window it is refused with 409 and nothing is written (nobody overrides it; the
parties amend the agreement instead); beyond its flex band it is written and a flex exception
waits for the EMS. Pages, API, CLI and demo all change builds here. New builds (scheduled
one by one or imported) are new demand, not a change, and are not checked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from accord.agreements.flex_services import enforce_flex, record_flex_exception
from accord.core.access import today
from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.numbers import plain_number
from accord.orgs.models import Person, Program
from accord.orgs.services import require_not_archived
from accord.parts.models import Bom, Part
from accord.supply.access import can_schedule_builds
from accord.supply.choices import BuildStatus, Firmness
from accord.supply.models import Build, BuildVersion, Site
from accord.supply.services.replan import replan_after
from accord.supply.services.values import quantity, text


def _version(build: Build, actor: Person, note: str) -> BuildVersion:
    return BuildVersion.objects.create(
        build=build,
        version=build.version,
        quantity=build.quantity,
        due_date=build.due_date,
        firmness=build.firmness,
        status=build.status,
        changed_by=actor,
        note=note,
    )


def _firmness(value: str) -> str:
    if value not in Firmness.values:
        raise InvalidInput(
            f"firmness: one of {', '.join(Firmness.values)}.", detail={"field": "firmness"}
        )
    return value


def schedule_build(
    *,
    actor: Person,
    program: Program,
    assembly: Part,
    quantity_due: object,
    due_date: dt.date,
    firmness: str = Firmness.FORECAST,
    site: Site | None = None,
    reference: str = "",
    note: str = "",
) -> Build:
    if not can_schedule_builds(actor, program.pk):
        raise Forbidden("Only the program's members may schedule its builds.")
    require_not_archived(program)
    if not Bom.objects.filter(program=program, assembly=assembly).exists():
        raise InvalidInput(
            f"{assembly.number} has no BOM in {program}: import or create its BOM first.",
            detail={"field": "assembly"},
        )
    amount = quantity(quantity_due, field="quantity")
    with transaction.atomic():
        build = Build.objects.create(
            program=program,
            assembly=assembly,
            site=site,
            reference=text(reference, field="reference", limit=80),
            quantity=amount,
            due_date=due_date,
            firmness=_firmness(firmness),
        )
        _version(build, actor, text(note, field="note", limit=300))
        replan_after(program_ids=[program.pk])
        record_event(
            actor=actor,
            verb="scheduled build",
            obj=build,
            program=program,
            classification=Classification.RESTRICTED,
            changes={
                "assembly": assembly.number,
                "quantity": plain_number(amount),
                "due_date": due_date.isoformat(),
                "firmness": firmness,
            },
        )
    return build


def change_build(
    *,
    actor: Person,
    build: Build,
    quantity_due: object = None,
    due_date: dt.date | None = None,
    firmness: str | None = None,
    note: str = "",
) -> Build:
    """A new version of the build with the changed figures; the earlier ones stay."""
    if not can_schedule_builds(actor, build.program_id):
        raise Forbidden("Only the program's members may change its build schedule.")
    require_not_archived(build.program)
    note = text(note, field="note", limit=300)
    with transaction.atomic():
        locked = Build.objects.select_for_update().get(pk=build.pk)
        if locked.status == BuildStatus.RETIRED:
            raise Conflict("This build is retired: schedule a new one.")
        before = {
            "quantity": locked.quantity,
            "due_date": locked.due_date,
            "firmness": locked.firmness,
        }
        new_quantity = (
            locked.quantity
            if quantity_due is None
            else quantity(quantity_due, field="quantity", allow_zero=True)
        )
        new_due = locked.due_date if due_date is None else due_date
        # The flex check of the agreement in force with the EMS: a change inside its frozen
        # window is refused (409, nothing written); one beyond its band is flagged below.
        verdict = enforce_flex(locked, new_quantity=new_quantity, new_due=new_due, today=today())
        locked.quantity, locked.due_date = new_quantity, new_due
        if firmness is not None:
            locked.firmness = _firmness(firmness)
        after = {
            "quantity": locked.quantity,
            "due_date": locked.due_date,
            "firmness": locked.firmness,
        }
        if after == before:
            raise InvalidInput("Nothing changed: give a new quantity, due date or firmness.")
        locked.version += 1
        locked.save(update_fields=["quantity", "due_date", "firmness", "version"])
        flagged = record_flex_exception(
            actor=actor, verdict=verdict, build_version=_version(locked, actor, note)
        )
        replan_after(program_ids=[locked.program_id])
        record_event(
            actor=actor,
            verb="changed build",
            obj=locked,
            program=locked.program,
            classification=Classification.RESTRICTED,
            changes={
                key: [str(before[key]), str(after[key])]
                for key in after
                if before[key] != after[key]
            }
            | {"version": locked.version, "flex check": verdict.outcome}
            | ({"flex exception": flagged.pk} if flagged else {}),
        )
    return locked


def retire_build(*, actor: Person, build: Build, note: str = "") -> Build:
    if not can_schedule_builds(actor, build.program_id):
        raise Forbidden("Only the program's members may change its build schedule.")
    note = text(note, field="note", limit=300)
    with transaction.atomic():
        locked = Build.objects.select_for_update().get(pk=build.pk)
        if locked.status == BuildStatus.RETIRED:
            raise Conflict("This build is retired already.")
        # Retiring a build takes its quantity to nothing: checked like any change.
        verdict = enforce_flex(
            locked, new_quantity=Decimal(0), new_due=locked.due_date, today=today()
        )
        locked.status = BuildStatus.RETIRED
        locked.version += 1
        locked.save(update_fields=["status", "version"])
        record_flex_exception(
            actor=actor, verdict=verdict, build_version=_version(locked, actor, note)
        )
        replan_after(program_ids=[locked.program_id])
        record_event(
            actor=actor,
            verb="retired build",
            obj=locked,
            program=locked.program,
            classification=Classification.RESTRICTED,
            changes={"version": locked.version, "note": note},
        )
    return locked
