"""Background work of the parts app, run by the django-tasks backend named in settings.TASKS
(with the default database backend: by `accord worker`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def commit_staged_bom_import(staged_id: int) -> int | None:
    """Import a confirmed BOM file too long to import within the request. Returns the BOM id."""
    from accord.parts.services.imports import run_queued_bom_import

    bom = run_queued_bom_import(staged_id)
    return bom.pk if bom is not None else None


@task()
def commit_staged_catalogue_import(staged_id: int) -> dict[str, Any] | None:
    """Import a confirmed parts list. Returns what it created (the counts)."""
    from accord.parts.services.catalogue_staging import result_dict, run_queued_catalogue_import

    result = run_queued_catalogue_import(staged_id)
    if result is None:
        return None
    return {k: v for k, v in result_dict(result).items() if k != "problems"}


@task()
def preview_staged_catalogue_import(staged_id: int) -> None:
    """Compute the dry run of a parts list too large to preview within the request."""
    from accord.parts.services.catalogue_staging import run_catalogue_preview

    run_catalogue_preview(staged_id)
