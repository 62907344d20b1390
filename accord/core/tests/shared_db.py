"""A database that the test and real worker processes share, for the crash tests.

The suite's own test database is no use there: on SQLite it lives in memory, and each test's
writes stay in a transaction rolled back at its end, invisible to another process. So these
tests get a database of their own, migrated once per test process with the persona world
(a template copied for each test: a file on SQLite, CREATE DATABASE ... TEMPLATE on
PostgreSQL), written to by subprocesses running Accord's own code and read by the test with
plain SQL.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[3]
# Heartbeats every 0.2 s, dead after 1 s: the crash tests wait seconds, not minutes.
FAST_WORKER = {
    "ACCORD_WORKER_HEARTBEAT_SECONDS": "0.2",
    "ACCORD_WORKER_STALE_SECONDS": "1",
}


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@dataclass
class SharedDatabase:
    url: str
    folder: Path
    env: dict[str, str]
    processes: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def vendor(self) -> str:
        return "postgresql" if self.url.startswith("postgres") else "sqlite"

    @property
    def sqlite_path(self) -> str:
        return self.url.removeprefix("sqlite:///")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a plain SQL query (%s placeholders), on a connection of its own."""
        if self.vendor == "sqlite":
            conn = sqlite3.connect(self.sqlite_path, timeout=30)
            try:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
            finally:
                conn.close()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as pg:
            return pg.execute(sql, params).fetchall()

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def django(self, code: str, **env: str) -> Any:
        """Run Python with Django set up on this database; returns what it prints as JSON."""
        script = "import django, json\ndjango.setup()\n" + textwrap.dedent(code)
        result = subprocess.run(  # noqa: S603 (this file's own script)
            [sys.executable, "-c", script],
            env={**self.env, **env},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"subprocess failed:\n{result.stdout}\n{result.stderr[-4000:]}")
        lines = result.stdout.strip().splitlines()
        return json.loads(lines[-1]) if lines else None

    def start_worker(self, *args: str, **env: str) -> subprocess.Popen[str]:
        """`accord worker --no-supervise` on this database (fast heartbeats, quick polling)."""
        process = subprocess.Popen(  # noqa: S603 (our own command)
            [
                sys.executable,
                "-m",
                "django",
                "worker",
                "--no-supervise",
                "--interval",
                "0.1",
                *args,
            ],
            env={**self.env, **env},
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


def wait_for(what: str, check: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Poll until check() is truthy; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def stop_gracefully(process: subprocess.Popen[str], timeout: float = 20.0) -> str:
    """SIGTERM, wait, and return what the process printed."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=timeout)
    return output


def _environment(url: str, folder: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ACCORD_", "PYTEST_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "accord.test_settings",
            "ACCORD_TASK_BACKEND": "database",
            "DATABASE_URL": url,
            "ACCORD_DATA_DIR": str(folder),
            "PYTHONUNBUFFERED": "1",
            **FAST_WORKER,
        }
    )
    return env


_BUILD = """
from django.core.management import call_command
call_command("migrate", verbosity=0)
from accord.demo.personas import build_world
build_world()
from django.db import connection
if connection.vendor == "sqlite":
    connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(json.dumps("ok"))
"""


@dataclass
class Template:
    url: str
    folder: Path


def _admin_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def _with_name(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _pg_execute(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


@pytest.fixture(scope="session")
def shared_db_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    folder = tmp_path_factory.mktemp("shared-db-template")
    pg = _postgres_url()
    suffix = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if pg:
        name = f"{urlsplit(pg).path.lstrip('/') or 'accord'}_shared_tmpl_{suffix}"
        _pg_execute(
            pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
        )
        url = _with_name(pg, name)
    else:
        url = f"sqlite:///{folder / 'template.sqlite3'}"
    SharedDatabase(url, folder, _environment(url, folder)).django(_BUILD)
    yield Template(url, folder)
    if pg:
        _pg_execute(pg, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_COUNTER = iter(range(1, 1_000_000))


@pytest.fixture
def shared_database(shared_db_template: Template, tmp_path: Path) -> Iterator[SharedDatabase]:
    """A fresh copy of the template: the persona world, nothing else."""
    template = shared_db_template
    if template.url.startswith("postgres"):
        name = f"{urlsplit(template.url).path.lstrip('/')}_{next(_COUNTER)}".replace("_tmpl_", "_")
        _pg_execute(
            template.url,
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            f'CREATE DATABASE "{name}" TEMPLATE "{urlsplit(template.url).path.lstrip("/")}"',
        )
        url = _with_name(template.url, name)
    else:
        path = tmp_path / "shared.sqlite3"
        shutil.copyfile(template.url.removeprefix("sqlite:///"), path)
        url = f"sqlite:///{path}"
    database = SharedDatabase(url, tmp_path, _environment(url, tmp_path))
    yield database
    database.stop_all()
    if url.startswith("postgres"):
        _pg_execute(url, f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}" WITH (FORCE)')
