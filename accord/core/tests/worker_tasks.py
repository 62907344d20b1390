"""Tasks for the worker's tests (enqueued by a subprocess, run by a real worker)."""

from __future__ import annotations

from django_tasks import task


@task()
def fail_with(message: str) -> None:
    raise ValueError(message)


@task()
def add(a: int, b: int) -> int:
    return a + b
