"""Load the demo workspace: the persona world of the test suite, enriched to feel real.

Everything is written through the services, as a user's actions would be, so the event log of
the demo reads like the history of a real workspace. The two years of orders behind the
scorecards (order_history.py) go through the demo's own service, which dates them in the past.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from accord.core.access import today
from accord.core.db import refresh_planner_statistics
from accord.demo import DEMO_PASSWORD, data_path
from accord.demo.agreements import SECOND_EMS_ADMIN, load_agreements
from accord.demo.audits import record_audit
from accord.demo.checkins import hold_checkins
from accord.demo.partners import (
    draft_pulse_sow,
    record_capabilities_and_requirements,
    record_certificates,
)
from accord.demo.personas import PEOPLE, World, build_world
from accord.demo.scorecards import start_scorecards
from accord.demo.services import set_demo_passwords
from accord.demo.supply import load_supply_story
from accord.demo.supply_story import tell_supply_story
from accord.demo.threads import start_threads
from accord.orgs import services as org_services
from accord.orgs.access import programs_visible_to, restricted_program_ids
from accord.orgs.choices import MemberRole, OrganisationKind, PersonRole, ProgramStatus
from accord.orgs.models import Organisation, Person, Program
from accord.parts.access import boms_visible_to, parts_visible_to
from accord.parts.bom_import.request import BomImportRequest
from accord.parts.choices import Lifecycle, SourceStatus
from accord.parts.models import Bom, ManufacturerPart, Part

# code: (description, status)
PROGRAM_STORY = {
    "EBX2": (
        "Second-generation true-wireless earbuds with hybrid noise cancelling and one "
        "balanced-armature driver per bud. Meridian builds the PCBA and does the box build in "
        "Penang; Sunridge supplies the drivers; Arrowpoint is the franchised distributor for "
        "the silicon. Ramping to 120k pairs a quarter. Brightline built the EVT units; its NDA "
        "has lapsed, so it keeps the program but no longer sees restricted data.",
        ProgramStatus.PRODUCTION,
    ),
    # Shared with the program's suppliers (persona world: description_shared), so it names
    # none of the partners: a supplier may not learn who else works on the program.
    "PHRM": (
        "Chest-strap heart-rate monitor for cardiac rehabilitation clinics: a class II medical "
        "device, so every build site and every component supplier works under ISO 13485, and "
        "the coin cells must hold up to 85 °C. NPI builds this quarter, design verification "
        "next.",
        ProgramStatus.NPI,
    ),
    "RVC": (
        "Three-phase motor controller for Roverly's Rover delivery platform (STM32G4 and a "
        "DRV8301 gate driver). PCBA at Meridian. Another customer of the same EMS: nobody at "
        "Halcyon may see it.",
        ProgramStatus.DEVELOPMENT,
    ),
}

# username, organisation, first, last, role, title, added by (an admin of the organisation),
# programs joined as (code, role)
EXTRA_PEOPLE = [
    ("oem_program_manager", "halcyon", "Priya", "Nair", PersonRole.PROGRAM_MANAGER,
     "Program manager, wearables", "oem_buyer",
     [("EBX2", MemberRole.MANAGER), ("PHRM", MemberRole.MANAGER)]),
    ("oem_supply_chain", "halcyon", "Grace", "Mwangi", PersonRole.SUPPLY_CHAIN,
     "Supply-chain manager", "oem_buyer",
     [("EBX2", MemberRole.MEMBER), ("PHRM", MemberRole.MEMBER)]),
    ("oem_executive", "halcyon", "Robert", "Hale", PersonRole.EXECUTIVE,
     "VP Operations", "oem_buyer",
     [("EBX2", MemberRole.MEMBER), ("PHRM", MemberRole.MEMBER)]),
    ("ems_quality_manager", "meridian", "Siti", "Aziz", PersonRole.QUALITY,
     "Quality manager", "ems_planner",
     [("EBX2", MemberRole.MEMBER), ("PHRM", MemberRole.MEMBER)]),
    ("ems_executive", "meridian", "Kumar", "Selvaraj", PersonRole.EXECUTIVE,
     "Managing director", "ems_planner",
     [("EBX2", MemberRole.MEMBER), ("PHRM", MemberRole.MEMBER), ("RVC", MemberRole.MEMBER)]),
]  # fmt: skip

# A line of story per person, shown beside what the access rules let them see.
NOTES = {
    "oem_buyer": "Halcyon admin; created both Halcyon programs",
    "oem_engineer": "Earbuds X2 only: need-to-know is per person",
    "ems_planner": "Meridian admin; plans for two customers",
    "ems_quality": "Pulse HRM only",
    "supplier_rep": "supplier: only parts approved from Sunridge",
    "other_oem_user": "Roverly: another Meridian customer",
    "nda_expired_partner": "NDA lapsed: no restricted data any more",
    "outsider": "member of no program: sees nothing shared",
    "kestrel_rep": "supplier: coin cells for Pulse HRM",
    "arrowpoint_rep": "distributor on Earbuds X2",
    "oem_program_manager": "manages both Halcyon programs",
    "oem_supply_chain": "Halcyon supply chain",
    "oem_executive": "Halcyon executive",
    "ems_quality_manager": "Meridian quality",
    "ems_executive": "Meridian executive, all three programs",
    SECOND_EMS_ADMIN: "second EMS: sees only its own quote",
}

KIND_LABELS: dict[str, str] = {
    OrganisationKind.OEM: "OEM",
    OrganisationKind.EMS: "EMS",
    OrganisationKind.SUPPLIER: "supplier",
    OrganisationKind.DISTRIBUTOR: "distributor",
}

# The second EMS's administrator joins with the agreements story (accord/demo/agreements.py).
DEMO_USERNAMES = [row[0] for row in PEOPLE] + [row[0] for row in EXTRA_PEOPLE] + [SECOND_EMS_ADMIN]


# Real files shipped in accord/demo/data/ (see each folder's SOURCES.md), imported through the
# same importers a user would use.
# catalogue file, importing person
CATALOGUES = [
    (("parts", "Digi-Key_digikey-kicad-library", "digikey_kicad_library_parts_flattened.csv"),
     "oem_buyer"),
    (("parts", "octopart_CPL-Data", "cpl_parts_with_alternates_flattened.csv"), "oem_buyer"),
]  # fmt: skip
# file, program, assembly, description, revision, released, importing person
REAL_BOMS = [
    (("boms", "im-tomu_fomu-hardware", "pvt1_tomu-fpga-bom.csv"), "EBX2", "EBX2-PCBA",
     "Earbuds X2 main PCBA", "C", True, "oem_buyer"),
    (("boms", "greatscottgadgets_hackrf", "hackrf-one-bom.csv"), "EBX2", "EBX2-CASE-PCBA",
     "Earbuds X2 charging case PCBA", "A", False, "oem_buyer"),
    (("boms", "glasgowembedded_glasgow", "revC3_bom.csv"), "PHRM", "PHRM-MAIN",
     "Pulse HRM main assembly", "B", True, "oem_buyer"),
    (("boms", "odriverobotics_ODriveHardware", "BOM_v3.4_48V.csv"), "RVC", "RVC-MAIN",
     "Rover Controller main board", "D", True, "other_oem_user"),
]  # fmt: skip


# Notices a manufacturer sent about MPNs of the real BOMs: (mpn, lifecycle, LTB in days, ref).
LIFECYCLE_NOTICES = [
    ("ESD5Z5.0T1G", Lifecycle.NRND, None, "PCN-ONS-2026-114"),
    ("A765EB157M1ALAE022", Lifecycle.LTB, 75, "EOL-KEM-2026-031"),
    ("ORH-B36G", Lifecycle.OBSOLETE, None, "Distributor notice"),
    ("NCD0603O1", Lifecycle.EOL, None, "PDN-NS-2026-07"),
    ("UHD1110-FKA", Lifecycle.LTB, 120, "PCN-CREE-2026-002"),
]
# Second sources approved after the import: (part number, manufacturer, mpn).
SECOND_SOURCES = [
    ("TMK105BJ104KV-F", "Murata", "GRM155R61A104KA01D"),
    ("LMK107BJ475KAHT", "Samsung Electro-Mechanics", "CL10A475KO8NNNC"),
    ("RC0402FR-1310KL", "Panasonic Electronic Components", "ERJ-2RKF1002X"),
]


def load_demo() -> World:
    """Build the demo workspace in an empty database; refuses a database with organisations."""
    with transaction.atomic():
        world = build_world()
        enrich_world(world)
        # Before the imports, so that the dashboards open on the workspace's own history.
        set_demo_passwords(actor=None, usernames=DEMO_USERNAMES, password=DEMO_PASSWORD)
        import_real_files(world)
        load_supply_story(world)
        tell_supply_story(world)
        start_scorecards(world)
        # Meridian's plant (from the supply story) and its certificates, before the SOWs
        # whose check compares the required certifications with them.
        record_certificates(world)
        record_capabilities_and_requirements(world)
        # Halcyon's audit of the plant for Pulse HRM: an open 8D (accord/demo/audits.py).
        record_audit(world)
        # The earbuds' microcontroller and driver threads (accord/demo/threads.py).
        start_threads(world)
        # Weekly check-ins of Earbuds X2 and Pulse HRM with Meridian, built from the threads,
        # the open findings and the gap (accord/demo/checkins.py).
        hold_checkins(world)
        # After the supply story: the invoice is checked against the PO and its receipt.
        load_agreements(world)
        draft_pulse_sow(world)
        set_demo_passwords(actor=None, usernames=[SECOND_EMS_ADMIN], password=DEMO_PASSWORD)
    refresh_planner_statistics()
    return world


def enrich_world(world: World) -> None:
    """Add the people and the program stories the persona world leaves out."""
    with transaction.atomic():
        for code, (description, status) in PROGRAM_STORY.items():
            program = world.programs[code]
            world.programs[code] = org_services.update_program(
                actor=_program_creator(program),
                program=program,
                description=description,
                status=status,
            )
        for username, org, first, last, role, title, admin, memberships in EXTRA_PEOPLE:
            organisation = world.orgs[org]
            person = org_services.create_person(
                actor=world.people[admin],
                organisation=organisation,
                username=username,
                password=None,  # load_demo sets the demo password for everyone at once
                first_name=first,
                last_name=last,
                email=f"{username}@{organisation.slug}.example",
                role=role,
                title=title,
            )
            world.people[username] = person
            for code, member_role in memberships:
                program = world.programs[code]
                org_services.add_program_member(
                    actor=_program_creator(program),
                    program=program,
                    person=person,
                    role=member_role,
                )


def import_real_files(world: World) -> None:
    """Catalogues first, so the BOMs' MPNs find their lifecycle; then the real BOMs."""
    from accord.parts import services as part_services
    from accord.parts.choices import BomStatus
    from accord.parts.services.catalogue_import import import_catalogue

    for path, username in CATALOGUES:
        import_catalogue(
            actor=world.people[username], data=data_path(*path).read_bytes(), filename=path[-1]
        )
    for path, code, assembly, description, revision, released, username in REAL_BOMS:
        bom = part_services.import_bom(
            actor=world.people[username],
            request=BomImportRequest(
                program=world.programs[code],
                assembly_number=assembly,
                revision=revision,
                data=data_path(*path).read_bytes(),
                filename=path[-1],
                assembly_description=description,
            ),
        )
        if released:
            bom = part_services.set_bom_status(
                actor=world.people[username], bom=bom, status=BomStatus.RELEASED
            )
        world.boms[assembly] = bom
    buyer = world.people["oem_buyer"]
    for mpn, lifecycle, ltb_days, reference in LIFECYCLE_NOTICES:
        for mp in ManufacturerPart.objects.filter(mpn=mpn):
            part_services.record_lifecycle_notice(
                actor=buyer,
                manufacturer_part=mp,
                lifecycle=lifecycle,
                last_time_buy_date=today() + dt.timedelta(days=ltb_days) if ltb_days else None,
                reference=reference,
            )
    for number, manufacturer, mpn in SECOND_SOURCES:
        part = Part.objects.get(owner=buyer.organisation, number=number)
        part_services.add_approved_source(
            actor=buyer,
            part=part,
            manufacturer=manufacturer,
            mpn=mpn,
            status=SourceStatus.APPROVED,
            notes="Qualified as second source",
        )


