"""Audits through the pages and the command line: the lists (filters, export), an audit with
its findings, the finding page's 8D form, evidence, submit, reject, verify; refusals with the
same status as the API; reads logged."""

from __future__ import annotations

import datetime as dt
import io
from csv import reader

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accord.core.access import today
from accord.core.models import AccessLogEntry
from accord.partners.audit_models import Audit, EightDStep, Finding, FindingEvidence
from accord.partners.tests.audit_sample import PDF, STEP_TEXTS, evidence, fill, finding, pulse_audit
from accord.partners.tests.sample import penang


def _last_log() -> int:
    return AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_planning_an_audit_and_recording_findings_through_the_pages(people, programs, client_for):
    site = penang(people.ems_planner)
    buyer = client_for("oem_buyer")
    assert "Plan an audit" in buyer.get("/audits/").content.decode()
    assert "Plan an audit" not in client_for("ems_quality").get("/audits/").content.decode()
    assert client_for("ems_quality").get("/audits/new/").status_code == 403
    form = {
        "site": site.pk,
        "program": programs["PHRM"].pk,
        "kind": "product",
        "planned_date": str(today()),
        "lead_auditor": people.oem_buyer.pk,
        "scope": "Pulse HRM main board, <script>alert(1)</script>",
    }
    refused = buyer.post("/audits/new/", form)
    assert refused.status_code == 422
    assert "markup and script are not allowed" in refused.content.decode()
    assert not Audit.objects.exists()
    done = buyer.post("/audits/new/", form | {"scope": "Pulse HRM main board."})
    assert done.status_code == 302
    audit = Audit.objects.get()
    past = {
        "severity": "major",
        "clause": "ISO 13485 8.3",
        "description": "Nonconforming boards not segregated.",
        "due_date": str(today() - dt.timedelta(days=1)),
    }
    late = buyer.post(f"/audits/{audit.pk}/findings/new/", past)
    assert late.status_code == 422
    assert "is in the past" in late.content.decode()
    assert not Finding.objects.exists()
    assert (
        buyer.post(f"/audits/{audit.pk}/findings/new/", past | {"description": ""}).status_code
        == 422
    )
    recorded = buyer.post(
        f"/audits/{audit.pk}/findings/new/",
        past | {"due_date": str(today() + dt.timedelta(days=20))},
    )
    assert recorded.status_code == 302
    page = buyer.get(f"/audits/{audit.pk}/").content.decode()
    assert f"A-{audit.pk}-1" in page and "0/8" in page and "Record a finding" in page
    assert client_for("ems_quality").get(f"/audits/{audit.pk}/findings/new/").status_code == 403
    assert client_for("outsider").get(f"/audits/{audit.pk}/").status_code == 404


