"""The persona world: the organisations, people, programs, NDAs, parts and BOMs that the test
suite and the demo workspace share. Built through the services, like any real data.

Halcyon Devices (OEM) makes Earbuds X2 and Pulse HRM, both built by Meridian EMS. Roverly
Robotics, another Meridian customer, has Rover Controller, which Halcyon people must never see.
Brightline Assembly built Earbuds X2 before; its NDA has lapsed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from accord.core.access import today
from accord.core.choices import Classification
from accord.orgs import services as org_services
from accord.orgs.choices import MemberRole, OrganisationKind, PersonRole
from accord.orgs.models import Organisation, Person, Program
from accord.parts import services as part_services
from accord.parts.bom_import.designators import parse_designators
from accord.parts.choices import (
    BomStatus,
    Lifecycle,
    MaterialResponsibility,
    RohsStatus,
    SourceStatus,
)
from accord.parts.models import Bom, ManufacturerPart, Part

PERSONAS = (
    "oem_buyer",
    "oem_engineer",
    "ems_planner",
    "ems_quality",
    "supplier_rep",
    "other_oem_user",
    "nda_expired_partner",
    "outsider",
)


@dataclass
class World:
    orgs: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    programs: dict[str, Program] = field(default_factory=dict)
    parts: dict[str, Part] = field(default_factory=dict)
    boms: dict[str, Bom] = field(default_factory=dict)


ORGANISATIONS = [
    ("halcyon", "Halcyon Devices", OrganisationKind.OEM, "US"),
    ("meridian", "Meridian Electronics Manufacturing", OrganisationKind.EMS, "MY"),
    ("roverly", "Roverly Robotics", OrganisationKind.OEM, "DE"),
    ("sunridge", "Sunridge Acoustics", OrganisationKind.SUPPLIER, "TW"),
    ("kestrel", "Kestrel Cells", OrganisationKind.SUPPLIER, "KR"),
    ("arrowpoint", "Arrowpoint Distribution", OrganisationKind.DISTRIBUTOR, "US"),
    ("brightline", "Brightline Assembly", OrganisationKind.EMS, "MX"),
    ("quillon", "Quillon Components", OrganisationKind.SUPPLIER, "CN"),
]

# username, organisation, first, last, role, title, org admin
PEOPLE = [
    ("oem_buyer", "halcyon", "Maya", "Okafor", PersonRole.BUYER, "Senior buyer", True),
    (
        "oem_engineer",
        "halcyon",
        "Tomas",
        "Lindqvist",
        PersonRole.ENGINEER,
        "Hardware engineer",
        False,
    ),
    ("ems_planner", "meridian", "Aisha", "Rahman", PersonRole.PLANNER, "Material planner", True),
    (
        "ems_quality",
        "meridian",
        "Daniel",
        "Tan",
        PersonRole.QUALITY,
        "Supplier quality engineer",
        False,
    ),
    ("supplier_rep", "sunridge", "Mei", "Lin", PersonRole.SALES, "Key account manager", True),
    (
        "other_oem_user",
        "roverly",
        "Jonas",
        "Becker",
        PersonRole.PROGRAM_MANAGER,
        "Program manager",
        True,
    ),
    ("nda_expired_partner", "brightline", "Lucia", "Ortega", PersonRole.PLANNER, "Planner", True),
    ("outsider", "quillon", "Wei", "Zhang", PersonRole.SALES, "Sales engineer", True),
    ("kestrel_rep", "kestrel", "Ji-ho", "Park", PersonRole.SALES, "Account manager", True),
    ("arrowpoint_rep", "arrowpoint", "Sam", "Reyes", PersonRole.SALES, "Field sales", True),
]

# Authorised signers of their organisation's statements of work (agreements).
SIGNERS = ("oem_buyer", "ems_planner")

# code, name, owner, creator, description, description shared with suppliers and distributors
# (Kestrel must know that Pulse HRM is a medical device; Sunridge and Arrowpoint read nothing
# of Earbuds X2 but its name).
PROGRAMS = [
    (
        "EBX2",
        "Earbuds X2",
        "halcyon",
        "oem_buyer",
        "True-wireless earbuds, second generation.",
        False,
    ),
    (
        "PHRM",
        "Pulse HRM",
        "halcyon",
        "oem_buyer",
        "Medical chest-strap heart-rate monitor (ISO 13485).",
        True,
    ),
    (
        "RVC",
        "Rover Controller",
        "roverly",
        "other_oem_user",
        "Motor controller for the Rover platform.",
        False,
    ),
]

PARTNERS = [
    ("EBX2", "meridian", "EMS: PCBA and box build"),
    ("EBX2", "sunridge", "Balanced-armature drivers"),
    ("EBX2", "brightline", "Former EMS (EVT builds)"),
    ("EBX2", "arrowpoint", "Franchised distribution"),
    ("PHRM", "meridian", "EMS: PCBA, final assembly and test"),
    ("PHRM", "kestrel", "Coin cells"),
    ("RVC", "meridian", "EMS: PCBA"),
]

# program, username, role
MEMBERS = [
    ("EBX2", "oem_engineer", MemberRole.MEMBER),
    ("EBX2", "ems_planner", MemberRole.MEMBER),
    ("EBX2", "supplier_rep", MemberRole.MEMBER),
    ("EBX2", "nda_expired_partner", MemberRole.MEMBER),
    ("EBX2", "arrowpoint_rep", MemberRole.MEMBER),
    ("PHRM", "ems_planner", MemberRole.MEMBER),
    ("PHRM", "ems_quality", MemberRole.MEMBER),
    ("PHRM", "kestrel_rep", MemberRole.MEMBER),
    ("RVC", "ems_planner", MemberRole.MEMBER),
]


def _ndas(day: dt.date) -> list[tuple[str, str, str, dt.date, dt.date | None, list[str], str]]:
    return [
        (
            "NDA-HAL-MER-2025",
            "halcyon",
            "meridian",
            day - dt.timedelta(days=400),
            day + dt.timedelta(days=700),
            ["EBX2", "PHRM"],
            "Mutual NDA, manufacturing services",
        ),
        (
            "NDA-HAL-BRL-2023",
            "halcyon",
            "brightline",
            day - dt.timedelta(days=1000),
            day - dt.timedelta(days=120),
            ["EBX2"],
            "Mutual NDA, EVT builds (lapsed)",
        ),
        (
            "NDA-HAL-SUN-2025",
            "halcyon",
            "sunridge",
            day - dt.timedelta(days=300),
            day + dt.timedelta(days=400),
            ["EBX2"],
            "Mutual NDA, acoustic components",
        ),
        (
            "NDA-HAL-KES-2026",
            "halcyon",
            "kestrel",
            day - dt.timedelta(days=60),
            None,
            ["PHRM"],
            "Mutual NDA, battery cells",
        ),
        (
            "NDA-ROV-MER-2024",
            "roverly",
            "meridian",
            day - dt.timedelta(days=600),
            day + dt.timedelta(days=500),
            ["RVC"],
            "Mutual NDA, contract manufacturing",
        ),
    ]


# Catalogue sources: manufacturer, mpn, lifecycle, LTB date offset (days), description
SOURCES = {
    "murata_100n": ("Murata", "GRM155R61A104KA01D", Lifecycle.ACTIVE, "CAP CER 0.1UF 10V X5R 0402"),
    "samsung_100n": (
        "Samsung Electro-Mechanics",
        "CL05A104KA5NNNC",
        Lifecycle.ACTIVE,
        "CAP CER 0.1UF 25V X5R 0402",
    ),
    "yageo_10k": ("Yageo", "RC0402FR-0710KL", Lifecycle.ACTIVE, "RES 10K OHM 1% 1/16W 0402"),
    "panasonic_10k": (
        "Panasonic Electronic Components",
        "ERJ-2RKF1002X",
        Lifecycle.NRND,
        "RES 10K OHM 1% 1/10W 0402",
    ),
    "nordic_mcu": (
        "Nordic Semiconductor",
        "NRF5340-QKAA-R7",
        Lifecycle.ACTIVE,
        "IC RF TXRX BLUETOOTH 94AQFN",
    ),
    "ti_ldo": (
        "Texas Instruments",
        "TPS7A0233PDBVR",
        Lifecycle.LTB,
        "IC REG LINEAR 3.3V 200MA SOT23-5",
    ),
    "abracon_xtal": (
        "Abracon",
        "ABM8-32.000MHZ-B2-T",
        Lifecycle.EOL,
        "CRYSTAL 32.0000MHZ 18PF SMD",
    ),
    "epson_xtal": ("Epson", "FA-128 32.0000MB-W3", Lifecycle.ACTIVE, "CRYSTAL 32.0000MHZ 9PF SMD"),
    "st_imu": (
        "STMicroelectronics",
        "LIS2DW12TR",
        Lifecycle.ACTIVE,
        "ACCELEROMETER 2-16G I2C/SPI 12LGA",
    ),
    "old_mems": ("Knowles", "SPH0645LM4H-B", Lifecycle.OBSOLETE, "MIC MEMS DIGITAL I2S OMNI -26DB"),
    "sunridge_driver": (
        "Sunridge Acoustics",
        "SA-BA-3110",
        Lifecycle.ACTIVE,
        "Balanced armature driver 3.1mm",
    ),
    "kestrel_cell": (
        "Kestrel Cells",
        "KC-CR2032-HT",
        Lifecycle.ACTIVE,
        "Coin cell CR2032 high temp",
    ),
    "maxim_hr": (
        "Maxim Integrated",
        "MAX30102EFD+T",
        Lifecycle.NRND,
        "Pulse oximeter and heart-rate sensor",
    ),
    "adi_afe": (
        "Analog Devices",
        "ADPD4101BCBZR7",
        Lifecycle.ACTIVE,
        "Multimodal sensor front end",
    ),
    "st_mcu": (
        "STMicroelectronics",
        "STM32G431CBU6",
        Lifecycle.ACTIVE,
        "IC MCU 32BIT 128KB FLASH 48UFQFPN",
    ),
    "ti_gate": (
        "Texas Instruments",
        "DRV8301DCAR",
        Lifecycle.ACTIVE,
        "IC MOTOR DRIVER 6-60V 56HTSSOP",
    ),
}

# owner, number, description, category, value, package, classification, sources (key, status)
PARTS = [
    (
        "halcyon",
        "HAL-100-0001",
        "Capacitor 100nF 10V X5R 0402",
        "Capacitors",
        "100n",
        "0402",
        Classification.PROGRAM,
        [("murata_100n", SourceStatus.APPROVED), ("samsung_100n", SourceStatus.APPROVED)],
    ),
    (
        "halcyon",
        "HAL-100-0002",
        "Resistor 10k 1% 0402",
        "Resistors",
        "10k",
        "0402",
        Classification.PROGRAM,
        [("panasonic_10k", SourceStatus.APPROVED), ("yageo_10k", SourceStatus.PENDING)],
    ),
    (
        "halcyon",
        "HAL-200-0001",
        "Bluetooth LE SoC nRF5340",
        "ICs",
        "",
        "aQFN-94",
        Classification.PROGRAM,
        [("nordic_mcu", SourceStatus.APPROVED)],
    ),
    (
        "halcyon",
        "HAL-200-0002",
        "LDO 3.3V 200mA",
        "ICs",
        "3V3",
        "SOT-23-5",
        Classification.PROGRAM,
        [("ti_ldo", SourceStatus.APPROVED)],
    ),
    (
        "halcyon",
        "HAL-300-0001",
        "Crystal 32 MHz",
        "Crystals",
        "32MHz",
        "2016",
        Classification.PROGRAM,
        [("abracon_xtal", SourceStatus.APPROVED), ("epson_xtal", SourceStatus.APPROVED)],
    ),
    (
        "halcyon",
        "HAL-200-0003",
        "Accelerometer 3-axis",
        "Sensors",
        "",
        "LGA-12",
        Classification.PROGRAM,
        [("st_imu", SourceStatus.APPROVED)],
    ),
    (
        "halcyon",
        "HAL-200-0004",
        "MEMS microphone I2S",
        "Sensors",
        "",
        "LGA",
        Classification.PROGRAM,
        [("old_mems", SourceStatus.APPROVED)],
    ),
    (
        "halcyon",
        "HAL-400-0001",
        "Balanced armature driver",
        "Acoustics",
        "",
        "",
        Classification.RESTRICTED,
        [("sunridge_driver", SourceStatus.APPROVED)],
    ),
    (
        "halcyon",
        "HAL-500-0001",
        "Earbud housing, left (custom)",
        "Mechanical",
        "",
        "",
        Classification.RESTRICTED,
        [],
    ),
    (
        "halcyon",
        "HAL-600-0001",
        "Coin cell CR2032 high temperature",
        "Batteries",
        "",
        "",
        Classification.PROGRAM,
        [("kestrel_cell", SourceStatus.APPROVED)],
    ),
    (
        "halcyon",
        "HAL-200-0005",
        "Heart-rate optical sensor",
        "Sensors",
        "",
        "OESIP",
        Classification.PROGRAM,
        [("maxim_hr", SourceStatus.APPROVED), ("adi_afe", SourceStatus.PENDING)],
    ),
    (
        "halcyon",
        "EBX2-PCBA",
        "Earbuds X2 main PCBA",
        "Assemblies",
        "",
        "",
        Classification.RESTRICTED,
        [],
    ),
    (
        "halcyon",
        "EBX2-L",
        "Earbuds X2 earbud, left",
        "Assemblies",
        "",
        "",
        Classification.RESTRICTED,
        [],
    ),
    (
        "halcyon",
        "PHRM-MAIN",
        "Pulse HRM main assembly",
        "Assemblies",
        "",
        "",
        Classification.RESTRICTED,
        [],
    ),
    (
        "roverly",
        "RVC-200-0001",
        "MCU STM32G431",
        "ICs",
        "",
        "UFQFPN-48",
        Classification.PROGRAM,
        [("st_mcu", SourceStatus.APPROVED)],
    ),
    (
        "roverly",
        "RVC-200-0002",
        "Three-phase gate driver",
        "ICs",
        "",
        "HTSSOP-56",
        Classification.PROGRAM,
        [("ti_gate", SourceStatus.APPROVED)],
    ),
    (
        "roverly",
        "RVC-MAIN",
        "Rover Controller main board",
        "Assemblies",
        "",
        "",
        Classification.RESTRICTED,
        [],
    ),
]

MANUFACTURER_ORGS = {"Sunridge Acoustics": "sunridge", "Kestrel Cells": "kestrel"}

# program, assembly, revision, status, lines (part number, qty, designators, dnp, consigned)
BOMS = [
    (
        "EBX2",
        "EBX2-PCBA",
        "B",
        BomStatus.RELEASED,
        [
            ("HAL-200-0001", "1", "U1", False, False),
            ("HAL-200-0002", "1", "U2", False, False),
            ("HAL-200-0003", "1", "U3", False, False),
            ("HAL-200-0004", "1", "MK1", False, False),
            ("HAL-100-0001", "6", "C1, C2, C3, C4, C5, C6", False, False),
            ("HAL-100-0002", "3", "R1, R2, R3", False, False),
            ("HAL-100-0002", "1", "R4", True, False),
            ("HAL-300-0001", "1", "Y1", False, False),
        ],
    ),
    (
        "EBX2",
        "EBX2-L",
        "A",
        BomStatus.RELEASED,
        [
            ("EBX2-PCBA", "1", "", False, False),
            ("HAL-400-0001", "1", "", False, True),
            ("HAL-500-0001", "1", "", False, True),
        ],
    ),
    (
        "PHRM",
        "PHRM-MAIN",
        "A",
        BomStatus.DRAFT,
        [
            ("HAL-200-0005", "1", "U1", False, False),
            ("HAL-200-0002", "1", "U2", False, False),
            ("HAL-600-0001", "1", "BT1", False, True),
            ("HAL-100-0001", "4", "C1-C4", False, False),
        ],
    ),
    (
        "RVC",
        "RVC-MAIN",
        "C",
        BomStatus.RELEASED,
        [
            ("RVC-200-0001", "1", "U1", False, False),
            ("RVC-200-0002", "1", "U2", False, False),
        ],
    ),
]


def build_world() -> World:
    """Create the persona world. Idempotent only in the sense that it refuses a second run."""
    world = World()
    day = today()
    with transaction.atomic():
        for key, name, kind, country in ORGANISATIONS:
            world.orgs[key] = org_services.create_organisation(
                actor=None, name=name, kind=kind, country=country
            )
        for username, org, first, last, role, title, admin in PEOPLE:
            world.people[username] = org_services.create_person(
                actor=None,
                organisation=world.orgs[org],
                username=username,
                password=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{world.orgs[org].slug}.example",
                role=role,
                title=title,
                is_org_admin=admin,
            )
        for username in SIGNERS:
            org_services.set_signing_right(actor=None, person=world.people[username], allowed=True)
        for code, name, _owner, creator, description, shared in PROGRAMS:
            world.programs[code] = org_services.create_program(
                actor=world.people[creator],
                code=code,
                name=name,
                description=description,
                description_shared=shared,
            )
        # Organisations agree to work together before one joins the other's programs.
        pairs = {(world.programs[code].owner, world.orgs[org]) for code, org, _r in PARTNERS}
        for owner, partner in sorted(pairs, key=lambda p: (p[0].pk, p[1].pk)):
            org_services.connect_organisations(actor=None, inviter=owner, invitee=partner)
        for code, org, responsibility in PARTNERS:
            program = world.programs[code]
            owner_admin = _owner_actor(world, program)
            org_services.add_program_partner(
                actor=owner_admin,
                program=program,
                organisation=world.orgs[org],
                responsibility=responsibility,
            )
        for code, username, member_role in MEMBERS:
            program = world.programs[code]
            org_services.add_program_member(
                actor=_owner_actor(world, program),
                program=program,
                person=world.people[username],
                role=member_role,
            )
        for ref, a, b, effective, expiry, codes, title in _ndas(day):
            org_services.register_nda(
                actor=None,
                reference=ref,
                title=title,
                party_a=world.orgs[a],
                party_b=world.orgs[b],
                effective_date=effective,
                expiry_date=expiry,
                programs=[world.programs[c] for c in codes],
            )
        _build_parts(world, day)
        _build_boms(world)
    return world


def _owner_actor(world: World, program: Program) -> Person:
    creator = next(c for code, _n, _o, c, _d, _s in PROGRAMS if code == program.code)
    return world.people[creator]


def _build_parts(world: World, day: dt.date) -> None:
    actors = {"halcyon": world.people["oem_buyer"], "roverly": world.people["other_oem_user"]}
    for manufacturer, org in MANUFACTURER_ORGS.items():
        maker = part_services.get_or_create_manufacturer(manufacturer)
        maker.organisation = world.orgs[org]
        maker.save(update_fields=["organisation"])
    for owner, number, description, category, value, package, classification, sources in PARTS:
        part = part_services.create_part(
            actor=actors[owner],
            number=number,
            description=description,
            category=part_services.get_or_create_category(category),
            value=value,
            package=package,
            classification=classification,
        )
        world.parts[number] = part
        for key, status in sources:
            manufacturer, mpn, lifecycle, mpn_description = SOURCES[key]
            source = part_services.add_approved_source(
                actor=actors[owner],
                part=part,
                manufacturer=manufacturer,
                mpn=mpn,
                status=status,
                supplier=world.orgs["arrowpoint"] if key in {"murata_100n", "ti_ldo"} else None,
            )
            ManufacturerPart.objects.filter(pk=source.manufacturer_part_id).update(
                lifecycle=lifecycle,
                description=mpn_description,
                rohs=RohsStatus.COMPLIANT,
                last_time_buy_date=day + dt.timedelta(days=90)
                if lifecycle == Lifecycle.LTB
                else None,
            )
    part_services.refresh_part_rollups([p.pk for p in world.parts.values()])


def _build_boms(world: World) -> None:
    for code, assembly, revision, status, lines in BOMS:
        program = world.programs[code]
        world.boms[assembly] = part_services.create_bom(
            actor=_owner_actor(world, program),
            program=program,
            assembly=world.parts[assembly],
            revision=revision,
            status=status,
            lines=[
                part_services.BomLineInput(
                    part=world.parts[number],
                    quantity=Decimal(qty),
                    designators=parse_designators(designators).designators,
                    dnp=dnp,
                    material_responsibility=(
                        MaterialResponsibility.CONSIGNED
                        if consigned
                        else MaterialResponsibility.TURNKEY
                    ),
                )
                for number, qty, designators, dnp, consigned in lines
            ],
        )
