"""Every API operation x every persona: the status each one gets, and nothing changed on a refusal.

HOW TO ADD AN ENTRY (a new operation fails test_every_operation_is_in_the_matrix until you do):
key API_MATRIX by the method and the path exactly as in the OpenAPI schema without "/api/v1",
and give one or more `case(...)` (the second and later ones of an operation need a `label`):

    ("POST", "/boms"): [
        case(
            lambda w: "/boms",                                   # concrete path from the world
            expect(HALCYON, status=201, forbidden=[...]),        # all 9 personas; default 404
            body=lambda w: {"program_id": w["EBX2"].pk, ...},    # JSON body (writes)
        ),
    ],

A file upload: `multipart=True` and a body of form fields and files (SimpleUploadedFile).
`logged=` names the personas whose successful read of another organisation's restricted data
must add an access-log entry: a list of personas (one entry each, for one object), or persona ->
the number of entries, or persona -> the rows of each entry (a tuple, e.g. `(3,)`: a list or a
search writes one entry per owning organisation with the number of its restricted rows it
returned). `sees=` picks what a successful response shows (e.g. the usernames of the members)
and `seen=` says what each persona must see there: need-to-know within a visible object (a
seller sees only the owner's people and its own). `w` is the `world` fixture below: people by
username, programs by code, "part:<number>", "bom:<assembly number>", "org:<slug start>", NDAs
by reference, and a few named rows ("buyer_token"; "caller_token", the token the persona signs
in with). Add what you need there.

Reason each expectation from the access rules (docs: DESIGN.md, "Need-to-know access"), never
from what the code answers: anonymous 401; cannot see it 404 (for writes too); sees it but may
not do it 403. Where the code disagrees, keep the rule's status, mark that persona with
`xfail={persona: "why"}` (a status that disagrees) or `xfail_log={persona: "why"}` (an access
log that disagrees); both are strict and fail for that reason only. Report it.

Personas authenticate with a personal API token (no CSRF); `session=True` uses the browser
session instead (token creation is session-only by design). Every POST carries a fresh
Idempotency-Key, so a refusal must not leave an idempotency record behind either.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model
from django.test import Client

from accord.api.api import api
from accord.api.auth import SAFE_METHODS
from accord.api.tests.utils import API, send
from accord.core.models import AccessLogEntry, ApiToken, Event
from accord.core.services import create_api_token
from accord.orgs.models import (
    Connection,
    Invitation,
    Nda,
    Organisation,
    Person,
    Program,
    ProgramMember,
    ProgramPartner,
)
from accord.orgs.services import (
    SignedDocument,
    add_person,
    create_organisation,
    deactivate_person,
    invite_organisation,
    invite_person,
    register_nda,
)
from accord.parts.models import (
    ApprovedSource,
    Bom,
    BomLine,
    LifecycleNotice,
    ManufacturerPart,
    Part,
)

PERSONAS = (
    "oem_buyer",
    "oem_engineer",
    "ems_planner",
    "ems_quality",
    "supplier_rep",
    "other_oem_user",
    "nda_expired_partner",
    "outsider",
    "anonymous",
)
SIGNED_IN = PERSONAS[:-1]

# Groups of the persona world (accord/demo/personas.py), named by why they may see something.
HALCYON = ("oem_buyer", "oem_engineer")  # the OEM that owns EBX2 and PHRM
MERIDIAN = ("ems_planner", "ems_quality")  # the EMS partner of every program
ADMINS = (
    "oem_buyer",
    "ems_planner",
    "supplier_rep",
    "other_oem_user",
    "nda_expired_partner",
    "outsider",
)
# Members of Earbuds X2 (need-to-know for program data), person by person.
EBX2_MEMBERS = ("oem_buyer", "oem_engineer", "ems_planner", "supplier_rep", "nda_expired_partner")
# Members who may read EBX2's restricted data: not sellers (they never see BOMs), and from the
# owner or an organisation whose NDA is in force and covers EBX2 (Brightline's has lapsed).
EBX2_RESTRICTED = ("oem_buyer", "oem_engineer", "ems_planner")
NON_ADMINS = ("oem_engineer", "ems_quality")
OEM_PEOPLE = ("oem_buyer", "oem_engineer", "other_oem_user")
# Members of EBX2 who see the program but do not manage it.
EBX2_NOT_MANAGER = ("oem_engineer", "ems_planner", "supplier_rep", "nda_expired_partner")
# The administrators of the parties of NDA-HAL-MER-2025.
HAL_MER_ADMINS = ("oem_buyer", "ems_planner")
MATRIX_PDF = b"%PDF-1.7\n% matrix\n%%EOF\n"
# Pulse HRM: oem_buyer manages it, Meridian's two people are members under an NDA in force.
PHRM_RESTRICTED = ("oem_buyer", "ems_planner", "ems_quality")
# Rover Controller (Roverly): its manager, and Meridian's planner under the Roverly NDA.
RVC_RESTRICTED = ("other_oem_user", "ems_planner")

# Who is on EBX2, and whom each member sees there. Sunridge sells (a supplier): it sees the
# owner's people and its own, and itself alone among the partners.
EBX2_PEOPLE = {
    "oem_buyer",
    "oem_engineer",
    "ems_planner",
    "supplier_rep",
    "nda_expired_partner",
    "arrowpoint_rep",
}
EBX2_PARTNERS = {
    "Meridian Electronics Manufacturing",
    "Sunridge Acoustics",
    "Brightline Assembly",
    "Arrowpoint Distribution",
}
EBX2_SEEN = {p: (EBX2_PEOPLE, EBX2_PARTNERS) for p in EBX2_MEMBERS} | {
    "supplier_rep": ({"oem_buyer", "oem_engineer", "supplier_rep"}, {"Sunridge Acoustics"})
}
HAL, MER, ROV = "Halcyon Devices", "Meridian Electronics Manufacturing", "Roverly Robotics"
SUN, KES, ARW = "Sunridge Acoustics", "Kestrel Cells", "Arrowpoint Distribution"
BRL, QUI = "Brightline Assembly", "Quillon Components"
# Own organisation, the owners of one's programs and (except for sellers) their partners.
ORGANISATIONS_SEEN = {
    "oem_buyer": {HAL, MER, SUN, BRL, ARW, KES},
    "oem_engineer": {HAL, MER, SUN, BRL, ARW},
    "ems_planner": {MER, HAL, ROV, SUN, BRL, ARW, KES},
    "ems_quality": {MER, HAL, KES},
    "supplier_rep": {SUN, HAL},
    "other_oem_user": {ROV, MER},
    "nda_expired_partner": {BRL, HAL, MER, SUN, ARW},
    "outsider": {QUI},
}


def members_and_partners(body: Any) -> tuple[set[str], set[str]]:
    return (
        {m["person"]["username"] for m in body["members"]},
        {p["organisation"]["name"] for p in body["partners"]},
    )


def usernames(body: Any) -> set[str]:
    return {m["person"]["username"] for m in body["results"]}


def names(body: Any) -> set[str]:
    return {row["name"] for row in body["results"]}


def expect(
    ok: Iterable[str] = (), *, status: int = 200, forbidden: Iterable[str] = ()
) -> dict[str, int]:
    """Expected status per persona: `ok` get `status`, `forbidden` 403, other people 404
    (they cannot see it), anonymous 401."""
    table = dict.fromkeys(SIGNED_IN, 404) | {"anonymous": 401}
    table.update(dict.fromkeys(forbidden, 403))
    table.update(dict.fromkeys(ok, status))
    return table


World = dict[str, Any]


@dataclass(frozen=True)
class Case:
    url: Callable[[World], str]
    expected: dict[str, int]
    body: Callable[[World], Any] | None = None
    label: str = ""
    session: bool = False
    multipart: bool = False  # body: form fields and files, sent as multipart/form-data
    # Persona -> the access-log entries its successful read must add, as the rows of each
    # (1 for an object; a list: the owner's restricted rows on it). Other reads add none.
    logged: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # What a successful response shows, and what each persona must see of it.
    sees: Callable[[Any], Any] | None = None
    seen: dict[str, Any] = field(default_factory=dict)
    # persona -> why the code disagrees with the rule: on the status (xfail), or on the access
    # log of a successful read (xfail_log). Strict, and only for that mismatch.
    xfail: dict[str, str] = field(default_factory=dict)
    xfail_log: dict[str, str] = field(default_factory=dict)


def case(
    url: Callable[[World], str],
    expected: dict[str, int],
    *,
    body: Callable[[World], Any] | None = None,
    label: str = "",
    session: bool = False,
    multipart: bool = False,
    logged: Iterable[str] | dict[str, int | tuple[int, ...]] = (),
    sees: Callable[[Any], Any] | None = None,
    seen: dict[str, Any] | None = None,
    xfail: dict[str, str] | None = None,
    xfail_log: dict[str, str] | None = None,
) -> Case:
    named = logged if isinstance(logged, dict) else dict.fromkeys(logged, 1)
    rows = {p: (1,) * n if isinstance(n, int) else tuple(n) for p, n in named.items()}
    return Case(
        url,
        expected,
        body,
        label,
        session,
        multipart,
        rows,
        sees,
        seen or {},
        xfail or {},
        xfail_log or {},
    )


def new_bom_body(program: str, assembly: str) -> Callable[[World], dict[str, Any]]:
    def body(w: World) -> dict[str, Any]:
        return {
            "program_id": w[program].pk,
            "assembly_id": w[f"part:{assembly}"].pk,
            "revision": "MATRIX",
            "lines": [
                {"part_id": w["part:HAL-100-0001"].pk, "quantity": "2", "designators": ["C9"]}
            ],
        }

    return body


# (method, OpenAPI path without the /api/v1 prefix) -> the cases that exercise it.
API_MATRIX: dict[tuple[str, str], list[Case]] = {
    # The caller ------------------------------------------------------------------------------
    ("GET", "/me"): [case(lambda w: "/me", expect(SIGNED_IN))],
    # Tokens: one's own only; creating one needs the browser session ---------------------------
    ("GET", "/tokens"): [case(lambda w: "/tokens", expect(SIGNED_IN))],
    ("POST", "/tokens"): [
        case(
            lambda w: "/tokens",
            expect(SIGNED_IN, status=201),
            body=lambda w: {"name": "matrix"},
            session=True,
        )
    ],
    ("DELETE", "/tokens/{token_id}"): [
        # oem_buyer's script token: nobody else's business, so 404 for everyone else.
        case(lambda w: f"/tokens/{w['buyer_token'].pk}", expect(["oem_buyer"], status=204)),
        # The caller's own token (the one it authenticates with).
        case(
            lambda w: f"/tokens/{w['caller_token'].pk}",
            expect(SIGNED_IN, status=204),
            label="own",
        ),
    ],
    # Event log and access log ----------------------------------------------------------------
    ("GET", "/events"): [case(lambda w: "/events", expect(SIGNED_IN))],
    # An organisation's administrators review its access log; to others it does not exist.
    ("GET", "/access-log"): [case(lambda w: "/access-log", expect(ADMINS))],
    # Organisations: own, and owners and partners of one's programs ----------------------------
    ("GET", "/organisations"): [
        case(
            lambda w: "/organisations",
            expect(SIGNED_IN),
            sees=names,
            seen=ORGANISATIONS_SEEN,
        )
    ],
    ("GET", "/organisations/{org_id}"): [
        case(
            lambda w: f"/organisations/{w['org:halcyon'].pk}",
            expect([*HALCYON, *MERIDIAN, "supplier_rep", "nda_expired_partner"]),
        ),
        # A partner of one's programs; but a seller does not learn who its fellow partners are.
        case(
            lambda w: f"/organisations/{w['org:meridian'].pk}",
            expect([*HALCYON, *MERIDIAN, "other_oem_user", "nda_expired_partner"]),
            label="partner",
        ),
    ],
    # Programs: members only, person by person ------------------------------------------------
    ("GET", "/programs"): [case(lambda w: "/programs", expect(SIGNED_IN))],
    ("GET", "/programs/{program_id}"): [
        case(
            lambda w: f"/programs/{w['EBX2'].pk}",
            expect(EBX2_MEMBERS),
            sees=members_and_partners,
            seen=EBX2_SEEN,
        )
    ],
    ("GET", "/programs/{program_id}/members"): [
        case(
            lambda w: f"/programs/{w['EBX2'].pk}/members?page_size=200",
            expect(EBX2_MEMBERS),
            sees=usernames,
            seen={p: people for p, (people, _) in EBX2_SEEN.items()},
        )
    ],
    # Managers grant need-to-know; other members see the program but may not (403).
    ("POST", "/programs/{program_id}/members"): [
        case(
            lambda w: f"/programs/{w['EBX2'].pk}/members",
            expect(["oem_buyer"], status=201, forbidden=EBX2_MEMBERS),
            body=lambda w: {"person_id": w["ems_quality"].pk, "role": "member"},
        ),
        case(
            lambda w: f"/programs/{w['RVC'].pk}/members",
            expect(["other_oem_user"], status=201, forbidden=["ems_planner"]),
            body=lambda w: {"person_id": w["ems_quality"].pk, "role": "member"},
            label="other OEM",
        ),
    ],
    ("DELETE", "/programs/{program_id}/members/{person_id}"): [
        case(
            lambda w: f"/programs/{w['EBX2'].pk}/members/{w['oem_engineer'].pk}",
            expect(["oem_buyer"], status=204, forbidden=EBX2_MEMBERS),
        ),
        case(
            lambda w: f"/programs/{w['RVC'].pk}/members/{w['ems_planner'].pk}",
            expect(["other_oem_user"], status=204, forbidden=["ems_planner"]),
            label="other OEM",
        ),
    ],
    # NDAs: the business of their two parties -------------------------------------------------
    ("GET", "/ndas"): [case(lambda w: "/ndas", expect(SIGNED_IN))],
    ("GET", "/ndas/{nda_id}"): [
        case(lambda w: f"/ndas/{w['NDA-HAL-MER-2025'].pk}", expect([*HALCYON, *MERIDIAN])),
        case(
            lambda w: f"/ndas/{w['NDA-HAL-BRL-2023'].pk}",
            expect([*HALCYON, "nda_expired_partner"]),
            label="lapsed",
        ),
    ],
    # People: one's own organisation's; administrators manage them ---------------------------
    ("GET", "/people"): [case(lambda w: "/people", expect(SIGNED_IN))],
    ("GET", "/people/{person_id}"): [
        case(lambda w: f"/people/{w['oem_engineer'].pk}", expect(HALCYON))
    ],
    ("POST", "/people"): [
        case(
            lambda w: "/people",
            expect(ADMINS, status=201, forbidden=NON_ADMINS),
            body=lambda w: {"username": "matrix_new", "email": "new@matrix.example"},
        )
    ],
    ("PATCH", "/people/{person_id}"): [
        case(
            lambda w: f"/people/{w['oem_engineer'].pk}",
            expect(["oem_buyer"], forbidden=["oem_engineer"]),
            body=lambda w: {"title": "Lead engineer"},
        )
    ],
    ("POST", "/people/{person_id}/deactivate"): [
        case(
            lambda w: f"/people/{w['oem_engineer'].pk}/deactivate",
            expect(["oem_buyer"], forbidden=["oem_engineer"]),
        )
    ],
    ("POST", "/people/{person_id}/reactivate"): [
        case(
            lambda w: f"/people/{w['deactivated'].pk}/reactivate",
            expect(["oem_buyer"], forbidden=["oem_engineer"]),
        )
    ],
    ("POST", "/people/{person_id}/invitation"): [
        case(
            lambda w: f"/people/{w['no_password'].pk}/invitation",
            expect(["oem_buyer"], status=201, forbidden=["oem_engineer"]),
        )
    ],
    # Invitations: the organisation's administrators' business; 404 to anyone else.
    ("GET", "/invitations"): [case(lambda w: "/invitations", expect(ADMINS))],
    ("POST", "/invitations"): [
        case(
            lambda w: "/invitations",
            expect(ADMINS, status=201, forbidden=NON_ADMINS),
            body=lambda w: {"email": "invited@matrix.example"},
        )
    ],
    ("DELETE", "/invitations/{invitation_id}"): [
        case(
            lambda w: f"/invitations/{w['invitation'].invitation.pk}",
            expect(["oem_buyer"], status=204),
        )
    ],
    # Organisations and their connections: administrators -------------------------------------
    ("POST", "/organisations"): [
        case(
            lambda w: "/organisations",
            expect(ADMINS, status=201, forbidden=NON_ADMINS),
            body=lambda w: {
                "name": "Matrix Partner Ltd",
                "kind": "supplier",
                "admin": {"username": "matrix_partner_admin", "email": "a@partner.example"},
            },
        )
    ],
    ("GET", "/connections"): [case(lambda w: "/connections", expect(SIGNED_IN))],
    ("POST", "/connections"): [
        case(
            lambda w: "/connections",
            expect(ADMINS, status=201, forbidden=NON_ADMINS),
            body=lambda w: {"accord_id": w["unconnected"].slug},
        )
    ],
    # Quillon invited Halcyon: Halcyon's administrator answers; Quillon's may not (403).
    ("POST", "/connections/{connection_id}/accept"): [
        case(
            lambda w: f"/connections/{w['connection'].pk}/accept",
            expect(["oem_buyer"], forbidden=["outsider"]),
        )
    ],
    ("POST", "/connections/{connection_id}/decline"): [
        case(
            lambda w: f"/connections/{w['connection'].pk}/decline",
            expect(["oem_buyer"], forbidden=["outsider"]),
        )
    ],
    # Programs: OEM people create them; their managers change them and their partners --------
    ("POST", "/programs"): [
        case(
            lambda w: "/programs",
            expect(OEM_PEOPLE, status=201, forbidden=[p for p in SIGNED_IN if p not in OEM_PEOPLE]),
            body=lambda w: {"code": "MATRIX", "name": "Matrix program"},
        )
    ],
    ("PATCH", "/programs/{program_id}"): [
        case(
            lambda w: f"/programs/{w['EBX2'].pk}",
            expect(["oem_buyer"], forbidden=EBX2_NOT_MANAGER),
            body=lambda w: {"status": "production", "name": "Earbuds X2 (renamed)"},
        )
    ],
    # Kestrel is connected with Halcyon (a partner of Pulse HRM), not yet a partner of EBX2.
    ("POST", "/programs/{program_id}/partners"): [
        case(
            lambda w: f"/programs/{w['EBX2'].pk}/partners",
            expect(["oem_buyer"], status=201, forbidden=EBX2_NOT_MANAGER),
            body=lambda w: {"organisation_id": w["org:kestrel"].pk, "responsibility": "Cells"},
        )
    ],
    ("PATCH", "/programs/{program_id}/partners/{org_id}"): [
        case(
            lambda w: f"/programs/{w['EBX2'].pk}/partners/{w['org:brightline'].pk}",
            expect(["oem_buyer"], forbidden=EBX2_NOT_MANAGER),
            body=lambda w: {"responsibility": "Former EMS"},
        )
    ],
    ("DELETE", "/programs/{program_id}/partners/{org_id}"): [
        case(
            lambda w: f"/programs/{w['EBX2'].pk}/partners/{w['org:brightline'].pk}",
            expect(["oem_buyer"], status=204, forbidden=EBX2_NOT_MANAGER),
        )
    ],
    # NDAs: administrators register them with an organisation they see; the parties'
    # administrators amend, attach and terminate. Meridian's administrator cannot name her own
    # organisation (422); the outsider and Sunridge (a supplier sees no other partner of its
    # programs) do not see Meridian (404).
    ("POST", "/ndas"): [
        case(
            lambda w: "/ndas",
            {
                **expect(ADMINS, status=201, forbidden=NON_ADMINS),
                "ems_planner": 422,
                "outsider": 404,
                "supplier_rep": 404,
            },
            body=lambda w: {
                "reference": "NDA-MATRIX",
                "counterparty_id": str(w["org:meridian"].pk),
                "effective_date": "2026-01-01",
                "document": SimpleUploadedFile("signed.pdf", MATRIX_PDF, "application/pdf"),
            },
            multipart=True,
        )
    ],
    ("PATCH", "/ndas/{nda_id}"): [
        case(
            lambda w: f"/ndas/{w['NDA-HAL-MER-2025'].pk}",
            expect(HAL_MER_ADMINS, forbidden=NON_ADMINS),
            body=lambda w: {"expiry_date": "2031-12-31"},
        )
    ],
    ("POST", "/ndas/{nda_id}/document"): [
        case(
            lambda w: f"/ndas/{w['NDA-HAL-MER-2025'].pk}/document",
            expect(HAL_MER_ADMINS, forbidden=NON_ADMINS),
            body=lambda w: {
                "document": SimpleUploadedFile("amended.pdf", MATRIX_PDF, "application/pdf")
            },
            multipart=True,
        )
    ],
    # The signed document: the parties' administrators (each download logged for both parties).
    ("GET", "/ndas/{nda_id}/document"): [
        case(
            lambda w: f"/ndas/{w['nda_with_document'].pk}/document",
            expect(HAL_MER_ADMINS),
            logged={"oem_buyer": 2, "ems_planner": 2},
        )
    ],
    ("POST", "/ndas/{nda_id}/terminate"): [
        case(
            lambda w: f"/ndas/{w['NDA-HAL-MER-2025'].pk}/terminate",
            expect(HAL_MER_ADMINS, forbidden=NON_ADMINS),
        )
    ],
    # Parts: own catalogue, parts in BOMs one may see, for sellers the parts approved for -----
    # Listing another organisation's restricted parts: one entry per owner and request, with
    # the number of its restricted parts listed. Meridian's planner lists three of Halcyon's
    # (HAL-400-0001 and HAL-500-0001 in EBX2-L, and EBX2-PCBA); Sunridge one, its driver.
    ("GET", "/parts"): [
        case(
            lambda w: "/parts?page_size=200",
            expect(SIGNED_IN),
            logged={"ems_planner": (3,), "supplier_rep": (1,)},
        ),
        case(
            lambda w: "/parts?q=driver",
            expect(SIGNED_IN),
            label="search",
            logged={"ems_planner": (1,), "supplier_rep": (1,)},
        ),
    ],
    ("GET", "/parts/{part_id}"): [
        # Halcyon's restricted driver: in EBX2-L (restricted), made by Sunridge. Meridian's
        # planner reads the part and, in where-used, a line of EBX2-L: two entries. Sunridge
        # (a seller) sees no BOM: one.
        case(
            lambda w: f"/parts/{w['part:HAL-400-0001'].pk}",
            expect([*HALCYON, "ems_planner", "supplier_rep"]),
            label="restricted",
            logged={"ems_planner": 2, "supplier_rep": 1},
        ),
        # A program part used only in EBX2-PCBA (restricted): where-used shows its line.
        case(
            lambda w: f"/parts/{w['part:HAL-200-0001'].pk}",
            expect(EBX2_RESTRICTED),
            label="program",
            logged=["ems_planner"],
        ),
        case(
            lambda w: f"/parts/{w['part:RVC-200-0001'].pk}",
            expect(RVC_RESTRICTED),
            label="other OEM",
            logged=["ems_planner"],
        ),
    ],
    # Anyone in an organisation keeps its own catalogue.
    ("POST", "/parts"): [
        case(lambda w: "/parts", expect(SIGNED_IN, status=201), body=lambda w: {"number": "MX-1"})
    ],
    # Only the owner changes a part; those who see it otherwise get 403.
    ("PATCH", "/parts/{part_id}"): [
        case(
            lambda w: f"/parts/{w['part:HAL-400-0001'].pk}",
            expect(HALCYON, forbidden=["ems_planner", "supplier_rep"]),
            body=lambda w: {"description": "Changed by the access matrix"},
        )
    ],
    ("POST", "/parts/{part_id}/sources"): [
        case(
            lambda w: f"/parts/{w['part:HAL-400-0001'].pk}/sources",
            expect(HALCYON, status=201, forbidden=["ems_planner", "supplier_rep"]),
            body=lambda w: {"manufacturer": "Sunridge Acoustics", "mpn": "SA-BA-3120"},
        )
    ],
    ("PATCH", "/parts/{part_id}/sources/{source_id}"): [
        case(
            lambda w: f"/parts/{w['part:HAL-400-0001'].pk}/sources/{w['sunridge_source'].pk}",
            expect(HALCYON, forbidden=["ems_planner", "supplier_rep"]),
            body=lambda w: {"status": "rejected", "reason": "Failed qualification"},
        ),
        case(
            lambda w: f"/parts/{w['part:HAL-100-0002'].pk}/sources/{w['yageo_source'].pk}",
            expect(HALCYON, forbidden=["ems_planner"]),
            body=lambda w: {"status": "approved", "reason": "Qualified: QR-1"},
            label="pending",
        ),
    ],
    ("GET", "/parts/{part_id}/lifecycle-notices"): [
        case(
            lambda w: f"/parts/{w['part:HAL-200-0001'].pk}/lifecycle-notices",
            expect(EBX2_RESTRICTED),
        )
    ],
    ("POST", "/parts/{part_id}/lifecycle-notices"): [
        case(
            lambda w: f"/parts/{w['part:HAL-200-0001'].pk}/lifecycle-notices",
            expect(HALCYON, status=201, forbidden=["ems_planner"]),
            body=lambda w: {
                "source_id": w["nordic_source"].pk,
                "lifecycle": "ltb",
                "last_time_buy_date": "2027-03-31",
                "reference": "PCN-NORDIC-1",
            },
        )
    ],
    # BOMs: program members, restricted ones under an NDA in force; never sellers --------------
    # Meridian's planner lists three restricted BOMs of Halcyon and one of Roverly.
    ("GET", "/boms"): [
        case(
            lambda w: "/boms",
            expect(SIGNED_IN),
            logged={"ems_planner": (1, 3), "ems_quality": (1,)},
        )
    ],
    ("GET", "/boms/{bom_id}"): [
        case(
            lambda w: f"/boms/{w['bom:EBX2-PCBA'].pk}",
            expect(EBX2_RESTRICTED),
            logged=["ems_planner"],
        ),
        # oem_engineer is Halcyon's but not a member of PHRM: need-to-know is per person.
        case(
            lambda w: f"/boms/{w['bom:PHRM-MAIN'].pk}",
            expect(PHRM_RESTRICTED),
            label="PHRM",
            logged=MERIDIAN,
        ),
        case(
            lambda w: f"/boms/{w['bom:RVC-MAIN'].pk}",
            expect(RVC_RESTRICTED),
            label="other OEM",
            logged=["ems_planner"],
        ),
    ],
    # A released BOM made obsolete: members of EBX2 from its owner; a partner who reads it 403.
    ("POST", "/boms/{bom_id}/status"): [
        case(
            lambda w: f"/boms/{w['bom:EBX2-PCBA'].pk}/status",
            expect(HALCYON, forbidden=["ems_planner"]),
            body=lambda w: {"status": "obsolete", "reason": "Replaced by rev C"},
        )
    ],
    # The lines, a page at a time: reading them is reading the BOM.
    ("GET", "/boms/{bom_id}/lines"): [
        case(
            lambda w: f"/boms/{w['bom:EBX2-L'].pk}/lines?page_size=5",
            expect(EBX2_RESTRICTED),
            logged=["ems_planner"],
        ),
        case(
            lambda w: f"/boms/{w['bom:RVC-MAIN'].pk}/lines",
            expect(RVC_RESTRICTED),
            label="other OEM",
            logged=["ems_planner"],
        ),
    ],
    ("GET", "/boms/{bom_id}/export"): [
        case(
            lambda w: f"/boms/{w['bom:EBX2-PCBA'].pk}/export?format=csv",
            expect(EBX2_RESTRICTED),
            logged=["ems_planner"],
        )
    ],
    # Members from the program's owner create its BOMs; other members get 403.
    ("POST", "/boms"): [
        case(
            lambda w: "/boms",
            expect(
                HALCYON,
                status=201,
                forbidden=["ems_planner", "supplier_rep", "nda_expired_partner"],
            ),
            body=new_bom_body("EBX2", "EBX2-PCBA"),
        ),
        case(
            lambda w: "/boms",
            expect(["oem_buyer"], status=201, forbidden=MERIDIAN),
            body=new_bom_body("PHRM", "PHRM-MAIN"),
            label="PHRM",
        ),
    ],
    # Imports (their dry runs, which write nothing, are tested in parts/tests/test_import_api).
    # A BOM file goes into a program like a new BOM: members from its owner; other members 403.
    ("POST", "/boms/import"): [
        case(
            lambda w: "/boms/import",
            expect(
                HALCYON,
                status=201,
                forbidden=["ems_planner", "supplier_rep", "nda_expired_partner"],
            ),
            body=lambda w: {
                "program": str(w["EBX2"].pk),
                "assembly": "MATRIX-IMPORT",
                "revision": "A",
                "file": SimpleUploadedFile(
                    "matrix.csv", b"Designator,Qty,Value\nR1 R2,2,10k\nC1,1,100n\n"
                ),
            },
            multipart=True,
        )
    ],
    # Parts lists feed the shared catalogue: people of OEMs only; everyone else 403.
    ("POST", "/parts/import"): [
        case(
            lambda w: "/parts/import",
            expect(
                ["oem_buyer", "oem_engineer", "other_oem_user"],
                status=201,
                forbidden=[*MERIDIAN, "supplier_rep", "nda_expired_partner", "outsider"],
            ),
            body=lambda w: {
                "file": SimpleUploadedFile(
                    "parts.csv", b"Manufacturer,MPN,Description\nYageo,MATRIX-0001,Matrix part\n"
                )
            },
            multipart=True,
        )
    ],
}


# The world: the rows the cases point at -----------------------------------------------------


@pytest.fixture
def world(people: Any, programs: Any, parts: Any, boms: Any, orgs: Any) -> World:
    buyer_token, _ = create_api_token(actor=people.oem_buyer, name="buyer script")
    buyer, halcyon = people.oem_buyer, people.oem_buyer.organisation
    deactivated, _ = add_person(
        actor=buyer, organisation=halcyon, username="gone", email="gone@halcyon.example"
    )
    deactivate_person(actor=buyer, person=deactivated)
    no_password, _ = add_person(
        actor=buyer, organisation=halcyon, username="newcomer", email="new@halcyon.example"
    )
    nda_with_document = register_nda(
        actor=buyer,
        reference="NDA-WITH-DOCUMENT",
        party_a=halcyon,
        party_b=orgs["meridian"],
        effective_date=dt.date(2026, 1, 1),
        expiry_date=None,
        document=SignedDocument(MATRIX_PDF, "signed.pdf"),
    )
    return {
        **people,
        **programs,
        **{f"part:{number}": part for number, part in parts.items()},
        **{f"bom:{assembly}": bom for assembly, bom in boms.items()},
        **{f"org:{key}": org for key, org in orgs.items()},
        **{n.reference: n for n in Nda.objects.all()},
        "buyer_token": buyer_token,
        "deactivated": deactivated,
        "no_password": no_password,
        "nda_with_document": nda_with_document,
        "unconnected": create_organisation(actor=None, name="Matrix Unconnected", kind="supplier"),
        "invitation": invite_person(actor=buyer, email="someone@halcyon.example"),
        "connection": invite_organisation(actor=people.outsider, accord_id=halcyon.slug),
        "nordic_source": ApprovedSource.objects.get(part=parts["HAL-200-0001"]),
        "sunridge_source": ApprovedSource.objects.get(
            part=parts["HAL-400-0001"], manufacturer_part__mpn="SA-BA-3110"
        ),
        "yageo_source": ApprovedSource.objects.get(
            part=parts["HAL-100-0002"], manufacturer_part__mpn="RC0402FR-0710KL"
        ),
    }


def caller(persona: str, world: World, *, session: bool) -> Client:
    """The persona's client: a fresh personal API token, or the signed-in browser session."""
    if persona == "anonymous":
        world["caller_token"] = world["buyer_token"]
        return Client()
    person: Person = world[persona]
    token, secret = create_api_token(actor=person, name="access matrix")
    world["caller_token"] = token
    if session:
        client = Client()
        client.force_login(person)
        return client
    return Client(headers={"Authorization": f"Bearer {secret}"})