def test_the_finding_page_walks_the_8d_to_closure(people, programs, client_for):
    audit = pulse_audit(people, programs)
    major = finding(audit, people.oem_buyer)
    quality, buyer = client_for("ems_quality"), client_for("oem_buyer")
    url = f"/findings/{major.pk}/"
    page = quality.get(url).content.decode()
    assert "Fill a discipline" in page and "Attach evidence" in page and "Verify" not in page
    assert "Fill a discipline" not in buyer.get(url).content.decode()
    out_of_order = quality.post(f"{url}eightd/fill/", {"discipline": 3, "text": "Quarantine."})
    assert out_of_order.status_code == 409
    assert "D1 first" in out_of_order.content.decode()
    assert buyer.post(f"{url}eightd/fill/", {"discipline": 1, "text": "Team."}).status_code == 403
    for d in range(1, 9):
        response = quality.post(f"{url}eightd/fill/", {"discipline": d, "text": STEP_TEXTS[d]})
        assert response.status_code == 302
    assert EightDStep.objects.count() == 8
    no_evidence = quality.post(f"{url}submit/", {})
    assert no_evidence.status_code == 409
    assert "Attach the evidence first" in no_evidence.content.decode()
    wrong = quality.post(
        f"{url}evidence/upload/", {"file": SimpleUploadedFile("x.docx", b"PK\x03\x04")}
    )
    assert wrong.status_code == 422 and not FindingEvidence.objects.exists()
    ok = quality.post(f"{url}evidence/upload/", {"file": SimpleUploadedFile("wi.pdf", PDF)})
    assert ok.status_code == 302
    assert quality.post(f"{url}submit/", {"response": "All eight done."}).status_code == 302
    detail = buyer.get(url).content.decode()
    assert "Verify and close" in detail and "wi.pdf" in detail
    assert buyer.post(f"{url}reject/", {"reason": ""}).status_code == 422
    assert buyer.post(f"{url}reject/", {"reason": "Show D6 data."}).status_code == 302
    assert Finding.objects.get().status == "open"
    assert "Show D6 data." in quality.get(url).content.decode()
    assert quality.post(f"{url}submit/", {}).status_code == 302
    assert quality.post(f"{url}verify/").status_code == 403
    assert buyer.post(f"{url}verify/").status_code == 302
    assert (Finding.objects.get().status, Audit.objects.get().status) == ("closed", "closed")
    assert buyer.post(f"{url}verify/").status_code == 409


def test_evidence_too_large_is_413_on_the_page_too(people, programs, client_for, settings):
    settings.MAX_EVIDENCE_MB = 1
    major = finding(pulse_audit(people, programs), people.oem_buyer)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    response = client_for("ems_quality").post(
        f"/findings/{major.pk}/evidence/upload/", {"file": big}
    )
    assert response.status_code == 413
    assert not FindingEvidence.objects.exists()


def test_an_observation_is_acknowledged_on_its_page(people, programs, client_for):
    note = finding(pulse_audit(people, programs), people.oem_buyer, "observation")
    page = client_for("ems_quality").get(f"/findings/{note.pk}/").content.decode()
    assert "Acknowledge the observation" in page and "Fill a discipline" not in page
    done = client_for("ems_quality").post(
        f"/findings/{note.pk}/acknowledge/", {"response": "Noted."}
    )
    assert done.status_code == 302
    assert (Finding.objects.get().status, Finding.objects.get().response) == ("closed", "Noted.")


