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


def at_once(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions at the same moment, each in its own thread and connection (released
    together by a barrier); their results, or the exceptions they raised, in order."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = actions[index]()
        except Exception as exc:  # reported by the caller
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
