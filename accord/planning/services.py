"""Making a plan and keeping it: netting and clear-to-build of a program as one person sees it,
stored for the shortage board (models.py), and refreshed when supply changes."""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Iterable
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.db import insert_rows
from accord.core.errors import InvalidInput, NotFound
from accord.core.events import record_event
from accord.core.text import checked_text
from accord.orgs.models import Organisation, Person, Program
from accord.parts.choices import SourceStatus
from accord.parts.models import ApprovedSource, ManufacturerPart, Part
from accord.planning.access import RISK_OWNER_REFUSED, programs_for_planning
from accord.planning.choices import RiskKind
from accord.planning.inputs import DEFAULT_HORIZON_WEEKS, PlanningData, load_planning_data
from accord.planning.models import (
    BuildClearance,
    ForecastLine,
    ForecastShare,
    PartPlan,
    PartRisk,
    PlanRun,
    RiskOwner,
)
from accord.planning.netting import (
    MAX_HORIZON_WEEKS,
    ClearToBuild,
    NettingResult,
    clear_to_build,
    net,
)
from accord.planning.risks import find_risks


def _week_or_none(week: int) -> int | None:
    return int(week) if week >= 0 else None


def plan_program(
    person: Person, program: Program, *, horizon: int, today: dt.date
) -> tuple[PlanningData, NettingResult, ClearToBuild]:
    """Plan without storing: read as the person sees it, net, clear-to-build."""
    data = load_planning_data(person, program, today=today, horizon=horizon)
    result = net(data.inp)
    return data, result, clear_to_build(data.inp, result)


def refresh_plan(
    *,
    actor: Person | None,
    person: Person,
    program: Program,
    horizon: int = DEFAULT_HORIZON_WEEKS,
    today: dt.date | None = None,
) -> PlanRun:
    """Plan the program as `person` sees it and store the result in place of their last one.
    `actor`: who asked (None for the background refresh after a change of supply)."""
    if not 1 <= horizon <= MAX_HORIZON_WEEKS:
        raise InvalidInput(
            f"horizon: 1 to {MAX_HORIZON_WEEKS} weeks (got {horizon}).", detail={"field": "horizon"}
        )
    if not programs_for_planning(person).filter(pk=program.pk).exists():
        raise InvalidInput(f"{person} may not plan {program}.")
    started = time.perf_counter()
    day = today or timezone.localdate()
    data, result, ctb = plan_program(person, program, horizon=horizon, today=day)
    duration_ms = int((time.perf_counter() - started) * 1000)
    with transaction.atomic():
        run, _ = PlanRun.objects.select_for_update().get_or_create(
            program=program,
            person=person,
            defaults={"week_start": data.start, "horizon": horizon, "computed_at": timezone.now()},
        )
        run.parts.all().delete()
        run.builds.all().delete()
        run.risks.all().delete()
        run.week_start, run.horizon, run.computed_at = data.start, horizon, timezone.now()
        run.duration_ms, run.part_count = duration_ms, data.inp.part_count
        run.build_count = len(data.build_ids)
        run.short_count = int((result.first_shortage_week >= 0).sum())
        run.partner_stock = {str(holder): rows for holder, rows in data.partner_stock_rows.items()}
        run.save()
        insert_rows(PartPlan, PART_PLAN_COLUMNS, _part_rows(run, data, result))
        insert_rows(
            BuildClearance, ["run", "build", "buildable", "limiting"], _build_rows(run, data, ctb)
        )
        risks = find_risks(person, data, result)
        insert_rows(
            PartRisk,
            ["run", "part", "kind", "severity", "detail"],
            ((run.pk, r.part_id, r.kind, r.severity, r.detail[:500]) for r in risks),
        )
        record_event(
            actor=actor,
            verb="refreshed plan",
            obj=run,
            program=program,
            organisation=person.organisation,
            classification=Classification.INTERNAL,
            changes={
                "parts": run.part_count,
                "short": run.short_count,
                "builds": run.build_count,
                "risks": len(risks),
                "horizon": horizon,
                "ms": duration_ms,
            },
        )
    return run


PART_PLAN_COLUMNS = [
    "run",
    "part",
    "purchased",
    "consigned",
    "level",
    "lead_time_weeks",
    "on_hand",
    "safety_stock",
    "first_shortage_week",
    "below_safety_week",
    "quantity_short",
    "weeks_of_cover",
    "gross",
    "receipts",
    "projected",
    "planned_orders",
]


