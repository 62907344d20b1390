"""Background work of the planning app: plans refreshed after supply changed."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_plans(program_ids: list[int], part_ids: list[int]) -> int:
    from accord.planning.services import refresh_plans_of

    return refresh_plans_of(program_ids=program_ids, part_ids=part_ids)


def enqueue_plan_refresh(
    *, program_ids: list[int] | None = None, part_ids: list[int] | None = None
) -> None:
    """Called by supply services inside their transaction: the refresh runs once it commits."""
    from accord.core.background import enqueue_with

    enqueue_with(refresh_plans, sorted(set(program_ids or [])), sorted(set(part_ids or [])))
