"""The check-in pages' rows of the page access matrix (test_access_matrix.py).

World (built on first use, threads/tests/checkin_world.py matrix_world): the Earbuds X2
check-in with Meridian of this week, Halcyon's buyer and Meridian's planner taking part, a
hand-added line, a decision and an action item. The same rules as the API's
(accord/api/tests/access_matrix/checkins_cases.py): the check-in and everything in it for the
program's members of the two organisations (Halcyon's two, Meridian's planner), 404 for the
others; a program's check-in list and the form to open one for its members. Sunridge's rep and
Brightline's planner may open only their own organisation's check-in: Meridian is not among
their choices (422)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

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
VIEW = ("oem_buyer", "oem_engineer", "ems_planner")
EBX2_MEMBERS = (*VIEW, "supplier_rep", "nda_expired_partner")


def _only(allowed: dict[str, int]) -> dict[str, int]:
    return {persona: allowed.get(persona, 404) for persona in PERSONAS}


def checkins_world(people: Any) -> dict[str, Any]:
    built: dict[str, Any] = {}

    def build() -> dict[str, Any]:
        if not built:
            from accord.threads.tests.checkin_world import matrix_world

            built.update(matrix_world(people))
        return built

    return {"checkins": build}


def _checkin(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["checkins"]()["checkin"].pk}


def _program(w: dict[str, Any]) -> dict[str, Any]:
    return {"program_id": w["checkins"]()["program"].pk}


def _line(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["checkins"]()["line"].pk}


def _open(w: dict[str, Any]) -> dict[str, Any]:
    return {"partner": str(w["meridian"].pk), "week": w["checkins"]()["next_week"]}


def _action(w: dict[str, Any]) -> dict[str, Any]:
    due = dt.date.today() + dt.timedelta(days=12)
    return {"title": "Matrix action", "owner": "ems_planner", "due_date": due.isoformat()}


Kwargs = Callable[[dict[str, Any]], dict[str, Any]]
SEEN = _only(dict.fromkeys(VIEW, 200))
WRITTEN = _only(dict.fromkeys(VIEW, 302))

CHECKINS_GET: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "checkin_list": (_program, _only(dict.fromkeys(EBX2_MEMBERS, 200))),
    "checkin_open": (_program, _only(dict.fromkeys(EBX2_MEMBERS, 200))),
    "checkin_detail": (_checkin, SEEN),
    "checkin_minutes": (_checkin, SEEN),
}
CHECKINS_POST: dict[str, tuple[Kwargs, Kwargs, dict[str, int]]] = {
    "checkin_open": (
        _program,
        _open,
        _only(
            dict.fromkeys(VIEW, 302) | dict.fromkeys(("supplier_rep", "nda_expired_partner"), 422)
        ),
    ),
    "checkin_line": (_checkin, lambda w: {"line": "Matrix line"}, WRITTEN),
    "checkin_decision": (_checkin, lambda w: {"decision": "Matrix decision"}, WRITTEN),
    "checkin_action": (_checkin, _action, WRITTEN),
    "checkin_participant_add": (_checkin, lambda w: {"username": "oem_engineer"}, WRITTEN),
    "checkin_participant_remove": (
        _checkin,
        lambda w: {"person": str(w["ems_planner"].pk)},
        WRITTEN,
    ),
    "checkin_close": (_checkin, lambda w: {}, WRITTEN),
    "checkin_item_update": (_line, lambda w: {"note": "Matrix note", "resolved": "on"}, WRITTEN),
}
