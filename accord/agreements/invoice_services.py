"""Every write to invoices: entering an invoice (form, API, file: all through create_invoice),
the buyer's record of the day it paid one (record_invoice_payment) and of a written request
for a fee that needs one. Entering an invoice or its payment refreshes the cards it counts on:
the buyer's card of the issuer (cost) and the issuer's card of the buyer (payment on time).

An invoice is due on the date entered with it, else on its date plus the payment terms (net
days, `payment_days`) of the agreement's version in force at the PO's date; without either it
is refused, naming due_date.

An invoice is refused whole, naming the line and field, for an amount written the way a locale
writes it ("1.234,50"), a line in another currency than the invoice's (never converted),
quantities or prices at or below zero, an amount that is not quantity x unit price, or a PO
that is not the buyer's order to the partner."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from pydantic import BeforeValidator, Field, ValidationError

from accord.agreements.choices import InvoiceLineKind, VersionStatus
from accord.agreements.invoice_queries import po_date
from accord.agreements.models import Agreement, FeeRequest, Invoice, InvoiceLine
from accord.agreements.terms import Currency, Money, _clause, _decimal, parse_terms
from accord.api.schemas import InputSchema, Text
from accord.core.access import today
from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.text import checked_text
from accord.orgs.models import Person
from accord.supply.models import PurchaseOrder

MAX_LINES = 20_000


def _quantity(value: Any) -> Decimal:
    amount = _decimal(value)
    if amount != amount.quantize(Decimal("0.0001")):
        raise ValueError(f"{value!r} has more than four decimals")
    return amount


InvoiceQuantity = Annotated[Decimal, BeforeValidator(_quantity)]


class InvoiceLineIn(InputSchema):
    kind: InvoiceLineKind
    description: Text = Field("", max_length=200)
    part_number: Text = Field("", max_length=80)
    fee_code: Text = Field("", max_length=30)
    quantity: InvoiceQuantity
    unit_price: Money
    amount: Money | None = Field(None, description="Quantity x unit price, to the cent.")
    currency: Currency | None = Field(None, description="When given, the invoice's.")


DUE_DATE_HELP = (
    "The day the invoice is due; default: its date plus the payment terms (net days) of the "
    "agreement's version in force at the PO's date, required when that version has none."
)


class InvoiceIn(InputSchema):
    number: Text = Field(min_length=1, max_length=60)
    date: dt.date
    currency: Currency
    po_reference: Text = Field(min_length=1, max_length=40)
    due_date: dt.date | None = Field(None, description=DUE_DATE_HELP)
    lines: list[InvoiceLineIn] = Field(min_length=1, max_length=MAX_LINES)


def parse_invoice(data: Any) -> InvoiceIn:
    """The invoice, or InvalidInput naming every refused field (lines[3].unit_price)."""
    if isinstance(data, InvoiceIn):
        invoice = data
    else:
        try:
            invoice = InvoiceIn.model_validate(data)
        except ValidationError as error:
            _refuse(
                [
                    {
                        "clause": _clause(tuple(e["loc"])),
                        "message": str(e["msg"]).removeprefix("Value error, "),
                    }
                    for e in error.errors()
                ]
            )
    problems = [
        {"clause": f"lines[{index}].{field}", "message": message}
        for index, line in enumerate(invoice.lines)
        for field, message in _line_rules(line, invoice.currency)
    ]
    if problems:
        _refuse(problems)
    return invoice


def _line_rules(line: InvoiceLineIn, currency: str) -> list[tuple[str, str]]:
    """(field, message) of each rule between one line's fields that it breaks."""
    problems = []
    if line.quantity <= 0:
        problems.append(("quantity", "must be above zero"))
    if line.kind != InvoiceLineKind.PART and not (line.fee_code or line.description):
        problems.append(("fee_code", "a fee names its code or description"))
    if line.unit_price <= 0:
        problems.append(("unit_price", "must be above zero"))
    if line.currency is not None and line.currency != currency:
        problems.append(
            (
                "currency",
                f"{line.currency} in an invoice in {currency}: one currency per invoice, "
                "never converted",
            )
        )
    expected = line_amount(line.quantity, line.unit_price)
    if line.amount is not None and line.amount != expected:
        problems.append(("amount", f"{line.amount} is not quantity x unit price ({expected})"))
    return problems


