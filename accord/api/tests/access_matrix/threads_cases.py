"""The threads API's rows of the access matrix. World (built lazily, threads/tests/sample.py):
the Earbuds X2 thread about HAL-400-0001 (restricted: Sunridge's driver), Sunridge invited;
Halcyon's buyer's post with a PDF; an action item he gave Meridian's planner.

Who sees the thread, and everything under it: Halcyon's two, Meridian's planner (NDA in
force) and Sunridge's rep (invited, NDA in force, on the part's AML). Brightline is on the
program but its NDA lapsed; Meridian's quality engineer is not on Earbuds X2; Roverly and
Quillon are not on it: 404. Among those who see it: only the author edits a post or attaches
to it, only the owner's and the EMS's people invite (Sunridge 403), only the item's owner and
creator change it, only the program's manager changes the ladder (other members 403)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.api.tests.access_matrix.cases import SIGNED_IN, Case, World, case, expect

VIEW = ["oem_buyer", "oem_engineer", "ems_planner", "supplier_rep"]
EBX2_MEMBERS = [*VIEW, "nda_expired_partner"]
INVITERS = ["oem_buyer", "oem_engineer", "ems_planner"]
TITLE = "Driver lead time for EVT-2"


def _w(w: World) -> dict[str, Any]:
    if "threads" not in w:
        from accord.threads.tests.sample import matrix_world

        w["threads"] = matrix_world(w)
    return w["threads"]


def _thread(w: World) -> str:
    return f"/threads/{_w(w)['thread'].pk}"


def _post(w: World) -> str:
    return f"/posts/{_w(w)['post'].pk}"


def _item(w: World) -> str:
    return f"/action-items/{_w(w)['item'].pk}"


def _ladder(w: World) -> str:
    return f"/programs/{_w(w)['program'].pk}/escalation-ladder"


def titles(body: Any) -> set[str]:
    return {t["title"] for t in body["results"]}


def usernames(body: Any) -> set[str]:
    return {p["username"] for p in body}


def _new_thread(w: World) -> dict[str, Any]:
    _w(w)
    return {
        "program_id": w["EBX2"].pk,
        "subject_kind": "part",
        "subject_id": w["part:HAL-200-0001"].pk,
        "title": "nRF5340 allocation",
    }


def _new_item(w: World) -> dict[str, Any]:
    due = dt.date.today() + dt.timedelta(days=20)
    return {
        "thread_id": _w(w)["thread"].pk,
        "title": "Confirm the buffer",
        "owner": "ems_planner",
        "due_date": due.isoformat(),
    }


def _file(w: World) -> dict[str, Any]:
    from accord.threads.tests.sample import PDF

    _w(w)
    return {"file": SimpleUploadedFile("matrix.pdf", PDF)}


def _others(allowed: list[str]) -> list[str]:
    return [p for p in VIEW if p not in allowed]


THREADS_MATRIX: dict[tuple[str, str], list[Case]] = {
    ("GET", "/threads"): [
        case(
            lambda w: (_w(w), "/threads")[1],
            expect(SIGNED_IN),
            sees=titles,
            seen={p: ({TITLE} if p in VIEW else set()) for p in SIGNED_IN},
        )
    ],
    ("POST", "/threads"): [
        case(
            lambda w: "/threads",
            # HAL-200-0001 is on Earbuds X2's BOMs, read under an NDA in force (Brightline's
            # lapsed); Sunridge is not on its AML.
            expect(INVITERS, status=201),
            body=_new_thread,
        )
    ],
    ("GET", "/threads/{thread_id}"): [case(_thread, expect(VIEW))],
    ("PATCH", "/threads/{thread_id}"): [
        case(_thread, expect(VIEW), body=lambda w: {"status": "at_risk"})
    ],
    ("POST", "/threads/{thread_id}/invitations"): [
        case(
            lambda w: f"{_thread(w)}/invitations",
            expect(INVITERS, status=201, forbidden=["supplier_rep"]),
            body=lambda w: {"organisation_id": w["org:meridian"].pk},
        )
    ],
    ("GET", "/threads/{thread_id}/mentionable"): [
        case(
            lambda w: f"{_thread(w)}/mentionable",
            expect(VIEW),
            sees=usernames,
            seen={p: set(VIEW) for p in INVITERS}
            | {"supplier_rep": {"oem_buyer", "oem_engineer", "supplier_rep"}},
        )
    ],
    ("GET", "/threads/{thread_id}/posts"): [case(lambda w: f"{_thread(w)}/posts", expect(VIEW))],
    ("POST", "/threads/{thread_id}/posts"): [
        case(
            lambda w: f"{_thread(w)}/posts",
            expect(VIEW, status=201),
            body=lambda w: {"body": "Matrix post"},
        )
    ],
    ("PATCH", "/posts/{post_id}"): [
        case(
            _post,
            expect(["oem_buyer"], forbidden=_others(["oem_buyer"])),
            body=lambda w: {"body": "Edited in the matrix"},
        )
    ],
    ("GET", "/posts/{post_id}/history"): [case(lambda w: f"{_post(w)}/history", expect(VIEW))],
    ("POST", "/posts/{post_id}/attachments"): [
        case(
            lambda w: f"{_post(w)}/attachments",
            expect(["oem_buyer"], status=201, forbidden=_others(["oem_buyer"])),
            body=_file,
            multipart=True,
        )
    ],
    ("GET", "/post-attachments/{attachment_id}"): [
        case(
            lambda w: f"/post-attachments/{_w(w)['attachment'].pk}",
            expect(VIEW),
            logged={"ems_planner": (1,), "supplier_rep": (1,)},
        )
    ],
    ("GET", "/action-items"): [
        case(
            lambda w: (_w(w), "/action-items")[1],
            expect(SIGNED_IN),
            sees=titles,
            seen={p: ({"Matrix item"} if p in VIEW else set()) for p in SIGNED_IN},
        )
    ],
    ("POST", "/action-items"): [
        case(lambda w: "/action-items", expect(VIEW, status=201), body=_new_item)
    ],
    ("GET", "/action-items/{item_id}"): [case(_item, expect(VIEW))],
    ("PATCH", "/action-items/{item_id}"): [
        case(
            _item,
            expect(["oem_buyer", "ems_planner"], forbidden=_others(["oem_buyer", "ems_planner"])),
            body=lambda w: {"status": "done"},
        )
    ],
    ("GET", "/programs/{program_id}/escalation-ladder"): [case(_ladder, expect(EBX2_MEMBERS))],
    ("PUT", "/programs/{program_id}/escalation-ladder"): [
        case(
            _ladder,
            expect(["oem_buyer"], forbidden=[p for p in EBX2_MEMBERS if p != "oem_buyer"]),
            body=lambda w: {"steps": [{"days": 2, "target": "owner"}]},
        )
    ],
}
