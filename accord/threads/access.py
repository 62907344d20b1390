"""Who may see which thread, post, attachment and action item. The only way to reach them.

A thread is visible to a person when all of these hold:

- they are a member of its program (need-to-know, person by person);
- they see its subject (the owning app's rule, threads/subjects.py);
- the subject is restricted data (a restricted part, a build schedule, a shortage): an NDA
  in force covers the program (their own organisation owning it counts);
- their organisation sells (supplier, distributor): it was invited to the thread.

Anything else is 404: the thread, its posts, attachments, action items, mentions. An internal
note is seen by its author's organisation only. An action item is seen by whoever sees its
source (a thread or a check-in; findings later).

Lists are one queryset: per subject kind, an `IN` of the visible subjects' ids, never a check
per thread in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet

from accord.core.access import get_or_404, is_person, record_restricted_reads
from accord.core.errors import Forbidden
from accord.core.memo import memoised
from accord.orgs.access import reach_of
from accord.orgs.choices import MemberRole, OrganisationKind
from accord.orgs.models import Program, ProgramPartner
from accord.threads.models import (
    ActionItem,
    EscalationStep,
    Post,
    PostAttachment,
    PostMention,
    PostRevision,
    Thread,
    ThreadInvitation,
)
from accord.threads.subjects import subject_kinds

NOTHING = Q(pk__in=[])


def thread_visibility(user: Any, kinds: Iterable[str] | None = None) -> Q:
    """The condition on Thread for this person (see the module's docstring). With `kinds`,
    only threads about subjects of those kinds (the others' rules are not even built: each
    kind's rule reads that app's visibility, and building all of them for a check of a few
    threads of one kind was most of its time)."""
    reach = reach_of(user)
    if reach.organisation_id is None or not reach.programs:
        return NOTHING
    wanted = None if kinds is None else set(kinds)
    by_subject = Q()
    for entry in subject_kinds().values():
        if wanted is None or entry.kind in wanted:
            by_subject |= entry.condition(user)
    if not by_subject:
        return NOTHING
    condition = Q(program_id__in=reach.programs) & by_subject
    if reach.seller:
        invited = ThreadInvitation.objects.filter(organisation_id=reach.organisation_id)
        condition &= Q(pk__in=invited.values("thread_id"))
    return condition


def threads_visible_to(user: Any, kinds: Iterable[str] | None = None) -> QuerySet[Thread]:
    """The threads the person sees; with `kinds`, only those about subjects of those kinds."""
    if not is_person(user):
        return Thread.objects.none()
    wanted = None if kinds is None else tuple(sorted(set(kinds)))
    built = memoised(
        ("threads_visible_to", user.pk, wanted),
        lambda: Thread.objects.filter(thread_visibility(user, wanted)),
    )
    return built.all()


def threads_visible_among(user: Any, ids: Sequence[int] | QuerySet[Any]) -> QuerySet[Thread]:
    """Those of the threads `ids` (ids, or a queryset of them) the person sees: the visibility
    of only the subject kinds among them (one small query finds which)."""
    among = ids if isinstance(ids, QuerySet) else list(ids)
    kinds = Thread.objects.filter(pk__in=among).values_list("subject_kind", flat=True)
    return threads_visible_to(user, set(kinds.distinct().order_by())).filter(pk__in=among)


def get_thread_for_user(user: Any, pk: Any, *, write: bool = False) -> Thread:
    """A thread the person sees, else 404. Anyone who sees a thread may post in it and set its
    status (`write` needs nothing more)."""
    return get_or_404(
        threads_visible_to(user).select_related("program", "program__owner", "created_by"),
        pk=pk,
    )


def may_see_thread(person: Any, thread: Thread) -> bool:
    return threads_visible_to(person).filter(pk=thread.pk).exists()


def can_invite(user: Any, thread: Thread) -> bool:
    """The program owner's members, and the members from an EMS partner of the program."""
    reach = reach_of(user)
    if thread.program_id not in reach.programs or reach.organisation_id is None:
        return False
    if reach.owners.get(thread.program_id) == reach.organisation_id:
        return True
    return ProgramPartner.objects.filter(
        program_id=thread.program_id,
        organisation_id=int(reach.organisation_id),
        organisation__kind=OrganisationKind.EMS,
    ).exists()


def invitations_of(user: Any, thread: Thread) -> QuerySet[ThreadInvitation]:
    """The organisations invited to a thread the caller reached through get_thread_for_user;
    a seller sees only its own invitation (not the other suppliers)."""
    invitations = ThreadInvitation.objects.filter(thread_id=thread.pk).select_related(
        "organisation"
    )
    reach = reach_of(user)
    if reach.seller:
        invitations = invitations.filter(organisation_id=int(reach.organisation_id or 0))
    return invitations.order_by("organisation__name")


def invitable_organisations(user: Any, thread: Thread) -> QuerySet[ProgramPartner]:
    """The program's partners not invited yet, for someone who may invite."""
    if not can_invite(user, thread):
        return ProgramPartner.objects.none()
    invited = ThreadInvitation.objects.filter(thread_id=thread.pk).values("organisation_id")
    return (
        ProgramPartner.objects.filter(program_id=thread.program_id)
        .exclude(organisation_id__in=invited)
        .select_related("organisation")
        .order_by("organisation__name")
    )


# Posts --------------------------------------------------------------------------------------


def post_visibility(user: Any, prefix: str = "") -> Q:
    reach = reach_of(user)
    if reach.organisation_id is None:
        return NOTHING
    p = prefix
    visible_threads = threads_visible_to(user).order_by().values("pk")
    return Q(**{f"{p}thread_id__in": visible_threads}) & (
        Q(**{f"{p}internal": False}) | Q(**{f"{p}author_organisation_id": reach.organisation_id})
    )


def posts_visible_to(user: Any) -> QuerySet[Post]:
    if not is_person(user):
        return Post.objects.none()
    return Post.objects.filter(post_visibility(user))


def posts_of(user: Any, thread: Thread) -> QuerySet[Post]:
    """The posts of a thread the caller reached through get_thread_for_user."""
    reach = reach_of(user)
    return (
        Post.objects.filter(thread_id=thread.pk)
        .filter(Q(internal=False) | Q(author_organisation_id=reach.organisation_id))
        .select_related("author", "author_organisation")
    )


def get_post_for_user(user: Any, pk: Any, *, write: bool = False) -> Post:
    """A post the person sees, else 404; `write` (edit): only its author (403 otherwise)."""
    post = get_or_404(
        posts_visible_to(user).select_related("thread", "thread__program", "author"), pk=pk
    )
    if write and post.author_id != user.pk:
        raise Forbidden("Only the author edits a post.")
    return post


def revisions_of(user: Any, post: Post) -> QuerySet[PostRevision]:
    """The earlier bodies of a post the caller reached through get_post_for_user."""
    return PostRevision.objects.filter(post_id=post.pk).select_related("editor")


def attachments_of(user: Any, posts: Sequence[Post]) -> dict[int, list[PostAttachment]]:
    """The attachments (without their bytes) of posts the caller reached through access."""
    found: dict[int, list[PostAttachment]] = {}
    rows = (
        PostAttachment.objects.filter(post_id__in=[p.pk for p in posts])
        .defer("data")
        .order_by("uploaded_at", "id")
    )
    for attachment in rows:
        found.setdefault(attachment.post_id, []).append(attachment)
    return found


def get_attachment_for_user(user: Any, pk: Any, *, channel: str, path: str) -> PostAttachment:
    """An attachment of a post the person sees, else 404. A download of another
    organisation's file goes into that organisation's access log, as evidence files do."""
    attachment = get_or_404(
        PostAttachment.objects.filter(post__in=posts_visible_to(user).values("pk")).select_related(
            "post__thread"
        ),
        pk=pk,
    )
    post = attachment.post
    record_restricted_reads(
        user,
        [
            (
                post.author_organisation_id,
                post.thread.program_id,
                "threads.postattachment",
                attachment.pk,
                f"{attachment.filename} ({post.thread.title})",
            )
        ],
        channel=channel,
        path=path,
    )
    return attachment


# Action items -------------------------------------------------------------------------------


def action_visibility(user: Any, kinds: Iterable[str] | None = None) -> Q:
    """Items whose source the person sees (a thread or a check-in; later a finding); with
    `kinds`, only the thread items about subjects of those kinds (and every check-in item)."""
    from accord.threads.checkin_access import checkins_visible_to

    visible_threads = threads_visible_to(user, kinds).order_by().values("pk")
    visible_checkins = checkins_visible_to(user).order_by().values("pk")
    return Q(source_kind="thread", thread_id__in=visible_threads) | Q(
        source_kind="checkin", source_id__in=visible_checkins
    )


def action_items_visible_to(user: Any, kinds: Iterable[str] | None = None) -> QuerySet[ActionItem]:
    if not is_person(user):
        return ActionItem.objects.none()
    return ActionItem.objects.filter(action_visibility(user, kinds))


def action_items_visible_among(
    user: Any, ids: Sequence[int] | QuerySet[Any]
) -> QuerySet[ActionItem]:
    """Those of the items `ids` (ids, or a queryset of them) the person sees (see
    threads_visible_among)."""
    among = ids if isinstance(ids, QuerySet) else list(ids)
    kinds = ActionItem.objects.filter(pk__in=among, thread__isnull=False).values_list(
        "thread__subject_kind", flat=True
    )
    return action_items_visible_to(user, set(kinds.distinct().order_by())).filter(pk__in=among)


def get_action_item_for_user(user: Any, pk: Any, *, write: bool = False) -> ActionItem:
    """An item the person sees, else 404; `write` (done, cancel, change): its owner or its
    creator (403 otherwise)."""
    item = get_or_404(
        action_items_visible_to(user).select_related("owner", "thread", "program", "created_by"),
        pk=pk,
    )
    if write and user.pk not in (item.owner_id, item.created_by_id):
        raise Forbidden("Only the item's owner or its creator changes it.")
    return item


def items_of_thread(user: Any, thread: Thread) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(source_kind="thread", thread_id=thread.pk).select_related(
        "owner"
    )


# The escalation ladder ----------------------------------------------------------------------


def get_program_for_threads(user: Any, ref: Any) -> Program:
    """A program the person is a member of, by id or code (the CLI's way), else 404."""
    reach = reach_of(user)
    programs = Program.objects.filter(pk__in=reach.programs).select_related("owner")
    if isinstance(ref, str) and not ref.strip().isdigit():
        return get_or_404(programs, code__iexact=ref.strip())
    return get_or_404(programs, pk=ref)


def get_program_for_ladder(user: Any, ref: Any, *, write: bool = False) -> Program:
    """The program whose ladder the person reads (a member), or changes (`write`: its
    managers, 403 for other members)."""
    program = get_program_for_threads(user, ref)
    if write and not can_manage_ladder(user, program):
        raise Forbidden("Only the program's managers change its escalation ladder.")
    return program


def can_manage_ladder(user: Any, program: Program) -> bool:
    return reach_of(user).roles.get(program.pk) == MemberRole.MANAGER


def ladder_steps_of(user: Any, program: Program) -> QuerySet[EscalationStep]:
    return EscalationStep.objects.filter(program_id=program.pk)


def visible_thread_ids(user: Any, ids: Iterable[int]) -> set[int]:
    return set(threads_visible_to(user).filter(pk__in=list(ids)).values_list("pk", flat=True))


# An organisation's own questions in threads, for its scorecards ------------------------------
# Not for showing: a card counts the questions the rating organisation asked and the shared
# answers in the same threads, never an internal note and never a thread it took no part in
# (threads/queries.thread_questions). Pages and the API reach threads through the rules above.


def mentions_asked_by(organisation_id: int) -> QuerySet[PostMention]:
    """The mentions of other organisations' people in the organisation's own shared posts."""
    return PostMention.objects.filter(
        post__author_organisation_id=organisation_id,
        post__internal=False,
        person__organisation_id__isnull=False,
    ).exclude(person__organisation_id=organisation_id)


def action_items_asked_by(organisation_id: int) -> QuerySet[ActionItem]:
    """The action items the organisation's people gave people of other organisations."""
    return ActionItem.objects.filter(
        created_by__organisation_id=organisation_id, owner__organisation_id__isnull=False
    ).exclude(owner__organisation_id=organisation_id)


def shared_replies_to(organisation_id: int) -> QuerySet[Post]:
    """The shared posts of other organisations in the threads where the organisation asked
    (mentions_asked_by, action_items_asked_by): the answers its questions may have had."""
    asked_in = Q(thread_id__in=mentions_asked_by(organisation_id).values("post__thread_id")) | Q(
        thread_id__in=action_items_asked_by(organisation_id)
        .filter(thread_id__isnull=False)
        .values("thread_id")
    )
    return Post.objects.filter(asked_in, internal=False).exclude(
        author_organisation_id=organisation_id
    )
