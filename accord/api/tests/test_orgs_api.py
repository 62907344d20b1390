"""The caller, organisations, programs and their members, NDAs: through HTTP, per persona."""

from __future__ import annotations

import pytest

from accord.api.tests.utils import API, MISSING_ID, assert_error, assert_invisible, send
from accord.core.models import Event
from accord.orgs.models import Nda, Organisation, ProgramMember


def names(response, key="name"):
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["results"]}


def org_id(name: str) -> int:
    return Organisation.objects.get(name=name).pk


def members_of(program) -> set[tuple[str, str]]:
    return set(
        ProgramMember.objects.filter(program=program).values_list("person__username", "role")
    )


def test_me(client_for):
    body = client_for("ems_planner").get(f"{API}/me").json()
    assert body["username"] == "ems_planner"
    assert body["name"] == "Aisha Rahman"
    assert body["is_org_admin"] is True
    assert body["organisation"]["name"] == "Meridian Electronics Manufacturing"
    assert body["organisation"]["kind"] == "ems"
    assert [(p["code"], p["role"]) for p in body["programs"]] == [
        ("EBX2", "member"),
        ("PHRM", "member"),
        ("RVC", "member"),
    ]
    outsider = client_for("outsider").get(f"{API}/me").json()
    assert outsider["programs"] == [] and outsider["organisation"]["name"] == "Quillon Components"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (
            "ems_planner",
            {
                "Halcyon Devices",
                "Meridian Electronics Manufacturing",
                "Roverly Robotics",
                "Sunridge Acoustics",
                "Kestrel Cells",
                "Arrowpoint Distribution",
                "Brightline Assembly",
            },
        ),
        (
            "oem_engineer",
            {
                "Halcyon Devices",
                "Meridian Electronics Manufacturing",
                "Sunridge Acoustics",
                "Arrowpoint Distribution",
                "Brightline Assembly",
            },
        ),
        ("other_oem_user", {"Roverly Robotics", "Meridian Electronics Manufacturing"}),
        ("outsider", {"Quillon Components"}),
    ],
)
def test_organisations_visible_per_persona(client_for, persona, expected):
    assert names(client_for(persona).get(f"{API}/organisations")) == expected


def test_organisation_detail_and_invisible_ones(client_for):
    body = (
        client_for("oem_buyer")
        .get(f"{API}/organisations/{org_id('Meridian Electronics Manufacturing')}")
        .json()
    )
    assert (body["name"], body["kind"], body["country"]) == (
        "Meridian Electronics Manufacturing",
        "ems",
        "MY",
    )
    missing = f"{API}/organisations/{MISSING_ID}"
    assert_invisible(
        client_for("oem_buyer"), "GET", f"{API}/organisations/{org_id('Roverly Robotics')}", missing
    )
    assert_invisible(
        client_for("outsider"), "GET", f"{API}/organisations/{org_id('Halcyon Devices')}", missing
    )


@pytest.mark.parametrize(
    ("persona", "codes"),
    [
        ("oem_buyer", {"EBX2", "PHRM"}),
        ("oem_engineer", {"EBX2"}),
        ("ems_planner", {"EBX2", "PHRM", "RVC"}),
        ("ems_quality", {"PHRM"}),
        ("supplier_rep", {"EBX2"}),
        ("other_oem_user", {"RVC"}),
        ("nda_expired_partner", {"EBX2"}),
        ("outsider", set()),
    ],
)
def test_programs_visible_per_persona(client_for, persona, codes):
    assert names(client_for(persona).get(f"{API}/programs"), "code") == codes


def test_program_detail(client_for, programs):
    body = client_for("oem_buyer").get(f"{API}/programs/{programs['EBX2'].pk}").json()
    assert (body["code"], body["name"], body["owner"]["name"], body["my_role"]) == (
        "EBX2",
        "Earbuds X2",
        "Halcyon Devices",
        "manager",
    )
    assert [p["organisation"]["name"] for p in body["partners"]] == [
        "Arrowpoint Distribution",
        "Brightline Assembly",
        "Meridian Electronics Manufacturing",
        "Sunridge Acoustics",
    ]
    assert {(m["person"]["username"], m["role"]) for m in body["members"]} == {
        ("oem_buyer", "manager"),
        ("oem_engineer", "member"),
        ("ems_planner", "member"),
        ("supplier_rep", "member"),
        ("nda_expired_partner", "member"),
        ("arrowpoint_rep", "member"),
    }
    # The lapsed NDA with Brightline is not in force.
    assert {n["reference"] for n in body["ndas_in_force"]} == {
        "NDA-HAL-MER-2025",
        "NDA-HAL-SUN-2025",
    }
    assert all(n["in_force"] for n in body["ndas_in_force"])


