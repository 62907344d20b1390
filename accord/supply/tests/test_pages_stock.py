"""Stock pages through HTTP: the list with its filters, sort and exports, receiving, and a stock
item's ledger with the moves its holder's people make."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accord.core.models import AccessLogEntry
from accord.supply.choices import MoveKind
from accord.supply.models import StockItem, StockMove
from accord.supply.services import adjust_stock, schedule_build, set_stock_level
from accord.web.tests.helpers import csv_rows, table, text, xlsx_rows

CAPTION = "Stock you may see"


def field_errors(response) -> list[str]:
    return re.findall(r'<span class="field-error"[^>]*>([^<]*)</span>', response.content.decode())


def form_errors(response) -> str:
    found = re.findall(
        r'<div class="form-errors"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    return " ".join(re.sub(r"<[^>]+>", " ", f) for f in found)


def shown(response) -> list[tuple[str, str, str, str]]:
    """(site, part, owner, on hand) of each row, in the order shown."""
    return [(r[0].split()[0], r[1], r[3], r[5]) for r in table(response, CAPTION) if len(r) > 1]


def last_read() -> int:
    return AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def ledger(item: StockItem) -> list[tuple[str, Decimal, Decimal]]:
    return list(item.moves.order_by("pk").values_list("kind", "quantity", "balance_after"))


# The list ------------------------------------------------------------------------------


def test_a_buyer_sees_its_consigned_goods_and_the_ems_stock_of_its_parts_only(
    client_for, stock_world
):
    last = last_read()
    response = client_for("oem_buyer").get(reverse("stock_list"))
    number = stock_world.ebx2_part.number
    assert sorted(shown(response)) == [
        ("PEN1", number, "Halcyon Devices", "40"),
        ("PEN1", number, "Meridian Electronics Manufacturing", "100"),
    ]
    assert "Roverly" not in text(response) and stock_world.rvc_part.number not in text(response)
    # Meridian's own stock, read under the NDA: one entry for Meridian with its one row.
    entries = AccessLogEntry.objects.filter(id__gt=last)
    assert [(e.owner_id, e.row_count, e.channel) for e in entries] == [
        (stock_world.plant.organisation_id, 1, "web")
    ]


def test_the_holder_sees_all_it_holds_and_logs_no_read(client_for, stock_world):
    last = last_read()
    response = client_for("ems_planner").get(reverse("stock_list"))
    assert len(shown(response)) == 4
    assert not AccessLogEntry.objects.filter(id__gt=last).exists()


@pytest.mark.parametrize("persona", ["supplier_rep", "nda_expired_partner", "outsider"])
def test_people_without_need_to_know_see_no_stock(client_for, stock_world, persona):
    response = client_for(persona).get(reverse("stock_list"))
    assert response.status_code == 200
    assert shown(response) == []
    assert "No stock that you may see" in text(response)


def test_stock_filters_by_site_part_owner_and_holding(client_for, orgs, stock_world):
    client = client_for("ems_planner")
    url = reverse("stock_list")
    rvc, ebx2 = stock_world.rvc_part.number, stock_world.ebx2_part.number
    by_owner = shown(client.get(url, {"owner": orgs["roverly"].pk}))
    assert by_owner == [("PEN1", rvc, "Roverly Robotics", "25")]
    consigned = shown(client.get(url, {"holding": "consigned"}))
    assert {row[2] for row in consigned} == {"Halcyon Devices", "Roverly Robotics"}
    own = shown(client.get(url, {"holding": "own"}))
    assert {row[2] for row in own} == {"Meridian Electronics Manufacturing"}
    assert {row[1] for row in shown(client.get(url, {"part": rvc[:6].lower()}))} == {rvc}
    assert shown(client.get(url, {"site": stock_world.depot.pk})) == []
    assert len(shown(client.get(url, {"site": stock_world.plant.pk}))) == 4
    # A stale or garbled filter is ignored, not an error.
    assert len(shown(client.get(url, {"owner": "999999", "site": "x", "holding": "?"}))) == 4
    # Filters combine.
    both = shown(client.get(url, {"part": ebx2, "holding": "consigned"}))
    assert both == [("PEN1", ebx2, "Halcyon Devices", "40")]


def test_stock_sorts_by_each_column_both_ways(client_for, stock_world):
    client = client_for("ems_planner")
    url = reverse("stock_list")
    on_hand = [row[3] for row in shown(client.get(url, {"sort": "on_hand"}))]
    assert on_hand == ["7", "25", "40", "100"]
    on_hand = [row[3] for row in shown(client.get(url, {"sort": "-on_hand"}))]
    assert on_hand == ["100", "40", "25", "7"]
    owners = [row[2] for row in shown(client.get(url, {"sort": "-owner"}))]
    assert owners == sorted(owners, reverse=True)
    page = client.get(url, {"sort": "on_hand"})
    assert 'aria-sort="ascending"' in page.content.decode()
    # An unknown sort falls back to the part number.
    assert client.get(url, {"sort": "bogus"}).status_code == 200


def test_stock_exports_hold_the_filtered_rows_as_numbers(client_for, people, stock_world):
    set_stock_level(
        actor=people.ems_planner,
        site=stock_world.plant,
        part=stock_world.rvc_part,
        min_level="20",
        safety_stock="2.5",
    )
    client = client_for("ems_planner")
    url = reverse("stock_list")
    rows = csv_rows(client.get(url, {"format": "csv", "part": "RVC", "sort": "on_hand"}))
    assert rows[0] == [
        "Site",
        "Holder",
        "Part number",
        "Description",
        "Owner",
        "Holding",
        "On hand",
        "Min level",
        "Safety stock",
    ]
    number = stock_world.rvc_part.number
    assert [row[2:] for row in rows[1:]] == [
        [number, "MCU STM32G431", "Meridian Electronics Manufacturing", "Own", "7", "20", "2.5"],
        [number, "MCU STM32G431", "Roverly Robotics", "Consigned", "25", "20", "2.5"],
    ]
    sheet = xlsx_rows(client.get(url, {"format": "xlsx", "sort": "-on_hand"}))
    assert sheet[0][0] == "Site" and len(sheet) == 5
    assert [row[6] for row in sheet[1:]] == [100, 40, 25, 7]  # numbers, not text
    assert sheet[4][7:] == [20, 2.5]
    assert client.get(url, {"format": "pdf"}).status_code == 422


def test_a_partners_export_is_logged_for_the_holder(client_for, stock_world):
    last = last_read()
    rows = csv_rows(client_for("other_oem_user").get(reverse("stock_list"), {"format": "csv"}))
    assert {row[4] for row in rows[1:]} == {
        "Roverly Robotics",
        "Meridian Electronics Manufacturing",
    }
    entries = AccessLogEntry.objects.filter(id__gt=last)
    assert [(e.owner_id, e.row_count, e.channel) for e in entries] == [
        (stock_world.plant.organisation_id, 1, "export")
    ]


def test_a_refused_part_search_answers_422_beside_the_field_and_exports_nothing(
    client_for, stock_world
):
    client = client_for("ems_planner")
    response = client.get(reverse("stock_list"), {"part": "HAL\x07"})
    assert response.status_code == 422 and "U+0007" in field_errors(response)[0]
    response = client.get(reverse("stock_list"), {"part": "HAL\x07", "format": "csv"})
    assert response.status_code == 422
    assert not response["Content-Type"].startswith("text/csv")


# Receiving ------------------------------------------------------------------------------


def test_the_ems_receives_consigned_goods_at_its_site(client_for, orgs, parts, stock_world):
    part = parts["HAL-100-0001"]
    client = client_for("ems_planner")
    response = client.post(
        reverse("stock_receive"),
        {
            "site": stock_world.plant.pk,
            "part": "hal-100-0001",  # as typed
            "owner": orgs["halcyon"].pk,
            "quantity": "2500",
            "reference": "DN-4471",
        },
    )
    item = StockItem.objects.get(site=stock_world.plant, part=part, owner=orgs["halcyon"])
    assert response.status_code == 302
    assert response["Location"] == reverse("stock_detail", args=[item.pk])
    assert item.on_hand == Decimal(2500)
    page = client.get(response["Location"])
    assert "Received 2500 of HAL-100-0001 at PEN1: 2500 on hand." in text(page)


def test_receiving_refuses_bad_input_beside_the_field_and_changes_nothing(
    client_for, orgs, stock_world
):
    client = client_for("ems_planner")
    base = {"site": stock_world.plant.pk, "part": stock_world.ebx2_part.number, "quantity": "5"}
    moves = StockMove.objects.count()
    for change, message in (
        ({"quantity": "lots"}, "is not a number"),
        ({"quantity": "0"}, "more than zero"),
        ({"quantity": "-4"}, "more than zero"),
        ({"quantity": "NaN"}, "is not a number"),
        ({"quantity": "2E+1000"}, "too large"),
        ({"part": "NOPE-1"}, "No part numbered NOPE-1"),
        ({"owner": orgs["sunridge"].pk}, "Select a valid choice"),
        ({"reference": "two\nlines"}, "not allowed"),
    ):
        response = client.post(reverse("stock_receive"), {**base, **change})
        assert response.status_code == 422, change
        errors = field_errors(response)
        assert len(errors) == 1 and message in errors[0], (change, errors)
    assert StockMove.objects.count() == moves


def test_goods_can_be_received_only_at_ones_own_sites(client_for, stock_world):
    data = {"site": stock_world.plant.pk, "part": stock_world.ebx2_part.number, "quantity": "5"}
    moves = StockMove.objects.count()
    assert client_for("oem_buyer").post(reverse("stock_receive"), data).status_code == 403
    assert client_for("supplier_rep").post(reverse("stock_receive"), data).status_code == 404
    assert StockMove.objects.count() == moves


def test_the_receive_form_offers_only_the_persons_active_sites(client_for, stock_world):
    response = client_for("oem_buyer").get(reverse("stock_receive"))
    select = re.search(r'<select name="site".*?</select>', response.content.decode(), re.S)
    assert select is not None
    assert re.findall(r'value="(\d+)"', select.group(0)) == [str(stock_world.halcyon_plant.pk)]


# A stock item and its ledger -------------------------------------------------------------


def test_the_ledger_shows_moves_newest_first_a_page_at_a_time(client_for, people, stock_world):
    item = stock_world.own_rvc  # 7 received
    for n in range(30):
        adjust_stock(actor=people.ems_planner, item=item, change=1, reason=f"count {n}")
    client = client_for("ems_planner")
    first = table(client.get(reverse("stock_detail", args=[item.pk])), "Moves of")
    assert len(first) == 25
    assert (first[0][1], first[0][2], first[0][3], first[0][4]) == (
        "Adjust",
        "+1",
        "37",
        "count 29",
    )
    second = table(client.get(reverse("stock_detail", args=[item.pk]), {"page": 2}), "Moves of")
    assert len(second) == 6
    assert (second[-1][1], second[-1][2], second[-1][3]) == ("Receive", "+7", "7")


def test_a_partner_reads_the_ledger_but_gets_no_forms(client_for, stock_world):
    last = last_read()
    response = client_for("oem_engineer").get(
        reverse("stock_detail", args=[stock_world.own_ebx2.pk])
    )
    assert response.status_code == 200
    assert "Move stock" not in text(response) and "csrfmiddlewaretoken" not in text(response)
    assert len(table(response, "Moves of")) == 1
    entry = AccessLogEntry.objects.get(id__gt=last)
    assert (entry.object_type, entry.object_id) == (
        "supply.stockitem",
        str(stock_world.own_ebx2.pk),
    )


def test_the_holder_issues_stock_to_a_build(client_for, people, programs, boms, stock_world):
    build = schedule_build(
        actor=people.oem_buyer,
        program=programs["EBX2"],
        assembly=boms["EBX2-PCBA"].assembly,
        quantity_due=1000,
        due_date=stock_world.plant.created_at.date(),
    )
    item = stock_world.own_ebx2
    client = client_for("ems_planner")
    response = client.post(
        reverse("stock_issue", args=[item.pk]), {"quantity": "30", "build": build.pk}
    )
    assert response.status_code == 302
    move = item.moves.get(kind=MoveKind.ISSUE)
    assert (move.quantity, move.balance_after, move.build_id) == (Decimal(-30), 70, build.pk)
    page = client.get(response["Location"])
    assert "Issued 30 to 1000 × EBX2-PCBA due" in text(page)
    assert table(page, "Moves of")[0][1:4] == ["Issue to build", "-30", "70"]


def test_taking_out_more_than_is_on_hand_is_refused_and_changes_nothing(client_for, stock_world):
    item = stock_world.own_rvc  # 7 on hand
    client = client_for("ems_planner")
    before = ledger(item)
    for route, data in (
        ("stock_issue", {"quantity": "8"}),
        ("stock_scrap", {"quantity": "7.5", "reason": "dropped"}),
        ("stock_adjust", {"change": "-10", "reason": "count"}),
        ("stock_transfer", {"to_site": stock_world.depot.pk, "quantity": "9"}),
    ):
        response = client.post(reverse(route, args=[item.pk]), data)
        assert response.status_code == 422, route
        assert "Only 7 on hand" in form_errors(response), route
    assert ledger(item) == before


def test_adjust_scrap_and_transfer_keep_the_ledger(client_for, stock_world):
    item = stock_world.own_ebx2  # 100 on hand
    client = client_for("ems_quality")  # any of the holder's people
    assert (
        client.post(
            reverse("stock_adjust", args=[item.pk]), {"change": "-2.5", "reason": "count"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("stock_scrap", args=[item.pk]), {"quantity": "1", "reason": "ESD"}
        ).status_code
        == 302
    )
    response = client.post(
        reverse("stock_transfer", args=[item.pk]),
        {"to_site": stock_world.depot.pk, "quantity": "20", "reference": "TR-1"},
    )
    assert response.status_code == 302
    assert [(k, q, b) for k, q, b in ledger(item)][1:] == [
        (MoveKind.ADJUST, Decimal("-2.5"), Decimal("97.5")),
        (MoveKind.SCRAP, Decimal(-1), Decimal("96.5")),
        (MoveKind.TRANSFER_OUT, Decimal(-20), Decimal("76.5")),
    ]
    moved = StockItem.objects.get(site=stock_world.depot, part=item.part, owner=item.owner)
    assert moved.on_hand == Decimal(20)


def test_move_forms_refuse_bad_input_beside_the_field(client_for, stock_world):
    item = stock_world.own_ebx2
    client = client_for("ems_planner")
    before = ledger(item)
    for route, data, message in (
        ("stock_adjust", {"change": "0", "reason": "count"}, "other than zero"),
        ("stock_adjust", {"change": "+3"}, "This field is required"),
        ("stock_adjust", {"change": "x", "reason": "count"}, "is not a number"),
        ("stock_scrap", {"quantity": "1", "reason": "   "}, "required"),
        ("stock_issue", {"quantity": "1.00001"}, "at most 4 decimals"),
        ("stock_transfer", {"to_site": stock_world.plant.pk, "quantity": "1"}, "valid choice"),
    ):
        response = client.post(reverse(route, args=[item.pk]), data)
        assert response.status_code == 422, (route, data)
        errors = field_errors(response)
        assert len(errors) == 1 and message in errors[0], (route, data, errors)
    assert ledger(item) == before


def test_moves_by_others_are_refused(client_for, stock_world):
    item = stock_world.own_ebx2
    before = ledger(item)
    data = {"quantity": "1"}
    assert (
        client_for("oem_buyer").post(reverse("stock_issue", args=[item.pk]), data).status_code
        == 403
    )
    assert (
        client_for("outsider").post(reverse("stock_issue", args=[item.pk]), data).status_code == 404
    )
    # Roverly's consigned goods are no business of Halcyon's: not found.
    other = stock_world.consigned_rvc
    assert client_for("oem_buyer").get(reverse("stock_detail", args=[other.pk])).status_code == 404
    assert ledger(item) == before


def test_a_retired_site_shows_no_forms_and_refuses_moves_with_a_message(
    client_for, people, stock_world
):
    from accord.supply.services import retire_site

    retire_site(actor=people.ems_planner, site=stock_world.plant)
    item = stock_world.own_ebx2
    client = client_for("ems_planner")
    assert "Move stock" not in text(client.get(reverse("stock_detail", args=[item.pk])))
    response = client.post(reverse("stock_adjust", args=[item.pk]), {"change": "1", "reason": "x"})
    assert response.status_code == 422
    assert "retired" in form_errors(response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_stock_exports_survive_text_stored_before_the_rule(client_for, stock_world, fmt):
    from accord.parts.models import Part

    Part.objects.filter(pk=stock_world.ebx2_part.pk).update(description="=SoC\x07 \u202enRF")
    response = client_for("ems_planner").get(reverse("stock_list"), {"format": fmt})
    rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
    descriptions = {row[3] for row in rows[1:]}
    assert "'=SoC nRF" in descriptions  # no control or bidi character, no formula


def test_consigned_goods_are_offered_only_to_their_owners_builds(
    client_for, people, programs, boms, stock_world
):
    import datetime as dt

    due = dt.date.today() + dt.timedelta(weeks=4)
    for persona, code, assembly in (
        ("oem_buyer", "EBX2", "EBX2-PCBA"),
        ("other_oem_user", "RVC", "RVC-MAIN"),
    ):
        schedule_build(
            actor=people[persona],
            program=programs[code],
            assembly=boms[assembly].assembly,
            quantity_due=10,
            due_date=due,
        )

    def offered(item: StockItem) -> list[str]:
        page = client_for("ems_planner").get(reverse("stock_detail", args=[item.pk]))
        select = re.search(r'<select name="build".*?</select>', page.content.decode(), re.S)
        assert select is not None
        return re.findall(r"× (\S+) due", select.group(0))

    assert offered(stock_world.consigned_rvc) == ["RVC-MAIN"]
    assert offered(stock_world.consigned_ebx2) == ["EBX2-PCBA"]
    assert sorted(offered(stock_world.own_ebx2)) == ["EBX2-PCBA", "RVC-MAIN"]
