"""API: flex checks of an agreement. Its flex exceptions (build-schedule changes beyond a flex
band) with the EMS's accept and decline; a dry run of proposed build changes; a change request
checked against the SOW. Both checks are POSTs that write nothing (they only answer).

Whoever sees the agreement (both parties' program members under the NDA) reads and checks;
only the EMS (the agreement's partner) accepts or declines. Every answer that shows terms
(bands, fees, clauses) is in the other party's access log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from accord.agreements.access import (
    flex_exceptions_of,
    get_agreement_for_user,
    get_flex_exception_for_user,
    log_terms_read,
)
from accord.agreements.flex_queries import (
    ProposedChange,
    change_request,
    dry_run,
    exception_dict,
    verdict_row,
)
from accord.agreements.flex_services import decide_flex_exception
from accord.api.auth import person
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id, InputSchema, Text, WholeNumber

router = Router(tags=["flex"])


class FlexFeeOut(Schema):
    code: str
    description: str
    basis: str | None
    amount: str
    currency: str | None


class FlexExceptionOut(Schema):
    id: int
    agreement_id: int
    agreement_version: int
    build_id: int
    build_version: int
    assembly: str
    weeks_out: int
    from_quantity: str
    to_quantity: str
    from_due: dt.date
    to_due: dt.date
    change_percent: str
    allowed_percent: str
    band: str
    fees: list[FlexFeeOut]
    status: str = Field(description="pending, accepted or declined.")
    raised_by: str
    raised_at: dt.datetime
    decided_by: str
    decided_at: dt.datetime | None
    note: str


class FlexExceptionQuery(PageParams):
    status: Literal["pending", "accepted", "declined"] | None = None


class FlexDecisionIn(InputSchema):
    note: Text = Field("", max_length=300)


class ProposedChangeIn(InputSchema):
    build_id: Id
    quantity: WholeNumber | None = Field(None, ge=0, le=10**9)
    due_date: dt.date | None = None


class FlexCheckIn(InputSchema):
    changes: list[ProposedChangeIn] = Field(min_length=1, max_length=500)


class FlexVerdictOut(Schema):
    build_id: int
    outcome: str = Field(description="refused, flagged, accepted or unchecked.")
    message: str
    weeks_out: int | None
    clause: str
    change_percent: str | None
    allowed_percent: str | None
    from_quantity: str | None
    to_quantity: str | None
    from_due: dt.date | None
    to_due: dt.date | None
    fees: list[FlexFeeOut]
    agreement_id: int | None
    agreement_version: int | None


class FlexCheckOut(Schema):
    results: list[FlexVerdictOut]


class ChangeRequestIn(InputSchema):
    term: Text = Field(
        min_length=1,
        max_length=200,
        description="A path: price_tiers[5000].unit_price, inspection.aql, "
        "definitions[premium], fees[EXP].amount, moq.",
    )
    value: Any = Field(description="The new value, as the clause takes it (9.60, 600, text).")


class ChangeRequestOut(Schema):
    version: int
    answer: str = Field(description="in_sow, amendment or not_in_sow.")
    term: str
    message: str
    clause: str
    current: str | None
    proposed: str | None
    fees: list[FlexFeeOut]


@router.get("/agreements/{agreement_id}/flex-exceptions", response=Page[FlexExceptionOut])
def list_flex_exceptions(
    request: HttpRequest, agreement_id: Id, params: Query[FlexExceptionQuery]
) -> dict[str, Any]:
    """The agreement's schedule changes beyond a flex band, newest first (?status=pending)."""
    user = person(request)
    agreement = get_agreement_for_user(user, agreement_id)
    found = flex_exceptions_of(user, agreement)
    if params.status:
        found = found.filter(status=params.status)
    log_terms_read(user, agreement, channel="api", path=request.path)
    return paginate(request, found, params, _rows)


def _rows(page: Any) -> list[dict[str, Any]]:
    return [exception_dict(e) for e in page]


def _decide(request: HttpRequest, exception_id: int, payload: Any, accept: bool) -> Any:
    user = person(request)
    exception = get_flex_exception_for_user(user, exception_id, decide=True)
    decided = decide_flex_exception(
        actor=user, exception=exception, accept=accept, note=payload.note
    )
    return FlexExceptionOut.model_validate(exception_dict(decided))


@router.post("/flex-exceptions/{exception_id}/accept", response=FlexExceptionOut)
def accept_flex_exception(
    request: HttpRequest, exception_id: Id, payload: FlexDecisionIn
) -> FlexExceptionOut:
    """The EMS commits to the change (and may bill the fees it triggers); others 403."""
    return _decide(request, exception_id, payload, True)


@router.post("/flex-exceptions/{exception_id}/decline", response=FlexExceptionOut)
def decline_flex_exception(
    request: HttpRequest, exception_id: Id, payload: FlexDecisionIn
) -> FlexExceptionOut:
    """The EMS does not commit to the change: the buyer changes the build back or the parties
    amend the agreement; others 403."""
    return _decide(request, exception_id, payload, False)


@router.post("/agreements/{agreement_id}/flex-check", response=FlexCheckOut)
def flex_check(request: HttpRequest, agreement_id: Id, payload: FlexCheckIn) -> FlexCheckOut:
    """A dry run: what changing each build would answer today (refused, flagged, accepted,
    unchecked) with the clause. Writes nothing."""
    user = person(request)
    agreement = get_agreement_for_user(user, agreement_id)
    changes = [
        ProposedChange(c.build_id, None if c.quantity is None else Decimal(c.quantity), c.due_date)
        for c in payload.changes
    ]
    verdicts = dry_run(user, agreement, changes)
    log_terms_read(user, agreement, channel="api", path=request.path)
    return FlexCheckOut.model_validate(
        {"results": [verdict_row(c.build_id, v) for c, v in zip(changes, verdicts, strict=True)]}
    )


@router.post("/agreements/{agreement_id}/change-check", response=ChangeRequestOut)
def change_check(
    request: HttpRequest, agreement_id: Id, payload: ChangeRequestIn
) -> ChangeRequestOut:
    """A change request against the SOW (the signed version in force, else the newest draft):
    already in the SOW, changes a clause (amendment and fee needed) or not in the SOW. Writes
    nothing."""
    user = person(request)
    agreement = get_agreement_for_user(user, agreement_id)
    version, answer = change_request(agreement, payload.term, payload.value)
    log_terms_read(user, agreement, channel="api", path=request.path)
    return ChangeRequestOut.model_validate({"version": version.number, **answer.as_dict()})
