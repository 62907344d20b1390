"""Every write to RFQs and quotes: asking for quotes, inviting EMS providers, submitting a
quote, awarding one (which drafts SOW terms through services.py), closing one without award.

An RFQ is the buyer's business and each quote its EMS's: events are the acting organisation's
own, classified restricted, so no other partner of the program reads them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.agreements.access import agreements_visible_to, nda_covers
from accord.agreements.choices import FeeBasis, RfqStatus
from accord.agreements.models import Agreement, Rfq, RfqQuote, RfqQuoteFee, RfqQuoteTier
from accord.agreements.quote_terms import QuoteTerms, award_terms, parse_quote, quote_currency
from accord.agreements.services import create_agreement, current_version, save_terms
from accord.agreements.terms import parse_terms
from accord.core.access import today
from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from accord.core.events import record_event
from accord.core.text import checked_text
from accord.orgs.access import reach_of
from accord.orgs.choices import OrganisationKind
from accord.orgs.models import Organisation, Person, Program
from accord.parts.models import Bom

DEFAULT_VOLUMES = (500, 5000, 50000)
MAX_VOLUME = 10**8


def _record(actor: Person, verb: str, obj: Any, changes: dict[str, Any]) -> None:
    record_event(
        actor=actor, verb=verb, obj=obj, changes=changes, classification=Classification.RESTRICTED
    )


def parse_volumes(volumes: Iterable[Any] | None) -> list[int]:
    """Whole units from 1 to 100,000,000, at most 10, distinct, ascending."""
    values = list(DEFAULT_VOLUMES if volumes is None else volumes)
    if not 1 <= len(values) <= 10:
        raise InvalidInput("Give 1 to 10 volumes.", detail={"field": "volumes"})
    out = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_VOLUME:
            raise InvalidInput(
                f"volumes: {value!r} is not a whole number of units from 1 to {MAX_VOLUME:,}.",
                detail={"field": "volumes"},
            )
        out.append(value)
    if len(set(out)) != len(out):
        raise InvalidInput("volumes: a volume is named twice.", detail={"field": "volumes"})
    return sorted(out)


def create_rfq(
    *,
    actor: Person,
    program: Program,
    bom: Bom,
    title: str,
    due_date: dt.date,
    volumes: Iterable[Any] | None = None,
    invited: Iterable[Organisation] = (),
) -> Rfq:
    """The program's owner asks for quotes on one of the program's assembly revisions."""
    title = checked_text(title.strip(), field="title")
    if not title or len(title) > 200:
        raise InvalidInput("A title has 1 to 200 characters.", detail={"field": "title"})
    parsed = parse_volumes(volumes)
    reach = reach_of(actor)
    if program.pk not in reach.programs:
        raise NotFound()
    if reach.organisation_id != program.owner_id:
        raise Forbidden("The program's owner asks for quotes.")
    if bom.program_id != program.pk:
        raise InvalidInput(f"{bom} is not a BOM of {program}.", detail={"field": "bom_id"})
    with transaction.atomic():
        rfq = Rfq.objects.create(
            program=program,
            buyer_id=program.owner_id,
            bom=bom,
            title=title,
            volumes=parsed,
            due_date=due_date,
            created_by=actor,
        )
        _record(actor, "asked for quotes", rfq, {"bom": str(bom), "volumes": parsed})
        for organisation in invited:
            _invite(actor, rfq, organisation)
    return rfq


def _invite(actor: Person, rfq: Rfq, organisation: Organisation) -> None:
    if organisation.kind != OrganisationKind.EMS:
        raise InvalidInput(
            f"{organisation} is not an EMS provider.", detail={"field": "organisation_id"}
        )
    if not rfq.program.partners.filter(organisation=organisation).exists():
        raise InvalidInput(
            f"{organisation} is not a partner of {rfq.program}.",
            detail={"field": "organisation_id"},
        )
    if not nda_covers(rfq.buyer_id, organisation.pk, rfq.program_id):
        raise Conflict(
            f"No NDA in force between {rfq.buyer} and {organisation} covers {rfq.program}: "
            "they could not read the request."
        )
    if rfq.invited.filter(pk=organisation.pk).exists():
        raise Conflict(f"{organisation} is invited already.")
    rfq.invited.add(organisation)
    _record(actor, "invited to quote", rfq, {"organisation": organisation.name})


def invite_to_rfq(*, actor: Person, rfq: Rfq, organisation: Organisation) -> Rfq:
    if rfq.buyer_id != actor.organisation_id:
        raise Forbidden("Only the buyer who asked for the quotes invites.")
    if rfq.status != RfqStatus.OPEN:
        raise Conflict("This RFQ is closed.")
    with transaction.atomic():
        Rfq.objects.select_for_update().get(pk=rfq.pk)
        _invite(actor, rfq, organisation)
    return rfq


def submit_quote(*, actor: Person, rfq: Rfq, quote: Any) -> RfqQuote:
    """An invited EMS enters (or replaces) its quote. Refused whole, naming every clause, for
    gapped or overlapping tiers, prices at or below zero, fees without basis, mixed currencies."""
    parsed = parse_quote(quote)
    org = actor.organisation_id
    if org is None or not rfq.invited.filter(pk=org).exists():
        raise Forbidden("Only an invited EMS provider quotes.")
    if rfq.status != RfqStatus.OPEN:
        raise Conflict("This RFQ is closed: quotes are no longer taken.")
    with transaction.atomic():
        Rfq.objects.select_for_update().get(pk=rfq.pk)
        replaced = RfqQuote.objects.filter(rfq=rfq, supplier_id=org).delete()[0] > 0
        stored = _store_quote(actor, rfq, parsed)
        _record(
            actor,
            "submitted quote",
            rfq,
            {"replaced": replaced, "tiers": len(parsed.tiers), "fees": len(parsed.fees)},
        )
    return stored


def _store_quote(actor: Person, rfq: Rfq, parsed: QuoteTerms) -> RfqQuote:
    assert actor.organisation_id is not None  # submit_quote checked the invitation
    stored = RfqQuote.objects.create(
        rfq=rfq,
        supplier_id=actor.organisation_id,
        currency=quote_currency(parsed),
        moq=parsed.moq,
        order_multiple=parsed.order_multiple,
        nre=parsed.nre,
        lead_time_days=parsed.lead_time_days,
        valid_until=parsed.valid_until,
        notes=parsed.notes,
        submitted_by=actor,
    )
    RfqQuoteTier.objects.bulk_create(
        RfqQuoteTier(quote=stored, from_quantity=t.from_quantity, unit_price=t.unit_price)
        for t in parsed.tiers
    )
    RfqQuoteFee.objects.bulk_create(
        RfqQuoteFee(
            quote=stored,
            code=f.code,
            description=f.description,
            basis=f.basis or FeeBasis.ONE_TIME,
            amount=f.amount,
        )
        for f in parsed.fees
    )
    return stored


def quote_as_terms(quote: RfqQuote) -> QuoteTerms:
    """A stored quote back as its typed terms."""
    return QuoteTerms.model_validate(
        {
            "tiers": [
                {
                    "from_quantity": t.from_quantity,
                    "unit_price": t.unit_price,
                    "currency": quote.currency,
                }
                for t in quote.tiers.all()
            ],
            "moq": quote.moq,
            "order_multiple": quote.order_multiple,
            "nre": quote.nre,
            "fees": [
                {
                    "code": f.code,
                    "description": f.description,
                    "basis": f.basis,
                    "amount": f.amount,
                    "currency": quote.currency,
                }
                for f in quote.fees.all()
            ],
            "lead_time_days": quote.lead_time_days,
            "valid_until": quote.valid_until,
            "notes": quote.notes,
        }
    )


def withdraw_quote(*, actor: Person, rfq: Rfq, quote: RfqQuote, reason: str) -> RfqQuote:
    """The EMS that submitted a quote withdraws it while the RFQ is open: it leaves the
    comparison (the buyer no longer sees it), stays listed to its EMS as withdrawn; the EMS may
    submit again (a new quote replaces it). Awarded or closed: 409."""
    if quote.rfq_id != rfq.pk:
        raise NotFound()
    if quote.supplier_id != actor.organisation_id:
        raise Forbidden("Only the EMS that submitted the quote withdraws it.")
    reason = checked_text((reason or "").strip(), field="reason", multiline=True)
    if not reason:
        raise InvalidInput("reason: say why (the buyer is told).", detail={"field": "reason"})
    if len(reason) > 500:
        raise InvalidInput("reason: at most 500 characters.", detail={"field": "reason"})
    with transaction.atomic():
        locked_rfq = Rfq.objects.select_for_update().get(pk=rfq.pk)
        if locked_rfq.status != RfqStatus.OPEN:
            raise Conflict(
                f"This RFQ is {RfqStatus(locked_rfq.status).label.lower()}: its quotes stand."
            )
        locked = RfqQuote.objects.select_for_update().get(pk=quote.pk)
        if locked.withdrawn_at is not None:
            raise Conflict("This quote is withdrawn already.")
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor
        locked.withdraw_reason = reason
        # update() keeps submitted_at (auto_now) as it was.
        RfqQuote.objects.filter(pk=locked.pk).update(
            withdrawn_at=locked.withdrawn_at, withdrawn_by=actor, withdraw_reason=reason
        )
        _record(actor, "withdrew quote", locked_rfq, {"quote": locked.pk, "reason": reason})
    quote.withdrawn_at = locked.withdrawn_at
    quote.withdrawn_by = actor
    quote.withdraw_reason = reason
    return quote


def award_quote(*, actor: Person, rfq: Rfq, quote: RfqQuote) -> Agreement:
    """The buyer awards a quote: its tiers, MOQ, multiple, NRE and fees become draft SOW terms
    with that EMS, a new draft version of their agreement on the program when there is one,
    else a new agreement (create_agreement / save_terms: their rules apply). An expired quote
    is not awarded."""
    if rfq.buyer_id != actor.organisation_id:
        raise Forbidden("Only the buyer who asked for the quotes awards.")
    if quote.rfq_id != rfq.pk:
        raise NotFound()
    if quote.withdrawn_at is not None:
        raise Conflict("This quote is withdrawn: its EMS may submit a new one.")
    if quote.valid_until < today():
        raise Conflict(f"This quote expired on {quote.valid_until.isoformat()}: ask for a new one.")
    with transaction.atomic():
        locked = Rfq.objects.select_for_update().get(pk=rfq.pk)
        if locked.status != RfqStatus.OPEN:
            raise Conflict("This RFQ is awarded or closed already.")
        # A retired agreement stays retired: the award drafts a new one beside it.
        existing = (
            agreements_visible_to(actor)
            .filter(
                program_id=rfq.program_id,
                buyer_id=rfq.buyer_id,
                partner_id=quote.supplier_id,
                retired_at__isnull=True,
            )
            .order_by("pk")
            .first()
        )
        quoted = quote_as_terms(quote)
        if existing is None:
            agreement = create_agreement(
                actor=actor,
                program=rfq.program,
                partner=quote.supplier,
                title=f"{rfq.title} (awarded quote)",
                terms=award_terms(quoted),
            )
        else:
            base = current_version(existing)
            terms = award_terms(quoted, parse_terms(base.terms) if base else None)
            save_terms(actor=actor, agreement=existing, terms=terms)
            agreement = existing
        locked.status = RfqStatus.AWARDED
        locked.awarded_quote = quote
        locked.save(update_fields=["status", "awarded_quote"])
        _record(
            actor,
            "awarded quote",
            locked,
            {"supplier": quote.supplier.name, "agreement": agreement.pk},
        )
    return agreement


def close_rfq(*, actor: Person, rfq: Rfq, reason: str = "") -> Rfq:
    """The buyer closes (cancels) an open RFQ without awarding it: no more invitations,
    quotes or award; the quotes in stay readable. The reason, if given, is in the event."""
    if rfq.buyer_id != actor.organisation_id:
        raise Forbidden("Only the buyer who asked for the quotes closes the request.")
    reason = checked_text(reason.strip(), field="reason", multiline=True)
    if len(reason) > 500:
        raise InvalidInput("A reason has at most 500 characters.", detail={"field": "reason"})
    with transaction.atomic():
        locked = Rfq.objects.select_for_update().get(pk=rfq.pk)
        if locked.status != RfqStatus.OPEN:
            raise Conflict(f"This RFQ is {RfqStatus(locked.status).label.lower()} already.")
        locked.status = RfqStatus.CLOSED
        locked.save(update_fields=["status"])
        _record(
            actor,
            "closed RFQ without award",
            locked,
            {"reason": reason, "quotes": locked.quotes.count()},
        )
    return locked
