"""API tokens, the access log and the event list."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse
from django.utils import timezone

from accord.core.models import AccessLogEntry, ApiToken
from accord.core.services import authenticate_token, create_api_token
from accord.orgs.access import events_visible_to
from accord.web.tests.helpers import csv_rows, rows_by_first_cell, table, text, xlsx_rows


def test_token_page_creates_and_shows_the_secret_once(client_for: Any, people: Any) -> None:
    client = client_for("oem_engineer")
    response = client.post(
        reverse("token_list"), {"name": "ERP nightly export", "expires_in": "90"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    secret = re.search(r'value="(acc_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get(person=people.oem_engineer, name="ERP nightly export")
    assert token.expires_at is not None
    assert token.expires_at - timezone.now() > dt.timedelta(days=89)
    assert "shown only this once" in text(response)
    # The list shows the prefix, never the secret again.
    again = client.get(reverse("token_list"))
    assert secret not in again.content.decode()
    row = rows_by_first_cell(table(again, "Your tokens"))["ERP nightly export"]
    assert row[1] == f"{token.prefix}…" and row[5] == "Active" and row[3] == "Never"
    assert authenticate_token(secret) == token


def test_token_needs_a_name(client_for: Any, people: Any) -> None:
    response = client_for("oem_engineer").post(reverse("token_list"), {"name": "  "})
    assert response.status_code == 422
    assert not ApiToken.objects.filter(person=people.oem_engineer).exists()


def test_revoke_own_token_only(client_for: Any, people: Any) -> None:
    token, secret = create_api_token(actor=people.oem_buyer, name="script")
    response = client_for("oem_engineer").post(reverse("token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert authenticate_token(secret) == token
    client = client_for("oem_buyer")
    response = client.post(reverse("token_revoke", args=[token.pk]), follow=True)
    assert "Revoked script" in text(response)
    assert authenticate_token(secret) is None
    row = rows_by_first_cell(table(response, "Your tokens"))["script"]
    assert row[5].startswith("Revoked")
    again = client.post(reverse("token_revoke", args=[token.pk]), follow=True)
    assert "already revoked" in text(again)


def test_tokens_of_others_are_not_listed(client_for: Any, people: Any) -> None:
    create_api_token(actor=people.oem_buyer, name="buyer only")
    assert "buyer only" not in text(client_for("oem_engineer").get(reverse("token_list")))


def _planner_reads_ebx2_bom(client_for: Any, boms: Any) -> None:
    assert (
        client_for("ems_planner")
        .get(reverse("bom_detail", args=[boms["EBX2-PCBA"].pk]))
        .status_code
        == 200
    )


def test_access_log_shows_reads_by_other_organisations(client_for: Any, boms: Any) -> None:
    _planner_reads_ebx2_bom(client_for, boms)
    client_for("oem_engineer").get(reverse("bom_detail", args=[boms["EBX2-PCBA"].pk]))  # own org
    response = client_for("oem_buyer").get(reverse("access_log"))
    assert response.status_code == 200
    rows = table(response, "Reads of your restricted data")
    assert len(rows) == 1
    _when, who, organisation, obj, count, program, channel = rows[0]
    assert who == "Aisha Rahman"
    assert organisation == "Meridian Electronics Manufacturing"
    # Named as a person reads it: the kind of thing and its name, not a model label.
    assert obj == "BOM EBX2-PCBA rev B" and count == "1"
    assert "parts.bom" not in text(response)
    assert program == "Earbuds X2" and channel == "web"
    # Meridian's own log does not list reads of Halcyon data.
    meridian = client_for("ems_planner").get(reverse("access_log"))
    assert "Nobody outside your organisation" in text(meridian)


def test_access_log_filters_and_exports(client_for: Any, boms: Any, orgs: Any) -> None:
    _planner_reads_ebx2_bom(client_for, boms)
    client = client_for("oem_buyer")
    url = reverse("access_log")
    assert len(table(client.get(url, {"organisation": orgs["meridian"].pk}), "Reads")) == 1
    # Sunridge read nothing, so it is not a choice: the page says so and shows everything.
    wrong = client.get(url, {"organisation": orgs["sunridge"].pk})
    assert "Select a valid choice" in text(wrong) and len(table(wrong, "Reads")) == 1
    tomorrow = (timezone.now() + dt.timedelta(days=1)).date().isoformat()
    assert "Nobody outside" in text(client.get(url, {"since": tomorrow}))
    assert len(table(client.get(url, {"until": tomorrow}), "Reads")) == 1
    rows = csv_rows(client.get(url, {"format": "csv"}))
    assert rows[0] == [
        "When (UTC)",
        "Person",
        "Organisation",
        "What was read",
        "Type",
        "Rows",
        "Program",
        "Channel",
    ]
    assert rows[1][1:] == [
        "Aisha Rahman",
        "Meridian Electronics Manufacturing",
        "BOM EBX2-PCBA rev B",
        "BOM",
        "1",
        "Earbuds X2",
        "web",
    ]
    sheet = xlsx_rows(client.get(url, {"format": "xlsx"}))
    assert isinstance(sheet[1][0], dt.datetime) and sheet[1][1] == "Aisha Rahman"


def test_access_log_is_for_organisation_admins(client_for: Any, boms: Any) -> None:
    _planner_reads_ebx2_bom(client_for, boms)
    assert client_for("oem_engineer").get(reverse("access_log")).status_code == 404
    assert (
        client_for("oem_engineer").get(reverse("access_log"), {"format": "csv"}).status_code == 404
    )


def test_bom_export_is_logged_as_an_export(client_for: Any, boms: Any) -> None:
    client_for("ems_planner").get(reverse("bom_export", args=[boms["EBX2-L"].pk, "csv"]))
    entry = AccessLogEntry.objects.latest("id")
    assert entry.channel == "export" and entry.object_repr == "EBX2-L rev A"


def test_event_list_filters_by_program(client_for: Any, programs: Any) -> None:
    client = client_for("ems_planner")
    everything = table(client.get(reverse("event_list")), "Events")
    assert {row[3] for row in everything} >= {"Earbuds X2", "Pulse HRM", "Rover Controller"}
    rover = table(client.get(reverse("event_list"), {"program": programs["RVC"].pk}), "Events")
    assert rover and {row[3] for row in rover} == {"Rover Controller"}
    # A program the person is not a member of is not a valid choice: the filter is ignored.
    other = client_for("other_oem_user").get(
        reverse("event_list"), {"program": programs["EBX2"].pk}
    )
    assert "Earbuds X2" not in text(other)


def test_event_list_pages_and_exports(client_for: Any, people: Any) -> None:
    client = client_for("oem_buyer")
    total = events_visible_to(people.oem_buyer).count()
    assert total > 50
    response = client.get(reverse("event_list"))
    assert len(table(response, "Events")) == min(total, 50)
    rows = csv_rows(client.get(reverse("event_list"), {"format": "csv"}))
    assert rows[0][0] == "When (UTC)"
    assert any(r[3] == "added member" and "oem_engineer" in r[6] for r in rows[1:])
