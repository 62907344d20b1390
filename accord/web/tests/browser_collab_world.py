"""The collaboration pages' objects in the demo's database (capabilities and requirements,
threads, notifications), as the page matrix's worlds give them: functions returning the
objects. Read from the server's file; the unsubscribe link is signed by the server's own key,
so `accord shell` on its data directory makes it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from accord.web.tests.live_server import LiveServer, run_accord, server_environment


def collaboration_world(server: LiveServer, people: dict[str, Any]) -> dict[str, Any]:
    from accord.demo.threads import DRIVER_THREAD_TITLE

    def first(sql: str, *params: Any) -> SimpleNamespace:
        return SimpleNamespace(pk=server.rows(sql, params)[0][0])

    # Meridian's SMT capability at PEN1 and Pulse HRM's ISO 13485 requirement
    # (accord/demo/partners.py).
    capability_id, site_id = server.rows(
        "SELECT id, site_id FROM partners_sitecapability WHERE process = 'smt' ORDER BY id"
    )[0]
    capabilities = {
        "capability": SimpleNamespace(pk=capability_id, site_id=site_id),
        "requirement": first(
            "SELECT id FROM partners_programrequirement WHERE standard = 'ISO 13485'"
        ),
    }
    # The driver thread, which Sunridge was invited to (accord/demo/threads.py): its first
    # post is Halcyon's buyer's, its action item none (the page matrix reads no item page).
    thread_id, program_id = server.rows(
        "SELECT id, program_id FROM threads_thread WHERE title = ?", (DRIVER_THREAD_TITLE,)
    )[0]
    threads = {
        "thread": SimpleNamespace(pk=thread_id),
        "program": SimpleNamespace(pk=program_id),
        "post": first("SELECT id FROM threads_post WHERE thread_id = ? ORDER BY id", thread_id),
    }
    # This week's Earbuds X2 check-in with Meridian and one of its hand-added lines
    # (accord/demo/checkins.py); the check-in pages' matrix reads these three.
    from accord.demo.checkins import CARRIED_LINE

    (checkin_id,) = server.rows(
        "SELECT id FROM threads_checkin WHERE program_id = ? AND status = 'open'", (program_id,)
    )[0]
    checkins = {
        "checkin": SimpleNamespace(pk=checkin_id),
        "program": SimpleNamespace(pk=program_id),
        "line": first(
            "SELECT id FROM threads_agendaitem WHERE checkin_id = ? AND label = ?",
            checkin_id,
            CARRIED_LINE,
        ),
    }
    token = run_accord(
        [
            "shell",
            "-c",
            "from accord.threads.notification_services import unsubscribe_token; "
            f"print(unsubscribe_token({people['oem_buyer'].pk}, ['post']))",
        ],
        server.data_dir,
        server_environment(server.data_dir),
    ).splitlines()[-1]  # after the shell's own note of what it imported
    return {
        "capabilities": lambda: capabilities,
        "threads": lambda: threads,
        "checkins": lambda: checkins,
        # The inbox page's address names no notification; the matrix's world only builds one.
        "notification": lambda: None,
        "unsubscribe_token": lambda: token,
    }
