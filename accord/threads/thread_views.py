"""Thread pages: a program's threads (filter, sort, CSV/XLSX), opening one, the thread page
(posts with internal notes marked, edits and their history, attachments, the people who may be
mentioned, action items, status and next update, invitations), my action items (CSV/XLSX) and
a program's escalation ladder."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import FORM_ERRORS, DomainError, InvalidInput
from accord.orgs.zones import local_day
from accord.scorecards.attachments import file_response, read_upload
from accord.threads.access import (
    action_items_visible_to,
    attachments_of,
    can_invite,
    can_manage_ladder,
    get_action_item_for_user,
    get_attachment_for_user,
    get_post_for_user,
    get_program_for_ladder,
    get_program_for_threads,
    get_thread_for_user,
    invitable_organisations,
    invitations_of,
    items_of_thread,
    ladder_steps_of,
    posts_of,
    revisions_of,
    threads_visible_to,
)
from accord.threads.actions import create_action_item, is_overdue, update_action_item
from accord.threads.eligibility import mentionable_for
from accord.threads.escalation import DEFAULT_LADDER, set_ladder
from accord.threads.models import ActionItem, ActionStatus, Thread, ThreadStatus
from accord.threads.render import render_body
from accord.threads.subjects import names_of, subject_kinds
from accord.threads.targets import action_item_url
from accord.threads.thread_forms import (
    ActionFilterForm,
    ActionItemForm,
    ActionStatusForm,
    InviteForm,
    LadderForm,
    PostEditForm,
    PostForm,
    ThreadCreateForm,
    ThreadFilterForm,
    ThreadStatusForm,
)
from accord.threads.thread_services import (
    POST_FILE_KINDS,
    add_post,
    create_thread,
    edit_post,
    invite_organisation,
    post_file_max_mb,
    update_thread,
)
from accord.web.pages import form_page
from accord.web.tables import (
    EXPORT_CAP,
    export_table,
    paginate,
    parse_sort,
    person,
    requested_export,
)

THREAD_SORTS = {
    "title": "title",
    "status": "status",
    "kind": "subject_kind",
    "next_update": "next_update",
    "updated": "updated_at",
}
ACTION_SORTS = {"due": "due_date", "title": "title", "status": "status", "program": "program__code"}
THREAD_HEADERS = ["Title", "Subject kind", "Subject id", "Status", "Next update", "Updated"]
ACTION_HEADERS = ["Title", "Program", "Thread", "Due date", "Status", "Overdue", "Created by"]


def _kinds() -> list[tuple[str, str]]:
    return [(kind, entry.label) for kind, entry in subject_kinds().items()]


def _show_error(form: Any, error: DomainError) -> None:
    detail = error.detail if isinstance(error.detail, dict) else {}
    name = str(detail.get("field", ""))
    form.add_error(name if name in form.fields else None, error.message)


def _thread_rows(rows: QuerySet[Thread]) -> Iterator[list[Any]]:
    for t in rows.iterator(chunk_size=500):
        yield [
            t.title,
            t.subject_kind,
            t.subject_id,
            str(ThreadStatus(t.status).label),
            t.next_update,
            t.updated_at.date(),
        ]


@login_required
@require_GET
def thread_list(request: HttpRequest, program_id: int) -> HttpResponse:
    user = person(request)
    program = get_program_for_threads(user, program_id)
    filters = ThreadFilterForm(request.GET, kinds=_kinds())
    filters.is_valid()
    wanted = getattr(filters, "cleaned_data", {})
    rows = threads_visible_to(user).filter(program=program)
    if wanted.get("status"):
        rows = rows.filter(status=wanted["status"])
    if wanted.get("kind"):
        rows = rows.filter(subject_kind=wanted["kind"])
    if q := (wanted.get("q") or "").strip():
        rows = rows.filter(title__icontains=q)
    sort, order = parse_sort(request, THREAD_SORTS, "-updated")
    rows = rows.order_by(order, "pk")
    fmt = requested_export(request)
    if fmt:
        return export_table(fmt, f"threads-{program.code}", THREAD_HEADERS, _thread_rows(rows))
    page_obj = paginate(request, rows)
    labels = dict(_kinds())
    return render(
        request,
        "threads/thread_list.html",
        {
            "program": program,
            "page_obj": page_obj,
            "sort": sort,
            "filters": filters,
            "labels": labels,
            "export_capped": page_obj.paginator.count > EXPORT_CAP,
            "export_cap": EXPORT_CAP,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def thread_create(request: HttpRequest, program_id: int) -> HttpResponse:
    user = person(request)
    program = get_program_for_threads(user, program_id)
    initial = {"subject_kind": request.GET.get("kind", ""), "subject_id": request.GET.get("id")}
    form = ThreadCreateForm(request.POST or None, kinds=_kinds(), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            thread = create_thread(
                actor=user,
                program=program,
                subject_kind_name=data["subject_kind"],
                subject_id=data["subject_id"],
                title=data["title"],
                status=data["status"],
                next_update=data.get("next_update"),
            )
        except FORM_ERRORS as error:
            _show_error(form, error)
        else:
            messages.success(request, "The thread is open.")
            return redirect("thread_detail", thread.pk)
    list_url = reverse("thread_list", args=[program.pk])
    return form_page(
        request,
        form=form,
        title=f"Open a thread in {program.name}",
        action=reverse("thread_create", args=[program.pk]),
        submit="Open the thread",
        cancel_url=list_url,
        breadcrumbs=[(f"Threads of {program.name}", list_url)],
    )


def _detail(
    request: HttpRequest,
    thread: Thread,
    *,
    post_form: PostForm | None = None,
    item_form: ActionItemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = person(request)
    posts = list(posts_of(user, thread))
    files = attachments_of(user, posts)
    subject = names_of(user, [(thread.subject_kind, thread.subject_id)]).get(
        (thread.subject_kind, thread.subject_id)
    )
    now = timezone.now()
    items = list(items_of_thread(user, thread))
    for item in items:
        overdue = is_overdue(item, now)
        setattr(item, "overdue", overdue)  # noqa: B010 - shown by the template
        setattr(item, "may_change", user.pk in (item.owner_id, item.created_by_id))  # noqa: B010
    inviter = can_invite(user, thread)
    return render(
        request,
        "threads/thread_detail.html",
        {
            "thread": thread,
            "subject": subject,
            "kind_label": subject_kinds()[thread.subject_kind].label
            if thread.subject_kind in subject_kinds()
            else thread.subject_kind,
            "posts": [(p, render_body(p.body), files.get(p.pk, [])) for p in posts],
            "items": items,
            "mentionable": mentionable_for(user, thread),
            "invitations": invitations_of(user, thread),
            "invitable": invitable_organisations(user, thread) if inviter else [],
            "status_form": ThreadStatusForm(
                initial={"status": thread.status, "next_update": thread.next_update}
            ),
            "post_form": post_form or PostForm(),
            "item_form": item_form or ActionItemForm(),
            "file_kinds": ", ".join(k.removeprefix(".") for k in POST_FILE_KINDS),
            "file_mb": post_file_max_mb(),
            "user_id": user.pk,
            "action_statuses": ActionStatus.choices,
        },
        status=status,
    )


@login_required
@require_GET
def thread_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_thread_for_user(person(request), pk))


@login_required
@require_POST
def thread_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    thread = get_thread_for_user(user, pk, write=True)
    form = ThreadStatusForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(" ".join(str(e) for errors in form.errors.values() for e in errors))
    update_thread(
        actor=user,
        thread=thread,
        status=form.cleaned_data["status"],
        next_update=form.cleaned_data.get("next_update"),
    )
    messages.success(request, "Saved the thread's status.")
    return redirect("thread_detail", thread.pk)


@login_required
@require_POST
def thread_invite(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    thread = get_thread_for_user(user, pk, write=True)
    form = InviteForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(
            "organisation: choose an organisation.", detail={"field": "organisation"}
        )
    invitation = invite_organisation(
        actor=user, thread=thread, organisation_id=form.cleaned_data["organisation"]
    )
    messages.success(request, f"Invited {invitation.organisation.name}.")
    return redirect("thread_detail", thread.pk)


@login_required
@require_POST
def thread_post(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    thread = get_thread_for_user(user, pk, write=True)
    form = PostForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            files = [
                read_upload(f, kinds=POST_FILE_KINDS, field="files", max_mb=post_file_max_mb())
                for f in request.FILES.getlist("files")
            ]
            add_post(
                actor=user,
                thread=thread,
                body=form.cleaned_data["body"],
                internal=form.cleaned_data["internal"],
                files=files,
            )
        except FORM_ERRORS as error:
            _show_error(form, error)
        else:
            return redirect("thread_detail", thread.pk)
    return _detail(request, thread, post_form=form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    post = get_post_for_user(user, pk, write=True)
    form = PostEditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        try:
            edit_post(actor=user, post=post, body=form.cleaned_data["body"])
        except FORM_ERRORS as error:
            _show_error(form, error)
        else:
            messages.success(request, "Saved; the earlier text is in the post's history.")
            return redirect("thread_detail", post.thread_id)
    thread_url = reverse("thread_detail", args=[post.thread_id])
    return form_page(
        request,
        form=form,
        title="Edit your post",
        lede="The earlier text stays in the post's history.",
        action=reverse("post_edit", args=[post.pk]),
        submit="Save",
        cancel_url=thread_url,
        breadcrumbs=[(post.thread.title, thread_url)],
    )


@login_required
@require_GET
def post_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    post = get_post_for_user(user, pk)
    revisions = [(r, render_body(r.body)) for r in revisions_of(user, post)]
    return render(
        request,
        "threads/post_history.html",
        {"post": post, "current": render_body(post.body), "revisions": revisions},
    )


@login_required
@require_GET
def post_attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    return file_response(
        get_attachment_for_user(person(request), pk, channel="web", path=request.path)
    )


@login_required
@require_POST
def action_item_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    thread = get_thread_for_user(user, pk, write=True)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        try:
            create_action_item(
                actor=user,
                thread=thread,
                title=form.cleaned_data["title"],
                owner=form.cleaned_data["owner"],
                due_date=form.cleaned_data["due_date"],
            )
        except FORM_ERRORS as error:
            _show_error(form, error)
        else:
            messages.success(request, "Added the action item; its owner is told.")
            return redirect("thread_detail", thread.pk)
    return _detail(request, thread, item_form=form, status=422)


@login_required
@require_POST
def action_item_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    item = get_action_item_for_user(user, pk, write=True)
    form = ActionStatusForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("status: one of open, done, cancelled.", detail={"field": "status"})
    update_action_item(actor=user, item=item, status=form.cleaned_data["status"])
    messages.success(request, f"{item.title}: {ActionStatus(item.status).label.lower()}.")
    if request.POST.get("next") == "mine":
        return redirect("my_action_items")
    # An item of a check-in goes back to its check-in (threads/targets.py says where).
    return redirect(action_item_url(item))


def _action_rows(rows: QuerySet[ActionItem]) -> Iterator[list[Any]]:
    now = timezone.now()
    for item in rows.iterator(chunk_size=500):
        overdue = is_overdue(item, now)
        yield [
            item.title,
            item.program.code,
            item.thread.title if item.thread else "",
            item.due_date,
            str(ActionStatus(item.status).label),
            "yes" if overdue else "no",
            item.created_by.username if item.created_by else "",
        ]


@login_required
@require_GET
def my_action_items(request: HttpRequest) -> HttpResponse:
    user = person(request)
    filters = ActionFilterForm(request.GET)
    filters.is_valid()
    wanted = getattr(filters, "cleaned_data", {})
    rows = (
        action_items_visible_to(user)
        .filter(owner_id=user.pk)
        .select_related("owner", "program", "thread", "created_by")
    )
    if wanted.get("status"):
        rows = rows.filter(status=wanted["status"])
    sort, order = parse_sort(request, ACTION_SORTS, "due")
    rows = rows.order_by(order, "pk")
    fmt = requested_export(request)
    if fmt:
        return export_table(fmt, "my-action-items", ACTION_HEADERS, _action_rows(rows))
    page_obj = paginate(request, rows)
    today = local_day(user, timezone.now())
    return render(
        request,
        "threads/my_action_items.html",
        {
            "page_obj": page_obj,
            "sort": sort,
            "filters": filters,
            "today": today,
            "export_capped": page_obj.paginator.count > EXPORT_CAP,
            "export_cap": EXPORT_CAP,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def escalation_ladder(request: HttpRequest, program_id: int) -> HttpResponse:
    user = person(request)
    program = get_program_for_ladder(user, program_id, write=request.method == "POST")
    steps = [(s.days, s.target) for s in ladder_steps_of(user, program)] or list(DEFAULT_LADDER)
    form = LadderForm(
        request.POST or None, initial={"steps": "\n".join(f"{d}:{t}" for d, t in steps)}
    )
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data.get("steps") or ""
        try:
            set_ladder(
                actor=user,
                program=program,
                steps=[s for s in text.replace(",", "\n").splitlines() if s.strip()],
            )
        except FORM_ERRORS as error:
            _show_error(form, error)
        else:
            messages.success(request, "Saved the escalation ladder.")
            return redirect("escalation_ladder", program.pk)
    if request.method == "GET" and not can_manage_ladder(user, program):
        return render(
            request, "threads/ladder.html", {"program": program, "steps": steps}, status=200
        )
    return form_page(
        request,
        form=form,
        title=f"Escalation ladder of {program.name}",
        lede="Open overdue action items go to each step once, counted in days after the due "
        "date in the owner's time zone.",
        action=reverse("escalation_ladder", args=[program.pk]),
        submit="Save the ladder",
        cancel_url=reverse("thread_list", args=[program.pk]),
    )
