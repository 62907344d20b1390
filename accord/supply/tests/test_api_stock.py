"""The supply API's sites and stock through HTTP: receive and read back, the ledger keeping its
balances (never below zero), stock levels, bad input answered as JSON, pagination and the
access log of a partner's reads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accord.api.tests.utils import API, MISSING_ID, assert_error, send, token_client
from accord.core.models import AccessLogEntry, Event
from accord.supply.models import StockItem, StockMove

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(people: Any) -> Any:
    return token_client(people.ems_planner)[0]


@pytest.fixture
def buyer(people: Any) -> Any:
    return token_client(people.oem_buyer)[0]


def on_hand(item: StockItem) -> Decimal:
    item.refresh_from_db()
    return item.on_hand


def test_received_stock_reads_back_with_its_ledger(planner, stock_world, parts, orgs) -> None:
    received = send(
        planner,
        "POST",
        f"{API}/stock/receive",
        {
            "site_id": stock_world.plant.pk,
            "part_id": parts["HAL-100-0001"].pk,
            "owner_id": orgs["halcyon"].pk,
            "quantity": "12.5",
            "reference": "GRN-1",
        },
    )
    assert received.status_code == 201, received.content
    move = received.json()
    assert (move["kind"], move["quantity"], move["balance_after"]) == ("receive", "12.5", "12.5")
    item = send(planner, "GET", f"{API}/stock/{move['item_id']}").json()
    assert item["holding"] == "consigned"
    assert (item["owner"]["name"], item["on_hand"]) == ("Halcyon Devices", "12.5")
    moves = send(planner, "GET", f"{API}/stock/{move['item_id']}/moves").json()
    assert [(m["kind"], m["reference"], m["actor"]) for m in moves["results"]] == [
        ("receive", "GRN-1", "ems_planner")
    ]


def test_moves_keep_the_balance_and_never_go_below_zero(planner, stock_world) -> None:
    item = stock_world.own_ebx2  # 100 on hand
    url = f"{API}/stock/{item.pk}"
    assert send(planner, "POST", f"{url}/issue", {"quantity": "30"}).status_code == 201
    adjusted = send(planner, "POST", f"{url}/adjust", {"change": "-5", "reason": "count"})
    assert adjusted.json()["balance_after"] == "65"
    assert (
        send(planner, "POST", f"{url}/scrap", {"quantity": "5", "reason": "bent"}).json()[
            "balance_after"
        ]
        == "60"
    )
    moved = send(
        planner,
        "POST",
        f"{url}/transfer",
        {"to_site_id": stock_world.depot.pk, "quantity": "20"},
    )
    assert moved.status_code == 201, moved.content
    assert (moved.json()["out"]["quantity"], moved.json()["into"]["quantity"]) == ("-20", "20")
    assert on_hand(item) == Decimal(40)
    events = Event.objects.count()

    too_much = send(planner, "POST", f"{url}/issue", {"quantity": "40.0001"})

    body = assert_error(too_much, 409, "insufficient_stock")
    assert body["detail"] == {"on_hand": "40", "requested": "40.0001"}
    assert on_hand(item) == Decimal(40)
    assert Event.objects.count() == events
    assert StockMove.objects.filter(item=item).count() == 5


def test_a_retried_move_with_its_key_takes_the_goods_out_once(planner, stock_world) -> None:
    url = f"{API}/stock/{stock_world.own_ebx2.pk}/issue"
    first = send(planner, "POST", url, {"quantity": "7"}, **{"Idempotency-Key": "issue-1"})
    again = send(planner, "POST", url, {"quantity": "7"}, **{"Idempotency-Key": "issue-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert on_hand(stock_world.own_ebx2) == Decimal(93)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"quantity": "abc"}, "quantity"),
        ({"quantity": "1.23456"}, "quantity"),
        ({"quantity": "1e30"}, "quantity"),
        ({"quantity": "-3"}, "quantity"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "NaN"}, "quantity"),
        ({"quantity": "1", "build_id": 0}, "build_id"),
        ({"quantity": "1", "colour": "red"}, "colour"),
    ],
)
def test_bad_quantities_are_json_errors(planner, stock_world, body, field) -> None:
    response = send(planner, "POST", f"{API}/stock/{stock_world.own_ebx2.pk}/issue", body)
    error = assert_error(response, 422, response.json()["code"])
    assert field in str(error["detail"]) + error["message"]
    assert on_hand(stock_world.own_ebx2) == Decimal(100)


def test_bad_ids_and_bodies_are_json_errors(planner, stock_world) -> None:
    assert_error(send(planner, "GET", f"{API}/stock/0"), 422, "invalid")
    assert_error(send(planner, "GET", f"{API}/stock/{MISSING_ID}"), 404, "not_found")
    assert_error(send(planner, "GET", f"{API}/stock/{2**70}"), 422, "invalid")
    assert_error(send(planner, "POST", f"{API}/stock/receive", b"[1, 2"), 400, "bad_request")
    same_site = send(
        planner,
        "POST",
        f"{API}/stock/{stock_world.own_ebx2.pk}/transfer",
        {"to_site_id": stock_world.plant.pk, "quantity": "1"},
    )
    assert_error(same_site, 422, "invalid")


def test_stock_levels_are_set_per_part_and_site(planner, buyer, stock_world) -> None:
    part = stock_world.ebx2_part
    url = f"{API}/sites/{stock_world.plant.pk}/stock-levels/{part.pk}"
    response = send(planner, "PUT", url, {"min_level": "50", "safety_stock": "20.5"})
    assert response.status_code == 200, response.content
    assert (response.json()["min_level"], response.json()["safety_stock"]) == ("50", "20.5")
    item = send(planner, "GET", f"{API}/stock/{stock_world.own_ebx2.pk}").json()
    assert (item["min_level"], item["safety_stock"]) == ("50", "20.5")
    # Halcyon sees the plant (its consigned goods lie there) but does not plan its stock.
    assert_error(send(buyer, "PUT", url, {"min_level": "1", "safety_stock": "1"}), 403, "forbidden")
    negative = send(planner, "PUT", url, {"min_level": "-1", "safety_stock": "0"})
    assert_error(negative, 422, "invalid")


def test_sites_are_created_read_and_retired_by_administrators(planner, people) -> None:
    created = send(planner, "POST", f"{API}/sites", {"name": "Kulim plant", "code": "KUL1"})
    assert created.status_code == 201, created.content
    site = created.json()
    meridian = "Meridian Electronics Manufacturing"
    assert (site["code"], site["organisation"]["name"]) == ("KUL1", meridian)
    again = send(planner, "POST", f"{API}/sites", {"name": "Kulim plant", "code": "KUL1"})
    assert_error(again, 409, "conflict")
    quality = token_client(people.ems_quality)[0]
    assert_error(send(quality, "POST", f"{API}/sites/{site['id']}/retire"), 403, "forbidden")
    retired = send(planner, "POST", f"{API}/sites/{site['id']}/retire")
    assert retired.json()["retired_at"] is not None
    assert_error(send(planner, "POST", f"{API}/sites/{site['id']}/retire"), 409, "conflict")
    listed = send(planner, "GET", f"{API}/sites").json()["results"]
    assert "KUL1" not in {s["code"] for s in listed}
    listed = send(planner, "GET", f"{API}/sites?retired=true").json()["results"]
    assert "KUL1" in {s["code"] for s in listed}


def test_the_stock_list_pages_filters_and_logs_each_holders_rows(planner, buyer, stock_world):
    first = send(planner, "GET", f"{API}/stock?page_size=3").json()
    second = send(planner, "GET", f"{API}/stock?page_size=3&page=2").json()
    assert first["count"] == 4 and len(first["results"]) == 3 and first["next"]
    assert len(second["results"]) == 1 and second["previous"] and second["next"] is None
    ids = {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]}
    assert len(ids) == 4
    consigned = send(planner, "GET", f"{API}/stock?holding=consigned").json()
    assert {r["owner"]["name"] for r in consigned["results"]} == {
        "Halcyon Devices",
        "Roverly Robotics",
    }
    assert AccessLogEntry.objects.count() == 0  # the holder reading its own stock
    part = stock_world.ebx2_part.pk

    listed = send(buyer, "GET", f"{API}/stock?part={part}").json()

    assert {(r["holding"], r["on_hand"]) for r in listed["results"]} == {
        ("own", "100"),
        ("consigned", "40"),
    }
    entry = AccessLogEntry.objects.get()
    assert (entry.owner.name, entry.row_count, entry.channel, entry.path) == (
        "Meridian Electronics Manufacturing",
        1,
        "api",
        f"{API}/stock",
    )
    assert entry.reader.username == "oem_buyer"
