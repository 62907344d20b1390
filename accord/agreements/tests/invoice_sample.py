"""The issue's invoice: Halcyon's SOW with Meridian for Earbuds X2 signed three times (v3 in
force: tier 9.80, tolerance 0.5%, freight 0.15/unit, expedite 250.00 only on written request,
stencil 350.00 one-time; every version net 30 days), PO HAL-PO-7001 issued after v3, 5,000
PCBAs received on it, and the stencil billed already on an earlier invoice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accord.agreements.services import save_terms, sign_agreement_version
from accord.agreements.tests.sample import draft_ebx2, signable
from accord.supply.models import Delivery, PurchaseOrder, PurchaseOrderLine, Site

PO = "HAL-PO-7001"
PAYMENT_DAYS = 30
STENCIL = {
    "code": "STN",
    "description": "Stencil",
    "basis": "one_time",
    "amount": "350.00",
    "currency": "USD",
}


def _sign(people: Any, agreement: Any, number: int, days_ago: int) -> None:
    version = agreement.versions.get(number=number)
    for signer in ("oem_buyer", "ems_planner"):
        sign_agreement_version(
            actor=people[signer], agreement=agreement, terms_hash=version.terms_hash
        )
    signed_at = timezone.now() - dt.timedelta(days=days_ago)
    agreement.versions.filter(number=number).update(signed_at=signed_at)


def sow_v3(people: Any, programs: Any, orgs: Any) -> Any:
    """v1 (tier 5,000 at 10.20) signed 90 days ago, v2 (10.00) 60 days ago, v3 (9.80, with the
    stencil fee) 30 days ago; payment terms net 30 days in each."""
    terms = {**signable(), "payment_days": PAYMENT_DAYS}
    terms["price_tiers"][1]["unit_price"] = "10.20"
    agreement = draft_ebx2(people["oem_buyer"], programs["EBX2"], orgs["meridian"], terms)
    _sign(people, agreement, 1, 90)
    terms["price_tiers"][1]["unit_price"] = "10.00"
    save_terms(actor=people["oem_buyer"], agreement=agreement, terms=terms)
    _sign(people, agreement, 2, 60)
    terms = {**signable(), "payment_days": PAYMENT_DAYS}
    terms["fees"].append(STENCIL)
    save_terms(actor=people["oem_buyer"], agreement=agreement, terms=terms)
    _sign(people, agreement, 3, 30)
    return agreement


def po_with_receipt(orgs: Any, programs: Any, parts: Any, *, days_ago: int = 20) -> PurchaseOrder:
    """Halcyon's PO to Meridian for 5,000 EBX2-PCBA, issued `days_ago`, all received."""
    order = PurchaseOrder.objects.create(
        buyer=orgs["halcyon"],
        supplier=orgs["meridian"],
        program=programs["EBX2"],
        number=PO,
        currency="USD",
        status="acknowledged",
        issued_at=timezone.now() - dt.timedelta(days=days_ago),
    )
    line = PurchaseOrderLine.objects.create(
        order=order,
        line_number=1,
        part=parts["EBX2-PCBA"],
        quantity=Decimal(5000),
        unit_price=Decimal("9.80"),
        currency="USD",
        requested_date=timezone.localdate(),
        received_quantity=Decimal(5000),
    )
    site = Site.objects.create(organisation=orgs["halcyon"], code="hub", name="Hub")
    Delivery.objects.create(
        line=line, site=site, quantity=Decimal(5000), received_on=timezone.localdate()
    )
    return order


def invoice_data(number: str = "MER-INV-2042", price: str = "9.85") -> dict[str, Any]:
    return {
        "number": number,
        "date": timezone.localdate().isoformat(),
        "currency": "USD",
        "po_reference": PO,
        "lines": [
            {
                "kind": "part",
                "description": "EBX2 PCBA rev B",
                "part_number": "EBX2-PCBA",
                "quantity": "5000",
                "unit_price": price,
            },
            {"kind": "fee", "fee_code": "FRT", "quantity": "5000", "unit_price": "0.15"},
            {"kind": "fee", "fee_code": "EXP", "quantity": "1", "unit_price": "250.00"},
            {"kind": "fee", "fee_code": "STN", "quantity": "1", "unit_price": "350.00"},
            {
                "kind": "other",
                "description": "Handling surcharge",
                "quantity": "1",
                "unit_price": "120.00",
            },
        ],
    }


def earlier_stencil_invoice() -> dict[str, Any]:
    return {
        "number": "MER-INV-2001",
        "date": (timezone.localdate() - dt.timedelta(days=10)).isoformat(),
        "currency": "USD",
        "po_reference": PO,
        "lines": [{"kind": "fee", "fee_code": "STN", "quantity": "1", "unit_price": "350.00"}],
    }
