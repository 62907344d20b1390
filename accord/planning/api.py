"""API: plan a program as the caller sees it, and read the stored plan: shortages, clear-to-build,
a part's weekly supply timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate_rows
from accord.api.schemas import Id, InputSchema, Text
from accord.core.errors import InvalidInput, NotFound
from accord.core.numbers import plain_number
from accord.parts.access import manufacturer_parts_visible_to
from accord.planning.access import (
    chosen_risk_owner,
    clearances_of,
    forecast_shares_visible_to,
    get_forecast_share_for_user,
    get_part_plan_for_user,
    get_program_for_planning,
    log_plan_read,
    plan_run_for,
    risks_of,
    seller_partners_of,
)
from accord.planning.alternates import alternates_for
from accord.planning.choices import RiskKind, Severity
from accord.planning.inputs import DEFAULT_HORIZON_WEEKS
from accord.planning.models import PartPlan, PlanRun
from accord.planning.netting import MAX_HORIZON_WEEKS
from accord.planning.queries import exact, owned_risks, shortage_rows, week_date
from accord.planning.services import (
    assign_risk_owner,
    propose_alternate,
    refresh_plan,
    share_forecast,
)

router = Router(tags=["planning"])


class PlanIn(InputSchema):
    horizon: int = Field(DEFAULT_HORIZON_WEEKS, ge=1, le=MAX_HORIZON_WEEKS)


class PlanOut(Schema):
    program_id: int
    week_start: dt.date
    horizon: int
    computed_at: dt.datetime
    duration_ms: int
    parts: int
    builds: int
    short: int


class ShortageOut(Schema):
    part_id: int
    part: str
    description: str
    purchased: bool
    consigned: bool = Field(description="Expected from the OEM (a consigned BOM line).")
    on_hand: str
    safety_stock: str
    first_shortage_week: int | None
    first_shortage_date: dt.date | None
    quantity_short: str
    weeks_of_cover: int
    below_safety_week: int | None


class ShortageQuery(PageParams):
    all: bool = Field(False, description="Every planned part, not only those that run short.")


class LimitingOut(Schema):
    part_id: int
    short: str


class ClearanceOut(Schema):
    build_id: int
    assembly: str
    due_date: dt.date
    quantity: str
    buildable: str | None = Field(description="Empty when the build is due past the horizon.")
    limiting: list[LimitingOut]


class TimelineOut(Schema):
    part_id: int
    part: str
    week_start: dt.date
    weeks: list[dt.date]
    gross: list[str]
    receipts: list[str]
    projected: list[str]
    planned_orders: list[str]
    on_hand: str
    safety_stock: str


def _plan_out(run: PlanRun) -> PlanOut:
    return PlanOut(
        program_id=run.program_id,
        week_start=run.week_start,
        horizon=run.horizon,
        computed_at=run.computed_at,
        duration_ms=run.duration_ms,
        parts=run.part_count,
        builds=run.build_count,
        short=run.short_count,
    )


def _stored_run(request: HttpRequest, program_id: int) -> PlanRun:
    user = person(request)
    program = get_program_for_planning(user, program_id)
    run = plan_run_for(user, program)
    if run is None:
        raise NotFound("No plan of this program yet: POST to its plan first.", code="no_plan")
    log_plan_read(user, run, channel="api", path=request.path)
    return run


def _numbers(values: list[float]) -> list[str]:
    return [plain_number(exact(v)) for v in values]


@router.post("/programs/{program_id}/plan", response=PlanOut)
def plan_program(request: HttpRequest, program_id: Id, payload: PlanIn) -> PlanOut:
    """Plan the program now, as the caller sees it, and keep the result."""
    user = person(request)
    program = get_program_for_planning(user, program_id)
    run = refresh_plan(actor=user, person=user, program=program, horizon=payload.horizon)
    return _plan_out(run)


@router.get("/programs/{program_id}/plan", response=PlanOut)
def get_plan(request: HttpRequest, program_id: Id) -> PlanOut:
    return _plan_out(_stored_run(request, program_id))


@router.get("/programs/{program_id}/shortages", response=Page[ShortageOut])
def list_shortages(
    request: HttpRequest, program_id: Id, params: Query[ShortageQuery]
) -> dict[str, Any]:
    run = _stored_run(request, program_id)
    rows = [row.as_dict() for row in shortage_rows(run, only_short=not params.all)]
    return paginate_rows(request, rows, params)


@router.get("/programs/{program_id}/clear-to-build", response=Page[ClearanceOut])
def list_clear_to_build(
    request: HttpRequest, program_id: Id, paging: Query[PageParams]
) -> dict[str, Any]:
    run = _stored_run(request, program_id)
    rows = [
        {
            "build_id": c.build_id,
            "assembly": c.build.assembly.number,
            "due_date": c.build.due_date,
            "quantity": plain_number(c.build.quantity),
            "buildable": None if c.buildable is None else plain_number(exact(c.buildable)),
            "limiting": [
                {"part_id": item["part"], "short": plain_number(exact(item["short"]))}
                for item in c.limiting
            ],
        }
        for c in clearances_of(person(request), run)
        .select_related("build__assembly")
        .order_by("build__due_date", "build_id")
    ]
    return paginate_rows(request, rows, paging)


@router.get("/programs/{program_id}/parts/{part_id}/timeline", response=TimelineOut)
def part_timeline(request: HttpRequest, program_id: Id, part_id: Id) -> TimelineOut:
    """A part's week-by-week supply in the stored plan: gross requirement, receipts, projected
    balance and planned orders (built parts), from week_start."""
    run = _stored_run(request, program_id)
    plan = get_part_plan_for_user(person(request), run, part_id)
    return TimelineOut(
        part_id=plan.part_id,
        part=plan.part.number,
        week_start=run.week_start,
        weeks=[week_date(run, w) or run.week_start for w in range(run.horizon)],
        gross=_numbers(plan.gross),
        receipts=_numbers(plan.receipts),
        projected=_numbers(plan.projected),
        planned_orders=_numbers(plan.planned_orders),
        on_hand=plain_number(exact(plan.on_hand)),
        safety_stock=plain_number(exact(plan.safety_stock)),
    )


class RiskOut(Schema):
    part_id: int
    part: str
    kind: str
    severity: str
    detail: str
    owner: str | None = Field(description="The username of the risk's owner on the program.")
    note: str


class RiskQuery(PageParams):
    kind: RiskKind | None = None
    severity: Severity | None = None


class RiskOwnerIn(InputSchema):
    part_id: Id
    kind: RiskKind
    owner_id: Id
    note: Text = Field("", max_length=300)


@router.get("/programs/{program_id}/risks", response=Page[RiskOut])
def list_risks(request: HttpRequest, program_id: Id, params: Query[RiskQuery]) -> dict[str, Any]:
    run = _stored_run(request, program_id)
    rows = [
        {
            "part_id": risk.part_id,
            "part": risk.part.number,
            "kind": risk.kind,
            "severity": risk.severity,
            "detail": risk.detail,
            "owner": owner.owner.username if owner else None,
            "note": owner.note if owner else "",
        }
        for risk, owner in owned_risks(
            person(request), run, kind=params.kind or "", severity=params.severity or ""
        )
    ]
    return paginate_rows(request, rows, params)


@router.post("/programs/{program_id}/risks/owner", response=RiskOut)
def assign_owner(request: HttpRequest, program_id: Id, payload: RiskOwnerIn) -> RiskOut:
    """Name the owner of a risk of a part in the caller's plan (a program member who may see
    its build schedule)."""
    run = _stored_run(request, program_id)
    user = person(request)
    risk = (
        risks_of(user, run)
        .filter(part_id=payload.part_id, kind=payload.kind)
        .select_related("part")
        .first()
    )
    if risk is None:
        raise NotFound("No such risk in your plan.")
    owner = chosen_risk_owner(user, run.program, pk=payload.owner_id)
    assigned = assign_risk_owner(
        actor=user,
        program=run.program,
        part=risk.part,
        kind=risk.kind,
        owner=owner,
        note=payload.note,
    )
    return RiskOut(
        part_id=risk.part_id,
        part=risk.part.number,
        kind=risk.kind,
        severity=risk.severity,
        detail=risk.detail,
        owner=assigned.owner.username,
        note=assigned.note,
    )


class OfferViewOut(Schema):
    supplier: str
    stock: str | None
    moq: str
    lead_time_days: int | None
    seen_on: dt.date
    covers: bool


class SourceOptionOut(Schema):
    manufacturer: str
    mpn: str
    status: str
    rank: int
    covers: bool
    offers: list[OfferViewOut]


class ComparisonOut(Schema):
    name: str
    reference: str
    candidate: str
    verdict: str


class CandidateOut(Schema):
    manufacturer_part_id: int
    manufacturer: str
    mpn: str
    description: str
    package: str
    covers: bool
    comparisons: list[ComparisonOut]
    offers: list[OfferViewOut]


class AlternatesOut(Schema):
    part_id: int
    gap: str
    kind: str | None
    reference_package: str
    approved: list[SourceOptionOut]
    candidates: list[CandidateOut]
    reason: str


class ProposeIn(InputSchema):
    manufacturer_part_id: Id
    note: Text = Field("", max_length=300)


class ProposedOut(Schema):
    source_id: int
    status: str


def _offer_out(offer: Any) -> dict[str, Any]:
    return {
        "supplier": offer.supplier,
        "stock": None if offer.stock is None else plain_number(offer.stock),
        "moq": plain_number(offer.moq),
        "lead_time_days": offer.lead_time_days,
        "seen_on": offer.seen_on,
        "covers": offer.covers,
    }


def _plan_of_part(request: HttpRequest, program_id: int, part_id: int) -> tuple[PlanRun, PartPlan]:
    run = _stored_run(request, program_id)
    return run, get_part_plan_for_user(person(request), run, part_id)


@router.get("/programs/{program_id}/parts/{part_id}/alternates", response=AlternatesOut)
def list_alternates(request: HttpRequest, program_id: Id, part_id: Id) -> AlternatesOut:
    """Approved sources with the offers that cover the gap, then parametric candidates."""
    _run, plan = _plan_of_part(request, program_id, part_id)
    found = alternates_for(person(request), plan.part, exact(plan.quantity_short))
    return AlternatesOut.model_validate(
        {
            "part_id": plan.part_id,
            "gap": plain_number(found.gap),
            "kind": found.kind,
            "reference_package": found.reference_package,
            "approved": [
                {
                    "manufacturer": s.manufacturer,
                    "mpn": s.mpn,
                    "status": s.status,
                    "rank": s.rank,
                    "covers": s.covers,
                    "offers": [_offer_out(o) for o in s.offers],
                }
                for s in found.approved
            ],
            "candidates": [
                {
                    "manufacturer_part_id": c.manufacturer_part_id,
                    "manufacturer": c.manufacturer,
                    "mpn": c.mpn,
                    "description": c.description,
                    "package": c.package,
                    "covers": c.covers,
                    "comparisons": [r.__dict__ for r in c.comparisons],
                    "offers": [_offer_out(o) for o in c.offers],
                }
                for c in found.candidates
            ],
            "reason": found.reason,
        }
    )


@router.post("/programs/{program_id}/parts/{part_id}/alternates", response=ProposedOut)
def propose(request: HttpRequest, program_id: Id, part_id: Id, payload: ProposeIn) -> ProposedOut:
    """Propose a manufacturer part as a source: a pending line of the part's approved list."""
    run, plan = _plan_of_part(request, program_id, part_id)
    manufacturer_part = (
        manufacturer_parts_visible_to(person(request))
        .select_related("manufacturer")
        .filter(pk=payload.manufacturer_part_id)
        .first()
    )
    if manufacturer_part is None:
        raise NotFound()
    source = propose_alternate(
        actor=person(request),
        program=run.program,
        part=plan.part,
        manufacturer_part=manufacturer_part,
        note=payload.note,
    )
    return ProposedOut(source_id=source.pk, status=source.status)


