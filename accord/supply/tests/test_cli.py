"""The supply commands: a site, stock in and out, an order from draft to receipt, a build
scheduled and changed, each as a person with that person's access."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from accord.supply.models import Allocation, Build, StockItem, SupplierOffer


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_stock_from_the_command_line(people, stock_world):
    said = run(
        "stock", "receive", "PEN1", stock_world.ebx2_part.number, "25", "--as", "ems_planner"
    )
    item = StockItem.objects.get(
        site=stock_world.plant, part=stock_world.ebx2_part, owner=people.ems_planner.organisation
    )
    assert f"125 on hand (item {item.pk})" in said  # 100 before
    assert "95 on hand" in run("stock", "issue", str(item.pk), "30", "--as", "ems_planner")
    assert "90 on hand" in run(
        "stock", "adjust", str(item.pk), "-5", "--reason", "count", "--as", "ems_planner"
    )
    moved = run("stock", "transfer", str(item.pk), "PEN-WH", "10", "--as", "ems_planner")
    assert "80 on hand" in moved and "PEN-WH" in moved
    listed = json.loads(run("stock", "list", "--site", "PEN1", "--json", "--as", "ems_planner"))
    assert {
        "item": item.pk,
        "site": "PEN1",
        "part": item.part.number,
        "owner": item.owner.name,
        "on hand": "80",
    } in listed
    with pytest.raises(CommandError, match="insufficient_stock, 409"):
        run("stock", "issue", str(item.pk), "81", "--as", "ems_planner")
    with pytest.raises(CommandError, match="not_found, 404"):
        run("stock", "issue", str(item.pk), "1", "--as", "supplier_rep")
    assert "Min level 10" in run(
        "stock",
        "levels",
        "PEN1",
        item.part.number,
        "--min",
        "10",
        "--safety",
        "5",
        "--as",
        "ems_planner",
    )


def test_an_order_and_a_build_from_the_command_line(people, programs, stock_world, boms):
    part = stock_world.ebx2_part.number
    created = run("orders", "create", "EBX2", "sunridge", "CLI-PO-1", "--as", "oem_buyer")
    order_id = created.split("(id ")[1].split(")")[0]
    added = run(
        "orders",
        "add-line",
        order_id,
        part,
        "100",
        "2027-01-15",
        "--price",
        "1.25",
        "--as",
        "oem_buyer",
    )
    line_id = added.split("(id ")[1].split(")")[0]
    run("orders", "issue", order_id, "--as", "oem_buyer")
    assert "2027-01-29" in run("orders", "confirm", line_id, "2027-01-29", "--as", "supplier_rep")
    received = run(
        "orders",
        "receive",
        line_id,
        "SJ",
        "40",
        "--rejected",
        "2",
        "--reason",
        "bent",
        "--as",
        "oem_buyer",
    )
    assert "Received 40" in received and "2 rejected" in received
    assembly = next(b for b in boms.values() if b.program.code == "EBX2").assembly.number
    due = (dt.date.today() + dt.timedelta(weeks=6)).isoformat()
    scheduled = run("builds", "schedule", "EBX2", assembly, "500", due, "--as", "oem_buyer")
    build = Build.objects.get(pk=int(scheduled.split("(id ")[1].split(")")[0]))
    run("builds", "change", str(build.pk), "--quantity", "600", "--firm", "--as", "ems_planner")
    versions = json.loads(run("builds", "versions", str(build.pk), "--json", "--as", "oem_buyer"))
    assert [(v["version"], v["quantity"], v["firmness"], v["by"]) for v in versions] == [
        (1, "500", "forecast", "Maya Okafor"),
        (2, "600", "firm", "Aisha Rahman"),
    ]
    with pytest.raises(CommandError, match="not_found, 404"):
        run("builds", "versions", str(build.pk), "--as", "supplier_rep")


def test_offers_and_allocations_from_the_command_line(people, orgs):
    today = dt.date.today().isoformat()
    recorded = run(
        "offers",
        "record",
        "arrowpoint",
        "grm155r61a104ka01d",
        today,
        "--break",
        "10000:0.0042",
        "--break",
        "100000:0.0031",
        "--moq",
        "10000",
        "--lead-days",
        "84",
        "--stock",
        "1500000",
        "--as",
        "oem_buyer",
    )
    offer = SupplierOffer.objects.get()
    assert f"Recorded offer {offer.pk}" in recorded
    assert offer.price_breaks == [
        {"quantity": "10000", "unit_price": "0.0042"},
        {"quantity": "100000", "unit_price": "0.0031"},
    ]
    assert (offer.organisation, offer.supplier, offer.lead_time_days) == (
        orgs["halcyon"],
        orgs["arrowpoint"],
        84,
    )
    [listed] = json.loads(run("offers", "list", "--json", "--as", "oem_buyer"))
    assert (listed["id"], listed["stock"], listed["breaks"]) == (
        offer.pk,
        "1500000",
        "10000+:0.0042 100000+:0.0031",
    )
    with pytest.raises(CommandError, match="QUANTITY:UNIT_PRICE"):
        run("offers", "record", "arrowpoint", "X", today, "--break", "10", "--as", "oem_buyer")
    with pytest.raises(CommandError, match="No manufacturer part"):
        run(
            "offers",
            "record",
            "arrowpoint",
            "NO-SUCH",
            today,
            "--break",
            "1:1",
            "--as",
            "oem_buyer",
        )
    # Only the organisation that recorded it retires it; others do not even see it.
    with pytest.raises(CommandError, match="not_found, 404"):
        run("offers", "retire", str(offer.pk), "--as", "outsider")
    assert "Retired" in run("offers", "retire", str(offer.pk), "--as", "oem_buyer")
    assert json.loads(run("offers", "list", "--json", "--as", "oem_buyer")) == []

    start = dt.date.today()
    end = start + dt.timedelta(days=90)
    said = run(
        "offers",
        "allocate",
        "halcyon",
        "SA-BA-3110",
        start.isoformat(),
        end.isoformat(),
        "6000",
        "--as",
        "supplier_rep",
    )
    assert "Committed 6000 of" in said
    allocation = Allocation.objects.get()
    assert (allocation.supplier, allocation.buyer) == (orgs["sunridge"], orgs["halcyon"])
    [seen] = json.loads(run("offers", "allocations", "--json", "--as", "oem_buyer"))
    assert (seen["supplier"], seen["quantity"]) == (orgs["sunridge"].name, "6000")
    assert json.loads(run("offers", "allocations", "--json", "--as", "ems_planner")) == []
    with pytest.raises(CommandError, match="403"):
        run(
            "offers",
            "allocate",
            "meridian",
            "SA-BA-3110",
            start.isoformat(),
            end.isoformat(),
            "1",
            "--as",
            "oem_buyer",
        )


def test_a_site_retired_from_the_command_line(people, stock_world):
    with pytest.raises(CommandError, match="403"):
        run("stock", "retire-site", "PEN-WH", "--as", "ems_quality")
    assert "Retired site" in run("stock", "retire-site", "PEN-WH", "--as", "ems_planner")
    stock_world.depot.refresh_from_db()
    assert stock_world.depot.retired_at is not None
    with pytest.raises(CommandError, match="409"):
        run("stock", "retire-site", "PEN-WH", "--as", "ems_planner")
