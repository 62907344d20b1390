"""Every page, every persona: the status code each one gets. A page missing here fails.

HOW TO ADD AN ENTRY: name the page's route in its app's urls.py, then add the name to GET_MATRIX:
route name -> (URL kwargs built from the `world` fixture of access_matrix_world.py, expected
status per signed-in persona). If the route takes a POST, add it to POST_MATRIX too: (kwargs,
form data, statuses).
`only({...})` gives everyone not listed 404; anonymous is checked for every page (sent to the
login page). A page that shows another organisation's restricted data names, in LOGGED_READS,
the access-log entries each persona's visit must write (the rows of each: 1 for one object, the
number of the owner's restricted rows for a list); every other visit must write none. A page
whose content depends on who looks (a seller sees only the owner's people and its own on a
program) gets a CONTENT_MATRIX entry: what the page shows, and what each persona must see.
Reason the statuses from the access rules (DESIGN.md, "Need-to-know access"), not from what the
code answers. An app with many pages keeps its rows in a module of its own, merged below
(access_matrix_supply.py: the supply pages, with the world they need).
accord/core/tests/test_route_coverage.py also checks the whole URL resolver against this matrix
and the API matrix (accord/api/tests/test_access_matrix.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accord.api.tests.test_access_matrix import fingerprint, without_access_log
from accord.core.models import AccessLogEntry
from accord.web.tests.access_matrix_agreements import (
    AGREEMENTS_GET,
    AGREEMENTS_LOGGED_READS,
    AGREEMENTS_POST,
    AGREEMENTS_READ_POSTS,
)
from accord.web.tests.access_matrix_audit_changes import AUDIT_CHANGES_GET, AUDIT_CHANGES_POST
from accord.web.tests.access_matrix_audits import (
    AUDITS_GET,
    AUDITS_LOGGED_READS,
    AUDITS_POST,
)
from accord.web.tests.access_matrix_capabilities import (
    CAPABILITIES_GET,
    CAPABILITIES_POST,
)
from accord.web.tests.access_matrix_checkins import CHECKINS_GET, CHECKINS_POST
from accord.web.tests.access_matrix_flex import (
    FLEX_GET,
    FLEX_LOGGED_READS,
    FLEX_POST,
)
from accord.web.tests.access_matrix_notifications import (
    NOTIFICATIONS_CONTENT,
    NOTIFICATIONS_GET,
    NOTIFICATIONS_POST,
    NOTIFICATIONS_PUBLIC_PAGES,
    NOTIFICATIONS_PUBLIC_POSTS,
)
from accord.web.tests.access_matrix_partners import (
    PARTNERS_GET,
    PARTNERS_LOGGED_READS,
    PARTNERS_POST,
)
from accord.web.tests.access_matrix_planning import PLANNING_GET, PLANNING_POST
from accord.web.tests.access_matrix_rfq_invoices import (
    RFQ_INVOICES_CONTENT,
    RFQ_INVOICES_GET,
    RFQ_INVOICES_LOGGED_READS,
    RFQ_INVOICES_POST,
)
from accord.web.tests.access_matrix_scorecards import (
    SCORECARDS_GET,
    SCORECARDS_LOGGED_READS,
    SCORECARDS_POST,
)
from accord.web.tests.access_matrix_supply import (
    SUPPLY_CONTENT,
    SUPPLY_GET,
    SUPPLY_LOGGED_READS,
    SUPPLY_POST,
)
from accord.web.tests.access_matrix_supply_import import SUPPLY_IMPORT_GET, SUPPLY_IMPORT_POST
from accord.web.tests.access_matrix_threads import (
    THREADS_GET,
    THREADS_LOGGED_READS,
    THREADS_POST,
)
from accord.web.tests.access_matrix_world import MATRIX_BOM, MATRIX_PARTS
from accord.web.tests.helpers import table, text

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
# Pages anyone may open, signed in or not: what anonymous gets there instead of the login page.
PUBLIC_PAGES = {"login": 200, "logout": 405, "signup": 200}
PUBLIC_POSTS = {"signup": 302}
# POSTs that only read (an uploaded file compared, nothing stored): an accepted one changes
# nothing either, and writes the access-log entries LOGGED_POSTS names.
READ_POSTS: set[str] = set()
LOGGED_POSTS: dict[str, dict[str, tuple[int, ...]]] = {}
PAGE_MODULES = (
    "accord.web.urls",
    "accord.core.urls",
    "accord.orgs.urls",
    "accord.parts.urls",
    "accord.planning.urls",
    "accord.supply.urls",
    "accord.scorecards.urls",
    "accord.agreements.urls",
    "accord.partners.urls",
    "accord.threads.notification_urls",
    "accord.threads.thread_urls",
    "accord.threads.checkin_urls",
)


def only(allowed: dict[str, int], default: int = 404) -> dict[str, int]:
    return {p: allowed.get(p, default) for p in PERSONAS[1:]}


SUN = "Sunridge Acoustics"
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
HALCYON = {"oem_buyer": 200, "oem_engineer": 200}
NON_ADMINS = ("oem_engineer", "ems_quality")
# Members of EBX2 who may see the program but are not its manager.
EBX2_NOT_MANAGER = ("oem_engineer", "ems_planner", "supplier_rep", "nda_expired_partner")
# Administrators of the two parties of NDA-HAL-MER-2025, and their colleagues who are not.
HAL_MER_ADMINS = ("oem_buyer", "ems_planner")


def with_status(allowed: Iterable[str], status: int) -> dict[str, int]:
    return dict.fromkeys(allowed, status)


def admins(status: int) -> dict[str, int]:
    """Every organisation's administrators get `status`; the others 403."""
    return only(with_status(ADMINS, status), default=404) | dict.fromkeys(NON_ADMINS, 403)


