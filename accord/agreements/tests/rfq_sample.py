"""The issue's two quotes for Earbuds X2's PCBA: EMS A (Meridian) and EMS B (Brightline, whose
lapsed NDA a test renews when it needs a second EMS that may read the RFQ)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accord.core.access import today

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


def quote(data: dict[str, Any], valid_days: int = 60) -> dict[str, Any]:
    return {**data, "valid_until": (today() + dt.timedelta(days=valid_days)).isoformat()}


def ebx2_rfq(people: Any, programs: Any, boms: Any, orgs: Any) -> Any:
    """Halcyon's RFQ for EBX2-PCBA rev B at 500 / 5,000 / 50,000, Meridian invited."""
    from accord.agreements.rfq_services import create_rfq

    return create_rfq(
        actor=people["oem_buyer"],
        program=programs["EBX2"],
        bom=boms["EBX2-PCBA"],
        title="EBX2 PCBA production",
        due_date=today() + dt.timedelta(days=14),
        invited=[orgs["meridian"]],
    )


def second_ems_quote(rfq: Any, buyer: Any) -> Any:
    """Corvid Assembly, a second EMS on the RFQ's program under an NDA in force with the buyer,
    invited, with the issue's quote B in: what Meridian's people must never see, not even the
    name."""
    from accord.agreements.rfq_services import invite_to_rfq, submit_quote
    from accord.orgs.services import add_program_partner, register_nda
    from accord.orgs.services.connections import create_partner_organisation

    corvid, seller, _ = create_partner_organisation(
        actor=buyer,
        name="Corvid Assembly",
        kind="ems",
        admin_username="corvid_sales",
        admin_email="sales@corvid.example",
    )
    add_program_partner(actor=buyer, program=rfq.program, organisation=corvid)
    register_nda(
        actor=None,
        reference="NDA-HAL-COR-2026",
        party_a=rfq.buyer,
        party_b=corvid,
        effective_date=today() - dt.timedelta(days=30),
        expiry_date=None,
        programs=[rfq.program],
    )
    invite_to_rfq(actor=buyer, rfq=rfq, organisation=corvid)
    return submit_quote(actor=seller, rfq=rfq, quote=quote(QUOTE_B))
