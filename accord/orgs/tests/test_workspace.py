"""Running a workspace without the demo loader: partner organisations and connections,
programs and their partners, NDAs with their signed documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accord.api.tests.utils import API, assert_error, send, token_client
from accord.core.access import today
from accord.core.errors import Conflict, InvalidInput
from accord.orgs import services
from accord.orgs.access import organisations_visible_to, partner_candidates_for
from accord.orgs.choices import ConnectionStatus
from accord.orgs.models import Connection, Nda, Organisation, Person, ProgramMember
from accord.parts.access import boms_visible_to
from accord.parts.services import create_bom
from accord.web.tests.helpers import table, text

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


def test_a_partner_organisation_is_created_with_its_first_administrator(
    client_for: Any, people: Any
) -> None:
    response = client_for("oem_buyer").post(
        reverse("partner_create"),
        {
            "name": "Penang Precision Assembly",
            "kind": "ems",
            "country": "MY",
            "admin_username": "lim",
            "admin_email": "lim@penang.example",
            "admin_first_name": "Lim",
        },
    )
    assert response.status_code == 201
    assert "Penang Precision Assembly is on Accord" in text(response)
    created = Organisation.objects.get(name="Penang Precision Assembly")
    admin = Person.objects.get(username="lim")
    assert admin.organisation == created and admin.is_org_admin and not admin.has_usable_password()
    halcyon = people.oem_buyer.organisation
    connection = Connection.objects.get(inviter=halcyon, invitee=created)
    assert connection.status == ConnectionStatus.ACCEPTED
    # Halcyon's administrator sees the new partner; Halcyon's engineer (not an administrator,
    # on no program with it) does not.
    assert created in organisations_visible_to(people.oem_buyer)
    assert created not in organisations_visible_to(people.oem_engineer)
    page = client_for("oem_buyer").get(reverse("organisation_page"))
    assert "Penang Precision Assembly" in [r[0] for r in table(page, "Connections of")]


def test_an_organisation_on_accord_is_invited_and_accepts(people: Any, programs: Any) -> None:
    roverly = people.other_oem_user.organisation
    meridian = people.ems_planner.organisation
    halcyon = people.oem_buyer.organisation
    # Roverly and Halcyon are not connected: Roverly cannot add Halcyon to its program.
    rvc = programs["RVC"]
    assert halcyon not in partner_candidates_for(people.other_oem_user, rvc)
    try:
        services.add_program_partner(actor=people.other_oem_user, program=rvc, organisation=halcyon)
    except InvalidInput as refused:
        assert "not connected" in refused.message
    else:
        raise AssertionError("a partner must be connected first")
    connection = services.invite_organisation(
        actor=people.other_oem_user, accord_id=halcyon.slug, message="Motor drivers?"
    )
    assert connection.status == ConnectionStatus.PENDING
    try:
        services.invite_organisation(actor=people.other_oem_user, accord_id=halcyon.slug)
    except Conflict:
        pass
    else:
        raise AssertionError("a second invitation while one is pending")
    services.answer_connection(actor=people.oem_buyer, connection=connection, accept=True)
    assert halcyon in partner_candidates_for(people.other_oem_user, rvc)
    services.add_program_partner(
        actor=people.other_oem_user, program=rvc, organisation=halcyon, responsibility="Drivers"
    )
    assert rvc.partners.filter(organisation=halcyon).exists()
    # An unknown Accord ID is a clear refusal; one's own is too.
    for accord_id in ("no-such-organisation", roverly.slug):
        try:
            services.invite_organisation(actor=people.other_oem_user, accord_id=accord_id)
        except InvalidInput as refused:
            assert refused.detail == {"field": "accord_id"}
        else:
            raise AssertionError(accord_id)
    # Already connected (Roverly and Meridian work together on RVC).
    try:
        services.invite_organisation(actor=people.other_oem_user, accord_id=meridian.slug)
    except Conflict:
        pass
    else:
        raise AssertionError("connected organisations are not invited again")


def test_answering_an_invitation_through_the_pages(client_for: Any, people: Any) -> None:
    quillon = people.outsider.organisation
    connection = services.invite_organisation(
        actor=people.outsider, accord_id=people.ems_planner.organisation.slug
    )
    page = client_for("ems_planner").get(reverse("organisation_page"))
    row = {r[0]: r for r in table(page, "Connections of")}[quillon.name]
    assert row[2] == "Invites you"
    response = client_for("ems_planner").post(
        reverse("connection_decline", args=[connection.pk]), follow=True
    )
    assert "Declined Quillon Components' invitation." in text(response)  # names ending in s
    # Declined: asking again is allowed, and inviting back accepts a pending invitation.
    again = services.invite_organisation(
        actor=people.outsider, accord_id=people.ems_planner.organisation.slug
    )
    accepted = services.invite_organisation(actor=people.ems_planner, accord_id=quillon.slug)
    assert accepted.pk == again.pk and accepted.status == ConnectionStatus.ACCEPTED


def test_program_life_through_the_pages(client_for: Any, people: Any) -> None:
    client = client_for("oem_buyer")
    created = client.post(
        reverse("program_create"),
        {
            "code": "SWX1",
            "name": "Smart watch",
            "description": "Line one\r\nLine two",
            "status": "concept",
        },
    )
    assert created.status_code == 302
    program = people.oem_buyer.organisation.programs.get(code="SWX1")
    assert program.description == "Line one\nLine two"
    assert ProgramMember.objects.get(program=program, person=people.oem_buyer).role == "manager"
    bad = client.post(reverse("program_create"), {"code": "SWX2", "name": "Bad\u202ename"})
    assert bad.status_code == 422
    assert "bidirectional" in text(bad)
    edited = client.post(
        reverse("program_edit", args=[program.pk]),
        {"name": "Smart watch S1", "description": "", "status": "npi"},
    )
    assert edited.status_code == 302
    program.refresh_from_db()
    assert (program.name, program.status) == ("Smart watch S1", "npi")
    meridian = people.ems_planner.organisation
    added = client.post(
        reverse("program_partner_add", args=[program.pk]),
        {"organisation": meridian.pk, "responsibility": "EMS: PCBA"},
    )
    assert added.status_code == 302
    services.add_program_member(actor=people.oem_buyer, program=program, person=people.ems_quality)
    # Archived: read-only for BOMs, partners and members; members can still be removed.
    client.post(reverse("program_archive", args=[program.pk]), {"archive": "1"})
    program.refresh_from_db()
    assert program.is_archived
    caption = "Programs you are a member of"
    current = [r[0] for r in table(client.get(reverse("program_list")), caption)]
    assert "Smart watch S1" not in current and "Earbuds X2" in current
    archived = table(client.get(reverse("program_list"), {"show": "archived"}), caption)
    assert [r[0] for r in archived] == ["Smart watch S1"]
    assembly = services_part(people.oem_buyer, "SW-PCBA")
    try:
        create_bom(
            actor=people.oem_buyer, program=program, assembly=assembly, revision="A", lines=[]
        )
    except Conflict as refused:
        assert "archived" in refused.message
    else:
        raise AssertionError("no BOM in an archived program")
    try:
        services.add_program_member(
            actor=people.oem_buyer, program=program, person=people.oem_engineer
        )
    except Conflict:
        pass
    else:
        raise AssertionError("no new member in an archived program")
    services.remove_program_member(
        actor=people.oem_buyer, program=program, person=people.ems_quality
    )
    client.post(reverse("program_archive", args=[program.pk]), {"archive": "0"})
    program.refresh_from_db()
    assert not program.is_archived
    create_bom(actor=people.oem_buyer, program=program, assembly=assembly, revision="A", lines=[])


def services_part(actor: Person, number: str) -> Any:
    from accord.parts.services import create_part

    return create_part(actor=actor, number=number, is_assembly=True)


def test_removing_a_partner_ends_its_peoples_membership(
    client_for: Any, people: Any, programs: Any
) -> None:
    ebx2 = programs["EBX2"]
    brightline = people.nda_expired_partner.organisation
    confirm = client_for("oem_buyer").get(
        reverse("program_partner_remove", args=[ebx2.pk, brightline.pk])
    )
    assert "Lucia Ortega" in text(confirm)
    response = client_for("oem_buyer").post(
        reverse("program_partner_remove", args=[ebx2.pk, brightline.pk]), follow=True
    )
    assert "1 of its people lost access" in text(response)
    assert not ebx2.partners.filter(organisation=brightline).exists()
    assert not ProgramMember.objects.filter(program=ebx2, person=people.nda_expired_partner)
    assert (
        client_for("nda_expired_partner").get(reverse("program_detail", args=[ebx2.pk])).status_code
        == 404
    )


def test_programs_through_the_api(people: Any) -> None:
    client, _ = token_client(people.oem_engineer)
    created = send(client, "POST", f"{API}/programs", {"code": "HUB", "name": "Charging hub"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner"]["name"] == "Halcyon Devices" and body["my_role"] == "manager"
    program_id = body["id"]
    patched = send(client, "PATCH", f"{API}/programs/{program_id}", {"archived": True})
    assert patched.status_code == 200
    refused = send(client, "PATCH", f"{API}/programs/{program_id}", {"status": "npi"})
    assert_error(refused, 409, "conflict")
    restored = send(
        client, "PATCH", f"{API}/programs/{program_id}", {"archived": False, "status": "npi"}
    )
    assert restored.json()["status"] == "npi"
    assert_error(
        send(client, "PATCH", f"{API}/programs/{program_id}", {"code": "NEW"}), 422, "invalid"
    )
    meridian = people.ems_planner.organisation
    partner = send(
        client,
        "POST",
        f"{API}/programs/{program_id}/partners",
        {"organisation_id": meridian.pk, "responsibility": "EMS"},
    )
    assert partner.status_code == 201, partner.content
    quillon = people.outsider.organisation  # not connected with Halcyon
    assert_error(
        send(
            client,
            "POST",
            f"{API}/programs/{program_id}/partners",
            {"organisation_id": quillon.pk},
        ),
        422,
        "invalid",
    )
    sellers, _ = token_client(people.ems_planner)
    assert_error(
        send(sellers, "POST", f"{API}/programs", {"code": "X", "name": "X"}), 403, "forbidden"
    )


def test_an_nda_is_registered_with_its_signed_pdf(
    client_for: Any, people: Any, programs: Any
) -> None:
    kestrel = people.kestrel_rep.organisation if "kestrel_rep" in people else None
    assert kestrel is not None
    client = client_for("oem_buyer")
    form = client.get(reverse("nda_create"))
    assert form.status_code == 200
    not_pdf = client.post(
        reverse("nda_create"),
        {
            "reference": "NDA-HAL-KES-27",
            "counterparty": kestrel.pk,
            "effective_date": "2026-06-01",
            "document": SimpleUploadedFile("signed.pdf", b"GIF89a...", "application/pdf"),
        },
    )
    assert not_pdf.status_code == 422
    assert "must be a PDF" in text(not_pdf)
    response = client.post(
        reverse("nda_create"),
        {
            "reference": "NDA-HAL-KES-27",
            "title": "Cells, second supply agreement",
            "counterparty": kestrel.pk,
            "effective_date": "2026-06-01",
            "expiry_date": "2028-05-31",
            "programs": [programs["PHRM"].pk],
            "document": SimpleUploadedFile("../../etc/Signed NDA.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302, text(response)
    nda = Nda.objects.get(reference="NDA-HAL-KES-27")
    assert list(nda.programs.all()) == [programs["PHRM"]]
    assert nda.document_name == "Signed NDA.pdf"
    assert nda.document.name.startswith(f"ndas/{nda.pk}/") and ".." not in nda.document.name
    with nda.document.open("rb") as stored:
        assert stored.read() == PDF
    download = client.get(reverse("nda_document", args=[nda.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_nda_amendment_and_termination_change_access_at_once(
    client_for: Any, people: Any, boms: Any
) -> None:
    lapsed = Nda.objects.get(reference="NDA-HAL-BRL-2023")
    partner = people.nda_expired_partner
    ebx2_bom = boms["EBX2-PCBA"]
    assert not boms_visible_to(partner).filter(pk=ebx2_bom.pk).exists()
    response = client_for("oem_buyer").post(
        reverse("nda_amend", args=[lapsed.pk]),
        {
            "expiry_date": (today() + dt.timedelta(days=365)).isoformat(),
            "programs": [ebx2_bom.program_id],
        },
    )
    assert response.status_code == 302
    assert boms_visible_to(partner).filter(pk=ebx2_bom.pk).exists()  # in force again
    # Brightline's administrator terminates it: Brightline loses the restricted BOM at once.
    page = client_for("nda_expired_partner").get(reverse("nda_terminate", args=[lapsed.pk]))
    assert "Terminate NDA-HAL-BRL-2023?" in text(page)
    client_for("nda_expired_partner").post(reverse("nda_terminate", args=[lapsed.pk]))
    assert not boms_visible_to(partner).filter(pk=ebx2_bom.pk).exists()
    amend_again = client_for("oem_buyer").post(
        reverse("nda_amend", args=[lapsed.pk]), {"expiry_date": "2030-01-01"}
    )
    assert amend_again.status_code == 422
    assert "terminated" in text(amend_again)


def test_ndas_through_the_api(people: Any, programs: Any) -> None:
    client, _ = token_client(people.ems_planner)
    roverly = people.other_oem_user.organisation
    created = client.post(
        f"{API}/ndas",
        {
            "reference": "NDA-MER-ROV-27",
            "counterparty_id": str(roverly.pk),
            "effective_date": "2026-01-01",
            "program_ids": [str(programs["RVC"].pk)],
            "document": SimpleUploadedFile("nda.pdf", PDF, "application/pdf"),
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["has_document"] and [p["code"] for p in body["programs"]] == ["RVC"]
    nda_id = body["id"]
    amended = send(client, "PATCH", f"{API}/ndas/{nda_id}", {"expiry_date": "2027-12-31"})
    assert amended.json()["expiry_date"] == "2027-12-31"
    too_early = send(client, "PATCH", f"{API}/ndas/{nda_id}", {"expiry_date": "2025-01-01"})
    assert_error(too_early, 422, "invalid")
    downloaded = client.get(f"{API}/ndas/{nda_id}/document")
    assert downloaded.status_code == 200 and downloaded["Content-Type"] == "application/pdf"
    terminated = send(client, "POST", f"{API}/ndas/{nda_id}/terminate")
    assert terminated.json()["status"] == "terminated" and not terminated.json()["in_force"]
    # A program of neither party cannot be covered.
    phrm = programs["PHRM"]
    foreign = client.post(
        f"{API}/ndas",
        {
            "reference": "NDA-X",
            "counterparty_id": str(roverly.pk),
            "effective_date": "2026-01-01",
            "program_ids": [str(phrm.pk)],
        },
    )
    assert_error(foreign, 422, "invalid")
    big = client.post(
        f"{API}/ndas/{nda_id}/document",
        {"document": SimpleUploadedFile("big.pdf", PDF + b"0" * (11 * 1024 * 1024))},
    )
    assert_error(big, 413, "too_large")


def test_a_control_character_is_refused_with_the_field_named(people: Any) -> None:
    client, _ = token_client(people.oem_buyer)
    response = send(client, "POST", f"{API}/programs", {"code": "BEL", "name": "Ding\x07"})
    body = assert_error(response, 422, "invalid")
    assert "name" in str(body["detail"])
    assert not Client().login(username="x", password="y")


def test_the_owner_decides_whether_suppliers_read_the_description(
    client_for: Any, people: Any, programs: Any
) -> None:
    ebx2 = programs["EBX2"]
    supplier, _ = token_client(people.supplier_rep)
    assert supplier.get(f"{API}/programs/{ebx2.pk}").json()["description"] == ""
    response = client_for("oem_buyer").post(
        reverse("program_edit", args=[ebx2.pk]),
        {
            "name": ebx2.name,
            "description": ebx2.description,
            "status": ebx2.status,
            "description_shared": "on",
        },
    )
    assert response.status_code == 302
    shown = supplier.get(f"{API}/programs/{ebx2.pk}").json()["description"]
    assert shown and shown == ebx2.description
    manager, _ = token_client(people.oem_buyer)
    send(manager, "PATCH", f"{API}/programs/{ebx2.pk}", {"description_shared": False})
    assert supplier.get(f"{API}/programs/{ebx2.pk}").json()["description"] == ""
