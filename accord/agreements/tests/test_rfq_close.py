"""Closing an RFQ without award (cancelling it): the buyer's people, on the page, through the
API and from the command line; after it, no invitation, quote or award."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accord.agreements.models import Rfq
from accord.agreements.rfq_services import award_quote, close_rfq, invite_to_rfq, submit_quote
from accord.agreements.tests.rfq_sample import QUOTE_A, ebx2_rfq, quote
from accord.api.tests.utils import API, assert_error, send
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.models import Event
from accord.web.tests.helpers import text


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def rfq(people: Any, programs: Any, boms: Any, orgs: Any) -> Rfq:
    return ebx2_rfq(people, programs, boms, orgs)


def _status(rfq: Rfq) -> str:
    return Rfq.objects.get(pk=rfq.pk).status


def test_a_closed_rfq_takes_nothing_more(rfq: Rfq, people: Any, orgs: Any) -> None:
    submitted = submit_quote(actor=people.ems_planner, rfq=rfq, quote=quote(QUOTE_A))
    with pytest.raises(Forbidden):
        close_rfq(actor=people.ems_planner, rfq=rfq)
    with pytest.raises(InvalidInput, match="500"):
        close_rfq(actor=people.oem_buyer, rfq=rfq, reason="x" * 501)
    closed = close_rfq(actor=people.oem_engineer, rfq=rfq, reason="Program cancelled")
    assert closed.status == "closed" and closed.awarded_quote is None
    event = Event.objects.get(verb="closed RFQ without award")
    assert (event.actor, event.changes) == (
        people.oem_engineer,
        {"reason": "Program cancelled", "quotes": 1},
    )
    rfq.refresh_from_db()
    with pytest.raises(Conflict, match="closed already"):
        close_rfq(actor=people.oem_buyer, rfq=rfq)
    with pytest.raises(Conflict):
        submit_quote(actor=people.ems_planner, rfq=rfq, quote=quote(QUOTE_A))
    with pytest.raises(Conflict):
        award_quote(actor=people.oem_buyer, rfq=rfq, quote=submitted)
    with pytest.raises(Conflict):
        invite_to_rfq(actor=people.oem_buyer, rfq=rfq, organisation=orgs["meridian"])


def test_an_awarded_rfq_is_not_closed(rfq: Rfq, people: Any) -> None:
    submitted = submit_quote(actor=people.ems_planner, rfq=rfq, quote=quote(QUOTE_A))
    award_quote(actor=people.oem_buyer, rfq=rfq, quote=submitted)
    rfq.refresh_from_db()
    with pytest.raises(Conflict, match="awarded already"):
        close_rfq(actor=people.oem_buyer, rfq=rfq)


def test_closing_through_the_api_the_page_and_the_command_line(
    rfq: Rfq, people: Any, programs: Any, boms: Any, orgs: Any, client_for: Any
) -> None:
    url = f"{API}/rfqs/{rfq.pk}/close"
    assert_error(send(client_for("ems_planner"), "POST", url, {}), 403, "forbidden")
    assert_error(send(client_for("supplier_rep"), "POST", url, {}), 404, "not_found")
    assert_error(send(client_for("oem_buyer"), "POST", url, {"why": "x"}), 422, "invalid")
    assert _status(rfq) == "open"
    closed = send(client_for("oem_buyer"), "POST", url, {"reason": "Cancelled"})
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed"
    assert_error(send(client_for("oem_buyer"), "POST", url, {}), 409, "conflict")
    quoted = send(client_for("ems_planner"), "POST", f"{API}/rfqs/{rfq.pk}/quotes", quote(QUOTE_A))
    assert_error(quoted, 409, "conflict")

    second = ebx2_rfq(people, programs, boms, orgs)
    detail = reverse("rfq_detail", args=[second.pk])
    assert "Close without award" in text(client_for("oem_buyer").get(detail))
    assert "Close without award" not in text(client_for("ems_planner").get(detail))
    page = client_for("ems_planner").post(reverse("rfq_close", args=[second.pk]), {})
    assert page.status_code == 403 and _status(second) == "open"
    page = client_for("oem_engineer").post(reverse("rfq_close", args=[second.pk]), {})
    assert page.status_code == 302 and _status(second) == "closed"
    shown = text(client_for("oem_buyer").get(detail))
    assert "closed" in shown and "Close without award" not in shown

    third = ebx2_rfq(people, programs, boms, orgs)
    with pytest.raises(CommandError, match="Only the buyer"):
        run("rfq", "close", str(third.pk), "--as", "ems_planner")
    out = run(
        "rfq", "close", str(third.pk), "--reason", "Second source dropped", "--as", "oem_buyer"
    )
    assert out.strip() == "Closed EBX2 PCBA production without award."
    assert _status(third) == "closed"
    with pytest.raises(CommandError, match="closed already"):
        run("rfq", "close", str(third.pk), "--as", "oem_buyer")
