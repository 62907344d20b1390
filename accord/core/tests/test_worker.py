"""The background worker (`accord worker`) as a real process on a database it shares with the
test: a failing task, a locked or dropped database, dead workers' tasks, the supervisor."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from typing import Any

import pytest

from accord.core.supervisor import Supervisor
from accord.core.tests.shared_db import SharedDatabase, stop_gracefully, wait_for

ENQUEUE = """
from accord.core.tests.worker_tasks import add, fail_with
ids = [str(fail_with.enqueue("the file is upside down").id), str(add.enqueue(2, 3).id)]
print(json.dumps(ids))
"""


def task_row(db: SharedDatabase, task_id: str) -> tuple[Any, ...]:
    rows = db.query(
        "SELECT status, exception_class_path, traceback, return_value, worker_ids "
        "FROM django_tasks_database_dbtaskresult WHERE id = %s",
        [task_id.replace("-", "") if db.vendor == "sqlite" else task_id],
    )
    assert rows, f"no task {task_id}"
    return rows[0]


def heartbeats(db: SharedDatabase) -> list[tuple[Any, ...]]:
    return db.query("SELECT worker_id, pid FROM core_workerheartbeat")


def test_a_failing_task_fails_with_its_reason_and_the_worker_runs_the_next(shared_database):
    db = shared_database
    failing, adding = db.django(ENQUEUE)
    worker = db.start_worker("--max-tasks", "2")
    output, _ = worker.communicate(timeout=60)
    assert worker.returncode == 0, output
    status, exception, traceback, _, _ = task_row(db, failing)
    assert (status, exception) == ("FAILED", "builtins.ValueError")
    assert "the file is upside down" in traceback
    status, _, _, value, _ = task_row(db, adding)
    assert (status, str(value)) == ("SUCCESSFUL", "5")
    assert heartbeats(db) == []  # a worker that stops removes its heartbeat


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite's write lock"
)
def test_a_locked_database_does_not_stop_the_worker(shared_database):
    db = shared_database
    worker = db.start_worker(ACCORD_SQLITE_BUSY_TIMEOUT="0.05")
    wait_for("the worker's heartbeat", lambda: heartbeats(db))
    # A task due in a few seconds; meanwhile another process takes the write lock, so once
    # it is due every claim (and every heartbeat) fails as locked.
    task_id, due = db.django(
        """
        import datetime as dt
        from django.utils import timezone
        from accord.core.tests.worker_tasks import add
        due = timezone.now() + dt.timedelta(seconds=4)
        print(json.dumps([str(add.using(run_after=due).enqueue(20, 22).id), due.timestamp()]))
        """
    )
    locker = sqlite3.connect(db.sqlite_path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    assert time.time() < due, "the machine is too slow for this test's timing"
    time.sleep(due - time.time() + 1.5)
    assert worker.poll() is None
    assert task_row(db, task_id)[0] == "READY"
    locker.execute("ROLLBACK")
    locker.close()
    wait_for("the task to run", lambda: task_row(db, task_id)[0] == "SUCCESSFUL", timeout=20)
    output = stop_gracefully(worker)
    assert worker.returncode == 0
    assert "database is locked" in output


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="PostgreSQL sessions"
)
def test_a_dropped_connection_does_not_stop_the_worker(shared_database):
    db = shared_database
    worker = db.start_worker()
    wait_for("the worker's heartbeat", lambda: heartbeats(db))
    name = db.url.rsplit("/", 1)[1]
    for _ in range(3):  # the server ends the worker's sessions, as a restart would
        db.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        time.sleep(0.3)
    assert worker.poll() is None
    (task_id,) = db.django(
        "from accord.core.tests.worker_tasks import add\n"
        "print(json.dumps([str(add.enqueue(1, 1).id)]))"
    )
    wait_for("the task to run", lambda: task_row(db, task_id)[0] == "SUCCESSFUL", timeout=20)
    stop_gracefully(worker)
    assert worker.returncode == 0


def test_a_task_left_running_by_a_dead_worker_runs_again(shared_database):
    db = shared_database
    (task_id,) = db.django(
        "from accord.core.tests.worker_tasks import add\n"
        "print(json.dumps([str(add.enqueue(4, 5).id)]))"
    )
    # A worker claimed it and died before finishing: RUNNING, by a worker with no heartbeat.
    db.django(
        f"""
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult
        task = DBTaskResult.objects.get(pk="{task_id}")
        task.claim("gone-worker")
        DBTaskResult.objects.filter(pk=task.pk).update(
            started_at=timezone.now() - timezone.timedelta(seconds=5))
        print(json.dumps(1))
        """
    )
    worker = db.start_worker()
    wait_for("the task to run again", lambda: task_row(db, task_id)[0] == "SUCCESSFUL")
    stop_gracefully(worker)
    assert '"gone-worker"' in str(task_row(db, task_id)[4]).replace("'", '"')


def test_the_supervisor_restarts_a_killed_child_and_stops_it():
    supervisor = Supervisor(
        [sys.executable, "-c", "import time; time.sleep(60)"], min_backoff=0.05, stop_timeout=5
    ).start()
    try:
        first = wait_for("the child", lambda: supervisor.pid, timeout=10)
        os.kill(first, signal.SIGKILL)
        wait_for("a new child", lambda: supervisor.pid not in (None, first))
        second = supervisor.pid
        assert second is not None and supervisor.starts == 2
    finally:
        supervisor.stop()
    assert supervisor.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(second, 0)


def test_accord_worker_restarts_its_worker_after_kill_9(shared_database):
    db = shared_database
    supervised = subprocess.Popen(
        [sys.executable, "-m", "django", "worker", "--interval", "0.1"],
        env=db.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    db.processes.append(supervised)
    ((_, first_pid),) = wait_for("the first worker", lambda: heartbeats(db))
    os.kill(first_pid, signal.SIGKILL)
    wait_for("a second worker", lambda: [pid for _, pid in heartbeats(db) if pid != first_pid], 20)
    output = stop_gracefully(supervised)
    assert supervised.returncode == 0, output
    assert "exited with code -9" in output
    wait_for("no worker left", lambda: all(pid == first_pid for _, pid in heartbeats(db)), 10)


def test_accord_serve_restarts_its_worker_after_kill_9(shared_database):
    """The gunicorn master (accord/gunicorn_conf.py) supervises the worker: a worker killed
    while gunicorn's own workers run is started again, and stopping the server stops it."""
    from accord.web.tests.live_server import free_port

    db = shared_database
    port = str(free_port())
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [sys.executable, "-m", "accord.cli", "serve", "--port", port, "--workers", "1"],
        env={**db.env, "ACCORD_TASK_WORKER": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    db.processes.append(server)
    ((_, first_pid),) = wait_for("the worker", lambda: heartbeats(db), timeout=60)
    os.kill(first_pid, signal.SIGKILL)
    wait_for("a restarted worker", lambda: [p for _, p in heartbeats(db) if p != first_pid], 30)
    output = stop_gracefully(server, timeout=40)
    assert "starting it again" in output, output[-3000:]
    # The worker stopped with the server (a clean stop removes its heartbeat).
    wait_for("no worker left", lambda: all(pid == first_pid for _, pid in heartbeats(db)), 10)


def test_recovery_requeues_lost_tasks_fails_them_after_three_runs_and_spares_live_workers(
    db, settings
):
    """recover_lost_tasks in-process: which tasks it touches, and how."""
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from accord.core.models import WorkerHeartbeat
    from accord.core.tests.worker_tasks import add
    from accord.core.worker import recover_lost_tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WORKER_STALE_SECONDS = 10
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="alive", host="h", pid=1, started_at=now, last_seen_at=now
    )
    WorkerHeartbeat.objects.create(
        worker_id="dead", host="h", pid=2, started_at=now, last_seen_at=now - dt.timedelta(60)
    )

    def running(worker_ids: list[str], started_ago: float = 60) -> str:
        task_id = str(add.enqueue(1, 2).id)
        DBTaskResult.objects.filter(pk=task_id).update(
            status="RUNNING",
            worker_ids=worker_ids,
            started_at=now - dt.timedelta(seconds=started_ago),
        )
        return task_id

    lost_once = running(["dead"])
    lost_thrice = running(["gone-1", "gone-2", "dead"])
    alive = running(["dead", "alive"])
    just_started = running(["nobody-yet"], started_ago=1)
    assert recover_lost_tasks() == 2
    assert DBTaskResult.objects.get(pk=lost_once).status == "READY"
    failed = DBTaskResult.objects.get(pk=lost_thrice)
    assert failed.status == "FAILED"
    assert failed.exception_class_path == "accord.core.worker.WorkerLost"
    assert "stopped while running this task, 3 times" in failed.traceback
    assert DBTaskResult.objects.get(pk=alive).status == "RUNNING"
    assert DBTaskResult.objects.get(pk=just_started).status == "RUNNING"
