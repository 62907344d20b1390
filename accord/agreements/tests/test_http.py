"""Agreements through HTTP and the command line, as the people who use them."""

from __future__ import annotations

import io
import json

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accord.agreements.choices import VersionStatus
from accord.agreements.models import AgreementVersion, Signature
from accord.agreements.services import create_agreement, retire_agreement
from accord.agreements.tests.sample import signable
from accord.api.tests.utils import API, assert_error, send
from accord.core.models import AccessLogEntry
from accord.orgs.models import Nda
from accord.orgs.services import terminate_nda
from accord.web.tests.helpers import table


def _hash(agreement, number=1):
    return AgreementVersion.objects.get(agreement=agreement, number=number).terms_hash


def test_other_customers_and_outsiders_get_404_everywhere(agreement, client_for):
    for persona in ("other_oem_user", "outsider", "supplier_rep", "nda_expired_partner"):
        client = client_for(persona)
        assert client.get(reverse("agreement_detail", args=[agreement.pk])).status_code == 404
        assert client.get(f"{API}/agreements/{agreement.pk}").status_code == 404
        assert client.get(f"{API}/agreements").json()["count"] == 0
    assert not AccessLogEntry.objects.filter(object_type="agreements.agreement").exists()


def test_an_nda_lapse_hides_the_agreement_at_once_from_both_sides(agreement, client_for, people):
    for persona in ("oem_buyer", "ems_planner"):
        assert client_for(persona).get(f"{API}/agreements/{agreement.pk}").status_code == 200
    terminate_nda(actor=people.oem_buyer, nda=Nda.objects.get(reference="NDA-HAL-MER-2025"))
    for persona in ("oem_buyer", "ems_planner", "oem_engineer"):
        client = client_for(persona)
        assert_error(client.get(f"{API}/agreements/{agreement.pk}"), 404, "not_found")
        assert client.get(reverse("agreement_detail", args=[agreement.pk])).status_code == 404
        assert client.get(f"{API}/agreements").json()["count"] == 0


def test_a_read_of_the_terms_is_in_the_other_partys_access_log(agreement, client_for, people):
    client_for("ems_planner").get(reverse("agreement_detail", args=[agreement.pk]))
    client_for("oem_buyer").get(f"{API}/agreements/{agreement.pk}")
    logged = AccessLogEntry.objects.filter(object_type="agreements.agreement").order_by("id")
    assert [(e.reader.username, e.owner.slug.split("-")[0], e.channel) for e in logged] == [
        ("ems_planner", "halcyon", "web"),
        ("oem_buyer", "meridian", "api"),
    ]
    # The list holds no terms: nothing logged.
    client_for("ems_planner").get(reverse("agreement_list"))
    assert logged.count() == 2


def test_signing_through_the_api(agreement, client_for):
    url = f"{API}/agreements/{agreement.pk}/sign"
    digest = _hash(agreement)
    buyer, planner = client_for("oem_buyer"), client_for("ems_planner")
    assert_error(
        send(client_for("oem_engineer"), "POST", url, {"terms_hash": digest}), 403, "forbidden"
    )
    assert send(buyer, "POST", url, {"terms_hash": digest}).json()["status"] == "draft"
    assert_error(send(buyer, "POST", url, {"terms_hash": digest}), 409, "conflict")
    signed = send(planner, "POST", url, {"terms_hash": digest}).json()
    assert (signed["status"], signed["terms_hash"]) == ("signed", digest)
    assert [s["side"] for s in signed["signatures"]] == ["buyer", "partner"]
    # Nothing to sign any more: the draft is gone.
    assert_error(send(planner, "POST", url, {"terms_hash": digest}), 409, "conflict")


def test_a_draft_with_problems_answers_422_naming_the_clauses(agreement, client_for):
    terms = signable()
    terms["definitions"] = [d for d in terms["definitions"] if d["word"] != "premium"]
    put = send(
        client_for("oem_buyer"), "PUT", f"{API}/agreements/{agreement.pk}/terms", {"terms": terms}
    )
    assert put.status_code == 200
    refused = send(
        client_for("oem_buyer"),
        "POST",
        f"{API}/agreements/{agreement.pk}/sign",
        {"terms_hash": put.json()["terms_hash"]},
    )
    body = assert_error(refused, 422, "invalid")
    assert body["detail"]["problems"] == [
        {"clause": "notes", "message": 'the vague word "premium" has no definition'}
    ]
    assert not Signature.objects.exists()
    detail = client_for("ems_planner").get(f"{API}/agreements/{agreement.pk}").json()
    assert detail["problems"] == body["detail"]["problems"]


