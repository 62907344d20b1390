"""The thread pages' rows of the page access matrix (test_access_matrix.py).

World (built on first use, threads/tests/sample.py matrix_world): the Earbuds X2 thread about
HAL-400-0001 (restricted), Sunridge invited; Halcyon's buyer's post with a PDF; his action
item for Meridian's planner. The same rules as the API's
(accord/api/tests/access_matrix/threads_cases.py): the thread and everything under it for
Halcyon's two, Meridian's planner and Sunridge's rep, 404 for the others; a program's thread
list and ladder for its members; only the author edits, only the owner's and the EMS's people
invite, only the item's owner and creator change it, only the manager changes the ladder."""

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
VIEW = ("oem_buyer", "oem_engineer", "ems_planner", "supplier_rep")
EBX2_MEMBERS = (*VIEW, "nda_expired_partner")
INVITERS = ("oem_buyer", "oem_engineer", "ems_planner")


def _only(allowed: dict[str, int]) -> dict[str, int]:
    return {persona: allowed.get(persona, 404) for persona in PERSONAS}


def _split(ok: tuple[str, ...], status: int, seen_by: tuple[str, ...] = VIEW) -> dict[str, int]:
    """`ok` get `status`, the others of `seen_by` 403, everyone else 404."""
    return _only(dict.fromkeys(seen_by, 403) | dict.fromkeys(ok, status))


def threads_world(people: Any) -> dict[str, Any]:
    built: dict[str, Any] = {}

    def build() -> dict[str, Any]:
        if not built:
            from accord.threads.tests.sample import matrix_world

            built.update(matrix_world(people))
        return built

    return {"threads": build}


def _thread(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["threads"]()["thread"].pk}


def _program(w: dict[str, Any]) -> dict[str, Any]:
    return {"program_id": w["threads"]()["program"].pk}


def _post(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["threads"]()["post"].pk}


def _attachment(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["threads"]()["attachment"].pk}


def _item(w: dict[str, Any]) -> dict[str, Any]:
    return {"pk": w["threads"]()["item"].pk}


def _new_thread(w: dict[str, Any]) -> dict[str, Any]:
    return {
        "subject_kind": "part",
        "subject_id": str(w["HAL-200-0001"].pk),
        "title": "nRF5340 allocation",
        "status": "on_track",
    }


def _new_item(w: dict[str, Any]) -> dict[str, Any]:
    due = dt.date.today() + dt.timedelta(days=20)
    return {"title": "Confirm the buffer", "owner": "ems_planner", "due_date": due.isoformat()}


Kwargs = Callable[[dict[str, Any]], dict[str, Any]]

THREADS_GET: dict[str, tuple[Kwargs, dict[str, int]]] = {
    "thread_list": (_program, _only(dict.fromkeys(EBX2_MEMBERS, 200))),
    "thread_create": (_program, _only(dict.fromkeys(EBX2_MEMBERS, 200))),
    "escalation_ladder": (_program, _only(dict.fromkeys(EBX2_MEMBERS, 200))),
    "thread_detail": (_thread, _only(dict.fromkeys(VIEW, 200))),
    "post_edit": (_post, _split(("oem_buyer",), 200)),
    "post_history": (_post, _only(dict.fromkeys(VIEW, 200))),
    "post_attachment": (_attachment, _only(dict.fromkeys(VIEW, 200))),
    "my_action_items": (lambda w: {}, dict.fromkeys(PERSONAS, 200)),
}
# A download of Halcyon's file by another organisation goes into Halcyon's access log.
THREADS_LOGGED_READS: dict[str, dict[str, tuple[int, ...]]] = {
    "post_attachment": {"ems_planner": (1,), "supplier_rep": (1,)},
}
THREADS_POST: dict[str, tuple[Kwargs, Kwargs, dict[str, int]]] = {
    # HAL-200-0001 is read on Earbuds X2's BOMs under an NDA in force: not by Brightline
    # (lapsed) nor Sunridge (not on its AML), who get 404 for the subject.
    "thread_create": (_program, _new_thread, _only(dict.fromkeys(INVITERS, 302))),
    "thread_update": (
        _thread,
        lambda w: {"status": "blocked", "next_update": ""},
        _only(dict.fromkeys(VIEW, 302)),
    ),
    "thread_invite": (
        _thread,
        lambda w: {"organisation": str(w["meridian"].pk)},
        _split(INVITERS, 302),
    ),
    "thread_post": (_thread, lambda w: {"body": "Matrix post"}, _only(dict.fromkeys(VIEW, 302))),
    "post_edit": (_post, lambda w: {"body": "Edited"}, _split(("oem_buyer",), 302)),
    "action_item_create": (_thread, _new_item, _only(dict.fromkeys(VIEW, 302))),
    "action_item_update": (
        _item,
        lambda w: {"status": "done"},
        _split(("oem_buyer", "ems_planner"), 302),
    ),
    "escalation_ladder": (
        _program,
        lambda w: {"steps": "2:owner"},
        _split(("oem_buyer",), 302, seen_by=EBX2_MEMBERS),
    ),
}
