"""Retiring and reinstating an agreement (the buyer's people, who draft it), through the
service, the API, the pages and the command line; what a retired agreement still is (history,
the invoice check of purchase orders dated before its retirement) and what it no longer is."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from accord.agreements.invoice_queries import invoice_report
from accord.agreements.invoice_services import create_invoice
from accord.agreements.models import Agreement
from accord.agreements.rfq_services import award_quote, submit_quote
from accord.agreements.services import (
    reinstate_agreement,
    retire_agreement,
    save_terms,
    sign_agreement_version,
)
from accord.agreements.tests.invoice_sample import PO, invoice_data, po_with_receipt, sow_v3
from accord.agreements.tests.rfq_sample import QUOTE_A, ebx2_rfq, quote
from accord.agreements.tests.sample import signable
from accord.api.tests.utils import API, assert_error, send
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.models import Event
from accord.supply.models import PurchaseOrder
from accord.web.tests.helpers import table, text


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _verbs(agreement: Agreement) -> list[tuple[str, str]]:
    return [
        (e.actor.username, e.verb)
        for e in Event.objects.filter(
            object_type="agreements.agreement", object_id=str(agreement.pk)
        ).order_by("id")
        if e.verb in {"retired agreement", "reinstated agreement"}
    ]


def test_a_retired_agreement_is_history_until_it_is_reinstated(agreement, people):
    retired = retire_agreement(
        actor=people.oem_engineer, agreement=agreement, reason="  The program ended  "
    )
    assert (
        retired.retired_by == people.oem_engineer and retired.retire_reason == "The program ended"
    )
    digest = agreement.versions.get().terms_hash
    with pytest.raises(Conflict, match=r"retired on .*nothing is drafted or edited"):
        save_terms(actor=people.ems_planner, agreement=agreement, terms=signable() | {"moq": 600})
    with pytest.raises(Conflict, match="nothing is signed"):
        sign_agreement_version(actor=people.oem_buyer, agreement=agreement, terms_hash=digest)
    with pytest.raises(Conflict, match=r"retired on .* already"):
        retire_agreement(actor=people.oem_buyer, agreement=agreement, reason="again")
    # The draft is kept as it was: nothing voided, nothing signed.
    assert list(agreement.versions.values_list("number", "status")) == [(1, "draft")]
    assert not agreement.versions.get().signatures.exists()
    # The partner sees it but may not end it; a reason is required and at most 500 characters.
    with pytest.raises(Forbidden):
        reinstate_agreement(actor=people.ems_planner, agreement=agreement)
    reinstate_agreement(actor=people.oem_buyer, agreement=agreement)
    agreement.refresh_from_db()
    assert (agreement.retired_at, agreement.retired_by, agreement.retire_reason) == (None, None, "")
    with pytest.raises(Conflict, match="not retired"):
        reinstate_agreement(actor=people.oem_buyer, agreement=agreement)
    for reason in ("", "   ", "x" * 501):
        with pytest.raises(InvalidInput, match="reason"):
            retire_agreement(actor=people.oem_buyer, agreement=agreement, reason=reason)
    with pytest.raises(Forbidden):
        retire_agreement(actor=people.ems_planner, agreement=agreement, reason="No")
    # Reinstated: its draft is signed as before.
    for signer in (people.oem_buyer, people.ems_planner):
        sign_agreement_version(actor=signer, agreement=agreement, terms_hash=digest)
    assert agreement.versions.get().status == "signed"
    assert _verbs(agreement) == [
        ("oem_engineer", "retired agreement"),
        ("oem_buyer", "reinstated agreement"),
    ]


def test_retiring_through_the_api(agreement, client_for):
    url = f"{API}/agreements/{agreement.pk}"
    engineer, planner = client_for("oem_engineer"), client_for("ems_planner")
    assert_error(send(planner, "POST", f"{url}/retire", {"reason": "No"}), 403, "forbidden")
    assert_error(
        send(client_for("outsider"), "POST", f"{url}/retire", {"reason": "x"}), 404, "not_found"
    )
    for body in ({}, {"reason": ""}, {"reason": "x" * 501}, {"reason": "ok", "when": "now"}):
        assert_error(send(engineer, "POST", f"{url}/retire", body), 422, "invalid")
    assert Agreement.objects.get().retired_at is None
    retired = send(engineer, "POST", f"{url}/retire", {"reason": "Program ended"})
    assert retired.status_code == 200, retired.content
    body = retired.json()
    assert (body["retired"], body["retired_by"], body["retire_reason"], body["status"]) == (
        True,
        "Tomas Lindqvist",
        "Program ended",
        "draft",
    )
    assert_error(send(engineer, "POST", f"{url}/retire", {"reason": "again"}), 409, "conflict")
    # Every version stays readable; nothing more is drafted or signed (409, saying why).
    assert planner.get(url).json()["retired"] is True
    assert planner.get(f"{url}/versions/1").status_code == 200
    edit = send(planner, "PUT", f"{url}/terms", {"terms": signable() | {"moq": 600}})
    assert "retired on" in assert_error(edit, 409, "conflict")["message"]
    digest = agreement.versions.get().terms_hash
    sign = send(planner, "POST", f"{url}/sign", {"terms_hash": digest})
    assert "reinstate" in assert_error(sign, 409, "conflict")["message"]
    # The lists say so, and filter.
    listed = planner.get(f"{API}/agreements").json()["results"]
    assert [(a["id"], a["retired"]) for a in listed] == [(agreement.pk, True)]
    assert planner.get(f"{API}/agreements?retired=true").json()["count"] == 1
    assert planner.get(f"{API}/agreements?retired=false").json()["count"] == 0
    assert_error(send(planner, "POST", f"{url}/reinstate"), 403, "forbidden")
    back = send(client_for("oem_buyer"), "POST", f"{url}/reinstate")
    assert back.status_code == 200 and back.json()["retired"] is False
    assert back.json()["retired_at"] is None and back.json()["retire_reason"] == ""
    assert_error(send(client_for("oem_buyer"), "POST", f"{url}/reinstate"), 409, "conflict")
    assert planner.get(f"{API}/agreements?retired=false").json()["count"] == 1
    edited = send(planner, "PUT", f"{url}/terms", {"terms": signable() | {"moq": 600}})
    assert edited.status_code == 200


def test_retiring_on_the_pages(agreement, client_for):
    buyer, planner = client_for("oem_buyer"), client_for("ems_planner")
    detail = reverse("agreement_detail", args=[agreement.pk])
    assert "Retire the agreement" in buyer.get(detail).content.decode()
    assert "Retire the agreement" not in planner.get(detail).content.decode()
    assert (
        planner.post(reverse("agreement_retire", args=[agreement.pk]), {"reason": "x"}).status_code
        == 403
    )
    # Without a reason nothing happens and the page says why.
    buyer.post(reverse("agreement_retire", args=[agreement.pk]), {"reason": ""})
    assert Agreement.objects.get().retired_at is None
    assert "Give the reason" in text(buyer.get(detail))
    response = buyer.post(
        reverse("agreement_retire", args=[agreement.pk]), {"reason": "The partner changed"}
    )
    assert response.status_code == 302
    page = text(planner.get(detail))
    today = timezone.localdate().isoformat()
    assert f"Retired on {today} by Maya Okafor: The partner changed" in page
    assert "Edit the draft's terms" not in page and "Sign version" not in page
    # The versions stay readable; the editor answers 409 with the reason.
    assert planner.get(reverse("agreement_version", args=[agreement.pk, 1])).status_code == 200
    editor = planner.get(reverse("agreement_terms", args=[agreement.pk]))
    assert editor.status_code == 409 and "was retired on" in text(editor)
    rows = table(planner.get(reverse("agreement_list") + "?retired=yes"), "Agreements you may see")
    assert len(rows) == 1 and rows[0][5].startswith(f"Retired {today}")
    in_use = table(planner.get(reverse("agreement_list") + "?retired=no"), "Agreements you may see")
    assert in_use == [["No agreement that you may see."]]
    assert buyer.post(reverse("agreement_reinstate", args=[agreement.pk])).status_code == 302
    assert Agreement.objects.get().retired_at is None
    assert "Edit the draft's terms" in text(planner.get(detail))


def test_retiring_from_the_command_line(agreement, people):
    with pytest.raises(CommandError, match="Only the buyer's people"):
        run("agreement", "retire", str(agreement.pk), "--reason", "x", "--as", "ems_planner")
    with pytest.raises(CommandError, match="Not found"):
        run("agreement", "retire", str(agreement.pk), "--reason", "x", "--as", "outsider")
    out = run("agreement", "retire", str(agreement.pk), "--reason", "Ended", "--as", "oem_buyer")
    assert out.strip() == f"Retired Earbuds X2 manufacturing SOW on {timezone.localdate()}."
    listed = json.loads(
        run("agreement", "list", "--as", "ems_planner", "--json", "--retired", "yes")
    )
    assert [(a["id"], a["retired"]) for a in listed] == [
        (agreement.pk, timezone.localdate().isoformat())
    ]
    assert (
        json.loads(run("agreement", "list", "--as", "ems_planner", "--json", "--retired", "no"))
        == []
    )
    with pytest.raises(CommandError, match="retired on"):
        run(
            "agreement",
            "sign",
            str(agreement.pk),
            agreement.versions.get().terms_hash,
            "--as",
            "oem_buyer",
        )
    assert "in force again" in run(
        "agreement", "reinstate", str(agreement.pk), "--as", "oem_engineer"
    )
    with pytest.raises(CommandError, match="not retired"):
        run("agreement", "reinstate", str(agreement.pk), "--as", "oem_buyer")


def _po(orgs, programs, number: str, days_ago: int) -> PurchaseOrder:
    return PurchaseOrder.objects.create(
        buyer=orgs["halcyon"],
        supplier=orgs["meridian"],
        program=programs["EBX2"],
        number=number,
        currency="USD",
        status="acknowledged",
        issued_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def _retire_days_ago(agreement, people, days: int) -> None:
    retire_agreement(actor=people.oem_buyer, agreement=agreement, reason="Program ended")
    Agreement.objects.filter(pk=agreement.pk).update(
        retired_at=timezone.now() - dt.timedelta(days=days)
    )


def test_the_invoice_check_of_a_retired_agreement_goes_by_the_po_date(
    people, programs, orgs, parts
):
    """v1 signed 90 days ago, v2 60, v3 30 (tier 5,000 at 9.80); retired 10 days ago. A PO
    issued 20 days ago (before) is checked against v3; one issued 10 days ago (the day of the
    retirement) or 5 days ago finds no agreement in force. Reinstated, they find v3 again."""
    sow = sow_v3(people, programs, orgs)
    po_with_receipt(orgs, programs, parts, days_ago=20)
    _po(orgs, programs, "HAL-PO-7002", 10)
    _po(orgs, programs, "HAL-PO-7003", 5)
    _retire_days_ago(sow, people, 10)
    before = create_invoice(actor=people.ems_planner, agreement=sow, invoice=invoice_data())
    report = invoice_report(before)
    first = report.lines[0]
    # 5,000 x 9.85 against v3's 9.80: over by 250.00, as for an agreement in force.
    assert (first.verdict, first.agreed, first.disputed) == (
        "over",
        Decimal("49000.00"),
        Decimal("250.00"),
    )
    assert "v3 price tier 5,000: 9.80 USD" in first.term
    for number, po in (("MER-INV-7002", "HAL-PO-7002"), ("MER-INV-7003", "HAL-PO-7003")):
        data = invoice_data(number) | {"po_reference": po}
        later = create_invoice(actor=people.ems_planner, agreement=sow, invoice=data)
        report = invoice_report(later)
        assert {line.verdict for line in report.lines} == {"no_terms"}, po
        # 49,250 + 750 + 250 + 350 + 120 = 50,720.00, all disputed.
        assert (report.agreed, report.disputed) == (Decimal("0.00"), Decimal("50720.00"))
    reinstate_agreement(actor=people.oem_buyer, agreement=sow)
    later = sow.invoices.get(number="MER-INV-7003")
    assert "v3 price tier 5,000: 9.80 USD" in invoice_report(later).lines[0].term
    assert PO == "HAL-PO-7001"


def test_an_award_after_a_retirement_drafts_a_new_agreement(
    agreement, people, programs, boms, orgs
):
    retire_agreement(actor=people.oem_buyer, agreement=agreement, reason="Renegotiating")
    rfq = ebx2_rfq(people, programs, boms, orgs)
    submitted = submit_quote(actor=people.ems_planner, rfq=rfq, quote=quote(QUOTE_A))
    awarded = award_quote(actor=people.oem_buyer, rfq=rfq, quote=submitted)
    assert awarded != agreement and awarded.retired_at is None
    assert list(agreement.versions.values_list("number", flat=True)) == [1]
    assert Agreement.objects.count() == 2
