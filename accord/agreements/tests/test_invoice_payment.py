"""Due dates and payments of invoices: the payment terms clause (and the hashes of the versions
signed before it existed), the due date entered or defaulted, the buyer's record of the day
it paid, through the service, the API, the pages and the command."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from accord.agreements.invoice_services import create_invoice, record_invoice_payment
from accord.agreements.models import Invoice
from accord.agreements.services import save_terms
from accord.agreements.terms import canonical_terms, parse_terms, terms_hash
from accord.agreements.tests.invoice_sample import (
    PO,
    _sign,
    invoice_data,
    po_with_receipt,
    sow_v3,
)
from accord.agreements.tests.sample import draft_ebx2, signable
from accord.core.errors import Forbidden, InvalidInput
from accord.core.models import Event

API = "/api/v1"

# The SHA-256 of the sample's signable terms and of empty terms, computed before the payment
# terms clause existed: the versions signed then keep their hashes.
SIGNABLE_HASH = "b7065c03f8cbf165fb196ed2c77b0f903080aa61763a6a786754b4bac78eeb99"
EMPTY_HASH = "84fa3356dbf98e0e7da70a69101bbb6e322ec868a9d07702ffa43a4020002132"


def test_terms_signed_before_payment_terms_existed_hash_the_same():
    assert terms_hash(signable()) == SIGNABLE_HASH
    assert terms_hash({}) == EMPTY_HASH
    assert "payment_days" not in canonical_terms(parse_terms(signable()))


def test_payment_terms_are_part_of_the_hash_once_set():
    net30 = {**signable(), "payment_days": 30}
    assert canonical_terms(parse_terms(net30))["payment_days"] == 30
    assert terms_hash(net30) != SIGNABLE_HASH
    assert terms_hash({**signable(), "payment_days": 0}) not in {SIGNABLE_HASH, terms_hash(net30)}


@pytest.mark.parametrize("days", [-1, 366, True, "30 days", 30.5])
def test_payment_terms_out_of_range_are_refused_naming_the_clause(days):
    with pytest.raises(InvalidInput) as refused:
        parse_terms({"payment_days": days})
    assert [p["clause"] for p in refused.value.detail["problems"]] == ["payment_days"]


@pytest.fixture
def sow(people, programs, orgs, parts):
    """Net 30 in every version; PO HAL-PO-7001 issued 20 days ago, under v3."""
    agreement = sow_v3(people, programs, orgs)
    po_with_receipt(orgs, programs, parts)
    return agreement


def test_the_due_date_defaults_to_the_date_plus_the_payment_terms(sow, people):
    data = {**invoice_data(), "date": "2026-10-15"}
    invoice = create_invoice(actor=people["ems_planner"], agreement=sow, invoice=data)
    assert invoice.due_date == dt.date(2026, 11, 14)  # 15 October + 30 days
    event = Event.objects.filter(verb="entered invoice").latest("id")
    assert event.changes["due_date"] == "2026-11-14"


def test_the_payment_terms_are_those_in_force_at_the_pos_date(sow, people):
    # v4 (net 60) is signed today, after the PO's date (20 days ago): v3's net 30 applies.
    save_terms(actor=people["oem_buyer"], agreement=sow, terms={**signable(), "payment_days": 60})
    _sign(people, sow, 4, 0)
    data = {**invoice_data(), "date": "2026-10-15"}
    invoice = create_invoice(actor=people["ems_planner"], agreement=sow, invoice=data)
    assert invoice.due_date == dt.date(2026, 11, 14)


def test_a_due_date_given_wins_and_may_not_precede_the_invoice(sow, people):
    data = {**invoice_data(), "date": "2026-10-15", "due_date": "2026-10-31"}
    invoice = create_invoice(actor=people["ems_planner"], agreement=sow, invoice=data)
    assert invoice.due_date == dt.date(2026, 10, 31)
    early = {**invoice_data("MER-INV-EARLY"), "date": "2026-10-15", "due_date": "2026-10-14"}
    with pytest.raises(InvalidInput) as refused:
        create_invoice(actor=people["ems_planner"], agreement=sow, invoice=early)
    assert refused.value.detail == {"field": "due_date"}
    assert not Invoice.objects.filter(number="MER-INV-EARLY").exists()


def test_without_payment_terms_the_due_date_is_required(people, programs, orgs, parts):
    agreement = draft_ebx2(people["oem_buyer"], programs["EBX2"], orgs["meridian"], signable())
    _sign(people, agreement, 1, 30)
    po_with_receipt(orgs, programs, parts)
    with pytest.raises(InvalidInput) as refused:
        create_invoice(actor=people["ems_planner"], agreement=agreement, invoice=invoice_data())
    assert refused.value.detail == {"field": "due_date"}
    assert "due_date" in refused.value.message
    assert not Invoice.objects.exists()
    given = {**invoice_data(), "due_date": timezone.localdate().isoformat()}
    invoice = create_invoice(actor=people["ems_planner"], agreement=agreement, invoice=given)
    assert invoice.due_date == timezone.localdate()


@pytest.fixture
def invoice(sow, people):
    """The issue's invoice, dated 10 days ago: due in 20 days (net 30)."""
    ten_days_ago = timezone.localdate() - dt.timedelta(days=10)
    data = {**invoice_data(), "date": ten_days_ago.isoformat()}
    return create_invoice(actor=people["ems_planner"], agreement=sow, invoice=data)


