"""Drafting, editing and signing, through the services: versions, signatures, refusals."""

from __future__ import annotations

import pytest

from accord.agreements.choices import VersionStatus
from accord.agreements.models import Signature
from accord.agreements.services import (
    check_version,
    create_agreement,
    current_draft,
    save_terms,
    sign_agreement_version,
)
from accord.agreements.terms import terms_hash
from accord.agreements.tests.sample import signable
from accord.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from accord.core.models import Event


def _sign_both(agreement, people):
    digest = current_draft(agreement).terms_hash
    sign_agreement_version(actor=people.oem_buyer, agreement=agreement, terms_hash=digest)
    return sign_agreement_version(actor=people.ems_planner, agreement=agreement, terms_hash=digest)


def test_the_sample_draft_passes_the_check(agreement):
    version = current_draft(agreement)
    assert version is not None
    assert (version.number, version.status) == (1, VersionStatus.DRAFT)
    assert check_version(version) == []
    assert version.terms_hash == terms_hash(signable())


def test_both_signatures_put_the_version_in_force(agreement, people):
    digest = current_draft(agreement).terms_hash
    once = sign_agreement_version(actor=people.oem_buyer, agreement=agreement, terms_hash=digest)
    assert once.status == VersionStatus.DRAFT  # one side only
    both = sign_agreement_version(actor=people.ems_planner, agreement=agreement, terms_hash=digest)
    assert (both.status, both.signed_at is not None) == (VersionStatus.SIGNED, True)
    assert sorted(both.signatures.values_list("side", "signed_hash")) == [
        ("buyer", digest),
        ("partner", digest),
    ]
    verbs = Event.objects.filter(object_type="agreements.agreement", object_id=str(agreement.pk))
    assert list(verbs.order_by("id").values_list("verb", flat=True)) == [
        "drafted agreement",
        "signed agreement",
        "signed agreement",
    ]


def test_signing_twice_is_a_conflict(agreement, people):
    digest = current_draft(agreement).terms_hash
    sign_agreement_version(actor=people.oem_buyer, agreement=agreement, terms_hash=digest)
    with pytest.raises(Conflict, match="signed version 1 already"):
        sign_agreement_version(actor=people.oem_buyer, agreement=agreement, terms_hash=digest)
    assert Signature.objects.filter(version__agreement=agreement).count() == 1


def test_signing_a_hash_that_is_not_the_current_drafts_is_a_conflict(agreement, people):
    old = current_draft(agreement).terms_hash
    changed = signable() | {"moq": 1000}
    changed["price_tiers"][0]["from_quantity"] = 1000
    save_terms(actor=people.ems_planner, agreement=agreement, terms=changed)
    with pytest.raises(Conflict) as refused:
        sign_agreement_version(actor=people.oem_buyer, agreement=agreement, terms_hash=old)
    assert refused.value.detail == {"current_hash": terms_hash(changed)}
    assert not Signature.objects.filter(version__agreement=agreement).exists()


def test_signing_a_superseded_version_is_a_conflict(agreement, people):
    first = current_draft(agreement).terms_hash
    _sign_both(agreement, people)
    save_terms(actor=people.oem_buyer, agreement=agreement, terms=signable() | {"moq": 600})
    with pytest.raises(Conflict):
        sign_agreement_version(actor=people.oem_buyer, agreement=agreement, terms_hash=first)


def test_signing_without_the_right_is_forbidden(agreement, people):
    digest = current_draft(agreement).terms_hash
    with pytest.raises(Forbidden):
        sign_agreement_version(actor=people.oem_engineer, agreement=agreement, terms_hash=digest)
    assert not Signature.objects.exists()


def test_a_draft_with_problems_is_not_signed_and_each_clause_is_named(agreement, people):
    terms = signable()
    terms["notes"] = "Best effort on ASAP orders."
    terms["fees"][0]["basis"] = None
    version = save_terms(actor=people.oem_buyer, agreement=agreement, terms=terms)
    with pytest.raises(InvalidInput) as refused:
        sign_agreement_version(
            actor=people.oem_buyer, agreement=agreement, terms_hash=version.terms_hash
        )
    clauses = [(p["clause"], p["message"]) for p in refused.value.detail["problems"]]
    assert clauses == [
        ("notes", 'the vague word "best effort" has no definition'),
        ("notes", 'the vague word "asap" has no definition'),
        ("fee NRE", "no basis (one-time, per unit, per shipment or per event)"),
    ]
    assert not Signature.objects.exists()


def test_editing_a_signed_version_makes_a_new_draft_and_never_changes_it(agreement, people):
    signed = _sign_both(agreement, people)
    signed_terms, signed_hash = dict(signed.terms), signed.terms_hash
    draft = save_terms(
        actor=people.ems_planner, agreement=agreement, terms=signable() | {"moq": 700}
    )
    assert (draft.number, draft.status) == (2, VersionStatus.DRAFT)
    signed.refresh_from_db()
    assert (signed.status, signed.terms, signed.terms_hash) == (
        VersionStatus.SIGNED,
        signed_terms,
        signed_hash,
    )
    # Signing version 2 supersedes version 1.
    _sign_both(agreement, people)
    signed.refresh_from_db()
    assert signed.status == VersionStatus.SUPERSEDED
    assert agreement.versions.get(number=2).status == VersionStatus.SIGNED


def test_an_edit_after_one_signature_voids_it_in_a_new_draft(agreement, people):
    digest = current_draft(agreement).terms_hash
    sign_agreement_version(actor=people.oem_buyer, agreement=agreement, terms_hash=digest)
    draft = save_terms(
        actor=people.ems_planner, agreement=agreement, terms=signable() | {"moq": 800}
    )
    assert draft.number == 2
    first = agreement.versions.get(number=1)
    assert first.status == VersionStatus.VOID
    assert first.signatures.get().voided_at is not None
    # The buyer's signature does not carry over: it signs again, the partner too.
    assert not draft.signatures.exists()
    assert _sign_both(agreement, people).status == VersionStatus.SIGNED


def test_an_edit_of_an_unsigned_draft_keeps_its_number(agreement, people):
    draft = save_terms(
        actor=people.oem_engineer, agreement=agreement, terms=signable() | {"moq": 900}
    )
    assert (draft.number, agreement.versions.count()) == (1, 1)
    assert draft.terms["moq"] == 900
    with pytest.raises(Conflict, match="nothing changed"):
        save_terms(actor=people.oem_engineer, agreement=agreement, terms=signable() | {"moq": 900})


def test_only_the_programs_owner_drafts_and_only_with_an_nda(people, programs, orgs):
    with pytest.raises(Forbidden):
        create_agreement(
            actor=people.ems_planner,
            program=programs["EBX2"],
            partner=orgs["halcyon"],
            title="The EMS drafts",
        )
    # Brightline's NDA with Halcyon lapsed: an agreement nobody could read is refused.
    with pytest.raises(Conflict, match="No NDA in force"):
        create_agreement(
            actor=people.oem_buyer,
            program=programs["EBX2"],
            partner=orgs["brightline"],
            title="Lapsed",
        )
    with pytest.raises(NotFound):
        create_agreement(
            actor=people.oem_buyer,
            program=programs["RVC"],
            partner=orgs["meridian"],
            title="Not my program",
        )