class ForecastIn(InputSchema):
    supplier_id: Id
    horizon: int = Field(DEFAULT_HORIZON_WEEKS, ge=1, le=MAX_HORIZON_WEEKS)
    note: Text = Field("", max_length=300)


class ForecastLineOut(Schema):
    part_id: int
    part: str
    mpns: str
    quantities: list[str]


class ForecastOut(Schema):
    id: int
    program_id: int
    buyer: str
    supplier: str
    shared_at: dt.datetime
    week_start: dt.date
    horizon: int
    note: str


class ForecastDetailOut(ForecastOut):
    lines: list[ForecastLineOut]


def _forecast_out(share: Any) -> dict[str, Any]:
    return {
        "id": share.pk,
        "program_id": share.program_id,
        "buyer": share.buyer.name,
        "supplier": share.supplier.name,
        "shared_at": share.shared_at,
        "week_start": share.week_start,
        "horizon": share.horizon,
        "note": share.note,
    }


def _forecast_detail(share: Any) -> ForecastDetailOut:
    lines = [
        {
            "part_id": line.part_id,
            "part": line.part.number,
            "mpns": line.mpns,
            "quantities": _numbers(line.quantities),
        }
        for line in share.lines.select_related("part")
    ]
    return ForecastDetailOut.model_validate({**_forecast_out(share), "lines": lines})


