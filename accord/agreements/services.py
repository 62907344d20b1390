"""Every write to agreements: drafting, editing the terms, signing, retiring and reinstating.

Each takes the agreement's row lock first (select_for_update), so that edits and signatures of
one agreement happen one after the other: two signers racing sign only the version that is
current when each gets the lock, and a signature never lands on a version an edit just
replaced. A signed version never changes: an edit makes a new draft.

Events are the acting organisation's own (no program): the program's other partners read the
program's events, and an agreement is the business of its two parties only.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accord.agreements.access import nda_covers
from accord.agreements.checks import Problem, check_terms
from accord.agreements.choices import Side, VersionStatus
from accord.agreements.diff import diff_terms
from accord.agreements.models import Agreement, AgreementVersion, Signature
from accord.agreements.queries import partner_certificates_of, program_bom_lines
from accord.agreements.terms import Terms, canonical_terms, parse_terms, terms_hash
from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from accord.core.events import record_event
from accord.core.text import checked_text
from accord.orgs.access import reach_of
from accord.orgs.models import Organisation, Person, Program


def _record(actor: Person, verb: str, obj: Any, changes: dict[str, Any]) -> None:
    record_event(
        actor=actor,
        verb=verb,
        obj=obj,
        changes=changes,
        classification=Classification.INTERNAL,
    )


def _title(title: str) -> str:
    title = checked_text(title.strip(), field="title")
    if not title or len(title) > 200:
        raise InvalidInput("A title has 1 to 200 characters.", detail={"field": "title"})
    return title


def create_agreement(
    *,
    actor: Person,
    program: Program,
    partner: Organisation,
    title: str,
    terms: Any = None,
) -> Agreement:
    """The buyer (a member of the program from its owner) drafts version 1 with a partner of
    the program. An NDA in force between the two must cover the program: without it nobody
    could read the agreement."""
    title = _title(title)
    parsed = parse_terms(terms or {})
    reach = reach_of(actor)
    if program.pk not in reach.programs:
        raise NotFound()
    if reach.organisation_id != program.owner_id:
        raise Forbidden("The program's owner drafts its agreements with its partners.")
    if not program.partners.filter(organisation=partner).exists():
        raise InvalidInput(
            f"{partner} is not a partner of {program}.", detail={"field": "partner_id"}
        )
    if not nda_covers(program.owner_id, partner.pk, program.pk):
        raise Conflict(
            f"No NDA in force between {program.owner} and {partner} covers {program}: "
            "register one first."
        )
    with transaction.atomic():
        agreement = Agreement.objects.create(
            program=program,
            buyer_id=program.owner_id,
            partner=partner,
            title=title,
            created_by=actor,
        )
        version = _new_version(agreement, 1, parsed, actor)
        _record(
            actor,
            "drafted agreement",
            agreement,
            {"partner": partner.name, "version": 1, "hash": version.terms_hash},
        )
    return agreement


def _new_version(
    agreement: Agreement, number: int, terms: Terms, actor: Person
) -> AgreementVersion:
    data = canonical_terms(terms)
    return AgreementVersion.objects.create(
        agreement=agreement,
        number=number,
        terms=data,
        terms_hash=terms_hash(data),
        created_by=actor,
    )


def _lock(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def refuse_if_retired(agreement: Agreement, doing: str) -> None:
    """409 for a write to an agreement that was retired: its versions are history only."""
    if agreement.retired_at is not None:
        day = timezone.localdate(agreement.retired_at).isoformat()
        raise Conflict(
            f"This agreement was retired on {day}: nothing is {doing} on it any more. "
            "The buyer's people may reinstate it first.",
            detail={"retired_at": agreement.retired_at.isoformat()},
        )


def current_draft(agreement: Agreement) -> AgreementVersion | None:
    return agreement.versions.filter(status=VersionStatus.DRAFT).first()


def current_version(agreement: Agreement) -> AgreementVersion | None:
    """The draft being negotiated, else the version in force (signed), else the last one."""
    versions = list(
        agreement.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.SIGNED])
    )
    for status in (VersionStatus.DRAFT, VersionStatus.SIGNED):
        for version in versions:
            if version.status == status:
                return version
    return agreement.versions.order_by("-number").first()


def save_terms(*, actor: Person, agreement: Agreement, terms: Any) -> AgreementVersion:
    """Edit the terms. A draft nobody signed yet changes in place; a draft one side signed is
    voided with its signature and a new draft takes its place; with no draft (the last version
    is signed) the edit starts a new draft. A signed version never changes."""
    parsed = parse_terms(terms)
    data = canonical_terms(parsed)
    digest = terms_hash(data)
    with transaction.atomic():
        refuse_if_retired(_lock(agreement), "drafted or edited")
        draft = current_draft(agreement)
        if draft is not None and draft.terms_hash == digest:
            raise Conflict("These are the draft's terms already: nothing changed.")
        before = current_version(agreement)
        signed = draft is not None and draft.signatures.filter(voided_at__isnull=True).exists()
        if draft is not None and not signed:
            draft.terms = data
            draft.terms_hash = digest
            draft.save(update_fields=["terms", "terms_hash", "updated_at"])
            version = draft
        else:
            if draft is not None:
                now = timezone.now()
                draft.signatures.filter(voided_at__isnull=True).update(voided_at=now)
                draft.status = VersionStatus.VOID
                draft.save(update_fields=["status", "updated_at"])
            highest = agreement.versions.aggregate(n=Max("number"))["n"] or 0
            version = _new_version(agreement, highest + 1, parsed, actor)
        changed = diff_terms(parse_terms(before.terms), parsed) if before else []
        _record(
            actor,
            "edited agreement terms",
            agreement,
            {
                "version": version.number,
                "hash": digest,
                "voided": draft.number if signed and draft else None,
                "clauses changed": len(changed),
            },
        )
    return version


def check_version(version: AgreementVersion) -> list[Problem]:
    """Every problem of the version's terms by clause (the program's BOM lines read once, the
    partner's certificates in force today): the notes of the check do not block signing."""
    agreement = version.agreement
    return check_terms(
        parse_terms(version.terms),
        program_bom_lines(agreement.program),
        partner_certificates_of(agreement),
    )


