"""Pause points for the crash tests: a place in a write where a test may stop the process.

The tests of the background worker kill it (SIGKILL) while an import is writing and check that
nothing was written. To make that deterministic, the import calls `pause_point(name)` inside its
write transaction; when the setting TEST_PAUSE_AT names that point (only the test settings read
it from ACCORD_TEST_PAUSE_AT), the process creates the file TEST_PAUSE_FILE and waits there
until it is killed (at most TEST_PAUSE_SECONDS). Everywhere else it does nothing.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings


def pause_point(name: str) -> None:
    if getattr(settings, "TEST_PAUSE_AT", "") != name:
        return
    marker = Path(getattr(settings, "TEST_PAUSE_FILE", ""))
    marker.write_text(name)
    deadline = time.monotonic() + float(getattr(settings, "TEST_PAUSE_SECONDS", 30))
    while time.monotonic() < deadline and marker.exists():
        time.sleep(0.05)
