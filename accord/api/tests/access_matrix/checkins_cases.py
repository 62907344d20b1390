"""The check-ins API's rows of the access matrix. World (built lazily,
threads/tests/checkin_world.py matrix_world): the Earbuds X2 check-in with Meridian of this
week, opened by Halcyon's buyer with himself and Meridian's planner taking part, a hand-added
line, a decision and an action item for the planner; the driver thread beside it.

Who sees the check-in, and everything in it: the program's members of the two organisations,
Halcyon's two and Meridian's planner, whether they take part or not. Sunridge's rep and
Brightline's planner are members of Earbuds X2: they list its check-ins (none of theirs) and
may open only their own organisation's: naming Meridian is 422, as naming an organisation that
is no partner at all (the answer does not tell them who the program's other partners are).
Meridian's quality engineer is not on Earbuds X2; Roverly and Quillon are not on it: 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accord.api.tests.access_matrix.cases import Case, World, case, expect

VIEW = ["oem_buyer", "oem_engineer", "ems_planner"]
EBX2_MEMBERS = [*VIEW, "supplier_rep", "nda_expired_partner"]
SELLERS_ON_EBX2 = ["supplier_rep", "nda_expired_partner"]


def _w(w: World) -> dict[str, Any]:
    if "checkins" not in w:
        from accord.threads.tests.checkin_world import matrix_world

        w["checkins"] = matrix_world(w)
    return w["checkins"]


def _checkin(w: World) -> str:
    return f"/checkins/{_w(w)['checkin'].pk}"


def _program(w: World) -> str:
    return f"/programs/{_w(w)['program'].pk}/checkins"


def rows(body: Any) -> int:
    return len(body["results"])


def _due() -> str:
    return (dt.date.today() + dt.timedelta(days=12)).isoformat()


CHECKINS_MATRIX: dict[tuple[str, str], list[Case]] = {
    ("GET", "/programs/{program_id}/checkins"): [
        case(
            _program,
            expect(EBX2_MEMBERS),
            sees=rows,
            seen={p: (1 if p in VIEW else 0) for p in EBX2_MEMBERS},
        )
    ],
    ("POST", "/programs/{program_id}/checkins"): [
        case(
            _program,
            expect(VIEW, status=201) | dict.fromkeys(SELLERS_ON_EBX2, 422),
            body=lambda w: {"partner": str(w["org:meridian"].pk), "week": _w(w)["next_week"]},
        )
    ],
    ("GET", "/checkins/{checkin_id}"): [case(_checkin, expect(VIEW))],
    ("POST", "/checkins/{checkin_id}/items"): [
        case(
            lambda w: f"{_checkin(w)}/items",
            expect(VIEW, status=201),
            body=lambda w: {"text": "Matrix line"},
        )
    ],
    ("PATCH", "/agenda-items/{item_id}"): [
        case(
            lambda w: f"/agenda-items/{_w(w)['line'].pk}",
            expect(VIEW),
            body=lambda w: {"note": "Matrix note", "resolved": True},
        )
    ],
    ("POST", "/checkins/{checkin_id}/decisions"): [
        case(
            lambda w: f"{_checkin(w)}/decisions",
            expect(VIEW, status=201),
            body=lambda w: {"text": "Matrix decision"},
        )
    ],
    ("POST", "/checkins/{checkin_id}/actions"): [
        case(
            lambda w: f"{_checkin(w)}/actions",
            expect(VIEW, status=201),
            body=lambda w: {"title": "Matrix action", "owner": "ems_planner", "due_date": _due()},
        )
    ],
    ("POST", "/checkins/{checkin_id}/participants"): [
        case(
            lambda w: f"{_checkin(w)}/participants",
            expect(VIEW, status=201),
            body=lambda w: {"username": "oem_engineer"},
        )
    ],
    ("DELETE", "/checkins/{checkin_id}/participants/{person_id}"): [
        case(
            lambda w: f"{_checkin(w)}/participants/{w['ems_planner'].pk}",
            expect(VIEW, status=204),
        )
    ],
    ("POST", "/checkins/{checkin_id}/close"): [
        case(lambda w: f"{_checkin(w)}/close", expect(VIEW), body=lambda w: {})
    ],
    ("GET", "/checkins/{checkin_id}/minutes"): [
        case(lambda w: f"{_checkin(w)}/minutes?format=xlsx", expect(VIEW))
    ],
}
