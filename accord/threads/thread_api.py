"""API: threads about a program's subjects, their posts (shared messages and internal notes,
edit history, attachments), the people who may be mentioned, invitations, action items and a
program's escalation ladder. Everything under a thread one may not see is 404."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, cast

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from ninja import Field, File, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import BaseModel, ConfigDict

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.openapi import file_download_doc
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id, InputSchema, LongText, Text, WholeNumber, omittable
from accord.scorecards.attachments import file_response, read_upload
from accord.threads.access import (
    action_items_visible_to,
    attachments_of,
    get_action_item_for_user,
    get_attachment_for_user,
    get_post_for_user,
    get_program_for_ladder,
    get_program_for_threads,
    get_thread_for_user,
    ladder_steps_of,
    posts_of,
    revisions_of,
    threads_visible_to,
)
from accord.threads.actions import create_action_item, is_overdue, update_action_item
from accord.threads.eligibility import mentionable_for
from accord.threads.escalation import DEFAULT_LADDER, set_ladder
from accord.threads.models import (
    MAX_BODY,
    MAX_TITLE,
    ActionItem,
    ActionStatus,
    EscalationTarget,
    Post,
    Thread,
    ThreadStatus,
)
from accord.threads.thread_services import (
    POST_FILE_KINDS,
    add_post,
    attach_files,
    create_thread,
    edit_post,
    invite_organisation,
    post_file_max_mb,
    update_thread,
)

router = Router(tags=["threads"])

Title = Annotated[Text, Field(min_length=1, max_length=MAX_TITLE)]
Body = Annotated[LongText, Field(min_length=1, max_length=MAX_BODY)]
Username = Annotated[Text, Field(min_length=1, max_length=150)]
Kind = Annotated[Text, Field(min_length=1, max_length=40)]


class ThreadOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    program_id: int
    subject_kind: str
    subject_id: int
    title: str
    status: ThreadStatus
    next_update: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ThreadIn(InputSchema):
    program_id: Id
    subject_kind: Kind = Field(
        description="part, source, order, order_line, build, shortage (a part's id) or certificate."
    )
    subject_id: Id
    title: Title = Field(description="One line (it becomes an e-mail subject).")
    status: ThreadStatus = ThreadStatus.ON_TRACK
    next_update: dt.date | None = None


class ThreadPatch(InputSchema):
    status: ThreadStatus = omittable()
    title: Title = omittable()
    next_update: dt.date | None = Field(None, description="Null clears it.")


class ThreadFilters(InputSchema):
    program_id: Id | None = None
    status: ThreadStatus | None = None
    subject_kind: Kind | None = None


class ThreadInvitationIn(InputSchema):
    organisation_id: Id


class PostAttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int


class PostOut(BaseModel):
    id: int
    thread_id: int
    author: str | None
    organisation: str
    internal: bool
    body: str
    created_at: dt.datetime
    edited_at: dt.datetime | None
    attachments: list[PostAttachmentOut]


class PostIn(InputSchema):
    body: Body
    internal: bool = Field(False, description="An internal note: only your organisation sees it.")
    mentions: list[Username] = Field(
        default_factory=list,
        max_length=50,
        description="Usernames to mention besides the @names in the body; each must be able to "
        "see the thread (GET /threads/{id}/mentionable), or nothing is written (422).",
    )


class PostPatch(InputSchema):
    body: Body


class RevisionOut(BaseModel):
    body: str
    edited_at: dt.datetime
    editor: str | None


class MentionablePersonOut(BaseModel):
    id: int
    username: str
    name: str
    organisation: str


class ActionItemOut(BaseModel):
    id: int
    program_id: int
    source_kind: str
    source_id: int
    thread_id: int | None
    title: str
    owner: str
    due_date: dt.date
    status: ActionStatus
    overdue: bool = Field(description="Open and past its due date in the owner's time zone.")
    created_by: str | None
    created_at: dt.datetime


class ActionItemIn(InputSchema):
    thread_id: Id
    title: Title
    owner: Username = Field(description="The owner's username: someone who may see the thread.")
    due_date: dt.date = Field(description="Not in the past in the owner's time zone.")


class ActionItemPatch(InputSchema):
    status: ActionStatus = omittable()
    title: Title = omittable()
    owner: Username = omittable()
    due_date: dt.date = omittable()


class ActionFilters(InputSchema):
    mine: bool = Field(False, description="Only the items you own.")
    thread_id: Id | None = None
    status: ActionStatus | None = None


class LadderStepOut(BaseModel):
    days: int
    target: EscalationTarget


class LadderOut(BaseModel):
    program_id: int
    default: bool
    steps: list[LadderStepOut]


class LadderStepIn(InputSchema):
    days: WholeNumber = Field(ge=1, le=365)
    target: EscalationTarget


class LadderIn(InputSchema):
    steps: list[LadderStepIn] = Field(max_length=10, description="Empty: the default ladder.")


def _thread(t: Thread) -> ThreadOut:
    return ThreadOut.model_validate(t)


def _posts(user: Any, posts: list[Post]) -> list[PostOut]:
    files = attachments_of(user, posts)
    return [
        PostOut(
            id=p.pk,
            thread_id=p.thread_id,
            author=p.author.username if p.author else None,
            organisation=p.author_organisation.name,
            internal=p.internal,
            body=p.body,
            created_at=p.created_at,
            edited_at=p.edited_at,
            attachments=[
                PostAttachmentOut(
                    id=a.pk, filename=a.filename, content_type=a.content_type, size=a.size
                )
                for a in files.get(p.pk, [])
            ],
        )
        for p in posts
    ]


def _one_post(user: Any, pk: int) -> PostOut:
    post = get_post_for_user(user, pk)
    return _posts(user, [post])[0]


def _items(items: list[ActionItem]) -> list[ActionItemOut]:
    now = timezone.now()
    return [
        ActionItemOut(
            id=i.pk,
            program_id=i.program_id,
            source_kind=i.source_kind,
            source_id=i.source_id,
            thread_id=i.thread_id,
            title=i.title,
            owner=i.owner.username,
            due_date=i.due_date,
            status=ActionStatus(i.status),
            overdue=is_overdue(i, now),
            created_by=i.created_by.username if i.created_by else None,
            created_at=i.created_at,
        )
        for i in items
    ]


# Threads ------------------------------------------------------------------------------------


@router.get("/threads", response=Page[ThreadOut])
def list_threads(
    request: HttpRequest, filters: Query[ThreadFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """Threads you may see: in your programs, about subjects you see (restricted ones under an
    NDA in force); a supplier's or distributor's only where it was invited."""
    rows = threads_visible_to(person(request))
    if filters.program_id is not None:
        rows = rows.filter(program_id=filters.program_id)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    if filters.subject_kind is not None:
        rows = rows.filter(subject_kind=filters.subject_kind)
    rows = rows.order_by("-updated_at", "-id")
    return paginate(request, rows, paging, lambda page: [ThreadOut.model_validate(t) for t in page])


@router.post("/threads", response={201: ThreadOut})
@idempotent
def create_thread_endpoint(request: HttpRequest, payload: ThreadIn) -> Status[Any]:
    """Open a thread about a subject you see, in a program you are a member of (one per
    program and subject: 409 for a second)."""
    user = person(request)
    program = get_program_for_threads(user, payload.program_id)
    thread = create_thread(
        actor=user,
        program=program,
        subject_kind_name=payload.subject_kind,
        subject_id=payload.subject_id,
        title=payload.title,
        status=payload.status,
        next_update=payload.next_update,
    )
    return Status(201, _thread(thread))


@router.get("/threads/{thread_id}", response=ThreadOut)
def get_thread(request: HttpRequest, thread_id: Id) -> ThreadOut:
    return _thread(get_thread_for_user(person(request), thread_id))


@router.patch("/threads/{thread_id}", response=ThreadOut)
def patch_thread(request: HttpRequest, thread_id: Id, payload: ThreadPatch) -> ThreadOut:
    """Status, title, next update: anyone who sees the thread."""
    user = person(request)
    thread = get_thread_for_user(user, thread_id, write=True)
    changes = payload.model_dump(include=payload.model_fields_set)
    update_thread(actor=user, thread=thread, **changes)
    return _thread(thread)


@router.post("/threads/{thread_id}/invitations", response={201: ThreadOut})
@idempotent
def invite_to_thread(
    request: HttpRequest, thread_id: Id, payload: ThreadInvitationIn
) -> Status[Any]:
    """The program owner's or its EMS's members invite a partner of the program (422 for an
    organisation that is not one, or none of whose people may see the thread)."""
    user = person(request)
    thread = get_thread_for_user(user, thread_id, write=True)
    invite_organisation(actor=user, thread=thread, organisation_id=payload.organisation_id)
    return Status(201, _thread(thread))


@router.get("/threads/{thread_id}/mentionable", response=list[MentionablePersonOut])
def mentionable_people(request: HttpRequest, thread_id: Id) -> list[MentionablePersonOut]:
    """The people who may be mentioned in the thread or own its action items: those who may
    see it."""
    thread = get_thread_for_user(person(request), thread_id)
    return [
        MentionablePersonOut(
            id=p.pk,
            username=p.username,
            name=p.get_full_name(),
            organisation=p.organisation.name if p.organisation else "",
        )
        for p in mentionable_for(person(request), thread)
        .select_related("organisation")
        .order_by("username")
    ]


# Posts --------------------------------------------------------------------------------------


@router.get("/threads/{thread_id}/posts", response=Page[PostOut])
def list_posts(request: HttpRequest, thread_id: Id, paging: Query[PageParams]) -> dict[str, Any]:
    """Shared messages, and your own organisation's internal notes."""
    user = person(request)
    thread = get_thread_for_user(user, thread_id)
    return paginate(
        request,
        posts_of(user, thread).order_by("created_at", "id"),
        paging,
        lambda page: _posts(user, cast(list[Post], list(page))),
    )


