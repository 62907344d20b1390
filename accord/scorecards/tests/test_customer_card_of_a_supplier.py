"""Sunridge (a supplier) rates its customers Halcyon and Meridian from the forecasts they
shared with it and the orders they sent it; Brightline orders without ever sharing a
forecast. Sunridge never sees Halcyon's build schedule, and its card does not count it. Each
customer sees its own card and nothing of the other's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from accord.api.tests.utils import API, assert_error, send, token_client
from accord.planning.models import ForecastLine, ForecastShare
from accord.planning.services import share_forecast
from accord.scorecards.access import card_months_visible_to
from accord.scorecards.choices import Direction
from accord.scorecards.customers import customer_values
from accord.scorecards.defaults import BANDS, CUSTOMER_METRICS
from accord.scorecards.drill import drill
from accord.scorecards.models import CardMonth, MetricMonth, ScorecardTemplate
from accord.scorecards.services import compute_cards
from accord.scorecards.tests.test_customer_card import schedule, started  # noqa: F401
from accord.supply.models import BuildVersion
from accord.supply.services import (
    add_order_line,
    cancel_order_line,
    create_purchase_order,
    issue_order,
    schedule_build,
)

D, T = dt.date, dt.datetime
OCT = D(2026, 10, 1)
AS_OF = T(2026, 11, 15, 12, tzinfo=dt.UTC)
FORECASTS = ("forecast_4w", "forecast_8w", "forecast_12w", "stability")


def customers_template_form() -> dict[str, Any]:
    """The template page's form for a card of customers, with the default rules."""
    data: dict[str, Any] = {
        "days_early": 3,
        "days_late": 0,
        "counting_unit": "line",
        "due_basis": "requested",
        "response_sla_hours": 48,
        "frozen_weeks": 4,
    }
    for metric, setting in CUSTOMER_METRICS.items():
        for part, value in setting.items():
            data[f"{part}_{metric}"] = value
    for i, band in enumerate(BANDS):
        data |= {
            f"band_lower_{i}": band["lower"],
            f"band_grade_{i}": band["grade"],
            f"band_action_{i}": str(band["action"]),
        }
    return data


def shared(actor: Any, program: Any, supplier: Any, at: dt.datetime, weekly: list[int]) -> None:
    """A forecast shared through the service, moved back to `at` (the test runs today) with
    its one line's weekly quantities from the Monday of that week."""
    share = share_forecast(actor=actor, program=program, supplier=supplier)
    [line] = list(ForecastLine.objects.filter(share=share).select_related("part"))
    assert line.part.number == "HAL-400-0001"  # the one part Sunridge makes for EBX2
    monday = at.date() - dt.timedelta(days=at.weekday())
    ForecastShare.objects.filter(pk=share.pk).update(shared_at=at, week_start=monday, horizon=26)
    ForecastLine.objects.filter(pk=line.pk).update(quantities=weekly)


def ordered(actor: Any, program: Any, supplier: Any, number: str, part: Any, lines: Any) -> Any:
    order = create_purchase_order(actor=actor, program=program, supplier=supplier, number=number)
    made = [
        add_order_line(
            actor=actor, order=order, part=part, quantity_ordered=qty, requested_date=day
        )
        for day, qty in lines
    ]
    issue_order(actor=actor, order=order)
    return made