def test_the_buyer_records_the_day_it_paid_and_corrects_it(invoice, people):
    today = timezone.localdate()
    paid = record_invoice_payment(
        actor=people["oem_buyer"], invoice=invoice, paid_on=today - dt.timedelta(days=2)
    )
    invoice.refresh_from_db()
    assert invoice.paid_on == paid.paid_on == today - dt.timedelta(days=2)
    assert invoice.paid_recorded_by == people["oem_buyer"]
    assert invoice.paid_recorded_at is not None
    event = Event.objects.filter(verb="recorded invoice payment").get()
    assert event.changes == {"paid_on": [None, (today - dt.timedelta(days=2)).isoformat()]}
    # Corrected by the buyer's engineer: the same call again.
    record_invoice_payment(actor=people["oem_engineer"], invoice=invoice, paid_on=today)
    invoice.refresh_from_db()
    assert (invoice.paid_on, invoice.paid_recorded_by) == (today, people["oem_engineer"])
    assert Event.objects.filter(verb="corrected invoice payment").count() == 1


def test_a_payment_in_the_future_or_before_the_invoice_is_refused(invoice, people):
    for day in (
        timezone.localdate() + dt.timedelta(days=1),
        invoice.date - dt.timedelta(days=1),
    ):
        with pytest.raises(InvalidInput) as refused:
            record_invoice_payment(actor=people["oem_buyer"], invoice=invoice, paid_on=day)
        assert refused.value.detail == {"field": "paid_on"}
    # The invoice's own date is the earliest day it can be paid.
    record_invoice_payment(actor=people["oem_buyer"], invoice=invoice, paid_on=invoice.date)
    invoice.refresh_from_db()
    assert invoice.paid_on == invoice.date


def test_the_issuer_may_not_record_its_invoice_paid(invoice, people):
    with pytest.raises(Forbidden):
        record_invoice_payment(
            actor=people["ems_planner"], invoice=invoice, paid_on=timezone.localdate()
        )
    invoice.refresh_from_db()
    assert invoice.paid_on is None
    assert not Event.objects.filter(verb="recorded invoice payment").exists()


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_api_records_the_payment(invoice, client_for):
    today = timezone.localdate().isoformat()
    url = f"{API}/invoices/{invoice.pk}/payment"
    response = _post(client_for("oem_buyer"), url, {"paid_on": today})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["number"], body["paid_on"]) == ("MER-INV-2042", today)
    assert body["due_date"] == (invoice.date + dt.timedelta(days=30)).isoformat()
    listed = client_for("ems_planner").get(f"{API}/agreements/{invoice.agreement_id}/invoices")
    assert [i["paid_on"] for i in listed.json()] == [today]


@pytest.mark.parametrize(
    ("persona", "body", "status"),
    [
        ("oem_buyer", {"paid_on": "2999-01-01"}, 422),
        ("oem_buyer", {"paid_on": "2000-01-01"}, 422),
        ("oem_buyer", {"paid_on": "30.11.2026"}, 422),
        ("oem_buyer", {}, 422),
        ("ems_planner", {"paid_on": "today"}, 422),
        ("ems_planner", None, 403),
        ("supplier_rep", None, 404),
        ("outsider", None, 404),
    ],
)
def test_the_api_refuses_naming_the_field(invoice, client_for, persona, body, status):
    payload = body if body is not None else {"paid_on": timezone.localdate().isoformat()}
    response = _post(client_for(persona), f"{API}/invoices/{invoice.pk}/payment", payload)
    assert response.status_code == status, response.content
    if status == 422:
        assert "paid_on" in json.dumps(response.json())
    invoice.refresh_from_db()
    assert invoice.paid_on is None


