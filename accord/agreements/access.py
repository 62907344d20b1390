"""Who may see which agreement. The only way to reach them.

An agreement is restricted data of its two parties: the program's members from the buyer and
from the partner read it, and only while an NDA in force between the two covers the program.
Everyone else (the program's other partners, other customers of the same EMS, anybody whose
NDA lapsed) gets 404, as if it did not exist; a lapse hides it at once, for both sides. The
people who see it edit its draft (the buyer drafts, the partner answers in the terms); only a
side's authorised signers (Person.can_sign_agreements) sign.

Each read of the terms (prices among them) is in the other party's access log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from accord.agreements.models import (
    Agreement,
    AgreementVersion,
    FeeRequest,
    FlexException,
    Invoice,
    Rfq,
    RfqQuote,
)
from accord.core.access import get_or_404, record_restricted_read, record_restricted_reads
from accord.core.errors import Forbidden
from accord.core.memo import memoised
from accord.orgs.access import ndas_in_force, people_visible_to, programs_visible_to, reach_of
from accord.orgs.models import Organisation, Program

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class NdaCover:
    """What the NDAs in force of one organisation cover, decided now."""

    all_programs: frozenset[int]  # organisations whose NDA with it covers every program
    programs: frozenset[tuple[int, int]]  # (other organisation, program) covered


def nda_cover_of(organisation_id: int) -> NdaCover:
    return memoised(("agreements-nda-cover", organisation_id), lambda: _cover(organisation_id))


def _cover(org: int) -> NdaCover:
    all_programs: set[int] = set()
    programs: set[tuple[int, int]] = set()
    rows = (
        ndas_in_force()
        .filter(Q(party_a_id=org) | Q(party_b_id=org))
        .values_list("party_a_id", "party_b_id", "covers_all_programs", "programs")
    )
    for party_a, party_b, covers_all, program in rows:
        other = party_b if party_a == org else party_a
        if covers_all:
            all_programs.add(other)
        if program is not None:
            programs.add((other, program))
    return NdaCover(frozenset(all_programs), frozenset(programs))


def nda_covers(organisation_id: int, other_id: int, program_id: int) -> bool:
    cover = nda_cover_of(organisation_id)
    return other_id in cover.all_programs or (other_id, program_id) in cover.programs


def _visibility(user: Any) -> Q:
    reach = reach_of(user)
    org = reach.organisation_id
    if org is None or not reach.programs:
        return NOTHING
    cover = nda_cover_of(org)
    visible = NOTHING
    for own, other in (("buyer_id", "partner_id"), ("partner_id", "buyer_id")):
        covered = Q(**{f"{other}__in": sorted(cover.all_programs)})
        for other_id, program_id in sorted(cover.programs):
            covered |= Q(**{other: other_id, "program_id": program_id})
        visible |= Q(**{own: org}) & covered
    return Q(program_id__in=reach.programs) & visible


def agreements_visible_to(user: Any) -> QuerySet[Agreement]:
    return Agreement.objects.filter(_visibility(user))


def versions_visible_to(user: Any) -> QuerySet[AgreementVersion]:
    return AgreementVersion.objects.filter(agreement__in=agreements_visible_to(user))


def latest_versions(user: Any, agreements: Iterable[Agreement]) -> dict[int, AgreementVersion]:
    """The newest version of each of these agreements (the lists show its number and state)."""
    return {
        version.agreement_id: version
        for version in versions_visible_to(user)
        .filter(agreement__in=list(agreements))
        .order_by("number")
    }


def drafting_choices(user: Any) -> tuple[QuerySet[Program], QuerySet[Organisation]]:
    """The programs the person's organisation owns (it drafts their agreements) and the
    partner organisations of those programs."""
    programs = programs_visible_to(user).filter(owner_id=getattr(user, "organisation_id", None))
    return programs, partner_organisations(programs)


def partner_organisations(programs: Any) -> QuerySet[Organisation]:
    """The partner organisations of these programs (of a program its owner drafts for)."""
    return Organisation.objects.filter(partnerships__program__in=programs).distinct()


def get_agreement_for_user(
    user: Any, pk: Any, *, sign: bool = False, buyer: bool = False
) -> Agreement:
    """An agreement the person may see, else 404. Everyone who sees it may edit its draft;
    with `sign`, 403 unless the person is an authorised signer (of a side, necessarily); with
    `buyer`, 403 unless their organisation is the buyer, the program's owner, whose people
    draft it (retire, reinstate)."""
    agreement = get_or_404(
        agreements_visible_to(user).select_related("program", "buyer", "partner", "retired_by"),
        pk=pk,
    )
    if sign and not user.can_sign_agreements:
        granters = signing_right_granters(user)
        raise Forbidden(
            "You need the signing right to sign agreements for your organisation; its "
            f"administrators can grant it: {', '.join(granters) or 'none is active'}.",
            detail={"granted_by": granters},
        )
    if buyer and agreement.buyer_id != reach_of(user).organisation_id:
        raise Forbidden("Only the buyer's people, who draft the agreement, retire or reinstate it.")
    return agreement


def signing_right_granters(user: Any) -> list[str]:
    """The names of the active administrators of the person's organisation: they grant the
    right to sign agreements (to themselves too)."""
    return [
        str(p)
        for p in people_visible_to(user)
        .filter(is_org_admin=True, is_active=True)
        .order_by("last_name", "first_name", "pk")
    ]


def get_program_for_drafting(user: Any, pk: Any) -> Program:
    """A program the person sees (else 404) whose owner is their organisation: the buyer
    drafts its agreements (else 403)."""
    program = get_or_404(programs_visible_to(user).select_related("owner"), pk=pk)
    if program.owner_id != reach_of(user).organisation_id:
        raise Forbidden("The program's owner drafts its agreements with its partners.")
    return program


def get_version_for_user(user: Any, agreement: Agreement, number: Any) -> AgreementVersion:
    """A version of an agreement reached through get_agreement_for_user, else 404."""
    return get_or_404(agreement.versions.all(), number=number)


def log_terms_read(user: Any, agreement: Agreement, *, channel: str, path: str) -> None:
    """The terms (prices, fees) are both parties' restricted data: a read by one side is in
    the other side's access log."""
    side = agreement.side_of(user.organisation_id)
    other = agreement.partner if side == "buyer" else agreement.buyer
    record_restricted_read(
        user, agreement, owner=other, program=agreement.program, channel=channel, path=path
    )