@pytest.fixture
def sunridge_card(people, programs, orgs, parts, client_for) -> Any:
    ebx2, sunridge, part = programs["EBX2"], orgs["sunridge"], parts["HAL-400-0001"]
    # Halcyon's schedule (Sunridge never sees it): its plan gives the forecast its line.
    for weeks in (2, 3):
        schedule_build(
            actor=people.oem_buyer,
            program=ebx2,
            assembly=parts["EBX2-L"],
            quantity_due=250,
            due_date=dt.date.today() + dt.timedelta(weeks=weeks),
        )
    # Halcyon: on 08-03 100 a week for 10-05 .. 10-26 (weeks 9 to 12 of its forecast); on
    # 09-28 (inside the frozen window of all four weeks) 100, 160, 100, 100.
    shared(people.oem_buyer, ebx2, sunridge, T(2026, 8, 3, 10, tzinfo=dt.UTC), [0] * 9 + [100] * 4)
    shared(
        people.oem_buyer,
        ebx2,
        sunridge,
        T(2026, 9, 28, 12, tzinfo=dt.UTC),
        [0, 100, 160, 100, 100],
    )
    halcyon_lines = ordered(
        people.oem_buyer,
        ebx2,
        sunridge,
        "HAL-SR-1",
        part,
        [(D(2026, 10, 6), 100), (D(2026, 10, 13), 150), (D(2026, 10, 21), 100)],
    )
    late = ordered(people.oem_buyer, ebx2, sunridge, "HAL-SR-2", part, [(D(2026, 10, 28), 500)])
    cancel_order_line(actor=people.oem_buyer, line=late[0], reason="Build moved")
    draft = create_purchase_order(
        actor=people.oem_buyer, program=ebx2, supplier=sunridge, number="HAL-SR-DRAFT"
    )
    add_order_line(
        actor=people.oem_buyer,
        order=draft,
        part=part,
        quantity_ordered=999,
        requested_date=D(2026, 10, 20),
    )
    assert len(halcyon_lines) == 3
    # Meridian (Halcyon's EMS, buying for EBX2): on 06-01 50 a week for October (weeks 18 to
    # 21), nothing after; it ordered exactly that.
    shared(people.ems_planner, ebx2, sunridge, T(2026, 6, 1, 8, tzinfo=dt.UTC), [0] * 18 + [50] * 4)
    ordered(
        people.ems_planner,
        ebx2,
        sunridge,
        "MER-SR-1",
        part,
        [(D(2026, 10, day), 50) for day in (7, 14, 21, 28)],
    )
    # Brightline orders and never shares a forecast.
    ordered(people.nda_expired_partner, ebx2, sunridge, "BRL-SR-1", part, [(D(2026, 10, 8), 75)])
    # Sunridge's administrator starts its card of customers on the template page.
    response = client_for("supplier_rep").post(
        "/scorecards/template/customers/", customers_template_form()
    )
    assert response.status_code == 302
    template = ScorecardTemplate.objects.get(organisation=sunridge, direction=Direction.CUSTOMERS)
    compute_cards(template, as_of=AS_OF)
    return template


def values_of(template: Any, rated: Any) -> dict[tuple[str, dt.date], tuple[float, float, float]]:
    return {
        (m.metric, m.month): (m.numerator, m.denominator, m.value)
        for m in MetricMonth.objects.filter(template=template, rated=rated)
    }


def test_a_supplier_rates_its_customers_from_forecasts_and_orders(sunridge_card, orgs):
    halcyon = values_of(sunridge_card, orgs["halcyon"])
    # Halcyon, 4 weeks out (cuts 09-07 .. 09-28 00:00: the forecast of 08-03 in force), 100
    # a week against 100, 150, 100 and 0 ordered (the 500 of 10-28 were cancelled, the 999 are
    # a draft): 0 + 50 + 0 + 100 = 150 of 350.
    assert halcyon[("forecast_4w", OCT)] == (150.0, 350.0, pytest.approx(100 * (1 - 150 / 350)))
    # 8 weeks out the same forecast; 12 weeks out (cuts 07-13 .. 08-03 00:00) Halcyon had
    # shared nothing yet: no data.
    assert halcyon[("forecast_8w", OCT)][:2] == (150.0, 350.0)
    assert ("forecast_12w", OCT) not in halcyon
    # Stability: of the four weeks forecast, the 09-28 forecast (inside every fence 09-07 ..
    # 09-28 00:00) changed one (10-12: 100 -> 160): 1 of 4.
    assert halcyon[("stability", OCT)] == (1.0, 4.0, 25.0)
    meridian = values_of(sunridge_card, orgs["meridian"])
    # Meridian ordered its forecast: 0 of 200, at 4, 8 and 12 weeks (shared 06-01); unchanged.
    for metric in ("forecast_4w", "forecast_8w", "forecast_12w"):
        assert meridian[(metric, OCT)] == (0.0, 200.0, 100.0), metric
    assert meridian[("stability", OCT)] == (0.0, 4.0, 0.0)
    # November: nothing ordered and nothing forecast (Meridian's zeros): no data.
    assert not [key for key in meridian if key[1] != OCT]
    assert not [key for key in halcyon if key[1] != OCT]
    # Brightline never shared a forecast: it has no card at all (no data is not 0).
    assert not CardMonth.objects.filter(template=sunridge_card, rated=orgs["brightline"]).exists()
    # Nothing from the schedules (Sunridge is a supplier): Halcyon's builds due in the coming
    # weeks give no stability and no accuracy once they are due.
    later = customer_values(
        sunridge_card,
        dt.datetime.combine(dt.date.today() + dt.timedelta(weeks=5), dt.time(12), dt.UTC),
    )
    assert later.filter(
        pl.col("rated_id") == orgs["halcyon"].pk, pl.col("month") > D(2026, 11, 1)
    ).is_empty()