def test_the_lists_filter_export_and_log_the_audited_sides_reads(people, programs, client_for):
    audit = pulse_audit(people, programs)
    major = finding(audit, people.oem_buyer, clause="ISO 13485 7.5.6")
    finding(
        audit,
        people.oem_buyer,
        "minor",
        clause="ISO 13485 6.4",
        description="Humidity log gaps.",
        due_date=today() + dt.timedelta(days=10),
    )
    fill(major, people.ems_quality, 4)
    evidence(major, people.ems_quality)
    buyer = client_for("oem_buyer")
    minors = buyer.get("/findings/?severity=minor").content.decode()
    assert "Humidity log gaps." in minors and "Reflow profile" not in minors
    csv = buyer.get("/findings/?format=csv").content
    rows = list(reader(io.StringIO(csv.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Finding", "Organisation", "Site"]
    a = audit.pk
    assert [(r[0], r[3], r[5], r[6], r[8], r[9], r[10], r[11]) for r in rows[1:]] == [
        (f"A-{a}-2", "PHRM", "Minor", "ISO 13485 6.4", str(today() + dt.timedelta(days=10)),
         "Open", "", "0"),
        (f"A-{a}-1", "PHRM", "Major", "ISO 13485 7.5.6", str(today() + dt.timedelta(days=30)),
         "Open", "4/8", "1"),
    ]  # fmt: skip
    xlsx = buyer.get("/findings/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert buyer.get("/audits/?format=csv").status_code == 200
    # Halcyon's reads are its own; Meridian's are in Halcyon's log (page, export, detail).
    start = _last_log()
    quality = client_for("ems_quality")
    quality.get("/findings/")
    quality.get("/findings/?format=csv")
    quality.get("/audits/")
    quality.get(f"/findings/{major.pk}/")
    logged = [
        (e.channel, e.object_type, e.row_count, e.owner.slug.split("-")[0])
        for e in AccessLogEntry.objects.filter(id__gt=start).order_by("id")
    ]
    assert logged == [
        ("web", "partners.finding", 2, "halcyon"),
        ("export", "partners.finding", 2, "halcyon"),
        ("web", "partners.audit", 1, "halcyon"),
        ("web", "partners.finding", 1, "halcyon"),
    ]
    outsider = client_for("outsider")
    assert "A-" not in outsider.get("/findings/").content.decode().split("<caption>")[1]
    assert outsider.get(f"/findings/{major.pk}/").status_code == 404
    file = FindingEvidence.objects.get()
    assert outsider.get(f"/findings/{major.pk}/evidence/{file.pk}/").status_code == 404
    assert (
        client_for("oem_buyer").get(f"/findings/{major.pk}/evidence/{file.pk}/").status_code == 200
    )


# Command line -----------------------------------------------------------------------------------


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_command_line(people, programs, tmp_path):
    penang(people.ems_planner)
    scan = tmp_path / "wi-014.pdf"
    scan.write_bytes(PDF)
    added = _run(
        "audits", "add", "--as", "oem_buyer", "--organisation", "meridian", "--site", "pen1",
        "--kind", "process", "--planned", str(today()), "--scope", "SMT line 2",
        "--program", "PHRM",
    )  # fmt: skip
    audit = Audit.objects.get()
    assert added.strip() == f"Planned audit {audit.pk}: Process audit of PEN1 (planned)"
    due = str(today() + dt.timedelta(days=14))
    recorded = _run(
        "audits", "finding", str(audit.pk), "--as", "oem_buyer", "--severity", "major",
        "--description", "Reflow profile not validated.", "--due", due,
    )  # fmt: skip
    major = Finding.objects.get()
    assert recorded.strip() == f"Recorded finding {major.pk} (A-{audit.pk}-1, major) with its 8D"
    with pytest.raises(CommandError, match="403"):
        _run("audits", "eightd", str(major.pk), "--d", "1", "--text", "x", "--as", "oem_buyer")
    with pytest.raises(CommandError, match="404"):
        _run("audits", "eightd", str(major.pk), "--d", "1", "--text", "x", "--as", "outsider")
    for d in range(1, 9):
        _run("audits", "eightd", str(major.pk), "--d", str(d), "--text", STEP_TEXTS[d],
             "--as", "ems_quality")  # fmt: skip
    with pytest.raises(CommandError, match="409"):
        _run("audits", "submit", str(major.pk), "--as", "ems_quality")
    submitted = _run(
        "audits", "submit", str(major.pk), "--evidence", str(scan), "--as", "ems_quality"
    )
    assert "Submitted" in submitted
    assert "open again" in _run(
        "audits", "reject", str(major.pk), "--reason", "Need data.", "--as", "oem_buyer"
    )
    _run("audits", "submit", str(major.pk), "--as", "ems_quality")
    assert "closed" in _run("audits", "verify", str(major.pk), "--as", "oem_buyer")
    listed = _run("audits", "list", "--as", "ems_planner", "--format", "csv")
    assert listed.splitlines()[1].split(",")[1:] == [
        "Meridian Electronics Manufacturing", "PEN1", "PHRM", "process", str(today()), "closed", "0"
    ]  # fmt: skip
    with pytest.raises(CommandError, match="in the past"):
        _run(
            "audits", "finding", str(audit.pk), "--as", "oem_buyer", "--severity", "minor",
            "--description", "x", "--due", str(today() - dt.timedelta(days=3)),
        )  # fmt: skip
    assert _run("audits", "findings", "--as", "outsider", "--format", "csv").strip() == (
        "id,finding,site,severity,clause,due,status,8D"
    )
