"""Every write to threads and posts: open a thread, change its status and next update, invite
an organisation, post (a shared message or an internal note, with mentions and attachments),
edit a post (its earlier body kept), attach files.

Each runs in one transaction with its event. Events about threads are internal to the acting
organisation (classification INTERNAL): a program's event log must not tell members who may not
see a thread what it is about. Nothing is written when a named person may not see the thread:
the whole request is refused with each reason (no side-effect access).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from accord.core.events import record_event
from accord.core.memo import forget_memoised
from accord.core.text import text_input
from accord.orgs.choices import OrganisationKind
from accord.orgs.models import Person, Program, ProgramMember, ProgramPartner
from accord.orgs.zones import local_day
from accord.scorecards.attachments import KINDS as ATTACHMENT_KINDS
from accord.scorecards.attachments import AttachedFile, Kind
from accord.threads.access import can_invite, may_see_thread
from accord.threads.eligibility import checked_people, mentioned_usernames, refusals
from accord.threads.models import (
    MAX_BODY,
    MAX_TITLE,
    Post,
    PostAttachment,
    PostMention,
    PostRevision,
    Thread,
    ThreadFollower,
    ThreadInvitation,
    ThreadStatus,
)
from accord.threads.notify import notify
from accord.threads.queries import refresh_cards_of_askers
from accord.threads.subjects import get_subject_for_user, subject_kind, subject_program_id

# Attachments on posts: as a certificate's evidence, PDF, PNG or JPEG only.
POST_FILE_KINDS: dict[str, Kind] = {
    ext: ATTACHMENT_KINDS[ext] for ext in (".pdf", ".png", ".jpg", ".jpeg")
}
MAX_FILES_PER_POST = 5


def post_file_max_mb() -> int:
    from accord.partners.services import evidence_max_mb

    return evidence_max_mb()


def checked_title(value: Any) -> str:
    """One line (it becomes an e-mail subject), at most 200 characters."""
    return text_input(value, "title", max_length=MAX_TITLE, required=True)


def checked_body(value: Any) -> str:
    return text_input(value, "body", max_length=MAX_BODY, multiline=True, required=True)


def _status(value: Any) -> str:
    text = str(value or "").strip()
    if text not in ThreadStatus.values:
        raise InvalidInput(
            f"status: one of {', '.join(ThreadStatus.values)} (got {text!r}).",
            detail={"field": "status"},
        )
    return text


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(f"{field}: a date (YYYY-MM-DD).", detail={"field": field}) from None


def _event(actor: Person, verb: str, thread: Thread, changes: dict[str, Any]) -> None:
    record_event(
        actor=actor,
        verb=verb,
        obj=thread,
        program=thread.program,
        changes=changes,
        classification=Classification.INTERNAL,
    )


def _follow(thread: Thread, people: Iterable[Person]) -> None:
    ThreadFollower.objects.bulk_create(
        [ThreadFollower(thread=thread, person=p) for p in people], ignore_conflicts=True
    )


def create_thread(
    *,
    actor: Person,
    program: Program,
    subject_kind_name: str,
    subject_id: Any,
    title: Any,
    status: Any = ThreadStatus.ON_TRACK,
    next_update: Any = None,
    now: dt.datetime | None = None,
) -> Thread:
    """A thread about a subject the actor sees, in a program they are a member of (the caller
    reached it through access). A seller's own organisation is invited to its thread."""
    entry = subject_kind(subject_kind_name)
    subject = get_subject_for_user(actor, entry.kind, subject_id)
    own_program = subject_program_id(entry, subject)
    if own_program is not None and own_program != program.pk:
        raise InvalidInput(
            f"subject_id: this {entry.label.lower()} belongs to another program.",
            detail={"field": "subject_id"},
        )
    when = _date(next_update, "next_update")
    fields: dict[str, Any] = {
        "title": checked_title(title),
        "status": _status(status),
        "next_update": when,
    }
    moment = now or timezone.now()
    if when and when < local_day(actor, moment):
        raise InvalidInput(
            "next_update: the next update is in the past.", detail={"field": "next_update"}
        )
    existing = Thread.objects.filter(
        program=program, subject_kind=entry.kind, subject_id=subject.pk
    ).first()
    if existing is not None:
        raise Conflict(
            f"This {entry.label.lower()} has a thread in {program.name} already.",
            detail={"thread_id": existing.pk} if may_see_thread(actor, existing) else None,
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                thread = Thread.objects.create(
                    program=program,
                    subject_kind=entry.kind,
                    subject_id=subject.pk,
                    created_by=actor,
                    created_at=moment,
                    **fields,
                )
        except IntegrityError:
            raise Conflict(
                f"This {entry.label.lower()} has a thread in {program.name} already."
            ) from None
        organisation = actor.organisation
        if organisation is not None and organisation.kind in OrganisationKind.sellers():
            ThreadInvitation.objects.create(
                thread=thread, organisation=organisation, invited_by=actor
            )
        forget_memoised()
        if not may_see_thread(actor, thread):
            # A restricted subject in a program no NDA covers for them, a shortage of a
            # program they may not plan: the thread would be invisible to its own creator.
            raise NotFound(f"No {entry.label.lower()} {subject.pk} is visible to you here.")
        _follow(thread, [actor])
        _event(
            actor,
            "opened thread",
            thread,
            {"subject": f"{entry.kind}:{subject.pk}", "title": thread.title},
        )
    return thread


def update_thread(*, actor: Person, thread: Thread, **changes: Any) -> Thread:
    """Status, next update, title: anyone who sees the thread."""
    unknown = set(changes) - {"status", "next_update", "title"}
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
    cleaned: dict[str, Any] = {}
    if "status" in changes:
        cleaned["status"] = _status(changes["status"])
    if "title" in changes:
        cleaned["title"] = checked_title(changes["title"])
    if "next_update" in changes:
        cleaned["next_update"] = _date(changes["next_update"], "next_update")
        if cleaned["next_update"] and cleaned["next_update"] < local_day(actor, timezone.now()):
            raise InvalidInput(
                "next_update: the next update is in the past.", detail={"field": "next_update"}
            )
    diff = {
        name: [str(getattr(thread, name) or ""), str(value or "")]
        for name, value in cleaned.items()
        if getattr(thread, name) != value
    }
    if not diff:
        return thread
    with transaction.atomic():
        Thread.objects.select_for_update().filter(pk=thread.pk).first()
        for name, value in cleaned.items():
            setattr(thread, name, value)
        thread.save(update_fields=[*cleaned, "updated_at"])
        _event(actor, "changed thread", thread, diff)
    return thread


def invite_organisation(*, actor: Person, thread: Thread, organisation_id: Any) -> ThreadInvitation:
    """The program owner's or its EMS's members invite a partner of the program; some person
    of it on the program must then see the thread, else nothing is written."""
    if not can_invite(actor, thread):
        raise Forbidden("The program owner's and its EMS partner's members invite to a thread.")
    program = thread.program
    partner = (
        ProgramPartner.objects.filter(program=program, organisation_id=organisation_id)
        .select_related("organisation")
        .first()
    )
    if partner is None:
        # Named only if the actor may see it anyway: a stranger's name is not revealed.
        raise InvalidInput(
            f"organisation: organisation {organisation_id} is not a partner of program "
            f"{program.name}.",
            detail={"field": "organisation"},
        )
    organisation = partner.organisation
    if ThreadInvitation.objects.filter(thread=thread, organisation=organisation).exists():
        raise Conflict(f"{organisation.name} is invited to this thread already.")
    with transaction.atomic():
        invitation = ThreadInvitation.objects.create(
            thread=thread, organisation=organisation, invited_by=actor
        )
        forget_memoised()
        people = list(
            Person.objects.filter(
                organisation=organisation,
                is_active=True,
                memberships__program_id=thread.program_id,
            ).select_related("organisation")
        )
        reasons = refusals(thread, people)
        if len(reasons) == len(people):
            why = " ".join(reasons.values()) or f"none of its people is a member of {program.name}."
            raise InvalidInput(
                f"organisation: nobody of {organisation.name} may see this thread: {why}",
                detail={"field": "organisation"},
            )
        _event(actor, "invited to thread", thread, {"organisation": organisation.name})
    return invitation


def _mentions(
    thread: Thread, actor: Person, body: str, explicit: Iterable[str], internal: bool
) -> list[Person]:
    names = [*mentioned_usernames(body), *explicit]
    people = [p for p in checked_people(thread, names, field="mentions") if p.pk != actor.pk]
    if internal:
        outside = [f"@{p.username}" for p in people if p.organisation_id != actor.organisation_id]
        if outside:
            raise InvalidInput(
                f"mentions: {', '.join(outside)} cannot read an internal note: only your "
                "organisation sees it.",
                detail={"field": "mentions", "refused": outside},
            )
    return people


def _store_files(actor: Person, post: Post, files: Sequence[AttachedFile]) -> None:
    PostAttachment.objects.bulk_create(
        [
            PostAttachment(
                post=post,
                filename=f.filename,
                content_type=f.content_type,
                size=len(f.data),
                sha256=f.sha256,
                data=f.data,
                uploaded_by=actor,
            )
            for f in files
        ]
    )


def _check_file_count(existing: int, files: Sequence[AttachedFile]) -> None:
    if existing + len(files) > MAX_FILES_PER_POST:
        raise InvalidInput(
            f"files: at most {MAX_FILES_PER_POST} files on a post.", detail={"field": "files"}
        )


def add_post(
    *,
    actor: Person,
    thread: Thread,
    body: Any,
    internal: bool = False,
    mentions: Iterable[str] = (),
    files: Sequence[AttachedFile] = (),
    now: dt.datetime | None = None,
) -> Post:
    """A shared message (its followers hear of it) or an internal note (only the author's
    organisation sees it). Everyone mentioned must see it; they follow the thread after."""
    text = checked_body(body)
    mentioned = _mentions(thread, actor, text, mentions, internal)
    _check_file_count(0, files)
    moment = now or timezone.now()
    with transaction.atomic():
        post = Post.objects.create(
            thread=thread,
            author=actor,
            author_organisation_id=int(actor.organisation_id or 0),
            internal=internal,
            body=text,
            created_at=moment,
        )
        PostMention.objects.bulk_create([PostMention(post=post, person=p) for p in mentioned])
        _store_files(actor, post, files)
        Thread.objects.filter(pk=thread.pk).update(updated_at=moment)
        followers = list(
            Person.objects.filter(
                pk__in=ThreadFollower.objects.filter(thread=thread).values("person")
            ).select_related("organisation")
        )
        _follow(thread, [actor, *mentioned])
        group = f"thread:{thread.pk}"
        notify(
            actor=actor,
            recipients=mentioned,
            event="mention",
            kind="thread",
            pk=thread.pk,
            group_key=group,
            now=moment,
        )
        told = {p.pk for p in mentioned}
        listeners = [
            p
            for p in followers
            if p.pk not in told and (not internal or p.organisation_id == actor.organisation_id)
        ]
        notify(
            actor=actor,
            recipients=listeners,
            event="post",
            kind="thread",
            pk=thread.pk,
            group_key=group,
            now=moment,
        )
        if not internal:  # it may answer questions on other organisations' scorecards
            refresh_cards_of_askers(thread.pk, int(actor.organisation_id or 0))
        _event(
            actor,
            "wrote internal note" if internal else "posted in thread",
            thread,
            {
                "post": post.pk,
                "mentions": [p.username for p in mentioned],
                "files": [f.filename for f in files],
            },
        )
    return post


def edit_post(*, actor: Person, post: Post, body: Any, now: dt.datetime | None = None) -> Post:
    """Only the author edits; the earlier body is kept (PostRevision). People newly mentioned
    must see the post, and hear of it."""
    if post.author_id != actor.pk:
        raise Forbidden("Only the author edits a post.")
    text = checked_body(body)
    if text == post.body:
        return post
    thread = post.thread
    mentioned = _mentions(thread, actor, text, (), post.internal)
    already = set(PostMention.objects.filter(post=post).values_list("person_id", flat=True))
    new = [p for p in mentioned if p.pk not in already]
    moment = now or timezone.now()
    with transaction.atomic():
        Post.objects.select_for_update().filter(pk=post.pk).first()
        PostRevision.objects.create(post=post, body=post.body, edited_at=moment, editor=actor)
        post.body = text
        post.edited_at = moment
        post.save(update_fields=["body", "edited_at"])
        PostMention.objects.bulk_create([PostMention(post=post, person=p) for p in new])
        _follow(thread, new)
        notify(
            actor=actor,
            recipients=new,
            event="mention",
            kind="thread",
            pk=thread.pk,
            group_key=f"thread:{thread.pk}",
            now=moment,
        )
        _event(actor, "edited post", thread, {"post": post.pk})
    return post


def attach_files(*, actor: Person, post: Post, files: Sequence[AttachedFile]) -> Post:
    """More files on one's own post (PDF, PNG, JPEG; checked by the caller's read_upload)."""
    if post.author_id != actor.pk:
        raise Forbidden("Only the author attaches files to a post.")
    if not files:
        raise InvalidInput("files: attach at least one file.", detail={"field": "files"})
    _check_file_count(PostAttachment.objects.filter(post=post).count(), files)
    with transaction.atomic():
        _store_files(actor, post, files)
        _event(
            actor,
            "attached to post",
            post.thread,
            {"post": post.pk, "files": [f.filename for f in files]},
        )
    return post


def program_member_ids(program: Program) -> set[int]:
    return set(ProgramMember.objects.filter(program=program).values_list("person_id", flat=True))
