"""Certificates through the pages, the API and the command line: who sees the summaries and
the evidence (downloads logged), who records, changes, retires and verifies, bad input."""

from __future__ import annotations

import datetime as dt
import io
import json
from csv import reader

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from accord.api.tests.utils import API, send
from accord.core.access import today
from accord.core.models import AccessLogEntry, Event
from accord.partners.models import Certificate, CertificateEvidence
from accord.partners.tests.sample import PDF, certificate, penang, with_evidence

SUMMARY_READERS = {
    "oem_buyer",  # Halcyon: connected with Meridian, its partner on EBX2 and PHRM
    "oem_engineer",  # Halcyon, on EBX2 with Meridian
    "ems_planner",  # Meridian's own
    "ems_quality",
    "other_oem_user",  # Roverly: connected with Meridian, its partner on RVC
    "nda_expired_partner",  # Brightline: an EMS on EBX2 beside Meridian (not a seller)
}
# Sunridge sells: it sees the owner of its programs (Halcyon) only; Quillon nobody.
NOT_SEEN = {"supplier_rep", "outsider"}
# The evidence: Meridian's own, and those sharing a program with it under an NDA in force.
EVIDENCE_READERS = {"oem_buyer", "oem_engineer", "ems_planner", "ems_quality", "other_oem_user"}


@pytest.fixture
def site(people):
    return penang(people.ems_planner)


def _body(site, **values):
    day = today()
    return {
        "site_id": site.pk,
        "standard": "ISO 13485",
        "number": "MD 745123",
        "issuer": "BSI",
        "processes": ["smt", "box_build"],
        "product_categories": ["Medical devices"],
        "scope_text": "Design and manufacture of PCBAs for medical devices.",
        "valid_from": str(day - dt.timedelta(days=10)),
        "valid_until": str(day + dt.timedelta(days=60)),
    } | values


@pytest.mark.parametrize("persona", sorted(SUMMARY_READERS | NOT_SEEN))
def test_who_sees_the_summary_and_the_evidence(people, site, client_for, persona):
    found = with_evidence(people.ems_quality, site)
    client = client_for(persona)
    listed = client.get(f"{API}/certificates").json()["results"]
    assert [c["id"] for c in listed] == ([found.pk] if persona in SUMMARY_READERS else [])
    detail = client.get(f"{API}/certificates/{found.pk}")
    assert detail.status_code == (200 if persona in SUMMARY_READERS else 404)
    before = AccessLogEntry.objects.count()
    download = client.get(f"{API}/certificates/{found.pk}/evidence")
    if persona in EVIDENCE_READERS:
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("attachment")
        logged = list(AccessLogEntry.objects.filter(id__gt=0).order_by("-id")[:1])
        # Meridian's own downloads are not logged; the others' are, in Meridian's log.
        if persona.startswith("ems_"):
            assert AccessLogEntry.objects.count() == before
        else:
            assert AccessLogEntry.objects.count() == before + 1
            entry = logged[0]
            assert (entry.owner.slug.split("-")[0], entry.reader.username) == ("meridian", persona)
            assert entry.object_type == "partners.certificate"
            assert entry.object_id == str(found.pk)
    else:
        assert download.status_code == 404
        assert AccessLogEntry.objects.count() == before


def test_the_summary_shows_status_scope_and_dates(people, site, client_for):
    day = today()
    found = certificate(
        people.ems_quality,
        site,
        "IPC-A-610",
        ipc_class=3,
        number="IPC-610-7781",
        valid_from=day - dt.timedelta(days=300),
        valid_until=day + dt.timedelta(days=30),
    )
    body = client_for("oem_buyer").get(f"{API}/certificates/{found.pk}").json()
    assert body | {"id": 0, "site": {}, "organisation": {}} == {
        "id": 0,
        "site": {},
        "organisation": {},
        "standard": "IPC-A-610",
        "ipc_class": 3,
        "label": "IPC-A-610 Class 3",
        "number": "IPC-610-7781",
        "issuer": "TÜV SÜD",
        "processes": ["smt", "box_build"],
        "product_categories": [],
        "scope_text": "",
        "valid_from": str(day - dt.timedelta(days=300)),
        "valid_until": str(day + dt.timedelta(days=30)),
        "suspended": False,
        "status": "expiring",
        "verified_by": None,
        "verified_at": None,
        "retired_at": None,
        "has_evidence": False,
    }
    assert body["site"] == {"id": site.pk, "code": "PEN1", "name": "Penang plant"}


