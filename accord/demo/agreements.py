"""The demo's agreements, written through the agreements services as the people would act:

Halcyon's statement of work with Meridian for Earbuds X2, signed three times: v1 (tier 5,000 at
10.20, IPC-A-610 Class 2), v2 (10.00; Halcyon wants "premium" earbuds, and the word is bound to
Class 3 and a cosmetic criterion before anyone signs), v3 (9.80, and the stencil fee added to
Appendix A). Halcyon asks Meridian and a second EMS, Corvid Assembly, to quote the EBX2 main
PCBA at 500 / 5,000 / 50,000: the issue's quotes A and B, where the headline price and the
landed cost pick opposite winners. Halcyon's PO HAL-PO-7001 for 5,000 PCBAs, issued after v3
was signed, is received in full; Meridian billed the stencil once already and then sends the
issue's invoice, which the check disputes for 970.00.

The accessibility check of every page (accord/web/tests/test_browser.py) finds these objects
by the title, PO and invoice numbers named here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from accord.agreements.choices import VersionStatus
from accord.agreements.invoice_services import create_invoice, record_invoice_payment
from accord.agreements.models import Agreement, Invoice, Rfq
from accord.agreements.queries import program_bom_lines
from accord.agreements.rfq_services import create_rfq, submit_quote
from accord.agreements.services import create_agreement, save_terms, sign_agreement_version
from accord.core.access import today
from accord.demo.personas import World
from accord.orgs import services as org_services
from accord.orgs.choices import MemberRole
from accord.orgs.models import Organisation, Person
from accord.orgs.services.connections import create_partner_organisation
from accord.supply import services as supply
from accord.supply.models import Site
from accord.supply.services.stock import stock_item

SOW_TITLE = "Earbuds X2 manufacturing SOW"
RFQ_TITLE = "EBX2 main PCBA production"
PO_NUMBER = "HAL-PO-7001"
STENCIL_INVOICE = "MER-INV-2001"
INVOICE_NUMBER = "MER-INV-2042"
PCBA = "EBX2-PCBA"
PCBAS_ORDERED = 5000
SECOND_EMS_ADMIN = "corvid_sales"

# What Halcyon supplies itself or tells Meridian where to buy; Meridian buys every other part
# of EBX2's BOMs turnkey. The drivers are consigned in the supply story (accord/demo/supply.py).
HALCYON_MATERIALS = {
    "HAL-400-0001": "consigned",
    "HAL-500-0001": "consigned",
    "HAL-200-0003": "customer_directed",
}

PREMIUM = {
    "word": "premium",
    "criterion": "IPC-A-610 Class 3 and no cosmetic defect over 0.5 mm visible at 40 cm "
    "under 1,000 lux",
}
STENCIL_FEE = {
    "code": "STN",
    "description": "Stencil",
    "basis": "one_time",
    "amount": "350.00",
    "currency": "USD",
}

# The issue's quotes: A is Meridian's, B Corvid's.
QUOTE_A: dict[str, Any] = {
    "tiers": [
        {"from_quantity": 500, "unit_price": "12.40", "currency": "USD"},
        {"from_quantity": 5000, "unit_price": "9.80", "currency": "USD"},
        {"from_quantity": 50000, "unit_price": "8.10", "currency": "USD"},
    ],
    "moq": 500,
    "order_multiple": 100,
    "nre": "6050.00",
    "fees": [{"code": "FRT", "description": "Freight", "basis": "per_unit", "amount": "0.15"}],
    "lead_time_days": 35,
}
QUOTE_B: dict[str, Any] = {
    "tiers": [
        {"from_quantity": 1000, "unit_price": "11.90", "currency": "USD"},
        {"from_quantity": 5000, "unit_price": "10.20", "currency": "USD"},
        {"from_quantity": 50000, "unit_price": "8.60", "currency": "USD"},
    ],
    "moq": 1000,
    "order_multiple": 500,
    "nre": "1500.00",
    "fees": [
        {"code": "FRT", "description": "Freight", "basis": "per_unit", "amount": "0.40"},
        {"code": "PKG", "description": "Packaging", "basis": "per_unit", "amount": "0.05"},
    ],
    "lead_time_days": 28,
}
QUOTES_VALID_DAYS = 60


def sow_terms(world: World, *, tier_5000: str, premium: bool, stencil: bool) -> dict[str, Any]:
    """The SOW's terms as Halcyon drafts them; every fitted line of EBX2's BOMs in the demo
    gets its material responsibility, or the check would refuse the signatures."""
    parts = sorted({line.part for line in program_bom_lines(world.programs["EBX2"])})
    definitions = [
        {
            "word": "fast delivery",
            "criterion": "shipped within 10 working days of PO acknowledgement; on time is "
            "3 days early to 0 days late",
        }
    ]
    if premium:
        definitions.insert(0, PREMIUM)
    fees = [
        {
            "code": "NRE",
            "description": "Fixtures and programming",
            "basis": "one_time",
            "amount": "6050.00",
            "currency": "USD",
        },
        {
            "code": "FRT",
            "description": "Freight to Halcyon's San Jose lab",
            "basis": "per_unit",
            "amount": "0.15",
            "currency": "USD",
        },
        {
            "code": "EXP",
            "description": "Expedite",
            "basis": "per_event",
            "amount": "250.00",
            "currency": "USD",
            "written_request_needed": True,
        },
    ]
    if stencil:
        fees.append(STENCIL_FEE)
    return {
        "definitions": definitions,
        "deadlines": [
            {"what": "First articles", "due": (today() + dt.timedelta(days=60)).isoformat()}
        ],
        "decision_rights": [
            {
                "decision": "Alternate part approval",
                "owner": "buyer",
                "role": "Hardware engineer",
                "answer_within_hours": 48,
            }
        ],
        "materials": [
            {"part": part, "responsibility": HALCYON_MATERIALS.get(part, "turnkey")}
            for part in parts
        ],
        "certifications": [{"standard": "ISO 9001"}],
        "inspection": {
            "aql": "0.65",
            "level": "II",
            "sample_size": 200,
            "accept": 3,
            "reject": 4,
            "workmanship_class": 3 if premium else 2,
        },
        "response_slas": [{"subject": "Quality notification", "hours": 24}],
        "price_tiers": [
            {"from_quantity": 500, "to_quantity": 4999, "unit_price": "12.40", "currency": "USD"},
            {
                "from_quantity": 5000,
                "to_quantity": 49999,
                "unit_price": tier_5000,
                "currency": "USD",
            },
            {"from_quantity": 50000, "unit_price": "8.10", "currency": "USD"},
        ],
        "moq": 500,
        "order_multiple": 100,
        "fees": fees,
        "frozen_window": {"weeks_from": 1, "weeks_to": 4},
        "flex_bands": [
            {"weeks_from": 5, "weeks_to": 8, "allowed_change_percent": "10"},
            {"weeks_from": 9, "weeks_to": 13, "allowed_change_percent": "25"},
        ],
        "invoice_tolerance_percent": "0.5",
        "notes": (
            "Premium workmanship; fast delivery as defined."
            if premium
            else "Fast delivery as defined."
        ),
    }


def load_agreements(world: World) -> None:
    with transaction.atomic():
        sow = sign_three_versions(world)
        ask_for_quotes(world)
        bill_the_first_order(world, sow)


SIGNERS = ("oem_buyer", "ems_planner")


def _signer(world: World, username: str) -> Person:
    """The person as an authorised signer: the persona world grants the right already, but
    world.people holds the objects as they were created, before the grant."""
    return org_services.set_signing_right(actor=None, person=world.people[username], allowed=True)


def _sign_both_sides(world: World, agreement: Agreement) -> None:
    draft = agreement.versions.get(status=VersionStatus.DRAFT)
    for username in SIGNERS:
        sign_agreement_version(
            actor=_signer(world, username), agreement=agreement, terms_hash=draft.terms_hash
        )


def sign_three_versions(world: World) -> Agreement:
    buyer, planner = world.people["oem_buyer"], world.people["ems_planner"]
    agreement = create_agreement(
        actor=buyer,
        program=world.programs["EBX2"],
        partner=world.orgs["meridian"],
        title=SOW_TITLE,
        terms=sow_terms(world, tier_5000="10.20", premium=False, stencil=False),
    )
    _sign_both_sides(world, agreement)
    save_terms(
        actor=buyer,
        agreement=agreement,
        terms=sow_terms(world, tier_5000="10.00", premium=True, stencil=False),
    )
    _sign_both_sides(world, agreement)
    # Meridian's sales engineer proposes v3: the lower tier against the stencil, billed once.
    save_terms(
        actor=planner,
        agreement=agreement,
        terms=sow_terms(world, tier_5000="9.80", premium=True, stencil=True),
    )
    _sign_both_sides(world, agreement)
    return agreement


def _second_ems(world: World) -> Organisation:
    """Corvid Assembly: an EMS Halcyon brings onto Earbuds X2 under an NDA, to quote."""
    buyer = world.people["oem_buyer"]
    program = world.programs["EBX2"]
    corvid, admin, _invitation = create_partner_organisation(
        actor=buyer,
        name="Corvid Assembly",
        kind="ems",
        admin_username=SECOND_EMS_ADMIN,
        admin_email=f"{SECOND_EMS_ADMIN}@corvid.example",
        admin_first_name="Tomas",
        admin_last_name="Reyes",
        country="VN",
    )
    org_services.add_program_partner(
        actor=buyer, program=program, organisation=corvid, responsibility="EMS"
    )
    org_services.register_nda(
        actor=None,
        reference="NDA-HAL-COR-2026",
        party_a=world.orgs["halcyon"],
        party_b=corvid,
        effective_date=today() - dt.timedelta(days=30),
        expiry_date=None,
        programs=[program],
        title="Mutual NDA, Earbuds X2 second source",
    )
    org_services.add_program_member(
        actor=buyer, program=program, person=admin, role=MemberRole.MEMBER
    )
    world.orgs["corvid"] = corvid
    world.people[SECOND_EMS_ADMIN] = admin
    return corvid


def _quote(data: dict[str, Any]) -> dict[str, Any]:
    return {
        **data,
        "valid_until": (today() + dt.timedelta(days=QUOTES_VALID_DAYS)).isoformat(),
    }


def ask_for_quotes(world: World) -> Rfq:
    corvid = _second_ems(world)
    rfq = create_rfq(
        actor=world.people["oem_buyer"],
        program=world.programs["EBX2"],
        bom=world.boms[PCBA],
        title=RFQ_TITLE,
        due_date=today() + dt.timedelta(days=14),
        invited=[world.orgs["meridian"], corvid],
    )
    submit_quote(actor=world.people["ems_planner"], rfq=rfq, quote=_quote(QUOTE_A))
    submit_quote(actor=world.people[SECOND_EMS_ADMIN], rfq=rfq, quote=_quote(QUOTE_B))
    return rfq


def _invoice(number: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "number": number,
        "date": today().isoformat(),
        "currency": "USD",
        "po_reference": PO_NUMBER,
        # Due on receipt (the demo's terms carry no payment terms): paid the same day below,
        # so that Meridian's card of Halcyon shows invoices paid on time this month.
        "due_date": today().isoformat(),
        "lines": lines,
    }


def bill_the_first_order(world: World, sow: Agreement) -> Invoice:
    """The PO under v3, received in full at Halcyon's lab; then Meridian's two invoices."""
    buyer, planner = world.people["oem_buyer"], world.people["ems_planner"]
    lab = Site.objects.get(organisation=world.orgs["halcyon"], code="SJ")  # accord/demo/supply.py
    order = supply.create_purchase_order(
        actor=buyer,
        program=world.programs["EBX2"],
        supplier=world.orgs["meridian"],
        number=PO_NUMBER,
        ship_to=lab,
        notes=f"Under {SOW_TITLE} v3.",
    )
    line = supply.add_order_line(
        actor=buyer,
        order=order,
        part=world.parts[PCBA],
        quantity_ordered=PCBAS_ORDERED,
        requested_date=today(),
        unit_price="9.80",
    )
    supply.issue_order(actor=buyer, order=order)
    supply.acknowledge_order(actor=planner, order=order)
    supply.receive_delivery(
        actor=buyer,
        line=line,
        site=lab,
        quantity_received=PCBAS_ORDERED,
        received_on=today(),
    )
    # Straight on to the earbuds' final assembly: these boards are not stock the supply
    # story's plan could count against its builds.
    supply.issue_stock(
        actor=buyer,
        item=stock_item(lab, world.parts[PCBA], world.orgs["halcyon"]),
        quantity_issued=PCBAS_ORDERED,
        reference="EBX2 final assembly",
    )
    fee = {"kind": "fee", "quantity": "1"}
    stencil = create_invoice(
        actor=planner,
        agreement=sow,
        invoice=_invoice(STENCIL_INVOICE, [{**fee, "fee_code": "STN", "unit_price": "350.00"}]),
    )
    invoice = create_invoice(
        actor=planner,
        agreement=sow,
        invoice=_invoice(
            INVOICE_NUMBER,
            [
                {
                    "kind": "part",
                    "description": "EBX2 main PCBA",
                    "part_number": PCBA,
                    "quantity": str(PCBAS_ORDERED),
                    "unit_price": "9.85",
                },
                {"kind": "fee", "fee_code": "FRT", "quantity": "5000", "unit_price": "0.15"},
                {**fee, "fee_code": "EXP", "unit_price": "250.00"},
                {**fee, "fee_code": "STN", "unit_price": "350.00"},
                {
                    "kind": "other",
                    "description": "Handling surcharge",
                    "quantity": "1",
                    "unit_price": "120.00",
                },
            ],
        ),
    )
    for paid in (stencil, invoice):
        record_invoice_payment(actor=buyer, invoice=paid, paid_on=today())
    return invoice