# RFQs and quotes ---------------------------------------------------------------------------
# An RFQ is the buyer's restricted data: the program's members from the buyer see it, and so do
# the program's members from each invited EMS while an NDA between the two covers the program.
# A quote is its EMS's restricted data: the EMS's own people (on the program) see their own
# quote only, never another's quote or name; the buyer's see every quote of its RFQs from an
# EMS whose NDA covers the program. Everyone else: 404.


def _covered_by(cover: NdaCover, other: str, program: str) -> Q:
    """Rows whose `other` organisation (a lookup) has an NDA with the reader's covering the
    row's `program` (a lookup)."""
    covered = Q(**{f"{other}__in": sorted(cover.all_programs)})
    for other_id, program_id in sorted(cover.programs):
        covered |= Q(**{other: other_id, program: program_id})
    return covered


def rfqs_visible_to(user: Any) -> QuerySet[Rfq]:
    reach = reach_of(user)
    org = reach.organisation_id
    if org is None or not reach.programs:
        return Rfq.objects.none()
    cover = nda_cover_of(org)
    invited = Rfq.invited.through.objects.filter(organisation_id=org).values("rfq_id")
    visible = Q(buyer_id=org) | (Q(pk__in=invited) & _covered_by(cover, "buyer_id", "program_id"))
    return Rfq.objects.filter(Q(program_id__in=reach.programs) & visible)


def quotes_visible_to(user: Any) -> QuerySet[RfqQuote]:
    reach = reach_of(user)
    org = reach.organisation_id
    if org is None or not reach.programs:
        return RfqQuote.objects.none()
    cover = nda_cover_of(org)
    # A quote its EMS withdrew is gone for the buyer; its EMS still sees it, marked withdrawn.
    as_buyer = (
        Q(rfq__buyer_id=org)
        & Q(withdrawn_at__isnull=True)
        & _covered_by(cover, "supplier_id", "rfq__program_id")
    )
    as_supplier = Q(supplier_id=org) & _covered_by(cover, "rfq__buyer_id", "rfq__program_id")
    return RfqQuote.objects.filter(Q(rfq__program_id__in=reach.programs) & (as_buyer | as_supplier))


def get_rfq_for_user(user: Any, pk: Any, *, buyer: bool = False) -> Rfq:
    """An RFQ the person sees, else 404; with `buyer`, 403 unless their organisation asked
    for it (invite, award, close)."""
    rfq = get_or_404(rfqs_visible_to(user).select_related("program", "buyer", "bom"), pk=pk)
    if buyer and rfq.buyer_id != reach_of(user).organisation_id:
        raise Forbidden("Only the buyer who asked for the quotes does this.")
    return rfq


def get_quote_for_user(user: Any, rfq: Rfq, pk: Any, *, supplier: bool = False) -> RfqQuote:
    """A quote of the RFQ the person sees, else 404; with `supplier` (withdrawing it), 403
    unless their organisation is the EMS that submitted it."""
    quote = get_or_404(quotes_visible_to(user).filter(rfq=rfq).select_related("supplier"), pk=pk)
    if supplier and quote.supplier_id != reach_of(user).organisation_id:
        raise Forbidden("Only the EMS that submitted the quote withdraws it.")
    return quote