def _rounded(values: np.ndarray) -> list[Any]:
    """Six decimals (finer than any stored quantity, four) keep the JSON short; rounded as
    whole arrays, not number by number."""
    return list(np.round(values, 6).tolist())


def _part_rows(
    run: PlanRun, data: PlanningData, result: NettingResult
) -> Iterable[tuple[Any, ...]]:
    inp = data.inp
    weekly = zip(
        _rounded(result.gross),
        _rounded(result.receipts),
        _rounded(result.projected),
        _rounded(result.planned_orders),
        strict=True,
    )
    scalars = zip(
        data.part_ids.tolist(),
        data.purchased.tolist(),
        data.consigned.tolist(),
        result.low_level_code.tolist(),
        inp.lead_time_weeks.tolist(),
        inp.on_hand.tolist(),
        inp.safety_stock.tolist(),
        result.first_shortage_week.tolist(),
        result.below_safety_week.tolist(),
        result.quantity_short.tolist(),
        result.weeks_of_cover.tolist(),
        strict=True,
    )
    for (
        part,
        bought,
        consigned,
        level,
        lead,
        on_hand,
        safety,
        short,
        low,
        by,
        cover,
    ), series in zip(scalars, weekly, strict=True):
        yield (
            run.pk,
            part,
            bought,
            consigned,
            level,
            lead,
            on_hand,
            safety,
            _week_or_none(short),
            _week_or_none(low),
            by,
            cover,
            *series,
        )


def _build_rows(run: PlanRun, data: PlanningData, ctb: ClearToBuild) -> Iterable[tuple[Any, ...]]:
    parts = data.part_ids[ctb.limiting_parts].tolist()
    shorts = _rounded(ctb.shortfall)
    offsets = ctb.limiting_offsets.tolist()
    for row, (build_id, buildable) in enumerate(
        zip(data.build_ids.tolist(), ctb.buildable.tolist(), strict=True)
    ):
        start, end = offsets[row], offsets[row + 1]
        limiting = [
            {"part": part, "short": short}
            for part, short in zip(parts[start:end], shorts[start:end], strict=True)
        ]
        yield (run.pk, build_id, None if math.isnan(buildable) else buildable, limiting)


def refresh_plans_of(*, program_ids: Iterable[int] = (), part_ids: Iterable[int] = ()) -> int:
    """Plan again every stored plan of these programs, or counting these parts (after a
    delivery, an order change, a stock move or a build change). Returns how many."""
    programs, parts = set(program_ids), set(part_ids)
    runs = PlanRun.objects.none()
    if programs:
        runs = runs | PlanRun.objects.filter(program_id__in=programs)
    if parts:
        runs = runs | PlanRun.objects.filter(
            pk__in=PartPlan.objects.filter(part_id__in=parts).values("run_id")
        )
    count = 0
    for run in runs.select_related("program", "person__organisation").distinct():
        if programs_for_planning(run.person).filter(pk=run.program_id).exists():
            refresh_plan(actor=None, person=run.person, program=run.program, horizon=run.horizon)
            count += 1
        else:  # the person may no longer plan it (membership ended, NDA lapsed): drop it
            with transaction.atomic():
                record_event(
                    actor=None,
                    verb="dropped plan",
                    obj=run,
                    program=run.program,
                    classification=Classification.INTERNAL,
                )
                run.delete()
    return count


def assign_risk_owner(
    *, actor: Person, program: Program, part: Part, kind: str, owner: Person, note: str = ""
) -> RiskOwner:
    """Name who on the program owns a risk; it stays with the risk from plan to plan."""
    from accord.orgs.access import members_visible_to

    if not programs_for_planning(actor).filter(pk=program.pk).exists():
        raise NotFound()
    if kind not in RiskKind.values:
        raise InvalidInput(f"kind: one of {', '.join(RiskKind.values)}.", detail={"field": "kind"})
    if not members_visible_to(actor, program).filter(person=owner).exists() or not (
        programs_for_planning(owner).filter(pk=program.pk).exists()
    ):
        raise InvalidInput(RISK_OWNER_REFUSED, detail={"field": "owner"})
    note = checked_text((note or "").strip(), field="note")[:300]
    with transaction.atomic():
        assigned, _ = RiskOwner.objects.update_or_create(
            program=program,
            part=part,
            kind=kind,
            defaults={"owner": owner, "note": note, "assigned_by": actor},
        )
        record_event(
            actor=actor,
            verb="assigned risk owner",
            obj=program,
            program=program,
            classification=Classification.PROGRAM,
            subject_organisation=owner.organisation,
            changes={"part": part.number, "kind": kind, "owner": owner.username, "note": note},
        )
    return assigned