@router.post("/threads/{thread_id}/posts", response={201: PostOut})
@idempotent
def create_post(request: HttpRequest, thread_id: Id, payload: PostIn) -> Status[Any]:
    """A shared message (followers are told) or an internal note. Every person mentioned must
    be able to see it: otherwise 422 naming each one and why, and nothing is written."""
    user = person(request)
    thread = get_thread_for_user(user, thread_id, write=True)
    post = add_post(
        actor=user,
        thread=thread,
        body=payload.body,
        internal=payload.internal,
        mentions=payload.mentions,
    )
    return Status(201, _one_post(user, post.pk))


@router.patch("/posts/{post_id}", response=PostOut)
def patch_post(request: HttpRequest, post_id: Id, payload: PostPatch) -> PostOut:
    """Only the author edits; the earlier text is kept (GET /posts/{id}/history)."""
    user = person(request)
    post = get_post_for_user(user, post_id, write=True)
    edit_post(actor=user, post=post, body=payload.body)
    return _one_post(user, post.pk)


@router.get("/posts/{post_id}/history", response=list[RevisionOut])
def post_history(request: HttpRequest, post_id: Id) -> list[RevisionOut]:
    """The earlier texts of a post you see, oldest first."""
    user = person(request)
    post = get_post_for_user(user, post_id)
    return [
        RevisionOut(
            body=r.body, edited_at=r.edited_at, editor=r.editor.username if r.editor else None
        )
        for r in revisions_of(user, post)
    ]