# The fingerprint: everything a request could change ----------------------------------------

COUNTED_APPS = ("core", "orgs", "parts")
# Rows compared field by field. ApiToken.last_used_at moves on every authenticated request.
HASHED: dict[type[Model], tuple[str, ...]] = {
    Organisation: (),
    Person: ("last_login",),
    Invitation: (),
    Connection: (),
    LifecycleNotice: (),
    Part: (),
    ApprovedSource: (),
    ManufacturerPart: (),
    Program: (),
    ProgramPartner: (),
    ProgramMember: (),
    Bom: (),
    BomLine: (),
    Nda: (),
    Nda.programs.through: (),
    ApiToken: ("last_used_at",),
}


@dataclass(frozen=True)
class FingerprintSql:
    counts: str  # one row: the count of each model, then the last event id and access-log id
    count_labels: list[str]
    rows: dict[str, str]  # model label -> SELECT of its rows in primary-key order


@functools.cache
def _fingerprint_sql() -> FingerprintSql:
    """Raw SQL, built once: the fingerprint is taken twice for each of hundreds of cases.
    Every name in it comes from the models' metadata, quoted."""
    q = connection.ops.quote_name
    models = [
        model
        for label in COUNTED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    columns = [f"(SELECT COUNT(*) FROM {q(m._meta.db_table)})" for m in models]  # noqa: S608
    columns += [
        f"(SELECT MAX(id) FROM {q(m._meta.db_table)})"  # noqa: S608
        for m in (Event, AccessLogEntry)
    ]
    rows = {}
    for model, skip in HASHED.items():
        names = [q(f.column) for f in model._meta.concrete_fields if f.attname not in skip]
        rows[model._meta.label] = (
            f"SELECT {', '.join(names)} FROM {q(model._meta.db_table)} "  # noqa: S608
            f"ORDER BY {q(model._meta.pk.column)}"
        )
    return FingerprintSql(
        counts="SELECT " + ", ".join(columns),
        count_labels=[m._meta.label for m in models],
        rows=rows,
    )


def fingerprint() -> dict[str, Any]:
    """Row counts of every model of core, orgs and parts, digests of the rows a write could
    touch, the last event and the last access-log entry."""
    sql = _fingerprint_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql.counts)
        *counts, last_event, last_read = cursor.fetchone()
        digests = {}
        for label, select in sql.rows.items():
            cursor.execute(select)
            digests[label] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return {
        "counts": dict(zip(sql.count_labels, counts, strict=True)),
        "rows": digests,
        "last_event": last_event,
        "access_log": last_read,
    }


