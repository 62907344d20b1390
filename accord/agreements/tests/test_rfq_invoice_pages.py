"""The RFQ and invoice pages as people use them: a quote entered, the comparison exported, an
invoice file uploaded through the form, its check exported."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accord.agreements.invoice_services import create_invoice
from accord.agreements.models import Invoice
from accord.agreements.rfq_services import close_rfq, create_rfq
from accord.agreements.tests.invoice_sample import (
    PO,
    earlier_stencil_invoice,
    po_with_receipt,
    sow_v3,
)
from accord.agreements.tests.rfq_sample import QUOTE_A, ebx2_rfq, quote
from accord.agreements.tests.test_rfq_invoice_http import FILE
from accord.core.access import today
from accord.core.exports import XLSX_CONTENT_TYPE
from accord.web.tests.helpers import table


def test_a_quote_entered_on_its_page_is_compared_and_exported(
    people, programs, boms, orgs, client_for
):
    rfq = ebx2_rfq(people, programs, boms, orgs)
    planner = client_for("ems_planner")
    url = reverse("rfq_quote", args=[rfq.pk])
    refused = planner.post(url, {"quote": json.dumps(quote(QUOTE_A) | {"nre": "1.234,50"})})
    assert refused.status_code == 422
    assert "nre" in refused.content.decode()
    assert planner.post(url, {"quote": json.dumps(quote(QUOTE_A))}).status_code == 302
    page = client_for("oem_buyer").get(reverse("rfq_detail", args=[rfq.pk]))
    assert "24.6500" in page.content.decode()
    export = client_for("oem_buyer").get(reverse("rfq_detail", args=[rfq.pk]) + "?format=csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [(r[0], r[6]) for r in rows[1:]] == [
        ("500", "24.6500"),
        ("5000", "11.1600"),
        ("50000", "8.3710"),
    ]


def test_an_invoice_file_uploaded_through_the_form_is_checked_and_exported(
    people, programs, orgs, parts, client_for
):
    agreement = sow_v3(people, programs, orgs)
    po_with_receipt(orgs, programs, parts)
    create_invoice(
        actor=people["ems_planner"], agreement=agreement, invoice=earlier_stencil_invoice()
    )
    client = client_for("oem_buyer")
    head = {"number": "MER-INV-2042", "date": today().isoformat(), "currency": "USD"}
    answer = client.post(
        reverse("invoice_create", args=[agreement.pk]),
        {**head, "po_reference": PO, "file": SimpleUploadedFile("inv.csv", FILE.encode())},
    )
    invoice = Invoice.objects.get(number="MER-INV-2042")
    assert answer.status_code == 302
    assert answer["Location"] == reverse("invoice_detail", args=[invoice.pk])
    page = client.get(answer["Location"]).content.decode()
    assert "disputed <strong>970.00</strong>" in page
    export = client.get(answer["Location"] + "?format=xlsx")
    assert export["Content-Type"] == XLSX_CONTENT_TYPE
    bad = client.post(
        reverse("invoice_create", args=[agreement.pk]),
        {
            **head,
            "number": "MER-INV-2043",
            "po_reference": PO,
            "file": SimpleUploadedFile("inv.csv", (FILE + 'part,X,,,1,"1.234,50",\n').encode()),
        },
    )
    assert bad.status_code == 422
    assert "row 7" in bad.content.decode()
    assert not Invoice.objects.filter(number="MER-INV-2043").exists()


def test_the_rfq_list_sorts_filters_and_exports(people, programs, boms, orgs, client_for):
    first = ebx2_rfq(people, programs, boms, orgs)
    later = create_rfq(
        actor=people["oem_buyer"],
        program=programs["EBX2"],
        bom=boms["EBX2-PCBA"],
        title="EBX2 PCBA pilot run",
        due_date=first.due_date + dt.timedelta(days=7),
        invited=[orgs["meridian"]],
        volumes=[100, 500],
    )
    close_rfq(actor=people["oem_buyer"], rfq=later)
    buyer = client_for("oem_buyer")
    url = reverse("rfq_list")
    newest_due_first = table(buyer.get(url), "RFQs you may see")
    assert [row[0] for row in newest_due_first] == ["EBX2 PCBA pilot run", "EBX2 PCBA production"]
    by_title_reversed = table(buyer.get(url + "?sort=-title"), "RFQs you may see")
    assert [row[0] for row in by_title_reversed] == ["EBX2 PCBA production", "EBX2 PCBA pilot run"]
    open_only = table(buyer.get(url + "?status=open"), "RFQs you may see")
    assert [row[0] for row in open_only] == ["EBX2 PCBA production"]
    export = buyer.get(url + "?status=closed&format=csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Title",
        "Program",
        "Buyer",
        "Assembly",
        "Revision",
        "Volumes",
        "Due",
        "Status",
    ]
    assert len(rows) == 2 and rows[1][0] == "EBX2 PCBA pilot run"
    assert (rows[1][5], rows[1][6], rows[1][7]) == (
        "100 / 500",
        later.due_date.isoformat(),
        "Closed",
    )
    # Someone who sees no RFQ exports none.
    outsider = client_for("outsider").get(url + "?format=csv")
    assert outsider.content.decode("utf-8-sig").strip().splitlines()[1:] == []
