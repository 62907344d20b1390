"""Daily work on parts and BOMs: the BOM's status, part edits, lifecycle notices."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accord.api.tests.utils import API, assert_error, send, token_client
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.models import Event
from accord.parts import services
from accord.parts.bom_import.request import BomImportRequest
from accord.parts.models import ApprovedSource, LifecycleNotice, ManufacturerPart, Part
from accord.web.tests.helpers import table, text

SMALL_BOM = b"Designator,Qty,Value,Manufacturer,MPN\nR1 R2,2,10k,Yageo,RC0402FR-0710KL\n"


def test_bom_status_moves_draft_released_obsolete(client_for: Any, people: Any, boms: Any) -> None:
    phrm = boms["PHRM-MAIN"]  # draft; oem_buyer manages Pulse HRM
    assert phrm.status == "draft"
    page = client_for("oem_buyer").get(reverse("bom_detail", args=[phrm.pk]))
    assert "Release this BOM" in text(page)
    response = client_for("oem_buyer").post(
        reverse("bom_status", args=[phrm.pk]),
        {"status": "released", "reason": "Design review DR-7 passed"},
        follow=True,
    )
    assert "is now released" in text(response)
    phrm.refresh_from_db()
    assert phrm.status == "released"
    event = Event.objects.filter(verb="changed BOM status", object_id=str(phrm.pk)).first()
    assert event is not None
    assert event.changes == {"status": ["draft", "released"], "reason": "Design review DR-7 passed"}
    rows = {r[0]: r for r in table(client_for("oem_buyer").get(reverse("bom_list")), "BOMs")}
    assert rows["PHRM-MAIN"][4] == "Released"
    # Obsolete is the end.
    services.set_bom_status(actor=people.oem_buyer, bom=phrm, status="obsolete")
    try:
        services.set_bom_status(actor=people.oem_buyer, bom=phrm, status="released")
    except Conflict as refused:
        assert "cannot become released" in refused.message
    else:
        raise AssertionError("an obsolete BOM stays obsolete")


def test_only_the_program_manager_takes_a_released_bom_back_to_draft(
    client_for: Any, people: Any, boms: Any
) -> None:
    bom = boms["EBX2-PCBA"]  # released; oem_engineer is a member of EBX2, oem_buyer its manager
    assert bom.status == "released"
    page = text(client_for("oem_engineer").get(reverse("bom_detail", args=[bom.pk])))
    assert "Mark obsolete" in page and "Back to draft" not in page
    try:
        services.set_bom_status(actor=people.oem_engineer, bom=bom, status="draft")
    except Forbidden as refused:
        assert "manager" in refused.message
    else:
        raise AssertionError("only the manager")
    assert "Back to draft" in text(
        client_for("oem_buyer").get(reverse("bom_detail", args=[bom.pk]))
    )
    services.set_bom_status(actor=people.oem_buyer, bom=bom, status="draft", reason="Fix C3")
    bom.refresh_from_db()
    assert bom.status == "draft"
    # A partner who reads the BOM may not change its status.
    client, _ = token_client(people.ems_planner)
    partner = send(client, "POST", f"{API}/boms/{bom.pk}/status", {"status": "released"})
    assert_error(partner, 403, "forbidden")
    owner, _ = token_client(people.oem_engineer)
    released = send(owner, "POST", f"{API}/boms/{bom.pk}/status", {"status": "released"})
    assert released.status_code == 200 and released.json()["status"] == "released"
    again = send(owner, "POST", f"{API}/boms/{bom.pk}/status", {"status": "released"})
    assert_error(again, 409, "conflict")
    unknown = send(owner, "POST", f"{API}/boms/{bom.pk}/status", {"status": "frozen"})
    assert_error(unknown, 422, "invalid")


def test_an_imported_bom_starts_as_draft(people: Any, programs: Any) -> None:
    bom = services.import_bom(
        actor=people.oem_buyer,
        request=BomImportRequest(
            program=programs["EBX2"],
            assembly_number="EBX2-SMALL",
            revision="A",
            data=SMALL_BOM,
            filename="small.csv",
        ),
    )
    assert bom.status == "draft"


def test_every_documented_part_field_can_be_patched(people: Any, parts: Any) -> None:
    client, _ = token_client(people.oem_buyer)
    part = parts["HAL-100-0002"]
    body = {
        "number": "HAL-100-0002A",
        "revision": "B",
        "description": "Resistor 10k 1% 0402 thick film",
        "category": None,
        "value": "10k",
        "package": "0402",
        "classification": "restricted",
        "is_assembly": False,
    }
    response = send(client, "PATCH", f"{API}/parts/{part.pk}", body)
    assert response.status_code == 200, response.content
    out = response.json()
    assert {k: out[k] for k in body if k != "category"} == {
        k: v for k, v in body.items() if k != "category"
    }
    assert out["category"] is None
    # Derived or read-only fields are refused, naming the field, and nothing changes.
    for field, value in (("lifecycle", "obsolete"), ("approved_source_count", 9), ("owner", 1)):
        refused = send(client, "PATCH", f"{API}/parts/{part.pk}", {field: value})
        assert_error(refused, 422, "invalid")
        assert field in str(refused.json()["detail"]), field
    part.refresh_from_db()
    assert part.lifecycle == "nrnd" and part.approved_source_count == 1
    taken = send(client, "PATCH", f"{API}/parts/{part.pk}", {"number": "HAL-100-0001"})
    assert_error(taken, 409, "conflict")
    assembly = parts["EBX2-PCBA"]
    unset = send(client, "PATCH", f"{API}/parts/{assembly.pk}", {"is_assembly": False})
    assert_error(unset, 409, "conflict")


def test_the_part_page_edits_a_part(client_for: Any, parts: Any) -> None:
    part = parts["HAL-200-0003"]
    client = client_for("oem_engineer")
    form = client.get(reverse("part_edit", args=[part.pk]))
    assert form.status_code == 200
    response = client.post(
        reverse("part_edit", args=[part.pk]),
        {
            "number": part.number,
            "description": "Accelerometer 3-axis, low power",
            "value": "",
            "package": "LGA-12",
            "classification": "program",
        },
    )
    assert response.status_code == 302
    part.refresh_from_db()
    assert part.description == "Accelerometer 3-axis, low power"
    refused = client.post(
        reverse("part_edit", args=[part.pk]),
        {"number": part.number, "description": "bad\x1b[31m", "classification": "program"},
    )
    assert refused.status_code == 422
    assert "Control characters are not allowed" in text(refused)


def test_a_lifecycle_notice_changes_every_part_using_the_mpn(
    client_for: Any, people: Any, parts: Any
) -> None:
    part = parts["HAL-200-0001"]
    source = ApprovedSource.objects.get(part=part)
    client, _ = token_client(people.oem_buyer)
    url = f"{API}/parts/{part.pk}/lifecycle-notices"
    no_date = send(client, "POST", url, {"source_id": source.pk, "lifecycle": "ltb"})
    assert_error(no_date, 422, "invalid")
    assert no_date.json()["detail"] == {"field": "last_time_buy_date"}
    created = send(
        client,
        "POST",
        url,
        {
            "source_id": source.pk,
            "lifecycle": "ltb",
            "last_time_buy_date": "2027-03-31",
            "end_of_life_date": "2027-09-30",
            "reference": "PCN-NORDIC-2026-12",
        },
    )
    assert created.status_code == 201, created.content
    notice = created.json()
    assert (notice["mpn"], notice["lifecycle"], notice["recorded_by"]) == (
        "NRF5340-QKAA-R7",
        "ltb",
        "Maya Okafor",
    )
    part.refresh_from_db()
    assert part.lifecycle == "ltb"
    mp = ManufacturerPart.objects.get(pk=source.manufacturer_part_id)
    assert str(mp.last_time_buy_date) == "2027-03-31"
    # The planner of the EMS reads the notice on the part page, without who recorded it.
    page = client_for("ems_planner").get(reverse("part_detail", args=[part.pk]))
    row = table(page, "Manufacturers' notices")[0]
    assert row[2:6] == ["Last time buy", "2027-03-31", "2027-09-30", "PCN-NORDIC-2026-12"]
    assert row[6] == "Another organisation"
    listed = client_for("ems_planner").get(url)
    assert listed.json()["results"][0]["recorded_by"] is None
    # A source of another part is not this part's.
    other = ApprovedSource.objects.filter(part=parts["HAL-100-0001"]).first()
    wrong = send(client, "POST", url, {"source_id": other.pk, "lifecycle": "eol"})
    assert_error(wrong, 422, "invalid")


def test_the_part_page_records_a_notice(client_for: Any, parts: Any) -> None:
    part = parts["HAL-300-0001"]
    source = ApprovedSource.objects.get(part=part, manufacturer_part__mpn="FA-128 32.0000MB-W3")
    client = client_for("oem_buyer")
    form = client.get(reverse("part_lifecycle_notice", args=[part.pk]), {"source": source.pk})
    assert form.status_code == 200
    response = client.post(
        reverse("part_lifecycle_notice", args=[part.pk]),
        {"source": source.pk, "lifecycle": "nrnd", "reference": "Epson PCN 26-004"},
        follow=True,
    )
    assert "is now NRND" in text(response)
    assert LifecycleNotice.objects.filter(manufacturer_part=source.manufacturer_part).count() == 1


def test_services_refuse_what_the_owner_did_not_decide(people: Any, parts: Any) -> None:
    part = parts["HAL-100-0002"]
    try:
        services.update_part(actor=people.ems_planner, part=part, description="not mine")
    except Forbidden:
        pass
    else:
        raise AssertionError("only the owner edits a part")
    try:
        services.update_part(actor=people.oem_buyer, part=part, lifecycle="active")
    except InvalidInput as refused:
        assert refused.detail == {"fields": ["lifecycle"]}
    else:
        raise AssertionError("derived fields are not edited")
    assert Part.objects.get(pk=part.pk).description == part.description
