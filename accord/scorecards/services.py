"""Every write of the scorecards app: templates (saved, retired, reinstated), the stored months
of the cards, comments and the files attached to them.

Months: a month stays open until the on-time window of its last due date has passed (its end
plus the template's days late); until then each refresh computes it again. Once closed it is
stored for good: later refreshes leave it alone, and only a template change (a recompute of
the whole history, in the background) writes it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.db import insert_frame
from accord.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from accord.core.events import record_event
from accord.core.text import checked_text
from accord.orgs.models import Organisation, Person
from accord.scorecards.attachments import MAX_FILES_PER_COMMENT, AttachedFile
from accord.scorecards.choices import BandAction, CountingUnit, Direction, DueBasis, Metric
from accord.scorecards.defaults import default_bands, default_metrics
from accord.scorecards.models import (
    CardComment,
    CardMonth,
    CommentAttachment,
    MetricMonth,
    ScorecardTemplate,
)
from accord.scorecards.months import next_month
from accord.scorecards.queries import supplier_values
from accord.scorecards.scoring import (
    Band,
    MetricSetting,
    check_settings,
    metric_scores,
    monthly_scores,
)


def settings_of(template: ScorecardTemplate) -> dict[str, MetricSetting]:
    return {
        metric: MetricSetting(float(s["weight"]), float(s["target"]), float(s["floor"]))
        for metric, s in (template.metrics or {}).items()
    }


def bands_of(template: ScorecardTemplate) -> list[Band]:
    return [Band(float(b["lower"]), str(b["grade"]), str(b["action"])) for b in template.bands]


def template_of(organisation: Organisation, direction: str) -> ScorecardTemplate:
    """The organisation's template for a direction, or the defaults, unsaved, until an
    administrator saves it (that starts its cards)."""
    found = ScorecardTemplate.objects.filter(organisation=organisation, direction=direction).first()
    return found or ScorecardTemplate(
        organisation=organisation,
        direction=direction,
        metrics=default_metrics(direction),
        bands=default_bands(),
    )


def rules_of(template: ScorecardTemplate) -> dict[str, Any]:
    """The template's rules as save_template takes them."""
    return {
        "metrics": template.metrics,
        "bands": template.bands,
        "days_early": template.days_early,
        "days_late": template.days_late,
        "counting_unit": template.counting_unit,
        "due_basis": template.due_basis,
        "response_sla_hours": template.response_sla_hours,
        "frozen_weeks": template.frozen_weeks,
    }


def _require_admin(actor: Person, template: ScorecardTemplate) -> None:
    if actor.organisation_id != template.organisation_id or not actor.is_org_admin:
        raise Forbidden("Only administrators of the rating organisation change its template.")


