"""Every page, every persona: the status code each one gets. A page missing here fails.

HOW TO ADD AN ENTRY: name the page's route in its app's urls.py, then add the name to GET_MATRIX:
route name -> (URL kwargs built from the `world` fixture below, expected status per signed-in
persona). If the route takes a POST, add it to POST_MATRIX too: (kwargs, form data, statuses).
`only({...})` gives everyone not listed 404; anonymous is checked for every page (sent to the
login page). Reason the statuses from the access rules (DESIGN.md, "Need-to-know access"), not
from what the code answers. accord/core/tests/test_route_coverage.py also checks the whole URL
resolver against this matrix and the API matrix (accord/api/tests/test_access_matrix.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accord.core.models import AccessLogEntry, ApiToken, Event
from accord.core.services import create_api_token
from accord.orgs.models import Nda, ProgramMember
from accord.parts.models import ApprovedSource, BomImport, CatalogueImport
from accord.parts.services import stage_bom_import
from accord.parts.services.catalogue_staging import stage_catalogue_import

PERSONAS = [
    "anonymous",
    "oem_buyer",
    "oem_engineer",
    "ems_planner",
    "ems_quality",
    "supplier_rep",
    "other_oem_user",
    "nda_expired_partner",
    "outsider",
]
EVERYONE = dict.fromkeys(PERSONAS[1:], 200)
PAGE_MODULES = ("accord.web.urls", "accord.core.urls", "accord.orgs.urls", "accord.parts.urls")


def only(allowed: dict[str, int], default: int = 404) -> dict[str, int]:
    return {p: allowed.get(p, default) for p in PERSONAS[1:]}


EBX2_READERS = {"oem_buyer": 200, "oem_engineer": 200, "ems_planner": 200}
EBX2_MEMBERS = {
    **EBX2_READERS,
    "supplier_rep": 200,
    "nda_expired_partner": 200,
}
ADMINS = {
    p: 200
    for p in (
        "oem_buyer",
        "ems_planner",
        "supplier_rep",
        "other_oem_user",
        "nda_expired_partner",
        "outsider",
    )
}
HALCYON_MERIDIAN = {"oem_buyer": 200, "oem_engineer": 200, "ems_planner": 200, "ems_quality": 200}
# People of OEMs (the owners of programs) load parts lists; everyone else is refused with 403.
OEM_PEOPLE = {"oem_buyer": 200, "oem_engineer": 200, "other_oem_user": 200}
MATRIX_BOM = b"Designator,Qty,Value,Manufacturer,MPN\nR1 R2,2,10k,Yageo,RC0402FR-0710KL\n"
MATRIX_PARTS = b"Manufacturer,MPN,Description\nYageo,RC0402FR-07MATRIX,Matrix resistor\n"


# GET pages: route name -> (kwargs from the world, expected status per persona)
GET_MATRIX: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], dict[str, int]]] = {
    "dashboard": (lambda w: {}, EVERYONE),
    "program_list": (lambda w: {}, EVERYONE),
    "program_detail": (lambda w: {"pk": w["EBX2"].pk}, only(EBX2_MEMBERS)),
    "program_member_remove": (
        lambda w: {"pk": w["EBX2"].pk, "person_id": w["oem_engineer"].pk},
        only({"oem_buyer": 200}, default=404) | {p: 403 for p in EBX2_MEMBERS if p != "oem_buyer"},
    ),
    "part_list": (lambda w: {}, EVERYONE),
    "part_detail": (lambda w: {"pk": w["HAL-200-0001"].pk}, only(EBX2_READERS)),
    "bom_list": (lambda w: {}, EVERYONE),
    "bom_detail": (lambda w: {"pk": w["EBX2-PCBA"].pk}, only(EBX2_READERS)),
    "bom_export": (lambda w: {"pk": w["EBX2-PCBA"].pk, "fmt": "csv"}, only(EBX2_READERS)),
    "nda_list": (lambda w: {}, EVERYONE),
    "nda_detail": (lambda w: {"pk": w["NDA-HAL-MER-2025"].pk}, only(HALCYON_MERIDIAN)),
    # No document on file: 404 for the parties too.
    "nda_document": (lambda w: {"pk": w["NDA-HAL-MER-2025"].pk}, only({})),
    "access_log": (lambda w: {}, only(ADMINS)),
    "token_list": (lambda w: {}, EVERYONE),
    "event_list": (lambda w: {}, EVERYONE),
    # Imports: the upload pages, and the uploads of oem_buyer that only the uploader sees.
    "bom_import": (lambda w: {}, EVERYONE),
    "bom_import_preview": (lambda w: {"pk": w["bom_upload"].pk}, only({"oem_buyer": 200})),
    # Not running: the progress poll sends the uploader back to the preview.
    "bom_import_progress": (lambda w: {"pk": w["bom_upload"].pk}, only({"oem_buyer": 302})),
    "catalogue_import": (lambda w: {}, only(OEM_PEOPLE, default=403)),
    "catalogue_import_preview": (
        lambda w: {"pk": w["parts_upload"].pk},
        only({"oem_buyer": 200}),
    ),
    # Not running: the progress poll sends the uploader back to the preview.
    "catalogue_import_progress": (
        lambda w: {"pk": w["parts_upload"].pk},
        only({"oem_buyer": 302}),
    ),
    # Everyone has a list of their own unfinished uploads (only theirs: see test_my_imports).
    "my_imports": (lambda w: {}, EVERYONE),
    # Signed-in people are sent on to the dashboard.
    "login": (lambda w: {}, dict.fromkeys(PERSONAS[1:], 302)),
    # Signing out takes a POST (CSRF-protected), never a GET.
    "logout": (lambda w: {}, dict.fromkeys(PERSONAS[1:], 405)),
}

# POST actions: route name -> (kwargs, form data, expected status per persona)
POST_MATRIX: dict[
    str,
    tuple[
        Callable[[dict[str, Any]], dict[str, Any]],
        Callable[[dict[str, Any]], dict[str, Any]],
        dict[str, int],
    ],
] = {
    "program_member_add": (
        lambda w: {"pk": w["EBX2"].pk},
        lambda w: {"person": w["ems_quality"].pk, "role": "member"},
        only({"oem_buyer": 302}) | {p: 403 for p in EBX2_MEMBERS if p != "oem_buyer"},
    ),
    "program_member_remove": (
        lambda w: {"pk": w["EBX2"].pk, "person_id": w["oem_engineer"].pk},
        lambda w: {},
        only({"oem_buyer": 302}) | {p: 403 for p in EBX2_MEMBERS if p != "oem_buyer"},
    ),
    "part_source_add": (
        lambda w: {"pk": w["HAL-200-0001"].pk},
        lambda w: {
            "manufacturer": "Nordic Semiconductor",
            "mpn": "NRF5340-CLAA-R",
            "status": "pending",
        },
        only({"oem_buyer": 302, "oem_engineer": 302, "ems_planner": 403}),
    ),
    "part_source_status": (
        lambda w: {"pk": w["HAL-100-0002"].pk, "source_id": w["yageo"].pk},
        lambda w: {"status": "approved"},
        only({"oem_buyer": 302, "oem_engineer": 302, "ems_planner": 403}),
    ),
    "token_revoke": (
        lambda w: {"pk": w["buyer_token"].pk},
        lambda w: {},
        only({"oem_buyer": 302}),
    ),
    "token_list": (lambda w: {}, lambda w: {"name": "matrix"}, EVERYONE),
    # Only members from the program's owner may upload into it (members from partners: 403).
    "bom_import": (
        lambda w: {},
        lambda w: {
            "program": w["EBX2"].pk,
            "assembly_number": "MATRIX-ASSY",
            "revision": "A",
            "file": SimpleUploadedFile("matrix.csv", MATRIX_BOM),
        },
        only({"oem_buyer": 302, "oem_engineer": 302})
        | {p: 403 for p in ("ems_planner", "supplier_rep", "nda_expired_partner")},
    ),
    "bom_import_preview": (
        lambda w: {"pk": w["bom_upload"].pk},
        lambda w: {"approve_alternates": "on"},
        only({"oem_buyer": 302}),
    ),
    "bom_import_confirm": (
        lambda w: {"pk": w["bom_upload"].pk},
        lambda w: {},
        only({"oem_buyer": 302}),
    ),
    "bom_import_discard": (
        lambda w: {"pk": w["bom_upload"].pk},
        lambda w: {},
        only({"oem_buyer": 302}),
    ),
    "catalogue_import": (
        lambda w: {},
        lambda w: {"file": SimpleUploadedFile("parts.csv", MATRIX_PARTS)},
        only({"oem_buyer": 302, "oem_engineer": 302, "other_oem_user": 302}, default=403),
    ),
    "catalogue_import_confirm": (
        lambda w: {"pk": w["parts_upload"].pk},
        lambda w: {},
        only({"oem_buyer": 302}),
    ),
    "catalogue_import_discard": (
        lambda w: {"pk": w["parts_upload"].pk},
        lambda w: {},
        only({"oem_buyer": 302}),
    ),
}


@pytest.fixture
def world(people: Any, programs: Any, parts: Any, boms: Any) -> dict[str, Any]:
    token, _ = create_api_token(actor=people.oem_buyer, name="buyer script")
    bom_upload = stage_bom_import(
        actor=people.oem_buyer,
        program=programs["EBX2"],
        assembly_number="MATRIX-UPLOAD",
        revision="A",
        data=MATRIX_BOM,
        filename="matrix.csv",
    )
    parts_upload = stage_catalogue_import(
        actor=people.oem_buyer, data=MATRIX_PARTS, filename="parts.csv"
    )
    yageo = ApprovedSource.objects.get(
        part=parts["HAL-100-0002"], manufacturer_part__mpn="RC0402FR-0710KL"
    )
    return {
        **people,
        **programs,
        **parts,
        **boms,
        **{n.reference: n for n in Nda.objects.all()},
        "yageo": yageo,
        "buyer_token": token,
        "bom_upload": bom_upload,
        "parts_upload": parts_upload,
    }


def _page_routes() -> set[str]:
    names: set[str] = set()
    for module in PAGE_MODULES:
        for entry in get_resolver(module).url_patterns:
            assert isinstance(entry, URLPattern | URLResolver)
            if isinstance(entry, URLPattern) and entry.name:
                names.add(entry.name)
    return names


def test_every_page_is_in_the_matrix() -> None:
    missing = _page_routes() - set(GET_MATRIX) - set(POST_MATRIX)
    assert not missing, f"Add these routes to the access matrix: {sorted(missing)}"


def _snapshot() -> tuple[int, ...]:
    return (
        Event.objects.count(),
        ProgramMember.objects.count(),
        ApprovedSource.objects.count(),
        ApprovedSource.objects.filter(status="approved").count(),
        ApiToken.objects.filter(revoked_at__isnull=True).count(),
        BomImport.objects.count(),
        BomImport.objects.filter(status="previewed").count(),
        CatalogueImport.objects.filter(status="previewed").count(),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(GET_MATRIX))
def test_get_matrix(client_for: Any, world: dict[str, Any], name: str, persona: str) -> None:
    kwargs, expected = GET_MATRIX[name]
    url = reverse(name, kwargs=kwargs(world))
    before = _snapshot()
    response = client_for(persona).get(url)
    if persona == "anonymous":
        if name == "login":
            assert response.status_code == 200
        elif name == "logout":
            assert response.status_code == 405
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected[persona], (name, persona, url)
    assert _snapshot() == before


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(POST_MATRIX))
def test_post_matrix(client_for: Any, world: dict[str, Any], name: str, persona: str) -> None:
    kwargs, data, expected = POST_MATRIX[name]
    url = reverse(name, kwargs=kwargs(world))
    before = _snapshot()
    response = client_for(persona).post(url, data(world))
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
        assert _snapshot() == before
        return
    assert response.status_code == expected[persona], (name, persona, url)
    if response.status_code >= 400:
        assert _snapshot() == before, "a refused request changed something"
    else:
        assert _snapshot() != before, "an accepted request changed nothing"


def test_refusals_do_not_log_reads(client_for: Any, world: dict[str, Any]) -> None:
    before = AccessLogEntry.objects.count()
    for persona in ("other_oem_user", "nda_expired_partner", "supplier_rep", "ems_quality"):
        client_for(persona).get(reverse("bom_detail", args=[world["EBX2-PCBA"].pk]))
    assert AccessLogEntry.objects.count() == before
