"""The import page: upload, preview with its problems table, confirm, all or nothing."""

from __future__ import annotations

import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accord.supply.models import StockMove
from accord.supply.tests.conftest import StockWorld
from accord.supply.tests.import_files import csv_bytes

URL = "/supply/import/"


def test_the_supply_pages_link_to_the_import(client_for: Any) -> None:
    page = client_for("ems_planner").get(reverse("stock_list")).content.decode()
    assert f'href="{URL}"' in page
    page = client_for("ems_planner").get(URL).content.decode()
    assert 'value="stock"' in page and 'value="allocations"' not in page
    page = client_for("supplier_rep").get(URL).content.decode()
    assert 'value="allocations"' in page and 'value="orders"' not in page


def test_preview_then_confirm(client_for: Any, stock_world: StockWorld) -> None:
    w = stock_world
    client = client_for("ems_planner")
    data = csv_bytes(
        [["Part Number", "Warehouse", "Qty On Hand"], [w.ebx2_part.number, "PEN1", 64]]
    )
    preview = client.post(URL, {"kind": "stock", "file": SimpleUploadedFile("count.csv", data)})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Preview: count.csv" in html and "Confirm and import" in html
    w.own_ebx2.refresh_from_db()
    assert w.own_ebx2.on_hand == 100
    content = re.search(r'name="content" value="([^"]+)"', html)
    assert content is not None
    done = client.post(URL, {"kind": "stock", "filename": "count.csv", "content": content.group(1)})
    assert done.status_code == 302 and done["Location"] == reverse("stock_list")
    w.own_ebx2.refresh_from_db()
    assert w.own_ebx2.on_hand == 64


def test_problems_table_and_nothing_written(client_for: Any, stock_world: StockWorld) -> None:
    w = stock_world
    data = csv_bytes(
        [
            ["Part Number", "Warehouse", "Qty"],
            [w.ebx2_part.number, "PEN1", 5],
            ["NOPE", "PEN1", "-1"],
        ]
    )
    moves = StockMove.objects.count()
    response = client_for("ems_planner").post(
        URL, {"kind": "stock", "file": SimpleUploadedFile("bad.csv", data)}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "<td>bad.csv</td>" in html and "Part Number (A)" in html and "Qty (C)" in html
    assert "Confirm and import" not in html
    assert StockMove.objects.count() == moves


def test_a_hostile_file_or_a_damaged_confirmation_is_a_clear_refusal(
    client_for: Any, stock_world: StockWorld
) -> None:
    client = client_for("ems_planner")
    response = client.post(
        URL, {"kind": "stock", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 ...")}
    )
    assert response.status_code == 422 and "not a stock on hand table" in response.content.decode()
    response = client.post(URL, {"kind": "stock", "filename": "x.csv", "content": "!!not base64!!"})
    assert response.status_code == 422 and "damaged" in response.content.decode()
    response = client.post(URL, {"kind": "stock"})
    assert response.status_code == 422


def test_a_kind_the_person_may_not_import_is_403(client_for: Any) -> None:
    data = b"Customer,MPN,Period Start,Period End,Qty\nX,Y,2027-01-01,2027-01-31,1\n"
    response = client_for("oem_buyer").post(
        URL, {"kind": "allocations", "file": SimpleUploadedFile("a.csv", data)}
    )
    assert response.status_code == 403