def test_each_customer_sees_its_own_card_of_the_supplier_only(
    sunridge_card, people, orgs, client_for
):
    halcyon, meridian = orgs["halcyon"].pk, orgs["meridian"].pk
    mine = card_months_visible_to(people.supplier_rep).filter(template=sunridge_card)
    assert set(mine.values_list("rated_id", flat=True)) == {halcyon, meridian}
    assert set(
        card_months_visible_to(people.oem_buyer)
        .filter(template=sunridge_card)
        .values_list("rated_id", flat=True)
    ) == {halcyon}
    assert set(
        card_months_visible_to(people.ems_planner)
        .filter(template=sunridge_card)
        .values_list("rated_id", flat=True)
    ) == {meridian}
    for persona in ("other_oem_user", "kestrel_rep", "arrowpoint_rep", "outsider"):
        assert not card_months_visible_to(people[persona]).filter(template=sunridge_card).exists()
    halcyon_page = f"/scorecards/{sunridge_card.pk}/{halcyon}/"
    statuses = {
        persona: client_for(persona).get(halcyon_page).status_code
        for persona in ("supplier_rep", "oem_buyer", "oem_engineer", "ems_planner", "outsider")
    }
    assert statuses == {
        "supplier_rep": 200,
        "oem_buyer": 200,
        "oem_engineer": 200,
        "ems_planner": 404,
        "outsider": 404,
    }
    # The number comes from forecasts and orders: no builds are listed behind it.
    assert client_for("supplier_rep").get(f"{halcyon_page}2026-10/forecast_4w/").status_code == 404
    page = client_for("oem_buyer").get(halcyon_page).content.decode()
    assert "Forecast accuracy 4 weeks out" in page and "57.14" in page
    # Meridian's list of the cards kept of it names Sunridge's, never Halcyon's.
    about = client_for("ems_planner").get("/scorecards/").content.decode()
    assert "Sunridge Acoustics" in about and "Halcyon Devices" not in about.split("score you")[-1]
    # The API: the same card for both sides; 404 for the other customer.
    url = f"{API}/scorecards/{sunridge_card.pk}/{halcyon}"
    rep, buyer = token_client(people.supplier_rep)[0], token_client(people.oem_buyer)[0]
    seen = send(rep, "GET", url).json()
    assert seen == send(buyer, "GET", url).json()
    accuracy = next(m for m in seen["metrics"] if m["metric"] == "forecast_4w")
    assert [(m["numerator"], m["denominator"]) for m in accuracy["months"]] == [(150.0, 350.0)]
    assert_error(send(token_client(people.ems_planner)[0], "GET", url), 404, "not_found")


def test_the_suppliers_template_of_customers_through_the_api(people, client_for):
    rep = token_client(people.supplier_rep)[0]
    rules = send(rep, "GET", f"{API}/scorecard-templates/customers").json()
    assert rules["saved"] is False and "forecast_8w" in rules["metrics"]
    rules = {
        k: v
        for k, v in rules.items()
        if k not in ("direction", "saved", "retired_at", "version", "progress")
    }
    saved = send(rep, "PUT", f"{API}/scorecard-templates/customers", {**rules, "frozen_weeks": 6})
    assert saved.status_code == 200 and saved.json()["frozen_weeks"] == 6
    page = client_for("supplier_rep").get("/scorecards/template/customers/")
    assert page.status_code == 200 and "Forecast accuracy 8 weeks out" in page.content.decode()


