"""NDAs after registration: amended (new expiry, programs covered) and their signed document
attached or replaced, by an administrator of either party."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput, TooLarge
from accord.core.events import diff_fields, record_event
from accord.core.memo import forget_memoised
from accord.orgs.choices import NdaStatus
from accord.orgs.models import Nda, Person, Program

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class SignedDocument:
    """The bytes of a signed NDA as uploaded, and the name to offer when it is downloaded."""

    data: bytes
    filename: str

    @classmethod
    def checked(cls, data: bytes, filename: str) -> SignedDocument:
        limit = settings.MAX_NDA_DOCUMENT_MB * 1024 * 1024
        if len(data) > limit:
            raise TooLarge(
                f"The signed document is larger than {settings.MAX_NDA_DOCUMENT_MB} MB.",
                detail={"field": "document", "max_mb": settings.MAX_NDA_DOCUMENT_MB},
            )
        if not data.startswith(PDF_MAGIC):
            raise InvalidInput(
                "The signed document must be a PDF file.", detail={"field": "document"}
            )
        return cls(data, display_name(filename))


def display_name(filename: str) -> str:
    """A file name safe to offer in Content-Disposition: no path, no control characters."""
    base = os.path.basename(filename.replace("\\", "/")).strip()
    base = "".join(c for c in base if unicodedata.category(c)[0] not in {"C", "Z"} or c == " ")
    stem, _ext = os.path.splitext(base)
    stem = stem.strip(" .")[:150] or "signed-nda"
    return f"{stem}.pdf"


def require_party_admin(actor: Person, nda: Nda) -> None:
    if not (
        actor.is_active
        and actor.is_org_admin
        and actor.organisation_id in {nda.party_a_id, nda.party_b_id}
    ):
        raise Forbidden("Only an administrator of one of the parties can change this NDA.")


def check_covered_programs(nda_parties: set[int], programs: Iterable[Program]) -> list[Program]:
    """An NDA covers programs owned by one of its two parties."""
    chosen = list(programs)
    foreign = [p.name for p in chosen if p.owner_id not in nda_parties]
    if foreign:
        raise InvalidInput(
            f"An NDA covers programs of its parties only: {', '.join(foreign)}.",
            detail={"field": "programs"},
        )
    return chosen


def store_document(nda: Nda, document: SignedDocument) -> None:
    """Save the file under MEDIA_ROOT (a generated name, never the uploaded one)."""
    old = nda.document.name if nda.document else ""
    nda.document.save("signed.pdf", ContentFile(document.data), save=False)
    nda.document_name = document.filename
    nda.save(update_fields=["document", "document_name"])
    if old:
        storage = nda.document.storage
        # Deleted only once the new name is committed: a rollback keeps the old file in place.
        transaction.on_commit(lambda: storage.delete(old))


def amend_nda(
    *,
    actor: Person,
    nda: Nda,
    expiry_date: dt.date | object | None = ...,
    programs: Iterable[Program] | None = None,
    covers_all_programs: bool | None = None,
    document: SignedDocument | None = None,
) -> Nda:
    """A new expiry (None: no fixed end), other programs covered, or the signed amendment.
    `...` leaves the expiry as it is."""
    with transaction.atomic():
        locked = Nda.objects.select_for_update().get(pk=nda.pk)
        require_party_admin(actor, locked)
        if locked.status == NdaStatus.TERMINATED:
            raise Conflict("This NDA is terminated; register a new one.")
        before = {
            "expiry_date": locked.expiry_date,
            "covers_all_programs": locked.covers_all_programs,
            "programs": sorted(p.name for p in locked.programs.all()),
        }
        if expiry_date is not ...:
            if expiry_date is not None and not isinstance(expiry_date, dt.date):
                raise InvalidInput("The expiry is not a date.", detail={"field": "expiry_date"})
            if expiry_date is not None and expiry_date < locked.effective_date:
                raise InvalidInput(
                    "The expiry date is before the effective date.",
                    detail={"field": "expiry_date"},
                )
            locked.expiry_date = expiry_date
        if covers_all_programs is not None:
            locked.covers_all_programs = covers_all_programs
        locked.save(update_fields=["expiry_date", "covers_all_programs"])
        if programs is not None:
            chosen = check_covered_programs({locked.party_a_id, locked.party_b_id}, programs)
            locked.programs.set(chosen)
        if document is not None:
            store_document(locked, document)
        after = {
            "expiry_date": locked.expiry_date,
            "covers_all_programs": locked.covers_all_programs,
            "programs": sorted(p.name for p in locked.programs.all()),
        }
        changes: dict[str, object] = dict(diff_fields(before, after))
        if document is not None:
            changes["document"] = document.filename
        record_event(
            actor=actor,
            verb="amended NDA",
            obj=locked,
            organisation=actor.organisation,
            classification=Classification.INTERNAL,
            changes=changes,
        )
        _record_for_other_party(actor, locked, "amended NDA", changes)
    forget_memoised()
    return locked


def terminate_nda(*, actor: Person, nda: Nda) -> Nda:
    """Ends the NDA today: restricted data it opened is no longer shared, at once."""
    with transaction.atomic():
        locked = Nda.objects.select_for_update().get(pk=nda.pk)
        require_party_admin(actor, locked)
        if locked.status == NdaStatus.TERMINATED:
            raise Conflict("This NDA is already terminated.")
        locked.status = NdaStatus.TERMINATED
        locked.save(update_fields=["status"])
        changes: dict[str, object] = {"status": [NdaStatus.ACTIVE, NdaStatus.TERMINATED]}
        record_event(
            actor=actor,
            verb="terminated NDA",
            obj=locked,
            organisation=actor.organisation,
            classification=Classification.INTERNAL,
            changes=changes,
        )
        _record_for_other_party(actor, locked, "terminated NDA", changes)
    forget_memoised()
    return locked


def _record_for_other_party(actor: Person, nda: Nda, verb: str, changes: dict[str, object]) -> None:
    """An NDA's history belongs to both parties: each sees it in its own event log."""
    other = nda.party_b if actor.organisation_id == nda.party_a_id else nda.party_a
    record_event(
        actor=actor,
        verb=verb,
        obj=nda,
        organisation=other,
        classification=Classification.INTERNAL,
        changes=changes,
    )