def test_the_api_takes_a_due_date_with_the_invoice(sow, client_for):
    data = {**invoice_data("MER-INV-API"), "date": "2026-10-15", "due_date": "2026-12-01"}
    response = _post(client_for("ems_planner"), f"{API}/agreements/{sow.pk}/invoices", data)
    assert response.status_code == 201, response.content
    assert response.json()["due_date"] == "2026-12-01"
    late = {**invoice_data("MER-INV-API2"), "date": "2026-10-15", "due_date": "2026-10-01"}
    response = _post(client_for("ems_planner"), f"{API}/agreements/{sow.pk}/invoices", late)
    assert response.status_code == 422
    assert response.json()["detail"] == {"field": "due_date"}


def test_an_uploaded_invoice_takes_its_due_date_from_the_form(sow, client_for):
    head = {
        "number": "MER-INV-FILE",
        "date": "2026-10-15",
        "currency": "USD",
        "po_reference": PO,
        "due_date": "2026-11-20",
    }
    response = client_for("ems_planner").post(
        f"{API}/agreements/{sow.pk}/invoices/upload",
        {**head, "file": SimpleUploadedFile("inv.csv", b"Fee Code,Qty,Unit Price\nFRT,10,0.15\n")},
    )
    assert response.status_code == 201, response.content
    assert Invoice.objects.get(number="MER-INV-FILE").due_date == dt.date(2026, 11, 20)


def test_the_invoice_page_records_the_payment(invoice, client_for):
    url = reverse("invoice_payment", args=[invoice.pk])
    page = client_for("oem_buyer").get(reverse("invoice_detail", args=[invoice.pk]))
    assert url in page.content.decode()  # the buyer's control on the invoice's page
    issuer_page = client_for("ems_planner").get(reverse("invoice_detail", args=[invoice.pk]))
    assert url not in issuer_page.content.decode()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    refused = client_for("oem_buyer").post(url, {"paid_on": tomorrow})
    assert refused.status_code == 422
    assert "paid_on" in refused.content.decode() and "in the future" in refused.content.decode()
    today = timezone.localdate()
    done = client_for("oem_buyer").post(url, {"paid_on": today.isoformat()})
    assert done.status_code == 302
    invoice.refresh_from_db()
    assert invoice.paid_on == today
    shown = client_for("ems_planner").get(reverse("invoice_detail", args=[invoice.pk]))
    assert f"{today:%Y-%m-%d}</strong> (on time)" in shown.content.decode()


def test_the_invoice_form_takes_a_due_date(sow, client_for):
    data = invoice_data("MER-INV-FORM")
    response = client_for("ems_planner").post(
        reverse("invoice_create", args=[sow.pk]),
        {
            **{k: data[k] for k in ("number", "date", "currency", "po_reference")},
            "due_date": "2027-02-01",
            "lines": json.dumps(data["lines"]),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Invoice.objects.get(number="MER-INV-FORM").due_date == dt.date(2027, 2, 1)


def test_the_command_records_the_payment(invoice, people):
    out = StringIO()
    today = timezone.localdate()
    call_command(
        "invoice_paid", str(invoice.pk), "--on", today.isoformat(), "--as", "oem_buyer", stdout=out
    )
    due = invoice.date + dt.timedelta(days=30)
    assert out.getvalue().strip() == (
        f"Invoice MER-INV-2042: due {due.isoformat()}, paid on {today.isoformat()} (on time)."
    )
    with pytest.raises(CommandError, match=r"buyer.*\(forbidden, 403\)"):
        call_command(
            "invoice_paid", str(invoice.pk), "--on", today.isoformat(), "--as", "ems_planner"
        )
    with pytest.raises(CommandError, match=r"\[paid_on\]"):
        call_command("invoice_paid", str(invoice.pk), "--on", "2999-01-01", "--as", "oem_buyer")
    with pytest.raises(CommandError, match="404"):
        call_command(
            "invoice_paid", str(invoice.pk), "--on", today.isoformat(), "--as", "supplier_rep"
        )


def test_the_check_command_takes_a_due_date(sow, tmp_path):
    path = tmp_path / "MER-INV-CLI.csv"
    path.write_text("Fee Code,Qty,Unit Price\nFRT,10,0.15\n")
    args = ["invoice_check", str(path), "--agreement", str(sow.pk), "--po", PO]
    call_command(
        *args, "--date", "2026-10-15", "--due", "2026-12-31", "--as", "oem_buyer", "--save",
        stdout=StringIO(),
    )  # fmt: skip
    assert Invoice.objects.get(number="MER-INV-CLI").due_date == dt.date(2026, 12, 31)
    path.rename(tmp_path / "MER-INV-CLI2.csv")
    with pytest.raises(CommandError, match=r"\[due_date\]"):
        call_command(
            "invoice_check", str(tmp_path / "MER-INV-CLI2.csv"), "--agreement", str(sow.pk),
            "--po", PO, "--date", "2026-10-15", "--due", "2026-10-01", "--as", "oem_buyer",
        )  # fmt: skip