def sign_agreement_version(
    *, actor: Person, agreement: Agreement, terms_hash: str
) -> AgreementVersion:
    """An authorised signer of a side signs the hash of the current draft. A hash that is not
    the current draft's (superseded, void, mistyped) answers 409, and so does a side signing
    twice; a draft the check finds problems in answers 422 naming each clause. When both sides
    have signed, the version is signed and the version signed before it is superseded."""
    side = agreement.side_of(actor.organisation_id)
    organisation = actor.organisation
    if side is None or organisation is None or not actor.can_sign_agreements:
        raise Forbidden("Only an authorised signer of one of the two parties signs.")
    with transaction.atomic():
        refuse_if_retired(_lock(agreement), "signed")
        draft = current_draft(agreement)
        if draft is None or draft.terms_hash != terms_hash.strip().lower():
            current = f" (the current draft is {draft.terms_hash})" if draft else ""
            raise Conflict(
                f"This hash is not the current draft's{current}: read the terms again "
                "before signing.",
                detail={"current_hash": draft.terms_hash if draft else None},
            )
        if draft.signatures.filter(side=side, voided_at__isnull=True).exists():
            raise Conflict(f"Your side ({side}) has signed version {draft.number} already.")
        problems = check_version(draft)
        if problems:
            raise InvalidInput(
                "Not signed: the check found " + "; ".join(str(p) for p in problems),
                detail={"problems": [{"clause": p.clause, "message": p.message} for p in problems]},
            )
        Signature.objects.create(
            version=draft,
            side=side,
            organisation=organisation,
            signer=actor,
            signed_hash=draft.terms_hash,
        )
        both = draft.signatures.filter(voided_at__isnull=True).values("side").distinct().count()
        superseded = None
        if both == len(Side.values):
            previous = agreement.versions.filter(status=VersionStatus.SIGNED).first()
            if previous is not None:
                previous.status = VersionStatus.SUPERSEDED
                previous.save(update_fields=["status", "updated_at"])
                superseded = previous.number
            draft.status = VersionStatus.SIGNED
            draft.signed_at = timezone.now()
            draft.save(update_fields=["status", "signed_at", "updated_at"])
        _record(
            actor,
            "signed agreement",
            agreement,
            {
                "version": draft.number,
                "hash": draft.terms_hash,
                "side": side,
                "in force": draft.status == VersionStatus.SIGNED,
                "superseded": superseded,
            },
        )
    return draft


def _require_buyer(actor: Person, agreement: Agreement, doing: str) -> None:
    """The program's owner (the buyer), who drafts the agreement, retires and reinstates it."""
    if agreement.program_id not in reach_of(actor).programs:
        raise NotFound()
    if actor.organisation_id != agreement.buyer_id:
        raise Forbidden(f"Only the buyer's people, who draft the agreement, {doing} it.")


def retire_agreement(*, actor: Person, agreement: Agreement, reason: str) -> Agreement:
    """End the agreement: every version stays readable, nothing more is drafted, edited or
    signed, an open draft stays as it was (reinstating resumes it), and the invoice check finds
    no agreement in force for a purchase order dated on or after the day of retirement (those
    dated before are still checked against the version in force at their date)."""
    _require_buyer(actor, agreement, "retire")
    reason = checked_text(reason.strip(), field="reason", multiline=True)
    if not reason or len(reason) > 500:
        raise InvalidInput(
            "Give the reason for retiring the agreement (1 to 500 characters).",
            detail={"field": "reason"},
        )
    with transaction.atomic():
        locked = _lock(agreement)
        if locked.retired_at is not None:
            day = timezone.localdate(locked.retired_at).isoformat()
            raise Conflict(f"This agreement was retired on {day} already.")
        locked.retired_at = timezone.now()
        locked.retired_by = actor
        locked.retire_reason = reason
        locked.save(update_fields=["retired_at", "retired_by", "retire_reason"])
        _record(
            actor,
            "retired agreement",
            locked,
            {"reason": reason, "retired_at": locked.retired_at.isoformat()},
        )
    return locked


def reinstate_agreement(*, actor: Person, agreement: Agreement) -> Agreement:
    """Undo a retirement: the agreement is in force again (its signed version for every
    purchase order from its signing on) and its draft may be edited and signed."""
    _require_buyer(actor, agreement, "reinstate")
    with transaction.atomic():
        locked = _lock(agreement)
        if locked.retired_at is None:
            raise Conflict("This agreement is not retired.")
        before = {"retired_at": locked.retired_at.isoformat(), "reason": locked.retire_reason}
        locked.retired_at = None
        locked.retired_by = None
        locked.retire_reason = ""
        locked.save(update_fields=["retired_at", "retired_by", "retire_reason"])
        _record(actor, "reinstated agreement", locked, {"was retired": before})
    return locked
