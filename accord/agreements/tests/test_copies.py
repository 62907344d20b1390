"""An exported copy of the terms read back: matched to the version its printed hash names,
its rows hashed again, a changed clause named; bad files refused with 4xx; another agreement's
copy is "not a version of this agreement"; outsiders get 404; reads are access-logged."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accord.agreements.copies import EXPORT_HEADERS, read_copy
from accord.agreements.services import create_agreement, save_terms
from accord.agreements.terms import canonical_terms, parse_terms, terms_hash
from accord.agreements.tests.invoice_sample import sow_v3
from accord.agreements.tests.sample import signable
from accord.api.tests.utils import API, assert_error
from accord.core.models import AccessLogEntry

CSV_TYPE = "text/csv"


def _export(client, agreement, number=1, fmt="csv") -> bytes:
    response = client.get(
        reverse("agreement_version", args=[agreement.pk, number]), {"format": fmt}
    )
    assert response.status_code == 200
    return response.content


def _match(client, agreement, data: bytes, name="agreement.csv"):
    return client.post(
        f"{API}/agreements/{agreement.pk}/match", {"file": SimpleUploadedFile(name, data)}
    )


def test_the_export_has_a_row_per_field_with_its_path_and_prints_the_hash(agreement, client_for):
    text = _export(client_for("oem_buyer"), agreement).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == ",".join(EXPORT_HEADERS)
    assert 'Price tier,"from 5,000 to 49,999",unit price,9.80,price_tiers[1].unit_price' in lines
    assert "MOQ,,,500,moq" in lines
    assert (
        "Appendix A fee,EXP Expedite,written request needed,true,fees[0].written_request_needed"
        in lines
    )
    digest = agreement.versions.get(number=1).terms_hash
    assert lines[-1] == f"SHA-256,version 1 (draft),,{digest},sha256"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_exported_copy_matches_its_version(agreement, client_for, fmt):
    buyer = client_for("oem_buyer")
    answer = _match(buyer, agreement, _export(buyer, agreement, fmt=fmt), f"copy.{fmt}")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    digest = agreement.versions.get(number=1).terms_hash
    assert body["matched"] is True
    assert body["version"] == 1
    assert body["status"] == "draft"
    assert body["intact"] is True
    assert body["printed_hash"] == body["file_hash"] == digest
    assert body["differences"] == []
    assert body["summary"].startswith("A true copy of version 1 (a draft")


def test_texts_a_spreadsheet_would_change_come_back_exactly(people, programs, orgs, client_for):
    terms = signable()
    terms["notes"] = "=SUM(A1) is not a formula\n  indented second line "
    terms["definitions"][0]["criterion"] = '"Class 3" as IPC-A-610 says'
    terms["deadlines"][0]["due"] = "  2027-03-01"
    terms["decision_rights"][0]["role"] = "'Lead' engineer"
    agreement = create_agreement(
        actor=people.oem_buyer,
        program=programs["EBX2"],
        partner=orgs["meridian"],
        title="Awkward texts",
        terms=terms,
    )
    buyer = client_for("oem_buyer")
    for fmt in ("csv", "xlsx"):
        body = _match(buyer, agreement, _export(buyer, agreement, fmt=fmt), f"c.{fmt}").json()
        assert body["intact"] is True, (fmt, body)


def test_clauses_added_after_the_first_versions_come_back_exactly(
    people, programs, orgs, client_for
):
    # payment_days and a band's fee_code are left out of the canonical form when unset (old
    # hashes stay); set, they are exported and read back like every other field.
    terms = signable()
    terms["payment_days"] = 45
    terms["fees"].append(
        {
            "code": "FLX",
            "description": "Flex change",
            "basis": "per_event",
            "amount": "400.00",
            "currency": "USD",
            "written_request_needed": False,
        }
    )
    terms["flex_bands"] = [
        {"weeks_from": 5, "weeks_to": 8, "allowed_change_percent": "10", "fee_code": "FLX"},
        {"weeks_from": 9, "weeks_to": 13, "allowed_change_percent": "25"},
    ]
    agreement = create_agreement(
        actor=people.oem_buyer,
        program=programs["EBX2"],
        partner=orgs["meridian"],
        title="Later clauses",
        terms=terms,
    )
    buyer = client_for("oem_buyer")
    exported = _export(buyer, agreement).decode("utf-8-sig")
    assert "payment_days" in exported and "flex_bands[0].fee_code" in exported
    for fmt in ("csv", "xlsx"):
        body = _match(buyer, agreement, _export(buyer, agreement, fmt=fmt), f"c.{fmt}").json()
        assert body["intact"] is True, (fmt, body)


def test_a_copy_with_one_price_changed_names_the_clause(agreement, client_for):
    buyer = client_for("oem_buyer")
    text = _export(buyer, agreement).decode("utf-8-sig")
    edited = text.replace(",9.80,price_tiers[1].unit_price", ",9.60,price_tiers[1].unit_price")
    assert edited != text
    body = _match(buyer, agreement, edited.encode()).json()
    assert body["matched"] is True and body["version"] == 1
    assert body["intact"] is False
    assert body["file_hash"] != body["printed_hash"]
    assert body["differences"] == ["tier 5,000: 9.80 → 9.60"]
    assert body["summary"] == (
        "Not a true copy: the file prints version 1's hash (a draft, not signed by both "
        "sides), but its terms differ in 1 clause line(s)."
    )


def test_another_agreements_copy_is_not_a_version_of_this_one(agreement, people, programs, orgs):
    terms = signable()
    terms["moq"] = 1000
    other = create_agreement(
        actor=people.oem_buyer,
        program=programs["EBX2"],
        partner=orgs["meridian"],
        title="Earbuds X2 spares SOW",
        terms=terms,
    )
    from django.test import Client

    buyer = Client()
    buyer.force_login(people.oem_buyer)
    body = _match(buyer, agreement, _export(buyer, other)).json()
    assert body["matched"] is False
    assert body["version"] is None and body["status"] is None
    assert body["intact"] is True
    assert body["differences"] == []
    assert body["summary"].startswith("Not a version of this agreement")
    assert str(other.pk) not in body["summary"] and other.title not in body["summary"]


def test_a_superseded_version_says_which_version_replaced_it(people, programs, orgs, client_for):
    sow = sow_v3(people, programs, orgs)
    buyer = client_for("oem_buyer")
    body = _match(buyer, sow, _export(buyer, sow, number=1)).json()
    assert (body["version"], body["status"], body["intact"]) == (1, "superseded", True)
    assert body["state"] == "signed, superseded by version 2"
    body = _match(buyer, sow, _export(buyer, sow, number=3)).json()
    assert body["state"] == "signed by both sides, in force"
    # v2 differs from v1 only in the 5,000 tier: v1's copy edited to v2's price names it.
    text = _export(buyer, sow, number=1).decode("utf-8-sig")
    body = _match(buyer, sow, text.replace(",10.20,", ",10.00,").encode()).json()
    assert body["differences"] == ["tier 5,000: 10.20 → 10.00"]


def test_outsiders_get_404_and_nothing_is_logged(agreement, client_for):
    data = _export(client_for("oem_buyer"), agreement)
    AccessLogEntry.objects.all().delete()
    for persona in ("outsider", "other_oem_user", "supplier_rep", "nda_expired_partner"):
        client = client_for(persona)
        assert_error(_match(client, agreement, data), 404, "not_found")
        page = reverse("agreement_copy_check", args=[agreement.pk])
        assert client.get(page).status_code == 404
        upload = {"file": SimpleUploadedFile("c.csv", data)}
        assert client.post(page, upload).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_a_match_is_in_the_other_partys_access_log(agreement, client_for):
    data = _export(client_for("ems_planner"), agreement)
    AccessLogEntry.objects.all().delete()
    assert _match(client_for("ems_planner"), agreement, data).status_code == 200
    page = reverse("agreement_copy_check", args=[agreement.pk])
    client_for("oem_buyer").post(page, {"file": SimpleUploadedFile("c.csv", data)})
    logged = AccessLogEntry.objects.filter(object_type="agreements.agreement").order_by("id")
    assert [(e.reader.username, e.owner.slug.split("-")[0], e.channel) for e in logged] == [
        ("ems_planner", "halcyon", "api"),
        ("oem_buyer", "meridian", "web"),
    ]


def test_the_page_shows_the_version_and_the_changed_clause(agreement, client_for):
    buyer = client_for("oem_buyer")
    page = reverse("agreement_copy_check", args=[agreement.pk])
    shown = buyer.get(page)
    assert shown.status_code == 200 and b'enctype="multipart/form-data"' in shown.content
    data = _export(buyer, agreement, fmt="xlsx")
    answer = buyer.post(page, {"file": SimpleUploadedFile("copy.xlsx", data)})
    assert answer.status_code == 200
    assert "A true copy of version 1" in answer.content.decode()
    text = _export(buyer, agreement).decode("utf-8-sig").replace(",9.80,", ",9.60,")
    answer = buyer.post(page, {"file": SimpleUploadedFile("copy.csv", text.encode())})
    assert "tier 5,000: 9.80 → 9.60" in answer.content.decode()
    refused = buyer.post(page, {"file": SimpleUploadedFile("terms.pdf", b"%PDF-1.7\n...")})
    assert refused.status_code == 422
    assert "This is a PDF document" in refused.content.decode()


@pytest.mark.parametrize(
    ("name", "data", "status", "words"),
    [
        ("terms.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", 422, "PDF document"),
        ("empty.csv", b"", 422, "empty"),
        ("garbage.csv", bytes(range(256)) * 40, 422, ""),
        ("invoice.csv", b"Kind,Quantity,Unit Price\npart,5000,9.80\n", 422, "Path and Value"),
        ("nohash.csv", b"Clause,Field,Value,Path\nMOQ,,500,moq\n", 422, "no SHA-256"),
        (
            "bad.csv",
            b'Value,Path\nabc,moq\n"1.234,50",price_tiers[0].unit_price\n'
            + b"0" * 64
            + b",sha256\n",
            422,
            "moq",
        ),
        ("paths.csv", b"Value,Path\n5,../etc\n" + b"0" * 64 + b",sha256\n", 422, "not a path"),
        ("nopath.csv", b"Value,Path\n5,\n" + b"0" * 64 + b",sha256\n", 422, "without a path"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    agreement, client_for, name, data, status, words
):
    answer = _match(client_for("oem_buyer"), agreement, data, name)
    assert answer.status_code == status, answer.content
    body = answer.json()
    assert set(body) == {"code", "message", "detail"}
    assert words in body["message"], body["message"]


def test_a_refused_clause_is_named_with_its_row(agreement, client_for):
    text = _export(client_for("oem_buyer"), agreement).decode("utf-8-sig")
    text = text.replace(",9.80,price_tiers[1].unit_price", ",nine,price_tiers[1].unit_price")
    row = next(
        n for n, line in enumerate(text.splitlines(), 1) if "price_tiers[1].unit_price" in line
    )
    body = assert_error(
        _match(client_for("oem_buyer"), agreement, text.encode()), 422, "copy_refused"
    )
    problem = body["detail"]["problems"][0]
    assert problem["row"] == row
    assert problem["message"].startswith("price_tiers[1].unit_price: 'nine' is not a plain number")
    assert problem["column"] == "Value (D)"


def test_a_huge_file_is_refused_with_413(agreement, client_for):
    rows = b"x,moq\n" * 20_001
    answer = _match(client_for("oem_buyer"), agreement, b"Value,Path\n" + rows)
    assert_error(answer, 413, "copy_refused")


def test_read_copy_rebuilds_the_canonical_terms(agreement, client_for):
    data = _export(client_for("oem_buyer"), agreement, fmt="xlsx")
    copy = read_copy(data, "copy.xlsx")
    assert canonical_terms(copy.terms) == canonical_terms(parse_terms(signable()))
    assert copy.file_hash == terms_hash(signable()) == copy.printed_hash
    assert copy.printed_number == 1


def test_the_command_line_matches_a_copy(agreement, client_for, people, tmp_path: Path):
    buyer = client_for("oem_buyer")
    save_terms(actor=people.oem_buyer, agreement=agreement, terms={**signable(), "moq": 600})
    path = tmp_path / "copy.csv"
    path.write_bytes(_export(buyer, agreement).replace(b",600,moq", b",700,moq"))
    out = io.StringIO()
    call_command(
        "agreement", "match", str(agreement.pk), str(path), "--as", "oem_buyer", stdout=out
    )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Not a true copy: the file prints version 1's hash")
    assert lines[-1] == "  MOQ: 600 → 700"
    with pytest.raises(CommandError, match="Not found"):
        call_command("agreement", "match", str(agreement.pk), str(path), "--as", "outsider")
    with pytest.raises(CommandError, match="Could not read"):
        call_command(
            "agreement", "match", str(agreement.pk), str(tmp_path / "none.csv"), "--as", "oem_buyer"
        )
