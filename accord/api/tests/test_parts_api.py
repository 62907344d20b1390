"""Parts, approved sources and where-used through HTTP: filters, need-to-know, owner-only writes."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.api.tests.utils import API, MISSING_ID, assert_error, assert_invisible, numbers, send
from accord.core.access import today
from accord.core.models import Event
from accord.orgs.models import Organisation
from accord.parts.models import ApprovedSource, Part


def part_state(part: Part) -> dict:
    row = Part.objects.filter(pk=part.pk).values().get()
    sources = list(ApprovedSource.objects.filter(part=part).order_by("pk").values())
    return {"part": row, "sources": sources}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=crystal", ["HAL-300-0001"]),
        ("q=murata", ["HAL-100-0001"]),  # a manufacturer
        ("q=GRM155R61", ["HAL-100-0001"]),  # an MPN, any case
        ("q=ldo+3.3V", ["HAL-200-0002"]),  # every word must match
        ("q=0402", ["HAL-100-0001", "HAL-100-0002"]),
        ("category=sensors", ["HAL-200-0003", "HAL-200-0004", "HAL-200-0005"]),
        ("lifecycle=nrnd", ["HAL-100-0002", "HAL-200-0005"]),
        ("lifecycle=obsolete", ["HAL-200-0004"]),
        ("sourcing=multi", ["HAL-100-0001", "HAL-300-0001"]),
        ("sourcing=none", ["HAL-500-0001"]),  # assemblies are built, not bought
        ("sourcing=single&category=ics", ["HAL-200-0001", "HAL-200-0002"]),
        ("q=no-such-thing", []),
    ],
)
def test_part_filters(client_for, query, expected):
    assert numbers(client_for("oem_buyer").get(f"{API}/parts?{query}")) == expected


def test_part_sorting(client_for):
    client = client_for("oem_buyer")
    assert numbers(client.get(f"{API}/parts?sort=-number"))[:2] == ["PHRM-MAIN", "HAL-600-0001"]
    by_sources = numbers(client.get(f"{API}/parts?sort=-sources&page_size=2"))
    assert by_sources == ["HAL-100-0001", "HAL-300-0001"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("supplier_rep", {"HAL-400-0001"}),
        ("arrowpoint_rep", {"HAL-100-0001", "HAL-200-0002"}),
        ("other_oem_user", {"RVC-200-0001", "RVC-200-0002", "RVC-MAIN"}),
        ("nda_expired_partner", set()),
        ("outsider", set()),
        (
            "ems_planner",
            {
                "HAL-100-0001",
                "HAL-100-0002",
                "HAL-200-0001",
                "HAL-200-0002",
                "HAL-200-0003",
                "HAL-200-0004",
                "HAL-200-0005",
                "HAL-300-0001",
                "HAL-400-0001",
                "HAL-500-0001",
                "HAL-600-0001",
                "EBX2-PCBA",
                "RVC-200-0001",
                "RVC-200-0002",
            },
        ),
    ],
)
def test_parts_visible_per_persona(client_for, persona, expected):
    response = client_for(persona).get(f"{API}/parts?page_size=200")
    assert set(numbers(response)) == expected
    assert response.json()["count"] == len(expected)


def test_part_detail(client_for, parts):
    body = client_for("oem_buyer").get(f"{API}/parts/{parts['HAL-200-0002'].pk}").json()
    assert (body["number"], body["description"], body["lifecycle"]) == (
        "HAL-200-0002",
        "LDO 3.3V 200mA",
        "ltb",
    )
    assert body["category"] == {"slug": "ics", "name": "ICs"}
    assert body["owner"]["name"] == "Halcyon Devices"
    [source] = body["sources"]
    assert source["manufacturer"] == "Texas Instruments"
    assert source["mpn"] == "TPS7A0233PDBVR"
    assert (source["rank"], source["status"], source["lifecycle"]) == (1, "approved", "ltb")
    assert source["last_time_buy_date"] == (today() + dt.timedelta(days=90)).isoformat()
    assert (source["rohs"], source["reach"]) == ("compliant", "unknown")
    assert source["supplier"]["name"] == "Arrowpoint Distribution"
    assert [
        (w["assembly_number"], w["revision"], w["quantity"], w["designators"])
        for w in body["where_used"]
    ] == [
        ("EBX2-PCBA", "B", "1", ["U2"]),
        ("PHRM-MAIN", "A", "1", ["U2"]),
    ]


def test_where_used_lists_only_visible_boms(client_for, parts):
    body = client_for("ems_quality").get(f"{API}/parts/{parts['HAL-200-0002'].pk}").json()
    assert [w["assembly_number"] for w in body["where_used"]] == ["PHRM-MAIN"]


def test_a_seller_sees_only_its_own_lines_of_the_aml(client_for, parts):
    body = client_for("arrowpoint_rep").get(f"{API}/parts/{parts['HAL-100-0001'].pk}").json()
    assert [s["mpn"] for s in body["sources"]] == ["GRM155R61A104KA01D"]
    assert body["where_used"] == []
    body = client_for("supplier_rep").get(f"{API}/parts/{parts['HAL-400-0001'].pk}").json()
    assert [(s["manufacturer"], s["mpn"]) for s in body["sources"]] == [
        ("Sunridge Acoustics", "SA-BA-3110")
    ]


@pytest.mark.parametrize(
    ("persona", "number"),
    [
        ("other_oem_user", "HAL-100-0001"),
        ("other_oem_user", "EBX2-PCBA"),
        ("supplier_rep", "HAL-100-0001"),
        ("supplier_rep", "EBX2-PCBA"),
        ("nda_expired_partner", "HAL-400-0001"),
        ("outsider", "HAL-400-0001"),
        ("outsider", "RVC-200-0001"),
        ("oem_buyer", "RVC-200-0001"),
    ],
)
def test_invisible_part_is_404_on_every_operation(client_for, parts, persona, number):
    part = parts[number]
    before = part_state(part)
    client = client_for(persona)
    source = ApprovedSource.objects.filter(part=part).first()
    source_id = source.pk if source else MISSING_ID
    cases = [
        ("GET", f"/parts/{part.pk}", f"/parts/{MISSING_ID}", None),
        ("PATCH", f"/parts/{part.pk}", f"/parts/{MISSING_ID}", {"description": "mine now"}),
        (
            "POST",
            f"/parts/{part.pk}/sources",
            f"/parts/{MISSING_ID}/sources",
            {"manufacturer": "X", "mpn": "Y"},
        ),
        (
            "PATCH",
            f"/parts/{part.pk}/sources/{source_id}",
            f"/parts/{MISSING_ID}/sources/{source_id}",
            {"status": "rejected"},
        ),
    ]
    for method, url, missing, body in cases:
        assert_invisible(client, method, API + url, API + missing, body)
    assert part_state(part) == before


def test_create_part(client_for, people):
    response = send(
        client_for("oem_engineer"),
        "POST",
        f"{API}/parts",
        {
            "number": "HAL-700-0001",
            "description": "Speaker grille",
            "category": "mechanical",
            "classification": "restricted",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    part = Part.objects.get(pk=body["id"])
    assert (part.number, part.owner.name, part.category.slug, part.classification) == (
        "HAL-700-0001",
        "Halcyon Devices",
        "mechanical",
        "restricted",
    )
    assert (body["lifecycle"], body["approved_source_count"], body["sources"]) == ("unknown", 0, [])
    assert Event.objects.filter(
        verb="created part", object_id=str(part.pk), actor=people.oem_engineer
    ).exists()


def test_owner_updates_a_part(client_for, parts):
    part = parts["HAL-100-0001"]
    url = f"{API}/parts/{part.pk}"
    body = send(
        client_for("oem_engineer"),
        "PATCH",
        url,
        {"description": "Cap 100nF 16V", "category": "resistors"},
    ).json()
    assert (body["description"], body["category"]["slug"], body["value"]) == (
        "Cap 100nF 16V",
        "resistors",
        "100n",
    )
    part.refresh_from_db()
    assert (part.description, part.category.slug) == ("Cap 100nF 16V", "resistors")
    assert "cap 100nf 16v" in part.search_text
    event = Event.objects.filter(verb="updated part", object_id=str(part.pk)).latest("id")
    assert event.changes["description"] == ["Capacitor 100nF 10V X5R 0402", "Cap 100nF 16V"]


@pytest.mark.parametrize(
    ("persona", "number"),
    [
        ("ems_planner", "HAL-100-0001"),
        ("arrowpoint_rep", "HAL-100-0001"),
        ("supplier_rep", "HAL-400-0001"),
    ],
)
def test_visible_but_not_owned_parts_cannot_be_changed(client_for, parts, persona, number):
    part = parts[number]
    before = part_state(part)
    events = Event.objects.count()
    client = client_for(persona)
    source = ApprovedSource.objects.filter(part=part).first()
    assert client.get(f"{API}/parts/{part.pk}").status_code == 200
    responses = [
        send(client, "PATCH", f"{API}/parts/{part.pk}", {"description": "changed"}),
        send(client, "POST", f"{API}/parts/{part.pk}/sources", {"manufacturer": "X", "mpn": "Y"}),
        send(client, "PATCH", f"{API}/parts/{part.pk}/sources/{source.pk}", {"status": "rejected"}),
    ]
    for response in responses:
        assert_error(response, 403, "forbidden")
    assert part_state(part) == before
    assert Event.objects.count() == events


def test_owner_adds_and_approves_sources(client_for, parts):
    client = client_for("oem_buyer")
    part = parts["HAL-100-0002"]
    arrowpoint = Organisation.objects.get(name="Arrowpoint Distribution")
    response = send(
        client,
        "POST",
        f"{API}/parts/{part.pk}/sources",
        {
            "manufacturer": "Vishay Dale",
            "mpn": "CRCW0402-10K0-FKED",
            "status": "approved",
            "supplier_id": arrowpoint.pk,
        },
    )
    assert response.status_code == 201, response.content
    added = response.json()
    assert (added["manufacturer"], added["mpn"], added["rank"], added["status"]) == (
        "Vishay Dale",
        "CRCW0402-10K0-FKED",
        3,
        "approved",
    )
    assert added["supplier"]["name"] == "Arrowpoint Distribution" and added["approved_at"]
    assert numbers(client.get(f"{API}/parts?sourcing=multi")) == [
        "HAL-100-0001",
        "HAL-100-0002",
        "HAL-300-0001",
    ]

    yageo = ApprovedSource.objects.get(part=part, manufacturer_part__mpn="RC0402FR-0710KL")
    url = f"{API}/parts/{part.pk}/sources/{yageo.pk}"
    no_reason = send(client, "PATCH", url, {"status": "approved"})
    assert_error(no_reason, 422, "invalid")
    assert no_reason.json()["detail"] == {"field": "reason"}
    body = send(client, "PATCH", url, {"status": "approved", "reason": "Qualified"}).json()
    assert (body["mpn"], body["status"]) == ("RC0402FR-0710KL", "approved")
    part.refresh_from_db()
    assert part.approved_source_count == 3
    rejected = send(client, "PATCH", url, {"status": "rejected", "reason": "EOL"}).json()
    assert rejected["status"] == "rejected" and rejected["approved_at"] is None


def test_source_must_belong_to_the_part_in_the_path(client_for, parts):
    other = ApprovedSource.objects.filter(part=parts["HAL-100-0002"]).first()
    url = f"{API}/parts/{parts['HAL-100-0001'].pk}/sources/{other.pk}"
    assert_error(
        send(client_for("oem_buyer"), "PATCH", url, {"status": "rejected", "reason": "x"}),
        404,
        "not_found",
    )
    other.refresh_from_db()
    assert other.status == "approved"


def test_unknown_supplier_is_refused(client_for, parts):
    quillon = Organisation.objects.get(name="Quillon Components")  # not visible to Halcyon
    url = f"{API}/parts/{parts['HAL-100-0002'].pk}/sources"
    response = send(
        client_for("oem_buyer"),
        "POST",
        url,
        {"manufacturer": "A", "mpn": "B", "supplier_id": quillon.pk},
    )
    body = assert_error(response, 422, "invalid")
    assert body["detail"] == {"field": "supplier_id"}
    assert ApprovedSource.objects.filter(part=parts["HAL-100-0002"]).count() == 2