def world_from_db() -> World:
    """The persona world as it stands in the database (for enriching an existing one)."""
    world = World()
    world.orgs = {o.slug.split("-")[0]: o for o in Organisation.objects.all()}
    world.people = {p.username: p for p in Person.objects.select_related("organisation")}
    world.programs = {p.code: p for p in Program.objects.all()}
    world.parts = {p.number: p for p in Part.objects.all()}
    world.boms = {b.assembly.number: b for b in Bom.objects.select_related("assembly")}
    return world


def _program_creator(program: Program) -> Person:
    """The program's first manager: the person who created it."""
    member = (
        program.members.filter(role=MemberRole.MANAGER)
        .select_related("person")
        .earliest("added_at", "pk")
    )
    return member.person


@dataclass(frozen=True)
class Login:
    username: str
    organisation: str
    role: str
    sees: str


def demo_logins() -> list[Login]:
    """The demo people that exist in this database, with what the access rules let them see."""
    people = {
        p.username: p
        for p in Person.objects.filter(username__in=DEMO_USERNAMES).select_related("organisation")
    }
    rows = []
    for username in DEMO_USERNAMES:
        person = people.get(username)
        if person is None:
            continue
        programs = sorted(programs_visible_to(person).values_list("code", flat=True))
        restricted = sorted(
            Program.objects.filter(pk__in=restricted_program_ids(person)).values_list(
                "code", flat=True
            )
        )
        if programs:
            sees = ", ".join(programs)
            if restricted != programs:
                sees += f" (restricted data: {', '.join(restricted) or 'none'})"
        else:
            sees = "no program"
        sees += f"; {_count(parts_visible_to(person).count(), 'part')}"
        sees += f", {_count(boms_visible_to(person).count(), 'BOM')}"
        if username in NOTES:
            sees += f"; {NOTES[username]}"
        organisation = "-"
        if person.organisation is not None:
            organisation = f"{person.organisation} ({KIND_LABELS[person.organisation.kind]})"
        rows.append(Login(username, organisation, person.get_role_display() or "-", sees))
    return rows


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def format_logins(rows: list[Login] | None = None) -> str:
    rows = demo_logins() if rows is None else rows
    if not rows:
        return "(no demo people in this database)"
    header = Login("username", "organisation", "role", "can see")
    table = [header, *rows]
    widths = [max(len(getattr(r, f)) for r in table) for f in ("username", "organisation", "role")]

    def line(r: Login) -> str:
        cells = [r.username, r.organisation, r.role]
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + "  " + r.sees

    rule = "  ".join("-" * w for w in widths) + "  " + "-" * len(header.sees)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])
