"""Flex checks through HTTP and the command line, as the people who use them: the buyer's
planner changes builds (pages and API), the EMS decides the exceptions, both check changes."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accord.agreements.choices import FlexStatus
from accord.agreements.models import FlexException
from accord.agreements.tests.flex_sample import build_due_in, signed_flex_sow
from accord.api.tests.utils import API, assert_error, send
from accord.core.models import AccessLogEntry, Event
from accord.supply.models import Build, BuildVersion


@pytest.fixture
def sow(people, programs, orgs):
    return signed_flex_sow(people, programs, orgs)


@pytest.fixture
def builds(sow, people, programs, orgs, parts):
    """Week 3: 1,000; week 6: 2,000; week 10: 2,000."""
    return {
        week: build_due_in(people, programs, orgs, parts, days=days, quantity=quantity)
        for week, days, quantity in ((3, 21, 1000), (6, 42, 2000), (10, 70, 2000))
    }


def _run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_api_refuses_flags_and_accepts_the_issues_changes(builds, client_for, sow):
    buyer = client_for("oem_buyer")
    # Week 3: 1,000 -> 1,050 refused (409), naming the build, the week and the clause.
    refused = send(buyer, "PATCH", f"{API}/builds/{builds[3].pk}", {"quantity": 1050})
    body = assert_error(refused, 409, "frozen_window")
    assert f"Build {builds[3].pk}" in body["message"] and "week 3" in body["message"]
    assert body["detail"]["clause"] == "frozen window (weeks 1–4)"
    assert BuildVersion.objects.filter(build=builds[3]).count() == 1
    # Week 6: 2,000 -> 2,300 = +15 % > 10 %: written and flagged.
    flagged = send(buyer, "PATCH", f"{API}/builds/{builds[6].pk}", {"quantity": 2300})
    assert flagged.status_code == 200 and flagged.json()["quantity"] == "2300"
    # Week 10: 2,000 -> 1,600 = -20 %, within ±25 %: written, nothing flagged.
    accepted = send(buyer, "PATCH", f"{API}/builds/{builds[10].pk}", {"quantity": 1600})
    assert accepted.status_code == 200
    listed = buyer.get(f"{API}/agreements/{sow.pk}/flex-exceptions?status=pending").json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert (row["build_id"], row["weeks_out"], row["change_percent"], row["band"]) == (
        builds[6].pk,
        6,
        "15",
        "flex weeks 5–8 (±10 %)",
    )
    assert [f["code"] for f in row["fees"]] == ["FLX"]

    # Only the EMS decides: the buyer 403, the EMS accepts, a second decision 409.
    url = f"{API}/flex-exceptions/{row['id']}"
    assert_error(send(buyer, "POST", f"{url}/accept", {}), 403, "forbidden")
    assert_error(send(client_for("outsider"), "POST", f"{url}/accept", {}), 404, "not_found")
    ems = client_for("ems_planner")
    decided = send(ems, "POST", f"{url}/decline", {"note": "No capacity in week 6"})
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["note"]) == (
        "declined",
        "No capacity in week 6",
    )
    assert_error(send(ems, "POST", f"{url}/accept", {}), 409, "conflict")


def test_the_dry_run_answers_each_change_and_writes_nothing(builds, client_for, sow):
    changes = [
        {"build_id": builds[3].pk, "quantity": 1050},
        {"build_id": builds[6].pk, "quantity": 2300},
        {"build_id": builds[10].pk, "quantity": 1600},
    ]
    versions, events = BuildVersion.objects.count(), Event.objects.count()
    response = send(
        client_for("ems_planner"),
        "POST",
        f"{API}/agreements/{sow.pk}/flex-check",
        {"changes": changes},
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["outcome"], r["weeks_out"], r["change_percent"]) for r in results] == [
        ("refused", 3, "5"),  # 50 / 1,000
        ("flagged", 6, "15"),  # 300 / 2,000
        ("accepted", 10, "-20"),  # -400 / 2,000
    ]
    assert results[0]["clause"] == "frozen window (weeks 1–4)"
    assert results[1]["clause"] == "flex weeks 5–8 (±10 %)"
    assert (BuildVersion.objects.count(), Event.objects.count()) == (versions, events)
    assert not FlexException.objects.exists()
    # A build nobody named right is refused naming its row.
    bad = send(
        client_for("oem_buyer"),
        "POST",
        f"{API}/agreements/{sow.pk}/flex-check",
        {"changes": [changes[0], {"build_id": 999999, "quantity": 5}]},
    )
    assert assert_error(bad, 422, "invalid")["detail"]["field"] == "changes[1].build_id"


def test_the_change_check_api_answers_and_logs_the_read(sow, client_for):
    url = f"{API}/agreements/{sow.pk}/change-check"
    buyer = client_for("oem_buyer")
    before = AccessLogEntry.objects.count()
    same = send(buyer, "POST", url, {"term": "inspection.aql", "value": "0.65"}).json()
    assert (same["answer"], same["version"]) == ("in_sow", 1)
    tier = send(buyer, "POST", url, {"term": "price_tiers[5000].unit_price", "value": 9.6}).json()
    assert tier["answer"] == "amendment"
    assert tier["clause"] == "tier 5,000: 9.80 → 9.60"
    assert tier["fees"][0]["code"] == "ECO"
    missing = send(buyer, "POST", url, {"term": "fees[EXPEDITE].amount", "value": 1}).json()
    assert missing["answer"] == "not_in_sow"
    assert AccessLogEntry.objects.count() == before + 3
    bad = send(buyer, "POST", url, {"term": "colour", "value": "red"})
    assert assert_error(bad, 422, "invalid")["detail"]["field"] == "term"
    assert_error(
        send(client_for("supplier_rep"), "POST", url, {"term": "moq", "value": 1}), 404, "not_found"
    )


def test_pages_change_builds_through_the_check_and_the_ems_decides(builds, client_for, sow):
    buyer = client_for("oem_buyer")
    page = buyer.post(reverse("build_change", args=[builds[3].pk]), {"quantity": "1050"})
    assert Build.objects.get(pk=builds[3].pk).quantity == Decimal(1000)
    assert page.status_code == 422
    assert "inside the frozen window (weeks 1–4)" in page.content.decode()
    changed = buyer.post(reverse("build_change", args=[builds[6].pk]), {"quantity": "2300"})
    assert changed.status_code == 302
    exception = FlexException.objects.get()
    listing = client_for("ems_planner").get(reverse("flex_exceptions", args=[sow.pk]))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "flex weeks 5–8 (±10 %)" in text and "FLX 300.00 USD per_event" in text
    assert "Accept" in text
    assert (
        "Accept</button>"
        not in buyer.get(reverse("flex_exceptions", args=[sow.pk])).content.decode()
    )
    assert buyer.post(reverse("flex_exception_accept", args=[exception.pk])).status_code == 403
    done = client_for("ems_planner").post(
        reverse("flex_exception_accept", args=[exception.pk]), {"note": "OK"}
    )
    assert done.status_code == 302
    assert FlexException.objects.get().status == FlexStatus.ACCEPTED
    csv = client_for("ems_planner").get(reverse("flex_exceptions", args=[sow.pk]) + "?format=csv")
    assert "accepted" in csv.content.decode()


def test_the_check_pages_answer_without_writing(builds, client_for, sow):
    buyer = client_for("oem_buyer")
    lines = f"{builds[3].pk}, 1050\n{builds[6].pk}, 2300\n{builds[10].pk}, 1600"
    page = buyer.get(reverse("flex_check", args=[sow.pk]), {"changes": lines}).content.decode()
    assert page.count("<td>refused</td>") == 1 and page.count("<td>flagged</td>") == 1
    assert page.count("<td>accepted</td>") == 1
    for wrong_line in ("x, 1", "1, NaN", "99999999999999999999, 1", "1, 5, 2027-02-30"):
        bad = buyer.get(reverse("flex_check", args=[sow.pk]), {"changes": f"1, 5\n{wrong_line}"})
        assert bad.status_code == 200
        assert "line 2" in bad.content.decode(), wrong_line
    answer = buyer.get(
        reverse("change_check", args=[sow.pk]), {"term": "moq", "value": "600"}
    ).content.decode()
    assert "Amendment needed" in answer and "MOQ: 500 → 600" in answer
    assert "ECO" in answer
    wrong = buyer.get(reverse("change_check", args=[sow.pk]), {"term": "moq.x", "value": "1"})
    assert "moq has no fields" in wrong.content.decode()
    assert not FlexException.objects.exists()


def test_the_cli_checks_and_decides(builds, sow, people):
    out = _run(
        "agreement",
        "change-check",
        str(sow.pk),
        "--term",
        "definitions[premium]",
        "--value",
        "IPC-A-610 Class 2",
        "--as",
        "oem_buyer",
    )
    assert out.startswith('amendment (version 1): Changes definition "premium" criterion')
    out = _run(
        "agreement",
        "flex-check",
        str(sow.pk),
        "--build",
        str(builds[6].pk),
        "--quantity",
        "2300",
        "--as",
        "oem_buyer",
        "--json",
    )
    assert json.loads(out)["outcome"] == "flagged"
    from accord.supply.services import change_build

    change_build(actor=people["oem_buyer"], build=builds[6], quantity_due=2300)
    exception = FlexException.objects.get()
    listed = json.loads(
        _run("agreement", "flex-exceptions", str(sow.pk), "--as", "ems_planner", "--json")
    )
    assert [e["id"] for e in listed] == [exception.pk]
    with pytest.raises(CommandError):
        _run("agreement", "flex-accept", str(exception.pk), "--as", "oem_buyer")
    out = _run("agreement", "flex-accept", str(exception.pk), "--as", "ems_planner", "--note", "ok")
    assert out.strip() == f"Flex exception {exception.pk} (build {builds[6].pk}): accepted."
