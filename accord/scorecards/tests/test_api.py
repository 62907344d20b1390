"""Scorecards through the API, on October of test_cards.py: the list and a card with the same
numbers for the buyer and the supplier, the rows behind a number, comments, the template."""

from __future__ import annotations

import pytest

from accord.api.tests.utils import API, assert_error, send, token_client
from accord.scorecards.services import compute_cards
from accord.scorecards.tests.test_cards import AS_OF, october  # noqa: F401


@pytest.fixture
def card(october):  # noqa: F811
    compute_cards(october["template"], as_of=AS_OF)
    return october


def test_the_same_card_for_the_buyer_and_the_supplier(card, people, orgs):
    buyer, rep = token_client(people.oem_buyer)[0], token_client(people.supplier_rep)[0]
    [listed] = send(buyer, "GET", f"{API}/scorecards").json()["results"]
    assert (listed["rated"], listed["grade"], listed["action"]) == (
        "Sunridge Acoustics",
        "D",
        "block",
    )
    url = f"{API}/scorecards/{listed['template_id']}/{orgs['sunridge'].pk}"
    seen_by_buyer, seen_by_rep = send(buyer, "GET", url).json(), send(rep, "GET", url).json()
    assert seen_by_buyer == seen_by_rep
    on_time = next(m for m in seen_by_rep["metrics"] if m["metric"] == "on_time")
    assert [(m["numerator"], m["denominator"]) for m in on_time["months"]] == [(1.0, 3.0)]
    rows = send(rep, "GET", f"{url}/months/2026-10/dppm").json()
    assert rows["headers"][:4] == ["Order", "Line", "Part", "Received"] and len(rows["rows"]) == 4
    assert_error(send(rep, "GET", f"{url}/months/2026-13/dppm"), 404, "not_found")
    assert_error(send(rep, "GET", f"{url}/months/2026-10/nothing"), 404, "not_found")
    planner = token_client(people.ems_planner)[0]
    assert_error(send(planner, "GET", url), 404, "not_found")


def test_comments_and_the_template(card, people, orgs):
    rep = token_client(people.supplier_rep)[0]
    url = f"{API}/scorecards/{card['template'].pk}/{orgs['sunridge'].pk}/comments"
    made = send(
        rep,
        "POST",
        url,
        {"month": "2026-10", "text": "Plating line fixed.", "corrective_action": True},
    )
    assert made.status_code == 201 and made.json()["corrective_action"] is True
    assert_error(send(rep, "POST", url, {"month": "October", "text": "x"}), 422, "invalid")
    buyer = token_client(people.oem_buyer)[0]
    [comment] = send(buyer, "GET", url).json()["results"]
    assert comment["organisation"] == "Sunridge Acoustics"
    rules = send(buyer, "GET", f"{API}/scorecard-templates/suppliers").json()
    assert (rules["saved"], rules["version"], rules["days_late"]) == (True, 1, 2)
    rules = {
        k: v
        for k, v in rules.items()
        if k not in ("direction", "saved", "retired_at", "version", "progress")
    }
    saved = send(buyer, "PUT", f"{API}/scorecard-templates/suppliers", {**rules, "days_late": 4})
    assert saved.status_code == 200 and saved.json()["version"] == 2
    bad = {**rules, "metrics": {"on_time": {"weight": 50, "target": 100, "floor": 0}}}
    assert_error(send(buyer, "PUT", f"{API}/scorecard-templates/suppliers", bad), 422, "invalid")
    engineer = token_client(people.oem_engineer)[0]
    assert_error(
        send(engineer, "PUT", f"{API}/scorecard-templates/suppliers", rules), 403, "forbidden"
    )
    customers = send(engineer, "GET", f"{API}/scorecard-templates/customers").json()
    assert customers["saved"] is False and "forecast_8w" in customers["metrics"]
