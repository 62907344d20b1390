"""An assembly's lead time, set from the API and the part's edit page, is what planning uses
to need its components earlier."""

from __future__ import annotations

from accord.api.tests.utils import API, assert_error, send, token_client
from accord.parts.models import Part
from accord.planning.models import PartPlan
from accord.planning.services import refresh_plan


def test_lead_time_from_the_api_moves_the_components_need(people, programs, earbuds):
    client, _ = token_client(people.oem_buyer)
    board = earbuds["board"]
    response = send(client, "PATCH", f"{API}/parts/{board.pk}", {"lead_time_weeks": 2})
    assert response.status_code == 200 and response.json()["lead_time_weeks"] == 2
    for bad in (105, -1, "two", 1.5):
        assert_error(
            send(client, "PATCH", f"{API}/parts/{board.pk}", {"lead_time_weeks": bad}),
            422,
            "invalid",
        )
    run = refresh_plan(
        actor=people.ems_planner, person=people.ems_planner, program=programs["EBX2"]
    )
    mcu = PartPlan.objects.get(run=run, part=earbuds["mcu"])
    # The board is due in week 6 and takes 2 weeks to build: the MCU is needed in week 4.
    assert mcu.gross[4] == 100 and mcu.gross[6] == 0
    send(client, "PATCH", f"{API}/parts/{board.pk}", {"lead_time_weeks": None})
    assert Part.objects.get(pk=board.pk).lead_time_weeks is None


def test_lead_time_from_the_edit_page(client_for, earbuds):
    board = earbuds["board"]
    client = client_for("oem_buyer")
    page = client.get(f"/parts/{board.pk}/edit/")
    assert 'name="lead_time_weeks"' in page.content.decode()
    response = client.post(
        f"/parts/{board.pk}/edit/",
        {
            "number": board.number,
            "classification": "program",
            "is_assembly": "on",
            "lead_time_weeks": "3",
        },
    )
    assert response.status_code == 302
    assert Part.objects.get(pk=board.pk).lead_time_weeks == 3
