"""The planning pages through the test client: planning from the page, the board with its heat
map and export, clear-to-build with the part that holds a build back, a part's timeline."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from accord.planning.models import PlanRun
from accord.planning.tests.conftest import WEEK0, week
from accord.supply.services import confirm_order_line
from accord.web.tests.helpers import table, text


def plan_as(client: Any, program: Any, horizon: int = 12) -> Any:
    return client.post(f"/planning/{program.pk}/plan/", {"horizon": str(horizon)}, follow=True)


def test_planning_from_the_board_shows_the_short_mcu(client_for, people, programs, earbuds):
    confirm_order_line(actor=people.arrowpoint_rep, line=earbuds["line"], confirmed_date=week(8))
    client, program = client_for("ems_planner"), programs["EBX2"]
    before = client.get(f"/planning/{program.pk}/")
    assert "You have not planned Earbuds X2 yet" in text(before)
    response = plan_as(client, program)
    assert "Planned" in text(response) and "run short" in text(response)
    run = PlanRun.objects.get(program=program, person=people.ems_planner)
    assert run.horizon == 12
    rows = table(response, caption="Projected balance per part and week")
    mcu = next(row for row in rows if row[0] == "EB-MCU")
    # Part, supply, first short, short by, then the weeks: 40 until the build takes 100 in
    # week 6, the 100 ordered arriving in week 8.
    assert mcu[:4] == ["EB-MCU", "Bought", (WEEK0 + dt.timedelta(weeks=6)).isoformat(), "60"]
    assert mcu[4:13] == ["40", "40", "40", "40", "40", "40", "-60", "-60", "40"]
    assert 'class="num cell-short"' in response.content.decode()


def test_the_board_filters_and_exports(client_for, people, programs, earbuds):
    confirm_order_line(actor=people.arrowpoint_rep, line=earbuds["line"], confirmed_date=week(8))
    client, program = client_for("ems_planner"), programs["EBX2"]
    plan_as(client, program)
    everything = client.get(f"/planning/{program.pk}/", {"show": "all", "q": "EB-"})
    numbers = {row[0] for row in table(everything, caption="Projected balance per part and week")}
    assert numbers == {"EB-MCU", "EB-CAP", "EB-BOARD"}
    built = client.get(f"/planning/{program.pk}/", {"show": "all", "q": "EB-", "supply": "built"})
    assert {row[0] for row in table(built, caption="Projected balance per part and week")} == {
        "EB-BOARD"
    }
    export = client.get(f"/planning/{program.pk}/", {"q": "EB-", "format": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:7] == [
        "Part",
        "Description",
        "Supply",
        "On hand",
        "Safety stock",
        "First short",
        "Short by",
    ]
    assert rows[1][0] == "EB-MCU" and rows[1][6] == "60"
    xlsx = client.get(f"/planning/{program.pk}/", {"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_clear_to_build_names_the_limiting_part(client_for, people, programs, earbuds):
    confirm_order_line(actor=people.arrowpoint_rep, line=earbuds["line"], confirmed_date=week(8))
    client, program = client_for("oem_buyer"), programs["EBX2"]
    plan_as(client, program)
    response = client.get(f"/planning/{program.pk}/clear-to-build/")
    [row] = [r for r in table(response, caption="Scheduled builds") if r[0] == "EB-BOARD"]
    assert row[2:] == ["100", "40", "EB-MCU (60)"]


def test_a_parts_timeline_has_a_chart_and_every_number(client_for, people, programs, earbuds):
    client, program = client_for("ems_planner"), programs["EBX2"]
    plan_as(client, program)
    response = client.get(f"/planning/{program.pk}/parts/{earbuds['mcu'].pk}/")
    body = response.content.decode()
    assert '<svg role="img"' in body and "<polyline" in body
    rows = table(response, caption="Week by week")
    assert [r[2] for r in rows[:4]] == ["0", "0", "0", "100"]  # receipts
    assert rows[6][1:4] == ["100", "0", "40"]  # requirement, receipts, projected balance
    # A part outside the plan, and a program one may not plan: 404.
    assert (
        client.get(f"/planning/{program.pk}/parts/{earbuds['board'].pk + 10_000}/").status_code
        == 404
    )
    assert client_for("supplier_rep").get(f"/planning/{program.pk}/").status_code == 404


def test_the_risk_register_lists_filters_assigns_and_exports(client_for, people, programs, earbuds):
    client, program = client_for("ems_planner"), programs["EBX2"]
    plan_as(client, program)
    page = client.get(f"/planning/{program.pk}/risks/")
    rows = [r for r in table(page, caption="Risk register") if r[0] == "EB-MCU"]
    assert rows and rows[0][1:5] == ["Single source", "High", "No approved source.", "nobody yet"]
    response = client.post(
        f"/planning/{program.pk}/risks/owner/",
        {
            "part": earbuds["mcu"].pk,
            "kind": "single_source",
            "owner": people.oem_buyer.pk,
            "note": "Qualify a second MCU",
        },
        follow=True,
    )
    assert "owns this risk of EB-MCU now" in text(response)
    mine = client.get(
        f"/planning/{program.pk}/risks/", {"owner": str(people.oem_buyer.pk), "severity": "high"}
    )
    [row] = table(mine, caption="Risk register")
    assert (
        row[0] == "EB-MCU" and row[4].startswith("Maya Okafor") and "Qualify a second MCU" in row[4]
    )
    nobody = client.get(
        f"/planning/{program.pk}/risks/", {"owner": "none", "kind": "single_source"}
    )
    assert "EB-MCU" not in [r[0] for r in table(nobody, caption="Risk register")]
    export = client.get(f"/planning/{program.pk}/risks/", {"format": "csv"})
    assert "Qualify a second MCU" in export.content.decode("utf-8-sig")
    # An owner one may not choose (a supplier never sees the schedule) is refused, unchanged.
    refused = client.post(
        f"/planning/{program.pk}/risks/owner/",
        {"part": earbuds["mcu"].pk, "kind": "single_source", "owner": people.supplier_rep.pk},
        follow=True,
    )
    assert "Choose an owner" in text(refused)
