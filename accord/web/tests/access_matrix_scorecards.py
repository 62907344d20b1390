"""The scorecard pages' rows of the page access matrix (test_access_matrix.py).

World: Halcyon (oem_buyer, its administrator) keeps a card of its suppliers; this month it
ordered from Sunridge and received the goods. The card is Halcyon's (oem_buyer, oem_engineer)
and Sunridge's (supplier_rep), nobody else's: 404 for the others, its rows and comments too.
Every signed-in person opens the list, the definitions and their own organisation's template;
administrators save it (each their own organisation's), the others get 403. Sunridge reading
the rows behind a number reads Halcyon's orders: one access-log entry for Halcyon.

Sunridge answered the card with a corrective-action plan, a PDF: its file is the card's two
sides' to download (Halcyon's download is in Sunridge's access log), 404 for the others.
Halcyon's administrator retires its template (and reinstates it once retired); Halcyon's
engineer sees it but may not (403); the others keep no template of their suppliers (404)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

CARD = {"oem_buyer": 200, "oem_engineer": 200, "supplier_rep": 200}
PERSONAS = [
    "oem_buyer",
    "oem_engineer",
    "ems_planner",
    "ems_quality",
    "supplier_rep",
    "other_oem_user",
    "nda_expired_partner",
    "outsider",
]
EVERYONE = dict.fromkeys(PERSONAS, 200)
ADMINS = (
    "oem_buyer",
    "ems_planner",
    "supplier_rep",
    "other_oem_user",
    "nda_expired_partner",
    "outsider",
)


def _only(allowed: dict[str, int]) -> dict[str, int]:
    return {persona: allowed.get(persona, 404) for persona in PERSONAS}


def scorecards_world(people: Any, programs: Any, parts: Any, orgs: Any) -> dict[str, Any]:
    """Built on first use, by the scorecard rows only: its order and delivery would show in
    the other pages' lists."""
    built: dict[str, Any] = {}

    def build() -> dict[str, Any]:
        if not built:
            built.update(
                build_card(
                    people.oem_buyer,
                    programs["EBX2"],
                    parts["HAL-400-0001"],
                    orgs["halcyon"],
                    orgs["sunridge"],
                )
            )
        return built

    return {"scorecards": build}


def build_card(buyer: Any, program: Any, part: Any, halcyon: Any, sunridge: Any) -> dict[str, Any]:
    """Halcyon's order to Sunridge this month, received, and Halcyon's card of it."""
    from accord.scorecards.choices import Direction
    from accord.scorecards.services import compute_cards, rules_of, save_template, template_of
    from accord.supply.services import (
        add_order_line,
        create_purchase_order,
        create_site,
        issue_order,
        receive_delivery,
    )

    today = dt.date.today()
    site = create_site(actor=buyer, code="SC-LAB", name="Scorecard lab")
    order = create_purchase_order(actor=buyer, program=program, supplier=sunridge, number="SC-PO-1")
    line = add_order_line(
        actor=buyer,
        order=order,
        part=part,
        quantity_ordered=10,
        requested_date=today,
    )
    issue_order(actor=buyer, order=order)
    receive_delivery(actor=buyer, line=line, site=site, quantity_received=10, received_on=today)
    defaults = template_of(halcyon, Direction.SUPPLIERS)
    template = save_template(actor=buyer, template=defaults, **rules_of(defaults))
    compute_cards(template)
    return {"card_template": template, "card_month": today.strftime("%Y-%m")}


MATRIX_PLAN = b"%PDF-1.7\n% corrective-action plan\n%%EOF\n"
MATRIX_PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)


def attach_plan(rep: Any, template: Any, month: str) -> Any:
    """Sunridge's corrective-action plan on the month of the card, with its PDF."""
    from accord.scorecards.attachments import AttachedFile
    from accord.scorecards.months import parse_month
    from accord.scorecards.services import comment_with_files

    when = parse_month(month)
    assert when is not None
    comment = comment_with_files(
        actor=rep,
        template=template,
        rated_id=rep.organisation_id,
        month=when,
        text="Corrective-action plan attached.",
        corrective_action=True,
        files=[AttachedFile.checked(MATRIX_PLAN, "8D plan.pdf")],
    )
    return comment.attachments.get()


def _plan(w: dict[str, Any]) -> dict[str, Any]:
    built = w["scorecards"]()
    if "plan" not in built:
        built["plan"] = attach_plan(w["supplier_rep"], built["card_template"], built["card_month"])
    return {**_card(w), "pk": built["plan"].pk}


def _suppliers(w: dict[str, Any]) -> dict[str, Any]:
    """Halcyon's template of its suppliers, saved (the card built)."""
    w["scorecards"]()
    return {"direction": "suppliers"}