def _checked_metrics(direction: str, metrics: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    allowed = {str(m) for m in Metric.of(direction)}
    out: dict[str, dict[str, float]] = {}
    for metric, setting in metrics.items():
        if metric not in allowed:
            raise InvalidInput(
                f"{metric}: not a metric of a card of {direction}.", detail={"field": metric}
            )
        try:
            out[metric] = {k: float(setting[k]) for k in ("weight", "target", "floor")}
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(
                f"{metric}: give its weight, target and floor as numbers.",
                detail={"field": metric},
            ) from None
    return out


def _checked_bands(bands: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for band in bands:
        try:
            lower, grade, action = float(band["lower"]), str(band["grade"]).strip(), band["action"]
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(
                "bands: each has a lower score, a grade and an action.", detail={"field": "bands"}
            ) from None
        if action not in BandAction.values:
            raise InvalidInput(
                f"bands: the action is one of {', '.join(BandAction.values)}.",
                detail={"field": "bands"},
            )
        out.append({"lower": lower, "grade": grade[:20], "action": action})
    return sorted(out, key=lambda b: -b["lower"])


def save_template(
    *,
    actor: Person,
    template: ScorecardTemplate,
    metrics: Mapping[str, Mapping[str, Any]],
    bands: Sequence[Mapping[str, Any]],
    days_early: int,
    days_late: int,
    counting_unit: str,
    due_basis: str,
    response_sla_hours: int,
    frozen_weeks: int,
) -> ScorecardTemplate:
    """A new version of the template; the whole history is computed again in the background."""
    _require_admin(actor, template)
    checked_metrics = _checked_metrics(template.direction, metrics)
    checked_bands = _checked_bands(bands)
    check_settings(
        {m: MetricSetting(**s) for m, s in checked_metrics.items()},
        [Band(**b) for b in checked_bands],
    )
    if counting_unit not in CountingUnit.values or due_basis not in DueBasis.values:
        raise InvalidInput("counting_unit or due_basis: not one of the choices.")
    for name, value, top in (
        ("days_early", days_early, 60),
        ("days_late", days_late, 60),
        ("response_sla_hours", response_sla_hours, 24 * 60),
        ("frozen_weeks", frozen_weeks, 52),
    ):
        if not isinstance(value, int) or not 0 <= value <= top:
            raise InvalidInput(f"{name}: a whole number from 0 to {top}.", detail={"field": name})
    with transaction.atomic():
        if template.pk is None:
            template, _created = ScorecardTemplate.objects.get_or_create(
                organisation_id=template.organisation_id,
                direction=template.direction,
                defaults={"version": 0},
            )
        locked = ScorecardTemplate.objects.select_for_update().get(pk=template.pk)
        if locked.is_retired:
            raise Conflict("This template is retired: reinstate it before changing its rules.")
        locked.metrics, locked.bands = checked_metrics, checked_bands
        locked.days_early, locked.days_late = days_early, days_late
        locked.counting_unit, locked.due_basis = counting_unit, due_basis
        locked.response_sla_hours, locked.frozen_weeks = response_sla_hours, frozen_weeks
        locked.version += 1  # a new template's first saved version is 1
        locked.progress = 0
        locked.updated_by = actor
        locked.save()
        record_event(
            actor=actor,
            verb="changed scorecard template",
            obj=locked,
            classification=Classification.INTERNAL,
            changes={"version": locked.version, "direction": locked.direction},
        )
        transaction.on_commit(lambda: _enqueue_recompute(locked.pk))
    return locked


def _enqueue_recompute(template_id: int) -> None:
    from accord.core.background import enqueue_with
    from accord.scorecards.tasks import recompute_template

    enqueue_with(recompute_template, template_id)


def month_closes(template: ScorecardTemplate, month: dt.date) -> dt.date:
    """The first day a month is closed: after its last day plus the days late allowed."""
    return next_month(month) + dt.timedelta(days=template.days_late)


def open_from(template: ScorecardTemplate, today: dt.date) -> dt.date:
    """The first month still open today (month_closes is after today for it and later)."""
    return (today - dt.timedelta(days=template.days_late)).replace(day=1)


def _values(template: ScorecardTemplate, as_of: dt.datetime, since: dt.date | None) -> pl.DataFrame:
    if template.direction == Direction.SUPPLIERS:
        return supplier_values(template, as_of, since)
    from accord.scorecards.customers import customer_values

    values = customer_values(template, as_of)
    return values if since is None else values.filter(pl.col("month") >= since)


def _first_month_to_compute(template: ScorecardTemplate, today: dt.date) -> dt.date | None:
    """For a refresh: the earliest month stored open (it may have closed since: it is
    computed one last time and stored closed) or open today; None when nothing is stored."""
    stored = CardMonth.objects.filter(template=template)
    earliest_open = stored.filter(closed=False).aggregate(first=Min("month"))["first"]
    if earliest_open is None and not stored.exists():
        return None
    return min(d for d in (earliest_open, open_from(template, today)) if d is not None)


def compute_cards(
    template: ScorecardTemplate,
    *,
    as_of: dt.datetime | None = None,
    whole_history: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Compute the template's months and store those that may change: the open months, or
    every month for a recompute. Returns the number of card months written."""
    now = as_of or timezone.now()
    today = now.date()
    since = None if whole_history else _first_month_to_compute(template, today)
    values = _values(template, now, since)
    if progress:
        progress(40)
    keys = ["rated_id", "month"]
    if not whole_history:
        stored_closed = CardMonth.objects.filter(template=template, closed=True)
        if since is not None:
            stored_closed = stored_closed.filter(month__gte=since)
        closed = pl.DataFrame(
            list(stored_closed.values_list("rated_id", "month").iterator()),
            schema={"rated_id": pl.Int64, "month": pl.Date},
            orient="row",
        )
        values = values.join(closed, on=keys, how="anti")
    scored = metric_scores(values, settings_of(template))
    months = monthly_scores(scored, bands_of(template))
    metric_rows = values.join(
        scored.select(*keys, "metric", "score"), on=[*keys, "metric"], how="left"
    ).select(
        pl.lit(template.pk, pl.Int64).alias("template_id"),
        *keys,
        "metric",
        "numerator",
        "denominator",
        "value",
        "score",
    )
    closes = pl.col("month").dt.offset_by("1mo") + pl.duration(days=template.days_late)
    card_rows = (
        values.select(keys)
        .unique()
        .join(months, on=keys, how="left")
        .select(
            pl.lit(template.pk, pl.Int64).alias("template_id"),
            *keys,
            "score",
            pl.col("grade").fill_null(""),
            pl.col("action").fill_null(BandAction.NONE),
            (closes <= pl.lit(today)).alias("closed"),
            pl.lit(now).dt.convert_time_zone("UTC").alias("computed_at"),
        )
        .sort(keys)
    )
    with transaction.atomic():
        locked = ScorecardTemplate.objects.select_for_update().get(pk=template.pk)
        if whole_history:
            MetricMonth.objects.filter(template=locked).delete()
            CardMonth.objects.filter(template=locked).delete()
        else:
            rewritten = set(card_rows.select(keys).iter_rows()) | set(
                CardMonth.objects.filter(template=locked, closed=False).values_list(
                    "rated_id", "month"
                )
            )
            _delete_months(MetricMonth.objects.filter(template=locked), rewritten)
            CardMonth.objects.filter(template=locked, closed=False).delete()
        insert_frame(MetricMonth, metric_rows)
        insert_frame(CardMonth, card_rows)
        if whole_history:
            locked.computed_version = locked.version
        locked.progress = 100
        locked.save(update_fields=["computed_version", "progress"])
        record_event(
            actor=None,
            organisation=locked.organisation,
            verb="computed scorecards",
            obj=locked,
            classification=Classification.INTERNAL,
            changes={"months": card_rows.height, "whole_history": whole_history},
        )
    return card_rows.height


def _delete_months(rows: Any, keys: set[tuple[int, dt.date]]) -> None:
    """Delete the rows of these (rated party, month) pairs: one statement per month."""
    by_month: dict[dt.date, list[int]] = {}
    for rated_id, month in keys:
        by_month.setdefault(month, []).append(rated_id)
    for month, rated_ids in by_month.items():
        rows.filter(month=month, rated_id__in=rated_ids).delete()


def refresh_cards_after(organisation_ids: Iterable[int]) -> None:
    """Inside a supply service's transaction: the open months of these organisations' cards
    are computed again once it commits (nothing when they keep no card)."""
    ids = sorted(set(organisation_ids))
    if not ScorecardTemplate.objects.filter(organisation_id__in=ids).exists():
        return
    from accord.core.background import enqueue_with
    from accord.scorecards.tasks import refresh_open_months

    enqueue_with(refresh_open_months, ids)


def refresh_card_months_after(months: Iterable[tuple[int, str, int, dt.date]]) -> None:
    """Inside a service's transaction: records counted in these months of these cards changed
    ((rater, direction, rated party, any day of the month)). A month already closed (an
    invoice entered, or its payment recorded, after the month of its date closed) is opened
    again, so that the refresh after the commit computes it once more and closes it; then the
    raters' open months are refreshed (refresh_cards_after). A template that stored nothing yet
    computes its whole history at its first refresh anyway."""
    changed = list(months)
    today = timezone.localdate()
    for rater_id, direction, rated_id, day in changed:
        template = ScorecardTemplate.objects.filter(
            organisation_id=rater_id, direction=direction, retired_at__isnull=True
        ).first()
        month = day.replace(day=1)
        if template is None or month_closes(template, month) > today:
            continue
        if not CardMonth.objects.filter(template=template).exists():
            continue
        CardMonth.objects.update_or_create(
            template=template,
            rated_id=rated_id,
            month=month,
            defaults={"closed": False},
            create_defaults={"closed": False, "computed_at": timezone.now()},
        )
    refresh_cards_after(rater for rater, _direction, _rated, _day in changed)


def purchase_block(buyer_id: int, supplier_id: int) -> str:
    """Why new orders from this buyer to this supplier are blocked (the buyer's template puts
    the supplier's grade in a band that blocks them), or "" when they are not."""
    from accord.scorecards.access import current_grade

    grade = current_grade(buyer_id, supplier_id)
    if grade is None or grade.action != BandAction.BLOCK:
        return ""
    return (
        f"New purchase orders to this supplier are blocked: its scorecard grade is "
        f"{grade.grade} ({grade.score:.1f}), in a band your organisation's template blocks. "
        "An administrator may change the band's action."
    )


def require_purchase_allowed(buyer_id: int, supplier_id: int) -> None:
    reason = purchase_block(buyer_id, supplier_id)
    if reason:
        raise Conflict(reason, code="supplier_blocked")


def comment_on_month(
    *,
    actor: Person,
    template: ScorecardTemplate,
    rated_id: int,
    month: dt.date,
    text: str,
    corrective_action: bool = False,
) -> CardComment:
    """Either side's word on a month of a card; the rated party's corrective-action plan is
    one. The reader must see the card (access.get_card_template)."""
    if actor.organisation_id not in (template.organisation_id, rated_id):
        raise Forbidden("Only the rating and the rated organisation comment on a card.")
    if corrective_action and actor.organisation_id != rated_id:
        raise InvalidInput(
            "corrective_action: the rated organisation answers with its plan.",
            detail={"field": "corrective_action"},
        )
    body = checked_text((text or "").strip(), field="text", multiline=True)[:4000]
    if not body:
        raise InvalidInput("text: say something.", detail={"field": "text"})
    with transaction.atomic():
        comment = CardComment.objects.create(
            template=template,
            rated_id=rated_id,
            month=month.replace(day=1),
            author=actor,
            organisation_id=actor.organisation_id,
            text=body,
            corrective_action=corrective_action,
        )
        record_event(
            actor=actor,
            verb="commented on scorecard",
            obj=comment,
            classification=Classification.RESTRICTED,
            subject_organisation=_other_side(actor, template, comment),
            changes={"month": month.strftime("%Y-%m"), "corrective_action": corrective_action},
        )
    return comment


def _other_side(actor: Person, template: ScorecardTemplate, comment: CardComment) -> Organisation:
    """Whose record a side's comment concerns: the rater's when the rated party writes."""
    return template.organisation if actor.organisation_id == comment.rated_id else comment.rated


def attach_files(
    *, actor: Person, comment: CardComment, files: Sequence[AttachedFile]
) -> list[CommentAttachment]:
    """Files (checked: attachments.AttachedFile) added to a comment of the actor's own side:
    a side answers with its own documents, never adds to the other side's word. The reader
    must see the card (access.get_comment_for_user)."""
    if actor.organisation_id != comment.organisation_id:
        raise Forbidden("Only the comment's own organisation attaches files to it.")
    if not files:
        raise InvalidInput("attachments: choose a file.", detail={"field": "attachments"})
    with transaction.atomic():
        # Locked so that two uploads at once cannot pass the count together.
        CardComment.objects.select_for_update().filter(pk=comment.pk).first()
        present = CommentAttachment.objects.filter(comment=comment).count()
        if present + len(files) > MAX_FILES_PER_COMMENT:
            raise InvalidInput(
                f"attachments: at most {MAX_FILES_PER_COMMENT} files per comment.",
                detail={"field": "attachments", "max_files": MAX_FILES_PER_COMMENT},
            )
        made = [
            CommentAttachment.objects.create(
                comment=comment,
                filename=f.filename,
                content_type=f.content_type,
                size=len(f.data),
                sha256=f.sha256,
                data=f.data,
                uploaded_by=actor,
            )
            for f in files
        ]
        template = comment.template
        record_event(
            actor=actor,
            verb="attached files to scorecard comment",
            obj=comment,
            classification=Classification.RESTRICTED,
            subject_organisation=_other_side(actor, template, comment),
            changes={
                "month": comment.month.strftime("%Y-%m"),
                "files": [{"name": a.filename, "size": a.size, "sha256": a.sha256} for a in made],
            },
        )
    return made


def comment_with_files(
    *,
    actor: Person,
    template: ScorecardTemplate,
    rated_id: int,
    month: dt.date,
    text: str,
    corrective_action: bool = False,
    files: Sequence[AttachedFile] = (),
) -> CardComment:
    """A comment and its files together, or nothing: a corrective-action plan is not posted
    without the document it announces."""
    with transaction.atomic():
        comment = comment_on_month(
            actor=actor,
            template=template,
            rated_id=rated_id,
            month=month,
            text=text,
            corrective_action=corrective_action,
        )
        if files:
            attach_files(actor=actor, comment=comment, files=files)
    return comment


def _saved_template(actor: Person, direction: str) -> ScorecardTemplate:
    """The actor's organisation's saved template for a direction, locked; 404 when it keeps
    none (there is nothing to retire), 403 for a person of it who is not an administrator."""
    if actor.organisation_id is None:
        raise NotFound()
    found = (
        ScorecardTemplate.objects.select_for_update()
        .select_related("organisation")
        .filter(organisation_id=actor.organisation_id, direction=direction)
        .first()
    )
    if found is None:
        raise NotFound(f"Your organisation keeps no scorecard template of its {direction}.")
    if not actor.is_org_admin:
        raise Forbidden("Only administrators of the rating organisation retire its template.")
    return found


def retire_template(*, actor: Person, direction: str) -> ScorecardTemplate:
    """The organisation stops rating this direction: its cards stay, readable by both sides as
    history; nothing is computed for them any more and no grade blocks a purchase order."""
    with transaction.atomic():
        template = _saved_template(actor, direction)
        if template.is_retired:
            raise Conflict("This scorecard template is retired already.")
        template.retired_at = timezone.now()
        template.retired_by = actor
        template.save(update_fields=["retired_at", "retired_by", "updated_at"])
        record_event(
            actor=actor,
            verb="retired scorecard template",
            obj=template,
            classification=Classification.INTERNAL,
            changes={"direction": template.direction, "version": template.version},
        )
    return template


def reinstate_template(*, actor: Person, direction: str) -> ScorecardTemplate:
    """The template rates again: every month is computed again in the background (those it
    missed while retired too), as after a change of its rules."""
    with transaction.atomic():
        template = _saved_template(actor, direction)
        if not template.is_retired:
            raise Conflict("This scorecard template is in use; there is nothing to reinstate.")
        retired_at = template.retired_at
        template.retired_at, template.retired_by = None, None
        template.progress = 0
        template.save(update_fields=["retired_at", "retired_by", "progress", "updated_at"])
        record_event(
            actor=actor,
            verb="reinstated scorecard template",
            obj=template,
            classification=Classification.INTERNAL,
            changes={"direction": template.direction, "retired_at": retired_at},
        )
        transaction.on_commit(lambda: _enqueue_recompute(template.pk))
    return template