def without_access_log(fp: dict[str, Any]) -> dict[str, Any]:
    counts = {k: v for k, v in fp["counts"].items() if k != AccessLogEntry._meta.label}
    return {**fp, "counts": counts, "access_log": None}


# The tests ----------------------------------------------------------------------------------

ERROR_CODES = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 422: "invalid"}


class StatusMismatch(AssertionError):
    """The status differs from the matrix."""


class AccessLogMismatch(AssertionError):
    """A successful read logged other than one entry per restricted object of another org."""


def _params() -> list[Any]:
    params = []
    for (method, path), cases in API_MATRIX.items():
        for n, entry in enumerate(cases):
            label = f"#{entry.label}" if entry.label else ""
            for persona in PERSONAS:
                marks = []
                if persona in entry.xfail:
                    reason = entry.xfail[persona]
                    marks.append(
                        pytest.mark.xfail(strict=True, reason=reason, raises=StatusMismatch)
                    )
                if persona in entry.xfail_log:
                    reason = entry.xfail_log[persona]
                    marks.append(
                        pytest.mark.xfail(strict=True, reason=reason, raises=AccessLogMismatch)
                    )
                params.append(
                    pytest.param(
                        method,
                        path,
                        n,
                        persona,
                        marks=marks,
                        id=f"{method} {path}{label}-{persona}",
                    )
                )
    return params


