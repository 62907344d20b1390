"""The check before signing compares the required certifications with the partner's
certificates: Pulse HRM (a medical device) needs ISO 13485 and Meridian's plant holds ISO 9001
only, so the SOW is not signed, naming the clause; once ISO 13485 is recorded it is; an expired
or suspended one does not count. A partner with no certificate recorded is a note that does
not block signing."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.agreements.checks import (
    PartnerCertificates,
    certification_notes,
    certification_problems,
)
from accord.agreements.models import Signature
from accord.agreements.queries import program_bom_lines
from accord.agreements.services import create_agreement, current_draft, sign_agreement_version
from accord.agreements.terms import parse_terms
from accord.agreements.tests.sample import signable
from accord.core.access import today
from accord.core.errors import InvalidInput
from accord.partners.services import retire_certificate, update_certificate
from accord.partners.tests.sample import certificate, penang

MER = "Meridian Electronics Manufacturing"
GAP = ("certification ISO 13485", f"{MER} holds no valid ISO 13485 certificate at any site")


@pytest.fixture
def phrm_sow(people, programs, orgs):
    """Halcyon's SOW with Meridian for Pulse HRM: the EBX2 terms with PHRM's material and a
    required ISO 13485, a draft that passes every other rule."""
    program = programs["PHRM"]
    terms = signable()
    terms["materials"] = [
        {"part": part, "responsibility": "turnkey"}
        for part in sorted({line.part for line in program_bom_lines(program)})
    ]
    terms["certifications"] = [{"standard": "ISO 13485", "scope": "PCBA and final assembly"}]
    return create_agreement(
        actor=people.oem_buyer,
        program=program,
        partner=orgs["meridian"],
        title="Pulse HRM manufacturing SOW",
        terms=terms,
    )


def _sign(agreement, person):
    return sign_agreement_version(
        actor=person, agreement=agreement, terms_hash=current_draft(agreement).terms_hash
    )


def _refusal(agreement, person):
    with pytest.raises(InvalidInput) as refused:
        _sign(agreement, person)
    return [(p["clause"], p["message"]) for p in refused.value.detail["problems"]]


def test_an_iso_9001_plant_does_not_sign_for_a_medical_device(people, phrm_sow):
    site = penang(people.ems_planner)
    certificate(people.ems_quality, site, "ISO 9001")
    assert _refusal(phrm_sow, people.oem_buyer) == [GAP]
    assert _refusal(phrm_sow, people.ems_planner) == [GAP]
    assert not Signature.objects.filter(version__agreement=phrm_sow).exists()

    certificate(people.ems_quality, site, "ISO 13485", product_categories=["medical devices"])
    _sign(phrm_sow, people.oem_buyer)
    assert Signature.objects.filter(version__agreement=phrm_sow).count() == 1


def test_an_expired_suspended_retired_or_future_iso_13485_does_not_count(people, phrm_sow):
    day = today()
    site = penang(people.ems_planner)
    certificate(people.ems_quality, site, "ISO 9001")
    medical = certificate(
        people.ems_quality,
        site,
        "ISO 13485",
        valid_from=day - dt.timedelta(days=1100),
        valid_until=day - dt.timedelta(days=1),
    )
    assert _refusal(phrm_sow, people.oem_buyer) == [GAP]  # expired yesterday
    update_certificate(
        actor=people.ems_quality, certificate=medical, valid_until=day, suspended=True
    )
    assert _refusal(phrm_sow, people.oem_buyer) == [GAP]  # suspended
    update_certificate(
        actor=people.ems_quality,
        certificate=medical,
        valid_from=day + dt.timedelta(days=1),
        valid_until=day + dt.timedelta(days=1000),
        suspended=False,
    )
    assert _refusal(phrm_sow, people.oem_buyer) == [GAP]  # valid from tomorrow
    update_certificate(actor=people.ems_quality, certificate=medical, valid_from=day)
    retire_certificate(actor=people.ems_quality, certificate=medical)
    assert _refusal(phrm_sow, people.oem_buyer) == [GAP]  # retired
    # Valid today, on its last day (expiring): it counts.
    certificate(people.ems_quality, site, "ISO 13485", number="MD-2", valid_until=day)
    _sign(phrm_sow, people.oem_buyer)


def test_no_certificate_recorded_is_a_note_that_does_not_block(people, phrm_sow, client_for):
    body = client_for("oem_buyer").get(f"/api/v1/agreements/{phrm_sow.pk}").json()
    assert body["problems"] == []
    assert body["notes"] == [
        {"clause": "certifications", "message": f"no certificates recorded for {MER}"}
    ]
    page = client_for("oem_buyer").get(f"/agreements/{phrm_sow.pk}/")
    assert f"no certificates recorded for {MER}" in page.content.decode()
    _sign(phrm_sow, people.oem_buyer)
    _sign(phrm_sow, people.ems_planner)
    assert current_draft(phrm_sow) is None  # signed by both: in force


def test_the_gap_shows_on_the_page_and_in_the_api(people, phrm_sow, client_for):
    certificate(people.ems_quality, penang(people.ems_planner), "ISO 9001")
    body = client_for("ems_planner").get(f"/api/v1/agreements/{phrm_sow.pk}").json()
    assert [(p["clause"], p["message"]) for p in body["problems"]] == [GAP]
    assert body["notes"] == []
    page = client_for("ems_planner").get(f"/agreements/{phrm_sow.pk}/").content.decode()
    assert "holds no valid ISO 13485 certificate at any site" in page


# The rule on its own, without the database.

IPC3 = {"standard": "IPC-A-610 Class 3"}


def _problems(certifications, held, recorded=True):
    terms = parse_terms(signable() | {"certifications": certifications})
    partner = PartnerCertificates(MER, recorded, frozenset(held))
    return [str(p) for p in certification_problems(terms, partner)], [
        str(p) for p in certification_notes(terms, partner)
    ]


def test_an_ipc_class_3_requirement_needs_a_class_3_listing():
    missing = (
        f"certification IPC-A-610 Class 3: {MER} holds no valid IPC-A-610 Class 3 "
        "certificate at any site"
    )
    assert _problems([IPC3], {("IPC-A-610", 2)}) == ([missing], [])
    assert _problems([IPC3], {("IPC-A-610", 3)}) == ([], [])
    # The class in the scope; a listing of a higher class covers a lower one.
    required = [{"standard": "IPC-A-610", "scope": "Class 2 workmanship"}]
    assert _problems(required, {("IPC-A-610", 3)}) == ([], [])
    # No class named: any listing.
    assert _problems([{"standard": "IPC-A-610H"}], {("IPC-A-610", 1)}) == ([], [])


def test_standards_certificates_do_not_record_are_not_compared():
    assert _problems([{"standard": "RoHS"}], {("ISO 9001", None)}) == ([], [])
    assert _problems([{"standard": "ISO 13485:2016"}], {("ISO 13485", None)}) == ([], [])
    assert _problems([{"standard": "AS9100D"}], set()) == (
        [f"certification AS9100D: {MER} holds no valid AS9100 certificate at any site"],
        [],
    )


def test_nothing_recorded_is_a_note_only_when_certifications_are_required():
    assert _problems([{"standard": "ISO 13485"}], set(), recorded=False) == (
        [],
        [f"certifications: no certificates recorded for {MER}"],
    )
    assert _problems([], set(), recorded=False) == ([], [])
