"""The page access matrix's world (test_access_matrix.py): the rows every case shares, built
once per module inside module_transaction, and per case the apps' worlds, each built on the
case's first use."""

from __future__ import annotations

from typing import Any

import pytest

from accord.conftest import (
    add_matrix_accounts,
    load_boms,
    load_orgs,
    load_parts,
    load_people,
    load_programs,
)
from accord.core.services import create_api_token
from accord.orgs.models import Nda
from accord.orgs.services import (
    create_organisation,
    invite_organisation,
    invite_person,
)
from accord.parts.bom_import.request import BomImportRequest
from accord.parts.models import ApprovedSource
from accord.parts.services import stage_bom_import
from accord.parts.services.catalogue_staging import stage_catalogue_import
from accord.web.tests.access_matrix_agreements import agreements_world
from accord.web.tests.access_matrix_audits import audits_world
from accord.web.tests.access_matrix_capabilities import capabilities_world
from accord.web.tests.access_matrix_checkins import checkins_world
from accord.web.tests.access_matrix_flex import flex_world
from accord.web.tests.access_matrix_notifications import notifications_world
from accord.web.tests.access_matrix_partners import partners_world
from accord.web.tests.access_matrix_planning import planning_world
from accord.web.tests.access_matrix_rfq_invoices import rfq_invoices_world
from accord.web.tests.access_matrix_scorecards import scorecards_world
from accord.web.tests.access_matrix_threads import threads_world

MATRIX_BOM = b"Designator,Qty,Value,Manufacturer,MPN\nR1 R2,2,10k,Yageo,RC0402FR-0710KL\n"
MATRIX_PARTS = b"Manufacturer,MPN,Description\nYageo,RC0402FR-07MATRIX,Matrix resistor\n"


@pytest.fixture(scope="module")
def module_world(module_transaction: None) -> dict[str, Any]:
    """The rows every case shares, built once for the module's 2,000-odd cases (each case
    rolls back what it changes)."""
    return _shared_world(load_people(), load_programs(), load_parts(), load_boms(), load_orgs())


@pytest.fixture
def world(module_world: dict[str, Any], db: Any) -> dict[str, Any]:
    """The shared rows and, per case, the apps' worlds, each built on the case's first use
    (inside the case's transaction: the apps' worlds were never built together)."""
    w = module_world
    people, programs, orgs = w["people"], w["programs"], w["orgs"]
    parts, boms = w["parts"], w["boms"]
    return {
        **w,
        **planning_world(people, programs),
        **scorecards_world(people, programs, parts, orgs),
        **agreements_world(people, programs, orgs),
        **rfq_invoices_world(people, programs, boms, orgs, parts),
        **flex_world(people, programs, orgs, parts),
        **partners_world(people),
        **capabilities_world(people, programs),
        **audits_world(people, programs),
        **notifications_world(people),
        **threads_world(people),
        **checkins_world(people),
    }


def _shared_world(people: Any, programs: Any, parts: Any, boms: Any, orgs: Any) -> dict[str, Any]:
    token, _ = create_api_token(actor=people.oem_buyer, name="buyer script")
    bom_upload = stage_bom_import(
        actor=people.oem_buyer,
        request=BomImportRequest(
            program=programs["EBX2"],
            assembly_number="MATRIX-UPLOAD",
            revision="A",
            data=MATRIX_BOM,
            filename="matrix.csv",
        ),
    )
    parts_upload = stage_catalogue_import(
        actor=people.oem_buyer, data=MATRIX_PARTS, filename="parts.csv"
    )
    yageo = ApprovedSource.objects.get(
        part=parts["HAL-100-0002"], manufacturer_part__mpn="RC0402FR-0710KL"
    )
    buyer, halcyon = people.oem_buyer, people.oem_buyer.organisation
    accounts = add_matrix_accounts(people)
    unconnected = create_organisation(actor=None, name="Matrix Unconnected", kind="supplier")
    return {
        **people,
        **programs,
        **parts,
        **boms,
        **{n.reference: n for n in Nda.objects.all()},
        "yageo": yageo,
        "nordic": ApprovedSource.objects.get(part=parts["HAL-200-0001"]),
        **orgs,
        **accounts,
        "unconnected": unconnected,
        "invitation": invite_person(actor=buyer, email="someone@halcyon.example"),
        "connection": invite_organisation(actor=people.outsider, accord_id=halcyon.slug),
        "buyer_token": token,
        "bom_upload": bom_upload,
        "parts_upload": parts_upload,
        "people": people,
        "programs": programs,
        "parts": parts,
        "boms": boms,
        "orgs": orgs,
    }