def _retired(w: dict[str, Any]) -> dict[str, Any]:
    from accord.scorecards.services import retire_template

    kwargs = _suppliers(w)
    retire_template(actor=w["oem_buyer"], direction="suppliers")
    return kwargs


# Halcyon's administrator acts on its template; its engineer sees it but may not (403).
TEMPLATE_ADMIN = {**{p: 404 for p in PERSONAS}, "oem_buyer": 200, "oem_engineer": 403}


def build_supplier_card(
    rep: Any, buyer: Any, program: Any, part: Any, halcyon: Any, sunridge: Any
) -> dict[str, Any]:
    """Sunridge's card of its customer Halcyon: Halcyon's order of build_card judged against
    a forecast Halcyon shared five weeks ago (a supplier rates from forecasts and orders)."""
    from accord.planning.models import ForecastShare
    from accord.planning.services import share_forecast
    from accord.scorecards.choices import Direction
    from accord.scorecards.services import compute_cards, rules_of, save_template, template_of

    built = build_card(buyer, program, part, halcyon, sunridge)
    share = share_forecast(actor=buyer, program=program, supplier=sunridge)
    ForecastShare.objects.filter(pk=share.pk).update(
        shared_at=share.shared_at - dt.timedelta(weeks=5),
        week_start=share.week_start - dt.timedelta(weeks=5),
    )
    defaults = template_of(sunridge, Direction.CUSTOMERS)
    template = save_template(actor=rep, template=defaults, **rules_of(defaults))
    compute_cards(template)
    return {"customer_card_template": template, "card_month": built["card_month"]}


def template_form(w: dict[str, Any]) -> dict[str, Any]:
    from accord.scorecards.defaults import BANDS, SUPPLIER_METRICS

    data: dict[str, Any] = {
        "days_early": 3,
        "days_late": 1,
        "counting_unit": "line",
        "due_basis": "requested",
        "response_sla_hours": 24,
        "frozen_weeks": 4,
    }
    for metric, setting in SUPPLIER_METRICS.items():
        for part, value in setting.items():
            data[f"{part}_{metric}"] = value
    for i, band in enumerate(BANDS):
        data |= {
            f"band_lower_{i}": band["lower"],
            f"band_grade_{i}": band["grade"],
            f"band_action_{i}": str(band["action"]),
        }
    return data


def _card(w: dict[str, Any]) -> dict[str, Any]:
    return {"template_id": w["scorecards"]()["card_template"].pk, "rated_id": w["sunridge"].pk}


SCORECARDS_GET: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], dict[str, int]]] = {
    "scorecard_index": (lambda w: {}, EVERYONE),
    "scorecard_definitions": (lambda w: {}, EVERYONE),
    "scorecard_template": (lambda w: {"direction": "suppliers"}, EVERYONE),
    "scorecard_card": (_card, _only(CARD)),
    "scorecard_drill": (
        lambda w: {**_card(w), "month": w["scorecards"]()["card_month"], "metric": "on_time"},
        _only(CARD),
    ),
    "scorecard_attachment": (_plan, _only(CARD)),
    "scorecard_template_retire": (_suppliers, TEMPLATE_ADMIN),
}

SCORECARDS_POST: dict[
    str,
    tuple[
        Callable[[dict[str, Any]], dict[str, Any]],
        Callable[[dict[str, Any]], dict[str, Any]],
        dict[str, int],
    ],
] = {
    "scorecard_comment": (
        _card,
        lambda w: {
            "month": w["scorecards"]()["card_month"],
            "text": "Thank you for the quick delivery.",
            "attachments": [SimpleUploadedFile("receipt.png", MATRIX_PNG, "image/png")],
        },
        _only({"oem_buyer": 302, "oem_engineer": 302, "supplier_rep": 302}),
    ),
    "scorecard_template_retire": (
        _suppliers,
        lambda w: {},
        {**TEMPLATE_ADMIN, "oem_buyer": 302},
    ),
    "scorecard_template_reinstate": (
        _retired,
        lambda w: {},
        {**TEMPLATE_ADMIN, "oem_buyer": 302},
    ),
    "scorecard_template": (
        lambda w: {"direction": "suppliers"},
        template_form,
        {**dict.fromkeys(PERSONAS, 403), **dict.fromkeys(ADMINS, 302)},
    ),
}

# Sunridge reads the rows of Halcyon's order behind its on-time number: one entry, one row.
# Halcyon's people download Sunridge's plan: one entry each, for Sunridge.
SCORECARDS_LOGGED_READS: dict[str, dict[str, tuple[int, ...]]] = {
    "scorecard_drill": {"supplier_rep": (1,)},
    "scorecard_attachment": {"oem_buyer": (1,), "oem_engineer": (1,)},
}
