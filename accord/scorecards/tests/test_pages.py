"""The scorecard pages through HTTP, on October of test_cards.py: the ranked list, the card
with every metric, the rows behind a number, comments and corrective actions, the template,
the definitions and the exports."""

from __future__ import annotations

import pytest

from accord.scorecards.models import CardComment, ScorecardTemplate
from accord.scorecards.services import compute_cards
from accord.scorecards.tests.test_cards import AS_OF, TEMPLATE, october  # noqa: F401
from accord.web.tests.helpers import table, text


@pytest.fixture
def card(october):  # noqa: F811
    compute_cards(october["template"], as_of=AS_OF)
    return october


def card_url(card, orgs) -> str:
    return f"/scorecards/{card['template'].pk}/{orgs['sunridge'].pk}/"


def test_the_list_ranks_the_suppliers_and_the_supplier_sees_its_own(card, client_for):
    rows = table(client_for("oem_buyer").get("/scorecards/"), caption="Your suppliers, best first")
    assert rows[0][:5] == ["1", "Sunridge Acoustics", "39.9", "D", "new orders blocked"]
    about = table(
        client_for("supplier_rep").get("/scorecards/"),
        caption="What your customers and suppliers score you",
    )
    assert about[0][:4] == ["Halcyon Devices", "supplier", "39.9", "D"]
    # Meridian keeps no card and is on none.
    page = client_for("ems_planner").get("/scorecards/")
    assert "No card yet." in text(page) and "Nobody keeps a card" in text(page)


def test_the_card_and_the_rows_behind_a_number(card, client_for, orgs):
    client = client_for("supplier_rep")
    page = client.get(card_url(card, orgs))
    assert page.status_code == 200
    on_time = table(page, caption="On-time delivery (%) per month")
    assert on_time == [["2026-10", "33.33", "33.3"]]
    cost = table(page, caption="Cost variance (%) per month")
    assert cost == [["2026-10", "10.00", "not weighed"]]
    rows = table(
        client.get(f"{card_url(card, orgs)}2026-10/on_time/"),
        caption="On-time delivery (%), 2026-10",
    )
    verdicts = {(r[0], r[1]): r[-1] for r in rows}
    assert verdicts == {
        ("PO-1", "1"): "on time",
        ("PO-1", "2"): "not on time",
        ("PO-2", "1"): "not on time",
    }
    export = client.get(f"{card_url(card, orgs)}2026-10/dppm/", {"format": "csv"})
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Order,Line,Part,Received") and len(lines) == 5
    assert client_for("ems_planner").get(card_url(card, orgs)).status_code == 404
    assert client_for("supplier_rep").get(f"{card_url(card, orgs)}2026-13/dppm/").status_code == 404


def test_comments_and_a_corrective_action_plan(card, client_for, orgs):
    url = f"{card_url(card, orgs)}comments/"
    response = client_for("supplier_rep").post(
        url,
        {
            "month": "2026-10",
            "text": "Second shift added at the plating line.",
            "corrective_action": "on",
        },
        follow=True,
    )
    assert "corrective-action plan" in text(response)
    comment = CardComment.objects.get()
    assert comment.corrective_action and comment.organisation == orgs["sunridge"]
    # The buyer comments; a corrective-action plan is the rated party's to give.
    client_for("oem_buyer").post(
        url, {"month": "2026-10", "text": "Thanks.", "corrective_action": "on"}
    )
    assert CardComment.objects.count() == 1
    client_for("oem_buyer").post(url, {"month": "2026-10", "text": "Thanks."})
    assert CardComment.objects.count() == 2


def test_the_template_page(card, client_for, orgs):
    page = client_for("oem_engineer").get("/scorecards/template/suppliers/")
    assert "Only your organisation's administrators" in text(page)
    client = client_for("oem_buyer")
    form = {
        "days_early": 3,
        "days_late": 2,
        "counting_unit": "quantity",
        "due_basis": "requested",
        "response_sla_hours": 24,
        "frozen_weeks": 4,
    }
    metrics = {
        "on_time": (60, 100, 0),
        "dppm": (40, 0, 20000),
        "response_sla": (0, 100, 0),
        "cost": (0, 0, 5),
        "under_min": (0, 0, 20),
        "response_hours": (0, 24, 120),
    }
    for metric, (weight, target, floor) in metrics.items():
        form |= {f"weight_{metric}": weight, f"target_{metric}": target, f"floor_{metric}": floor}
    form |= {"band_lower_0": 50, "band_grade_0": "Good", "band_action_0": "none"}
    form |= {"band_lower_1": 0, "band_grade_1": "Poor", "band_action_1": "warn"}
    response = client.post("/scorecards/template/suppliers/", form, follow=True)
    assert "Saved version 2" in text(response)  # 1 was the fixture's
    template = ScorecardTemplate.objects.get(pk=card["template"].pk)
    assert (template.counting_unit, template.bands[0]["grade"]) == ("quantity", "Good")
    bad = client.post("/scorecards/template/suppliers/", {**form, "weight_on_time": 61})
    assert bad.status_code == 422 and "sum to 100" in text(bad)


def test_the_definitions_are_in_the_product(client_for):
    page = text(client_for("outsider").get("/scorecards/definitions/"))
    assert "received inside the window" in page and "weighted mean" in page
    assert "Forecast accuracy L weeks out" in page


def test_the_list_exports(card, client_for):
    export = client_for("oem_buyer").get("/scorecards/", {"format": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
