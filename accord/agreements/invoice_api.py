"""API: invoices of an agreement (entered as JSON or from a CSV/XLSX file), their check line by
line against the version in force at the PO date and the receipts, and the buyer's written
requests for fees that need one.

An invoice is both parties' restricted data, as its agreement: the check reads the terms and
is in the other party's access log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, UploadedFile
from ninja.responses import Status

from accord.agreements.access import (
    fee_requests_of,
    get_agreement_for_user,
    get_fee_request_for_user,
    get_invoice_for_user,
    invoices_visible_to,
    log_terms_read,
)
from accord.agreements.invoice_import import import_invoice_file
from accord.agreements.invoice_queries import InvoiceReport, invoice_report
from accord.agreements.invoice_services import (
    InvoiceHeaderIn,
    InvoiceIn,
    cancel_fee_request,
    create_invoice,
    record_fee_request,
    record_invoice_payment,
    withdraw_invoice,
)
from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.schemas import Id, InputSchema, Text
from accord.parts.bom_import.inputs import read_upload

router = Router(tags=["invoices"])


class InvoiceOut(Schema):
    id: int
    agreement_id: int
    number: str
    date: dt.date
    currency: str
    po_reference: str
    due_date: dt.date | None = Field(None, description="Empty on invoices entered before.")
    paid_on: dt.date | None = Field(None, description="The day the buyer paid it, recorded.")
    withdrawn_at: dt.datetime | None = Field(
        None, description="Withdrawn by the party that entered it: no billing any more."
    )
    withdraw_reason: str = ""


class CheckedLineOut(Schema):
    line: int
    kind: str
    description: str
    part: str
    fee_code: str
    quantity: str
    unit_price: str
    amount: str
    verdict: str
    agreed: str
    disputed: str
    deviation: str
    deciding_term: str


class InvoiceCheckOut(InvoiceOut):
    po_date: dt.date
    invoiced: str
    agreed: str
    disputed: str
    lines: list[CheckedLineOut]


class FeeRequestIn(InputSchema):
    code: Text = Field(min_length=1, max_length=30, description="The Appendix A fee's code.")
    requested_on: dt.date
    reference: Text = Field("", max_length=200, description="E-mail or letter reference.")


def _invoice(invoice: Any) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "agreement_id": invoice.agreement_id,
        "number": invoice.number,
        "date": invoice.date,
        "currency": invoice.currency,
        "po_reference": invoice.po_reference,
        "due_date": invoice.due_date,
        "paid_on": invoice.paid_on,
        "withdrawn_at": invoice.withdrawn_at,
        "withdraw_reason": invoice.withdraw_reason,
    }


def report_out(report: InvoiceReport) -> dict[str, Any]:
    return {
        **_invoice(report.invoice),
        "po_date": report.po_date,
        **report.totals(),
        "lines": [line.as_dict() for line in report.lines],
    }


@router.get("/agreements/{agreement_id}/invoices", response=list[InvoiceOut])
def list_invoices(
    request: HttpRequest, agreement_id: Id, withdrawn: bool | None = None
) -> list[dict[str, Any]]:
    """The agreement's invoices (heads only: no terms read); `withdrawn=true` lists only the
    withdrawn ones, `false` only the others."""
    agreement = get_agreement_for_user(person(request), agreement_id)
    invoices = invoices_visible_to(person(request)).filter(agreement=agreement)
    if withdrawn is not None:
        invoices = invoices.filter(withdrawn_at__isnull=not withdrawn)
    return [_invoice(i) for i in invoices]


@router.post("/agreements/{agreement_id}/invoices", response={201: InvoiceCheckOut})
@idempotent
def create_invoice_endpoint(
    request: HttpRequest, agreement_id: Id, payload: InvoiceIn
) -> Status[Any]:
    """Enter the partner's invoice (either party): its lines are checked at once. 422 naming
    the line for "1.234,50", prices or quantities at or below zero, a line in another
    currency (never converted), an amount that is not quantity x unit price, an unknown PO."""
    user = person(request)
    agreement = get_agreement_for_user(user, agreement_id)
    invoice = create_invoice(actor=user, agreement=agreement, invoice=payload)
    log_terms_read(user, agreement, channel="api", path=request.path)
    return Status(201, report_out(invoice_report(invoice)))


@router.post("/agreements/{agreement_id}/invoices/upload", response={201: InvoiceCheckOut})
@idempotent
def upload_invoice_endpoint(
    request: HttpRequest,
    agreement_id: Id,
    file: File[UploadedFile],
    form: Form[InvoiceHeaderIn],
) -> Status[Any]:
    """The invoice's lines from a CSV or XLSX file (columns Kind, Description, Part Number, Fee
    Code, Quantity, Unit Price, Amount, Currency), its head in the form. All or nothing: 422
    with every problem by file, sheet, row and column, nothing written."""
    user = person(request)
    agreement = get_agreement_for_user(user, agreement_id)
    data, filename = read_upload(file)
    invoice = import_invoice_file(
        actor=user,
        agreement=agreement,
        header=form.model_dump(),
        data=data,
        filename=filename,
    )
    log_terms_read(user, agreement, channel="api", path=request.path)
    return Status(201, report_out(invoice_report(invoice)))


@router.get("/invoices/{invoice_id}/check", response=InvoiceCheckOut)
def check_invoice_endpoint(request: HttpRequest, invoice_id: Id) -> dict[str, Any]:
    """Each line: match, within tolerance, over (or the fee's verdict), the amount agreed and
    disputed and the deciding term; the totals invoiced, agreed and disputed."""
    user = person(request)
    invoice = get_invoice_for_user(user, invoice_id)
    log_terms_read(user, invoice.agreement, channel="api", path=request.path)
    return report_out(invoice_report(invoice))


class InvoicePaymentIn(InputSchema):
    paid_on: dt.date = Field(description="The day the buyer paid the invoice (YYYY-MM-DD).")


@router.post("/invoices/{invoice_id}/payment", response=InvoiceOut)
def record_payment_endpoint(
    request: HttpRequest, invoice_id: Id, payload: InvoicePaymentIn
) -> dict[str, Any]:
    """The buyer records the day it paid the invoice, or corrects it (the same call again).
    422 naming paid_on for a day in the future or before the invoice date; the issuer: 403."""
    user = person(request)
    invoice = get_invoice_for_user(user, invoice_id, buyer=True)
    return _invoice(record_invoice_payment(actor=user, invoice=invoice, paid_on=payload.paid_on))


class InvoiceWithdrawIn(InputSchema):
    reason: Text = Field(min_length=1, max_length=500, description="Why, for the record.")


@router.post("/invoices/{invoice_id}/withdraw", response=InvoiceOut)
def withdraw_invoice_endpoint(
    request: HttpRequest, invoice_id: Id, payload: InvoiceWithdrawIn
) -> dict[str, Any]:
    """The party that entered the invoice withdraws it (entered by mistake): it stays
    readable but is no billing any more. The other party: 403; 409 once its payment is
    recorded or when withdrawn already."""
    user = person(request)
    invoice = get_invoice_for_user(user, invoice_id)
    return _invoice(withdraw_invoice(actor=user, invoice=invoice, reason=payload.reason))


class FeeRequestOut(Schema):
    id: int
    code: str
    requested_on: dt.date
    reference: str
    cancelled_at: dt.datetime | None = None
    cancel_reason: str = ""


def _fee_request(made: Any) -> dict[str, Any]:
    return {
        "id": made.pk,
        "code": made.code,
        "requested_on": made.requested_on,
        "reference": made.reference,
        "cancelled_at": made.cancelled_at,
        "cancel_reason": made.cancel_reason,
    }


@router.get("/agreements/{agreement_id}/fee-requests", response=list[FeeRequestOut])
def list_fee_requests(request: HttpRequest, agreement_id: Id) -> list[dict[str, Any]]:
    """The buyer's written fee requests of the agreement, cancelled ones included."""
    user = person(request)
    agreement = get_agreement_for_user(user, agreement_id)
    return [_fee_request(f) for f in fee_requests_of(user, agreement)]


class FeeRequestCancelIn(InputSchema):
    reason: Text = Field(min_length=1, max_length=500, description="Why, for the record.")


@router.post("/fee-requests/{fee_request_id}/cancel", response=FeeRequestOut)
def cancel_fee_request_endpoint(
    request: HttpRequest, fee_request_id: Id, payload: FeeRequestCancelIn
) -> dict[str, Any]:
    """The buyer cancels a written fee request recorded by mistake: the fee is no longer
    requested in the invoice check. The partner: 403; 409 when cancelled already."""
    user = person(request)
    fee_request = get_fee_request_for_user(user, fee_request_id, buyer=True)
    return _fee_request(
        cancel_fee_request(actor=user, fee_request=fee_request, reason=payload.reason)
    )


@router.post("/agreements/{agreement_id}/fee-requests", response={201: FeeRequestOut})
@idempotent
def fee_request_endpoint(
    request: HttpRequest, agreement_id: Id, payload: FeeRequestIn
) -> Status[Any]:
    """The buyer records its written request for a fee Appendix A bills only on request."""
    user = person(request)
    agreement = get_agreement_for_user(user, agreement_id)
    made = record_fee_request(
        actor=user,
        agreement=agreement,
        code=payload.code,
        requested_on=payload.requested_on,
        reference=payload.reference,
    )
    return Status(201, _fee_request(made))
