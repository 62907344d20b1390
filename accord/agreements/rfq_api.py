"""API: requests for quotes at several volumes, invitations, quotes, their comparison at landed
cost, the award that turns a quote into draft SOW terms, and closing one without award.

An invited EMS sees the RFQ and its own quote only, never another's quote or name; the buyer's
people see every quote. Each quote's prices read by the buyer are in that EMS's access log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from accord.agreements.access import (
    get_program_for_drafting,
    get_quote_for_user,
    get_rfq_for_user,
    log_quote_reads,
    quotes_visible_to,
    rfqs_visible_to,
)
from accord.agreements.models import Rfq
from accord.agreements.quote_terms import QuoteTerms
from accord.agreements.rfq_queries import comparison_rows
from accord.agreements.rfq_services import (
    award_quote,
    close_rfq,
    create_rfq,
    invite_to_rfq,
    submit_quote,
    withdraw_quote,
)
from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.schemas import Id, InputSchema, Text, WholeNumber
from accord.core.access import get_or_404, today
from accord.orgs.access import organisations_visible_to
from accord.parts.access import boms_visible_to

router = Router(tags=["rfqs"])


class RfqOut(Schema):
    id: int
    title: str
    program: str
    buyer: str
    assembly: str
    revision: str
    volumes: list[int]
    due_date: dt.date
    status: str
    invited: list[str] = Field(description="The buyer sees every invited EMS; an EMS itself.")


class TierOut(Schema):
    from_quantity: int
    unit_price: str


class FeeOut(Schema):
    code: str
    description: str
    basis: str
    amount: str


class QuoteOut(Schema):
    id: int
    supplier: str
    currency: str
    moq: int
    order_multiple: int
    nre: str
    lead_time_days: int
    valid_until: dt.date
    expired: bool
    withdrawn_at: dt.datetime | None = Field(
        None, description="Withdrawn by its EMS (seen by that EMS only): in no comparison."
    )
    withdraw_reason: str = ""
    tiers: list[TierOut]
    fees: list[FeeOut]


class RfqDetailOut(RfqOut):
    quotes: list[QuoteOut]


class ComparisonRowOut(Schema):
    quote_id: int
    supplier: str
    currency: str
    volume: int
    buy_qty: int
    excess: int
    tier_price: str | None
    landed_unit_cost: str | None = Field(description="4 decimals; null without a tier price.")
    landed_rank: int | None
    headline_rank: int | None
    lead_time_days: int
    valid_until: dt.date
    expired: bool


class RfqIn(InputSchema):
    program_id: Id
    bom_id: Id = Field(description="The assembly revision (BOM) to quote.")
    title: Text = Field(min_length=1, max_length=200)
    due_date: dt.date
    volumes: list[WholeNumber] = Field(default=[500, 5000, 50000], min_length=1, max_length=10)
    invited: list[Id] = Field(default=[], max_length=50, description="EMS organisations.")


class InviteIn(InputSchema):
    organisation_id: Id


class RfqCloseIn(InputSchema):
    reason: Text = Field("", max_length=500, description="Why, for the record (optional).")


class QuoteWithdrawIn(InputSchema):
    reason: Text = Field(min_length=1, max_length=500, description="Why, told to the buyer.")


class AwardOut(Schema):
    agreement_id: int
    version: int
    terms_hash: str


def _summary(rfq: Rfq, user: Any) -> dict[str, Any]:
    invited = sorted(o.name for o in rfq.invited.all())
    if rfq.buyer_id != user.organisation_id:
        invited = [user.organisation.name]
    return {
        "id": rfq.pk,
        "title": rfq.title,
        "program": rfq.program.name,
        "buyer": rfq.buyer.name,
        "assembly": rfq.bom.assembly.number,
        "revision": rfq.bom.revision,
        "volumes": rfq.volumes,
        "due_date": rfq.due_date,
        "status": rfq.status,
        "invited": invited,
    }


def _rfqs(user: Any) -> Any:
    return rfqs_visible_to(user).select_related("program", "buyer", "bom__assembly")


def _detail(request: HttpRequest, rfq: Rfq) -> RfqDetailOut:
    user = person(request)
    quotes = list(
        quotes_visible_to(user)
        .filter(rfq=rfq)
        .select_related("supplier")
        .prefetch_related("tiers", "fees")
    )
    log_quote_reads(user, rfq, quotes, channel="api", path=request.path)
    now = today()
    return RfqDetailOut.model_validate(
        {
            **_summary(rfq, user),
            "quotes": [
                {
                    "id": q.pk,
                    "supplier": q.supplier.name,
                    "currency": q.currency,
                    "moq": q.moq,
                    "order_multiple": q.order_multiple,
                    "nre": format(q.nre, "f"),
                    "lead_time_days": q.lead_time_days,
                    "valid_until": q.valid_until,
                    "expired": q.valid_until < now,
                    "withdrawn_at": q.withdrawn_at,
                    "withdraw_reason": q.withdraw_reason,
                    "tiers": [
                        {"from_quantity": t.from_quantity, "unit_price": format(t.unit_price, "f")}
                        for t in q.tiers.all()
                    ],
                    "fees": [
                        {
                            "code": f.code,
                            "description": f.description,
                            "basis": f.basis,
                            "amount": format(f.amount, "f"),
                        }
                        for f in q.fees.all()
                    ],
                }
                for q in quotes
            ],
        }
    )


@router.get("/rfqs", response=list[RfqOut])
def list_rfqs(request: HttpRequest) -> list[dict[str, Any]]:
    """The RFQs you may see: your organisation's, and those your EMS is invited to. No prices."""
    user = person(request)
    return [_summary(r, user) for r in _rfqs(user).prefetch_related("invited")[:500]]


