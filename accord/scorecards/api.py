"""API: the cards one may see, a card month by month, the rows behind a number, comments with
their files, and the organisation's template (administrators change, retire and reinstate it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.openapi import file_download_doc
from accord.api.pagination import Page, PageParams, paginate_rows
from accord.api.schemas import Id, InputSchema, LongText, Text, WholeNumber
from accord.core.errors import Forbidden, InvalidInput, NotFound
from accord.scorecards.access import (
    attachments_visible_to,
    comments_visible_to,
    get_attachment_for_user,
    get_card_template,
    get_comment_for_user,
    get_saved_template_for_user,
    log_drill_read,
)
from accord.scorecards.attachments import (
    ACCEPTED,
    KINDS,
    MAX_FILES_PER_COMMENT,
    file_response,
    read_upload,
)
from accord.scorecards.cards import card_detail, cards_about_me, cards_as_rater
from accord.scorecards.choices import BandAction, CountingUnit, Direction, DueBasis, Metric
from accord.scorecards.drill import drill
from accord.scorecards.months import parse_month
from accord.scorecards.services import (
    attach_files,
    comment_on_month,
    reinstate_template,
    retire_template,
    rules_of,
    save_template,
    template_of,
)

router = Router(tags=["scorecards"])
_MONTH_KEYS = ("month", "numerator", "denominator", "value", "score")


class MonthScoreOut(Schema):
    month: dt.date
    score: float | None


class CardOut(Schema):
    template_id: int
    kept_by: str
    direction: str
    retired: bool = Field(description="The template is retired: the card is history.")
    rated_id: int
    rated: str
    score: float | None = Field(description="The mean of the last twelve scored months.")
    grade: str
    action: str
    months: list[MonthScoreOut]


class MetricMonthOut(Schema):
    month: dt.date
    numerator: float
    denominator: float
    value: float
    score: float | None


class MetricOut(Schema):
    metric: str
    label: str
    weight: float
    target: float
    floor: float
    months: list[MetricMonthOut]


class CardMonthOut(Schema):
    month: dt.date
    score: float | None
    grade: str
    action: str
    closed: bool


class CardDetailOut(Schema):
    template_id: int
    rated_id: int
    rated: str
    retired: bool = Field(description="The template is retired: the card is history.")
    score: float | None
    grade: str
    months: list[CardMonthOut]
    metrics: list[MetricOut]


class RowsOut(Schema):
    headers: list[str]
    rows: list[list[str]]
    hidden: int = Field(description="Rows that count but that the caller may not see.")
    note: str


class CommentIn(InputSchema):
    month: Text = Field(max_length=7, description="YYYY-MM")
    text: LongText = Field(min_length=1, max_length=4000)
    corrective_action: bool = False


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int = Field(description="Bytes.")
    created_at: dt.datetime


class CommentOut(Schema):
    id: int
    month: dt.date
    author: str
    organisation: str
    text: str
    corrective_action: bool
    created_at: dt.datetime
    attachments: list[AttachmentOut] = Field(
        description="Files: GET /scorecards/{template_id}/{rated_id}/attachments/{id}."
    )


class MetricRuleIn(InputSchema):
    weight: float = Field(ge=0, le=100)
    target: float
    floor: float


class BandIn(InputSchema):
    lower: float = Field(ge=0, le=100)
    grade: Text = Field(min_length=1, max_length=20)
    action: BandAction


class TemplateIn(InputSchema):
    metrics: dict[Metric, MetricRuleIn]
    bands: list[BandIn] = Field(min_length=1, max_length=10)
    days_early: WholeNumber = Field(ge=0, le=60)
    days_late: WholeNumber = Field(ge=0, le=60)
    counting_unit: CountingUnit
    due_basis: DueBasis
    response_sla_hours: WholeNumber = Field(ge=0, le=24 * 60)
    frozen_weeks: WholeNumber = Field(ge=0, le=52)


class TemplateOut(Schema):
    direction: str
    saved: bool = Field(description="False: the defaults, until an administrator saves them.")
    retired_at: dt.datetime | None = Field(
        description="Set: retired; its cards are history, nothing is computed, nothing blocked."
    )
    version: int
    progress: int = Field(description="Percent of the recompute after the last change.")
    metrics: dict[str, dict[str, float]]
    bands: list[dict[str, Any]]
    days_early: int
    days_late: int
    counting_unit: str
    due_basis: str
    response_sla_hours: int
    frozen_weeks: int


def _month(text: str) -> dt.date:
    month = parse_month(text)
    if month is None:
        raise NotFound("No such month.")
    return month


@router.get("/scorecards", response=Page[CardOut])
def list_scorecards(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    """The cards of the caller's suppliers and customers, best first, then those others keep
    of the caller's organisation."""
    user = person(request)
    cards = [
        *cards_as_rater(user, Direction.SUPPLIERS),
        *cards_as_rater(user, Direction.CUSTOMERS),
        *cards_about_me(user),
    ]
    rows = [
        {
            "template_id": c.template.pk,
            "kept_by": c.template.organisation.name,
            "direction": c.template.direction,
            "retired": c.retired,
            "rated_id": c.rated_id,
            "rated": c.rated_name,
            "score": c.score,
            "grade": c.grade,
            "action": c.action,
            "months": [{"month": m, "score": s} for m, s in c.months],
        }
        for c in cards
    ]
    return paginate_rows(request, rows, paging)