@pytest.mark.parametrize(("method", "path", "index", "persona"), _params())
def test_api_matrix(world: World, method: str, path: str, index: int, persona: str) -> None:
    entry = API_MATRIX[(method, path)][index]
    client = caller(persona, world, session=entry.session)
    url = API + entry.url(world)
    body = entry.body(world) if entry.body else None
    headers = {"Idempotency-Key": f"matrix-{uuid.uuid4()}"} if method == "POST" else {}
    expected = entry.expected[persona]

    before = fingerprint()
    response: Any
    if entry.multipart:
        response = client.post(url, data=body or {}, headers=headers)
    else:
        response = send(client, method, url, body, **headers)
    after = fingerprint()

    if response.status_code != expected:
        detail = response.content[:300].decode(errors="replace")
        raise StatusMismatch(f"{method} {url} as {persona}: {response.status_code}, {detail}")
    if response.status_code >= 400:
        assert response.json()["code"] == ERROR_CODES[response.status_code]
        assert after == before, "a refused request changed something (or logged a read)"
    elif method in SAFE_METHODS:
        assert without_access_log(after) == without_access_log(before), "a read wrote"
        reads_logged = AccessLogEntry.objects.filter(id__gt=before["access_log"] or 0)
        # The owner's reviewers see who read what, and how: through the API or an export.
        channel = "export" if path.endswith("/export") else "api"
        logged = sorted(
            (e.reader_id, e.channel, e.path.split("?")[0], e.row_count) for e in reads_logged
        )
        reader = world[persona].pk if persona != "anonymous" else None
        expected_log = sorted(
            (reader, channel, url.split("?")[0], rows) for rows in entry.logged.get(persona, ())
        )
        if logged != expected_log:
            raise AccessLogMismatch(f"{method} {url} as {persona}: {logged} != {expected_log}")
        if entry.sees is not None and persona in entry.seen:
            shown = entry.sees(response.json())
            assert shown == entry.seen[persona], f"{url} as {persona} shows {shown}"
    else:
        assert after["rows"] != before["rows"] or after["counts"] != before["counts"], (
            "an accepted write changed nothing"
        )
        assert (after["last_event"] or 0) > (before["last_event"] or 0), "a write without event"


