"""Program pages, member management and the NDA registry, through HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from accord.core.access import today
from accord.core.models import AccessLogEntry, Event
from accord.orgs.models import Nda, ProgramMember
from accord.orgs.services import SignedDocument, amend_nda, register_nda, terminate_nda
from accord.web.tests.helpers import csv_rows, rows_by_first_cell, table, text, xlsx_rows


def _members(program: Any) -> set[str]:
    return set(
        ProgramMember.objects.filter(program=program).values_list("person__username", flat=True)
    )


def test_program_list_sorts_filters_and_exports(client_for: Any) -> None:
    client = client_for("ems_planner")
    rows = table(client.get(reverse("program_list")), "Programs you are a member of")
    assert [r[0] for r in rows] == ["Earbuds X2", "Pulse HRM", "Rover Controller"]
    rows = table(client.get(reverse("program_list"), {"sort": "-code"}), "Programs you are")
    assert [r[1] for r in rows] == ["RVC", "PHRM", "EBX2"]
    assert "Earbuds X2" in text(client.get(reverse("program_list"), {"status": "development"}))
    assert "not a member of any" in text(client.get(reverse("program_list"), {"status": "npi"}))
    exported = csv_rows(client.get(reverse("program_list"), {"format": "csv"}))
    assert exported[0] == ["Code", "Name", "Owner", "Status", "My role", "Members", "BOMs"]
    assert [
        "RVC",
        "Rover Controller",
        "Roverly Robotics",
        "Development",
        "Member",
        "2",
        "1",
    ] in exported


def test_program_page_shows_members_partners_ndas_boms(client_for: Any, programs: Any) -> None:
    response = client_for("oem_buyer").get(reverse("program_detail", args=[programs["EBX2"].pk]))
    assert response.status_code == 200
    page = text(response)
    assert "True-wireless earbuds, second generation." in page
    members = rows_by_first_cell(table(response, "People with need-to-know"))
    assert members["Maya Okafor"][1:4] == ["Halcyon Devices", "Senior buyer", "Program manager"]
    assert members["Aisha Rahman"][1:4] == [
        "Meridian Electronics Manufacturing",
        "Material planner",
        "Member",
    ]
    assert len(members) == 6
    partners = rows_by_first_cell(table(response, "Organisations taking part"))
    assert partners["Meridian Electronics Manufacturing"][1:3] == [
        "EMS provider",
        "EMS: PCBA and box build",
    ]
    assert partners["Brightline Assembly"][2] == "Former EMS (EVT builds)"
    ndas = rows_by_first_cell(table(response, "NDAs of your organisation in force"))
    assert set(ndas) == {"NDA-HAL-MER-2025", "NDA-HAL-SUN-2025"}  # not the lapsed Brightline one
    boms = rows_by_first_cell(table(response, "BOMs of Earbuds X2"))
    assert boms["EBX2-PCBA"][2:] == ["B", "Released", "Restricted", "8"]
    assert boms["EBX2-L"][5] == "3"
    assert table(response, "Latest changes in this program")


def test_manager_sees_member_controls_with_candidates(
    client_for: Any, programs: Any, people: Any
) -> None:
    response = client_for("oem_buyer").get(reverse("program_detail", args=[programs["EBX2"].pk]))
    html = response.content.decode()
    assert "Add a member" in html
    # Only people of the owner and partners who are not members yet: Meridian's quality engineer.
    assert f'<option value="{people.ems_quality.pk}">Daniel Tan (Meridian' in html
    assert f'value="{people.kestrel_rep.pk}"' not in html  # Kestrel is not an EBX2 partner
    assert f'value="{people.other_oem_user.pk}"' not in html
    assert (
        reverse("program_member_remove", args=[programs["EBX2"].pk, people.oem_engineer.pk]) in html
    )


def test_non_managers_see_no_member_controls(client_for: Any, programs: Any) -> None:
    response = client_for("oem_engineer").get(reverse("program_detail", args=[programs["EBX2"].pk]))
    html = response.content.decode()
    assert "Add a member" not in html and "/members/" not in html


def test_partner_without_nda_sees_program_but_no_bom(client_for: Any, programs: Any) -> None:
    response = client_for("nda_expired_partner").get(
        reverse("program_detail", args=[programs["EBX2"].pk])
    )
    assert response.status_code == 200
    assert "No BOM of this program is shared with you." in text(response)
    assert "No NDA of your organisation in force covers this program." in text(response)


def test_planner_sees_only_ndas_of_own_organisation(client_for: Any, programs: Any) -> None:
    response = client_for("ems_planner").get(reverse("program_detail", args=[programs["EBX2"].pk]))
    assert set(rows_by_first_cell(table(response, "NDAs of your organisation"))) == {
        "NDA-HAL-MER-2025"
    }


def test_manager_adds_a_member(client_for: Any, programs: Any, people: Any) -> None:
    program = programs["EBX2"]
    response = client_for("oem_buyer").post(
        reverse("program_member_add", args=[program.pk]),
        {"person": people.ems_quality.pk, "role": "member"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith(f"/programs/{program.pk}/#members")
    assert "Daniel Tan is now a member of Earbuds X2." in text(response)
    assert "ems_quality" in _members(program)
    event = Event.objects.filter(program=program, verb="added member").latest("id")
    assert event.actor == people.oem_buyer and event.changes["person"] == "ems_quality"


def test_adding_someone_outside_the_partners_is_refused(
    client_for: Any, programs: Any, people: Any
) -> None:
    program = programs["EBX2"]
    before = (_members(program), Event.objects.count())
    response = client_for("oem_buyer").post(
        reverse("program_member_add", args=[program.pk]),
        {"person": people.kestrel_rep.pk, "role": "member"},
    )
    assert response.status_code == 422
    assert "Select a valid choice" in text(response)
    assert (_members(program), Event.objects.count()) == before


def test_partner_people_cannot_be_made_managers(
    client_for: Any, programs: Any, people: Any
) -> None:
    program = programs["EBX2"]
    before = (_members(program), Event.objects.count())
    response = client_for("oem_buyer").post(
        reverse("program_member_add", args=[program.pk]),
        {"person": people.ems_quality.pk, "role": "manager"},
    )
    assert response.status_code == 422
    assert "Program managers come from the owning organisation." in text(response)
    assert (_members(program), Event.objects.count()) == before


@pytest.mark.parametrize("persona", ["oem_engineer", "ems_planner", "supplier_rep"])
def test_members_who_are_not_managers_get_403(
    client_for: Any, programs: Any, people: Any, persona: str
) -> None:
    program = programs["EBX2"]
    before = (_members(program), Event.objects.count())
    client = client_for(persona)
    add = client.post(
        reverse("program_member_add", args=[program.pk]),
        {"person": people.ems_quality.pk, "role": "member"},
    )
    remove_url = reverse("program_member_remove", args=[program.pk, people.ems_planner.pk])
    assert add.status_code == 403
    assert "Only the program's managers" in text(add)
    assert client.get(remove_url).status_code == 403
    assert client.post(remove_url).status_code == 403
    assert (_members(program), Event.objects.count()) == before


def test_manager_removes_a_member_after_confirming(
    client_for: Any, programs: Any, people: Any
) -> None:
    program = programs["EBX2"]
    url = reverse("program_member_remove", args=[program.pk, people.nda_expired_partner.pk])
    client = client_for("oem_buyer")
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Remove Lucia Ortega from Earbuds X2?" in text(confirm)
    assert "nda_expired_partner" in _members(program)  # a GET changes nothing
    response = client.post(url, follow=True)
    assert "Lucia Ortega is no longer a member of Earbuds X2." in text(response)
    assert "nda_expired_partner" not in _members(program)
    assert (
        client_for("nda_expired_partner")
        .get(reverse("program_detail", args=[program.pk]))
        .status_code
        == 404
    )


def test_the_last_manager_stays(client_for: Any, programs: Any, people: Any) -> None:
    program = programs["EBX2"]
    before = _members(program)
    response = client_for("oem_buyer").post(
        reverse("program_member_remove", args=[program.pk, people.oem_buyer.pk]), follow=True
    )
    assert "A program keeps at least one manager." in text(response)
    assert _members(program) == before


def test_removing_a_non_member_is_404(client_for: Any, programs: Any, people: Any) -> None:
    url = reverse("program_member_remove", args=[programs["EBX2"].pk, people.kestrel_rep.pk])
    assert client_for("oem_buyer").post(url).status_code == 404


def test_member_pages_need_csrf(programs: Any, people: Any) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people.oem_buyer)
    before = _members(programs["EBX2"])
    response = client.post(
        reverse("program_member_add", args=[programs["EBX2"].pk]),
        {"person": people.ems_quality.pk, "role": "member"},
    )
    assert response.status_code == 403
    assert _members(programs["EBX2"]) == before


# NDA registry


def test_nda_registry_shows_status_for_today(client_for: Any) -> None:
    response = client_for("oem_buyer").get(reverse("nda_list"))
    rows = rows_by_first_cell(table(response, "NDAs (status as of today)"))
    by_ref = {key.split()[0]: row for key, row in rows.items()}
    assert set(by_ref) == {
        "NDA-HAL-MER-2025",
        "NDA-HAL-BRL-2023",
        "NDA-HAL-SUN-2025",
        "NDA-HAL-KES-2026",
    }
    assert "NDA-HAL-MER-2025 Mutual NDA, manufacturing services" in rows
    assert by_ref["NDA-HAL-BRL-2023"][4] == "Expired"
    assert by_ref["NDA-HAL-MER-2025"][4] == "In force"
    assert by_ref["NDA-HAL-MER-2025"][1] == "Halcyon Devices / Meridian Electronics Manufacturing"
    assert by_ref["NDA-HAL-MER-2025"][5] == "Earbuds X2, Pulse HRM"
    assert by_ref["NDA-HAL-KES-2026"][3] == "No fixed end"
    assert by_ref["NDA-HAL-MER-2025"][6] == "—"  # no document


def test_nda_registry_filters(client_for: Any, people: Any, orgs: Any) -> None:
    day = today()
    future = register_nda(
        actor=people.oem_buyer,
        reference="NDA-HAL-ARR-2027",
        party_a=orgs["halcyon"],
        party_b=orgs["arrowpoint"],
        effective_date=day + dt.timedelta(days=30),
        expiry_date=None,
    )
    ended = register_nda(
        actor=people.oem_buyer,
        reference="NDA-HAL-QUI-2024",
        party_a=orgs["halcyon"],
        party_b=orgs["quillon"],
        effective_date=day - dt.timedelta(days=30),
        expiry_date=None,
    )
    terminate_nda(actor=people.oem_buyer, nda=ended)
    client = client_for("oem_buyer")

    def refs(**params: str) -> set[str]:
        rows = table(client.get(reverse("nda_list"), params), "NDAs (status")
        return {r[0].split()[0] for r in rows if len(r) > 1}

    assert refs(state="in_force") == {"NDA-HAL-MER-2025", "NDA-HAL-SUN-2025", "NDA-HAL-KES-2026"}
    assert refs(state="expired") == {"NDA-HAL-BRL-2023"}
    assert refs(state="terminated") == {ended.reference}
    assert refs(state="not_yet_effective") == {future.reference}
    assert refs(q="kestrel") == {"NDA-HAL-KES-2026"}
    ordered = table(client.get(reverse("nda_list"), {"sort": "-effective"}), "NDAs (status")
    assert ordered[0][0].startswith(future.reference)


def test_nda_programs_covered_are_limited_to_my_programs(client_for: Any) -> None:
    rows = table(client_for("ems_quality").get(reverse("nda_list")), "NDAs (status")
    mer = next(r for r in rows if r[0].startswith("NDA-HAL-MER-2025"))
    assert mer[5] == "Pulse HRM"  # the NDA also covers Earbuds X2, which is not his business


def test_nda_registry_is_for_the_parties_only(client_for: Any) -> None:
    rows = table(client_for("other_oem_user").get(reverse("nda_list")), "NDAs (status")
    assert [r[0].split()[0] for r in rows] == ["NDA-ROV-MER-2024"]
    assert "No NDA matches" in text(client_for("outsider").get(reverse("nda_list")))


def test_nda_export(client_for: Any) -> None:
    client = client_for("oem_buyer")
    rows = csv_rows(client.get(reverse("nda_list"), {"format": "csv", "state": "in_force"}))
    assert rows[0][:7] == [
        "Reference",
        "Title",
        "Party A",
        "Party B",
        "Effective",
        "Expiry",
        "Status",
    ]
    assert {r[0] for r in rows[1:]} == {"NDA-HAL-MER-2025", "NDA-HAL-SUN-2025", "NDA-HAL-KES-2026"}
    kes = next(r for r in rows if r[0] == "NDA-HAL-KES-2026")
    assert kes[5] == "" and kes[6] == "In force" and kes[7] == "Pulse HRM"
    sheet = xlsx_rows(client.get(reverse("nda_list"), {"format": "xlsx"}))
    assert len(sheet) == 5 and isinstance(sheet[1][4], dt.datetime)
    assert client.get(reverse("nda_list"), {"format": "pdf"}).status_code == 422


def test_nda_page(client_for: Any) -> None:
    nda = Nda.objects.get(reference="NDA-HAL-BRL-2023")
    response = client_for("oem_buyer").get(reverse("nda_detail", args=[nda.pk]))
    page = text(response)
    assert "NDA-HAL-BRL-2023: Mutual NDA, EVT builds (lapsed)" in page
    assert "Status today Expired" in page and "Programs covered Earbuds X2" in page
    assert "No document on file" in page
    assert (
        client_for("nda_expired_partner").get(reverse("nda_detail", args=[nda.pk])).status_code
        == 200
    )
    assert client_for("ems_planner").get(reverse("nda_detail", args=[nda.pk])).status_code == 404


def test_nda_document_download(client_for: Any, people: Any) -> None:
    """The signed PDF: the parties' administrators (and managers of a covered program) only;
    every download is in both parties' access logs."""
    nda = Nda.objects.get(reference="NDA-HAL-MER-2025")
    url = reverse("nda_document", args=[nda.pk])
    assert client_for("oem_buyer").get(url).status_code == 404  # nothing on file yet
    amend_nda(
        actor=people.oem_buyer,
        nda=nda,
        document=SignedDocument(b"%PDF-1.7 signed", "NDA-HAL-MER-2025 signed.pdf"),
    )
    before = AccessLogEntry.objects.count()
    response = client_for("ems_planner").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 signed"
    assert 'filename="NDA-HAL-MER-2025 signed.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    logged = AccessLogEntry.objects.order_by("-pk")[:2]
    assert AccessLogEntry.objects.count() == before + 2
    assert {e.owner.slug.split("-")[0] for e in logged} == {"halcyon", "meridian"}
    assert {e.reader.username for e in logged} == {"ems_planner"}
    detail = client_for("oem_buyer").get(reverse("nda_detail", args=[nda.pk])).content.decode()
    assert f'href="{url}"' in detail
    # A party's colleague who is neither administrator nor manager of a covered program: 404,
    # and the detail page offers no link.
    assert client_for("ems_quality").get(url).status_code == 404
    detail = client_for("ems_quality").get(reverse("nda_detail", args=[nda.pk])).content.decode()
    assert f'href="{url}"' not in detail
    for persona in ("supplier_rep", "other_oem_user", "outsider"):
        assert client_for(persona).get(url).status_code == 404
    nda.refresh_from_db()
    nda.document.storage.delete(nda.document.name)
    assert client_for("oem_buyer").get(url).status_code == 404  # file gone from storage


def test_a_manager_leaving_lands_on_the_program_list(
    client_for: Any, programs: Any, people: Any
) -> None:
    program = programs["EBX2"]
    ProgramMember.objects.filter(program=program, person=people.oem_engineer).update(role="manager")
    response = client_for("oem_engineer").post(
        reverse("program_member_remove", args=[program.pk, people.oem_engineer.pk])
    )
    assert response["Location"] == reverse("program_list")
    assert "oem_engineer" not in _members(program)
