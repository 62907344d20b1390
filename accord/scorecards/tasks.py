"""Background work of the scorecards app: a template's history computed again after it
changed (with progress), and the open months refreshed after deliveries arrived. A retired
template is skipped: its cards are history (reinstating it enqueues its recompute)."""

from __future__ import annotations

from django_tasks import task


@task()
def recompute_template(template_id: int) -> int:
    from accord.scorecards.models import ScorecardTemplate
    from accord.scorecards.services import compute_cards

    template = ScorecardTemplate.objects.filter(pk=template_id, retired_at__isnull=True).first()
    if template is None:
        return 0

    def progress(percent: int) -> None:
        ScorecardTemplate.objects.filter(pk=template_id).update(progress=percent)

    return compute_cards(template, whole_history=True, progress=progress)


@task()
def refresh_open_months(organisation_ids: list[int]) -> int:
    from accord.scorecards.models import ScorecardTemplate
    from accord.scorecards.services import compute_cards

    return sum(
        compute_cards(template)
        for template in ScorecardTemplate.objects.filter(
            organisation_id__in=organisation_ids, retired_at__isnull=True
        )
    )
