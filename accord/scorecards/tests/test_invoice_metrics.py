"""Invoices on the cards, computed by hand: Meridian's card of Halcyon counts the invoices
Halcyon paid on time; Halcyon's card of Meridian adds the checked invoices' totals to the cost
variance. Entering an invoice or its payment refreshes both cards."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest
from django.urls import reverse
from django.utils import timezone

from accord.agreements.invoice_services import create_invoice, record_invoice_payment
from accord.agreements.tests.invoice_sample import (
    PO,
    earlier_stencil_invoice,
    invoice_data,
    po_with_receipt,
    sow_v3,
)
from accord.scorecards.choices import Direction
from accord.scorecards.customer_metrics import payment_on_time
from accord.scorecards.metrics import cost_variance
from accord.scorecards.models import CardMonth, MetricMonth
from accord.scorecards.months import next_month
from accord.scorecards.services import compute_cards, rules_of, save_template, template_of

D = dt.date
NOV, DEC = D(2026, 11, 1), D(2026, 12, 1)


def test_payment_on_time_by_hand():
    invoices = pl.DataFrame(
        [
            # customer, due, paid on
            (1, D(2026, 11, 10), D(2026, 11, 5)),  # paid early: on time
            (1, D(2026, 11, 15), D(2026, 11, 15)),  # paid on the due day: on time
            (1, D(2026, 11, 20), D(2026, 11, 21)),  # paid a day late
            (1, D(2026, 11, 25), None),  # unpaid and past due on 12-04: late
            (1, D(2026, 12, 15), None),  # unpaid, not yet due: not counted
            (1, None, D(2026, 11, 3)),  # entered before due dates were kept: not counted
            (2, D(2026, 12, 4), None),  # due today, unpaid: not past due yet
        ],
        schema={"rated_id": pl.Int64, "due": pl.Date, "paid_on": pl.Date},
        orient="row",
    )
    found = payment_on_time(invoices, D(2026, 12, 4))
    # 2 of 4 on time in November: 50 %; nothing counted in December.
    assert found.rows() == [(1, NOV, 2.0, 4.0, 50.0)]


def test_cost_variance_with_a_checked_invoice_by_hand():
    lines = pl.DataFrame(
        {
            "rated_id": [7],
            "issued_on": [D(2026, 11, 3)],
            "quantity": [1000.0],
            "unit_price": [1.10],
            "reference_price": [1.00],
        }
    )
    invoices = pl.DataFrame(
        {
            "rated_id": [7, 7],
            "invoice_date": [D(2026, 11, 20), D(2026, 12, 2)],
            "invoiced": [50720.00, 100.0],
            "agreed": [49750.00, 100.0],
        }
    )
    found = {(r[0], r[1]): r[2:] for r in cost_variance(lines, invoices).rows()}
    # November: 1,000 x 1.10 = 1,100 against 1,000 quoted, and the invoice, 50,720.00
    # invoiced of which the check agreed 49,750.00: (1,100 + 50,720) / (1,000 + 49,750) - 1 =
    # 51,820 / 50,750 - 1 = +2.108 %. The line alone was +10 %, the invoice alone +1.95 %.
    numerator, denominator, value = found[(7, NOV)]
    assert (numerator, denominator) == (pytest.approx(51820.0), pytest.approx(50750.0))
    assert value == pytest.approx((51820 / 50750 - 1) * 100)
    assert round(value, 2) == 2.11
    # December: an invoice as agreed, 0 %.
    assert found[(7, DEC)] == (pytest.approx(100.0), pytest.approx(100.0), pytest.approx(0.0))
    # Without invoices the line's own variance, as before.
    assert cost_variance(lines).rows() == [(7, NOV, 1100.0, 1000.0, pytest.approx(10.0))]


@pytest.fixture
def sow(people, programs, orgs, parts):
    agreement = sow_v3(people, programs, orgs)
    po_with_receipt(orgs, programs, parts)
    return agreement


def _fee_invoice(number: str, date: dt.date, due: dt.date) -> dict[str, Any]:
    return {
        "number": number,
        "date": date.isoformat(),
        "due_date": due.isoformat(),
        "currency": "USD",
        "po_reference": PO,
        "lines": [{"kind": "fee", "fee_code": "FRT", "quantity": "10", "unit_price": "0.15"}],
    }


def _payment(template: Any, rated: Any, month: dt.date) -> tuple[float, float, float]:
    row = MetricMonth.objects.get(template=template, rated=rated, month=month, metric="payment")
    return row.numerator, row.denominator, row.value


def test_meridians_card_of_halcyon_counts_invoices_paid_on_time(
    sow, people, orgs, client_for, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month
    day = {n: month + dt.timedelta(days=n - 1) for n in range(1, 29)}
    issued = {
        # number: (due, paid on)
        "INV-EARLY": (day[5], day[3]),
        "INV-ONTIME": (day[10], day[10]),
        "INV-LATE": (day[15], day[16]),
        "INV-UNPAID": (day[20], None),
    }
    made = {}
    for number, (due, paid_on) in issued.items():
        made[number] = create_invoice(
            actor=people.ems_planner, agreement=sow, invoice=_fee_invoice(number, day[1], due)
        )
        if paid_on:
            record_invoice_payment(actor=people.oem_buyer, invoice=made[number], paid_on=paid_on)
    # Due in the middle of next month, unpaid: not counted.
    create_invoice(
        actor=people.ems_planner,
        agreement=sow,
        invoice=_fee_invoice("INV-NEXT", today, next_month(today) + dt.timedelta(days=14)),
    )
    defaults = template_of(orgs["meridian"], Direction.CUSTOMERS)
    assert defaults.metrics["payment"]["weight"] == 10
    template = save_template(actor=people.ems_planner, template=defaults, **rules_of(defaults))
    compute_cards(template, whole_history=True)
    halcyon = orgs["halcyon"]
    # Early and on the due day: 2 of 4.
    assert _payment(template, halcyon, month) == (2.0, 4.0, 50.0)
    assert not MetricMonth.objects.filter(template=template, metric="payment", month__gt=month)

    # The rows behind the number, for Meridian and for Halcyon (its own card).
    url = reverse("scorecard_drill", args=[template.pk, halcyon.pk, f"{month:%Y-%m}", "payment"])
    for persona in ("ems_planner", "oem_buyer"):
        page = client_for(persona).get(url)
        assert page.status_code == 200
        text = page.content.decode()
        for number in issued:
            assert number in text
        assert "late (1 day)" in text and "unpaid, past due (late)" in text
    csv = client_for("ems_planner").get(url + "?format=csv").content.decode("utf-8-sig")
    assert csv.count("on time") == 2

    # Recording a payment refreshes the card: the day-late payment corrected to the due day
    # (the month may have closed already: it is opened again), then a new invoice due in the
    # month, unpaid and past due.
    with django_capture_on_commit_callbacks(execute=True):
        record_invoice_payment(actor=people.oem_buyer, invoice=made["INV-LATE"], paid_on=day[15])
    assert _payment(template, halcyon, month) == (3.0, 4.0, 75.0)
    assert CardMonth.objects.get(template=template, rated=halcyon, month=month).closed
    with django_capture_on_commit_callbacks(execute=True):
        create_invoice(
            actor=people.ems_planner,
            agreement=sow,
            invoice=_fee_invoice("INV-FORGOTTEN", day[1], day[25]),
        )
    assert _payment(template, halcyon, month) == (3.0, 5.0, 60.0)


def test_halcyons_card_of_meridian_counts_the_checked_invoices_in_the_cost(
    sow, people, orgs, client_for, django_capture_on_commit_callbacks
):
    defaults = template_of(orgs["halcyon"], Direction.SUPPLIERS)
    template = save_template(actor=people.oem_buyer, template=defaults, **rules_of(defaults))
    compute_cards(template, whole_history=True)
    month = timezone.localdate().replace(day=1)
    meridian = orgs["meridian"]
    cost = MetricMonth.objects.filter(template=template, rated=meridian, metric="cost")
    assert not cost.exists()  # HAL-PO-7001's line names no manufacturer part: no quote
    today = timezone.localdate().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        create_invoice(
            actor=people.ems_planner,
            agreement=sow,
            invoice={**earlier_stencil_invoice(), "date": today},
        )
        create_invoice(actor=people.ems_planner, agreement=sow, invoice=invoice_data())
    row = cost.get(month=month)
    # The stencil invoice: 350.00 invoiced and agreed. The invoice: 50,720.00 invoiced,
    # 49,750.00 agreed (its stencil billed a second time). (350 + 50,720) / (350 + 49,750) - 1
    # = 51,070 / 50,100 - 1 = +1.936 %.
    assert (row.numerator, row.denominator) == (pytest.approx(51070.0), pytest.approx(50100.0))
    assert row.value == pytest.approx((51070 / 50100 - 1) * 100)
    url = reverse("scorecard_drill", args=[template.pk, meridian.pk, f"{month:%Y-%m}", "cost"])
    page = client_for("oem_buyer").get(url).content.decode()
    assert "Invoice MER-INV-2042" in page
    assert "invoiced 50720.00 USD" in page and "agreed 49750.00" in page and "1.95" in page


def test_an_invoice_without_a_signed_version_in_force_is_not_compared(
    people, programs, orgs, parts
):
    from accord.agreements.tests.sample import draft_ebx2, signable

    agreement = draft_ebx2(people.oem_buyer, programs["EBX2"], orgs["meridian"], signable())
    po_with_receipt(orgs, programs, parts)
    create_invoice(
        actor=people.ems_planner,
        agreement=agreement,
        invoice={**invoice_data(), "due_date": timezone.localdate().isoformat()},
    )
    defaults = template_of(orgs["halcyon"], Direction.SUPPLIERS)
    template = save_template(actor=people.oem_buyer, template=defaults, **rules_of(defaults))
    compute_cards(template, whole_history=True)
    assert not MetricMonth.objects.filter(template=template, metric="cost").exists()


def test_a_withdrawn_invoice_leaves_both_cards(
    sow, people, orgs, django_capture_on_commit_callbacks
):
    from accord.agreements.invoice_services import withdraw_invoice

    today = timezone.localdate()
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month
    day = {n: month + dt.timedelta(days=n - 1) for n in range(1, 29)}
    on_time = create_invoice(
        actor=people.ems_planner, agreement=sow, invoice=_fee_invoice("INV-A", day[1], day[10])
    )
    record_invoice_payment(actor=people.oem_buyer, invoice=on_time, paid_on=day[10])
    unpaid = create_invoice(
        actor=people.ems_planner, agreement=sow, invoice=_fee_invoice("INV-B", day[1], day[20])
    )
    payments = template_of(orgs["meridian"], Direction.CUSTOMERS)
    payments = save_template(actor=people.ems_planner, template=payments, **rules_of(payments))
    costs = template_of(orgs["halcyon"], Direction.SUPPLIERS)
    costs = save_template(actor=people.oem_buyer, template=costs, **rules_of(costs))
    compute_cards(payments, whole_history=True)
    halcyon, meridian = orgs["halcyon"], orgs["meridian"]
    # INV-A paid on its due day, INV-B unpaid past due: 1 of 2.
    assert _payment(payments, halcyon, month) == (1.0, 2.0, 50.0)

    this_month = today.replace(day=1)
    with django_capture_on_commit_callbacks(execute=True):
        stencil = create_invoice(
            actor=people.ems_planner,
            agreement=sow,
            invoice={**earlier_stencil_invoice(), "date": today.isoformat()},
        )
        create_invoice(actor=people.ems_planner, agreement=sow, invoice=invoice_data())
    cost = MetricMonth.objects.filter(template=costs, rated=meridian, metric="cost")
    row = cost.get(month=this_month)
    # As in the test above: (350 + 50,720) / (350 + 49,750).
    assert (row.numerator, row.denominator) == (pytest.approx(51070.0), pytest.approx(50100.0))

    # Withdrawing refreshes the cards as entering did. The stencil invoice gone, the issue's
    # stencil line is its first billing (agreed): 50,720.00 invoiced, 49,750 + 350 = 50,100.00
    # agreed, 50,720 / 50,100 - 1 = +1.238 %.
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_invoice(actor=people.ems_planner, invoice=stencil, reason="Wrong PO")
    row = cost.get(month=this_month)
    assert (row.numerator, row.denominator) == (pytest.approx(50720.0), pytest.approx(50100.0))
    assert row.value == pytest.approx((50720 / 50100 - 1) * 100)
    # INV-B withdrawn: INV-A alone, paid on time: 1 of 1.
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_invoice(actor=people.ems_planner, invoice=unpaid, reason="Entered twice")
    assert _payment(payments, halcyon, month) == (1.0, 1.0, 100.0)
