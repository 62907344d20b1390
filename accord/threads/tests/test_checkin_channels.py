"""Check-ins through the pages, the API and the command line: the same services, the same
refusals (clean 4xx, the same message), need-to-know (others get 404), the minutes as CSV and
XLSX."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from accord.api.tests.utils import API, send, token_client
from accord.core.access import today
from accord.threads.checkins import current_week
from accord.threads.models import ActionItem, AgendaItem, CheckIn, Decision
from accord.threads.tests.checkin_world import next_week, open_ebx2_checkin, phrm_world


def test_a_checkin_through_the_pages(client_for: Any, people: Any, programs: Any, orgs: Any):
    buyer = client_for("oem_buyer")
    ebx2 = programs["EBX2"]
    week = current_week()
    form = buyer.get(f"/programs/{ebx2.pk}/checkins/new/")
    assert form.status_code == 200
    bad = buyer.post(
        f"/programs/{ebx2.pk}/checkins/new/",
        {"partner": str(orgs["meridian"].pk), "week": "2026-48"},
    )
    assert bad.status_code == 422
    assert "an ISO week such as 2026-W48" in bad.content.decode()
    opened = buyer.post(
        f"/programs/{ebx2.pk}/checkins/new/", {"partner": str(orgs["meridian"].pk), "week": week}
    )
    assert opened.status_code == 302
    checkin = CheckIn.objects.get(program=ebx2, week=week)
    url = f"/checkins/{checkin.pk}/"
    assert opened["Location"] == url
    assert buyer.post(f"{url}items/", {"line": "EVT-2 dates"}).status_code == 302
    assert buyer.post(f"{url}decisions/", {"decision": "Keep the date."}).status_code == 302
    due = (today() + dt.timedelta(days=7)).isoformat()
    action = {"title": "Send the plan", "owner": "ems_planner", "due_date": due}
    assert buyer.post(f"{url}actions/", action).status_code == 302
    # Bad input: the page again with the reason, 422, nothing written.
    past = {**action, "due_date": (today() - dt.timedelta(days=3)).isoformat()}
    refused = buyer.post(f"{url}actions/", past)
    assert refused.status_code == 422
    assert "is in the past for the owner @ems_planner" in refused.content.decode()
    ineligible = buyer.post(f"{url}actions/", {**action, "owner": "supplier_rep"})
    assert ineligible.status_code == 422
    assert "@supplier_rep does not take part in this check-in" in ineligible.content.decode()
    assert buyer.post(f"{url}decisions/", {"decision": " "}).status_code == 422
    assert ActionItem.objects.filter(source_kind="checkin", source_id=checkin.pk).count() == 1
    page = buyer.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("EVT-2 dates", "Keep the date.", "Send the plan", "@ems_planner"):
        assert text in html
    # Its creator (or owner) changes the item's status from the check-in page, and is back.
    item = ActionItem.objects.get(source_kind="checkin", source_id=checkin.pk)
    done = buyer.post(f"/actions/{item.pk}/status/", {"status": "done"})
    assert done.status_code == 302
    assert done["Location"] == f"{url}#action-{item.pk}"
    line = AgendaItem.objects.get(checkin=checkin, kind="manual")
    saved = buyer.post(f"/agenda-items/{line.pk}/", {"note": "Week 6 at the latest."})
    assert saved.status_code == 302
    # The list: sortable, with a caption, exported as CSV and XLSX.
    listing = buyer.get(f"/programs/{ebx2.pk}/checkins/?sort=-week")
    assert "<caption>Check-ins of EBX2</caption>" in listing.content.decode()
    csv = buyer.get(f"/programs/{ebx2.pk}/checkins/?format=csv").content.decode("utf-8-sig")
    assert csv.splitlines()[1].startswith(f"{week},Meridian Electronics Manufacturing,Open")
    assert buyer.post(f"{url}close/").status_code == 302
    # Frozen: a clean 409, nothing written.
    late = buyer.post(f"{url}decisions/", {"decision": "Too late."})
    assert late.status_code == 409
    assert buyer.post(f"{url}close/").status_code == 409
    assert Decision.objects.filter(checkin=checkin).count() == 1
    minutes = buyer.get(f"{url}minutes/?format=csv").content.decode("utf-8-sig")
    assert "Decision,Keep the date." in minutes
    assert "Week 6 at the latest." in minutes
    xlsx = buyer.get(f"{url}minutes/?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "Send the plan" in values
    # Need-to-know: the two organisations' program members only.
    for persona in ("supplier_rep", "ems_quality", "other_oem_user", "outsider"):
        assert client_for(persona).get(url).status_code == 404
        assert client_for(persona).get(f"{url}minutes/?format=csv").status_code == 404


def test_a_checkin_through_the_api(client_for: Any, people: Any, programs: Any, orgs: Any):
    buyer, _ = token_client(people.oem_buyer)
    ebx2 = programs["EBX2"]
    base = f"{API}/programs/{ebx2.pk}/checkins"
    bad = send(
        buyer, "POST", base, {"partner": "meridian", "week": "W48"}, **{"Idempotency-Key": "k0"}
    )
    assert bad.status_code == 422
    assert bad.json()["message"].startswith("week: an ISO week such as 2026-W48")
    created = send(
        buyer,
        "POST",
        base,
        {"partner": "meridian", "week": current_week()},
        **{"Idempotency-Key": "k1"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert {p["username"] for p in body["participants"]} == {
        "oem_buyer",
        "oem_engineer",
        "ems_planner",
    }
    again = send(
        buyer,
        "POST",
        base,
        {"partner": "meridian", "week": current_week()},
        **{"Idempotency-Key": "k2"},
    )
    assert again.status_code == 409
    url = f"{API}/checkins/{body['id']}"
    item = send(buyer, "POST", f"{url}/items", {"text": "EVT-2 dates"}, **{"Idempotency-Key": "k3"})
    assert item.status_code == 201
    patched = send(buyer, "PATCH", f"{API}/agenda-items/{item.json()['id']}", {"resolved": True})
    assert patched.json()["resolved"] is True
    due = (today() + dt.timedelta(days=7)).isoformat()
    action = send(
        buyer,
        "POST",
        f"{url}/actions",
        {"title": "Send the plan", "owner": "ems_planner", "due_date": due},
        **{"Idempotency-Key": "k4"},
    )
    assert action.status_code == 201
    assert (action.json()["source_kind"], action.json()["source_id"]) == ("checkin", body["id"])
    wrong = send(
        buyer,
        "POST",
        f"{url}/actions",
        {"title": "Send the plan", "owner": "supplier_rep", "due_date": due},
        **{"Idempotency-Key": "k5"},
    )
    assert wrong.status_code == 422
    assert send(buyer, "POST", f"{url}/close", {}).status_code == 200
    assert send(buyer, "POST", f"{url}/close", {}).status_code == 409
    late = send(buyer, "POST", f"{url}/decisions", {"text": "Late"}, **{"Idempotency-Key": "k6"})
    assert late.status_code == 409
    minutes = buyer.get(f"{url}/minutes?format=csv")
    assert minutes.status_code == 200
    assert "Action item,Send the plan" in minutes.content.decode("utf-8-sig")
    listed = buyer.get(base).json()
    assert [c["week"] for c in listed["results"]] == [current_week()]
    for persona in ("supplier_rep", "other_oem_user", "outsider"):
        other, _ = token_client(people[persona])
        assert other.get(url).status_code == 404


def test_a_partner_naming_another_partner_learns_nothing_of_it(
    client_for: Any, people: Any, programs: Any, orgs: Any
) -> None:
    """Kestrel's people may hold PHRM check-ins with Kestrel only: Meridian (another partner of
    PHRM) and Halcyon (no partner) are refused alike, 422 on the page and the API, nothing
    written: the answer does not tell which organisations are the program's partners."""
    phrm = programs["PHRM"]
    api, _ = token_client(people.kestrel_rep)
    answers = {}
    for n, name in enumerate(("meridian", "halcyon")):
        answer = send(
            api,
            "POST",
            f"{API}/programs/{phrm.pk}/checkins",
            {"partner": name, "week": current_week()},
            **{"Idempotency-Key": f"other-{n}"},
        )
        assert answer.status_code == 422, answer.content
        answers[name] = answer.json()["message"].replace(name, "NAME")
        page = client_for("kestrel_rep").post(
            f"/programs/{phrm.pk}/checkins/new/",
            {"partner": str(orgs[name].pk), "week": current_week()},
        )
        assert page.status_code == 422
    assert answers["meridian"] == answers["halcyon"]
    assert answers["meridian"].startswith("partner: NAME is not a partner you hold check-ins")
    assert not CheckIn.objects.filter(program=phrm).exists()


