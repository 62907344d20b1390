"""RFQs and invoices through the API, as the people who use them: need-to-know (404s), the
access log of price reads, uploads all or nothing, bad input answered 4xx naming the row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.agreements.models import Invoice, InvoiceLine, RfqQuote
from accord.agreements.tests.invoice_sample import (
    PO,
    earlier_stencil_invoice,
    invoice_data,
    po_with_receipt,
    sow_v3,
)
from accord.agreements.tests.rfq_sample import QUOTE_A, QUOTE_B, ebx2_rfq, quote
from accord.api.tests.utils import API, assert_error, send
from accord.core.access import today
from accord.core.models import AccessLogEntry
from accord.orgs.services import register_nda


@pytest.fixture
def rfq(people, programs, boms, orgs):
    return ebx2_rfq(people, programs, boms, orgs)


def test_an_ems_never_sees_another_quote_nor_its_name(rfq, client_for, people, programs, orgs):
    register_nda(
        actor=None,
        reference="NDA-HAL-BRL-2027",
        party_a=orgs["halcyon"],
        party_b=orgs["brightline"],
        effective_date=today() - dt.timedelta(days=1),
        expiry_date=None,
        programs=[programs["EBX2"]],
    )
    buyer = client_for("oem_buyer")
    invite = send(
        buyer,
        "POST",
        f"{API}/rfqs/{rfq.pk}/invitations",
        {"organisation_id": orgs["brightline"].pk},
    )
    assert invite.status_code == 200
    a = send(client_for("ems_planner"), "POST", f"{API}/rfqs/{rfq.pk}/quotes", quote(QUOTE_A))
    b = send(
        client_for("nda_expired_partner"), "POST", f"{API}/rfqs/{rfq.pk}/quotes", quote(QUOTE_B)
    )
    assert (a.status_code, b.status_code) == (201, 201)
    meridian = client_for("ems_planner").get(f"{API}/rfqs/{rfq.pk}").json()
    assert [q["supplier"] for q in meridian["quotes"]] == ["Meridian Electronics Manufacturing"]
    assert meridian["invited"] == ["Meridian Electronics Manufacturing"]
    assert (
        "Brightline"
        not in client_for("ems_planner").get(f"{API}/rfqs/{rfq.pk}/comparison").content.decode()
    )
    # Another's quote: 404, as if it did not exist; awarding is the buyer's (403).
    assert_error(
        send(
            client_for("ems_planner"), "POST", f"{API}/rfqs/{rfq.pk}/quotes/{b.json()['id']}/award"
        ),
        403,
        "forbidden",
    )
    compared = buyer.get(f"{API}/rfqs/{rfq.pk}/comparison").json()
    landed = {(r["volume"], r["supplier"].split()[0]): r["landed_unit_cost"] for r in compared}
    assert landed[(500, "Meridian")] == "24.6500"
    assert landed[(5000, "Brightline")] == "10.9500"
    for persona in ("other_oem_user", "outsider", "supplier_rep", "ems_quality"):
        assert client_for(persona).get(f"{API}/rfqs/{rfq.pk}").status_code == 404
        assert client_for(persona).get(f"{API}/rfqs/{rfq.pk}/comparison").status_code == 404


def test_the_buyers_read_of_quotes_is_in_each_ems_access_log(rfq, client_for):
    send(client_for("ems_planner"), "POST", f"{API}/rfqs/{rfq.pk}/quotes", quote(QUOTE_A))
    AccessLogEntry.objects.all().delete()
    client_for("ems_planner").get(f"{API}/rfqs/{rfq.pk}")  # its own quote: not logged
    client_for("oem_buyer").get(f"{API}/rfqs/{rfq.pk}/comparison")
    logged = AccessLogEntry.objects.filter(object_type="agreements.rfqquote")
    assert [(e.reader.username, e.owner.slug.split("-")[0]) for e in logged] == [
        ("oem_buyer", "meridian")
    ]


def test_a_gapped_quote_answers_422_naming_the_tiers(rfq, client_for):
    bad = quote(QUOTE_A) | {
        "tiers": [
            {"from_quantity": 500, "to_quantity": 999, "unit_price": "12.40", "currency": "USD"},
            {"from_quantity": 2000, "unit_price": "9.80", "currency": "USD"},
        ]
    }
    refused = assert_error(
        send(client_for("ems_planner"), "POST", f"{API}/rfqs/{rfq.pk}/quotes", bad), 422, "invalid"
    )
    assert "price tiers 500 and 2,000" in refused["message"]
    assert not RfqQuote.objects.exists()


def test_award_through_the_api_drafts_terms(rfq, client_for):
    made = send(
        client_for("ems_planner"), "POST", f"{API}/rfqs/{rfq.pk}/quotes", quote(QUOTE_A)
    ).json()
    awarded = send(
        client_for("oem_buyer"), "POST", f"{API}/rfqs/{rfq.pk}/quotes/{made['id']}/award"
    )
    assert awarded.status_code == 201
    agreement = client_for("ems_planner").get(f"{API}/agreements/{awarded.json()['agreement_id']}")
    assert agreement.json()["current"]["terms"]["moq"] == 500
    again = send(client_for("oem_buyer"), "POST", f"{API}/rfqs/{rfq.pk}/quotes/{made['id']}/award")
    assert_error(again, 409, "conflict")


@pytest.fixture
def sow(people, programs, orgs, parts):
    from accord.agreements.invoice_services import create_invoice

    agreement = sow_v3(people, programs, orgs)
    po_with_receipt(orgs, programs, parts)
    create_invoice(
        actor=people["ems_planner"], agreement=agreement, invoice=earlier_stencil_invoice()
    )
    return agreement


def _head(number="MER-INV-2042"):
    return {"number": number, "date": today().isoformat(), "currency": "USD", "po_reference": PO}


FILE = (
    "Kind,Description,Part Number,Fee Code,Qty,Unit Price,Amount\n"
    "part,EBX2 PCBA rev B,EBX2-PCBA,,5000,9.85,49250.00\n"
    "fee,Freight,,FRT,5000,0.15,750.00\n"
    "fee,Expedite,,EXP,1,250.00,250.00\n"
    "fee,Stencil,,STN,1,350.00,350.00\n"
    "other,Handling surcharge,,,1,120.00,120.00\n"
)


def _upload(client, agreement, text, name="invoice.csv", head=None):
    return client.post(
        f"{API}/agreements/{agreement.pk}/invoices/upload",
        {**(head or _head()), "file": SimpleUploadedFile(name, text.encode())},
    )


def test_the_issues_invoice_uploaded_as_csv_is_checked(sow, client_for):
    answer = _upload(client_for("ems_planner"), sow, FILE)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["invoiced"], body["agreed"], body["disputed"]) == (
        "50720.00",
        "49750.00",
        "970.00",
    )
    assert [line["verdict"] for line in body["lines"]] == [
        "over",
        "match",
        "not_requested",
        "billed_twice",
        "not_in_appendix_a",
    ]
    check = client_for("oem_buyer").get(f"{API}/invoices/{body['id']}/check").json()
    assert check["disputed"] == "970.00"


def test_an_uploaded_xlsx_is_read_like_the_csv(sow, client_for):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Invoice"
    for row in FILE.splitlines():
        sheet.append([float(c) if c.replace(".", "").isdigit() else c for c in row.split(",")])
    out = io.BytesIO()
    book.save(out)
    answer = client_for("ems_planner").post(
        f"{API}/agreements/{sow.pk}/invoices/upload",
        {**_head(), "file": SimpleUploadedFile("invoice.xlsx", out.getvalue())},
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["disputed"] == "970.00"


@pytest.mark.parametrize(
    ("bad_row", "column"),
    [
        ('part,EBX2 PCBA,EBX2-PCBA,,5000,"1.234,50",', "Unit Price (F)"),
        ("part,EBX2 PCBA,EBX2-PCBA,,5000,0,", "Unit Price (F)"),
        ("part,EBX2 PCBA,EBX2-PCBA,,-5,9.80,", "Qty (E)"),
        ("part,EBX2 PCBA,EBX2-PCBA,,5000,9.80,1.00", "Amount (G)"),
    ],
)
def test_a_bad_file_answers_422_by_row_and_column_and_writes_nothing(
    sow, client_for, bad_row, column
):
    before = (Invoice.objects.count(), InvoiceLine.objects.count())
    answer = _upload(client_for("ems_planner"), sow, FILE + bad_row + "\n")
    problems = assert_error(answer, 422, "invalid")["detail"]["problems"]
    assert [(p["file"], p["row"], p["column"]) for p in problems] == [("invoice.csv", 7, column)]
    assert (Invoice.objects.count(), InvoiceLine.objects.count()) == before


def test_mixed_currencies_in_a_file_are_refused_never_converted(sow, client_for):
    text = FILE.replace("Amount\n", "Amount,Currency\n", 1).replace(
        "120.00,120.00\n", "120.00,120.00,EUR\n"
    )
    answer = _upload(client_for("ems_planner"), sow, text)
    problems = assert_error(answer, 422, "invalid")["detail"]["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(6, "Currency (H)")]
    assert "never converted" in problems[0]["message"]


def test_invoices_are_404_to_everyone_but_the_two_parties(sow, client_for, people):
    from accord.agreements.invoice_services import create_invoice

    invoice = create_invoice(actor=people["ems_planner"], agreement=sow, invoice=invoice_data())
    for persona in (
        "other_oem_user",
        "outsider",
        "supplier_rep",
        "nda_expired_partner",
        "ems_quality",
    ):
        assert client_for(persona).get(f"{API}/invoices/{invoice.pk}/check").status_code == 404
        answer = send(
            client_for(persona), "POST", f"{API}/agreements/{sow.pk}/invoices", invoice_data("X-1")
        )
        assert answer.status_code == 404
    assert Invoice.objects.count() == 2
    assert Decimal(
        client_for("oem_buyer").get(f"{API}/invoices/{invoice.pk}/check").json()["agreed"]
    ) == Decimal("49750.00")


def test_locale_amounts_through_the_api_answer_422_naming_the_field(sow, rfq, client_for):
    bad_quote = quote(QUOTE_A) | {"nre": "1.234,50"}
    answer = send(client_for("ems_planner"), "POST", f"{API}/rfqs/{rfq.pk}/quotes", bad_quote)
    assert_error(answer, 422, "invalid")
    assert "nre" in answer.content.decode()
    data = invoice_data("MER-INV-LOCALE")
    data["lines"][1]["unit_price"] = "1.234,50"
    answer = send(client_for("ems_planner"), "POST", f"{API}/agreements/{sow.pk}/invoices", data)
    assert_error(answer, 422, "invalid")
    assert "unit_price" in answer.content.decode()
    assert not Invoice.objects.filter(number="MER-INV-LOCALE").exists()
    assert not RfqQuote.objects.exists()


def test_a_fee_request_for_an_unknown_fee_answers_422(sow, client_for):
    body = {"code": "XYZ", "requested_on": "2027-01-10", "reference": ""}
    answer = send(client_for("oem_buyer"), "POST", f"{API}/agreements/{sow.pk}/fee-requests", body)
    assert "XYZ is not a fee of Appendix A" in assert_error(answer, 422, "invalid")["message"]


def test_a_too_long_description_in_a_file_is_named_by_its_cell(sow, client_for):
    answer = _upload(client_for("ems_planner"), sow, FILE + f"other,{'x' * 201},,,1,5.00,5.00\n")
    problems = assert_error(answer, 422, "invalid")["detail"]["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(7, "Description (B)")]