@router.post(
    "/posts/{post_id}/attachments",
    response={201: PostOut},
    openapi_extra={
        "description": "multipart/form-data; `file` is a PDF, PNG or JPEG (checked by its "
        "content), added to your own post."
    },
)
@idempotent
def upload_post_attachment(
    request: HttpRequest, post_id: Id, file: File[UploadedFile]
) -> Status[Any]:
    user = person(request)
    post = get_post_for_user(user, post_id, write=True)
    checked = read_upload(file, kinds=POST_FILE_KINDS, field="file", max_mb=post_file_max_mb())
    attach_files(actor=user, post=post, files=[checked])
    return Status(201, _one_post(user, post.pk))


@router.get(
    "/post-attachments/{attachment_id}",
    openapi_extra=file_download_doc(
        "The file, as an attachment, with its checked content type.",
        (k.content_type for k in POST_FILE_KINDS.values()),
    ),
)
def download_post_attachment(request: HttpRequest, attachment_id: Id) -> FileResponse:
    """A file of a post you see (404 otherwise)."""
    return file_response(
        get_attachment_for_user(person(request), attachment_id, channel="api", path=request.path)
    )


# Action items -------------------------------------------------------------------------------


@router.get("/action-items", response=Page[ActionItemOut])
def list_action_items(
    request: HttpRequest, filters: Query[ActionFilters], paging: Query[PageParams]
) -> dict[str, Any]:
    """Action items whose source (a thread) you see; `mine` for those you own."""
    user = person(request)
    rows = action_items_visible_to(user).select_related("owner", "created_by")
    if filters.mine:
        rows = rows.filter(owner_id=user.pk)
    if filters.thread_id is not None:
        rows = rows.filter(thread_id=filters.thread_id)
    if filters.status is not None:
        rows = rows.filter(status=filters.status)
    rows = rows.order_by("due_date", "id")
    return paginate(request, rows, paging, lambda page: _items(cast(list[ActionItem], list(page))))


