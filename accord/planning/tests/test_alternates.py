"""Alternates: approved sources with the offers that cover the gap, then parametric candidates
(same kind and package, equal value, ratings at least as high, tolerance as tight, active),
ranked, compared side by side; proposing one makes a pending source the owner approves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accord.parts.choices import Lifecycle, SourceStatus
from accord.parts.models import ApprovedSource, Manufacturer, ManufacturerPart
from accord.parts.normalise import manufacturer_key, mpn_key
from accord.parts.services import add_approved_source, set_source_status
from accord.planning.alternates import alternates_for
from accord.planning.services import refresh_plan
from accord.supply.services import record_offer
from accord.web.tests.helpers import table, text

REFERENCE = {"capacitance": "0.0000001", "voltage_rated": "16", "tolerance_pct": "10"}
CATALOGUE = {
    # mpn: (parameters, package, lifecycle); only WIDER-25V and TIGHT-5 qualify.
    "WIDER-25V": ({**REFERENCE, "voltage_rated": "25"}, "0402", Lifecycle.ACTIVE),
    "TIGHT-5": ({**REFERENCE, "tolerance_pct": "5"}, "0402", Lifecycle.ACTIVE),
    "LOW-10V": ({**REFERENCE, "voltage_rated": "10"}, "0402", Lifecycle.ACTIVE),
    "LOOSE-20": ({**REFERENCE, "tolerance_pct": "20"}, "0402", Lifecycle.ACTIVE),
    "BIG-0603": (REFERENCE, "0603", Lifecycle.ACTIVE),
    "OLD-NRND": ({**REFERENCE, "voltage_rated": "50"}, "0402", Lifecycle.NRND),
    "OTHER-220N": ({**REFERENCE, "capacitance": "0.00000022"}, "0402", Lifecycle.ACTIVE),
    "NO-RATING": ({"capacitance": "0.0000001", "tolerance_pct": "10"}, "0402", Lifecycle.ACTIVE),
}


@pytest.fixture
def catalogue(people: Any, earbuds: Any) -> dict[str, ManufacturerPart]:
    maker, _ = Manufacturer.objects.get_or_create(
        key=manufacturer_key("Testcap"), defaults={"name": "Testcap"}
    )
    made = {
        mpn: ManufacturerPart.objects.create(
            manufacturer=maker,
            mpn=mpn,
            mpn_key=mpn_key(mpn),
            parameters=params,
            package=package,
            lifecycle=lifecycle,
        )
        for mpn, (params, package, lifecycle) in CATALOGUE.items()
    }
    reference = ManufacturerPart.objects.create(
        manufacturer=maker,
        mpn="REF-100N",
        mpn_key=mpn_key("REF-100N"),
        parameters=REFERENCE,
        package="0402",
        lifecycle=Lifecycle.ACTIVE,
    )
    add_approved_source(
        actor=people.oem_buyer,
        part=earbuds["cap"],
        manufacturer="Testcap",
        mpn="REF-100N",
        status=SourceStatus.APPROVED,
    )
    made["REF-100N"] = reference
    return made


def test_candidates_match_the_rules_and_rank_by_cover_then_closeness(
    people, orgs, earbuds, catalogue
):
    planner = people.ems_planner
    found = alternates_for(planner, earbuds["cap"], Decimal(500))
    assert found.kind == "capacitor" and found.reference_package == "0402"
    assert [c.mpn for c in found.candidates] == ["TIGHT-5", "WIDER-25V"]  # margins 0.5, 0.5625
    tight = found.candidates[0]
    assert [(r.name, r.reference, r.candidate, r.verdict) for r in tight.comparisons] == [
        ("capacitance", "0.0000001", "0.0000001", "equal"),
        ("voltage_rated", "16", "16", "equal"),
        ("tolerance_pct", "10", "5", "tighter"),
    ]
    # An offer with stock that covers the gap puts WIDER-25V first.
    record_offer(
        actor=planner,
        supplier=orgs["arrowpoint"],
        manufacturer_part=catalogue["WIDER-25V"],
        price_breaks=[(1, "0.01")],
        seen_on=dt.date.today(),
        stock_quantity=10_000,
    )
    again = alternates_for(planner, earbuds["cap"], Decimal(500))
    assert [c.mpn for c in again.candidates] == ["WIDER-25V", "TIGHT-5"]
    assert again.candidates[0].covers and not again.candidates[1].covers
    # The approved source comes first in its own list, with its (no) offers.
    assert [(s.mpn, s.covers) for s in again.approved] == [("REF-100N", False)]
    # The buyer does not see Meridian's offer: for it nothing covers the gap.
    assert not any(
        c.covers for c in alternates_for(people.oem_buyer, earbuds["cap"], Decimal(500)).candidates
    )


def test_an_ic_gets_no_parametric_candidates_but_says_why(people, earbuds):
    found = alternates_for(people.ems_planner, earbuds["mcu"], Decimal(60))
    assert found.candidates == [] and "No parametric search" in found.reason


def test_proposing_an_alternate_makes_a_pending_source_the_owner_approves(
    client_for, people, programs, earbuds, catalogue
):
    program = programs["EBX2"]
    refresh_plan(actor=people.ems_planner, person=people.ems_planner, program=program)
    client = client_for("ems_planner")
    page = client.get(f"/planning/{program.pk}/parts/{earbuds['cap'].pk}/alternates/")
    assert "TIGHT-5 beside EB-CAP" in text(page)
    rows = table(page, caption="TIGHT-5 beside EB-CAP")
    assert rows[2] == ["tolerance_pct", "10", "5", "tighter"]
    response = client.post(
        f"/planning/{program.pk}/parts/{earbuds['cap'].pk}/alternates/propose/",
        {"manufacturer_part": catalogue["TIGHT-5"].pk, "note": "Same as rev B"},
        follow=True,
    )
    assert "waits for Halcyon Devices's approval" in text(response)
    source = ApprovedSource.objects.get(part=earbuds["cap"], manufacturer_part=catalogue["TIGHT-5"])
    assert source.status == SourceStatus.PENDING and "Same as rev B" in source.notes
    # Nothing changes silently: the part's approved count waits for the owner's decision.
    earbuds["cap"].refresh_from_db()
    assert earbuds["cap"].approved_source_count == 1
    set_source_status(
        actor=people.oem_buyer, source=source, status=SourceStatus.APPROVED, reason="Qualified"
    )
    earbuds["cap"].refresh_from_db()
    assert earbuds["cap"].approved_source_count == 2
    # A supplier cannot reach the page; proposing the same part twice is refused cleanly.
    assert (
        client_for("supplier_rep")
        .get(f"/planning/{program.pk}/parts/{earbuds['cap'].pk}/alternates/")
        .status_code
        == 404
    )
    twice = client.post(
        f"/planning/{program.pk}/parts/{earbuds['cap'].pk}/alternates/propose/",
        {"manufacturer_part": catalogue["TIGHT-5"].pk},
        follow=True,
    )
    assert "already a source" in text(twice)