def line_problems(data: dict[str, Any], currency: str) -> list[tuple[str, str]]:
    """(field, message) of everything wrong with one line given as data (a file's row)."""
    try:
        line = InvoiceLineIn.model_validate(data)
    except ValidationError as error:
        return [
            (str(e["loc"][0]) if e["loc"] else "", str(e["msg"]).removeprefix("Value error, "))
            for e in error.errors()
        ]
    return _line_rules(line, currency)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return (quantity * unit_price).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _refuse(problems: list[dict[str, str]]) -> None:
    listed = "; ".join(f"{p['clause']}: {p['message']}" for p in problems[:20])
    more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
    raise InvalidInput(f"Refused: {listed}{more}", detail={"problems": problems})


def _party(actor: Person, agreement: Agreement) -> str:
    side = agreement.side_of(actor.organisation_id)
    if side is None:
        raise Forbidden("Only the agreement's two parties enter its invoices.")
    return side


def create_invoice(*, actor: Person, agreement: Agreement, invoice: Any) -> Invoice:
    """Enter the partner's invoice to the buyer (either party enters it: the partner issues
    it, the buyer's accounts payable receives it)."""
    parsed = parse_invoice(invoice)
    _party(actor, agreement)
    order = PurchaseOrder.objects.filter(
        buyer_id=agreement.buyer_id, supplier_id=agreement.partner_id, number=parsed.po_reference
    ).first()
    if order is None:
        raise InvalidInput(
            f"po_reference: {parsed.po_reference} is not a purchase order of "
            f"{agreement.buyer} to {agreement.partner}.",
            detail={"field": "po_reference"},
        )
    due_date = _due_date(agreement, order, parsed)
    try:
        with transaction.atomic():
            stored = Invoice.objects.create(
                agreement=agreement,
                number=parsed.number,
                date=parsed.date,
                currency=parsed.currency,
                po_reference=parsed.po_reference,
                due_date=due_date,
                created_by=actor,
            )
            InvoiceLine.objects.bulk_create(
                (
                    InvoiceLine(
                        invoice=stored,
                        line_number=index,
                        kind=line.kind,
                        description=line.description,
                        part_number=line.part_number,
                        fee_code=line.fee_code.strip().upper(),
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        amount=line_amount(line.quantity, line.unit_price),
                    )
                    for index, line in enumerate(parsed.lines, start=1)
                ),
                batch_size=2000,
            )
            record_event(
                actor=actor,
                verb="entered invoice",
                obj=stored,
                changes={
                    "number": parsed.number,
                    "lines": len(parsed.lines),
                    "due_date": due_date.isoformat(),
                },
                classification=Classification.RESTRICTED,
            )
            _refresh_cards(stored)
    except IntegrityError:
        raise Conflict(f"Invoice {parsed.number} of this agreement is entered already.") from None
    return stored


def payment_days_in_force(agreement: Agreement, on: dt.date) -> int | None:
    """The payment terms (net days) of the agreement's version in force on that day: the last
    one signed on or before it, as the invoice check picks the version for a PO's date."""
    signed = (
        agreement.versions.filter(
            status__in=[VersionStatus.SIGNED, VersionStatus.SUPERSEDED], signed_at__isnull=False
        )
        .order_by("-signed_at", "-number")
        .values_list("terms", "signed_at")
    )
    for terms, signed_at in signed:
        if timezone.localdate(signed_at) <= on:
            return parse_terms(terms).payment_days
    return None


def _due_date(agreement: Agreement, order: PurchaseOrder, parsed: InvoiceIn) -> dt.date:
    """The due date given, else the invoice date plus the payment terms in force at the PO's
    date; refused (naming due_date) before the invoice date or when there is neither."""
    if parsed.due_date is not None:
        if parsed.due_date < parsed.date:
            raise InvalidInput(
                f"due_date: {parsed.due_date} is before the invoice date {parsed.date}.",
                detail={"field": "due_date"},
            )
        return parsed.due_date
    days = payment_days_in_force(agreement, po_date(order))
    if days is None:
        raise InvalidInput(
            "due_date: give the day the invoice is due (the version of the agreement in force "
            "at the PO's date has no payment terms).",
            detail={"field": "due_date"},
        )
    return parsed.date + dt.timedelta(days=days)