@router.get("/scorecards/{template_id}/{rated_id}", response=CardDetailOut)
def get_scorecard(request: HttpRequest, template_id: Id, rated_id: Id) -> CardDetailOut:
    user = person(request)
    template = get_card_template(user, template_id, rated_id)
    detail = card_detail(user, template, rated_id)
    return CardDetailOut.model_validate(
        {
            "template_id": template.pk,
            "rated_id": rated_id,
            "rated": detail.rated_name,
            "retired": template.is_retired,
            "score": detail.overall,
            "grade": detail.grade,
            "months": [
                {"month": m, "score": s[0], "grade": s[1], "action": s[2], "closed": s[3]}
                for m, s in sorted(detail.scores.items())
            ],
            "metrics": [
                {
                    "metric": line.metric,
                    "label": line.label,
                    "weight": line.weight,
                    "target": line.target,
                    "floor": line.floor,
                    "months": [
                        dict(zip(_MONTH_KEYS, (m, *v), strict=True))
                        for m, v in sorted(line.values.items())
                    ],
                }
                for line in detail.metrics
            ],
        }
    )


@router.get("/scorecards/{template_id}/{rated_id}/months/{month}/{metric}", response=RowsOut)
def get_scorecard_rows(
    request: HttpRequest, template_id: Id, rated_id: Id, month: str, metric: str
) -> RowsOut:
    """The rows behind a metric of a month (orders, deliveries, builds, BOMs), as the card
    judged them; only those the caller may see, with the count of the others."""
    user = person(request)
    template = get_card_template(user, template_id, rated_id)
    if metric not in Metric.values:
        raise NotFound("No such metric.")
    found = drill(user, template, rated_id, _month(month), metric)
    if found is None:
        raise NotFound("This number has no rows behind it.")
    log_drill_read(
        user,
        template,
        rated_id,
        len(found.rows),
        model=found.model,
        channel="api",
        path=request.path,
    )
    return RowsOut(
        headers=found.headers,
        rows=[["" if cell is None else str(cell) for cell in row] for row in found.rows],
        hidden=found.hidden,
        note=found.note,
    )


def _comment_out(comment: Any) -> CommentOut:
    return CommentOut(
        id=comment.pk,
        month=comment.month,
        author=str(comment.author or ""),
        organisation=comment.organisation.name,
        text=comment.text,
        corrective_action=comment.corrective_action,
        created_at=comment.created_at,
        attachments=[
            AttachmentOut(
                id=a.pk,
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
                created_at=a.created_at,
            )
            for a in comment.attachments.all()
        ],
    )


def _with_attachments(user: Any, comments: Any) -> Any:
    return comments.select_related("author", "organisation").prefetch_related(
        Prefetch("attachments", queryset=attachments_visible_to(user))
    )


@router.get("/scorecards/{template_id}/{rated_id}/comments", response=Page[CommentOut])
def list_scorecard_comments(
    request: HttpRequest, template_id: Id, rated_id: Id, paging: Query[PageParams]
) -> dict[str, Any]:
    user = person(request)
    template = get_card_template(user, template_id, rated_id)
    comments = _with_attachments(
        user, comments_visible_to(user).filter(template=template, rated_id=rated_id)
    )
    return paginate_rows(request, [_comment_out(c) for c in comments], paging)


@router.post("/scorecards/{template_id}/{rated_id}/comments", response={201: CommentOut})
@idempotent
def comment_on_scorecard(
    request: HttpRequest, template_id: Id, rated_id: Id, payload: CommentIn
) -> Status[CommentOut]:
    """Either side's comment on a month; the rated party's corrective-action plan is one."""
    user = person(request)
    template = get_card_template(user, template_id, rated_id)
    month = parse_month(payload.month)
    if month is None:
        raise InvalidInput("month: YYYY-MM.", detail={"field": "month"})
    comment = comment_on_month(
        actor=user,
        template=template,
        rated_id=rated_id,
        month=month,
        text=payload.text,
        corrective_action=payload.corrective_action,
    )
    return Status(
        201, _comment_out(_with_attachments(user, comments_visible_to(user)).get(pk=comment.pk))
    )


