"""Build, offer and allocation pages through HTTP: the schedule with its versions, filters and
exports; offers with price breaks; allocations a supplier commits."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accord.core.models import AccessLogEntry
from accord.parts.models import ManufacturerPart
from accord.supply.choices import BuildStatus
from accord.supply.models import Allocation, Build, BuildVersion, SupplierOffer
from accord.supply.services import change_build, record_offer, schedule_build
from accord.web.tests.helpers import csv_rows, table, text, xlsx_rows

TODAY = dt.date.today()


def field_errors(response) -> list[str]:
    return re.findall(r'<span class="field-error"[^>]*>([^<]*)</span>', response.content.decode())


def form_errors(response) -> str:
    found = re.findall(
        r'<div class="form-errors"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    return " ".join(re.sub(r"<[^>]+>", " ", f) for f in found)


def last_read() -> int:
    return AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def builds(people, programs, boms) -> dict[str, Build]:
    buyer = people.oem_buyer
    pcba = schedule_build(
        actor=buyer,
        program=programs["EBX2"],
        assembly=boms["EBX2-PCBA"].assembly,
        quantity_due=1000,
        due_date=TODAY + dt.timedelta(weeks=6),
        firmness="firm",
        reference="LOT-1",
    )
    earbud = schedule_build(
        actor=buyer,
        program=programs["EBX2"],
        assembly=boms["EBX2-L"].assembly,
        quantity_due=2000,
        due_date=TODAY + dt.timedelta(weeks=8),
    )
    hrm = schedule_build(
        actor=buyer,
        program=programs["PHRM"],
        assembly=boms["PHRM-MAIN"].assembly,
        quantity_due="250.5",
        due_date=TODAY + dt.timedelta(weeks=4),
    )
    return {"pcba": pcba, "earbud": earbud, "hrm": hrm}


def assemblies(response) -> list[str]:
    return [r[0].split()[0] for r in table(response, "Builds you may see") if len(r) > 1]


# The schedule ---------------------------------------------------------------------------------


def test_the_schedule_is_for_members_under_nda_and_logged_for_the_owner(client_for, builds):
    assert assemblies(client_for("oem_buyer").get(reverse("build_list"))) == [
        "PHRM-MAIN",
        "EBX2-PCBA",
        "EBX2-L",
    ]  # by due date
    last = last_read()
    quality = client_for("ems_quality").get(reverse("build_list"))
    assert assemblies(quality) == ["PHRM-MAIN"]
    entry = AccessLogEntry.objects.get(id__gt=last)
    assert (entry.object_type, entry.row_count) == ("supply.build", 1)
    for persona in ("supplier_rep", "nda_expired_partner", "other_oem_user"):
        assert assemblies(client_for(persona).get(reverse("build_list"))) == [], persona


def test_builds_filter_sort_and_export(client_for, programs, builds):
    client = client_for("ems_planner")
    url = reverse("build_list")
    assert assemblies(client.get(url, {"program": programs["PHRM"].pk})) == ["PHRM-MAIN"]
    assert assemblies(client.get(url, {"firmness": "firm"})) == ["EBX2-PCBA"]
    assert assemblies(client.get(url, {"sort": "-quantity"})) == [
        "EBX2-L",
        "EBX2-PCBA",
        "PHRM-MAIN",
    ]
    rows = table(client.get(url, {"sort": "quantity"}), "Builds you may see")
    assert rows[0][2] == "250.5"  # never 2.505E+2
    exported = csv_rows(client.get(url, {"format": "csv", "sort": "due"}))
    assert exported[0][:5] == ["Assembly", "Description", "Program", "Quantity", "Due date"]
    assert [(r[0], r[3], r[5], r[6]) for r in exported[1:]] == [
        ("PHRM-MAIN", "250.5", "Forecast", "1"),
        ("EBX2-PCBA", "1000", "Firm", "1"),
        ("EBX2-L", "2000", "Forecast", "1"),
    ]
    sheet = xlsx_rows(client.get(url, {"format": "xlsx", "firmness": "forecast"}))
    assert [(r[0], r[3]) for r in sheet[1:]] == [("PHRM-MAIN", 250.5), ("EBX2-L", 2000)]
    assert isinstance(sheet[1][4], dt.datetime)


def test_a_member_schedules_a_build(client_for, programs, boms):
    client = client_for("ems_planner")
    form = client.get(reverse("build_create"))
    assert '<option value="EBX2-PCBA">' in form.content.decode()  # the assemblies to choose
    response = client.post(
        reverse("build_create"),
        {
            "program": programs["RVC"].pk,
            "assembly": "RVC-MAIN",
            "quantity": "300",
            "due_date": (TODAY + dt.timedelta(weeks=5)).isoformat(),
            "firmness": "firm",
            "note": "first lot",
        },
    )
    build = Build.objects.get(assembly=boms["RVC-MAIN"].assembly)
    assert response.status_code == 302
    assert (build.quantity, build.firmness, build.version) == (Decimal(300), "firm", 1)
    assert build.versions.get().note == "first lot"


def test_scheduling_refusals_are_shown_beside_the_field(client_for, programs, parts):
    client = client_for("oem_buyer")
    base = {
        "program": programs["EBX2"].pk,
        "assembly": "EBX2-PCBA",
        "quantity": "10",
        "due_date": (TODAY + dt.timedelta(weeks=5)).isoformat(),
        "firmness": "forecast",
    }
    for change, message in (
        ({"assembly": "HAL-200-0001"}, "has no BOM in Earbuds X2"),
        ({"assembly": "NOT-A-PART"}, "No part numbered NOT-A-PART"),
        ({"quantity": "-3"}, "more than zero"),
        ({"firmness": "maybe"}, "valid choice"),
        ({"due_date": ""}, "required"),
    ):
        response = client.post(reverse("build_create"), {**base, **change})
        assert response.status_code == 422, change
        errors = field_errors(response)
        assert len(errors) == 1 and message in errors[0], (change, errors)
    assert not Build.objects.exists()
    # Pulse HRM is the buyer's; Rover Controller is not even visible to it.
    assert (
        client_for("oem_buyer")
        .post(reverse("build_create"), {**base, "program": programs["RVC"].pk})
        .status_code
        == 404
    )
    assert client_for("nda_expired_partner").post(reverse("build_create"), base).status_code == 403
    assert not Build.objects.exists()


def test_a_change_is_a_new_version_and_the_history_stays(client_for, people, builds):
    build = builds["pcba"]
    client = client_for("ems_planner")
    due = TODAY + dt.timedelta(weeks=7)
    response = client.post(
        reverse("build_change", args=[build.pk]),
        {"quantity": "1200", "due_date": due.isoformat(), "note": "customer pulled in"},
    )
    assert response.status_code == 302
    change_build(actor=people.oem_buyer, build=build, firmness="forecast", note="softened")
    page = client.get(reverse("build_detail", args=[build.pk]))
    versions = table(page, "Every version of this build")
    assert [(v[0], v[1], v[3], v[5], v[7]) for v in versions] == [
        ("3", "1200", "Forecast", "Maya Okafor", "softened"),
        ("2", "1200", "Firm", "Aisha Rahman", "customer pulled in"),
        ("1", "1000", "Firm", "Maya Okafor", "—"),
    ]
    assert versions[1][2] == due.isoformat()


def test_a_change_that_changes_nothing_is_refused_beside_the_form(client_for, builds):
    build = builds["pcba"]
    response = client_for("oem_buyer").post(
        reverse("build_change", args=[build.pk]), {"quantity": "1000", "firmness": "firm"}
    )
    assert response.status_code == 422
    assert "Nothing changed" in form_errors(response)
    response = client_for("oem_buyer").post(
        reverse("build_change", args=[build.pk]), {"quantity": "a dozen"}
    )
    assert response.status_code == 422 and "is not a number" in field_errors(response)[0]
    assert BuildVersion.objects.filter(build=build).count() == 1


def test_retiring_a_build_keeps_its_versions_and_ends_its_forms(client_for, builds):
    build = builds["earbud"]
    client = client_for("oem_engineer")
    assert (
        client.post(reverse("build_retire", args=[build.pk]), {"note": "cancelled"}).status_code
        == 302
    )
    build.refresh_from_db()
    assert (build.status, build.version) == (BuildStatus.RETIRED, 2)
    page = client.get(reverse("build_detail", args=[build.pk]))
    assert "Change the build" not in text(page)
    again = client.post(reverse("build_retire", args=[build.pk]), {"note": ""})
    assert again.status_code == 422 and "retired already" in form_errors(again)


def test_a_build_page_is_logged_for_the_owner_and_hidden_from_others(client_for, builds):
    url = reverse("build_detail", args=[builds["pcba"].pk])
    last = last_read()
    assert client_for("ems_planner").get(url).status_code == 200
    assert AccessLogEntry.objects.filter(id__gt=last, object_type="supply.build").count() == 1
    for persona in ("supplier_rep", "nda_expired_partner", "ems_quality", "outsider"):
        assert client_for(persona).get(url).status_code == 404, persona
        assert (
            client_for(persona)
            .post(reverse("build_change", args=[builds["pcba"].pk]), {})
            .status_code
            == 404
        )


# Offers and allocations -------------------------------------------------------------------------


def test_a_buyer_records_an_offer_with_price_breaks(client_for, orgs):
    client = client_for("oem_buyer")
    response = client.post(
        reverse("offer_create"),
        {
            "supplier": orgs["arrowpoint"].pk,
            "mpn": "grm155r61a104ka01d",
            "supplier_part_number": "AP-490-1",
            "currency": "usd",
            "moq": "10000",
            "order_multiple": "10000",
            "lead_time_days": "84",
            "stock_quantity": "1500000",
            "seen_on": TODAY.isoformat(),
            "break_quantity_1": "10000",
            "break_price_1": "0.0042",
            "break_quantity_3": "100000",  # a row left empty between: fine
            "break_price_3": "0.0031",
        },
    )
    assert response.status_code == 302
    offer = SupplierOffer.objects.get()
    assert offer.price_breaks == [
        {"quantity": "10000", "unit_price": "0.0042"},
        {"quantity": "100000", "unit_price": "0.0031"},
    ]
    assert (offer.organisation, offer.currency, offer.lead_time_days) == (
        orgs["halcyon"],
        "USD",
        84,
    )
    row = table(client.get(reverse("offer_list")), "Offers you may see")[0]
    assert row[2] == "10000+ 0.0042 USD; 100000+ 0.0031 USD"
    assert row[3:7] == ["10000", "10000", "84", "1500000"]


def test_offer_refusals_are_shown_beside_the_field(client_for, orgs):
    client = client_for("oem_buyer")
    base = {
        "supplier": orgs["arrowpoint"].pk,
        "mpn": "GRM155R61A104KA01D",
        "currency": "USD",
        "moq": "1",
        "order_multiple": "1",
        "seen_on": TODAY.isoformat(),
        "break_quantity_1": "1",
        "break_price_1": "0.01",
    }
    for change, field, message in (
        ({"break_quantity_2": "100"}, "break_price_2", "give a unit price"),
        (
            {"break_quantity_2": "1", "break_price_2": "0.02"},
            "break_quantity_1",
            "each quantity once",
        ),
        ({"break_price_1": "cheap"}, "break_price_1", "is not an amount"),
        ({"mpn": "NO-SUCH-MPN"}, "mpn", "No manufacturer part"),
        ({"lead_time_days": "4000"}, "lead_time_days", "less than or equal to 3650"),
        ({"moq": "0"}, "moq", "more than zero"),
    ):
        response = client.post(reverse("offer_create"), {**base, **change})
        assert response.status_code == 422, change
        html = response.content.decode()
        errors = field_errors(response)
        assert len(errors) == 1 and message in errors[0], (change, errors)
        # The message sits in the row or field it is about.
        assert html.index(f'id="id_{field}"') < html.index(errors[0]), change
    assert not SupplierOffer.objects.exists()


def test_only_the_recording_organisation_retires_an_offer(client_for, people, orgs):
    mpn = ManufacturerPart.objects.get(mpn="SA-BA-3110")
    offer = record_offer(
        actor=people.oem_buyer,
        supplier=orgs["sunridge"],
        manufacturer_part=mpn,
        price_breaks=[("1", "2.10")],
        seen_on=TODAY,
    )
    url = reverse("offer_retire", args=[offer.pk])
    assert client_for("supplier_rep").post(url).status_code == 403
    # Sunridge sees the offer about itself, without the retire button.
    assert "Retire" not in text(client_for("supplier_rep").get(reverse("offer_list")))
    assert client_for("ems_planner").post(url).status_code == 404
    assert client_for("oem_engineer").post(url).status_code == 302
    offer.refresh_from_db()
    assert offer.retired_at is not None
    listed = client_for("oem_buyer").get(reverse("offer_list"))
    assert "No offer recorded" in text(listed)
    shown = table(client_for("oem_buyer").get(reverse("offer_list"), {"retired": "1"}), "Offers")
    assert "retired" in shown[0][8]


def test_a_supplier_commits_an_allocation_and_the_buyer_sees_it(client_for, orgs):
    client = client_for("supplier_rep")
    start, end = TODAY, TODAY + dt.timedelta(days=90)
    response = client.post(
        reverse("allocation_create"),
        {
            "buyer": orgs["halcyon"].pk,
            "mpn": "SA-BA-3110",
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "quantity": "6000",
        },
    )
    assert response.status_code == 302
    allocation = Allocation.objects.get()
    assert (allocation.supplier, allocation.quantity) == (orgs["sunridge"], Decimal(6000))
    row = table(client_for("oem_buyer").get(reverse("allocation_list")), "Allocations")[0]
    assert row == [
        "Sunridge Acoustics SA-BA-3110",
        "Sunridge Acoustics",
        "Halcyon Devices",
        start.isoformat(),
        end.isoformat(),
        "6000",
        "Mei Lin",
    ]
    assert "Commit an allocation" not in text(
        client_for("oem_buyer").get(reverse("allocation_list"))
    )
    assert table(client_for("ems_planner").get(reverse("allocation_list")), "Allocations") == [
        ["No allocation that you may see."]
    ]


def test_allocation_refusals(client_for, orgs):
    client = client_for("supplier_rep")
    base = {
        "buyer": orgs["halcyon"].pk,
        "mpn": "SA-BA-3110",
        "period_start": TODAY.isoformat(),
        "period_end": (TODAY - dt.timedelta(days=1)).isoformat(),
        "quantity": "10",
    }
    response = client.post(reverse("allocation_create"), base)
    assert response.status_code == 422
    assert "on or after period_start" in field_errors(response)[0]
    response = client.post(
        reverse("allocation_create"), {**base, "period_end": TODAY.isoformat(), "quantity": "x"}
    )
    assert response.status_code == 422 and "is not a number" in field_errors(response)[0]
    assert client_for("oem_buyer").post(reverse("allocation_create"), base).status_code == 403
    assert not Allocation.objects.exists()
