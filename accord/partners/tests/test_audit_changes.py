"""The auditing side's second thoughts (audit_changes.py), from the pages, the API and the
command line: a planned audit cancelled with its reason (then no findings; an open, closed
or cancelled one 409), a finding corrected while open and before the audited side answers
(the earlier values in the event log; to major: its 8D; from major with the 8D started:
409), bad input refused with the same status and message on page and API."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accord.api.tests.utils import API, send
from accord.core.access import today
from accord.core.models import Event
from accord.partners.audit_models import Audit, EightD, Finding
from accord.partners.audit_services import acknowledge_finding, submit_finding
from accord.partners.tests.audit_sample import evidence, fill, finding, pulse_audit

pytestmark = pytest.mark.django_db

REASON = "The PVT build moved to Meridian's second plant."


def _due(days: int = 30) -> str:
    return str(today() + dt.timedelta(days=days))


@pytest.fixture
def planned(people: Any, programs: Any) -> Audit:
    return pulse_audit(people, programs, planned_date=today() + dt.timedelta(days=20),
                       performed_date=None)  # fmt: skip


def _state() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int, int]:
    return (
        list(Audit.objects.order_by("pk").values_list()),
        list(Finding.objects.order_by("pk").values_list()),
        EightD.objects.count(),
        Event.objects.count(),
    )


def _patch(client: Any, found: Finding, body: dict[str, Any]) -> Any:
    return client.patch(
        f"{API}/findings/{found.pk}", json.dumps(body), content_type="application/json"
    )


# Cancelling ----------------------------------------------------------------------------------


def test_a_planned_audit_is_cancelled_from_its_page(client_for: Any, planned: Audit) -> None:
    buyer = client_for("oem_buyer")
    detail = reverse("audit_detail", args=[planned.pk])
    assert reverse("audit_cancel", args=[planned.pk]) in buyer.get(detail).content.decode()
    assert "Cancel the audit" not in client_for("ems_quality").get(detail).content.decode()
    response = buyer.post(reverse("audit_cancel", args=[planned.pk]), {"reason": REASON})
    assert response.status_code == 302
    planned.refresh_from_db()
    assert (planned.status, planned.cancellation_reason) == ("cancelled", REASON)
    assert planned.cancelled_by is not None and planned.cancelled_by.username == "oem_buyer"
    page = buyer.get(detail).content.decode()
    assert "Cancelled" in page and REASON.replace("'", "&#x27;") in page
    assert "Record a finding" not in page and "Cancel the audit" not in page
    event = Event.objects.filter(verb="cancelled audit").get()
    assert (event.changes, event.subject_organisation_id) == (
        {"reason": REASON},
        planned.audited_organisation_id,
    )
    # Cancelled: no finding, and it is not cancelled twice; page and API say the same.
    before = _state()
    finding_api = send(
        buyer,
        "POST",
        f"{API}/audits/{planned.pk}/findings",
        {"severity": "minor", "description": "Late.", "due_date": _due()},
        **{"Idempotency-Key": "cancelled-1"},
    )
    assert finding_api.status_code == 409
    assert finding_api.json()["message"] == "This audit is cancelled: it takes no new findings."
    finding_page = buyer.post(
        reverse("finding_create", args=[planned.pk]),
        {"severity": "minor", "description": "Late.", "due_date": _due()},
    )
    assert finding_page.status_code == 409
    again_api = send(buyer, "POST", f"{API}/audits/{planned.pk}/cancel", {"reason": "Again."})
    again_page = buyer.post(reverse("audit_cancel", args=[planned.pk]), {"reason": "Again."})
    assert (again_api.status_code, again_page.status_code) == (409, 409)
    message = "This audit is cancelled: only a planned audit is cancelled."
    assert again_api.json()["message"] == message
    assert again_page.context["form"].non_field_errors() == [message]
    assert _state() == before


def test_only_a_planned_audit_is_cancelled(client_for: Any, people: Any, programs: Any) -> None:
    audit = pulse_audit(people, programs)  # performed: open
    found = finding(audit, people.oem_buyer, "observation")
    buyer = client_for("oem_buyer")
    before = _state()
    refused = send(buyer, "POST", f"{API}/audits/{audit.pk}/cancel", {"reason": REASON})
    assert refused.status_code == 409
    assert refused.json()["message"] == "This audit is open: only a planned audit is cancelled."
    assert _state() == before
    acknowledge_finding(actor=people.ems_quality, finding=found)  # the audit closes
    before = _state()
    closed = send(buyer, "POST", f"{API}/audits/{audit.pk}/cancel", {"reason": REASON})
    assert closed.status_code == 409
    assert closed.json()["message"] == "This audit is closed: only a planned audit is cancelled."
    assert _state() == before


def test_the_cancellation_via_the_api_and_its_bad_input(client_for: Any, planned: Audit) -> None:
    buyer = client_for("oem_buyer")
    before = _state()
    markup = "<script>alert(1)</script>"
    api = send(buyer, "POST", f"{API}/audits/{planned.pk}/cancel", {"reason": markup})
    page = buyer.post(reverse("audit_cancel", args=[planned.pk]), {"reason": markup})
    assert (api.status_code, page.status_code) == (422, 422)
    assert api.json()["detail"]["field"] == "reason"
    assert str(page.context["form"].errors["reason"][0]) == api.json()["message"]
    assert send(buyer, "POST", f"{API}/audits/{planned.pk}/cancel", {}).status_code == 422
    assert _state() == before
    done = send(buyer, "POST", f"{API}/audits/{planned.pk}/cancel", {"reason": REASON})
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["status"], body["cancellation_reason"]) == ("cancelled", REASON)
    assert body["cancelled_at"] is not None
    listed = send(buyer, "GET", f"{API}/audits?status=cancelled")
    assert [a["id"] for a in listed.json()["results"]] == [planned.pk]


# Correcting ----------------------------------------------------------------------------------


def test_a_minor_finding_corrected_to_major_gets_its_8d(
    client_for: Any, people: Any, programs: Any
) -> None:
    audit = pulse_audit(people, programs)
    found = finding(audit, people.oem_buyer, "minor", description="Flux past its date.")
    buyer = client_for("oem_buyer")
    page_url = reverse("finding_edit", args=[found.pk])
    detail = buyer.get(reverse("finding_detail", args=[found.pk])).content.decode()
    assert page_url in detail
    assert client_for("ems_quality").get(page_url).status_code == 403
    form = buyer.get(page_url)
    assert form.context["form"].initial["description"] == "Flux past its date."
    response = buyer.post(
        page_url,
        {
            "severity": "major",
            "clause": "ISO 13485 6.4",
            "description": "Expired flux used on lots 2648-2650.",
            "due_date": _due(14),
        },
    )
    assert response.status_code == 302
    found.refresh_from_db()
    assert (found.severity, found.clause, found.due_date.isoformat()) == (
        "major",
        "ISO 13485 6.4",
        _due(14),
    )
    assert EightD.objects.filter(finding=found).exists()
    event = Event.objects.filter(verb="corrected finding").get()
    assert event.changes == {
        "severity": ["minor", "major"],
        "clause": ["ISO 13485 7.5.6", "ISO 13485 6.4"],
        "description": ["Flux past its date.", "Expired flux used on lots 2648-2650."],
        "due_date": [_due(30), _due(14)],
        "8D": "created",
    }
    assert event.subject_organisation_id == audit.audited_organisation_id
    shown = client_for("ems_quality").get(f"{API}/findings/{found.pk}").json()
    assert (shown["severity"], len(shown["eightd"])) == ("major", 8)


def test_leaving_major_drops_an_unstarted_8d_and_refuses_a_started_one(
    client_for: Any, people: Any, programs: Any
) -> None:
    audit = pulse_audit(people, programs)
    buyer = client_for("oem_buyer")
    untouched = finding(audit, people.oem_buyer, "major")
    relaxed = _patch(buyer, untouched, {"severity": "minor"})
    assert relaxed.status_code == 200, relaxed.content
    assert (relaxed.json()["severity"], relaxed.json()["eightd"]) == ("minor", None)
    assert Event.objects.filter(verb="corrected finding").get().changes == {
        "severity": ["major", "minor"],
        "8D": "removed",
    }
    started = finding(audit, people.oem_buyer, "major")
    fill(started, people.ems_quality, 2)
    before = _state()
    message = (
        "The audited side has started this finding's 8D: it stays major (record another "
        "finding, or let them finish)."
    )
    api = _patch(buyer, started, {"severity": "minor"})
    page = buyer.post(
        reverse("finding_edit", args=[started.pk]),
        {
            "severity": "observation",
            "clause": started.clause,
            "description": started.description,
            "due_date": started.due_date.isoformat(),
        },
    )
    assert (api.status_code, page.status_code) == (409, 409)
    assert api.json()["message"] == message
    assert str(page.context["form"].errors["severity"][0]) == message
    # The rest of it may still be corrected.
    assert _state() == before
    reworded = _patch(buyer, started, {"description": "Reflow profile unverified on SMT-2."})
    assert reworded.status_code == 200


def test_a_finding_the_audited_side_answered_is_not_corrected(
    client_for: Any, people: Any, programs: Any
) -> None:
    audit = pulse_audit(people, programs)
    buyer = client_for("oem_buyer")
    with_evidence = finding(audit, people.oem_buyer, "minor")
    evidence(with_evidence, people.ems_quality)
    submitted = finding(audit, people.oem_buyer, "minor")
    evidence(submitted, people.ems_quality, "esd.pdf")
    submit_finding(actor=people.ems_quality, finding=submitted, response="Tester installed.")
    before = _state()
    on_file = _patch(buyer, with_evidence, {"description": "Other words."})
    assert on_file.status_code == 409
    assert "evidence on file" in on_file.json()["message"]
    waiting = _patch(buyer, submitted, {"description": "Other words."})
    assert waiting.status_code == 409
    assert waiting.json()["message"] == (
        "This finding is submitted for verification: a finding is corrected only while it is open."
    )
    detail = buyer.get(reverse("finding_detail", args=[with_evidence.pk])).content.decode()
    assert reverse("finding_edit", args=[with_evidence.pk]) not in detail
    assert _state() == before


BAD = [
    ({"due_date": str(today() - dt.timedelta(days=1))}, "due_date"),
    ({"description": "See <img src=x onerror=alert(1)>"}, "description"),
    ({"clause": "javascript:alert(1)"}, "clause"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_corrections_are_refused_alike(
    client_for: Any, people: Any, programs: Any, change: dict[str, str], field: str
) -> None:
    audit = pulse_audit(people, programs)
    found = finding(audit, people.oem_buyer, "minor")
    buyer = client_for("oem_buyer")
    current = {
        "severity": found.severity,
        "clause": found.clause,
        "description": found.description,
        "due_date": found.due_date.isoformat(),
    }
    before = _state()
    page = buyer.post(reverse("finding_edit", args=[found.pk]), current | change)
    api = _patch(buyer, found, change)
    assert (page.status_code, api.status_code) == (422, 422), api.content
    assert api.json()["detail"]["field"] == field
    assert str(page.context["form"].errors[field][0]) == api.json()["message"]
    assert _patch(buyer, found, {"status": "closed"}).status_code == 422  # not a field
    assert _state() == before


def test_the_command_line(people: Any, programs: Any, planned: Audit) -> None:
    def run(*args: str) -> str:
        out = io.StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()

    open_audit = pulse_audit(people, programs)
    found = finding(open_audit, people.oem_buyer, "observation")
    said = run("audits", "correct", str(found.pk), "--severity", "minor", "--due", _due(10),
               "--as", "oem_engineer")  # fmt: skip
    assert said.strip() == f"Corrected finding {found.pk} (A-{open_audit.pk}-1, minor)"
    with pytest.raises(CommandError, match="forbidden"):
        run("audits", "correct", str(found.pk), "--description", "x", "--as", "ems_quality")
    with pytest.raises(CommandError, match="not_found"):
        run("audits", "correct", str(found.pk), "--description", "x", "--as", "outsider")
    with pytest.raises(CommandError, match="Name what changes"):
        run("audits", "correct", str(found.pk), "--as", "oem_buyer")
    said = run("audits", "cancel", str(planned.pk), "--reason", REASON, "--as", "oem_buyer")
    assert said.strip() == f"Cancelled audit {planned.pk} of PEN1"
    with pytest.raises(CommandError, match="only a planned audit is cancelled"):
        run("audits", "cancel", str(planned.pk), "--reason", REASON, "--as", "oem_buyer")
    listing = run("audits", "list", "--open", "--as", "oem_buyer")
    assert f"{open_audit.pk}" in listing and "cancelled" not in listing
