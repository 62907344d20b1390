"""Withdrawing an invoice entered by mistake (the party that entered it, before its payment)
and cancelling a written fee request (the buyer): in the service, the check, the API, the
pages and the command line. A withdrawn invoice stays readable but is no billing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from accord.agreements.invoice_queries import invoice_report
from accord.agreements.invoice_services import (
    cancel_fee_request,
    create_invoice,
    record_fee_request,
    record_invoice_payment,
    withdraw_invoice,
)
from accord.agreements.models import FeeRequest, Invoice
from accord.agreements.tests.invoice_sample import (
    earlier_stencil_invoice,
    invoice_data,
    po_with_receipt,
    sow_v3,
)
from accord.api.tests.utils import API
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.models import Event
from accord.web.tests.helpers import table, text

D = Decimal


@pytest.fixture
def sow(people: Any, programs: Any, orgs: Any, parts: Any) -> Any:
    agreement = sow_v3(people, programs, orgs)
    po_with_receipt(orgs, programs, parts)
    return agreement


@pytest.fixture
def stencil(sow: Any, people: Any) -> Invoice:
    """MER-INV-2001, ten days ago: the one-time stencil fee, 350.00 (entered by Meridian)."""
    return create_invoice(
        actor=people.ems_planner, agreement=sow, invoice=earlier_stencil_invoice()
    )


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_withdrawn_invoice_no_longer_bills_the_one_time_fee(
    stencil: Invoice, sow: Any, people: Any
) -> None:
    issue = create_invoice(actor=people.ems_planner, agreement=sow, invoice=invoice_data())
    line = invoice_report(issue).lines[3]
    assert (line.verdict, line.agreed, line.disputed) == ("billed_twice", D("0.00"), D("350.00"))

    with pytest.raises(Forbidden, match="party that entered"):
        withdraw_invoice(actor=people.oem_buyer, invoice=stencil, reason="Not ours")
    with pytest.raises(InvalidInput, match="reason"):
        withdraw_invoice(actor=people.ems_planner, invoice=stencil, reason="  ")
    withdraw_invoice(actor=people.ems_planner, invoice=stencil, reason="Billed on the wrong PO")

    stored = Invoice.objects.get(pk=stencil.pk)
    assert stored.is_withdrawn and stored.withdrawn_by == people.ems_planner
    assert stored.withdraw_reason == "Billed on the wrong PO"
    event = Event.objects.get(verb="withdrew invoice")
    assert event.changes == {"number": "MER-INV-2001", "reason": "Billed on the wrong PO"}
    report = invoice_report(issue)
    line = report.lines[3]
    assert (line.verdict, line.agreed, line.disputed) == ("match", D("350.00"), D("0.00"))
    # Invoiced 50,720.00 as before; agreed 49,000 + 750 + 350 = 50,100.00; disputed the price
    # (250.00), the unrequested expedite (250.00) and the handling surcharge (120.00): 620.00.
    assert (report.invoiced, report.agreed, report.disputed) == (
        D("50720.00"),
        D("50100.00"),
        D("620.00"),
    )
    with pytest.raises(Conflict, match="withdrawn already"):
        withdraw_invoice(actor=people.ems_planner, invoice=stored, reason="Again")


def test_receipts_billed_by_a_withdrawn_invoice_may_be_billed_again(sow: Any, people: Any) -> None:
    first = create_invoice(
        actor=people.ems_planner, agreement=sow, invoice=invoice_data(price="9.80")
    )
    again = invoice_data("MER-INV-2050", price="9.80")
    again["lines"] = [again["lines"][0] | {"quantity": "1000"}]
    second = create_invoice(actor=people.ems_planner, agreement=sow, invoice=again)
    assert invoice_report(second).lines[0].verdict == "over_received"
    withdraw_invoice(actor=people.ems_planner, invoice=first, reason="Entered twice")
    # Nothing of the 5,000 received is billed now: 1,000 x 9.80 = 9,800.00 agreed.
    line = invoice_report(second).lines[0]
    assert (line.verdict, line.agreed, line.disputed) == ("match", D("9800.00"), D("0.00"))


def test_the_buyer_withdraws_the_invoice_it_keyed_in_not_the_issuer(sow: Any, people: Any) -> None:
    keyed = create_invoice(actor=people.oem_buyer, agreement=sow, invoice=invoice_data())
    with pytest.raises(Forbidden):
        withdraw_invoice(actor=people.ems_planner, invoice=keyed, reason="Not mine")
    withdraw_invoice(actor=people.oem_engineer, invoice=keyed, reason="Keyed in twice")
    assert Invoice.objects.get(pk=keyed.pk).is_withdrawn


def test_a_paid_invoice_is_not_withdrawn(stencil: Invoice, people: Any, client_for: Any) -> None:
    paid_on = timezone.localdate()
    record_invoice_payment(actor=people.oem_buyer, invoice=stencil, paid_on=paid_on)
    response = _post(
        client_for("ems_planner"), f"{API}/invoices/{stencil.pk}/withdraw", {"reason": "Oops"}
    )
    assert response.status_code == 409, response.content
    assert f"was paid on {paid_on.isoformat()}" in response.json()["message"]
    assert not Invoice.objects.get(pk=stencil.pk).is_withdrawn


def test_withdrawing_through_the_api(stencil: Invoice, sow: Any, client_for: Any) -> None:
    url = f"{API}/invoices/{stencil.pk}/withdraw"
    assert _post(client_for("oem_buyer"), url, {"reason": "x"}).status_code == 403
    assert _post(client_for("supplier_rep"), url, {"reason": "x"}).status_code == 404
    refused = _post(client_for("ems_planner"), url, {"reason": ""})
    assert refused.status_code == 422 and "reason" in refused.content.decode()
    done = _post(client_for("ems_planner"), url, {"reason": "Wrong PO"})
    assert done.status_code == 200, done.content
    assert done.json()["withdraw_reason"] == "Wrong PO" and done.json()["withdrawn_at"]
    assert _post(client_for("ems_planner"), url, {"reason": "Wrong PO"}).status_code == 409
    listed = f"{API}/agreements/{sow.pk}/invoices"
    assert [i["number"] for i in client_for("oem_buyer").get(listed).json()] == ["MER-INV-2001"]
    only = client_for("oem_buyer").get(f"{listed}?withdrawn=false").json()
    assert only == []
    withdrawn = client_for("oem_buyer").get(f"{listed}?withdrawn=true").json()
    assert [i["number"] for i in withdrawn] == ["MER-INV-2001"]


def test_withdrawing_on_the_page_and_from_the_command_line(
    stencil: Invoice, sow: Any, people: Any, client_for: Any
) -> None:
    detail = reverse("invoice_detail", args=[stencil.pk])
    assert "Withdraw the invoice" in text(client_for("ems_planner").get(detail))
    assert "Withdraw the invoice" not in text(client_for("oem_buyer").get(detail))
    url = reverse("invoice_withdraw", args=[stencil.pk])
    assert client_for("oem_buyer").post(url, {"reason": "x"}).status_code == 403
    page = client_for("ems_planner").post(url, {"reason": "Entered on the wrong agreement"})
    assert page.status_code == 302 and page["Location"] == detail
    shown = text(client_for("oem_buyer").get(detail))
    assert "Withdrawn" in shown and "Entered on the wrong agreement" in shown
    listed = reverse("invoice_list", args=[sow.pk])
    assert "MER-INV-2001" in text(client_for("oem_buyer").get(listed + "?status=withdrawn"))
    assert "MER-INV-2001" not in text(client_for("oem_buyer").get(listed + "?status=in-force"))

    issue = create_invoice(actor=people.ems_planner, agreement=sow, invoice=invoice_data())
    with pytest.raises(CommandError, match=r"party that entered.*403"):
        _run("invoice", "withdraw", str(issue.pk), "--reason", "x", "--as", "oem_buyer")
    with pytest.raises(CommandError, match="404"):
        _run("invoice", "withdraw", str(issue.pk), "--reason", "x", "--as", "supplier_rep")
    out = _run("invoice", "withdraw", str(issue.pk), "--reason", "Twice", "--as", "ems_planner")
    assert out.strip() == (
        "Withdrew invoice MER-INV-2042: it stays readable, and is no billing any more."
    )
    out = _run("invoice", "list", str(sow.pk), "--withdrawn", "yes", "--json", "--as", "oem_buyer")
    assert sorted(row["number"] for row in json.loads(out)) == ["MER-INV-2001", "MER-INV-2042"]


def test_a_cancelled_fee_request_no_longer_makes_the_expedite_requested(
    sow: Any, people: Any, client_for: Any
) -> None:
    request = record_fee_request(
        actor=people.oem_buyer, agreement=sow, code="EXP", requested_on=timezone.localdate()
    )
    issue = create_invoice(actor=people.ems_planner, agreement=sow, invoice=invoice_data())
    assert invoice_report(issue).lines[2].verdict == "match"
    with pytest.raises(Forbidden):
        cancel_fee_request(actor=people.ems_planner, fee_request=request, reason="x")
    cancel_fee_request(actor=people.oem_buyer, fee_request=request, reason="Asked by mistake")
    line = invoice_report(issue).lines[2]
    # Expedite 250.00, only on written request: none stands now.
    assert (line.verdict, line.agreed, line.disputed) == ("not_requested", D("0.00"), D("250.00"))
    event = Event.objects.get(verb="cancelled fee request")
    assert event.changes["reason"] == "Asked by mistake" and event.changes["code"] == "EXP"
    with pytest.raises(Conflict, match="cancelled already"):
        cancel_fee_request(
            actor=people.oem_buyer, fee_request=FeeRequest.objects.get(pk=request.pk), reason="x"
        )


def test_cancelling_a_fee_request_through_the_api_the_page_and_the_command_line(
    sow: Any, people: Any, client_for: Any
) -> None:
    made = [
        record_fee_request(
            actor=people.oem_buyer, agreement=sow, code="EXP", requested_on=dt.date(2027, 1, n)
        )
        for n in (10, 11, 12)
    ]
    url = f"{API}/fee-requests/{made[0].pk}/cancel"
    assert _post(client_for("ems_planner"), url, {"reason": "x"}).status_code == 403
    assert _post(client_for("supplier_rep"), url, {"reason": "x"}).status_code == 404
    done = _post(client_for("oem_buyer"), url, {"reason": "Duplicate"})
    assert done.status_code == 200, done.content
    assert done.json()["cancel_reason"] == "Duplicate"
    listed = client_for("ems_planner").get(f"{API}/agreements/{sow.pk}/fee-requests").json()
    assert [(r["requested_on"], r["cancel_reason"]) for r in listed] == [
        ("2027-01-12", ""),
        ("2027-01-11", ""),
        ("2027-01-10", "Duplicate"),
    ]

    page_url = reverse("fee_request_cancel", args=[made[1].pk])
    invoices = reverse("invoice_list", args=[sow.pk])
    assert "Cancel the request" in text(client_for("oem_buyer").get(invoices))
    assert "Cancel the request" not in text(client_for("ems_planner").get(invoices))
    assert client_for("ems_planner").post(page_url, {"reason": "x"}).status_code == 403
    page = client_for("oem_buyer").post(page_url, {"reason": "Asked twice"})
    assert page.status_code == 302 and page["Location"] == invoices
    assert FeeRequest.objects.get(pk=made[1].pk).cancel_reason == "Asked twice"

    with pytest.raises(CommandError, match="403"):
        _run(
            "invoice", "cancel-fee-request", str(made[2].pk), "--reason", "x", "--as", "ems_planner"
        )
    out = _run(
        "invoice",
        "cancel-fee-request",
        str(made[2].pk),
        "--reason",
        "Not sent",
        "--as",
        "oem_buyer",
    )
    assert out.strip() == "Cancelled the written request for EXP."
    out = _run("invoice", "fee-requests", str(sow.pk), "--json", "--as", "ems_planner")
    assert [row["status"] for row in json.loads(out)] == [
        "cancelled: Not sent",
        "cancelled: Asked twice",
        "cancelled: Duplicate",
    ]


def test_the_invoice_list_sorts_pages_and_exports(
    stencil: Invoice, sow: Any, people: Any, client_for: Any
) -> None:
    issue = create_invoice(actor=people.ems_planner, agreement=sow, invoice=invoice_data())
    withdraw_invoice(actor=people.ems_planner, invoice=stencil, reason="Keyed twice")
    buyer = client_for("oem_buyer")
    url = reverse("invoice_list", args=[sow.pk])
    caption = "Invoices of Meridian"
    newest_first = table(buyer.get(url), caption)
    assert [row[0] for row in newest_first] == ["MER-INV-2042", "MER-INV-2001"]
    by_number = table(buyer.get(url + "?sort=number"), caption)
    assert [row[0] for row in by_number] == ["MER-INV-2001", "MER-INV-2042"]
    export = buyer.get(url + "?format=csv&sort=number")
    lines = export.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0] == "Number,Date,PO,Currency,Due,Paid on,Status"
    assert [line.split(",")[0] for line in lines[1:]] == ["MER-INV-2001", "MER-INV-2042"]
    assert lines[1].endswith(",withdrawn") and lines[2].endswith(",in force")
    assert lines[2].startswith(f"MER-INV-2042,{issue.date.isoformat()},{issue.po_reference},USD,")
    only_withdrawn = buyer.get(url + "?format=csv&status=withdrawn")
    assert len(only_withdrawn.content.decode("utf-8-sig").strip().splitlines()) == 2
