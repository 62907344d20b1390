"""Retiring a scorecard template and reinstating it, on October of test_cards.py (Sunridge
graded D, in a band that blocks new orders): the cards stay readable to both sides as history,
marked retired; nothing is computed for them; the block is lifted; reinstating computes every
month again. Through the services, the pages, the API and the command."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accord.api.tests.utils import API, assert_error, send, token_client
from accord.core.errors import Conflict, Forbidden, NotFound
from accord.core.models import Event
from accord.scorecards.choices import Direction
from accord.scorecards.models import CardMonth, ScorecardTemplate
from accord.scorecards.services import (
    compute_cards,
    purchase_block,
    reinstate_template,
    retire_template,
    save_template,
)
from accord.scorecards.tasks import recompute_template, refresh_open_months
from accord.scorecards.tests.test_cards import AS_OF, TEMPLATE, october  # noqa: F401
from accord.supply.services import create_purchase_order
from accord.web.tests.helpers import table, text


@pytest.fixture
def blocked(october):  # noqa: F811
    compute_cards(october["template"], as_of=AS_OF)
    return october


def new_order(card: dict[str, Any], number: str) -> Any:
    return create_purchase_order(
        actor=card["buyer"], program=card["program"], supplier=card["sunridge"], number=number
    )


def months_of(template: Any) -> list[tuple[Any, ...]]:
    return list(
        CardMonth.objects.filter(template=template)
        .order_by("rated_id", "month")
        .values_list("rated_id", "month", "score", "grade", "computed_at")
    )


def test_retiring_lifts_the_block_and_reinstating_brings_it_back(
    blocked, people, orgs, django_capture_on_commit_callbacks
):
    halcyon, sunridge = orgs["halcyon"].pk, orgs["sunridge"].pk
    assert "grade is D" in purchase_block(halcyon, sunridge)
    with pytest.raises(Conflict, match="blocked"):
        new_order(blocked, "PO-BLOCKED")

    retired = retire_template(actor=people.oem_buyer, direction=Direction.SUPPLIERS)
    assert retired.retired_at is not None and retired.retired_by == people.oem_buyer
    assert purchase_block(halcyon, sunridge) == ""
    assert new_order(blocked, "PO-AFTER-RETIREMENT").supplier_id == sunridge
    event = Event.objects.filter(verb="retired scorecard template").get()
    assert (event.actor, event.object_id) == (people.oem_buyer, str(retired.pk))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reinstated = reinstate_template(actor=people.oem_buyer, direction=Direction.SUPPLIERS)
    assert callbacks  # the recompute is enqueued once the reinstatement commits
    reinstated.refresh_from_db()
    assert reinstated.retired_at is None and reinstated.progress == 100
    assert "grade is D" in purchase_block(halcyon, sunridge)
    assert Event.objects.filter(verb="reinstated scorecard template").count() == 1


def test_nothing_is_computed_for_a_retired_template(blocked, people, orgs):
    template = blocked["template"]
    retire_template(actor=people.oem_buyer, direction=Direction.SUPPLIERS)
    before = months_of(template)
    assert before  # October stays, as history
    assert refresh_open_months.call([orgs["halcyon"].pk]) == 0
    assert recompute_template.call(template.pk) == 0
    assert months_of(template) == before
    # Its rules are not changed while it is retired.
    with pytest.raises(Conflict, match="reinstate it"):
        save_template(actor=people.oem_buyer, template=template, **TEMPLATE)
    assert ScorecardTemplate.objects.get(pk=template.pk).version == 1


def test_only_the_raters_administrators_retire_and_reinstate(blocked, people):
    with pytest.raises(Forbidden):
        retire_template(actor=people.oem_engineer, direction=Direction.SUPPLIERS)
    # Others keep no template of their suppliers: there is nothing of theirs to retire.
    for persona in ("supplier_rep", "ems_planner", "outsider"):
        with pytest.raises(NotFound):
            retire_template(actor=people[persona], direction=Direction.SUPPLIERS)
    with pytest.raises(NotFound):
        retire_template(actor=people.oem_buyer, direction=Direction.CUSTOMERS)
    with pytest.raises(Conflict, match="in use"):
        reinstate_template(actor=people.oem_buyer, direction=Direction.SUPPLIERS)
    retire_template(actor=people.oem_buyer, direction=Direction.SUPPLIERS)
    with pytest.raises(Conflict, match="retired already"):
        retire_template(actor=people.oem_buyer, direction=Direction.SUPPLIERS)
    with pytest.raises(Forbidden):
        reinstate_template(actor=people.oem_engineer, direction=Direction.SUPPLIERS)
    assert not Event.objects.filter(verb="reinstated scorecard template").exists()


# Pages ---------------------------------------------------------------------------------------


def test_the_pages_retire_with_confirmation_and_show_the_cards_as_history(
    blocked, client_for, orgs
):
    buyer = client_for("oem_buyer")
    template_page = text(buyer.get("/scorecards/template/suppliers/"))
    assert "Retire the template" in template_page
    confirm = buyer.get("/scorecards/template/suppliers/retire/")
    assert confirm.status_code == 200 and "Retire the scorecard template" in text(confirm)
    assert (
        client_for("oem_engineer").get("/scorecards/template/suppliers/retire/").status_code == 403
    )
    assert (
        client_for("ems_planner").get("/scorecards/template/suppliers/retire/").status_code == 404
    )
    assert client_for("oem_buyer").get("/scorecards/template/customers/retire/").status_code == 404
    assert ScorecardTemplate.objects.get(pk=blocked["template"].pk).retired_at is None

    done = buyer.post("/scorecards/template/suppliers/retire/", follow=True)
    assert "Retired the template of your suppliers" in text(done)
    assert "Reinstate the template" in text(done)
    rows = table(buyer.get("/scorecards/"), caption="Your suppliers, best first")
    assert rows[0][:5] == ["1", "Sunridge Acoustics", "39.9", "D", "retired"]
    # The supplier reads its card still, marked retired.
    card_url = f"/scorecards/{blocked['template'].pk}/{orgs['sunridge'].pk}/"
    card = client_for("supplier_rep").get(card_url)
    assert card.status_code == 200 and "this card is history" in text(card)
    about = table(
        client_for("supplier_rep").get("/scorecards/"),
        caption="What your customers and suppliers score you",
    )
    assert about[0][:4] == ["Halcyon Devices", "supplier retired", "39.9", "D"]
    again = buyer.post("/scorecards/template/suppliers/retire/", follow=True)
    assert "retired already" in text(again)

    assert (
        client_for("oem_engineer").post("/scorecards/template/suppliers/reinstate/").status_code
        == 403
    )
    assert buyer.get("/scorecards/template/suppliers/reinstate/").status_code == 405
    back = buyer.post("/scorecards/template/suppliers/reinstate/", follow=True)
    assert "Reinstated the template" in text(back)
    assert ScorecardTemplate.objects.get(pk=blocked["template"].pk).retired_at is None


# API -----------------------------------------------------------------------------------------


def test_the_api_retires_and_reinstates(blocked, people, orgs):
    buyer = token_client(people.oem_buyer)[0]
    retired = send(buyer, "POST", f"{API}/scorecard-templates/suppliers/retire")
    assert retired.status_code == 200, retired.content
    assert dt.datetime.fromisoformat(retired.json()["retired_at"])
    assert_error(
        send(buyer, "POST", f"{API}/scorecard-templates/suppliers/retire"), 409, "conflict"
    )
    engineer = token_client(people.oem_engineer)[0]
    assert_error(
        send(engineer, "POST", f"{API}/scorecard-templates/suppliers/reinstate"), 403, "forbidden"
    )
    planner = token_client(people.ems_planner)[0]
    assert_error(
        send(planner, "POST", f"{API}/scorecard-templates/suppliers/retire"), 404, "not_found"
    )
    rep = token_client(people.supplier_rep)[0]
    [card] = send(rep, "GET", f"{API}/scorecards").json()["results"]
    assert (card["retired"], card["grade"], card["action"]) == (True, "D", "")
    detail = send(rep, "GET", f"{API}/scorecards/{card['template_id']}/{orgs['sunridge'].pk}")
    assert detail.json()["retired"] is True and detail.json()["months"]
    back = send(buyer, "POST", f"{API}/scorecard-templates/suppliers/reinstate")
    assert back.status_code == 200 and back.json()["retired_at"] is None
    assert send(buyer, "GET", f"{API}/scorecard-templates/suppliers").json()["retired_at"] is None


# Command -------------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("scorecards", *args, stdout=out)
    return out.getvalue()


def test_the_command_retires_and_reinstates(blocked, orgs):
    with pytest.raises(CommandError, match="403"):
        run("--retire-template", "suppliers", "--as", "oem_engineer")
    with pytest.raises(CommandError, match="404"):
        run("--retire-template", "suppliers", "--as", "ems_planner")
    assert "Retired the suppliers template" in run(
        "--retire-template", "suppliers", "--as", "oem_buyer"
    )
    assert purchase_block(orgs["halcyon"].pk, orgs["sunridge"].pk) == ""
    [seen] = json.loads(run("--month", "2026-10", "--format", "json", "--as", "supplier_rep"))
    assert (seen["month score"], seen["template"]) == ("39.9", "retired")
    with pytest.raises(CommandError, match="409"):
        run("--retire-template", "suppliers", "--as", "oem_buyer")
    assert "Reinstated the suppliers template" in run(
        "--reinstate-template", "suppliers", "--as", "oem_buyer"
    )
    [seen] = json.loads(run("--month", "2026-10", "--format", "json", "--as", "supplier_rep"))
    assert seen["template"] == "in use"
