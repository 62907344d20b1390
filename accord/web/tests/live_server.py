"""The real Accord server for browser tests and screenshots: gunicorn in a subprocess, on its own
SQLite file, loaded with the demo workspace.

    with running_server() as server:   # migrate + load the demo, then gunicorn on a free port
        ... server.url ...             # e.g. http://127.0.0.1:41523

Used by accord/web/tests/test_browser.py and docs/screenshots/make_screenshots.py.

Why a subprocess and a file of its own, rather than pytest-django's live_server: the browser
then talks to exactly what `accord serve` runs (gunicorn, the preloaded app, whitenoise, the
middleware), and the server's data is untouched by the test database's transactions and
flushes. The database is always a fresh SQLite file, even when the rest of the suite runs on
PostgreSQL (DATABASE_URL=postgres://...): the browser tests exercise the pages, and the
behaviour that differs between databases is covered by the rest of the suite; a second
PostgreSQL database would only add set-up and clean-up that can fail.

This module imports neither Django nor Playwright at import time: the screenshot script loads
it before anything is set up.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright, ViewportSize

CHROMIUM = "/usr/bin/chromium"  # Debian's package; Playwright never downloads a browser here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    # The machines that run the suite have no network: these would only log failures.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1366, "height": 900}
START_TIMEOUT = 60.0  # seconds for gunicorn to answer, and for an `accord` command
# Migrating and loading the demo takes ~15 s alone, but several times that on a 2-core machine
# running the rest of the suite beside it.
PREPARE_TIMEOUT = 240.0
TEMPLATE_MAX_AGE = 6 * 3600  # seconds: older templates are a finished run's leftovers


def chromium_available() -> bool:
    return os.access(CHROMIUM, os.X_OK)


def running_under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@dataclass(frozen=True)
class DemoIds:
    programs: dict[str, int]  # by code: EBX2, PHRM, RVC
    boms: dict[str, int]  # by assembly and revision: "EBX2-PCBA rev B", "EBX2-L rev A", ...
    parts: dict[str, int]  # by part number (the first created, if two owners use one number)
    ndas: dict[str, int]  # by reference


@dataclass
class LiveServer:
    url: str
    data_dir: Path
    database: Path
    log: Path
    process: subprocess.Popen[bytes]

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def ids(self) -> DemoIds:
        """Primary keys of the demo's programs, BOMs, parts and NDAs, read from the server's file.

        Tests need them for addresses a person cannot reach by clicking (a program of another
        customer); reading the file leaves the server's state untouched.
        """
        with contextlib.closing(sqlite3.connect(self.database, timeout=10)) as conn:
            return DemoIds(
                programs=dict(conn.execute("SELECT code, id FROM orgs_program")),
                boms=dict(
                    conn.execute(
                        "SELECT p.number || ' rev ' || b.revision, b.id FROM parts_bom b"
                        " JOIN parts_part p ON p.id = b.assembly_id"
                    )
                ),
                parts=dict(conn.execute("SELECT number, id FROM parts_part ORDER BY id DESC")),
                ndas=dict(conn.execute("SELECT reference, id FROM orgs_nda")),
            )

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read-only query on the server's database (for addresses and ids)."""
        with contextlib.closing(sqlite3.connect(self.database, timeout=10)) as conn:
            return list(conn.execute(sql, params))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn: graceful shutdown on SIGTERM
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def server_environment(data_dir: Path) -> dict[str, str]:
    """The environment of the server: the caller's, with the database and the mode pinned."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "accord.settings",  # not the suite's test_settings
            # "test" only swaps Argon2 for a fast hasher: the demo load and each sign-in would
            # otherwise cost ~0.3 s of CPU per password.
            "ACCORD_ENV": "test",
            # The real error pages (404 as for an unknown address), no debug pages whose inline
            # styles the Content-Security-Policy would refuse.
            "ACCORD_DEBUG": "false",
            "ACCORD_DATA_DIR": str(data_dir),
            "DATABASE_URL": f"sqlite:///{data_dir / 'accord.sqlite3'}",
            # No task worker runs beside this server: do background work inline.
            "ACCORD_TASK_BACKEND": "immediate",
            "ACCORD_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ACCORD_LOGIN_RATE_LIMIT": "5",
            "ACCORD_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    for name in ("ACCORD_CSRF_TRUSTED_ORIGINS", "ACCORD_SSL_REDIRECT"):
        env.pop(name, None)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_demo_database(data_dir: Path, env: dict[str, str]) -> None:
    """Migrate a new SQLite file and load the demo workspace (`accord demo --no-serve`)."""
    from_template("demo", data_dir, env, _accord_step(["demo", "--no-serve"]))


def empty_database(data_dir: Path, env: dict[str, str]) -> None:
    """Only the schema: no organisation, no person (`accord migrate`)."""
    from_template("empty", data_dir, env, _accord_step(["migrate", "--verbosity", "0"]))


def _accord_step(args: list[str]) -> Callable[[Path, dict[str, str]], Any]:
    return lambda directory, env: run_accord(args, directory, env, timeout=PREPARE_TIMEOUT)


def from_template(
    name: str, data_dir: Path, env: dict[str, str], build: Callable[[Path, dict[str, str]], Any]
) -> None:
    """Fill data_dir with a copy of a data directory that `build` prepared once per test run.

    Each browser story wants its own fresh database, but migrating (79 migrations) and loading
    the demo cost ~15 s of CPU each time, several times that under the load of the suite's
    other worker. So the first story of a run builds the directory under a lock and the others
    copy the files (a SQLite file and the media under it hold no absolute path); a server
    given another database (extra_env) is prepared in place, as before. The template is
    keyed by the run (pytest-xdist's run id, shared by its workers, or this process) and by
    the ACCORD_ settings that could change what is built.
    """
    if env.get("DATABASE_URL") != f"sqlite:///{data_dir / 'accord.sqlite3'}":
        build(data_dir, env)  # a server on another database (PostgreSQL) is prepared in place
        return
    settings = sorted(
        (key, value)
        for key, value in env.items()
        if key.startswith("ACCORD_") and key != "ACCORD_DATA_DIR"
    )
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid{os.getpid()}"
    key = hashlib.sha256(repr((run, name, settings)).encode()).hexdigest()[:16]
    root = Path(tempfile.gettempdir()) / "accord-test-templates"
    root.mkdir(exist_ok=True)
    template = root / key
    with (root / f"{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other worker waits while this one builds
        if not template.is_dir():
            _remove_old_templates(root)
            building = root / f"{key}.building"
            shutil.rmtree(building, ignore_errors=True)
            building.mkdir()
            template_env = env | {
                "ACCORD_DATA_DIR": str(building),
                "DATABASE_URL": f"sqlite:///{building / 'accord.sqlite3'}",
            }
            build(building, template_env)
            building.rename(template)
    shutil.copytree(template, data_dir, dirs_exist_ok=True)


def _remove_old_templates(root: Path) -> None:
    deadline = time.time() - TEMPLATE_MAX_AGE
    for entry in root.iterdir():
        if entry.stat().st_mtime < deadline:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def run_accord(
    args: list[str], data_dir: Path, env: dict[str, str], *, timeout: float = START_TIMEOUT
) -> str:
    """Run an `accord` command against the server's database; its output, or RuntimeError."""
    result = subprocess.run(  # noqa: S603 (our own console command, no shell)
        [sys.executable, "-m", "accord.cli", *args],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"`accord {' '.join(args)}` failed (exit {result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


def start_server(
    data_dir: Path,
    *,
    workers: int | None = 1,
    extra_env: dict[str, str] | None = None,
    prepare: Callable[[Path, dict[str, str]], None] = load_demo_database,
) -> LiveServer:
    """Prepare data_dir/accord.sqlite3 (by default: load the demo) and start gunicorn as
    `accord serve` does.

    One worker is plenty for one browser and keeps the memory small on a 2-core machine running
    the rest of the suite beside it; workers=None keeps gunicorn_conf's number, as `accord
    serve` does. extra_env adds to (or overrides) server_environment().
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    env = server_environment(data_dir) | (extra_env or {})
    prepare(data_dir, env)
    return start_gunicorn(data_dir, env, workers=workers)


def start_gunicorn(data_dir: Path, env: dict[str, str], *, workers: int | None = 1) -> LiveServer:
    """gunicorn as `accord serve` starts it (accord.cli.gunicorn_argv), on a free port, for the
    database already in data_dir (also used by .ci/api_fuzz.py)."""
    from accord.cli import gunicorn_argv

    log = data_dir / "server.log"
    last_error = ""
    for _attempt in range(3):  # another process may take the free port before gunicorn binds it
        port = free_port()
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 (argv built by accord.cli, no shell)
                gunicorn_argv("127.0.0.1", port, workers),
                env=env,
                cwd=data_dir,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = LiveServer(
            url=f"http://127.0.0.1:{port}",
            data_dir=data_dir,
            database=data_dir / "accord.sqlite3",
            log=log,
            process=process,
        )
        try:
            _wait_until_ready(server)
        except RuntimeError as error:
            server.stop()
            last_error = str(error)
            if "in use" not in last_error:
                break
            continue
        return server
    raise RuntimeError(last_error)


def _wait_until_ready(server: LiveServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/login/", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"gunicorn did not answer within {START_TIMEOUT:.0f} s:\n{server.log_tail()}"
    )


@contextlib.contextmanager
def running_server(data_dir: Path | None = None, **kwargs: Any) -> Iterator[LiveServer]:
    """A server for the duration of the block; a temporary data_dir is removed afterwards."""
    own_dir = data_dir is None
    directory = Path(tempfile.mkdtemp(prefix="accord-live-")) if data_dir is None else data_dir
    server = start_server(directory, **kwargs)
    try:
        yield server
    finally:
        server.stop()
        if own_dir:
            shutil.rmtree(directory, ignore_errors=True)