def test_a_locale_formatted_price_is_refused_and_nothing_written(agreement, client_for):
    terms = signable()
    terms["price_tiers"][0]["unit_price"] = "1.234,50"
    before = _hash(agreement)
    response = send(
        client_for("ems_planner"), "PUT", f"{API}/agreements/{agreement.pk}/terms", {"terms": terms}
    )
    assert response.status_code == 422
    assert "price_tiers" in response.content.decode() and "1.234,50" in response.content.decode()
    assert _hash(agreement) == before


def test_the_diff_between_versions_through_api_page_and_cli(agreement, people, client_for):
    from accord.agreements.services import save_terms, sign_agreement_version

    for person in (people.oem_buyer, people.ems_planner):
        sign_agreement_version(actor=person, agreement=agreement, terms_hash=_hash(agreement))
    terms = signable()
    terms["price_tiers"][1]["unit_price"] = "9.60"
    terms["inspection"]["workmanship_class"] = 3
    save_terms(actor=people.ems_planner, agreement=agreement, terms=terms)
    expected = ["inspection class: 2 → 3", "tier 5,000: 9.80 → 9.60"]
    api = client_for("oem_buyer").get(f"{API}/agreements/{agreement.pk}/diff?from=1&to=2")
    assert api.json() == {"from_version": 1, "to_version": 2, "lines": expected}
    page = client_for("ems_planner").get(reverse("agreement_diff", args=[agreement.pk]))
    assert all(line in page.content.decode() for line in expected)
    out = io.StringIO()
    call_command(
        "agreement",
        "diff",
        str(agreement.pk),
        "--from",
        "1",
        "--to",
        "2",
        "--as",
        "oem_buyer",
        stdout=out,
    )
    assert out.getvalue().splitlines() == expected


def test_the_pages_draft_edit_and_sign(people, programs, orgs, client_for):
    buyer, planner = client_for("oem_buyer"), client_for("ems_planner")
    created = buyer.post(
        reverse("agreement_create"),
        {"program": programs["EBX2"].pk, "partner": orgs["meridian"].pk, "title": "PCBA SOW"},
    )
    assert created.status_code == 302
    pk = int(created["Location"].rstrip("/").split("/")[-1])
    edited = planner.post(reverse("agreement_terms", args=[pk]), {"terms": json.dumps(signable())})
    assert edited.status_code == 302
    page = buyer.get(reverse("agreement_detail", args=[pk])).content.decode()
    assert "No problem found: the draft may be signed." in page
    digest = AgreementVersion.objects.get(agreement_id=pk).terms_hash
    assert digest in page
    for client in (buyer, planner):
        assert (
            client.post(reverse("agreement_sign", args=[pk]), {"terms_hash": digest}).status_code
            == 302
        )
    assert AgreementVersion.objects.get(agreement_id=pk).status == VersionStatus.SIGNED
    export = buyer.get(reverse("agreement_version", args=[pk, 1]) + "?format=csv")
    text = export.content.decode()
    # One row per field with its path, readable and read back by "Check a copy".
    assert "Price tier,from 5,000 to 49,999,unit price,9.80,price_tiers[1].unit_price" in (
        text.replace('"', "")
    )
    assert digest in text


def test_the_list_sorts_pages_and_exports_what_the_reader_sees(agreement, client_for, people):
    second = create_agreement(
        actor=people.oem_buyer,
        program=agreement.program,
        partner=agreement.partner,
        title="Box build addendum",
        terms=signable(),
    )
    retire_agreement(actor=people.oem_buyer, agreement=second, reason="Merged into the SOW")
    planner = client_for("ems_planner")
    by_title = table(planner.get(reverse("agreement_list")), "Agreements you may see")
    assert [row[0] for row in by_title] == ["Box build addendum", agreement.title]
    reversed_ = table(
        planner.get(reverse("agreement_list") + "?sort=-title"), "Agreements you may see"
    )
    assert [row[0] for row in reversed_] == [agreement.title, "Box build addendum"]
    export = planner.get(reverse("agreement_list") + "?sort=-title&retired=yes&format=csv")
    assert export.status_code == 200
    lines = export.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0] == "Title,Program,Buyer,Partner,Version,Status,Retired on"
    assert len(lines) == 2 and lines[1].startswith("Box build addendum,")
    assert lines[1].endswith(f",1,Draft,{timezone.localdate().isoformat()}")
    # Outsiders export nothing.
    empty = client_for("outsider").get(reverse("agreement_list") + "?format=csv")
    assert empty.content.decode("utf-8-sig").strip().splitlines()[1:] == []