@router.post("/action-items", response={201: ActionItemOut})
@idempotent
def create_action_item_endpoint(request: HttpRequest, payload: ActionItemIn) -> Status[Any]:
    """An item of a thread you see; its owner must see the thread (422 with the reason) and
    the due date must not be past in the owner's time zone (422). The owner is told."""
    user = person(request)
    thread = get_thread_for_user(user, payload.thread_id, write=True)
    item = create_action_item(
        actor=user,
        thread=thread,
        title=payload.title,
        owner=payload.owner,
        due_date=payload.due_date,
    )
    return Status(201, _items([get_action_item_for_user(user, item.pk)])[0])


@router.get("/action-items/{item_id}", response=ActionItemOut)
def get_action_item(request: HttpRequest, item_id: Id) -> ActionItemOut:
    return _items([get_action_item_for_user(person(request), item_id)])[0]


@router.patch("/action-items/{item_id}", response=ActionItemOut)
def patch_action_item(request: HttpRequest, item_id: Id, payload: ActionItemPatch) -> ActionItemOut:
    """Its owner or its creator: done, cancelled (or open again), title, due date, owner."""
    user = person(request)
    item = get_action_item_for_user(user, item_id, write=True)
    update_action_item(
        actor=user, item=item, **payload.model_dump(include=payload.model_fields_set)
    )
    return _items([get_action_item_for_user(user, item.pk)])[0]


# The escalation ladder ----------------------------------------------------------------------


def _ladder(user: Any, program: Any) -> LadderOut:
    steps = [(s.days, s.target) for s in ladder_steps_of(user, program)]
    shown = steps or list(DEFAULT_LADDER)
    return LadderOut(
        program_id=program.pk,
        default=not steps,
        steps=[LadderStepOut(days=d, target=EscalationTarget(t)) for d, t in shown],
    )


@router.get("/programs/{program_id}/escalation-ladder", response=LadderOut)
def get_ladder(request: HttpRequest, program_id: Id) -> LadderOut:
    """Whom an open overdue action item goes to, days after its due date (owner's zone)."""
    user = person(request)
    return _ladder(user, get_program_for_ladder(user, program_id))


@router.put("/programs/{program_id}/escalation-ladder", response=LadderOut)
def put_ladder(request: HttpRequest, program_id: Id, payload: LadderIn) -> LadderOut:
    """The program's managers replace the ladder (no steps: the default)."""
    user = person(request)
    program = get_program_for_ladder(user, program_id, write=True)
    set_ladder(actor=user, program=program, steps=[(s.days, s.target) for s in payload.steps])
    return _ladder(user, program)
