"""Every API operation's cases: the personas, what each one gets, and the bodies sent.
How to add an entry: see accord/api/tests/test_access_matrix.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

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
    # A POST that only answers (a check): like a read, it writes nothing but the access log.
    stateless: bool = False


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
    stateless: bool = False,
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
        stateless,
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