@pytest.mark.parametrize(
    ("persona", "references"),
    [
        ("ems_planner", {"NDA-HAL-MER-2025"}),
        ("supplier_rep", {"NDA-HAL-SUN-2025"}),
        ("nda_expired_partner", set()),
        ("oem_engineer", {"NDA-HAL-MER-2025", "NDA-HAL-SUN-2025"}),
    ],
)
def test_program_shows_only_the_callers_ndas_in_force(client_for, programs, persona, references):
    body = client_for(persona).get(f"{API}/programs/{programs['EBX2'].pk}").json()
    assert {n["reference"] for n in body["ndas_in_force"]} == references


@pytest.mark.parametrize("persona", ["other_oem_user", "outsider", "ems_quality"])
def test_invisible_program_is_404(client_for, programs, persona):
    client = client_for(persona)
    ebx2 = programs["EBX2"].pk
    assert_invisible(client, "GET", f"{API}/programs/{ebx2}", f"{API}/programs/{MISSING_ID}")
    assert_invisible(
        client, "GET", f"{API}/programs/{ebx2}/members", f"{API}/programs/{MISSING_ID}/members"
    )


def test_member_list(client_for, programs):
    body = client_for("ems_planner").get(f"{API}/programs/{programs['PHRM'].pk}/members").json()
    assert body["count"] == 4
    assert {m["person"]["username"] for m in body["results"]} == {
        "oem_buyer",
        "ems_planner",
        "ems_quality",
        "kestrel_rep",
    }


def test_manager_adds_a_member_by_id_or_username(client_for, programs, people):
    ebx2 = programs["EBX2"]
    client = client_for("oem_buyer")
    url = f"{API}/programs/{ebx2.pk}/members"
    response = send(client, "POST", url, {"person_id": people.ems_quality.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["person"]["username"], body["role"]) == ("ems_quality", "member")
    assert body["person"]["organisation"]["name"] == "Meridian Electronics Manufacturing"
    assert ("ems_quality", "member") in members_of(ebx2)
    assert Event.objects.filter(verb="added member", program=ebx2, actor=people.oem_buyer).exists()
    # ems_quality now sees the program.
    assert client_for("ems_quality").get(f"{API}/programs/{ebx2.pk}").status_code == 200

    phrm = programs["PHRM"]
    response = send(
        client, "POST", f"{API}/programs/{phrm.pk}/members", {"username": "oem_engineer"}
    )
    assert response.status_code == 201
    assert ("oem_engineer", "member") in members_of(phrm)


@pytest.mark.parametrize("persona", ["oem_engineer", "ems_planner", "supplier_rep"])
def test_members_of_a_program_who_are_not_managers_cannot_add(
    client_for, programs, people, persona
):
    ebx2 = programs["EBX2"]
    before = members_of(ebx2)
    response = send(
        client_for(persona),
        "POST",
        f"{API}/programs/{ebx2.pk}/members",
        {"username": "ems_quality"},
    )
    assert_error(response, 403, "forbidden")
    assert members_of(ebx2) == before


@pytest.mark.parametrize("persona", ["other_oem_user", "outsider"])
def test_people_outside_the_program_cannot_add(client_for, programs, persona):
    ebx2 = programs["EBX2"]
    before = members_of(ebx2)
    assert_invisible(
        client_for(persona),
        "POST",
        f"{API}/programs/{ebx2.pk}/members",
        f"{API}/programs/{MISSING_ID}/members",
        {"username": "ems_quality"},
    )
    assert members_of(ebx2) == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"username": "outsider"}, 422, "invalid"),  # Quillon is no partner of EBX2
        ({"username": "kestrel_rep"}, 422, "invalid"),  # Kestrel is a partner of PHRM only
        ({"username": "other_oem_user"}, 422, "invalid"),
        ({"username": "nobody"}, 422, "invalid"),
        ({"username": "oem_engineer"}, 409, "conflict"),  # already a member
        ({"username": "ems_quality", "role": "manager"}, 422, "invalid"),  # managers are Halcyon's
    ],
)
def test_adding_someone_who_cannot_be_added(client_for, programs, body, status, code):
    ebx2 = programs["EBX2"]
    before = members_of(ebx2)
    response = send(client_for("oem_buyer"), "POST", f"{API}/programs/{ebx2.pk}/members", body)
    assert_error(response, status, code)
    assert members_of(ebx2) == before