ATTACH_DOC = {
    "description": (
        f"multipart/form-data; `file` is one file ({ACCEPTED}; at most "
        f"{settings.MAX_SCORECARD_ATTACHMENT_MB} MB, checked by its content), up to "
        f"{MAX_FILES_PER_COMMENT} per comment. Only the comment's own organisation attaches: "
        "the rated party its corrective-action plan, typically."
    )
}
FILE_DOC = file_download_doc(
    "The file, as an attachment, with the content type of its kind.",
    (k.content_type for k in KINDS.values()),
)


@router.post(
    "/scorecards/{template_id}/{rated_id}/comments/{comment_id}/attachments",
    response={201: CommentOut},
    openapi_extra=ATTACH_DOC,
)
@idempotent
def attach_to_scorecard_comment(
    request: HttpRequest, template_id: Id, rated_id: Id, comment_id: Id, file: File[UploadedFile]
) -> Status[CommentOut]:
    """Attach a file to a comment of your own organisation's (a corrective-action plan)."""
    user = person(request)
    template = get_card_template(user, template_id, rated_id)
    comment = get_comment_for_user(user, template, rated_id, comment_id, write=True)
    attach_files(actor=user, comment=comment, files=[read_upload(file)])
    return Status(
        201, _comment_out(_with_attachments(user, comments_visible_to(user)).get(pk=comment.pk))
    )


@router.get(
    "/scorecards/{template_id}/{rated_id}/attachments/{attachment_id}", openapi_extra=FILE_DOC
)
def download_scorecard_attachment(
    request: HttpRequest, template_id: Id, rated_id: Id, attachment_id: Id
) -> FileResponse:
    """A file of a comment on the card, for the people of its two sides; a download of the
    other side's file is recorded in that side's access log."""
    attachment = get_attachment_for_user(
        person(request),
        attachment_id,
        channel="api",
        path=request.path,
        card=(template_id, rated_id),
    )
    return file_response(attachment)


def _template_out(template: Any) -> TemplateOut:
    return TemplateOut(
        direction=template.direction,
        saved=template.pk is not None,
        retired_at=template.retired_at,
        version=template.version if template.pk else 0,
        progress=template.progress if template.pk else 100,
        **rules_of(template),
    )


def _direction(direction: str) -> str:
    if direction not in Direction.values:
        raise NotFound("No such direction: suppliers or customers.")
    return direction


@router.get("/scorecard-templates/{direction}", response=TemplateOut)
def get_scorecard_template(request: HttpRequest, direction: str) -> TemplateOut:
    """The rules the caller's organisation scores its suppliers (or customers) by."""
    user = person(request)
    if user.organisation is None:
        raise NotFound()
    return _template_out(template_of(user.organisation, _direction(direction)))


@router.put("/scorecard-templates/{direction}", response=TemplateOut)
def put_scorecard_template(
    request: HttpRequest, direction: str, payload: TemplateIn
) -> TemplateOut:
    """Save a new version (administrators); every month is computed again in the background."""
    user = person(request)
    if user.organisation is None:
        raise NotFound()
    chosen = _direction(direction)
    if not user.is_org_admin:
        raise Forbidden("Only administrators change the scorecard template.")
    saved = save_template(
        actor=user,
        template=template_of(user.organisation, chosen),
        metrics={str(k): v.model_dump() for k, v in payload.metrics.items()},
        bands=[{**b.model_dump(), "action": str(b.action)} for b in payload.bands],
        days_early=payload.days_early,
        days_late=payload.days_late,
        counting_unit=str(payload.counting_unit),
        due_basis=str(payload.due_basis),
        response_sla_hours=payload.response_sla_hours,
        frozen_weeks=payload.frozen_weeks,
    )
    return _template_out(saved)


@router.post("/scorecard-templates/{direction}/retire", response=TemplateOut)
def retire_scorecard_template(request: HttpRequest, direction: str) -> TemplateOut:
    """Retire the template (administrators): its cards stay readable to both sides as history;
    nothing is computed for it any more and no grade blocks a purchase order. 404 when the
    organisation keeps no template of this direction; 409 when it is retired already."""
    user = person(request)
    template = get_saved_template_for_user(user, _direction(direction), write=True)
    return _template_out(retire_template(actor=user, direction=template.direction))


@router.post("/scorecard-templates/{direction}/reinstate", response=TemplateOut)
def reinstate_scorecard_template(request: HttpRequest, direction: str) -> TemplateOut:
    """Reinstate a retired template (administrators): every month is computed again in the
    background (`progress`). 409 when it is not retired."""
    user = person(request)
    template = get_saved_template_for_user(user, _direction(direction), write=True)
    return _template_out(reinstate_template(actor=user, direction=template.direction))
