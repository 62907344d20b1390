"""The RFQ and invoice pages' rows of the page access matrix (test_access_matrix.py).

World (built on first use): Halcyon's RFQ for EBX2-PCBA rev B with Meridian and Corvid
Assembly (a second EMS on EBX2 under an NDA) invited and their quotes in, a second RFQ nobody
is invited to, and Halcyon's SOW with Meridian signed three times with PO HAL-PO-7001 received
and the issue's invoice (accord/agreements/tests/rfq_sample.py and invoice_sample.py). EBX2's
members from Halcyon (oem_buyer, oem_engineer) see the RFQ with both quotes, each read of a
quote in its EMS's access log; Meridian's planner sees it with its own quote only, never
Corvid's nor its name (not logged); everyone else 404. Halcyon's people invite and award
(Meridian: 403), Meridian quotes (Halcyon: 403), Halcyon's people close the RFQ without award
(Meridian: 403). Invoices are both parties' (each read of a check in the other party's log);
the buyer records fee requests and the day it paid an invoice (Meridian, the issuer: 403).
Withdrawing: Meridian withdraws its own quote (Halcyon: 403) and the invoice it entered
(Halcyon: 403); Halcyon cancels its written fee request (Meridian: 403).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.web.tests.access_matrix_agreements import EVERYONE, PERSONAS

BUYERS = ("oem_buyer", "oem_engineer")
PARTIES = (*BUYERS, "ems_planner")


def _only(allowed: dict[str, int]) -> dict[str, int]:
    return {persona: allowed.get(persona, 404) for persona in PERSONAS}


def rfq_invoices_world(
    people: Any, programs: Any, boms: Any, orgs: Any, parts: Any
) -> dict[str, Any]:
    built: dict[str, Any] = {}

    def rfq() -> Any:
        if "rfq" not in built:
            from accord.agreements.rfq_services import submit_quote
            from accord.agreements.tests.rfq_sample import (
                QUOTE_A,
                ebx2_rfq,
                quote,
                second_ems_quote,
            )

            built["rfq"] = ebx2_rfq(people, programs, boms, orgs)
            built["quote"] = submit_quote(
                actor=people["ems_planner"], rfq=built["rfq"], quote=quote(QUOTE_A)
            )
            second_ems_quote(built["rfq"], people["oem_buyer"])
        return built["rfq"]

    def uninvited() -> Any:
        if "rfq2" not in built:
            from accord.agreements.tests.rfq_sample import ebx2_rfq

            built["rfq2"] = ebx2_rfq(people, programs, boms, orgs)
            built["rfq2"].invited.clear()
        return built["rfq2"]

    def sow() -> Any:
        if "sow" not in built:
            from accord.agreements.invoice_services import create_invoice
            from accord.agreements.tests.invoice_sample import (
                invoice_data,
                po_with_receipt,
                sow_v3,
            )

            built["sow"] = sow_v3(people, programs, orgs)
            po_with_receipt(orgs, programs, parts)
            built["invoice"] = create_invoice(
                actor=people["ems_planner"], agreement=built["sow"], invoice=invoice_data()
            )
        return built["sow"]

    def fee_request() -> Any:
        if "fee_request" not in built:
            import datetime as dt

            from accord.agreements.invoice_services import record_fee_request

            built["fee_request"] = record_fee_request(
                actor=people["oem_buyer"],
                agreement=sow(),
                code="EXP",
                requested_on=dt.date(2027, 1, 10),
            )
        return built["fee_request"]

    return {
        "rfq": rfq,
        "rfq_quote": lambda: rfq() and built["quote"],
        "rfq_uninvited": uninvited,
        "sow": sow,
        "invoice": lambda: sow() and built["invoice"],
        "fee_request": fee_request,
    }


def _rfq(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["rfq"]().pk}


def _sow(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["sow"]().pk}


def _new_rfq(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "program": w["EBX2"].pk,
        "bom": w["EBX2-PCBA"].pk,
        "title": "EBX2 PCBA second source",
        "due_date": "2027-06-01",
        "volumes": "500, 5000",
    }


def _quote(w: dict[str, Any]) -> dict[str, Any]:
    import json

    from accord.agreements.tests.rfq_sample import QUOTE_A, quote

    return {"quote": json.dumps(quote(QUOTE_A))}


def _invoice(w: dict[str, Any]) -> dict[str, Any]:
    import json

    from accord.agreements.tests.invoice_sample import invoice_data

    data = invoice_data("MER-INV-PAGE")
    return {
        **{k: data[k] for k in ("number", "date", "currency", "po_reference")},
        "lines": json.dumps(data["lines"]),
    }


READERS = _only(dict.fromkeys(PARTIES, 200))
# Halcyon's people read both quotes (Meridian's and Corvid's): one entry in each EMS's log.
QUOTE_READ: dict[str, tuple[int, ...]] = dict.fromkeys(BUYERS, (1, 1))


def _ems_named(response: Any) -> list[str]:
    page = response.content.decode()
    return [name for name in ("Corvid Assembly", "Meridian") if name in page]


# An EMS never sees another's quote, nor its name.
RFQ_INVOICES_CONTENT: dict[
    str, tuple[Callable[[dict[str, Any]], dict[str, Any]], Callable[[Any], Any], dict[str, Any]]
] = {
    "rfq_detail": (
        lambda w: {"pk": w["rfq"]().pk},
        _ems_named,
        {
            **{p: ["Corvid Assembly", "Meridian"] for p in BUYERS},
            "ems_planner": ["Meridian"],
        },
    )
}

RFQ_INVOICES_GET: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], dict[str, int]]] = {
    "rfq_list": (lambda w: {}, EVERYONE),
    "rfq_create": (lambda w: {}, EVERYONE),
    "rfq_detail": (_rfq, READERS),
    "rfq_quote": (_rfq, READERS),
    "invoice_list": (_sow, READERS),
    "invoice_create": (_sow, READERS),
    "fee_request_create": (_sow, READERS),
    "invoice_detail": (lambda w: {"pk": w["invoice"]().pk}, READERS),
    "invoice_payment": (
        lambda w: {"pk": w["invoice"]().pk},
        _only({"ems_planner": 403, **dict.fromkeys(BUYERS, 200)}),
    ),
}
RFQ_INVOICES_LOGGED_READS: dict[str, dict[str, tuple[int, ...]]] = {
    "rfq_detail": QUOTE_READ,
    "invoice_detail": dict.fromkeys(PARTIES, (1,)),
}
RFQ_INVOICES_POST: dict[
    str,
    tuple[
        Callable[[dict[str, Any]], dict[str, Any]],
        Callable[[dict[str, Any]], dict[str, Any]],
        dict[str, int],
    ],
] = {
    "rfq_create": (
        lambda w: {},
        _new_rfq,
        {**dict.fromkeys(PERSONAS, 422), **dict.fromkeys(BUYERS, 302)},
    ),
    "rfq_invite": (
        lambda w: {"pk": w["rfq_uninvited"]().pk},
        lambda w: {"organisation": w["meridian"].pk},
        _only(dict.fromkeys(BUYERS, 302)),
    ),
    "rfq_quote": (_rfq, _quote, _only({"ems_planner": 302, **dict.fromkeys(BUYERS, 403)})),
    "rfq_award": (
        lambda w: {"pk": w["rfq"]().pk, "quote_pk": w["rfq_quote"]().pk},
        lambda w: {},
        _only({"ems_planner": 403, **dict.fromkeys(BUYERS, 302)}),
    ),
    "rfq_close": (
        _rfq,
        lambda w: {"reason": "The program is cancelled"},
        _only({"ems_planner": 403, **dict.fromkeys(BUYERS, 302)}),
    ),
    "invoice_create": (_sow, _invoice, _only(dict.fromkeys(PARTIES, 302))),
    "fee_request_create": (
        _sow,
        lambda w: {"code": "EXP", "requested_on": "2027-01-10", "reference": "mail"},
        _only({"ems_planner": 403, **dict.fromkeys(BUYERS, 302)}),
    ),
    "rfq_quote_withdraw": (
        lambda w: {"pk": w["rfq"]().pk, "quote_pk": w["rfq_quote"]().pk},
        lambda w: {"reason": "Quoted in the wrong currency"},
        _only({"ems_planner": 302, **dict.fromkeys(BUYERS, 403)}),
    ),
    "invoice_withdraw": (
        lambda w: {"pk": w["invoice"]().pk},
        lambda w: {"reason": "Entered twice"},
        _only({"ems_planner": 302, **dict.fromkeys(BUYERS, 403)}),
    ),
    "fee_request_cancel": (
        lambda w: {"pk": w["fee_request"]().pk},
        lambda w: {"reason": "Recorded by mistake"},
        _only({"ems_planner": 403, **dict.fromkeys(BUYERS, 302)}),
    ),
    # The invoice is dated today: paid today.
    "invoice_payment": (
        lambda w: {"pk": w["invoice"]().pk},
        lambda w: {"paid_on": _today()},
        _only({"ems_planner": 403, **dict.fromkeys(BUYERS, 302)}),
    ),
}


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()
