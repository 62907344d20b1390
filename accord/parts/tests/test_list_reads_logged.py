"""Lists, searches and exports of another organisation's restricted parts and BOMs are in its
access log: one entry per request and owning organisation, with the number of rows read."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.api.tests.utils import API
from accord.core.models import AccessLogEntry
from accord.parts.models import Bom, BomLine, Part
from accord.parts.tests.test_pages import make_parts
from accord.web import tables
from accord.web.tests.helpers import csv_rows, table


def entries() -> list[tuple[str, str, str, int, str, str]]:
    return [
        (
            e.reader.username,
            e.owner.slug.split("-")[0],
            e.object_type,
            e.row_count,
            e.channel,
            e.what,
        )
        for e in AccessLogEntry.objects.order_by("id").select_related("reader", "owner")
    ]


def test_a_search_is_one_entry_with_the_rows_found(client_for: Any) -> None:
    response = client_for("ems_planner").get(reverse("part_list"), {"q": "driver"})
    assert response.status_code == 200
    # Halcyon's restricted driver; Roverly's gate driver is program data, not restricted.
    assert entries() == [
        (
            "ems_planner",
            "halcyon",
            "parts.part",
            1,
            "web",
            'listed 1 restricted part of yours (search "driver")',
        )
    ]
    entry = AccessLogEntry.objects.get()
    assert (entry.object_id, entry.program, entry.path) == ("", None, "/parts/?q=driver")


def test_the_owner_reads_who_listed_what(client_for: Any) -> None:
    client_for("ems_planner").get(reverse("part_list"))
    client_for("ems_planner").get(reverse("part_list"), {"q": "hal", "lifecycle": "active"})
    client_for("oem_engineer").get(reverse("part_list"))  # own data: not logged
    rows = table(client_for("oem_buyer").get(reverse("access_log")), "Reads of your")
    assert [(r[1], r[2], r[3], r[4], r[6]) for r in rows] == [
        (
            "Aisha Rahman",
            "Meridian Electronics Manufacturing",
            'listed 1 restricted part of yours (search "hal", lifecycle active)',
            "1",
            "web",
        ),
        (
            "Aisha Rahman",
            "Meridian Electronics Manufacturing",
            "listed 3 restricted parts of yours",
            "3",
            "web",
        ),
    ]
    api = client_for("oem_buyer").get(f"{API}/access-log").json()["results"]
    assert [(e["row_count"], e["object_id"], e["what"]) for e in api] == [
        (1, "", 'listed 1 restricted part of yours (search "hal", lifecycle active)'),
        (3, "", "listed 3 restricted parts of yours"),
    ]


def test_a_page_counts_only_the_rows_it_shows(client_for: Any, orgs: Any) -> None:
    restricted = make_parts(orgs["halcyon"], 60, "ZZR")
    Part.objects.filter(pk__in=[p.pk for p in restricted]).update(classification="restricted")
    # Put them in EBX2-L, where Meridian's planner reads them under the NDA.
    ebx2_l = Bom.objects.get(assembly__number="EBX2-L")
    BomLine.objects.bulk_create(
        BomLine(bom=ebx2_l, position=100 + n, part=p, quantity=1) for n, p in enumerate(restricted)
    )
    client = client_for("ems_planner")
    client.get(reverse("part_list"), {"q": "zzr"})
    client.get(reverse("part_list"), {"q": "zzr", "page": 2})
    assert [e[3] for e in entries()] == [50, 10]
    assert AccessLogEntry.objects.order_by("id").last().object_repr == 'search "zzr", page 2'
    client.get(f"{API}/parts", {"q": "zzr", "page_size": 7})
    assert entries()[-1][3:5] == (7, "api")
    # An export is every row it holds.
    rows = csv_rows(client.get(reverse("part_list"), {"q": "zzr", "format": "csv"}))
    assert len(rows) == 61
    assert entries()[-1][3:] == (
        60,
        "export",
        'exported 60 restricted parts of yours (search "zzr")',
    )


def test_an_export_past_the_cap_counts_the_rows_exported(client_for: Any, monkeypatch: Any):
    monkeypatch.setattr(tables, "EXPORT_CAP", 2)
    rows = csv_rows(client_for("ems_planner").get(reverse("part_list"), {"format": "csv"}))
    assert len(rows) == 3
    # The first two by number: EBX2-PCBA (restricted) and HAL-100-0001 (program).
    assert [e[3] for e in entries()] == [1]


def test_bom_lists_log_per_owner(client_for: Any, programs: Any) -> None:
    client = client_for("ems_planner")
    client.get(reverse("bom_list"))
    assert sorted((e[1], e[2], e[3]) for e in entries()) == [
        ("halcyon", "parts.bom", 3),
        ("roverly", "parts.bom", 1),
    ]
    AccessLogEntry.objects.all().delete()
    client.get(reverse("bom_list"), {"program": programs["EBX2"].pk, "format": "csv"})
    assert entries() == [
        (
            "ems_planner",
            "halcyon",
            "parts.bom",
            2,
            "export",
            "exported 2 restricted BOMs of yours (program Earbuds X2)",
        )
    ]
    AccessLogEntry.objects.all().delete()
    client.get(f"{API}/boms", {"program": programs["RVC"].pk})
    assert [(e[1], e[3], e[4]) for e in entries()] == [("roverly", 1, "api")]
    AccessLogEntry.objects.all().delete()
    client.get(reverse("program_detail", args=[programs["PHRM"].pk]))
    assert [e[5] for e in entries()] == ["listed 1 restricted BOM of yours (BOMs of Pulse HRM)"]


def test_own_and_unrestricted_lists_write_nothing(client_for: Any) -> None:
    for persona in ("oem_buyer", "oem_engineer", "other_oem_user", "nda_expired_partner"):
        client = client_for(persona)
        client.get(reverse("part_list"))
        client.get(reverse("bom_list"))
        client.get(f"{API}/parts")
        client.get(f"{API}/boms")
    assert entries() == []


def test_logging_a_list_is_one_query_more(client_for: Any, orgs: Any) -> None:
    """The counts per owner come from one aggregate query; the entries from one insert."""
    client = client_for("ems_planner")
    client.get(reverse("part_list"))  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("part_list"))
    counting = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    grouped = [sql for sql in counting if "GROUP BY" in sql.upper()]
    assert len(grouped) == 1
    inserts = [q for q in ctx.captured_queries if q["sql"].upper().startswith("INSERT")]
    assert len(inserts) == 1
