"""Background work of the parts app, run by the django-tasks backend named in settings.TASKS."""

from __future__ import annotations

from django_tasks import task


@task()
def commit_staged_bom_import(staged_id: int) -> int | None:
    """Import a confirmed BOM file too long to write within the request. Returns the BOM id."""
    from accord.parts.services.imports import run_queued_bom_import

    bom = run_queued_bom_import(staged_id)
    return bom.pk if bom is not None else None
