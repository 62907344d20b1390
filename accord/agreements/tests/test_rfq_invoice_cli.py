"""`accord rfq compare` and `accord invoice-check` as the people who use them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from accord.agreements.invoice_services import create_invoice
from accord.agreements.models import Invoice
from accord.agreements.rfq_services import submit_quote
from accord.agreements.tests.invoice_sample import (
    PO,
    earlier_stencil_invoice,
    po_with_receipt,
    sow_v3,
)
from accord.agreements.tests.rfq_sample import QUOTE_A, ebx2_rfq, quote
from accord.agreements.tests.test_rfq_invoice_http import FILE
from accord.core.models import AccessLogEntry


def _run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_rfq_compare_in_every_format(people, programs, boms, orgs):
    rfq = ebx2_rfq(people, programs, boms, orgs)
    submit_quote(actor=people["ems_planner"], rfq=rfq, quote=quote(QUOTE_A))
    rows = json.loads(_run("rfq", "compare", str(rfq.pk), "--as", "oem_buyer", "--format", "json"))[
        "rows"
    ]
    assert [(r["volume"], r["landed_unit_cost"]) for r in rows] == [
        (500, "24.6500"),
        (5000, "11.1600"),
        (50000, "8.3710"),
    ]
    table = list(
        csv.reader(
            io.StringIO(_run("rfq", "compare", str(rfq.pk), "--as", "oem_buyer", "--format", "csv"))
        )
    )
    assert table[0][:3] == ["volume", "supplier", "currency"] and len(table) == 4
    assert "24.6500" in _run("rfq", "compare", str(rfq.pk), "--as", "oem_buyer")
    assert (
        AccessLogEntry.objects.filter(object_type="agreements.rfqquote", channel="cli").count() == 3
    )
    with pytest.raises(CommandError, match="not_found"):
        _run("rfq", "compare", str(rfq.pk), "--as", "other_oem_user")


def test_invoice_check_reads_the_file_and_writes_nothing_without_save(
    people, programs, orgs, parts, tmp_path
):
    agreement = sow_v3(people, programs, orgs)
    po_with_receipt(orgs, programs, parts)
    create_invoice(
        actor=people["ems_planner"], agreement=agreement, invoice=earlier_stencil_invoice()
    )
    path = tmp_path / "MER-INV-2042.csv"
    path.write_text(FILE)
    args = (
        "invoice_check",
        str(path),
        "--agreement",
        str(agreement.pk),
        "--po",
        PO,
        "--as",
        "oem_buyer",
    )
    report = json.loads(_run(*args, "--format", "json"))
    assert (report["invoiced"], report["agreed"], report["disputed"]) == (
        "50720.00",
        "49750.00",
        "970.00",
    )
    assert Invoice.objects.count() == 1
    assert "disputed 970.00 USD" in _run(*args)
    _run(*args, "--save")
    assert Invoice.objects.filter(number="MER-INV-2042").exists()
    with pytest.raises(CommandError, match="not_found"):
        _run(
            "invoice_check",
            str(path),
            "--agreement",
            str(agreement.pk),
            "--po",
            PO,
            "--as",
            "outsider",
        )