def test_the_sites_organisation_records_a_certificate_once_per_key(people, site, client_for):
    client = client_for("ems_quality")
    headers = {"Idempotency-Key": "cert-1"}
    first = send(client, "POST", f"{API}/certificates", _body(site), **headers)
    again = send(client, "POST", f"{API}/certificates", _body(site), **headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["status"] == "expiring"  # 60 days left
    assert Certificate.objects.filter(site=site).count() == 1
    assert Event.objects.filter(verb="recorded certificate").count() == 1
    duplicate = send(client, "POST", f"{API}/certificates", _body(site))
    assert duplicate.status_code == 409
    assert Certificate.objects.filter(site=site).count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [("oem_buyer", 403), ("nda_expired_partner", 403), ("supplier_rep", 404), ("outsider", 404)],
)
def test_others_do_not_record_certificates_of_meridians_site(site, client_for, persona, status):
    response = send(client_for(persona), "POST", f"{API}/certificates", _body(site))
    assert response.status_code == status
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"valid_until": "2020-01-01", "valid_from": "2021-01-01"}, "valid_until"),
        ({"standard": "IPC-A-610"}, "ipc_class"),
        ({"ipc_class": 2}, "ipc_class"),
        ({"standard": "ISO 14001"}, "standard"),
        ({"processes": ["wave soldering"]}, "processes"),
        ({"number": ""}, "number"),
        ({"issuer": "BSI\nLondon"}, "issuer"),
        ({"ipc_class": True, "standard": "IPC-A-610"}, "ipc_class"),
    ],
)
def test_bad_input_is_refused_naming_the_field(site, client_for, change, field):
    response = send(client_for("ems_quality"), "POST", f"{API}/certificates", _body(site, **change))
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json())
    assert not Certificate.objects.exists()