def test_manager_removes_a_member(client_for, programs, people):
    ebx2 = programs["EBX2"]
    url = f"{API}/programs/{ebx2.pk}/members/{people.supplier_rep.pk}"
    assert client_for("supplier_rep").get(f"{API}/programs/{ebx2.pk}").status_code == 200
    assert send(client_for("oem_buyer"), "DELETE", url).status_code == 204
    assert ("supplier_rep", "member") not in members_of(ebx2)
    assert_error(client_for("supplier_rep").get(f"{API}/programs/{ebx2.pk}"), 404, "not_found")


def test_removing_is_for_managers_and_keeps_one_manager(client_for, programs, people):
    ebx2 = programs["EBX2"]
    before = members_of(ebx2)
    url = f"{API}/programs/{ebx2.pk}/members"
    assert_error(
        send(client_for("oem_engineer"), "DELETE", f"{url}/{people.supplier_rep.pk}"),
        403,
        "forbidden",
    )
    assert_error(
        send(client_for("other_oem_user"), "DELETE", f"{url}/{people.supplier_rep.pk}"),
        404,
        "not_found",
    )
    assert_error(
        send(client_for("oem_buyer"), "DELETE", f"{url}/{people.oem_buyer.pk}"), 409, "conflict"
    )
    assert_error(
        send(client_for("oem_buyer"), "DELETE", f"{url}/{people.outsider.pk}"), 404, "not_found"
    )
    assert members_of(ebx2) == before


def test_nda_list_and_filters(client_for):
    client = client_for("oem_buyer")
    assert names(client.get(f"{API}/ndas"), "reference") == {
        "NDA-HAL-MER-2025",
        "NDA-HAL-BRL-2023",
        "NDA-HAL-SUN-2025",
        "NDA-HAL-KES-2026",
    }
    assert names(client.get(f"{API}/ndas?in_force=true"), "reference") == {
        "NDA-HAL-MER-2025",
        "NDA-HAL-SUN-2025",
        "NDA-HAL-KES-2026",
    }
    assert names(client.get(f"{API}/ndas?in_force=false"), "reference") == {"NDA-HAL-BRL-2023"}
    meridian = org_id("Meridian Electronics Manufacturing")
    assert names(client.get(f"{API}/ndas?party={meridian}"), "reference") == {"NDA-HAL-MER-2025"}
    lapsed = client.get(f"{API}/ndas?in_force=false").json()["results"][0]
    assert lapsed["in_force"] is False and lapsed["party_b"]["name"] == "Brightline Assembly"


def test_nda_lists_only_the_covered_programs_the_caller_may_see(client_for):
    nda = Nda.objects.get(reference="NDA-HAL-MER-2025")
    assert [
        p["code"] for p in client_for("ems_planner").get(f"{API}/ndas/{nda.pk}").json()["programs"]
    ] == [
        "EBX2",
        "PHRM",
    ]
    # ems_quality is a member of PHRM only: EBX2 is not their business.
    assert [
        p["code"] for p in client_for("ems_quality").get(f"{API}/ndas/{nda.pk}").json()["programs"]
    ] == ["PHRM"]


@pytest.mark.parametrize(
    ("persona", "reference"),
    [
        ("ems_planner", "NDA-HAL-SUN-2025"),
        ("outsider", "NDA-HAL-MER-2025"),
        ("other_oem_user", "NDA-HAL-MER-2025"),
    ],
)
def test_nda_of_other_parties_is_404(client_for, persona, reference):
    nda = Nda.objects.get(reference=reference)
    assert_invisible(client_for(persona), "GET", f"{API}/ndas/{nda.pk}", f"{API}/ndas/{MISSING_ID}")
