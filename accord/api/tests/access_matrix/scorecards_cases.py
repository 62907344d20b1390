"""The scorecards API's rows of the access matrix, on the pages' world (built lazily:
accord/web/tests/access_matrix_scorecards.py): Halcyon's card of Sunridge is Halcyon's
(oem_buyer, oem_engineer) and Sunridge's (supplier_rep), 404 for everyone else, its rows and
comments too; Sunridge reading the rows behind a number is in Halcyon's access log. Everyone
reads their own organisation's template; its administrators change it, the others get 403.
Sunridge's corrective-action plan (a PDF on its comment) is downloaded by the card's two sides,
Halcyon's downloads logged for Sunridge; only Sunridge attaches files to its own comment
(Halcyon sees the comment: 403). Halcyon's administrator retires and reinstates its template;
its engineer may not (403); the others keep no template of their suppliers (404).
Sunridge (a supplier) keeps a card of its customer Halcyon: Sunridge's and Halcyon's people see
it, nobody else; its administrator reads and changes its template of customers."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.api.tests.access_matrix.cases import SIGNED_IN, Case, World, case, expect

CARD = ["oem_buyer", "oem_engineer", "supplier_rep"]
CUSTOMER_CARD = CARD  # the rater's people (Sunridge) and the rated's (Halcyon)
ADMINS = [
    "oem_buyer",
    "ems_planner",
    "supplier_rep",
    "other_oem_user",
    "nda_expired_partner",
    "outsider",
]


def card_world(w: World) -> World:
    if "scorecard:template" not in w:
        from accord.web.tests.access_matrix_scorecards import build_card

        built = build_card(
            w["oem_buyer"], w["EBX2"], w["part:HAL-400-0001"], w["org:halcyon"], w["org:sunridge"]
        )
        w["scorecard:template"] = built["card_template"]
        w["scorecard:month"] = built["card_month"]
    return w


def _card(w: World) -> str:
    card_world(w)
    return f"/scorecards/{w['scorecard:template'].pk}/{w['org:sunridge'].pk}"


def _plan(w: World) -> Any:
    """Sunridge's comment with its corrective-action plan (a PDF), made once."""
    if "scorecard:plan" not in w:
        from accord.web.tests.access_matrix_scorecards import attach_plan

        card_world(w)
        w["scorecard:plan"] = attach_plan(
            w["supplier_rep"], w["scorecard:template"], w["scorecard:month"]
        )
    return w["scorecard:plan"]


def _suppliers(w: World) -> str:
    card_world(w)
    return "/scorecard-templates/suppliers"


def _retired(w: World) -> str:
    from accord.scorecards.services import retire_template

    card_world(w)
    retire_template(actor=w["oem_buyer"], direction="suppliers")
    return "/scorecard-templates/suppliers"


def _evidence(w: World) -> dict[str, Any]:
    from accord.web.tests.access_matrix_scorecards import MATRIX_PNG

    return {"file": SimpleUploadedFile("evidence.png", MATRIX_PNG, "image/png")}


def _customer_card(w: World) -> str:
    if "scorecard:customer_template" not in w:
        from accord.web.tests.access_matrix_scorecards import build_supplier_card

        built = build_supplier_card(
            w["supplier_rep"],
            w["oem_buyer"],
            w["EBX2"],
            w["part:HAL-400-0001"],
            w["org:halcyon"],
            w["org:sunridge"],
        )
        w["scorecard:customer_template"] = built["customer_card_template"]
    return f"/scorecards/{w['scorecard:customer_template'].pk}/{w['org:halcyon'].pk}"


def _customer_rules(w: World) -> dict[str, Any]:
    from accord.scorecards.defaults import CUSTOMER_METRICS

    return {**_rules(w), "metrics": {m: dict(s) for m, s in CUSTOMER_METRICS.items()}}


def _rules(w: World) -> dict[str, Any]:
    from accord.scorecards.defaults import BANDS, SUPPLIER_METRICS

    return {
        "metrics": {m: dict(s) for m, s in SUPPLIER_METRICS.items()},
        "bands": [{**b, "action": str(b["action"])} for b in BANDS],
        "days_early": 3,
        "days_late": 1,
        "counting_unit": "line",
        "due_basis": "requested",
        "response_sla_hours": 24,
        "frozen_weeks": 4,
    }


SCORECARDS_MATRIX: dict[tuple[str, str], list[Case]] = {
    ("GET", "/scorecards"): [case(lambda w: "/scorecards", expect(SIGNED_IN))],
    ("GET", "/scorecards/{template_id}/{rated_id}"): [
        case(_card, expect(CARD)),
        case(_customer_card, expect(CUSTOMER_CARD), label="a supplier's card of its customer"),
    ],
    ("GET", "/scorecards/{template_id}/{rated_id}/months/{month}/{metric}"): [
        case(
            lambda w: f"{_card(w)}/months/{w['scorecard:month']}/on_time",
            expect(CARD),
            logged={"supplier_rep": (1,)},
        )
    ],
    ("GET", "/scorecards/{template_id}/{rated_id}/comments"): [
        case(lambda w: f"{_card(w)}/comments", expect(CARD))
    ],
    ("POST", "/scorecards/{template_id}/{rated_id}/comments"): [
        case(
            lambda w: f"{_card(w)}/comments",
            expect(CARD, status=201),
            body=lambda w: {"month": w["scorecard:month"], "text": "On time, thank you."},
        )
    ],
    # Only the comment's own side attaches: Sunridge to its plan; Halcyon sees it (403).
    ("POST", "/scorecards/{template_id}/{rated_id}/comments/{comment_id}/attachments"): [
        case(
            lambda w: f"{_card(w)}/comments/{_plan(w).comment_id}/attachments",
            expect(["supplier_rep"], status=201, forbidden=["oem_buyer", "oem_engineer"]),
            body=_evidence,
            multipart=True,
        )
    ],
    ("GET", "/scorecards/{template_id}/{rated_id}/attachments/{attachment_id}"): [
        case(
            lambda w: f"{_card(w)}/attachments/{_plan(w).pk}",
            expect(CARD),
            logged=["oem_buyer", "oem_engineer"],
        )
    ],
    ("POST", "/scorecard-templates/{direction}/retire"): [
        case(lambda w: f"{_suppliers(w)}/retire", expect(["oem_buyer"], forbidden=["oem_engineer"]))
    ],
    ("POST", "/scorecard-templates/{direction}/reinstate"): [
        case(
            lambda w: f"{_retired(w)}/reinstate", expect(["oem_buyer"], forbidden=["oem_engineer"])
        )
    ],
    ("GET", "/scorecard-templates/{direction}"): [
        case(lambda w: "/scorecard-templates/suppliers", expect(SIGNED_IN)),
        case(lambda w: "/scorecard-templates/customers", expect(SIGNED_IN), label="customers"),
    ],
    ("PUT", "/scorecard-templates/{direction}"): [
        case(
            lambda w: "/scorecard-templates/suppliers",
            expect(ADMINS, forbidden=["oem_engineer", "ems_quality"]),
            body=_rules,
        ),
        case(
            lambda w: "/scorecard-templates/customers",
            expect(ADMINS, forbidden=["oem_engineer", "ems_quality"]),
            body=_customer_rules,
            label="customers",
        ),
    ],
}
