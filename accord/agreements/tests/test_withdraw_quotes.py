"""Withdrawing a quote: its EMS, while the RFQ is open; it leaves the comparison (the buyer no
longer sees it), its EMS still sees it, marked withdrawn, and may submit again."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accord.agreements.access import get_quote_for_user, quotes_visible_to
from accord.agreements.models import Rfq, RfqQuote
from accord.agreements.rfq_queries import comparison_rows
from accord.agreements.rfq_services import award_quote, close_rfq, submit_quote, withdraw_quote
from accord.agreements.tests.rfq_sample import QUOTE_A, ebx2_rfq, quote, second_ems_quote
from accord.api.tests.utils import API, assert_error, send
from accord.core.access import today
from accord.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from accord.core.models import Event
from accord.web.tests.helpers import text


@pytest.fixture
def rfq(people: Any, programs: Any, boms: Any, orgs: Any) -> Rfq:
    return ebx2_rfq(people, programs, boms, orgs)


def _compared(user: Any, rfq: Rfq) -> list[str]:
    return sorted({r.supplier for r in comparison_rows(rfq, quotes_visible_to(user), today())})


def test_a_withdrawn_quote_leaves_the_comparison_and_may_be_submitted_again(
    rfq: Rfq, people: Any
) -> None:
    mine = submit_quote(actor=people.ems_planner, rfq=rfq, quote=quote(QUOTE_A))
    second_ems_quote(rfq, people.oem_buyer)
    assert _compared(people.oem_buyer, rfq) == [
        "Corvid Assembly",
        "Meridian Electronics Manufacturing",
    ]
    with pytest.raises(Forbidden, match="EMS that submitted"):
        withdraw_quote(actor=people.oem_buyer, rfq=rfq, quote=mine, reason="x")
    with pytest.raises(InvalidInput, match="reason"):
        withdraw_quote(actor=people.ems_planner, rfq=rfq, quote=mine, reason="")
    withdraw_quote(actor=people.ems_planner, rfq=rfq, quote=mine, reason="Wrong currency")
    event = Event.objects.get(verb="withdrew quote")
    assert event.changes == {"quote": mine.pk, "reason": "Wrong currency"}

    # Out of every comparison; the buyer no longer sees it at all, its EMS sees it withdrawn.
    assert _compared(people.oem_buyer, rfq) == ["Corvid Assembly"]
    assert _compared(people.ems_planner, rfq) == []
    with pytest.raises(NotFound):
        get_quote_for_user(people.oem_buyer, rfq, mine.pk)
    own = get_quote_for_user(people.ems_planner, rfq, mine.pk)
    assert own.is_withdrawn and own.withdraw_reason == "Wrong currency"
    with pytest.raises(Conflict, match="withdrawn already"):
        withdraw_quote(actor=people.ems_planner, rfq=rfq, quote=own, reason="Again")
    with pytest.raises(Conflict, match="withdrawn"):
        award_quote(actor=people.oem_buyer, rfq=rfq, quote=own)

    # Submitted again: a new quote replaces the withdrawn one, compared again.
    again = submit_quote(actor=people.ems_planner, rfq=rfq, quote=quote(QUOTE_A))
    assert not again.is_withdrawn
    assert list(RfqQuote.objects.filter(rfq=rfq, supplier=again.supplier)) == [again]
    assert _compared(people.oem_buyer, rfq) == [
        "Corvid Assembly",
        "Meridian Electronics Manufacturing",
    ]


def test_the_quotes_of_an_awarded_or_closed_rfq_stand(
    rfq: Rfq, people: Any, programs: Any, boms: Any, orgs: Any
) -> None:
    mine = submit_quote(actor=people.ems_planner, rfq=rfq, quote=quote(QUOTE_A))
    award_quote(actor=people.oem_buyer, rfq=rfq, quote=mine)
    with pytest.raises(Conflict, match="awarded: its quotes stand"):
        withdraw_quote(actor=people.ems_planner, rfq=rfq, quote=mine, reason="Too late")
    second = ebx2_rfq(people, programs, boms, orgs)
    theirs = submit_quote(actor=people.ems_planner, rfq=second, quote=quote(QUOTE_A))
    close_rfq(actor=people.oem_buyer, rfq=second)
    with pytest.raises(Conflict, match="closed: its quotes stand"):
        withdraw_quote(actor=people.ems_planner, rfq=second, quote=theirs, reason="Too late")
    assert not RfqQuote.objects.filter(withdrawn_at__isnull=False).exists()


def test_withdrawing_through_the_api_the_page_and_the_command_line(
    rfq: Rfq, people: Any, programs: Any, boms: Any, orgs: Any, client_for: Any
) -> None:
    mine = submit_quote(actor=people.ems_planner, rfq=rfq, quote=quote(QUOTE_A))
    url = f"{API}/rfqs/{rfq.pk}/quotes/{mine.pk}/withdraw"
    assert_error(send(client_for("oem_buyer"), "POST", url, {"reason": "x"}), 403, "forbidden")
    assert_error(send(client_for("supplier_rep"), "POST", url, {"reason": "x"}), 404, "not_found")
    assert_error(send(client_for("ems_planner"), "POST", url, {}), 422, "invalid")
    done = send(client_for("ems_planner"), "POST", url, {"reason": "Wrong currency"})
    assert done.status_code == 200, done.content
    assert done.json()["withdraw_reason"] == "Wrong currency" and done.json()["withdrawn_at"]
    assert_error(send(client_for("ems_planner"), "POST", url, {"reason": "x"}), 409, "conflict")
    assert client_for("oem_buyer").get(f"{API}/rfqs/{rfq.pk}").json()["quotes"] == []
    own = client_for("ems_planner").get(f"{API}/rfqs/{rfq.pk}").json()["quotes"]
    assert [q["withdraw_reason"] for q in own] == ["Wrong currency"]
    assert client_for("oem_buyer").get(f"{API}/rfqs/{rfq.pk}/comparison").json() == []
    # Submitted again through the API: compared again.
    again = send(client_for("ems_planner"), "POST", f"{API}/rfqs/{rfq.pk}/quotes", quote(QUOTE_A))
    assert again.status_code == 201, again.content
    assert again.json()["withdrawn_at"] is None
    assert client_for("oem_buyer").get(f"{API}/rfqs/{rfq.pk}/comparison").json()

    second = ebx2_rfq(people, programs, boms, orgs)
    theirs = submit_quote(actor=people.ems_planner, rfq=second, quote=quote(QUOTE_A))
    detail = reverse("rfq_detail", args=[second.pk])
    assert "Withdraw the quote" in text(client_for("ems_planner").get(detail))
    buyer_page = text(client_for("oem_buyer").get(detail))
    assert "Withdraw the quote" not in buyer_page and "Award to Meridian" in buyer_page
    page_url = reverse("rfq_quote_withdraw", args=[second.pk, theirs.pk])
    assert client_for("oem_buyer").post(page_url, {"reason": "x"}).status_code == 403
    page = client_for("ems_planner").post(page_url, {"reason": "Lead time wrong"})
    assert page.status_code == 302 and page["Location"] == detail
    shown = text(client_for("ems_planner").get(detail))
    assert "Withdrawn" in shown and "Lead time wrong" in shown
    assert "Award to Meridian" not in text(client_for("oem_buyer").get(detail))

    third = ebx2_rfq(people, programs, boms, orgs)
    q3 = submit_quote(actor=people.ems_planner, rfq=third, quote=quote(QUOTE_A))
    args = ["rfq", "withdraw-quote", str(third.pk), str(q3.pk), "--reason", "Typo"]
    with pytest.raises(CommandError, match="403"):
        call_command(*args, "--as", "oem_buyer")
    with pytest.raises(CommandError, match="404"):
        call_command(*args, "--as", "supplier_rep")
    out = io.StringIO()
    call_command(*args, "--as", "ems_planner", stdout=out)
    assert out.getvalue().strip() == (
        f"Withdrew your quote {q3.pk} for EBX2 PCBA production: it is in no comparison."
    )
    assert RfqQuote.objects.get(pk=q3.pk).is_withdrawn
