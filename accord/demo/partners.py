"""The demo's certificates, written through the partners services as the people would act:
Meridian's quality engineer records the Penang plant's ISO 9001 (with its PDF, verified by
Halcyon's buyer) and its IPC-A-610 Class 3 listing (expiring within 90 days). Halcyon then
drafts a statement of work with Meridian for Pulse HRM, a medical device that needs ISO 13485:
the check before signing shows the gap (issue 14's story), and nobody can sign it.

The accessibility check of every page (accord/web/tests/test_browser.py) finds the ISO 9001
certificate by its number (ISO_9001_NUMBER).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from accord.agreements.models import Agreement
from accord.agreements.queries import program_bom_lines
from accord.agreements.services import create_agreement
from accord.core.access import today
from accord.demo.personas import World
from accord.partners.services import attach_evidence, create_certificate, verify_certificate
from accord.scorecards.attachments import AttachedFile
from accord.supply.models import Site

ISO_9001_NUMBER = "TUV-9001-PEN1-2025"
IPC_NUMBER = "IPC-610-C3-48213"
PULSE_SOW_TITLE = "Pulse HRM manufacturing SOW"
# A one-page PDF standing in for the scanned certificate.
CERTIFICATE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def record_certificates(world: World) -> None:
    """Meridian's plant PEN1 (accord/demo/supply.py) and what it is certified for."""
    day = today()
    quality, buyer = world.people["ems_quality"], world.people["oem_buyer"]
    plant = Site.objects.get(organisation=world.orgs["meridian"], code="PEN1")
    with transaction.atomic():
        iso = create_certificate(
            actor=quality,
            site=plant,
            standard="ISO 9001",
            number=ISO_9001_NUMBER,
            issuer="TÜV SÜD",
            valid_from=day - dt.timedelta(days=400),
            valid_until=day + dt.timedelta(days=695),
            processes=["smt", "tht", "aoi", "ict", "box_build", "functional_test"],
            product_categories=["consumer electronics", "industrial controls"],
            scope_text="Contract manufacturing of printed circuit board assemblies and box build.",
        )
        attach_evidence(
            actor=quality,
            certificate=iso,
            file=AttachedFile.checked(CERTIFICATE_PDF, "TUV ISO 9001 certificate PEN1.pdf"),
        )
        verify_certificate(actor=buyer, certificate=iso)
        create_certificate(
            actor=quality,
            site=plant,
            standard="IPC-A-610",
            ipc_class=3,
            number=IPC_NUMBER,
            issuer="IPC Validation Services",
            valid_from=day - dt.timedelta(days=670),
            valid_until=day + dt.timedelta(days=60),
            processes=["smt", "tht", "bga_xray", "aoi"],
        )


def draft_pulse_sow(world: World) -> Agreement:
    """Halcyon's draft for Pulse HRM: each fitted BOM line's material decided, ISO 13485
    required. Meridian's plant holds ISO 9001 only, so the check names the clause."""
    program = world.programs["PHRM"]
    parts = sorted({line.part for line in program_bom_lines(program)})
    terms: dict[str, Any] = {
        "materials": [{"part": part, "responsibility": "turnkey"} for part in parts],
        "certifications": [
            {"standard": "ISO 13485", "scope": "Medical device PCBA, final assembly and test"}
        ],
        "moq": 1000,
        "notes": "Class II medical device: the EMS's quality system must be ISO 13485 certified.",
    }
    return create_agreement(
        actor=world.people["oem_buyer"],
        program=program,
        partner=world.orgs["meridian"],
        title=PULSE_SOW_TITLE,
        terms=terms,
    )


def record_capabilities_and_requirements(world: World) -> None:
    """Meridian's quality engineer records what the Penang plant runs (SMT, BGA/X-ray, AOI,
    ICT, functional test...) and its profile; Halcyon's buyer records what Pulse HRM requires
    of its EMS sites: ISO 13485, IPC-A-610 Class 3 with SMT, and the processes. The gap view
    then shows ISO 13485 missing at PEN1 (it holds ISO 9001 only) and the IPC listing
    unverified."""
    from accord.partners.capabilities import add_capability, set_profile
    from accord.partners.requirements import add_requirement

    quality, buyer = world.people["ems_quality"], world.people["oem_buyer"]
    plant = Site.objects.get(organisation=world.orgs["meridian"], code="PEN1")
    capabilities: list[tuple[str, dict[str, Any]]] = [
        (
            "smt",
            {
                "max_board_mm": 510,
                "min_pitch_mm": "0.3",
                "max_layers": 24,
                "limits": "01005 passives; two lines with 3D SPI",
            },
        ),
        ("tht", {"limits": "Selective and wave soldering"}),
        ("bga_xray", {"min_pitch_mm": "0.4", "limits": "BGA up to 1,500 balls; 3D X-ray"}),
        ("aoi", {"limits": "3D AOI on both sides"}),
        ("ict", {"max_board_mm": 460}),
        ("functional_test", {"limits": "Customer fixtures; boundary scan"}),
        ("box_build", {}),
    ]
    with transaction.atomic():
        for process, limits in capabilities:
            add_capability(actor=quality, site=plant, process=process, **limits)
        set_profile(actor=quality, site=plant, volume_band="medium", itar_registered=False)
        program = world.programs["PHRM"]
        add_requirement(
            actor=buyer,
            program=program,
            kind="certificate",
            standard="ISO 13485",
            note="Class II medical device: the EMS's quality system must be certified.",
        )
        add_requirement(
            actor=buyer,
            program=program,
            kind="certificate",
            standard="IPC-A-610",
            min_ipc_class=3,
            processes=["smt"],
        )
        add_requirement(
            actor=buyer,
            program=program,
            kind="process",
            processes=["smt", "bga_xray", "functional_test"],
        )