# Completeness --------------------------------------------------------------------------------


def schema_operations() -> set[tuple[str, str]]:
    """(METHOD, path without the /api/v1 prefix) of every operation in the OpenAPI schema."""
    return {
        (method.upper(), path.removeprefix(API))
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
    }


def test_every_operation_is_in_the_matrix() -> None:
    operations = schema_operations()
    missing = sorted(operations - set(API_MATRIX))
    stale = sorted(set(API_MATRIX) - operations)
    assert not missing, f"Add these operations to API_MATRIX (see the top of this file): {missing}"
    assert not stale, f"These API_MATRIX entries name operations that do not exist: {stale}"


def test_matrix_entries_are_well_formed() -> None:
    for key, cases in API_MATRIX.items():
        assert cases, key
        labels = [c.label for c in cases]
        assert len(labels) == len(set(labels)), f"{key}: give each case its own label"
        for entry in cases:
            assert set(entry.expected) == set(PERSONAS), key
            assert entry.expected["anonymous"] == 401, key
            assert set(entry.xfail) | set(entry.xfail_log) <= set(PERSONAS), key
            assert set(entry.logged) <= {p for p, s in entry.expected.items() if s == 200}, key
            assert set(entry.seen) <= {p for p, s in entry.expected.items() if s == 200}, key
            assert (entry.sees is None) == (not entry.seen), key
            if key[0] in SAFE_METHODS:
                assert entry.body is None, key
            if entry.multipart:
                assert key[0] == "POST", key
