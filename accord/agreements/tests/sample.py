"""Terms for Earbuds X2 between Halcyon (buyer) and Meridian (EMS) that pass the check, and
the agreement drafted with them: for the app's tests and the access matrices."""

from __future__ import annotations

import copy
from typing import Any

# Every part of EBX2's fitted BOM lines (EBX2-PCBA rev B without its DNP R4; EBX2-L rev A
# without the PCBA, which is built, not bought).
EBX2_PARTS = {
    "HAL-100-0001": "turnkey",
    "HAL-100-0002": "turnkey",
    "HAL-200-0001": "turnkey",
    "HAL-200-0002": "turnkey",
    "HAL-200-0003": "customer_directed",
    "HAL-200-0004": "turnkey",
    "HAL-300-0001": "turnkey",
    "HAL-400-0001": "consigned",
    "HAL-500-0001": "consigned",
}

SIGNABLE: dict[str, Any] = {
    "definitions": [
        {
            "word": "premium",
            "criterion": "IPC-A-610 Class 3 and no cosmetic defect over 0.5 mm visible at "
            "40 cm under 1,000 lux",
        },
        {
            "word": "fast delivery",
            "criterion": "shipped within 10 working days of PO acknowledgement",
        },
    ],
    "deadlines": [{"what": "First articles", "due": "2027-03-01"}],
    "decision_rights": [
        {
            "decision": "Alternate part approval",
            "owner": "buyer",
            "role": "Hardware engineer",
            "answer_within_hours": 48,
        }
    ],
    "materials": [{"part": p, "responsibility": r} for p, r in EBX2_PARTS.items()],
    "certifications": [{"standard": "ISO 9001"}],
    "inspection": {
        "aql": "0.65",
        "level": "II",
        "sample_size": 200,
        "accept": 3,
        "reject": 4,
        "workmanship_class": 2,
    },
    "response_slas": [{"subject": "Quality notification", "hours": 24}],
    "price_tiers": [
        {"from_quantity": 500, "to_quantity": 4999, "unit_price": "12.40", "currency": "USD"},
        {"from_quantity": 5000, "to_quantity": 49999, "unit_price": "9.80", "currency": "USD"},
        {"from_quantity": 50000, "unit_price": "8.10", "currency": "USD"},
    ],
    "moq": 500,
    "order_multiple": 100,
    "fees": [
        {
            "code": "NRE",
            "description": "Stencils, fixtures and programming",
            "basis": "one_time",
            "amount": "6050.00",
            "currency": "USD",
        },
        {
            "code": "FRT",
            "description": "Freight to the buyer's hub",
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
    ],
    "frozen_window": {"weeks_from": 1, "weeks_to": 4},
    "flex_bands": [
        {"weeks_from": 5, "weeks_to": 8, "allowed_change_percent": "10"},
        {"weeks_from": 9, "weeks_to": 13, "allowed_change_percent": "25"},
    ],
    "invoice_tolerance_percent": "0.5",
    "notes": "Premium workmanship; fast delivery as defined.",
}


def signable() -> dict[str, Any]:
    return copy.deepcopy(SIGNABLE)


def draft_ebx2(buyer: Any, program: Any, meridian: Any, terms: Any = None) -> Any:
    from accord.agreements.services import create_agreement

    return create_agreement(
        actor=buyer,
        program=program,
        partner=meridian,
        title="Earbuds X2 manufacturing SOW",
        terms=signable() if terms is None else terms,
    )
