"""Site pages through HTTP: the list and its add form, a site with its stock and levels,
retiring a site."""

from __future__ import annotations

import re
from decimal import Decimal

from django.urls import reverse

from accord.core.models import AccessLogEntry, Event
from accord.supply.models import Site, StockLevel
from accord.supply.services import set_stock_level
from accord.web.tests.helpers import table, text


def field_errors(response) -> list[str]:
    return re.findall(r'<span class="field-error"[^>]*>([^<]*)</span>', response.content.decode())


def test_the_site_list_shows_own_sites_and_where_visible_stock_lies(client_for, stock_world):
    response = client_for("oem_buyer").get(reverse("site_list"))
    assert response.status_code == 200
    assert [row[0] for row in table(response, "Sites of Halcyon Devices")] == ["SJ"]
    others = table(response, "Other organisations' sites")
    assert [(row[0], row[2]) for row in others] == [("PEN1", "Meridian Electronics Manufacturing")]
    assert "Add a site" in text(response)  # an administrator


def test_a_colleague_who_is_not_an_administrator_sees_no_add_form(client_for, stock_world):
    response = client_for("ems_quality").get(reverse("site_list"))
    assert {row[0] for row in table(response, "Sites of Meridian")} == {"PEN1", "PEN-WH"}
    assert "Add a site" not in text(response)
    before = Site.objects.count()
    refused = client_for("ems_quality").post(reverse("site_create"), {"name": "Sneaky"})
    assert refused.status_code == 403
    assert Site.objects.count() == before


def test_an_administrator_adds_a_site(client_for, people):
    response = client_for("ems_planner").post(
        reverse("site_create"),
        {"name": "Johor plant", "code": "JB1", "kind": "plant", "country": "my"},
    )
    site = Site.objects.get(organisation=people.ems_planner.organisation, name="Johor plant")
    assert response.status_code == 302
    assert response["Location"] == reverse("site_detail", args=[site.pk])
    assert (site.code, site.country) == ("JB1", "MY")  # the code as typed
    assert Event.objects.filter(verb="created site", object_id=str(site.pk)).exists()


def test_a_second_site_with_the_same_code_is_refused_beside_the_form(client_for, stock_world):
    before = Site.objects.count()
    response = client_for("ems_planner").post(
        reverse("site_create"), {"name": "Another", "code": "PEN1", "kind": "plant"}
    )
    assert response.status_code == 422
    assert "has a site with code PEN1 already" in text(response)
    assert Site.objects.count() == before


def test_site_form_refuses_control_characters_and_bad_kinds(client_for):
    client = client_for("ems_planner")
    before = Site.objects.count()
    response = client.post(reverse("site_create"), {"name": "Bad\x07name", "kind": "plant"})
    assert response.status_code == 422 and "U+0007" in field_errors(response)[0]
    response = client.post(reverse("site_create"), {"name": "Fine", "kind": "castle"})
    assert response.status_code == 422 and field_errors(response)
    assert Site.objects.count() == before


def test_a_site_shows_the_stock_the_person_may_see_with_its_levels(
    client_for, people, parts, stock_world
):
    set_stock_level(
        actor=people.ems_planner,
        site=stock_world.plant,
        part=stock_world.ebx2_part,
        min_level="20",
        safety_stock="5.5",
    )
    last = last_read()
    response = client_for("oem_buyer").get(reverse("site_detail", args=[stock_world.plant.pk]))
    assert response.status_code == 200
    rows = table(response, "Stock at PEN1")
    number = stock_world.ebx2_part.number
    assert sorted((r[0], r[2], r[3], r[4], r[5]) for r in rows) == [
        (number, "Halcyon Devices consigned", "40", "20", "5.5"),
        (number, "Meridian Electronics Manufacturing", "100", "20", "5.5"),
    ]
    assert "RVC" not in text(response)  # Roverly's goods and Meridian's stock of Rover parts
    assert "Set the levels" not in text(response)  # only the site's own people set them
    # Meridian's own stock, read by Halcyon under their NDA: one entry for Meridian.
    entry = AccessLogEntry.objects.get(id__gt=last)
    assert (entry.owner_id, entry.row_count) == (stock_world.plant.organisation_id, 1)


def last_read() -> int:
    return AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_the_sites_people_set_min_level_and_safety_stock(client_for, people, stock_world):
    plant = stock_world.plant
    response = client_for("ems_quality").post(
        reverse("site_level", args=[plant.pk]),
        {"part": stock_world.rvc_part.number, "min_level": "12", "safety_stock": "3"},
    )
    assert response.status_code == 302
    level = StockLevel.objects.get(site=plant, part=stock_world.rvc_part)
    assert (level.min_level, level.safety_stock) == (Decimal(12), Decimal(3))
    page = client_for("ems_planner").get(reverse("site_detail", args=[plant.pk]))
    rows = {(r[0], r[2]): r for r in table(page, "Stock at PEN1")}
    assert rows[(stock_world.rvc_part.number, "Roverly Robotics consigned")][4:] == ["12", "3"]


def test_levels_refuse_bad_numbers_and_unknown_parts_beside_the_field(client_for, stock_world):
    client = client_for("ems_planner")
    url = reverse("site_level", args=[stock_world.plant.pk])
    number = stock_world.ebx2_part.number
    for data, field_message in (
        ({"part": number, "min_level": "ten", "safety_stock": "1"}, "is not a number"),
        ({"part": number, "min_level": "-1", "safety_stock": "1"}, "zero or more"),
        ({"part": number, "min_level": "1", "safety_stock": "1e400"}, "too large"),
        ({"part": number, "min_level": "1", "safety_stock": "0.00001"}, "at most 4 decimals"),
        ({"part": "NO-SUCH-PART", "min_level": "1", "safety_stock": "1"}, "No part numbered"),
    ):
        response = client.post(url, data)
        assert response.status_code == 422, data
        errors = field_errors(response)
        assert len(errors) == 1 and field_message in errors[0], (data, errors)
    assert not StockLevel.objects.exists()


def test_retiring_a_site_asks_first_then_stops_its_moves(client_for, stock_world):
    client = client_for("ems_planner")
    url = reverse("site_retire", args=[stock_world.depot.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Retire Penang warehouse (PEN-WH)?" in text(confirm)
    assert client.post(url).status_code == 302
    stock_world.depot.refresh_from_db()
    assert stock_world.depot.retired_at is not None
    page = client.get(reverse("site_detail", args=[stock_world.depot.pk]))
    assert "Retired" in text(page) and "Set the levels" not in text(page)
    assert "Retire the site" not in text(page)
    # Retiring twice says so, and changes nothing.
    again = client.post(url, follow=True)
    assert "retired already" in text(again)


def test_the_site_page_of_a_site_one_may_not_see_is_not_found(client_for, stock_world):
    for persona in ("supplier_rep", "nda_expired_partner", "outsider"):
        response = client_for(persona).get(reverse("site_detail", args=[stock_world.plant.pk]))
        assert response.status_code == 404, persona
    assert client_for("oem_buyer").get(reverse("site_detail", args=[999999])).status_code == 404