def _refresh_cards(invoice: Invoice) -> None:
    """Inside the writing transaction: the cards an invoice counts on are refreshed after the
    commit: the buyer's card of the issuer (cost, in the month of the invoice date) and the
    issuer's card of its customer (payment on time, in the month of the due date)."""
    from accord.scorecards.choices import Direction
    from accord.scorecards.services import refresh_card_months_after

    agreement = invoice.agreement
    months = [
        (agreement.buyer_id, Direction.SUPPLIERS, agreement.partner_id, invoice.date),
    ]
    if invoice.due_date is not None:
        months.append(
            (agreement.partner_id, Direction.CUSTOMERS, agreement.buyer_id, invoice.due_date)
        )
    refresh_card_months_after(months)


def record_invoice_payment(*, actor: Person, invoice: Invoice, paid_on: dt.date) -> Invoice:
    """The buyer (the party the invoice is addressed to) records the day it paid the invoice,
    or corrects it. Refused, naming paid_on, for a day in the future or before the invoice
    date; 403 for the issuer."""
    agreement = invoice.agreement
    if _party(actor, agreement) != "buyer":
        raise Forbidden("The buyer, to whom the invoice is addressed, records its payment.")
    if not isinstance(paid_on, dt.date) or isinstance(paid_on, dt.datetime):
        raise InvalidInput("paid_on: give a date (YYYY-MM-DD).", detail={"field": "paid_on"})
    if paid_on > today():
        raise InvalidInput(
            f"paid_on: {paid_on} is in the future; record a payment once it is made.",
            detail={"field": "paid_on"},
        )
    if paid_on < invoice.date:
        raise InvalidInput(
            f"paid_on: {paid_on} is before the invoice date {invoice.date}.",
            detail={"field": "paid_on"},
        )
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        before = locked.paid_on
        locked.paid_on = paid_on
        locked.paid_recorded_by = actor
        locked.paid_recorded_at = timezone.now()
        locked.save(update_fields=["paid_on", "paid_recorded_by", "paid_recorded_at"])
        record_event(
            actor=actor,
            verb="recorded invoice payment" if before is None else "corrected invoice payment",
            obj=locked,
            changes={
                "paid_on": [before.isoformat() if before else None, paid_on.isoformat()],
            },
            classification=Classification.RESTRICTED,
        )
        _refresh_cards(locked)
    invoice.paid_on = locked.paid_on
    invoice.paid_recorded_by = actor
    invoice.paid_recorded_at = locked.paid_recorded_at
    return invoice


def _reason(reason: str) -> str:
    reason = checked_text((reason or "").strip(), field="reason", multiline=True)
    if not reason:
        raise InvalidInput("reason: say why (it stays in the history).", detail={"field": "reason"})
    if len(reason) > 500:
        raise InvalidInput("reason: at most 500 characters.", detail={"field": "reason"})
    return reason


def entering_party(invoice: Invoice) -> int:
    """The organisation that entered the invoice (its issuer when the person is gone)."""
    entered_by = invoice.created_by
    org = getattr(entered_by, "organisation_id", None)
    if org in (invoice.agreement.buyer_id, invoice.agreement.partner_id):
        return int(org)
    return int(invoice.agreement.partner_id)


def withdraw_invoice(*, actor: Person, invoice: Invoice, reason: str) -> Invoice:
    """The party that entered an invoice withdraws it (entered by mistake) while no payment is
    recorded: it stays readable, marked withdrawn, but is no billing any more (the check's
    earlier billings and the scorecards leave it out). The other party: 403; paid: 409."""
    _party(actor, invoice.agreement)
    if actor.organisation_id != entering_party(invoice):
        raise Forbidden("Only the party that entered the invoice withdraws it.")
    reason = _reason(reason)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.withdrawn_at is not None:
            raise Conflict(f"Invoice {locked.number} is withdrawn already.")
        if locked.paid_on is not None:
            raise Conflict(
                f"Invoice {locked.number} was paid on {locked.paid_on.isoformat()}: a paid "
                "invoice is not withdrawn (the issuer credits it instead)."
            )
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor
        locked.withdraw_reason = reason
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
        record_event(
            actor=actor,
            verb="withdrew invoice",
            obj=locked,
            changes={"number": locked.number, "reason": reason},
            classification=Classification.RESTRICTED,
        )
        _refresh_cards(locked)
    invoice.withdrawn_at = locked.withdrawn_at
    invoice.withdrawn_by = actor
    invoice.withdraw_reason = reason
    return invoice


