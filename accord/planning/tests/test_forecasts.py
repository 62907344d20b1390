"""A forecast the buyer shares with a supplier: the supplier's parts only, week by week from
the buyer's plan; the supplier reads it and nothing else of the schedule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accord.core.errors import InvalidInput, NotFound
from accord.planning.access import forecast_shares_visible_to
from accord.planning.models import PartPlan, PlanRun
from accord.planning.services import share_forecast
from accord.planning.tests.conftest import week
from accord.supply.services import schedule_build
from accord.web.tests.helpers import table


@pytest.fixture
def earbud_builds(people: Any, programs: Any, parts: Any) -> None:
    for n in (2, 3):
        schedule_build(
            actor=people.oem_buyer,
            program=programs["EBX2"],
            assembly=parts["EBX2-L"],
            quantity_due=250,
            due_date=week(n),
        )


def test_the_supplier_sees_only_its_parts_week_by_week(
    people, programs, orgs, parts, earbud_builds
):
    share = share_forecast(
        actor=people.oem_buyer, program=programs["EBX2"], supplier=orgs["sunridge"], note="Q1"
    )
    # Sunridge makes the balanced-armature driver (HAL-400-0001): one per left earbud.
    [line] = list(share.lines.select_related("part"))
    assert line.part.number == "HAL-400-0001" and "SA-BA-3110" in line.mpns
    run = PlanRun.objects.get(program=programs["EBX2"], person=people.oem_buyer)
    assert line.quantities == PartPlan.objects.get(run=run, part=line.part).gross
    assert line.quantities[2] == 250 and line.quantities[3] == 250
    assert set(forecast_shares_visible_to(people.supplier_rep)) == {share}
    for persona in ("arrowpoint_rep", "ems_planner", "other_oem_user", "outsider"):
        assert not forecast_shares_visible_to(people[persona]).exists(), persona


def test_sharing_is_the_buyers_and_goes_to_the_programs_sellers(people, programs, orgs):
    with pytest.raises(InvalidInput, match="supplier"):
        share_forecast(actor=people.oem_buyer, program=programs["EBX2"], supplier=orgs["meridian"])
    with pytest.raises(InvalidInput, match="supplier"):
        share_forecast(actor=people.oem_buyer, program=programs["EBX2"], supplier=orgs["kestrel"])
    with pytest.raises(NotFound):
        share_forecast(
            actor=people.supplier_rep, program=programs["EBX2"], supplier=orgs["sunridge"]
        )


def test_the_supplier_reads_its_forecast_page_and_export(
    client_for, people, programs, orgs, earbud_builds
):
    buyer = client_for("oem_buyer")
    response = buyer.post(
        f"/planning/{programs['EBX2'].pk}/forecasts/share/", {"supplier": orgs["sunridge"].pk}
    )
    assert response.status_code == 302
    detail = response["Location"]
    supplier = client_for("supplier_rep")
    rows = table(supplier.get(detail), caption="Quantities needed per week")
    assert rows[0][0] == "HAL-400-0001" and rows[0][4:6] == ["250", "250"]
    export = supplier.get(detail, {"format": "csv"})
    assert "HAL-400-0001" in export.content.decode("utf-8-sig")
    assert client_for("arrowpoint_rep").get(detail).status_code == 404
    # The supplier still sees no build schedule and cannot plan.
    assert supplier.get(f"/planning/{programs['EBX2'].pk}/").status_code == 404
    assert dt.date.today() <= week(3)