def test_an_ems_rates_program_owners_from_schedules_and_other_buyers_from_forecasts(
    people,
    programs,
    orgs,
    parts,
    schedule,  # noqa: F811
):
    """Meridian builds Halcyon's EBX2 and is also sent orders (and, say from an import,
    forecasts) by Halcyon and Brightline: Halcyon, the program owner, is rated from the
    schedule only; Brightline from its forecast and orders. One value per month and metric."""
    meridian, part = orgs["meridian"], parts["HAL-400-0001"]
    for buyer, at, weekly in (
        (orgs["halcyon"], T(2026, 8, 3, 10, tzinfo=dt.UTC), [0] * 9 + [400]),
        (orgs["brightline"], T(2026, 8, 3, 10, tzinfo=dt.UTC), [0] * 9 + [100]),
    ):
        share = ForecastShare.objects.create(
            program=programs["EBX2"],
            buyer=buyer,
            supplier=meridian,
            week_start=at.date(),
            horizon=12,
        )
        ForecastShare.objects.filter(pk=share.pk).update(shared_at=at)
        ForecastLine.objects.create(share=share, part=part, quantities=weekly)
    ordered(people.oem_buyer, programs["EBX2"], meridian, "HAL-MER-1", part, [(D(2026, 10, 6), 10)])
    ordered(
        people.nda_expired_partner,
        programs["EBX2"],
        meridian,
        "BRL-MER-1",
        part,
        [(D(2026, 10, 6), 80)],
    )
    # Halcyon's schedule as test_customer_card.py moves it: 500 13 weeks out, 600 6 weeks
    # out (Halcyon), 550 a week out (Meridian).
    due = schedule.due_date
    for version, weeks_before in ((1, 13), (2, 6), (3, 1)):
        BuildVersion.objects.filter(build=schedule, version=version).update(
            changed_at=T.combine(due - dt.timedelta(weeks=weeks_before), dt.time(12), dt.UTC)
        )
    template = started(people, orgs)
    compute_cards(template, as_of=T.combine(due + dt.timedelta(days=1), dt.time(12), dt.UTC))
    halcyon = values_of(template, orgs["halcyon"])
    # From the schedule: built 550, 12 weeks out 500: |500 - 550| = 50 of 550.
    assert halcyon[("forecast_12w", due.replace(day=1))][:2] == (50.0, 550.0)
    # Its forecast of 400 and order of 10 for week 10-05 are not counted a second time.
    assert not [key for key in halcyon if key[1] == OCT]
    brightline = values_of(template, orgs["brightline"])
    # Brightline, week 10-05, forecast 100 (shared 08-03, before every cut), ordered 80:
    # |100 - 80| = 20 of 80 -> 100 x (1 - 20/80) = 75, 4, 8 and 12 weeks out (cut 07-13 for
    # 12 weeks: before 08-03, no forecast yet: no data).
    assert brightline[("forecast_4w", OCT)] == (20.0, 80.0, 75.0)
    assert brightline[("forecast_8w", OCT)] == (20.0, 80.0, 75.0)
    assert ("forecast_12w", OCT) not in brightline
    # The rows behind Halcyon's number are its builds; Brightline's have none to list.
    month = due.replace(day=1)
    builds = drill(people.ems_planner, template, orgs["halcyon"].pk, month, "forecast_12w")
    assert builds is not None and len(builds.rows) == 1
    assert drill(people.ems_planner, template, orgs["brightline"].pk, OCT, "forecast_4w") is None
    rows = MetricMonth.objects.filter(template=template).values_list("rated_id", "month", "metric")
    assert len(rows) == len(set(rows))


def _supplier_template(client_for: Any, sunridge: Any) -> Any:
    response = client_for("supplier_rep").post(
        "/scorecards/template/customers/", customers_template_form()
    )
    assert response.status_code == 302
    return ScorecardTemplate.objects.get(organisation=sunridge, direction=Direction.CUSTOMERS)


def test_a_shared_forecast_refreshes_the_suppliers_card(
    people, programs, orgs, parts, client_for, django_capture_on_commit_callbacks
):
    template = _supplier_template(client_for, orgs["sunridge"])
    schedule_build(
        actor=people.oem_buyer,
        program=programs["EBX2"],
        assembly=parts["EBX2-L"],
        quantity_due=250,
        due_date=dt.date.today() + dt.timedelta(weeks=2),
    )
    assert not CardMonth.objects.filter(template=template).exists()
    with django_capture_on_commit_callbacks(execute=True):
        shared(
            people.oem_buyer,
            programs["EBX2"],
            orgs["sunridge"],
            T(2026, 8, 3, 10, tzinfo=dt.UTC),
            [0] * 9 + [100] * 4,
        )
    # 100 a week forecast for October's four weeks, nothing ordered: 400 off, 0 ordered.
    found = values_of(template, orgs["halcyon"])
    assert found[("forecast_4w", OCT)] == (400.0, 0.0, 0.0)


def test_an_order_sent_refreshes_the_suppliers_card(
    people, programs, orgs, parts, client_for, django_capture_on_commit_callbacks
):
    template = _supplier_template(client_for, orgs["sunridge"])
    schedule_build(
        actor=people.oem_buyer,
        program=programs["EBX2"],
        assembly=parts["EBX2-L"],
        quantity_due=250,
        due_date=dt.date.today() + dt.timedelta(weeks=2),
    )
    # Shared outside the capture: its own refresh never runs.
    shared(
        people.oem_buyer,
        programs["EBX2"],
        orgs["sunridge"],
        T(2026, 8, 3, 10, tzinfo=dt.UTC),
        [0] * 9 + [100] * 4,
    )
    assert not CardMonth.objects.filter(template=template).exists()
    with django_capture_on_commit_callbacks(execute=True):
        ordered(
            people.oem_buyer,
            programs["EBX2"],
            orgs["sunridge"],
            "HAL-SR-9",
            parts["HAL-400-0001"],
            [(D(2026, 10, day), 100) for day in (6, 13, 20, 27)],
        )
    # Issuing the order refreshed Sunridge's card: 100 a week forecast and ordered.
    assert values_of(template, orgs["halcyon"])[("forecast_4w", OCT)] == (0.0, 400.0, 100.0)
