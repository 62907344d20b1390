"""Load the demo workspace: the persona world of the test suite, enriched to feel real.

Everything is written through the services, as a user's actions would be, so the event log of
the demo reads like the history of a real workspace.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accord.core.db import refresh_planner_statistics
from accord.core.personas import PEOPLE, World, build_world
from accord.demo import DEMO_PASSWORD
from accord.demo.services import describe_program, set_demo_passwords
from accord.orgs import services as org_services
from accord.orgs.access import programs_visible_to, restricted_program_ids
from accord.orgs.choices import MemberRole, OrganisationKind, PersonRole, ProgramStatus
from accord.orgs.models import Organisation, Person, Program
from accord.parts.access import boms_visible_to, parts_visible_to
from accord.parts.models import Bom, Part

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
    "PHRM": (
        "Chest-strap heart-rate monitor for cardiac rehabilitation clinics: a class II medical "
        "device, so every build site must hold ISO 13485. Meridian does PCBA, final assembly "
        "and functional test; Kestrel supplies the high-temperature CR2032 cells. NPI builds "
        "this quarter, design verification next.",
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
}

KIND_LABELS: dict[str, str] = {
    OrganisationKind.OEM: "OEM",
    OrganisationKind.EMS: "EMS",
    OrganisationKind.SUPPLIER: "supplier",
    OrganisationKind.DISTRIBUTOR: "distributor",
}

DEMO_USERNAMES = [row[0] for row in PEOPLE] + [row[0] for row in EXTRA_PEOPLE]


def load_demo() -> World:
    """Build the demo workspace in an empty database; refuses a database with organisations."""
    with transaction.atomic():
        world = build_world()
        enrich_world(world)
        set_demo_passwords(actor=None, usernames=DEMO_USERNAMES, password=DEMO_PASSWORD)
    refresh_planner_statistics()
    return world


def enrich_world(world: World) -> None:
    """Add the people and the program stories the persona world leaves out."""
    with transaction.atomic():
        for code, (description, status) in PROGRAM_STORY.items():
            program = world.programs[code]
            world.programs[code] = describe_program(
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