def test_the_command_line(people: Any, programs: Any, parts: Any) -> None:
    phrm_world(people, programs, parts)
    week = current_week()
    out = io.StringIO()
    call_command(
        "checkin",
        "PHRM",
        "--week",
        week,
        "--as",
        "oem_buyer",
        "--partner",
        "meridian",
        "--open",
        stdout=out,
    )
    text = out.getvalue()
    assert text.splitlines()[0] == (
        f"Pulse HRM check-in with Meridian Electronics Manufacturing, {week} (open)"
    )
    assert "Agenda: Overdue action item  Recount the U1 reel" in text
    assert "ISO 13485 at PEN1: Missing" in text
    # Meridian's planner needs no --partner: their own organisation's check-in.
    out = io.StringIO()
    call_command(
        "checkin", "PHRM", "--week", week, "--as", "ems_planner", "--format", "json", stdout=out
    )
    payload = json.loads(out.getvalue())
    assert (payload["week"], payload["status"]) == (week, "open")
    assert {"Section": "Participant", "Item": "Aisha Rahman"} in [
        {k: r[k] for k in ("Section", "Item")} for r in payload["rows"]
    ]
    out = io.StringIO()
    call_command(
        "checkin",
        "PHRM",
        "--week",
        week,
        "--as",
        "oem_buyer",
        "--close",
        "--format",
        "csv",
        stdout=out,
    )
    assert out.getvalue().startswith("Section,Item,Detail,Owner,Due,Status,Note")
    assert CheckIn.objects.get(week=week).status == "closed"
    for persona in ("kestrel_rep", "outsider"):
        try:
            call_command("checkin", "PHRM", "--week", week, "--as", persona, stdout=io.StringIO())
        except CommandError as error:
            assert "not_found" in str(error) or "404" in str(error)
        else:
            raise AssertionError(f"{persona} read the check-in")
    try:
        call_command("checkin", "PHRM", "--week", "2026-48", "--as", "oem_buyer")
    except CommandError as error:
        assert "an ISO week such as 2026-W48" in str(error)
    # Next week's carries nothing open over: the overdue item's source is a thread.
    out = io.StringIO()
    call_command(
        "checkin",
        "PHRM",
        "--week",
        next_week(week),
        "--as",
        "oem_buyer",
        "--partner",
        "meridian",
        "--open",
        stdout=out,
    )
    assert "Carried" not in out.getvalue()


def test_the_ebx2_checkin_of_the_matrices(people: Any) -> None:
    checkin = open_ebx2_checkin(people)
    assert checkin.partner.slug.startswith("meridian")
