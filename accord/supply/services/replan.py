"""Stored plans (accord/planning) counting what a supply change touched are planned again once
the change commits: the shortage board shows the delivery that just arrived.

A service may touch several things in one transaction (a delivery moves stock and changes its
order line): what they touch is gathered, and one refresh runs when the transaction commits.
After a rollback, what was gathered rides along with the next commit of the thread (one
refresh too many, never one too few).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from django.db import transaction

_gathered = threading.local()


def _pending() -> tuple[set[int], set[int]]:
    if not hasattr(_gathered, "programs"):
        _gathered.programs, _gathered.parts = set(), set()
    return _gathered.programs, _gathered.parts


def replan_after(*, program_ids: Iterable[int] = (), part_ids: Iterable[int] = ()) -> None:
    """Inside the service's transaction: refresh the stored plans of these programs, or that
    count these parts, once it commits (nothing when nobody keeps such a plan)."""
    from accord.planning.models import PartPlan, PlanRun

    programs, parts = set(program_ids), set(part_ids)
    affected = (programs and PlanRun.objects.filter(program_id__in=programs).exists()) or (
        parts and PartPlan.objects.filter(part_id__in=parts).exists()
    )
    if not affected:
        return
    pending_programs, pending_parts = _pending()
    pending_programs |= programs
    pending_parts |= parts
    transaction.on_commit(_refresh_gathered)


def _refresh_gathered() -> None:
    from accord.planning.tasks import enqueue_plan_refresh

    programs, parts = _pending()
    if not programs and not parts:
        return  # an earlier callback of the same commit took them
    _gathered.programs, _gathered.parts = set(), set()
    enqueue_plan_refresh(program_ids=sorted(programs), part_ids=sorted(parts))
