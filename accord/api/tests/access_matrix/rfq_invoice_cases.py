"""The RFQ and invoice API's rows of the access matrix. World (built lazily):

- Halcyon's RFQ for EBX2-PCBA rev B with Meridian and Corvid Assembly (a second EMS on EBX2
  under an NDA) invited and their quotes in (EMS A and B of the issue), and a second RFQ nobody
  is invited to yet. The RFQ is Halcyon's restricted data, the
  quotes their EMS's: EBX2's members from Halcyon (oem_buyer, oem_engineer) see both quotes,
  each read of a quote's prices one entry in its EMS's access log; Meridian's planner sees the
  RFQ and its own quote only, never Corvid's nor its name (not logged: its own); everyone
  else 404 (Sunridge's rep is on EBX2 but not invited, Brightline's NDA lapsed, Meridian's
  quality engineer is not on EBX2). Halcyon's people invite, award and close without award
  (the EMS: 403), the invited EMS quotes (the buyer: 403).
- Halcyon's SOW with Meridian signed three times (v3 in force), PO HAL-PO-7001 with 5,000
  received, and the issue's invoice: both parties' program members read and enter invoices
  (each check read in the other party's log); the buyer records fee requests and the day it
  paid an invoice (the EMS, its issuer: 403). Meridian withdraws its quote and the invoice it
  entered (Halcyon: 403); Halcyon lists and cancels its written fee requests (Meridian: 403).
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.api.tests.access_matrix.cases import SIGNED_IN, Case, World, case, expect

BUYERS = ["oem_buyer", "oem_engineer"]
PARTIES = [*BUYERS, "ems_planner"]
EBX2_NOT_OWNER = ["ems_planner", "supplier_rep", "nda_expired_partner"]


def _people(w: World) -> dict[str, Any]:
    return {p: w[p] for p in SIGNED_IN}


def _rfq(w: World) -> Any:
    if "rfq" not in w:
        from accord.agreements.rfq_services import submit_quote
        from accord.agreements.tests.rfq_sample import (
            QUOTE_A,
            ebx2_rfq,
            quote,
            second_ems_quote,
        )

        boms = {"EBX2-PCBA": w["bom:EBX2-PCBA"]}
        w["rfq"] = ebx2_rfq(_people(w), {"EBX2": w["EBX2"]}, boms, {"meridian": w["org:meridian"]})
        w["quote"] = submit_quote(actor=w["ems_planner"], rfq=w["rfq"], quote=quote(QUOTE_A))
        second_ems_quote(w["rfq"], w["oem_buyer"])
    return w["rfq"]


def _uninvited(w: World) -> Any:
    if "rfq2" not in w:
        from accord.agreements.tests.rfq_sample import ebx2_rfq

        boms = {"EBX2-PCBA": w["bom:EBX2-PCBA"]}
        w["rfq2"] = ebx2_rfq(_people(w), {"EBX2": w["EBX2"]}, boms, {"meridian": w["org:meridian"]})
        w["rfq2"].invited.clear()
    return w["rfq2"]


def _rfq_url(w: World) -> str:
    return f"/rfqs/{_rfq(w).pk}"


def _new_rfq(w: World) -> dict[str, Any]:
    return {
        "program_id": w["EBX2"].pk,
        "bom_id": w["bom:EBX2-PCBA"].pk,
        "title": "EBX2 PCBA second source",
        "due_date": "2027-06-01",
    }


def _quote(w: World) -> dict[str, Any]:
    from accord.agreements.tests.rfq_sample import QUOTE_A, quote

    return quote(QUOTE_A)


def _sow(w: World) -> Any:
    if "sow" not in w:
        from accord.agreements.invoice_services import create_invoice
        from accord.agreements.tests.invoice_sample import invoice_data, po_with_receipt, sow_v3

        programs = {"EBX2": w["EBX2"]}
        orgs = {"meridian": w["org:meridian"], "halcyon": w["org:halcyon"]}
        w["sow"] = sow_v3(_people(w), programs, orgs)
        po_with_receipt(orgs, programs, {"EBX2-PCBA": w["part:EBX2-PCBA"]})
        w["invoice"] = create_invoice(
            actor=w["ems_planner"], agreement=w["sow"], invoice=invoice_data()
        )
    return w["sow"]


def _fee_request(w: World) -> Any:
    if "fee_request" not in w:
        import datetime as dt

        from accord.agreements.invoice_services import record_fee_request

        w["fee_request"] = record_fee_request(
            actor=w["oem_buyer"], agreement=_sow(w), code="EXP", requested_on=dt.date(2027, 1, 10)
        )
    return w["fee_request"]


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def _invoices_url(w: World) -> str:
    return f"/agreements/{_sow(w).pk}/invoices"


def _new_invoice(w: World) -> dict[str, Any]:
    from accord.agreements.tests.invoice_sample import invoice_data

    return invoice_data("MER-INV-MATRIX")


def _upload(w: World) -> dict[str, Any]:
    from accord.agreements.tests.invoice_sample import PO

    return {
        "number": "MER-INV-UPLOAD",
        "date": "2027-01-15",
        "currency": "USD",
        "po_reference": PO,
        "file": SimpleUploadedFile("invoice.csv", b"Fee Code,Qty,Unit Price\nFRT,5000,0.15\n"),
    }


# The buyer's people read both quotes (one entry in each EMS's log); Meridian only its own.
QUOTE_READS = dict.fromkeys(BUYERS, (1, 1))
MERIDIAN, CORVID = "Meridian Electronics Manufacturing", "Corvid Assembly"
QUOTES_SEEN = {**{p: [CORVID, MERIDIAN] for p in BUYERS}, "ems_planner": [MERIDIAN]}


def _suppliers(body: Any) -> list[str]:
    rows = body["quotes"] if isinstance(body, dict) else body
    return sorted({row["supplier"] for row in rows})


RFQ_INVOICE_MATRIX: dict[tuple[str, str], list[Case]] = {
    ("GET", "/rfqs"): [case(lambda w: "/rfqs", expect(SIGNED_IN))],
    ("POST", "/rfqs"): [
        case(
            lambda w: "/rfqs",
            expect(BUYERS, status=201, forbidden=EBX2_NOT_OWNER),
            body=_new_rfq,
        )
    ],
    ("GET", "/rfqs/{rfq_id}"): [
        case(
            _rfq_url,
            expect(PARTIES),
            logged=QUOTE_READS,
            sees=lambda body: [*_suppliers(body), *body["invited"]],
            seen={
                **{p: [CORVID, MERIDIAN, CORVID, MERIDIAN] for p in BUYERS},
                "ems_planner": [MERIDIAN, MERIDIAN],
            },
        )
    ],
    ("POST", "/rfqs/{rfq_id}/invitations"): [
        case(
            lambda w: f"/rfqs/{_uninvited(w).pk}/invitations",
            expect(BUYERS),
            body=lambda w: {"organisation_id": w["org:meridian"].pk},
        )
    ],
    ("POST", "/rfqs/{rfq_id}/quotes"): [
        case(
            lambda w: f"{_rfq_url(w)}/quotes",
            expect(["ems_planner"], status=201, forbidden=BUYERS),
            body=_quote,
        )
    ],
    ("GET", "/rfqs/{rfq_id}/comparison"): [
        case(
            lambda w: f"{_rfq_url(w)}/comparison",
            expect(PARTIES),
            logged=QUOTE_READS,
            sees=_suppliers,
            seen=QUOTES_SEEN,
        )
    ],
    ("POST", "/rfqs/{rfq_id}/quotes/{quote_id}/award"): [
        case(
            lambda w: f"{_rfq_url(w)}/quotes/{w['quote'].pk}/award",
            expect(BUYERS, status=201, forbidden=["ems_planner"]),
        )
    ],
    ("POST", "/rfqs/{rfq_id}/quotes/{quote_id}/withdraw"): [
        case(
            lambda w: f"{_rfq_url(w)}/quotes/{w['quote'].pk}/withdraw",
            expect(["ems_planner"], forbidden=BUYERS),
            body=lambda w: {"reason": "Quoted in the wrong currency"},
        )
    ],
    ("POST", "/rfqs/{rfq_id}/close"): [
        case(
            lambda w: f"{_rfq_url(w)}/close",
            expect(BUYERS, forbidden=["ems_planner"]),
            body=lambda w: {"reason": "The program is cancelled"},
        )
    ],
    ("GET", "/agreements/{agreement_id}/invoices"): [case(_invoices_url, expect(PARTIES))],
    ("POST", "/agreements/{agreement_id}/invoices"): [
        case(_invoices_url, expect(PARTIES, status=201), body=_new_invoice)
    ],
    ("POST", "/agreements/{agreement_id}/invoices/upload"): [
        case(
            lambda w: f"{_invoices_url(w)}/upload",
            expect(PARTIES, status=201),
            body=_upload,
            multipart=True,
        )
    ],
    ("GET", "/invoices/{invoice_id}/check"): [
        case(
            lambda w: f"/invoices/{_sow(w) and w['invoice'].pk}/check",
            expect(PARTIES),
            logged=dict.fromkeys(PARTIES, (1,)),
        )
    ],
    ("POST", "/invoices/{invoice_id}/payment"): [
        case(
            lambda w: f"/invoices/{_sow(w) and w['invoice'].pk}/payment",
            expect(BUYERS, forbidden=["ems_planner"]),
            body=lambda w: {"paid_on": _today()},  # the invoice is dated today
        )
    ],
    ("POST", "/agreements/{agreement_id}/fee-requests"): [
        case(
            lambda w: f"/agreements/{_sow(w).pk}/fee-requests",
            expect(BUYERS, status=201, forbidden=["ems_planner"]),
            body=lambda w: {"code": "EXP", "requested_on": "2027-01-10", "reference": "mail"},
        )
    ],
    ("POST", "/invoices/{invoice_id}/withdraw"): [
        case(
            lambda w: f"/invoices/{_sow(w) and w['invoice'].pk}/withdraw",
            expect(["ems_planner"], forbidden=BUYERS),
            body=lambda w: {"reason": "Entered twice"},
        )
    ],
    ("GET", "/agreements/{agreement_id}/fee-requests"): [
        case(
            lambda w: f"/agreements/{_fee_request(w) and _sow(w).pk}/fee-requests", expect(PARTIES)
        )
    ],
    ("POST", "/fee-requests/{fee_request_id}/cancel"): [
        case(
            lambda w: f"/fee-requests/{_fee_request(w).pk}/cancel",
            expect(BUYERS, forbidden=["ems_planner"]),
            body=lambda w: {"reason": "Recorded by mistake"},
        )
    ],
}
