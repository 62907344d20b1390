"""A purchase order's life through the API, by the buyer's and the supplier's people: draft,
lines, issue, acknowledgement, confirmed dates, deliveries with inspection, a cancelled line;
each refusal answered as JSON, and the supplier's reading the buyer's prices access-logged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accord.api.tests.utils import API, assert_error, send, token_client
from accord.core.models import AccessLogEntry
from accord.supply.models import StockItem
from accord.supply.services import create_site

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def clients(people: Any) -> dict[str, Any]:
    return {
        name: token_client(people[name])[0]
        for name in ("oem_buyer", "oem_engineer", "supplier_rep", "ems_planner")
    }


@pytest.fixture
def draft(clients, programs, orgs, parts) -> dict[str, Any]:
    """A draft of Halcyon to Sunridge on Earbuds X2 with one priced line."""
    buyer = clients["oem_buyer"]
    created = send(
        buyer,
        "POST",
        f"{API}/purchase-orders",
        {
            "program_id": programs["EBX2"].pk,
            "supplier_id": orgs["sunridge"].pk,
            "number": "PO-API-1",
            "currency": "usd",
            "notes": "Deliver to dock 2",
        },
    )
    assert created.status_code == 201, created.content
    order = created.json()
    line = send(
        buyer,
        "POST",
        f"{API}/purchase-orders/{order['id']}/lines",
        {
            "part_id": parts["HAL-400-0001"].pk,
            "quantity": "1000",
            "unit_price": "1.85",
            "requested_date": (TODAY + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert line.status_code == 201, line.content
    return {"order": order, "line": line.json()}


def test_the_buyer_creates_a_draft_the_supplier_does_not_see(clients, draft) -> None:
    order, line = draft["order"], draft["line"]
    assert (order["status"], order["currency"], order["lines"]) == ("draft", "USD", [])
    assert (line["line_number"], line["quantity"], line["unit_price"]) == (1, "1000", "1.85")
    assert (line["currency"], line["open_quantity"]) == ("USD", "1000")
    detail = send(clients["oem_engineer"], "GET", f"{API}/purchase-orders/{order['id']}").json()
    assert [x["id"] for x in detail["lines"]] == [line["id"]]
    rep = clients["supplier_rep"]
    assert_error(send(rep, "GET", f"{API}/purchase-orders/{order['id']}"), 404, "not_found")
    confirm = send(
        rep,
        "POST",
        f"{API}/purchase-order-lines/{line['id']}/confirm",
        {"confirmed_date": TODAY.isoformat()},
    )
    assert_error(confirm, 404, "not_found")
    assert send(rep, "GET", f"{API}/purchase-orders").json()["count"] == 0


def test_an_order_from_issue_to_delivery(clients, draft, people, parts) -> None:
    buyer, rep = clients["oem_buyer"], clients["supplier_rep"]
    order_url = f"{API}/purchase-orders/{draft['order']['id']}"
    line_url = f"{API}/purchase-order-lines/{draft['line']['id']}"
    assert_error(send(rep, "POST", f"{order_url}/issue"), 404, "not_found")
    assert send(buyer, "POST", f"{order_url}/issue").json()["status"] == "issued"
    assert_error(send(buyer, "POST", f"{order_url}/issue"), 409, "conflict")

    assert_error(send(buyer, "POST", f"{order_url}/acknowledge"), 403, "forbidden")
    assert send(rep, "POST", f"{order_url}/acknowledge").json()["status"] == "acknowledged"
    promised = (TODAY + dt.timedelta(days=40)).isoformat()
    assert_error(
        send(buyer, "POST", f"{line_url}/confirm", {"confirmed_date": promised}), 403, "forbidden"
    )
    confirmed = send(rep, "POST", f"{line_url}/confirm", {"confirmed_date": promised}).json()
    assert (confirmed["status"], confirmed["confirmed_date"]) == ("confirmed", promised)

    lab = create_site(actor=people.oem_buyer, code="SJ", name="San Jose lab")
    delivery = {
        "site_id": lab.pk,
        "quantity": "400",
        "rejected_quantity": "10",
        "reject_reason": "bent leads",
        "received_on": TODAY.isoformat(),
    }
    assert_error(send(rep, "POST", f"{line_url}/deliveries", delivery), 403, "forbidden")
    received = send(buyer, "POST", f"{line_url}/deliveries", delivery)
    assert received.status_code == 201, received.content
    assert received.json()["accepted_quantity"] == "390"
    stock = StockItem.objects.get(site=lab, part=parts["HAL-400-0001"])
    assert stock.on_hand == Decimal(390)
    listed = send(rep, "GET", f"{order_url}/deliveries").json()["results"]
    assert [(d["quantity"], d["received_by"], d["site"]["code"]) for d in listed] == [
        ("400", "oem_buyer", "SJ")
    ]
    too_many = send(buyer, "POST", f"{line_url}/deliveries", {**delivery, "quantity": "700"})
    assert_error(too_many, 409, "over_delivery")

    assert_error(send(rep, "POST", f"{line_url}/cancel", {"reason": "no"}), 403, "forbidden")
    cancelled = send(buyer, "POST", f"{line_url}/cancel", {"reason": "design change"}).json()
    assert (cancelled["status"], cancelled["received_quantity"]) == ("cancelled", "400")


def test_the_suppliers_read_of_the_buyers_prices_is_logged(clients, draft, orgs) -> None:
    buyer, rep = clients["oem_buyer"], clients["supplier_rep"]
    url = f"{API}/purchase-orders/{draft['order']['id']}"
    send(buyer, "POST", f"{url}/issue")
    send(buyer, "GET", url)
    assert AccessLogEntry.objects.count() == 0

    send(rep, "GET", url)

    entry = AccessLogEntry.objects.get()
    assert (entry.owner, entry.channel, entry.path) == (orgs["halcyon"], "api", url)


@pytest.mark.parametrize(
    "change",
    [
        {"requested_date": "2026-13-01"},
        {"requested_date": "10000-01-01"},
        {"requested_date": "yesterday"},
        {"quantity": "ten"},
        {"quantity": "0"},
        {"unit_price": "-1"},
        {"unit_price": "0.0000001"},
        {"currency": "US"},
        {"currency": "12$"},
        {"part_id": -1},
    ],
)
def test_bad_line_input_is_a_json_error(clients, draft, parts, change) -> None:
    body = {
        "part_id": parts["HAL-400-0001"].pk,
        "quantity": "10",
        "requested_date": TODAY.isoformat(),
        **change,
    }
    response = send(
        clients["oem_buyer"], "POST", f"{API}/purchase-orders/{draft['order']['id']}/lines", body
    )
    assert response.status_code == 422, response.content
    assert set(response.json()) == {"code", "message", "detail"}


def test_creating_an_order_is_refused_as_the_pages_refuse_it(clients, programs, orgs) -> None:
    body = {"program_id": programs["EBX2"].pk, "supplier_id": orgs["sunridge"].pk, "number": "X"}
    url = f"{API}/purchase-orders"
    assert_error(send(clients["supplier_rep"], "POST", url, body), 403, "forbidden")
    rover = {**body, "program_id": programs["RVC"].pk}
    assert_error(send(clients["oem_buyer"], "POST", url, rover), 404, "not_found")
    first = send(clients["oem_buyer"], "POST", url, body, **{"Idempotency-Key": "po-x"})
    replay = send(clients["oem_buyer"], "POST", url, body, **{"Idempotency-Key": "po-x"})
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json()["id"] == first.json()["id"]
    assert_error(send(clients["oem_buyer"], "POST", url, body), 409, "conflict")