@router.post("/rfqs", response={201: RfqDetailOut})
@idempotent
def create_rfq_endpoint(request: HttpRequest, payload: RfqIn) -> Status[Any]:
    """The program's owner asks invited EMS providers to quote an assembly revision at several
    volumes (default 500, 5,000, 50,000)."""
    user = person(request)
    program = get_program_for_drafting(user, payload.program_id)
    bom = get_or_404(boms_visible_to(user).filter(program=program), pk=payload.bom_id)
    visible = organisations_visible_to(user)
    invited = [get_or_404(visible, pk=pk) for pk in payload.invited]
    rfq = create_rfq(
        actor=user,
        program=program,
        bom=bom,
        title=payload.title,
        due_date=payload.due_date,
        volumes=payload.volumes,
        invited=invited,
    )
    return Status(201, _detail(request, get_rfq_for_user(user, rfq.pk)))


@router.get("/rfqs/{rfq_id}", response=RfqDetailOut)
def get_rfq(request: HttpRequest, rfq_id: Id) -> RfqDetailOut:
    """The RFQ and the quotes you may see: the buyer all, an EMS its own."""
    return _detail(request, get_rfq_for_user(person(request), rfq_id))


@router.post("/rfqs/{rfq_id}/invitations", response=RfqDetailOut)
def invite_endpoint(request: HttpRequest, rfq_id: Id, payload: InviteIn) -> RfqDetailOut:
    """The buyer invites an EMS partner of the program (an NDA must cover the program)."""
    user = person(request)
    rfq = get_rfq_for_user(user, rfq_id, buyer=True)
    organisation = get_or_404(organisations_visible_to(user), pk=payload.organisation_id)
    invite_to_rfq(actor=user, rfq=rfq, organisation=organisation)
    return _detail(request, rfq)


@router.post("/rfqs/{rfq_id}/quotes", response={201: QuoteOut})
@idempotent
def submit_quote_endpoint(request: HttpRequest, rfq_id: Id, payload: QuoteTerms) -> Status[Any]:
    """An invited EMS enters or replaces its quote: tiers, MOQ, multiple, NRE, fees, lead
    time, validity. 422 naming each refused clause (gaps, overlaps, prices at or below zero,
    mixed currencies)."""
    user = person(request)
    rfq = get_rfq_for_user(user, rfq_id)
    quote = submit_quote(actor=user, rfq=rfq, quote=payload)
    detail = _detail(request, rfq)
    return Status(201, next(q for q in detail.quotes if q.id == quote.pk))


@router.get("/rfqs/{rfq_id}/comparison", response=list[ComparisonRowOut])
def compare_endpoint(request: HttpRequest, rfq_id: Id) -> list[dict[str, Any]]:
    """Every quote you may see at every volume: buy quantity (MOQ, then multiple), excess,
    tier price, landed unit cost (4 decimals) and the ranks by landed cost and by headline
    price; expired quotes marked."""
    user = person(request)
    rfq = get_rfq_for_user(user, rfq_id)
    quotes = quotes_visible_to(user)
    rows = comparison_rows(rfq, quotes, today())
    log_quote_reads(
        user,
        rfq,
        list(quotes.filter(rfq=rfq).only("pk", "supplier_id", "rfq_id")),
        channel="api",
        path=request.path,
    )
    return [r.as_dict() for r in rows]


@router.post("/rfqs/{rfq_id}/quotes/{quote_id}/award", response={201: AwardOut})
@idempotent
def award_endpoint(request: HttpRequest, rfq_id: Id, quote_id: Id) -> Status[Any]:
    """The buyer awards a quote: its terms become a draft version of the SOW with that EMS (a
    new agreement when there is none). 409 for an expired quote or an RFQ awarded already."""
    user = person(request)
    rfq = get_rfq_for_user(user, rfq_id, buyer=True)
    quote = get_quote_for_user(user, rfq, quote_id)
    agreement = award_quote(actor=user, rfq=rfq, quote=quote)
    version = agreement.versions.order_by("-number").first()
    assert version is not None
    return Status(
        201,
        {"agreement_id": agreement.pk, "version": version.number, "terms_hash": version.terms_hash},
    )


@router.post("/rfqs/{rfq_id}/quotes/{quote_id}/withdraw", response=QuoteOut)
def withdraw_quote_endpoint(
    request: HttpRequest, rfq_id: Id, quote_id: Id, payload: QuoteWithdrawIn
) -> QuoteOut:
    """The EMS that submitted the quote withdraws it while the RFQ is open: it leaves the
    comparison and the buyer no longer sees it; a new submission replaces it. The buyer: 403;
    409 when the RFQ is awarded or closed, or the quote withdrawn already."""
    user = person(request)
    rfq = get_rfq_for_user(user, rfq_id)
    quote = get_quote_for_user(user, rfq, quote_id, supplier=True)
    withdraw_quote(actor=user, rfq=rfq, quote=quote, reason=payload.reason)
    detail = _detail(request, rfq)
    return next(q for q in detail.quotes if q.id == quote.pk)


@router.post("/rfqs/{rfq_id}/close", response=RfqOut)
def close_endpoint(request: HttpRequest, rfq_id: Id, payload: RfqCloseIn) -> dict[str, Any]:
    """The buyer closes (cancels) an open RFQ without awarding it: no more invitations, quotes
    or award (the EMS: 403). 409 when it is awarded or closed already. Send `{}` or a reason."""
    user = person(request)
    rfq = get_rfq_for_user(user, rfq_id, buyer=True)
    close_rfq(actor=user, rfq=rfq, reason=payload.reason)
    return _summary(get_rfq_for_user(user, rfq_id), user)
