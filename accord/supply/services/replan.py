"""Stored plans (accord/planning) counting what a supply change touched are planned again once
the change commits: the shortage board shows the delivery that just arrived."""

from __future__ import annotations

from collections.abc import Iterable


def replan_after(*, program_ids: Iterable[int] = (), part_ids: Iterable[int] = ()) -> None:
    """Inside the service's transaction: enqueue a refresh when a stored plan is affected
    (nothing when nobody keeps a plan of these programs or parts)."""
    from accord.planning.models import PartPlan, PlanRun
    from accord.planning.tasks import enqueue_plan_refresh

    programs, parts = sorted(set(program_ids)), sorted(set(part_ids))
    affected = (programs and PlanRun.objects.filter(program_id__in=programs).exists()) or (
        parts and PartPlan.objects.filter(part_id__in=parts).exists()
    )
    if affected:
        enqueue_plan_refresh(program_ids=programs, part_ids=parts)
