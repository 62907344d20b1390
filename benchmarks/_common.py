"""Shared set-up for benchmark scripts: a dedicated database, Django, timing helpers.

A benchmark never touches the database DATABASE_URL names: it creates its own beside it
(a fresh SQLite file, or a `<name>_bench_<bench>` database on the same PostgreSQL server).
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepare_database(bench: str, *, reuse: bool = False) -> str:
    """Point DATABASE_URL at a fresh database for this benchmark and return the vendor. With
    `reuse`, the database a previous run of this benchmark left is kept (its data generated
    once, for repeated timings)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/') or 'accord'}_bench_{bench}"
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not (reuse and exists):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
        vendor = "postgresql"
    else:
        if reuse:
            folder = Path(tempfile.gettempdir()) / f"accord-bench-{bench}"
            folder.mkdir(exist_ok=True)
        else:
            folder = Path(tempfile.mkdtemp(prefix=f"accord-bench-{bench}-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
        os.environ["ACCORD_DATA_DIR"] = str(folder)
        vendor = "sqlite"
    # The in-process set-up signs sessions that the benchmark's server must accept.
    os.environ.setdefault("ACCORD_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ACCORD_DEBUG", "0")  # no per-query bookkeeping while timing
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    os.environ.setdefault("ACCORD_TASK_BACKEND", "immediate")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return vendor


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarise_ms(samples: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(samples) * 1000, 2),
        "p95_ms": round(percentile(samples, 95) * 1000, 2),
    }


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


_PROBE = """
import os, sqlite3, sys, time
path, stop = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(path, timeout=300, isolation_level=None)
longest = 0.0
while not os.path.exists(stop):
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    longest = max(longest, time.perf_counter() - start)
    conn.execute("COMMIT")
    time.sleep(0.005)
print(longest)
"""


class WriteLockProbe:
    """How long a web request would wait for the database's write lock while code runs.

    SQLite has one write lock for the whole file. A process of its own (not a thread, which
    would wait for the GIL and count that too) takes it (BEGIN IMMEDIATE; COMMIT) every few
    milliseconds, as a small request would, and reports its longest wait: the longest stretch
    for which the code under test held the lock. PostgreSQL has no such lock (writers wait only
    on the rows they touch): there the figure is the longest transaction of the code under
    test (TransactionClock), and the probe reports nothing.
    """

    def __init__(self) -> None:
        from django.db import connection

        self.vendor = connection.vendor
        self.path = str(connection.settings_dict["NAME"])
        self.longest = 0.0

    def __enter__(self) -> WriteLockProbe:
        if self.vendor == "sqlite":
            import subprocess

            self._stop = Path(tempfile.mkdtemp(prefix="accord-probe-")) / "stop"
            self._process = subprocess.Popen(
                [sys.executable, "-c", _PROBE, self.path, str(self._stop)],
                stdout=subprocess.PIPE,
                text=True,
            )
            time.sleep(0.2)  # let it start before the code under test does
        return self

    def __exit__(self, *exc: object) -> None:
        if self.vendor == "sqlite":
            self._stop.touch()
            out, _ = self._process.communicate(timeout=600)
            self.longest = float(out.strip() or "nan")


class TransactionClock:
    """The longest database transaction opened by this thread while it is active: the time
    from Django's BEGIN (autocommit off) to its COMMIT or ROLLBACK (autocommit back on)."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.longest = 0.0
        self._began: float | None = None

    def __enter__(self) -> TransactionClock:
        original = self.connection.set_autocommit

        def set_autocommit(autocommit: bool, *args: Any, **kwargs: Any) -> None:
            if not autocommit and self._began is None:
                self._began = time.perf_counter()
            original(autocommit, *args, **kwargs)
            if autocommit and self._began is not None:
                self.longest = max(self.longest, time.perf_counter() - self._began)
                self._began = None

        self.connection.set_autocommit = set_autocommit  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        del self.connection.set_autocommit


# The probe's figure of the last lock_held() call, on SQLite (printed beside the clock's).
LAST_PROBE_S = [0.0]


def lock_held(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Run fn; return (seconds, longest write-lock hold, fn's result).

    The hold is the longest transaction fn opened (TransactionClock): on SQLite every
    transaction takes the write lock when it begins (IMMEDIATE) and keeps it until it ends, so
    that is how long other writers waited at most. On SQLite the probe's longest wait is kept
    in LAST_PROBE_S as a cross-check from outside (on a loaded machine it can miss short holds:
    the probe process is not always scheduled)."""
    with WriteLockProbe() as probe, TransactionClock() as clock:
        seconds, result = timed(fn)
    LAST_PROBE_S[0] = probe.longest
    return seconds, clock.longest, result
