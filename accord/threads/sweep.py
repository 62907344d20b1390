"""`accord sweep`: the periodic work of notifications, run every few minutes, each step on the
clock it is given (`now`) and idempotent (a second run at the same moment does nothing new).

Steps run in order, each called as fn(now=...); another part of Accord adds its own with
`register_step(name, fn, before=...)`: `register_step("escalation", escalate_overdue,
before="email_batches")` puts the escalation of overdue action items before the e-mails, so
that its notifications are mailed once their delay has passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

# fn(*, now) -> the number of things it did (a parameter named `now`, keyword or not).
Step = Callable[..., int]


def _certificate_alerts(now: dt.datetime) -> int:
    from accord.threads.alerts import run_certificate_alerts

    return run_certificate_alerts(now)


def _email_batches(now: dt.datetime) -> int:
    from accord.threads.mail import queue_email_batches

    return queue_email_batches(now)


def _digests(now: dt.datetime) -> int:
    from accord.threads.digest import queue_digests

    return queue_digests(now)


def _email_send(now: dt.datetime) -> int:
    from accord.threads.mail import dispatch_due_deliveries

    return dispatch_due_deliveries(now)


_steps: list[tuple[str, Step]] = [
    ("certificate_alerts", _certificate_alerts),
    ("email_batches", _email_batches),
    ("digests", _digests),
    ("email_send", _email_send),
]


def register_step(name: str, fn: Step, *, before: str | None = None) -> None:
    """Add (or replace) a step: fn(now=...) -> the number of things it did; at the end, or
    just before the step named `before`."""
    _steps[:] = [(n, f) for n, f in _steps if n != name]
    names = [n for n, _ in _steps]
    at = names.index(before) if before in names else len(_steps)
    _steps.insert(at, (name, fn))


def step_names() -> list[str]:
    return [n for n, _ in _steps]


def run_sweep(now: dt.datetime) -> dict[str, int]:
    """Run every step at `now`; returns what each did, in order."""
    return {name: fn(now=now) for name, fn in list(_steps)}
