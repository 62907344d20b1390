"""Who may see which scorecard. The only way to reach them.

A card is the rating organisation's record of how another organisation keeps its word. The
rating organisation's people see all its cards; the rated organisation's people see their own
card from each organisation that rates them, with the same numbers, and nobody else's: a
supplier never learns of another supplier's card, nor its name. Nobody else sees anything.
Templates are the rating organisation's; its administrators change them.
Files attached to comments are seen by whoever sees the card; a download of the other side's
file is in that side's access log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet

from accord.core.access import get_or_404, record_restricted_read, record_restricted_rows_read
from accord.core.errors import Forbidden, NotFound
from accord.orgs.access import reach_of
from accord.scorecards.choices import Direction
from accord.scorecards.models import (
    CardComment,
    CardMonth,
    CommentAttachment,
    MetricMonth,
    ScorecardTemplate,
)
from accord.scorecards.scoring import OVERALL_MONTHS, grade_of

NOTHING = Q(pk__in=[])


def _card_visibility(user: Any, prefix: str = "") -> Q:
    organisation_id = reach_of(user).organisation_id
    if organisation_id is None:
        return NOTHING
    return Q(**{f"{prefix}template__organisation_id": organisation_id}) | Q(
        **{f"{prefix}rated_id": organisation_id}
    )


def card_months_visible_to(user: Any) -> QuerySet[CardMonth]:
    return CardMonth.objects.filter(_card_visibility(user))


def metric_months_visible_to(user: Any) -> QuerySet[MetricMonth]:
    return MetricMonth.objects.filter(_card_visibility(user))


def comments_visible_to(user: Any) -> QuerySet[CardComment]:
    return CardComment.objects.filter(_card_visibility(user))


def attachments_visible_to(user: Any) -> QuerySet[CommentAttachment]:
    """Without their bytes: lists show names and sizes; a download reads one file."""
    return CommentAttachment.objects.filter(_card_visibility(user, "comment__")).defer("data")


def get_comment_for_user(
    user: Any, template: ScorecardTemplate, rated_id: int, pk: Any, *, write: bool = False
) -> CardComment:
    """A comment of a card the person may see (reached by get_card_template), else 404; with
    `write` (adding files), 403 unless it is the person's own organisation's comment: each
    side answers with its own documents."""
    comment = get_or_404(
        comments_visible_to(user)
        .filter(template=template, rated_id=rated_id)
        .select_related("template__organisation", "rated"),
        pk=pk,
    )
    if write and comment.organisation_id != reach_of(user).organisation_id:
        raise Forbidden("Only the comment's own organisation attaches files to it.")
    return comment


def get_attachment_for_user(
    user: Any, pk: Any, *, channel: str, path: str, card: tuple[int, int] | None = None
) -> CommentAttachment:
    """A file the person may download: theirs to see as the rater's or the rated party's
    people, else 404 (and 404 when `card`, the (template, rated party) of the address, is
    not its card). The other side's file is restricted data of that side: its download is in
    that side's access log."""
    found = attachments_visible_to(user).select_related("comment__organisation")
    if card is not None:
        found = found.filter(comment__template_id=card[0], comment__rated_id=card[1])
    attachment = get_or_404(found.defer(None), pk=pk)
    record_restricted_read(
        user,
        attachment,
        owner=attachment.comment.organisation,
        program=None,
        channel=channel,
        path=path,
    )
    return attachment


def templates_visible_to(user: Any) -> QuerySet[ScorecardTemplate]:
    """Its own organisation's templates; a rated party reads the rules of its card through
    the card (rules_of_card), not the template list."""
    organisation_id = reach_of(user).organisation_id
    if organisation_id is None:
        return ScorecardTemplate.objects.none()
    return ScorecardTemplate.objects.filter(organisation_id=organisation_id)


def templates_rating(user: Any, direction: str) -> QuerySet[ScorecardTemplate]:
    return templates_visible_to(user).filter(direction=direction)


def templates_rating_me(user: Any) -> QuerySet[ScorecardTemplate]:
    """The templates of the cards other organisations keep of the person's organisation: the
    rules its cards are scored by, which it may read."""
    organisation_id = reach_of(user).organisation_id
    if organisation_id is None:
        return ScorecardTemplate.objects.none()
    return ScorecardTemplate.objects.filter(
        pk__in=card_months_visible_to(user).filter(rated_id=organisation_id).values("template_id")
    )


def get_saved_template_for_user(
    user: Any, direction: str, *, write: bool = False
) -> ScorecardTemplate:
    """The person's organisation's saved template for a direction: 404 when it keeps none;
    with `write`, 403 for a person who is not one of its administrators."""
    template = get_or_404(templates_rating(user, direction).select_related("organisation"))
    if write and not user.is_org_admin:
        raise Forbidden("Only administrators of the rating organisation change its template.")
    return template


def get_template_for_user(user: Any, pk: Any) -> ScorecardTemplate:
    return get_or_404(templates_visible_to(user).select_related("organisation"), pk=pk)


def get_card_template(user: Any, template_id: Any, rated_id: Any) -> ScorecardTemplate:
    """The template of a card the person may see (theirs as rater or as rated), else 404."""
    found = (
        card_months_visible_to(user)
        .filter(template_id=template_id, rated_id=rated_id)
        .values_list("template_id", flat=True)[:1]
    )
    if not found:
        raise NotFound()
    return ScorecardTemplate.objects.select_related("organisation").get(pk=found[0])


@dataclass(frozen=True)
class CurrentGrade:
    score: float
    grade: str
    action: str
    months: int


def current_grade(rater_id: int, rated_id: int) -> CurrentGrade | None:
    """The overall score of a supplier on its buyer's card (the mean of its last twelve scored
    months) and the band it falls in; None without a scored month. For the buyer's own
    services (the purchase-order block), not for showing."""
    # A retired template's grades are history: they block nothing.
    template = ScorecardTemplate.objects.filter(
        organisation_id=rater_id, direction=Direction.SUPPLIERS, retired_at__isnull=True
    ).first()
    if template is None:
        return None
    scores = [
        score
        for score in CardMonth.objects.filter(
            template=template, rated_id=rated_id, score__isnull=False
        )
        .order_by("-month")
        .values_list("score", flat=True)[:OVERALL_MONTHS]
        if score is not None
    ]
    if not scores:
        return None
    from accord.scorecards.services import bands_of

    overall = sum(scores) / len(scores)
    band = grade_of(overall, bands_of(template))
    if band is None:
        return None
    return CurrentGrade(score=overall, grade=band.grade, action=band.action, months=len(scores))


def log_drill_read(
    user: Any,
    template: ScorecardTemplate,
    rated_id: int,
    rows: int,
    *,
    model: type[Model],
    channel: str,
    path: str,
) -> None:
    """The rows behind a number are the records of one side: the buyer's orders on a
    supplier's card, the customer's schedule and BOMs on a customer's card. The other side's
    read of them is in the owner's access log."""
    owner_id = template.organisation_id if template.direction == Direction.SUPPLIERS else rated_id
    if rows and reach_of(user).organisation_id != owner_id:
        record_restricted_rows_read(
            user,
            [(owner_id, rows)],
            model=model,
            description="rows behind a scorecard number",
            channel=channel,
            path=path,
        )