@router.post("/programs/{program_id}/forecasts", response={201: ForecastDetailOut})
@idempotent
def create_forecast_share(
    request: HttpRequest, program_id: Id, payload: ForecastIn
) -> Status[ForecastDetailOut]:
    """Share with a supplier of the program what the caller's plan needs of its parts."""
    user = person(request)
    program = get_program_for_planning(user, program_id)
    supplier = seller_partners_of(user, program).filter(pk=payload.supplier_id).first()
    if supplier is None:
        raise InvalidInput(
            "supplier_id: choose a supplier or distributor taking part in the program.",
            detail={"field": "supplier_id"},
        )
    share = share_forecast(
        actor=user, program=program, supplier=supplier, horizon=payload.horizon, note=payload.note
    )
    return Status(201, _forecast_detail(get_forecast_share_for_user(user, share.pk)))


@router.get("/forecasts", response=Page[ForecastOut])
def list_forecasts(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    shares = forecast_shares_visible_to(person(request)).select_related("buyer", "supplier")
    return paginate_rows(request, [_forecast_out(s) for s in shares], paging)


@router.get("/forecasts/{share_id}", response=ForecastDetailOut)
def get_forecast(request: HttpRequest, share_id: Id) -> ForecastDetailOut:
    return _forecast_detail(get_forecast_share_for_user(person(request), share_id))
