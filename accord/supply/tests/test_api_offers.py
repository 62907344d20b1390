"""Supplier offers and allocations through the API: recorded and read back, who sees them
(a supplier's own published offer reaches the buyers sharing a program with it), retired, and
bad input answered as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accord.api.tests.utils import API, assert_error, send, token_client
from accord.parts.models import ApprovedSource
from accord.supply.models import Allocation, SupplierOffer

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def driver(parts: Any) -> Any:
    """Sunridge's driver, an approved source of HAL-400-0001."""
    return ApprovedSource.objects.get(
        part=parts["HAL-400-0001"], manufacturer_part__mpn="SA-BA-3110"
    ).manufacturer_part


def offer_body(supplier: Any, manufacturer_part: Any, **changes: Any) -> dict[str, Any]:
    return {
        "supplier_id": supplier.pk,
        "manufacturer_part_id": manufacturer_part.pk,
        "price_breaks": [
            {"quantity": "1000", "unit_price": "1.85"},
            {"quantity": "1", "unit_price": "2.10"},
        ],
        "seen_on": TODAY.isoformat(),
        "moq": "100",
        "lead_time_days": 42,
        **changes,
    }


def test_an_offer_is_recorded_read_and_retired(people, orgs, driver) -> None:
    buyer, rep = token_client(people.oem_buyer)[0], token_client(people.supplier_rep)[0]
    created = send(buyer, "POST", f"{API}/offers", offer_body(orgs["sunridge"], driver))
    assert created.status_code == 201, created.content
    offer = created.json()
    assert offer["price_breaks"] == [
        {"quantity": "1", "unit_price": "2.1"},
        {"quantity": "1000", "unit_price": "1.85"},
    ]
    assert (offer["moq"], offer["lead_time_days"], offer["organisation"]["name"]) == (
        "100",
        42,
        "Halcyon Devices",
    )
    assert send(rep, "GET", f"{API}/offers/{offer['id']}").json() == offer
    assert_error(send(rep, "POST", f"{API}/offers/{offer['id']}/retire"), 403, "forbidden")
    retired = send(buyer, "POST", f"{API}/offers/{offer['id']}/retire").json()
    assert retired["retired_at"] is not None
    assert send(buyer, "GET", f"{API}/offers").json()["count"] == 0
    assert send(buyer, "GET", f"{API}/offers?retired=true").json()["count"] == 1
    other = token_client(people.other_oem_user)[0]
    assert_error(send(other, "GET", f"{API}/offers/{offer['id']}"), 404, "not_found")


def test_a_suppliers_own_offer_reaches_the_buyers_of_its_programs(people, orgs, driver) -> None:
    rep = token_client(people.supplier_rep)[0]
    published = send(rep, "POST", f"{API}/offers", offer_body(orgs["sunridge"], driver)).json()
    seen = {
        persona: send(token_client(people[persona])[0], "GET", f"{API}/offers").json()["count"]
        for persona in ("oem_buyer", "ems_planner", "other_oem_user", "outsider")
    }
    # Halcyon and Meridian share Earbuds X2 with Sunridge; Roverly and Quillon do not.
    assert seen == {"oem_buyer": 1, "ems_planner": 1, "other_oem_user": 0, "outsider": 0}
    assert published["organisation"]["name"] == "Sunridge Acoustics"


@pytest.mark.parametrize(
    "changes",
    [
        {"price_breaks": []},
        {"price_breaks": [{"quantity": "1", "unit_price": "1"}] * 2},  # a quantity twice
        {"price_breaks": [{"quantity": "1", "unit_price": "abc"}]},
        {"price_breaks": [{"quantity": "1"}]},
        {"moq": "0"},
        {"lead_time_days": 4000},
        {"seen_on": "04/12/2026"},
        {"currency": "EURO"},
        {"manufacturer_part_id": "x"},
    ],
)
def test_bad_offers_are_json_errors(people, orgs, driver, changes) -> None:
    buyer = token_client(people.oem_buyer)[0]
    response = send(buyer, "POST", f"{API}/offers", offer_body(orgs["sunridge"], driver, **changes))
    assert response.status_code == 422, response.content
    assert set(response.json()) == {"code", "message", "detail"}
    assert not SupplierOffer.objects.exists()


def test_an_offer_of_a_buyer_is_refused(people, orgs, driver) -> None:
    buyer = token_client(people.oem_buyer)[0]
    response = send(buyer, "POST", f"{API}/offers", offer_body(orgs["meridian"], driver))
    assert_error(response, 422, "invalid")


def test_allocations_are_committed_by_sellers_and_seen_by_both(people, orgs, driver) -> None:
    rep, buyer = token_client(people.supplier_rep)[0], token_client(people.oem_buyer)[0]
    body = {
        "buyer_id": orgs["halcyon"].pk,
        "manufacturer_part_id": driver.pk,
        "period_start": TODAY.isoformat(),
        "period_end": (TODAY + dt.timedelta(days=90)).isoformat(),
        "quantity": "6000",
    }
    assert_error(send(buyer, "POST", f"{API}/allocations", body), 403, "forbidden")
    created = send(rep, "POST", f"{API}/allocations", body)
    assert created.status_code == 201, created.content
    again = send(rep, "POST", f"{API}/allocations", {**body, "quantity": "5000"})
    assert again.json()["id"] == created.json()["id"]  # the same period: replaced
    listed = send(buyer, "GET", f"{API}/allocations").json()["results"]
    assert [(a["supplier"]["name"], a["quantity"]) for a in listed] == [
        ("Sunridge Acoustics", "5000")
    ]
    backwards = {**body, "period_end": (TODAY - dt.timedelta(days=1)).isoformat()}
    assert_error(send(rep, "POST", f"{API}/allocations", backwards), 422, "invalid")
    assert Allocation.objects.count() == 1
