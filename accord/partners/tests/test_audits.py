"""Audits through the API and services: the lifecycle of a major finding and its 8D, minor
findings and observations, who sees what (restricted, access-logged), who may act, bad input."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.api.tests.utils import API, send
from accord.core.access import today
from accord.core.models import AccessLogEntry, Event
from accord.orgs.models import Nda
from accord.orgs.services import terminate_nda
from accord.partners.audit_models import Audit, EightDStep, Finding, FindingEvidence
from accord.partners.audits_access import open_findings_visible_to
from accord.partners.tests.audit_sample import (
    PDF,
    PNG,
    STEP_TEXTS,
    evidence,
    fill,
    finding,
    pulse_audit,
)
from accord.partners.tests.sample import penang

HALCYON = ("oem_buyer", "oem_engineer")
MERIDIAN = ("ems_planner", "ems_quality")
NOBODY_ELSE = ("supplier_rep", "other_oem_user", "nda_expired_partner", "outsider")


def _due(days: int = 30) -> str:
    return str(today() + dt.timedelta(days=days))


def _upload(client, finding_id: int, name: str = "8d-evidence.pdf", data: bytes = PDF):
    return client.post(
        f"{API}/findings/{finding_id}/evidence", {"file": SimpleUploadedFile(name, data)}
    )


def test_a_major_finding_goes_through_its_8d_to_closure(people, programs, client_for):
    buyer, quality = client_for("oem_buyer"), client_for("ems_quality")
    site = penang(people.ems_planner)
    planned = send(
        buyer,
        "POST",
        f"{API}/audits",
        {
            "site_id": site.pk,
            "kind": "process",
            "planned_date": str(today()),
            "scope": "SMT line 2 and final test of the Pulse HRM board.",
            "program_id": programs["PHRM"].pk,
        },
        **{"Idempotency-Key": "audit-1"},
    )
    assert planned.status_code == 201, planned.content
    audit = planned.json()
    assert (audit["status"], audit["lead_auditor"], audit["program"]["code"]) == (
        "planned",
        "Maya Okafor",
        "PHRM",
    )
    recorded = send(
        buyer,
        "POST",
        f"{API}/audits/{audit['id']}/findings",
        {
            "severity": "major",
            "clause": "ISO 13485 7.5.6",
            "description": "Reflow profile not validated after the oven's maintenance.",
            "due_date": _due(),
        },
    )
    assert recorded.status_code == 201, recorded.content
    found = recorded.json()
    assert found["label"] == f"A-{audit['id']}-1"
    assert [s["name"] for s in found["eightd"]][:2] == ["D1 Team", "D2 Problem description"]
    assert all(s["text"] == "" for s in found["eightd"])
    assert send(buyer, "GET", f"{API}/audits/{audit['id']}").json()["status"] == "open"
    fid = found["id"]
    url = f"{API}/findings/{fid}"

    # In order, and only by the audited side.
    out_of_order = send(quality, "PUT", f"{url}/eightd/2", {"text": STEP_TEXTS[2]})
    assert out_of_order.status_code == 409
    assert "D1 first" in out_of_order.json()["message"]
    auditor_fills = send(buyer, "PUT", f"{url}/eightd/4", {"text": STEP_TEXTS[4]})
    assert auditor_fills.status_code == 403
    for d in range(1, 9):
        filled = send(quality, "PUT", f"{url}/eightd/{d}", {"text": STEP_TEXTS[d]})
        assert filled.status_code == 200, filled.content
    steps = filled.json()["eightd"]
    assert [s["filled_by"] for s in steps] == ["Daniel Tan"] * 8
    assert steps[3]["text"] == STEP_TEXTS[4]

    # Closing needs the evidence: neither submitted nor verified without it.
    no_evidence = send(quality, "POST", f"{url}/submit", {})
    assert no_evidence.status_code == 409
    assert "evidence" in no_evidence.json()["message"]
    assert send(buyer, "POST", f"{url}/verify").status_code == 409
    assert Finding.objects.get(pk=fid).status == "open"
    assert _upload(quality, fid).status_code == 201
    submitted = send(quality, "POST", f"{url}/submit", {})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert send(quality, "PUT", f"{url}/eightd/3", {"text": "late"}).status_code == 409

    # Rejected with a reason: open again; D6 rewritten; submitted again; verified.
    rejected = send(buyer, "POST", f"{url}/reject", {"reason": "D6 shows no validation data."})
    assert rejected.status_code == 200
    assert (rejected.json()["status"], rejected.json()["rejection_reason"]) == (
        "open",
        "D6 shows no validation data.",
    )
    assert send(buyer, "POST", f"{url}/verify").status_code == 409
    rewritten = send(quality, "PUT", f"{url}/eightd/6", {"text": "Cpk 1.67 over 30 boards."})
    assert rewritten.json()["eightd"][5]["text"] == "Cpk 1.67 over 30 boards."
    assert send(quality, "POST", f"{url}/submit", {}).json()["status"] == "submitted"
    assert send(quality, "POST", f"{url}/verify").status_code == 403
    verified = send(buyer, "POST", f"{url}/verify")
    assert verified.status_code == 200 and verified.json()["status"] == "closed"

    closed = send(buyer, "GET", f"{API}/audits/{audit['id']}").json()
    assert (closed["status"], closed["findings_total"], closed["findings_open"]) == (
        "closed",
        1,
        0,
    )
    assert not open_findings_visible_to(people.oem_buyer).exists()
    late = send(
        buyer,
        "POST",
        f"{API}/audits/{audit['id']}/findings",
        {"severity": "minor", "description": "Too late.", "due_date": _due()},
    )
    assert late.status_code == 409
    verbs = list(
        Event.objects.filter(object_type="partners.finding", object_id=str(fid))
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [
        "recorded finding",
        *["filled 8D discipline"] * 8,
        "attached finding evidence",
        "submitted finding",
        "rejected finding",
        "changed 8D discipline",
        "submitted finding",
        "verified finding",
    ]


def test_minor_findings_observations_and_the_audit_closing(people, programs, client_for):
    audit = pulse_audit(people, programs)
    major = finding(audit, people.oem_buyer, "major")
    minor = finding(audit, people.oem_buyer, "minor", description="Expired flux in store B.")
    note = finding(audit, people.oem_buyer, "observation", description="Labels fade in sun.")
    buyer, quality = client_for("oem_buyer"), client_for("ems_quality")
    assert (minor.number, note.number) == (2, 3)
    assert send(buyer, "GET", f"{API}/findings/{minor.pk}").json()["eightd"] is None

    # A minor one: the response and the evidence, then the auditor's verification.
    url = f"{API}/findings/{minor.pk}"
    assert send(quality, "POST", f"{url}/submit", {}).status_code == 422  # no response
    assert send(quality, "POST", f"{url}/submit", {"response": "Flux scrapped."}).status_code == 409
    assert _upload(quality, minor.pk, "flux.png", PNG).status_code == 201
    done = send(quality, "POST", f"{url}/submit", {"response": "Flux scrapped, FIFO labels."})
    assert done.json()["status"] == "submitted"
    assert send(buyer, "POST", f"{url}/verify").json()["status"] == "closed"

    # An observation: acknowledged by the audited side; not submitted, no 8D.
    url = f"{API}/findings/{note.pk}"
    assert send(quality, "POST", f"{url}/submit", {}).status_code == 409
    assert send(buyer, "POST", f"{url}/eightd").status_code == 409
    assert send(buyer, "POST", f"{url}/acknowledge", {}).status_code == 403
    assert send(quality, "POST", f"{url}/acknowledge", {}).json()["status"] == "closed"
    assert Audit.objects.get(pk=audit.pk).status == "open"  # the major one is still open

    assert [f.pk for f in open_findings_visible_to(people.ems_quality, programs["PHRM"])] == [
        major.pk
    ]
    assert not open_findings_visible_to(people.ems_quality, programs["EBX2"]).exists()
    assert not open_findings_visible_to(people.outsider).exists()
    fill(major, people.ems_quality)
    evidence(major, people.ems_quality)
    send(quality, "POST", f"{API}/findings/{major.pk}/submit", {})
    send(buyer, "POST", f"{API}/findings/{major.pk}/verify")
    assert Audit.objects.get(pk=audit.pk).status == "closed"


def test_an_8d_on_demand_for_a_minor_finding(people, programs, client_for):
    audit = pulse_audit(people, programs)
    minor = finding(audit, people.oem_buyer, "minor")
    url = f"{API}/findings/{minor.pk}"
    assert send(client_for("ems_quality"), "POST", f"{url}/eightd").status_code == 403
    asked = send(client_for("oem_buyer"), "POST", f"{url}/eightd")
    assert asked.status_code == 201 and len(asked.json()["eightd"]) == 8
    assert send(client_for("oem_buyer"), "POST", f"{url}/eightd").status_code == 409
    evidence(minor, people.ems_quality)
    incomplete = send(client_for("ems_quality"), "POST", f"{url}/submit", {"response": "Done."})
    assert incomplete.status_code == 409
    assert "D1, D2" in incomplete.json()["message"]


# Who sees what ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [*HALCYON, *MERIDIAN, *NOBODY_ELSE])
def test_only_the_two_organisations_see_an_audit(people, programs, client_for, persona):
    audit = pulse_audit(people, programs)
    major = finding(audit, people.oem_buyer)
    file = evidence(major, people.ems_quality)
    client = client_for(persona)
    sees = persona in HALCYON + MERIDIAN
    listed = client.get(f"{API}/audits").json()["results"]
    assert [a["id"] for a in listed] == ([audit.pk] if sees else [])
    findings = client.get(f"{API}/findings?open_only=true").json()["results"]
    assert [f["id"] for f in findings] == ([major.pk] if sees else [])
    status = 200 if sees else 404
    assert client.get(f"{API}/audits/{audit.pk}").status_code == status
    assert client.get(f"{API}/findings/{major.pk}").status_code == status
    download = client.get(f"{API}/findings/{major.pk}/evidence/{file.pk}")
    assert download.status_code == status
    if sees:
        assert b"".join(download.streaming_content) == PDF
        assert download["Content-Disposition"].startswith("attachment")
    assert open_findings_visible_to(people[persona]).exists() == sees


def test_the_audited_side_sees_a_programs_audit_as_a_member_under_an_nda(
    people, programs, client_for
):
    # An audit of PEN1 tied to Earbuds X2: Meridian's quality engineer is no member of it.
    audit = pulse_audit(people, programs, program=programs["EBX2"])
    assert client_for("ems_planner").get(f"{API}/audits/{audit.pk}").status_code == 200
    assert client_for("ems_quality").get(f"{API}/audits/{audit.pk}").status_code == 404
    # Tied to no program: every person of the audited organisation (an NDA is in force).
    untied = pulse_audit(people, programs, program=None)
    assert client_for("ems_quality").get(f"{API}/audits/{untied.pk}").status_code == 200
    # The NDA ends: the audited side sees nothing at once; the auditor keeps its audits but
    # not the audited side's evidence.
    major = finding(untied, people.oem_buyer)
    file = evidence(major, people.ems_quality)
    nda = Nda.objects.get(reference="NDA-HAL-MER-2025")
    terminate_nda(actor=people.oem_buyer, nda=nda)
    for url in (f"{API}/audits/{untied.pk}", f"{API}/findings/{major.pk}"):
        assert client_for("ems_quality").get(url).status_code == 404
        assert client_for("oem_buyer").get(url).status_code == 200
    evidence_url = f"{API}/findings/{major.pk}/evidence/{file.pk}"
    assert client_for("oem_buyer").get(evidence_url).status_code == 404
    assert client_for("ems_quality").get(evidence_url).status_code == 404


def test_a_partner_whose_nda_lapsed_does_not_see_the_audit_of_its_own_site(
    people, programs, client_for
):
    from accord.partners.audit_services import plan_audit
    from accord.supply.services import create_site

    plant = create_site(
        actor=people.nda_expired_partner, code="MTY1", name="Monterrey plant", country="MX"
    )
    audit = plan_audit(
        actor=people.oem_buyer,
        site=plant,
        kind="system",
        planned_date=today(),
        scope="Quality system.",
        program=programs["EBX2"],
    )
    major = finding(audit, people.oem_buyer)
    partner = client_for("nda_expired_partner")
    assert partner.get(f"{API}/audits").json()["results"] == []
    assert partner.get(f"{API}/audits/{audit.pk}").status_code == 404
    assert partner.get(f"{API}/findings/{major.pk}").status_code == 404
    filled = send(partner, "PUT", f"{API}/findings/{major.pk}/eightd/1", {"text": "Team."})
    assert filled.status_code == 404
    assert not EightDStep.objects.exists()
    assert client_for("oem_buyer").get(f"{API}/audits/{audit.pk}").status_code == 200


@pytest.mark.parametrize(
    ("persona", "action", "status"),
    [
        ("ems_quality", "finding", 403),  # the audited side records no findings
        ("ems_quality", "verify", 403),
        ("ems_quality", "reject", 403),
        ("oem_buyer", "evidence", 403),  # the auditor attaches no evidence
        ("oem_buyer", "submit", 403),
        ("oem_engineer", "fill", 403),
        ("outsider", "fill", 404),
        ("outsider", "finding", 404),
        ("other_oem_user", "verify", 404),
    ],
)
def test_each_side_does_its_own_part(people, programs, client_for, persona, action, status):
    audit = pulse_audit(people, programs)
    major = finding(audit, people.oem_buyer)
    url = f"{API}/findings/{major.pk}"
    client = client_for(persona)
    before = (Finding.objects.count(), EightDStep.objects.count(), Event.objects.count())
    calls = {
        "finding": lambda: send(
            client,
            "POST",
            f"{API}/audits/{audit.pk}/findings",
            {"severity": "minor", "description": "x", "due_date": _due()},
        ),
        "verify": lambda: send(client, "POST", f"{url}/verify"),
        "reject": lambda: send(client, "POST", f"{url}/reject", {"reason": "No."}),
        "evidence": lambda: _upload(client, major.pk),
        "submit": lambda: send(client, "POST", f"{url}/submit", {}),
        "fill": lambda: send(client, "PUT", f"{url}/eightd/1", {"text": "Team."}),
    }
    assert calls[action]().status_code == status
    assert (Finding.objects.count(), EightDStep.objects.count(), Event.objects.count()) == before
    assert not FindingEvidence.objects.exists()


def test_planning_an_audit_takes_a_program_of_ones_own_with_the_partner(
    people, programs, client_for
):
    site = penang(people.ems_planner)
    body = {"site_id": site.pk, "kind": "system", "planned_date": str(today()), "scope": "QMS."}
    # Meridian does not audit itself; Sunridge does not see the site.
    assert send(client_for("ems_planner"), "POST", f"{API}/audits", body).status_code == 403
    assert send(client_for("supplier_rep"), "POST", f"{API}/audits", body).status_code == 404
    # Roverly owns RVC with Meridian as a partner; Halcyon's engineer is on EBX2, not on PHRM.
    assert send(client_for("other_oem_user"), "POST", f"{API}/audits", body).status_code == 201
    engineer = client_for("oem_engineer")
    refused = send(engineer, "POST", f"{API}/audits", body | {"program_id": programs["PHRM"].pk})
    assert refused.status_code == 422 and "program" in refused.json()["message"]
    lead = send(
        engineer, "POST", f"{API}/audits", body | {"lead_auditor_id": people.ems_quality.pk}
    )
    assert lead.status_code == 422 and "lead_auditor" in lead.json()["message"]
    done = send(engineer, "POST", f"{API}/audits", body | {"program_id": programs["EBX2"].pk})
    assert done.status_code == 201
    assert Audit.objects.count() == 2
    # Roverly's audit is Roverly's and Meridian's business: Halcyon does not see it.
    roverly = Audit.objects.get(auditing_organisation=people.other_oem_user.organisation)
    assert client_for("oem_buyer").get(f"{API}/audits/{roverly.pk}").status_code == 404
    assert client_for("ems_quality").get(f"{API}/audits/{roverly.pk}").status_code == 200


# The access log ----------------------------------------------------------------------------------


def _entries(since: int) -> list[tuple[str, str, str, str, int]]:
    return [
        (e.reader.username, e.owner.slug.split("-")[0], e.object_type, e.channel, e.row_count)
        for e in AccessLogEntry.objects.filter(id__gt=since).order_by("id")
    ]


def test_reads_by_the_other_organisation_are_in_the_access_log(people, programs, client_for):
    audit = pulse_audit(people, programs)
    major = finding(audit, people.oem_buyer)
    finding(audit, people.oem_buyer, "minor")
    file = evidence(major, people.ems_quality)
    start = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    quality, buyer = client_for("ems_quality"), client_for("oem_buyer")
    # The auditor's reads of its own audit are not logged; the audited side's are, in
    # Halcyon's log; the auditor's download of Meridian's evidence is in Meridian's.
    buyer.get(f"{API}/audits/{audit.pk}")
    buyer.get(f"{API}/findings")
    buyer.get(f"{API}/findings/{major.pk}")
    quality.get(f"{API}/findings/{major.pk}/evidence/{file.pk}")
    assert _entries(start) == []
    quality.get(f"{API}/audits")
    quality.get(f"{API}/audits/{audit.pk}")
    quality.get(f"{API}/findings")
    quality.get(f"{API}/findings/{major.pk}")
    buyer.get(f"{API}/findings/{major.pk}/evidence/{file.pk}")
    assert _entries(start) == [
        ("ems_quality", "halcyon", "partners.audit", "api", 1),
        ("ems_quality", "halcyon", "partners.audit", "api", 1),
        ("ems_quality", "halcyon", "partners.finding", "api", 2),
        ("ems_quality", "halcyon", "partners.finding", "api", 1),
        ("oem_buyer", "meridian", "partners.findingevidence", "api", 1),
    ]
    entry = AccessLogEntry.objects.filter(object_type="partners.finding").order_by("id").last()
    assert (entry.object_id, entry.program.code) == (str(major.pk), "PHRM")
    # Refusals log nothing.
    before = AccessLogEntry.objects.count()
    client_for("outsider").get(f"{API}/findings/{major.pk}")
    client_for("nda_expired_partner").get(f"{API}/findings/{major.pk}/evidence/{file.pk}")
    assert AccessLogEntry.objects.count() == before


# Bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"due_date": str(today() - dt.timedelta(days=1))}, "due_date"),
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "<script>alert(1)</script>"}, "description"),
        ({"description": 'See <img src=x onerror="alert(1)">'}, "description"),
        ({"description": "Click javascript:alert(1)"}, "description"),
        ({"clause": "7.5\n6"}, "clause"),
        ({"severity": "critical"}, "severity"),
        ({"due_date": 20270101}, "due_date"),
    ],
)
def test_bad_findings_are_refused_naming_the_field(people, programs, client_for, change, field):
    audit = pulse_audit(people, programs)
    body = {"severity": "major", "description": "Reflow profile.", "due_date": _due()} | change
    response = send(client_for("oem_buyer"), "POST", f"{API}/audits/{audit.pk}/findings", body)
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json())
    assert not Finding.objects.exists()


def test_links_of_http_https_and_mailto_are_kept(people, programs, client_for):
    audit = pulse_audit(people, programs)
    text = "See https://example.com/wi-014 and mailto:quality@example.com; 0.2 mm < 0.3 mm."
    body = {"severity": "minor", "description": text, "due_date": _due(0)}
    response = send(client_for("oem_buyer"), "POST", f"{API}/audits/{audit.pk}/findings", body)
    assert response.status_code == 201
    assert Finding.objects.get().description == text


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("8d.docx", b"PK\x03\x04", 422),  # not a kind evidence takes
        ("8d.pdf", b"MZ\x90\x00 a program", 422),  # not what it claims to be
        ("8d.pdf", b"", 422),
        ("8d.pdf", PDF + b"0" * (1024 * 1024), 413),  # over the 1 MB limit set below
    ],
)
def test_bad_evidence_is_refused(people, programs, client_for, settings, name, data, status):
    settings.MAX_EVIDENCE_MB = 1
    major = finding(pulse_audit(people, programs), people.oem_buyer)
    events = Event.objects.count()
    assert _upload(client_for("ems_quality"), major.pk, name, data).status_code == status
    assert not FindingEvidence.objects.exists()
    assert Event.objects.count() == events


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "eightd/1", {"text": ""}),
        ("PUT", "eightd/1", {"text": "<b>Team</b>"}),
        ("PUT", "eightd/9", {"text": "Team."}),
        ("POST", "submit", {"response": "<script>x</script>"}),
    ],
)
def test_bad_8d_input_is_refused(people, programs, client_for, method, path, body):
    major = finding(pulse_audit(people, programs), people.oem_buyer)
    response = send(client_for("ems_quality"), method, f"{API}/findings/{major.pk}/{path}", body)
    assert response.status_code == 422, response.content
    assert not EightDStep.objects.exists()
    assert Finding.objects.get().status == "open"


def test_a_rejection_needs_a_reason(people, programs, client_for):
    major = finding(pulse_audit(people, programs), people.oem_buyer)
    fill(major, people.ems_quality)
    evidence(major, people.ems_quality)
    send(client_for("ems_quality"), "POST", f"{API}/findings/{major.pk}/submit", {})
    for reason in ("", "<script>no</script>"):
        response = send(
            client_for("oem_buyer"), "POST", f"{API}/findings/{major.pk}/reject", {"reason": reason}
        )
        assert response.status_code == 422
    assert Finding.objects.get().status == "submitted"