def cancel_fee_request(*, actor: Person, fee_request: FeeRequest, reason: str) -> FeeRequest:
    """The buyer cancels a written fee request it recorded by mistake: the fee is no longer
    "requested" in the invoice check (unless another request of its code stands)."""
    agreement = fee_request.agreement
    if _party(actor, agreement) != "buyer":
        raise Forbidden("The buyer records its written fee requests and cancels them.")
    reason = _reason(reason)
    with transaction.atomic():
        locked = FeeRequest.objects.select_for_update().get(pk=fee_request.pk)
        if locked.cancelled_at is not None:
            raise Conflict("This fee request is cancelled already.")
        locked.cancelled_at = timezone.now()
        locked.cancelled_by = actor
        locked.cancel_reason = reason
        locked.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
        record_event(
            actor=actor,
            verb="cancelled fee request",
            obj=agreement,
            changes={"code": locked.code, "on": locked.requested_on.isoformat(), "reason": reason},
            classification=Classification.RESTRICTED,
        )
    fee_request.cancelled_at = locked.cancelled_at
    fee_request.cancelled_by = actor
    fee_request.cancel_reason = reason
    return fee_request


def _appendix_a_codes(agreement: Agreement) -> set[str]:
    """The fee codes of every signed version and the draft: a request may precede the version
    that will be in force."""
    versions = agreement.versions.exclude(status=VersionStatus.VOID).values_list("terms", flat=True)
    return {
        str(fee.get("code", "")).strip().upper()
        for terms in versions
        for fee in (terms or {}).get("fees", [])
    }


def record_fee_request(
    *, actor: Person, agreement: Agreement, code: str, requested_on: dt.date, reference: str = ""
) -> FeeRequest:
    """The buyer records that it asked in writing for a fee that Appendix A bills only on
    request (an expedite): the invoice check then accepts that fee."""
    if _party(actor, agreement) != "buyer":
        raise Forbidden("The buyer records its own written requests.")
    code = code.strip().upper()
    if not code or len(code) > 30:
        raise InvalidInput("A fee code has 1 to 30 characters.", detail={"field": "code"})
    known = _appendix_a_codes(agreement)
    if code not in known:
        raise InvalidInput(
            f"code: {code} is not a fee of Appendix A ({', '.join(sorted(known)) or 'none'}).",
            detail={"field": "code"},
        )
    with transaction.atomic():
        request = FeeRequest.objects.create(
            agreement=agreement,
            code=code,
            requested_on=requested_on,
            reference=checked_text(reference.strip(), field="reference")[:200],
            created_by=actor,
        )
        record_event(
            actor=actor,
            verb="requested fee",
            obj=agreement,
            changes={"code": code, "on": requested_on.isoformat()},
            classification=Classification.RESTRICTED,
        )
    return request


class InvoiceHeaderIn(InputSchema):
    number: Text = Field(min_length=1, max_length=60)
    date: dt.date
    currency: Currency
    po_reference: Text = Field(min_length=1, max_length=40)
    due_date: dt.date | None = Field(None, description=DUE_DATE_HELP)


def parse_invoice_header(data: Any) -> dict[str, Any]:
    """An invoice's head (number, date, currency, PO) given beside a file of its lines."""
    try:
        return InvoiceHeaderIn.model_validate(data).model_dump()
    except ValidationError as error:
        _refuse(
            [
                {
                    "clause": _clause(tuple(e["loc"])),
                    "message": str(e["msg"]).removeprefix("Value error, "),
                }
                for e in error.errors()
            ]
        )
        raise AssertionError("unreachable") from None