# People of OEMs (the owners of programs) load parts lists; everyone else is refused with 403.
OEM_PEOPLE = {"oem_buyer": 200, "oem_engineer": 200, "other_oem_user": 200}
MATRIX_PDF = b"%PDF-1.7\n% matrix\n%%EOF\n"


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
    # People: everyone sees their colleagues; administrators manage them.
    "people_list": (lambda w: {}, EVERYONE),
    "person_create": (lambda w: {}, admins(200)),
    "person_invite": (lambda w: {}, admins(200)),
    "person_detail": (lambda w: {"pk": w["oem_engineer"].pk}, only(HALCYON)),
    "person_deactivate": (
        lambda w: {"pk": w["oem_engineer"].pk},
        only({"oem_buyer": 200, "oem_engineer": 403}),
    ),
    # The sign-up page of a pending invitation opens for whoever holds the link.
    "signup": (lambda w: {"secret": w["invitation"].secret}, EVERYONE),
    "organisation_page": (lambda w: {}, EVERYONE),
    "partner_create": (lambda w: {}, admins(200)),
    # Programs: OEM people create them; their managers change them.
    "program_create": (lambda w: {}, only(OEM_PEOPLE, default=403)),
    "program_edit": (
        lambda w: {"pk": w["EBX2"].pk},
        only({"oem_buyer": 200}) | dict.fromkeys(EBX2_NOT_MANAGER, 403),
    ),
    "program_partner_remove": (
        lambda w: {"pk": w["EBX2"].pk, "org_id": w["brightline"].pk},
        only({"oem_buyer": 200}) | dict.fromkeys(EBX2_NOT_MANAGER, 403),
    ),
    # NDAs: administrators register them; the parties' administrators change them.
    "nda_create": (lambda w: {}, admins(200)),
    "nda_amend": (
        lambda w: {"pk": w["NDA-HAL-MER-2025"].pk},
        only(with_status(HAL_MER_ADMINS, 200)) | dict.fromkeys(NON_ADMINS, 403),
    ),
    "nda_terminate": (
        lambda w: {"pk": w["NDA-HAL-MER-2025"].pk},
        only(with_status(HAL_MER_ADMINS, 200)) | dict.fromkeys(NON_ADMINS, 403),
    ),
    # Parts: the owner changes them; a partner who sees the part gets 403.
    "part_edit": (lambda w: {"pk": w["HAL-200-0001"].pk}, only(HALCYON | {"ems_planner": 403})),
    "part_lifecycle_notice": (
        lambda w: {"pk": w["HAL-200-0001"].pk},
        only(HALCYON | {"ems_planner": 403}),
    ),
    "part_source_status": (
        lambda w: {"pk": w["HAL-100-0002"].pk, "source_id": w["yageo"].pk},
        only(HALCYON | {"ems_planner": 403}),
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

# Access-log entries a visit writes: route name -> persona -> the rows of each entry. Meridian's
# planner reads Halcyon's restricted data under their NDA (and Roverly's under another);
# Sunridge reads its restricted driver. A list writes one entry per owning organisation.
LOGGED_READS: dict[str, dict[str, tuple[int, ...]]] = {
    # The program's BOMs: EBX2-PCBA and EBX2-L, both restricted.
    "program_detail": {"ems_planner": (2,)},
    # HAL-400-0001, HAL-500-0001 and EBX2-PCBA (Halcyon); the driver for Sunridge.
    "part_list": {"ems_planner": (3,), "supplier_rep": (1,)},
    # A program part; its where-used shows a line of the restricted EBX2-PCBA.
    "part_detail": {"ems_planner": (1,)},
    # Three restricted BOMs of Halcyon, one of Roverly; PHRM-MAIN for Meridian's quality engineer.
    "bom_list": {"ems_planner": (1, 3), "ems_quality": (1,)},
    "bom_detail": {"ems_planner": (1,)},
    "bom_export": {"ems_planner": (1,)},
}

EBX2_NAMES = {
    "Maya Okafor",
    "Tomas Lindqvist",
    "Aisha Rahman",
    "Mei Lin",
    "Lucia Ortega",
    "Sam Reyes",
}
EBX2_PARTNER_NAMES = {
    "Meridian Electronics Manufacturing",
    "Sunridge Acoustics",
    "Brightline Assembly",
    "Arrowpoint Distribution",
}


def _program_people(response: Any) -> tuple[set[str], set[str], bool]:
    members = {row[0] for row in table(response, "People with need-to-know")}
    partners = {row[0] for row in table(response, "Organisations taking part") if len(row) > 1}
    return members, partners, "True-wireless earbuds" in text(response)


def _program_rows(response: Any) -> dict[str, str]:
    """Program -> the number of members shown."""
    return {row[0]: row[5] for row in table(response, "Programs") if len(row) > 5}


# What a page shows to each persona who may open it: route name -> (kwargs, what it shows,
# persona -> expected). EBX2 is Halcyon's; Sunridge (supplier_rep) sells: it sees Halcyon's
# people and its own, itself alone among the partners, and not the (unshared) description.
CONTENT_MATRIX: dict[
    str,
    tuple[Callable[[dict[str, Any]], dict[str, Any]], Callable[[Any], Any], dict[str, Any]],
] = {
    "program_detail": (
        lambda w: {"pk": w["EBX2"].pk},
        _program_people,
        {p: (EBX2_NAMES, EBX2_PARTNER_NAMES, True) for p in EBX2_MEMBERS}
        | {"supplier_rep": ({"Maya Okafor", "Tomas Lindqvist", "Mei Lin"}, {SUN}, False)},
    ),
    "program_list": (
        lambda w: {},
        _program_rows,
        {
            "oem_buyer": {"Earbuds X2": "6", "Pulse HRM": "4"},
            "oem_engineer": {"Earbuds X2": "6"},
            "ems_planner": {"Earbuds X2": "6", "Pulse HRM": "4", "Rover Controller": "2"},
            "ems_quality": {"Pulse HRM": "4"},
            "supplier_rep": {"Earbuds X2": "3"},
            "other_oem_user": {"Rover Controller": "2"},
            "nda_expired_partner": {"Earbuds X2": "6"},
            "outsider": {},
        },
    ),
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
        lambda w: {"status": "approved", "reason": "Qualified: report QR-1"},
        only({"oem_buyer": 302, "oem_engineer": 302, "ems_planner": 403}),
    ),
    "part_edit": (
        lambda w: {"pk": w["HAL-200-0001"].pk},
        lambda w: {
            "number": "HAL-200-0001",
            "description": "Changed by the matrix",
            "classification": "program",
        },
        only({"oem_buyer": 302, "oem_engineer": 302, "ems_planner": 403}),
    ),
    "part_lifecycle_notice": (
        lambda w: {"pk": w["HAL-200-0001"].pk},
        lambda w: {"source": w["nordic"].pk, "lifecycle": "nrnd", "reference": "PCN-1"},
        only({"oem_buyer": 302, "oem_engineer": 302, "ems_planner": 403}),
    ),
    # A released BOM made obsolete: members of EBX2 from its owner; a partner who reads it 403.
    "bom_status": (
        lambda w: {"pk": w["EBX2-PCBA"].pk},
        lambda w: {"status": "obsolete", "reason": "Replaced by rev C"},
        only({"oem_buyer": 302, "oem_engineer": 302, "ems_planner": 403}),
    ),
    "person_create": (
        lambda w: {},
        lambda w: {"username": "matrix_new", "email": "new@matrix.example", "role": "buyer"},
        admins(201),
    ),
    "person_invite": (lambda w: {}, lambda w: {"email": "invited@matrix.example"}, admins(201)),
    "person_detail": (
        lambda w: {"pk": w["oem_engineer"].pk},
        lambda w: {"email": "tomas@halcyon.example", "title": "Lead engineer", "role": "engineer"},
        only({"oem_buyer": 302, "oem_engineer": 403}),
    ),
    "person_deactivate": (
        lambda w: {"pk": w["oem_engineer"].pk},
        lambda w: {},
        only({"oem_buyer": 302, "oem_engineer": 403}),
    ),
    "person_reactivate": (
        lambda w: {"pk": w["deactivated"].pk},
        lambda w: {},
        only({"oem_buyer": 302, "oem_engineer": 403}),
    ),
    "person_reissue": (
        lambda w: {"pk": w["no_password"].pk},
        lambda w: {},
        only({"oem_buyer": 201, "oem_engineer": 403}),
    ),
    # The signing right: the organisation's administrators grant it (404 beyond it).
    "person_signing_right": (
        lambda w: {"pk": w["oem_engineer"].pk},
        lambda w: {"allowed": "yes"},
        only({"oem_buyer": 302, "oem_engineer": 403}),
    ),
    # Invitations are their organisation's administrators' business: 404 to everyone else.
    "invitation_revoke": (
        lambda w: {"pk": w["invitation"].invitation.pk},
        lambda w: {},
        only({"oem_buyer": 302}),
    ),
    # Whoever holds the link signs up (a signed-in person is signed out first).
    "signup": (
        lambda w: {"secret": w["invitation"].secret},
        lambda w: {
            "username": "joined_by_link",
            "password": "a long enough passphrase",
            "password_again": "a long enough passphrase",
        },
        dict.fromkeys(PERSONAS[1:], 302),
    ),
    "partner_create": (
        lambda w: {},
        lambda w: {
            "name": "Matrix Partner Ltd",
            "kind": "supplier",
            "admin_username": "matrix_partner_admin",
            "admin_email": "admin@partner.example",
        },
        admins(201),
    ),
    "connection_invite": (
        lambda w: {},
        lambda w: {"accord_id": w["unconnected"].slug},
        admins(302),
    ),
    # Quillon invited Halcyon: Halcyon's administrator answers; Quillon's may not (403).
    "connection_accept": (
        lambda w: {"pk": w["connection"].pk},
        lambda w: {},
        only({"oem_buyer": 302, "outsider": 403}),
    ),
    "connection_decline": (
        lambda w: {"pk": w["connection"].pk},
        lambda w: {},
        only({"oem_buyer": 302, "outsider": 403}),
    ),
    "program_create": (
        lambda w: {},
        lambda w: {"code": "MATRIX", "name": "Matrix program", "status": "concept"},
        only(with_status(OEM_PEOPLE, 302), default=403),
    ),
    "program_edit": (
        lambda w: {"pk": w["EBX2"].pk},
        lambda w: {"name": "Earbuds X2 (renamed)", "status": "production"},
        only({"oem_buyer": 302}) | dict.fromkeys(EBX2_NOT_MANAGER, 403),
    ),
    "program_archive": (
        lambda w: {"pk": w["EBX2"].pk},
        lambda w: {"archive": "1"},
        only({"oem_buyer": 302}) | dict.fromkeys(EBX2_NOT_MANAGER, 403),
    ),
    # Kestrel is connected with Halcyon (a partner of Pulse HRM) but not a partner of EBX2.
    "program_partner_add": (
        lambda w: {"pk": w["EBX2"].pk},
        lambda w: {"organisation": w["kestrel"].pk, "responsibility": "Coin cells"},
        only({"oem_buyer": 302}) | dict.fromkeys(EBX2_NOT_MANAGER, 403),
    ),
    "program_partner_remove": (
        lambda w: {"pk": w["EBX2"].pk, "org_id": w["brightline"].pk},
        lambda w: {},
        only({"oem_buyer": 302}) | dict.fromkeys(EBX2_NOT_MANAGER, 403),
    ),
    # An NDA with Meridian: those who see Meridian register it; Meridian's own administrator
    # cannot choose its own organisation (422); the outsider and Sunridge (a supplier: it does
    # not see the other partners of its programs) do not see Meridian (422).
    "nda_create": (
        lambda w: {},
        lambda w: {
            "reference": "NDA-MATRIX",
            "counterparty": w["meridian"].pk,
            "effective_date": "2026-01-01",
            "document": SimpleUploadedFile("signed.pdf", MATRIX_PDF, "application/pdf"),
        },
        admins(302) | {"ems_planner": 422, "outsider": 422, "supplier_rep": 422},
    ),
    "nda_amend": (
        lambda w: {"pk": w["NDA-HAL-MER-2025"].pk},
        lambda w: {"expiry_date": "2031-12-31", "programs": [w["EBX2"].pk]},
        only(with_status(HAL_MER_ADMINS, 302)) | dict.fromkeys(NON_ADMINS, 403),
    ),
    "nda_terminate": (
        lambda w: {"pk": w["NDA-HAL-MER-2025"].pk},
        lambda w: {},
        only(with_status(HAL_MER_ADMINS, 302)) | dict.fromkeys(NON_ADMINS, 403),
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

# The planning pages (access_matrix_planning.py).
GET_MATRIX |= PLANNING_GET
POST_MATRIX |= PLANNING_POST
# The supply pages' rows live in access_matrix_supply.py (its docstring gives their world).
GET_MATRIX |= SUPPLY_GET
POST_MATRIX |= SUPPLY_POST
# The supply import page (access_matrix_supply_import.py), in the supply pages' world.
GET_MATRIX |= SUPPLY_IMPORT_GET
POST_MATRIX |= SUPPLY_IMPORT_POST
LOGGED_READS |= SUPPLY_LOGGED_READS
CONTENT_MATRIX |= SUPPLY_CONTENT
# The scorecard pages (access_matrix_scorecards.py).
GET_MATRIX |= SCORECARDS_GET
POST_MATRIX |= SCORECARDS_POST
LOGGED_READS |= SCORECARDS_LOGGED_READS
# The agreement pages (access_matrix_agreements.py).
GET_MATRIX |= AGREEMENTS_GET
POST_MATRIX |= AGREEMENTS_POST
LOGGED_READS |= AGREEMENTS_LOGGED_READS
READ_POSTS |= set(AGREEMENTS_READ_POSTS)
LOGGED_POSTS |= AGREEMENTS_READ_POSTS
# The RFQ and invoice pages (access_matrix_rfq_invoices.py).
GET_MATRIX |= RFQ_INVOICES_GET
POST_MATRIX |= RFQ_INVOICES_POST
LOGGED_READS |= RFQ_INVOICES_LOGGED_READS
CONTENT_MATRIX |= RFQ_INVOICES_CONTENT
# The flex pages (access_matrix_flex.py).
GET_MATRIX |= FLEX_GET
POST_MATRIX |= FLEX_POST
LOGGED_READS |= FLEX_LOGGED_READS
# The certificate pages (access_matrix_partners.py).
GET_MATRIX |= PARTNERS_GET
POST_MATRIX |= PARTNERS_POST
LOGGED_READS |= PARTNERS_LOGGED_READS
# The capability, requirement and gap pages (access_matrix_capabilities.py).
GET_MATRIX |= CAPABILITIES_GET
POST_MATRIX |= CAPABILITIES_POST
# The audit pages (access_matrix_audits.py).
GET_MATRIX |= AUDITS_GET
POST_MATRIX |= AUDITS_POST
LOGGED_READS |= AUDITS_LOGGED_READS
# Changing a requirement, cancelling an audit, correcting a finding (access_matrix_audit_changes).
GET_MATRIX |= AUDIT_CHANGES_GET
POST_MATRIX |= AUDIT_CHANGES_POST
# The inbox, notification settings and unsubscribe pages (access_matrix_notifications.py).
GET_MATRIX |= NOTIFICATIONS_GET
POST_MATRIX |= NOTIFICATIONS_POST
CONTENT_MATRIX |= NOTIFICATIONS_CONTENT
PUBLIC_PAGES |= NOTIFICATIONS_PUBLIC_PAGES
PUBLIC_POSTS |= NOTIFICATIONS_PUBLIC_POSTS
# The thread pages (access_matrix_threads.py).
GET_MATRIX |= THREADS_GET
LOGGED_READS |= THREADS_LOGGED_READS
POST_MATRIX |= THREADS_POST
# The check-in pages (access_matrix_checkins.py).
GET_MATRIX |= CHECKINS_GET
POST_MATRIX |= CHECKINS_POST


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


def _snapshot() -> dict[str, Any]:
    """Row counts and digests of what a request could change (the API matrix's fingerprint),
    without the access log: an allowed read of restricted data writes to it."""
    return without_access_log(fingerprint())


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(GET_MATRIX))
def test_get_matrix(client_for: Any, world: dict[str, Any], name: str, persona: str) -> None:
    kwargs, expected = GET_MATRIX[name]
    url = reverse(name, kwargs=kwargs(world))
    before = _snapshot()
    last_read = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client_for(persona).get(url)
    reads = AccessLogEntry.objects.filter(id__gt=last_read)
    logged = sorted(reads.values_list("row_count", flat=True))
    assert logged == sorted(LOGGED_READS.get(name, {}).get(persona, ())), (name, persona)
    if logged:
        assert set(reads.values_list("reader__username", flat=True)) == {persona}
    if persona == "anonymous":
        if name in PUBLIC_PAGES:
            assert response.status_code == PUBLIC_PAGES[name], url
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
    last_read = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client_for(persona).post(url, data(world))
    if name in READ_POSTS:
        reads = AccessLogEntry.objects.filter(id__gt=last_read)
        logged = sorted(reads.values_list("row_count", flat=True))
        expected_reads = LOGGED_POSTS.get(name, {}).get(persona, ())
        assert logged == sorted(expected_reads), (name, persona)
    if persona == "anonymous" and name in PUBLIC_POSTS:
        assert response.status_code == PUBLIC_POSTS[name], (name, url)
        assert _snapshot() != before, "an accepted request changed nothing"
        return
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
        assert _snapshot() == before
        return
    assert response.status_code == expected[persona], (name, persona, url)
    if name in READ_POSTS:
        assert _snapshot() == before, "a POST that only reads changed something"
    elif response.status_code >= 400:
        assert _snapshot() == before, "a refused request changed something"
    else:
        assert _snapshot() != before, "an accepted request changed nothing"


@pytest.mark.parametrize("persona", PERSONAS[1:])
@pytest.mark.parametrize("name", sorted(CONTENT_MATRIX))
def test_content_matrix(client_for: Any, world: dict[str, Any], name: str, persona: str) -> None:
    kwargs, shows, seen = CONTENT_MATRIX[name]
    response = client_for(persona).get(reverse(name, kwargs=kwargs(world)))
    if persona not in seen:
        assert response.status_code != 200, (name, persona)
        return
    assert response.status_code == 200
    assert shows(response) == seen[persona], (name, persona)


def test_matrix_expectations_name_real_pages_and_personas() -> None:
    for name, by_persona in LOGGED_READS.items():
        statuses = GET_MATRIX[name][1]
        assert all(statuses[p] == 200 for p in by_persona), name
    for name, (_kwargs, _shows, seen) in CONTENT_MATRIX.items():
        statuses = GET_MATRIX[name][1]
        assert {p for p, s in statuses.items() if s == 200} == set(seen), name


def test_refusals_do_not_log_reads(client_for: Any, world: dict[str, Any]) -> None:
    before = AccessLogEntry.objects.count()
    for persona in ("other_oem_user", "nda_expired_partner", "supplier_rep", "ems_quality"):
        client_for(persona).get(reverse("bom_detail", args=[world["EBX2-PCBA"].pk]))
    assert AccessLogEntry.objects.count() == before
