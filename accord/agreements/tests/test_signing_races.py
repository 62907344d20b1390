"""Signers and editors racing on one agreement (PostgreSQL, real threads and connections): the
two sides signing at once put the version in force exactly once, and a signature racing an
edit lands on the version it read or is refused, never on terms it did not see."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from accord.agreements.choices import VersionStatus
from accord.agreements.models import Agreement, AgreementVersion, Signature
from accord.agreements.services import save_terms, sign_agreement_version
from accord.agreements.tests.sample import draft_ebx2, signable
from accord.core.errors import Conflict
from accord.core.models import Event
from accord.core.tests.threads import at_once, in_own_connection
from accord.orgs.models import Organisation, Person, Program

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent signers are tested on PostgreSQL"
)

ROUNDS = 8


def _person(username: str) -> Person:
    return Person.objects.select_related("organisation").get(username=username)


def _new_agreement() -> int:
    buyer = _person("oem_buyer")
    program = Program.objects.get(code="EBX2")
    meridian = Organisation.objects.get(slug__startswith="meridian")
    return int(draft_ebx2(buyer, program, meridian).pk)


def _clean_up(ids: list[int]) -> None:
    def delete() -> None:
        Event.objects.filter(
            object_type="agreements.agreement", object_id__in=[str(i) for i in ids]
        ).delete()
        Signature.objects.filter(version__agreement_id__in=ids).delete()
        Agreement.objects.filter(pk__in=ids).delete()

    in_own_connection(delete)


def _sign_at_once(pk: int) -> None:
    digest = in_own_connection(lambda: AgreementVersion.objects.get(agreement_id=pk).terms_hash)

    def sign(username: str) -> Any:
        agreement = Agreement.objects.get(pk=pk)
        return sign_agreement_version(
            actor=_person(username), agreement=agreement, terms_hash=digest
        )

    results = at_once(lambda: sign("oem_buyer"), lambda: sign("ems_planner"))
    assert not [r for r in results if isinstance(r, Exception)], results
    version = in_own_connection(lambda: AgreementVersion.objects.get(agreement_id=pk))
    assert version.status == VersionStatus.SIGNED
    assert in_own_connection(lambda: Signature.objects.filter(version=version).count()) == 2


def test_both_sides_signing_at_once_put_the_version_in_force_once(db: Any) -> None:
    ids: list[int] = []
    try:
        for _ in range(ROUNDS):
            ids.append(in_own_connection(_new_agreement))
            _sign_at_once(ids[-1])
    finally:
        _clean_up(ids)


def _sign_while_editing(pk: int, moq: int) -> None:
    read = in_own_connection(lambda: AgreementVersion.objects.get(agreement_id=pk).terms_hash)

    def sign() -> Any:
        return sign_agreement_version(
            actor=_person("oem_buyer"), agreement=Agreement.objects.get(pk=pk), terms_hash=read
        )

    def edit() -> Any:
        return save_terms(
            actor=_person("ems_planner"),
            agreement=Agreement.objects.get(pk=pk),
            terms=signable() | {"moq": moq},
        )

    def live_signatures() -> list[tuple[str, str]]:
        return [
            (s.signed_hash, s.version.terms_hash)
            for s in Signature.objects.filter(
                version__agreement_id=pk, voided_at__isnull=True
            ).select_related("version")
        ]

    def versions() -> list[tuple[int, str]]:
        found = AgreementVersion.objects.filter(agreement_id=pk).order_by("number")
        return list(found.values_list("number", "status"))

    signed, edited = at_once(sign, edit)
    assert not isinstance(edited, Exception), edited
    if isinstance(signed, Exception):
        # The edit came first and changed the draft in place: the hash read is stale.
        assert isinstance(signed, Conflict), signed
        assert in_own_connection(live_signatures) == []
        assert in_own_connection(versions) == [(1, VersionStatus.DRAFT)]
    else:
        # The signature came first: the edit voided it in a new draft.
        assert in_own_connection(live_signatures) == []
        assert in_own_connection(versions) == [(1, VersionStatus.VOID), (2, VersionStatus.DRAFT)]


def test_a_signature_racing_an_edit_never_signs_terms_it_did_not_read(db: Any) -> None:
    ids: list[int] = []
    try:
        for round_ in range(ROUNDS):
            ids.append(in_own_connection(_new_agreement))
            _sign_while_editing(ids[-1], moq=501 + round_)
    finally:
        _clean_up(ids)
