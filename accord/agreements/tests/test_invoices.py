"""The invoice check: the issue's worked invoice, the tolerance boundary, the version in force
at the PO date, receipts, fee requests, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accord.agreements.invoice_queries import invoice_report
from accord.agreements.invoice_services import create_invoice, record_fee_request
from accord.agreements.models import Invoice, InvoiceLine
from accord.agreements.tests.invoice_sample import (
    earlier_stencil_invoice,
    invoice_data,
    po_with_receipt,
    sow_v3,
)
from accord.core.errors import Forbidden, InvalidInput


@pytest.fixture
def sow(people, programs, orgs, parts):
    agreement = sow_v3(people, programs, orgs)
    po_with_receipt(orgs, programs, parts)
    create_invoice(
        actor=people["ems_planner"], agreement=agreement, invoice=earlier_stencil_invoice()
    )
    return agreement


def _verdicts(report):
    return [(c.line.line_number, c.verdict, c.agreed, c.disputed) for c in report.lines]


def test_the_issues_invoice_against_sow_v3(sow, people):
    invoice = create_invoice(actor=people["ems_planner"], agreement=sow, invoice=invoice_data())
    report = invoice_report(invoice)
    d = Decimal
    assert _verdicts(report) == [
        # 5,000 x 9.85 = 49,250.00 against 5,000 x 9.80 (v3's tier 5,000) = 49,000.00: over by
        # 250.00; 9.85 / 9.80 - 1 = +0.51%, beyond the 0.5% tolerance.
        (1, "over", d("49000.00"), d("250.00")),
        # Freight 5,000 x 0.15 = 750.00, as Appendix A says.
        (2, "match", d("750.00"), d("0.00")),
        # Expedite 250.00 needs a written request; none is recorded.
        (3, "not_requested", d("0.00"), d("250.00")),
        # Stencil 350.00 is one-time and MER-INV-2001 billed it.
        (4, "billed_twice", d("0.00"), d("350.00")),
        # "Handling surcharge" is in no line of Appendix A.
        (5, "not_in_appendix_a", d("0.00"), d("120.00")),
    ]
    assert report.lines[0].deviation_percent == d("0.51")
    assert "v3 price tier 5,000: 9.80 USD" in report.lines[0].term
    # Invoiced 49,250 + 750 + 250 + 350 + 120 = 50,720.00; agreed 49,000 + 750 = 49,750.00;
    # disputed 250 + 250 + 350 + 120 = 970.00.
    assert (report.invoiced, report.agreed, report.disputed) == (
        d("50720.00"),
        d("49750.00"),
        d("970.00"),
    )


def test_the_tolerance_is_inclusive_9849_is_within(sow, people):
    # 9.80 x 1.005 = 9.849: at the edge of the tolerance, inclusive.
    invoice = create_invoice(
        actor=people["ems_planner"], agreement=sow, invoice=invoice_data(price="9.849")
    )
    first = invoice_report(invoice).lines[0]
    assert (first.verdict, first.agreed, first.disputed) == (
        "within_tolerance",
        Decimal("49245.00"),
        Decimal("0.00"),
    )
    invoice.delete()  # else its 5,000 would leave nothing of the receipt to bill
    invoice = create_invoice(
        actor=people["ems_planner"], agreement=sow, invoice=invoice_data("MER-INV-2043", "9.8491")
    )
    assert invoice_report(invoice).lines[0].verdict == "over"


def test_a_recorded_written_request_makes_the_expedite_agreed(sow, people):
    with pytest.raises(Forbidden):
        record_fee_request(
            actor=people["ems_planner"], agreement=sow, code="EXP", requested_on=dt.date.today()
        )
    record_fee_request(
        actor=people["oem_buyer"], agreement=sow, code="exp", requested_on=dt.date.today()
    )
    invoice = create_invoice(actor=people["ems_planner"], agreement=sow, invoice=invoice_data())
    assert invoice_report(invoice).lines[2].verdict == "match"


def test_the_version_in_force_at_the_po_date_decides(sow, people):
    # A PO issued 45 days ago falls under v2 (signed 60 days ago; v3 30 days ago): tier 10.00.
    from accord.supply.models import PurchaseOrder

    issued = PurchaseOrder.objects.get().issued_at
    assert issued is not None
    PurchaseOrder.objects.filter(number="HAL-PO-7001").update(
        issued_at=issued - dt.timedelta(days=25)
    )
    invoice = create_invoice(actor=people["ems_planner"], agreement=sow, invoice=invoice_data())
    first = invoice_report(invoice).lines[0]
    # 9.85 is below v2's 10.00: a match (v3's 9.80 would have made it over).
    assert first.verdict == "match"
    assert first.term.startswith("v2 price tier 5,000: 10.00 USD")
    assert first.disputed == 0


def test_units_beyond_the_receipts_are_disputed(sow, people):
    data = invoice_data(price="9.80")
    data["lines"][0]["quantity"] = "5200"
    invoice = create_invoice(actor=people["ems_planner"], agreement=sow, invoice=data)
    first = invoice_report(invoice).lines[0]
    # 200 units more than the 5,000 received: 200 x 9.80 = 1,960.00 disputed.
    assert (first.verdict, first.disputed) == ("over_received", Decimal("1960.00"))


def test_an_invoice_in_another_currency_is_disputed_never_converted(sow, people):
    data = invoice_data()
    data["currency"] = "EUR"
    invoice = create_invoice(actor=people["ems_planner"], agreement=sow, invoice=data)
    report = invoice_report(invoice)
    assert {c.verdict for c in report.lines} == {"currency_mismatch"}
    assert report.disputed == report.invoiced


@pytest.mark.parametrize(
    ("change", "clause"),
    [
        ({"unit_price": "1.234,50"}, "lines[0].unit_price"),
        ({"unit_price": "0"}, "lines[0].unit_price"),
        ({"unit_price": "-9.80"}, "lines[0].unit_price"),
        ({"quantity": "0"}, "lines[0].quantity"),
        ({"currency": "EUR"}, "lines[0].currency"),
        ({"amount": "49000.00"}, "lines[0].amount"),
        ({"kind": "fee", "description": "", "part_number": ""}, "lines[0].fee_code"),
    ],
)
def test_a_bad_invoice_is_refused_naming_the_line_and_nothing_is_written(
    sow, people, change, clause
):
    data = invoice_data()
    data["lines"][0] |= change
    before = InvoiceLine.objects.count()
    with pytest.raises(InvalidInput) as refused:
        create_invoice(actor=people["ems_planner"], agreement=sow, invoice=data)
    assert clause in [p["clause"] for p in refused.value.detail["problems"]]
    assert (Invoice.objects.count(), InvoiceLine.objects.count()) == (1, before)


def test_a_request_for_a_fee_not_in_appendix_a_is_refused(sow, people):
    with pytest.raises(InvalidInput, match="XYZ is not a fee of Appendix A"):
        record_fee_request(
            actor=people["oem_buyer"], agreement=sow, code="XYZ", requested_on=dt.date.today()
        )


def test_receipts_billed_by_an_earlier_invoice_are_not_billed_again(sow, people):
    # MER-INV-2042 bills the 5,000 received; MER-INV-2050 bills 1,000 of them again.
    create_invoice(actor=people["ems_planner"], agreement=sow, invoice=invoice_data(price="9.80"))
    again = invoice_data("MER-INV-2050", price="9.80")
    again["lines"] = [again["lines"][0] | {"quantity": "1000"}]
    report = invoice_report(
        create_invoice(actor=people["ems_planner"], agreement=sow, invoice=again)
    )
    # Nothing of the receipt is left to bill: 1,000 x 9.80 = 9,800.00 disputed.
    assert [(c.verdict, c.disputed) for c in report.lines] == [
        ("over_received", Decimal("9800.00"))
    ]