def test_a_change_clears_the_verification_and_retiring_hides_it(people, site, client_for):
    found = certificate(people.ems_quality, site)
    assert (
        send(client_for("ems_planner"), "POST", f"{API}/certificates/{found.pk}/verify").status_code
        == 403
    )
    verified = send(client_for("oem_buyer"), "POST", f"{API}/certificates/{found.pk}/verify")
    assert verified.status_code == 200
    assert verified.json()["verified_by"] == "Maya Okafor"
    # A suspension keeps the verification (it is a fact about the certificate)...
    quality = client_for("ems_quality")
    suspended = send(quality, "PATCH", f"{API}/certificates/{found.pk}", {"suspended": True})
    assert suspended.json()["status"] == "suspended"
    assert suspended.json()["verified_by"] == "Maya Okafor"
    # ... a new expiry date does not.
    later = str(today() + dt.timedelta(days=1000))
    changed = send(quality, "PATCH", f"{API}/certificates/{found.pk}", {"valid_until": later})
    assert changed.status_code == 200
    assert (changed.json()["verified_by"], changed.json()["valid_until"]) == (None, later)
    patch_refused = send(
        client_for("oem_buyer"), "PATCH", f"{API}/certificates/{found.pk}", {"suspended": False}
    )
    assert patch_refused.status_code == 403
    retired = send(quality, "POST", f"{API}/certificates/{found.pk}/retire")
    assert retired.status_code == 200 and retired.json()["retired_at"]
    assert client_for("oem_buyer").get(f"{API}/certificates").json()["results"] == []
    everything = client_for("oem_buyer").get(f"{API}/certificates?include_retired=true").json()
    assert [c["id"] for c in everything["results"]] == [found.pk]
    assert send(quality, "POST", f"{API}/certificates/{found.pk}/retire").status_code == 409


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("scan.pdf", b"MZ\x90\x00 a program", 422),  # not what it claims to be
        ("plan.docx", b"PK\x03\x04", 422),  # not a kind evidence takes
        ("empty.pdf", b"", 422),
    ],
)
def test_evidence_must_be_a_pdf_png_or_jpeg(people, site, client_for, name, data, status):
    found = certificate(people.ems_quality, site)
    response = client_for("ems_quality").post(
        f"{API}/certificates/{found.pk}/evidence", {"file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == status, response.content
    assert not CertificateEvidence.objects.exists()


def test_evidence_too_large_is_413(people, site, client_for, settings):
    settings.MAX_EVIDENCE_MB = 1
    found = certificate(people.ems_quality, site)
    big = PDF + b"0" * (1024 * 1024)
    response = client_for("ems_quality").post(
        f"{API}/certificates/{found.pk}/evidence", {"file": SimpleUploadedFile("big.pdf", big)}
    )
    assert response.status_code == 413
    assert not CertificateEvidence.objects.exists()


def test_evidence_upload_replaces_the_file_and_clears_the_verification(people, site, client_for):
    found = with_evidence(people.ems_quality, site)
    send(client_for("oem_buyer"), "POST", f"{API}/certificates/{found.pk}/verify")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    response = client_for("ems_quality").post(
        f"{API}/certificates/{found.pk}/evidence",
        {"file": SimpleUploadedFile("../scan\u202e.png", png)},
        headers={"Idempotency-Key": "evidence-1"},
    )
    assert response.status_code == 201
    assert (response.json()["has_evidence"], response.json()["verified_by"]) == (True, None)
    evidence = CertificateEvidence.objects.get(certificate=found)
    assert (evidence.filename, evidence.content_type, bytes(evidence.data)) == (
        "scan.png",
        "image/png",
        png,
    )
    refused = client_for("oem_buyer").post(
        f"{API}/certificates/{found.pk}/evidence", {"file": SimpleUploadedFile("x.pdf", PDF)}
    )
    assert refused.status_code == 403


# Pages ------------------------------------------------------------------------------------


def test_the_list_page_filters_sorts_and_exports(people, site, client_for):
    day = today()
    certificate(people.ems_quality, site, "ISO 9001", number="Q-1")
    certificate(
        people.ems_quality,
        site,
        "ISO 13485",
        number="MD-1",
        valid_from=day - dt.timedelta(days=1000),
        valid_until=day - dt.timedelta(days=5),
    )
    client = client_for("oem_buyer")
    page = client.get(f"/sites/{site.pk}/certificates/").content.decode()
    assert 'class="badge cert-valid">Valid' in page
    assert 'class="badge cert-expired">Expired' in page
    assert "Record a certificate" not in page  # Halcyon does not record Meridian's
    expired = client.get(f"/sites/{site.pk}/certificates/?status=expired").content.decode()
    assert "MD-1" in expired and "Q-1" not in expired
    csv = client.get(f"/sites/{site.pk}/certificates/?format=csv&sort=-number").content
    rows = list(reader(io.StringIO(csv.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Site", "Standard", "Number", "Issuer", "Processes"]
    assert [(r[2], r[4], r[9]) for r in rows[1:]] == [
        ("Q-1", "SMT, Box build", "Valid"),
        ("MD-1", "SMT, Box build", "Expired"),
    ]
    xlsx = client.get(f"/sites/{site.pk}/certificates/?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client_for("supplier_rep").get(f"/sites/{site.pk}/certificates/").status_code == 404


def test_recording_through_the_pages(people, site, client_for):
    client = client_for("ems_quality")
    form = {
        "standard": "IPC-A-610",
        "ipc_class": "3",
        "number": "IPC-1",
        "issuer": "IPC",
        "valid_from": "2026-01-01",
        "valid_until": "2025-12-31",
        "processes": ["smt", "aoi"],
        "product_categories": "wearables, medical devices",
    }
    refused = client.post(f"/sites/{site.pk}/certificates/new/", form)
    assert refused.status_code == 422
    assert "before the issue date" in refused.content.decode()
    assert not Certificate.objects.exists()
    done = client.post(f"/sites/{site.pk}/certificates/new/", form | {"valid_until": "2029-01-01"})
    assert done.status_code == 302
    found = Certificate.objects.get()
    assert (found.label, found.processes, found.product_categories) == (
        "IPC-A-610 Class 3",
        ["smt", "aoi"],
        ["wearables", "medical devices"],
    )
    upload = client.post(
        f"/certificates/{found.pk}/evidence/upload/", {"file": SimpleUploadedFile("c.pdf", PDF)}
    )
    assert upload.status_code == 302
    detail = client_for("oem_buyer").get(f"/certificates/{found.pk}/").content.decode()
    assert "c.pdf" in detail and "Mark as verified" in detail
    # Brightline sees the summary, not the evidence (no NDA with Meridian).
    other = client_for("nda_expired_partner").get(f"/certificates/{found.pk}/").content.decode()
    assert "c.pdf" not in other and "none you may download" in other
    assert client.post(f"/certificates/{found.pk}/retire/").status_code == 302
    assert Certificate.objects.get().retired_at is not None


# Command line -----------------------------------------------------------------------------


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_command_line(people, site, tmp_path):
    scan = tmp_path / "iso13485.pdf"
    scan.write_bytes(PDF)
    added = _run(
        "certificates", "add", "--as", "ems_quality", "--site", "pen1",
        "--standard", "iso 13485", "--number", "MD-9", "--issuer", "BSI",
        "--valid-from", "2026-01-01", "--valid-until", "2029-01-01",
        "--process", "SMT", "--process", "box build", "--evidence", str(scan),
    )  # fmt: skip
    found = Certificate.objects.get()
    assert added.strip() == (
        f"Recorded certificate {found.pk}: ISO 13485 MD-9 at PEN1 (SMT, Box build), "
        "evidence iso13485.pdf"
    )
    listed = _run("certificates", "list", "meridian", "--as", "oem_buyer", "--format", "csv")
    assert listed.splitlines()[1].split(",")[1:5] == ["PEN1", "ISO 13485", "MD-9", "BSI"]
    with pytest.raises(CommandError, match="404"):
        _run("certificates", "list", "meridian", "--as", "supplier_rep")
    with pytest.raises(CommandError, match="403"):
        _run("certificates", "verify", str(found.pk), "--as", "ems_planner")
    assert "Verified" in _run("certificates", "verify", str(found.pk), "--as", "oem_buyer")
    assert "Retired" in _run("certificates", "retire", str(found.pk), "--as", "ems_quality")
    with pytest.raises(CommandError, match="before the issue date"):
        _run(
            "certificates", "add", "--as", "ems_quality", "--site", "PEN1",
            "--standard", "ISO 9001", "--number", "Q-9", "--issuer", "BSI",
            "--valid-from", "2026-01-01", "--valid-until", "2025-01-01",
        )  # fmt: skip
    assert Certificate.objects.count() == 1
