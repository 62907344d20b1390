"""Purchase order pages through HTTP: the list with its filters and exports, creating an order,
the buyer's lines and issue, the supplier's acknowledgement and confirmed dates, cancelling a
line, and receiving deliveries with their inspection."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accord.core.models import AccessLogEntry, Event
from accord.supply.choices import LineStatus, OrderStatus
from accord.supply.models import Delivery, PurchaseOrder, PurchaseOrderLine, StockItem
from accord.supply.services import (
    add_order_line,
    create_purchase_order,
    issue_order,
)
from accord.web.tests.helpers import csv_rows, table, text, xlsx_rows

TODAY = dt.date.today()


def field_errors(response) -> list[str]:
    return re.findall(r'<span class="field-error"[^>]*>([^<]*)</span>', response.content.decode())


def form_errors(response) -> str:
    found = re.findall(
        r'<div class="form-errors"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    return " ".join(re.sub(r"<[^>]+>", " ", f) for f in found)


def numbers(response) -> list[str]:
    return [r[0] for r in table(response, "Purchase orders you may see") if len(r) > 1]


def last_read() -> int:
    return AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def orders(people, programs, parts, orgs, stock_world) -> dict[str, PurchaseOrder]:
    buyer = people.oem_buyer
    issued = create_purchase_order(
        actor=buyer,
        program=programs["EBX2"],
        supplier=orgs["sunridge"],
        number="PO-7001",
        ship_to=stock_world.plant,
    )
    add_order_line(
        actor=buyer,
        order=issued,
        part=parts["HAL-400-0001"],
        quantity_ordered=2000,
        requested_date=TODAY + dt.timedelta(days=30),
        unit_price="1.85",
    )
    issue_order(actor=buyer, order=issued)
    draft = create_purchase_order(
        actor=buyer, program=programs["EBX2"], supplier=orgs["sunridge"], number="PO-7002"
    )
    other = create_purchase_order(
        actor=buyer, program=programs["EBX2"], supplier=orgs["arrowpoint"], number="PO-7003"
    )
    return {"issued": issued, "draft": draft, "other": other}


def line_of(order: PurchaseOrder) -> PurchaseOrderLine:
    return order.lines.get(line_number=1)


# The list -------------------------------------------------------------------------------


def test_a_supplier_sees_only_its_own_orders(client_for, orders):
    # PO-7002 is the buyer's draft: the supplier sees it once it is issued.
    assert set(numbers(client_for("supplier_rep").get(reverse("order_list")))) == {"PO-7001"}
    assert set(numbers(client_for("oem_engineer").get(reverse("order_list")))) == {
        "PO-7001",
        "PO-7002",
        "PO-7003",
    }
    for persona in ("ems_planner", "other_oem_user", "outsider"):
        assert numbers(client_for(persona).get(reverse("order_list"))) == [], persona


def test_orders_filter_by_status_supplier_and_program_and_sort(client_for, orgs, programs, orders):
    client = client_for("oem_buyer")
    url = reverse("order_list")
    assert numbers(client.get(url, {"status": "issued"})) == ["PO-7001"]
    assert set(numbers(client.get(url, {"supplier": orgs["sunridge"].pk}))) == {
        "PO-7001",
        "PO-7002",
    }
    assert len(numbers(client.get(url, {"program": programs["EBX2"].pk}))) == 3
    assert numbers(client.get(url, {"sort": "number"})) == ["PO-7001", "PO-7002", "PO-7003"]
    assert numbers(client.get(url, {"sort": "-number"})) == ["PO-7003", "PO-7002", "PO-7001"]
    assert len(numbers(client.get(url, {"status": "bogus", "supplier": "x"}))) == 3


def test_order_exports_hold_the_filtered_orders(client_for, orgs, orders):
    client = client_for("oem_buyer")
    rows = csv_rows(
        client.get(reverse("order_list"), {"format": "csv", "supplier": orgs["sunridge"].pk})
    )
    assert rows[0][:5] == ["Number", "Buyer", "Supplier", "Program", "Status"]
    assert sorted((r[0], r[2], r[4], r[6]) for r in rows[1:]) == [
        ("PO-7001", "Sunridge Acoustics", "Issued", "Penang plant (PEN1)"),
        ("PO-7002", "Sunridge Acoustics", "Draft", ""),
    ]
    sheet = xlsx_rows(client.get(reverse("order_list"), {"format": "xlsx", "sort": "number"}))
    assert [row[0] for row in sheet[1:]] == ["PO-7001", "PO-7002", "PO-7003"]
    assert isinstance(sheet[1][9], dt.datetime)  # created, a date a spreadsheet reads


# Creating and filling in an order ----------------------------------------------------------


def test_the_buyer_creates_an_order_for_a_supplier_of_the_program(
    client_for, people, orgs, programs, stock_world
):
    client = client_for("oem_buyer")
    form = client.get(reverse("order_create"))
    supplier_select = re.search(r'<select name="supplier".*?</select>', form.content.decode(), re.S)
    assert supplier_select is not None
    offered = set(re.findall(r">([^<]+)</option>", supplier_select.group(0)))
    assert offered == {"Arrowpoint Distribution", "Kestrel Cells", "Sunridge Acoustics"}
    response = client.post(
        reverse("order_create"),
        {
            "program": programs["EBX2"].pk,
            "supplier": orgs["sunridge"].pk,
            "number": "PO-2026-0147",
            "currency": "eur",
            "ship_to": stock_world.plant.pk,
        },
    )
    order = PurchaseOrder.objects.get(number="PO-2026-0147")
    assert response.status_code == 302
    assert (order.buyer, order.currency, order.status) == (orgs["halcyon"], "EUR", "draft")
    page = client.get(response["Location"])
    assert "Created purchase order PO-2026-0147" in text(page)


def test_order_creation_refusals_are_shown_beside_the_form(client_for, orgs, programs, orders):
    client = client_for("oem_buyer")
    base = {
        "program": programs["EBX2"].pk,
        "supplier": orgs["sunridge"].pk,
        "number": "PO-NEW",
        "currency": "USD",
    }
    count = PurchaseOrder.objects.count()
    # Kestrel takes part in Pulse HRM, not in Earbuds X2: the service says so.
    response = client.post(reverse("order_create"), {**base, "supplier": orgs["kestrel"].pk})
    assert response.status_code == 422
    assert "does not take part in Earbuds X2" in field_errors(response)[0]
    response = client.post(reverse("order_create"), {**base, "number": "PO-7001"})
    assert response.status_code == 422 and "PO-7001 already" in form_errors(response)
    response = client.post(reverse("order_create"), {**base, "currency": "$$"})
    assert response.status_code == 422 and "three-letter" in field_errors(response)[0]
    response = client.post(reverse("order_create"), {**base, "number": ""})
    assert response.status_code == 422 and "required" in field_errors(response)[0]
    assert PurchaseOrder.objects.count() == count
    # Roverly's program is not the buyer's to see: 404.
    response = client.post(reverse("order_create"), {**base, "program": programs["RVC"].pk})
    assert response.status_code == 404
    assert PurchaseOrder.objects.count() == count


def test_the_buyer_adds_lines_and_issues_the_order(client_for, parts, orders):
    draft = orders["draft"]
    client = client_for("oem_buyer")
    response = client.post(
        reverse("order_line_add", args=[draft.pk]),
        {
            "part": "HAL-100-0001",
            "mpn": "grm155r61a104ka01d",
            "quantity": "10000",
            "unit_price": "0.0042",
            "requested_date": (TODAY + dt.timedelta(days=21)).isoformat(),
        },
    )
    assert response.status_code == 302
    line = line_of(draft)
    assert line.manufacturer_part is not None and line.manufacturer_part.mpn == "GRM155R61A104KA01D"
    assert (line.unit_price, line.currency) == (Decimal("0.0042"), "USD")
    page = client.get(reverse("order_detail", args=[draft.pk]))
    row = table(page, "Lines of PO-7002")[0]
    assert row[3:5] == ["10000", "0.0042 USD"]  # plain numbers, money with its currency
    assert client.post(reverse("order_issue", args=[draft.pk])).status_code == 302
    draft.refresh_from_db()
    assert draft.status == OrderStatus.ISSUED and draft.issued_at is not None


def test_line_refusals_are_shown_beside_their_field(client_for, orders):
    draft = orders["draft"]
    client = client_for("oem_buyer")
    base = {
        "part": "HAL-100-0001",
        "quantity": "5",
        "requested_date": (TODAY + dt.timedelta(days=21)).isoformat(),
    }
    for change, message in (
        ({"unit_price": "free"}, "is not an amount"),
        ({"unit_price": "-1"}, "is not a price"),
        ({"unit_price": "0.0000001"}, "at most 6 decimals"),
        ({"currency": "EURO"}, "at most 3 characters"),
        ({"mpn": "NRF5340-QKAA-R7"}, "is not an approved source of HAL-100-0001"),
        ({"quantity": "1e3"}, ""),  # 1000: a number as written is still a number
        ({"requested_date": "2026-13-45"}, "valid date"),
        ({"part": "RVC-200-0001"}, "No part numbered RVC-200-0001"),
    ):
        response = client.post(reverse("order_line_add", args=[draft.pk]), {**base, **change})
        if not message:
            assert response.status_code == 302
            continue
        assert response.status_code == 422, change
        errors = field_errors(response)
        assert len(errors) == 1 and message in errors[0], (change, errors)
    assert draft.lines.count() == 1


def test_an_order_with_no_lines_is_not_issued(client_for, orders):
    client = client_for("oem_buyer")
    response = client.post(reverse("order_issue", args=[orders["other"].pk]), follow=True)
    assert "has no lines to order" in text(response)
    orders["other"].refresh_from_db()
    assert orders["other"].status == OrderStatus.DRAFT


# The supplier's answer ------------------------------------------------------------------------


def test_the_supplier_acknowledges_and_confirms_a_date_and_its_read_is_logged(
    client_for, orgs, orders
):
    order = orders["issued"]
    client = client_for("supplier_rep")
    last = last_read()
    page = client.get(reverse("order_detail", args=[order.pk]))
    assert "Acknowledge the order" in text(page)
    assert "Add a line" not in text(page) and "Receive a delivery" not in text(page)
    entry = AccessLogEntry.objects.get(id__gt=last)  # the priced lines, for the buyer
    assert (entry.owner, entry.object_type, entry.program_id) == (
        orgs["halcyon"],
        "supply.purchaseorder",
        order.program_id,
    )
    assert client.post(reverse("order_acknowledge", args=[order.pk])).status_code == 302
    line = line_of(order)
    confirmed = TODAY + dt.timedelta(days=40)
    response = client.post(
        reverse("order_line_confirm", args=[order.pk, line.pk]),
        {"confirmed_date": confirmed.isoformat()},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.confirmed_date, line.status) == (confirmed, LineStatus.CONFIRMED)
    order.refresh_from_db()
    assert order.status == OrderStatus.ACKNOWLEDGED
    # The buyer's own read logs nothing.
    last = last_read()
    row = table(client_for("oem_buyer").get(reverse("order_detail", args=[order.pk])), "Lines")[0]
    assert row[6:8] == [confirmed.isoformat(), "Confirmed by the supplier"]
    assert not AccessLogEntry.objects.filter(id__gt=last).exists()


def test_a_confirmation_needs_a_date_and_the_supplier(client_for, orders):
    order = orders["issued"]
    line = line_of(order)
    url = reverse("order_line_confirm", args=[order.pk, line.pk])
    response = client_for("supplier_rep").post(url, {"confirmed_date": "soon"})
    assert response.status_code == 422 and "valid date" in field_errors(response)[0]
    assert client_for("oem_buyer").post(url, {"confirmed_date": TODAY}).status_code == 403
    line.refresh_from_db()
    assert line.confirmed_date is None
    # A line of another order under this order's address: not found.
    other = reverse("order_line_confirm", args=[orders["draft"].pk, line.pk])
    assert client_for("supplier_rep").post(other, {"confirmed_date": TODAY}).status_code == 404


def test_a_draft_is_the_buyers_until_issued(client_for, people, parts, orders):
    """The supplier can neither see nor answer a draft; once issued, it can."""
    draft = orders["draft"]
    line = add_order_line(
        actor=people.oem_buyer,
        order=draft,
        part=parts["HAL-400-0001"],
        quantity_ordered=5,
        requested_date=TODAY,
    )
    client = client_for("supplier_rep")
    confirm = reverse("order_line_confirm", args=[draft.pk, line.pk])
    assert client.get(reverse("order_detail", args=[draft.pk])).status_code == 404
    assert client.post(confirm, {"confirmed_date": TODAY}).status_code == 404
    issue_order(actor=people.oem_buyer, order=draft)
    assert client.get(reverse("order_detail", args=[draft.pk])).status_code == 200
    assert client.post(confirm, {"confirmed_date": TODAY}).status_code == 302


# Cancelling and receiving ----------------------------------------------------------------------


def test_the_buyer_cancels_a_line_with_a_reason(client_for, orders):
    order = orders["issued"]
    line = line_of(order)
    client = client_for("oem_buyer")
    url = reverse("order_line_cancel", args=[order.pk, line.pk])
    assert "Cancel line 1 of PO-7001?" in text(client.get(url))
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 422 and "required" in field_errors(refused)[0]
    assert client.post(url, {"reason": "design change"}).status_code == 302
    line.refresh_from_db()
    assert line.status == LineStatus.CANCELLED
    assert Event.objects.filter(verb="cancelled order line").exists()
    assert client_for("supplier_rep").post(url, {"reason": "x"}).status_code == 403


def test_the_buyer_receives_a_delivery_with_its_inspection(client_for, orgs, orders, stock_world):
    order = orders["issued"]
    line = line_of(order)
    client = client_for("oem_buyer")
    response = client.post(
        reverse("order_receive", args=[order.pk]),
        {
            "line": line.pk,
            "site": stock_world.halcyon_plant.pk,
            "quantity": "500",
            "rejected_quantity": "12",
            "reject_reason": "bent leads",
            "received_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.received_quantity, line.rejected_quantity, line.status) == (
        Decimal(500),
        Decimal(12),
        LineStatus.PARTLY_RECEIVED,
    )
    stock = StockItem.objects.get(site=stock_world.halcyon_plant, part=line.part)
    assert (stock.on_hand, stock.owner) == (Decimal(488), orgs["halcyon"])
    page = client.get(response["Location"])
    assert "Received 500 on line 1 (488 accepted) at SJ." in text(page)
    delivery = table(page, "Deliveries against PO-7001")[0]
    assert delivery[1:7] == ["1", line.part.number, "SJ", "500", "12", "bent leads"]
    assert table(page, "Lines of PO-7001")[0][8:11] == ["500", "12", "1512"]
    # The supplier sees the delivery and its inspection too.
    seen = table(client_for("supplier_rep").get(response["Location"]), "Deliveries against")
    assert seen[0][4:6] == ["500", "12"]


def test_receiving_refusals_are_shown_beside_the_form(client_for, orders, stock_world):
    order = orders["issued"]
    line = line_of(order)
    client = client_for("oem_buyer")
    base = {
        "line": line.pk,
        "site": stock_world.halcyon_plant.pk,
        "quantity": "10",
        "received_on": TODAY.isoformat(),
    }
    for change, message in (
        ({"quantity": "2001"}, "Only 2000 of"),
        ({"rejected_quantity": "3"}, "reject_reason is required"),
        ({"rejected_quantity": "11", "reject_reason": "x"}, "more rejected than received"),
        ({"received_on": (TODAY + dt.timedelta(days=2)).isoformat()}, "not in the future"),
        ({"site": stock_world.plant.pk}, "valid choice"),
        ({"line": "999999"}, "valid choice"),
    ):
        response = client.post(reverse("order_receive", args=[order.pk]), {**base, **change})
        assert response.status_code == 422, change
        shown = form_errors(response) + " ".join(field_errors(response))
        assert message in shown, (change, shown)
    assert not Delivery.objects.exists()
    # The supplier sees the order but does not receive its goods.
    assert (
        client_for("supplier_rep").post(reverse("order_receive", args=[order.pk]), base).status_code
        == 403
    )
    assert not Delivery.objects.exists()