def log_quote_reads(
    user: Any, rfq: Rfq, quotes: list[RfqQuote], *, channel: str, path: str
) -> None:
    """Prices of a quote are its EMS's restricted data: one access-log entry per quote read by
    someone of another organisation (the buyer), in one insert."""
    record_restricted_reads(
        user,
        [(q.supplier_id, rfq.program_id, "agreements.rfqquote", q.pk, str(q)) for q in quotes],
        channel=channel,
        path=path,
    )


# Invoices ----------------------------------------------------------------------------------
# An invoice belongs to an agreement: whoever sees the agreement sees its invoices (both
# parties, under the NDA); its check reads the terms, logged as a read of the terms.


def invoices_visible_to(user: Any) -> QuerySet[Invoice]:
    return Invoice.objects.filter(agreement__in=agreements_visible_to(user))


def get_invoice_for_user(user: Any, pk: Any, *, buyer: bool = False) -> Invoice:
    """An invoice the person sees, else 404; with `buyer` (recording its payment), 403 unless
    their organisation is the party the invoice is addressed to."""
    invoice = get_or_404(
        invoices_visible_to(user).select_related(
            "agreement", "agreement__program", "agreement__buyer", "agreement__partner"
        ),
        pk=pk,
    )
    if buyer and invoice.agreement.buyer_id != reach_of(user).organisation_id:
        raise Forbidden("The buyer, to whom the invoice is addressed, records its payment.")
    return invoice


def fee_requests_visible_to(user: Any) -> QuerySet[FeeRequest]:
    """A written fee request belongs to its agreement: whoever sees the agreement sees it."""
    return FeeRequest.objects.filter(agreement__in=agreements_visible_to(user))


def fee_requests_of(user: Any, agreement: Agreement) -> QuerySet[FeeRequest]:
    """The agreement's fee requests (reached through get_agreement_for_user), newest first."""
    return (
        fee_requests_visible_to(user)
        .filter(agreement=agreement)
        .select_related("created_by", "cancelled_by")
    )


def get_fee_request_for_user(user: Any, pk: Any, *, buyer: bool = False) -> FeeRequest:
    """A fee request the person sees, else 404; with `buyer` (cancelling it), 403 unless
    their organisation is the agreement's buyer, who records them."""
    fee_request = get_or_404(
        fee_requests_visible_to(user).select_related(
            "agreement", "agreement__program", "agreement__buyer", "agreement__partner"
        ),
        pk=pk,
    )
    if buyer and fee_request.agreement.buyer_id != reach_of(user).organisation_id:
        raise Forbidden("The buyer records its written fee requests and cancels them.")
    return fee_request


# The rater's own records for its scorecards (ADR 0011): counted as a whole, never used to
# show rows (a card's drill-down lists them through invoices_visible_to).


def invoices_received_by(organisation_id: int) -> QuerySet[Invoice]:
    """The invoices addressed to the organisation (the buyer of their agreement); a withdrawn
    invoice is no billing and counts on no card."""
    return Invoice.objects.filter(agreement__buyer_id=organisation_id, withdrawn_at__isnull=True)


def invoices_issued_by(organisation_id: int) -> QuerySet[Invoice]:
    """The invoices the organisation issued (the partner of their agreement), withdrawn ones
    left out."""
    return Invoice.objects.filter(agreement__partner_id=organisation_id, withdrawn_at__isnull=True)


# Flex exceptions --------------------------------------------------------------------------
# A schedule change beyond a flex band belongs to the agreement: whoever sees the agreement
# sees its exceptions (both parties, under the NDA); only the EMS (the agreement's partner)
# accepts or declines one: the buyer, who made the change, gets 403.


def flex_exceptions_visible_to(user: Any) -> QuerySet[FlexException]:
    return FlexException.objects.filter(agreement__in=agreements_visible_to(user))


def flex_exceptions_of(user: Any, agreement: Agreement) -> QuerySet[FlexException]:
    """The agreement's exceptions (reached through get_agreement_for_user), newest first."""
    return (
        flex_exceptions_visible_to(user)
        .filter(agreement=agreement)
        .select_related(
            "build", "build__assembly", "build_version", "version", "raised_by", "decided_by"
        )
    )


def get_flex_exception_for_user(user: Any, pk: Any, *, decide: bool = False) -> FlexException:
    """An exception the person sees, else 404; with `decide`, 403 unless the person is of
    the agreement's partner (the EMS)."""
    exception = get_or_404(
        flex_exceptions_visible_to(user).select_related(
            "agreement", "agreement__program", "agreement__buyer", "agreement__partner", "build"
        ),
        pk=pk,
    )
    if decide and reach_of(user).organisation_id != exception.agreement.partner_id:
        raise Forbidden(
            f"Only {exception.agreement.partner} (the EMS of the agreement) accepts or "
            "declines a flex exception."
        )
    return exception
