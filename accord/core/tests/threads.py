"""Running work in another thread with its own database connection, for the tests of
concurrent writers (PostgreSQL): outside the test's transaction, as another request would."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def in_own_connection(work: Callable[[], Any]) -> Any:
    """Run `work` in a thread with its own connection, outside the test's transaction; its
    result, or its exception raised here."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except Exception as exc:  # reported by the caller
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