def propose_alternate(
    *,
    actor: Person,
    program: Program,
    part: Part,
    manufacturer_part: ManufacturerPart,
    note: str = "",
) -> ApprovedSource:
    """A pending approved source for the part, proposed from the plan: the part's owner
    approves or rejects it on the part's page; nothing is used before that."""
    from accord.parts.access import manufacturer_parts_visible_to
    from accord.parts.services import add_approved_source

    if not programs_for_planning(actor).filter(pk=program.pk).exists():
        raise NotFound()
    if not manufacturer_parts_visible_to(actor).filter(pk=manufacturer_part.pk).exists():
        raise NotFound()
    note = checked_text((note or "").strip(), field="note")[:300]
    said = f"Proposed by {actor} ({actor.organisation}) from the plan of {program.code}"
    with transaction.atomic():
        source = add_approved_source(
            actor=actor,
            part=part,
            manufacturer=manufacturer_part.manufacturer.name,
            mpn=manufacturer_part.mpn,
            status=SourceStatus.PENDING,
            notes=f"{said}: {note}" if note else f"{said}.",
        )
        ApprovedSource.objects.filter(pk=source.pk).update(
            proposed_by_organisation=actor.organisation, proposed_at=timezone.now()
        )
        record_event(
            actor=actor,
            verb="proposed alternate",
            obj=part,
            program=program,
            classification=Classification.PROGRAM,
            subject_organisation=part.owner,
            changes={
                "mpn": manufacturer_part.mpn,
                "manufacturer": manufacturer_part.manufacturer.name,
                "note": note,
            },
        )
    return source


def share_forecast(
    *,
    actor: Person,
    program: Program,
    supplier: Organisation,
    horizon: int = DEFAULT_HORIZON_WEEKS,
    note: str = "",
) -> ForecastShare:
    """Share with a supplier of the program what the actor's plan needs of the supplier's parts
    (those it supplies or makes on their approved lists), week by week; only that."""
    from django.db.models import Q

    from accord.orgs.choices import OrganisationKind
    from accord.orgs.models import ProgramPartner

    if not programs_for_planning(actor).filter(pk=program.pk).exists():
        raise NotFound()
    if supplier.kind not in OrganisationKind.sellers() or not (
        ProgramPartner.objects.filter(program=program, organisation=supplier).exists()
    ):
        raise InvalidInput(
            "supplier: choose a supplier or distributor taking part in the program.",
            detail={"field": "supplier"},
        )
    note = checked_text((note or "").strip(), field="note")[:300]
    buyer = actor.organisation
    assert buyer is not None  # programs_for_planning admits people of an organisation only
    run = refresh_plan(actor=actor, person=actor, program=program, horizon=horizon)
    planned = PartPlan.objects.filter(run=run)
    mpns: dict[int, set[str]] = {}
    for part_id, mpn in (
        ApprovedSource.objects.filter(
            part_id__in=planned.values("part_id"), status=SourceStatus.APPROVED
        )
        .filter(Q(supplier=supplier) | Q(manufacturer_part__manufacturer__organisation=supplier))
        .values_list("part_id", "manufacturer_part__mpn")
    ):
        mpns.setdefault(part_id, set()).add(mpn)
    with transaction.atomic():
        share = ForecastShare.objects.create(
            program=program,
            buyer=buyer,
            supplier=supplier,
            shared_by=actor,
            week_start=run.week_start,
            horizon=run.horizon,
            note=note,
        )
        insert_rows(
            ForecastLine,
            ["share", "part", "mpns", "quantities"],
            (
                (share.pk, part_id, ", ".join(sorted(mpns[part_id]))[:500], gross)
                for part_id, gross in planned.filter(part_id__in=list(mpns)).values_list(
                    "part_id", "gross"
                )
            ),
        )
        record_event(
            actor=actor,
            verb="shared forecast",
            obj=share,
            program=program,
            classification=Classification.RESTRICTED,
            subject_organisation=supplier,
            changes={"supplier": supplier.name, "parts": len(mpns), "horizon": run.horizon},
        )
        from accord.scorecards.services import refresh_cards_after

        # The supplier's card of its customer judges orders against this forecast.
        refresh_cards_after([supplier.pk])
    return share
