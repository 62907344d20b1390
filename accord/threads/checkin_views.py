"""Check-in pages: a program's check-ins (sortable, CSV/XLSX), opening one, the check-in page
(agenda with notes, decisions, action items, participants; close), and its minutes as CSV or
XLSX. Everything under a check-in one may not see is 404."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import FORM_ERRORS, DomainError, InvalidInput
from accord.threads.actions import create_action_item, is_overdue
from accord.threads.checkin_access import (
    checkins_of_program,
    chosen_partner,
    eligible_people,
    get_agenda_item_for_user,
    get_checkin_for_user,
    get_program_for_checkins,
    partners_for_checkins,
)
from accord.threads.checkin_forms import (
    AgendaLineForm,
    AgendaNoteForm,
    CheckInActionForm,
    CheckInFilterForm,
    CheckInOpenForm,
    DecisionForm,
    ParticipantForm,
    RemoveParticipantForm,
)
from accord.threads.checkin_minutes import (
    MINUTES_HEADERS,
    log_restricted_reads,
    minutes_filename,
    minutes_of,
    minutes_rows,
)
from accord.threads.checkins import (
    add_agenda_item,
    add_participant,
    close_checkin,
    current_week,
    open_checkin,
    record_decision,
    remove_participant,
    update_agenda_item,
)
from accord.threads.models import ActionStatus, AgendaKind, CheckIn, CheckInStatus
from accord.web.pages import form_page
from accord.web.tables import (
    EXPORT_CAP,
    export_table,
    paginate,
    parse_sort,
    person,
    requested_export,
)

CHECKIN_SORTS = {
    "week": "week",
    "partner": "partner__name",
    "status": "status",
    "opened": "opened_at",
}
CHECKIN_HEADERS = ["Week", "Partner", "Status", "Opened by", "Opened", "Closed"]


def _show_error(form: Any, error: DomainError) -> None:
    detail = error.detail if isinstance(error.detail, dict) else {}
    name = str(detail.get("field", ""))
    form.add_error(name if name in form.fields else None, error.message)


def _rows(rows: QuerySet[CheckIn]) -> Iterator[list[Any]]:
    for c in rows.iterator(chunk_size=500):
        yield [
            c.week,
            c.partner.name,
            str(CheckInStatus(c.status).label),
            c.opened_by.username if c.opened_by else "",
            c.opened_at.date(),
            c.closed_at.date() if c.closed_at else None,
        ]


@login_required
@require_GET
def checkin_list(request: HttpRequest, program_id: int) -> HttpResponse:
    user = person(request)
    program = get_program_for_checkins(user, program_id)
    filters = CheckInFilterForm(request.GET)
    filters.is_valid()
    wanted = getattr(filters, "cleaned_data", {})
    rows = checkins_of_program(user, program).select_related("partner", "opened_by")
    if wanted.get("status"):
        rows = rows.filter(status=wanted["status"])
    sort, order = parse_sort(request, CHECKIN_SORTS, "-week")
    rows = rows.order_by(order, "partner__name", "pk")
    fmt = requested_export(request)
    if fmt:
        return export_table(fmt, f"checkins-{program.code}", CHECKIN_HEADERS, _rows(rows))
    page_obj = paginate(request, rows)
    return render(
        request,
        "threads/checkin_list.html",
        {
            "program": program,
            "page_obj": page_obj,
            "sort": sort,
            "filters": filters,
            "may_open": partners_for_checkins(user, program).exists(),
            "export_capped": page_obj.paginator.count > EXPORT_CAP,
            "export_cap": EXPORT_CAP,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin_open(request: HttpRequest, program_id: int) -> HttpResponse:
    user = person(request)
    program = get_program_for_checkins(user, program_id)
    partners = [(str(o.pk), o.name) for o in partners_for_checkins(user, program)]
    form = CheckInOpenForm(
        request.POST or None, partners=partners, initial={"week": current_week()}
    )
    status = None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                partner = chosen_partner(user, program, data["partner"])
                checkin = open_checkin(
                    actor=user, program=program, partner=partner, week=data["week"]
                )
            except FORM_ERRORS as error:
                _show_error(form, error)
            else:
                messages.success(request, "The check-in is open; its agenda is computed.")
                return redirect("checkin_detail", checkin.pk)
    list_url = reverse("checkin_list", args=[program.pk])
    return form_page(
        request,
        form=form,
        title=f"Open a check-in of {program.name}",
        lede="The agenda is computed now from the program: overdue and due action items, "
        "threads waiting on either side, coming shortages, expiring certificates, gaps and "
        "open audit findings; only what every participant may see is on it.",
        action=reverse("checkin_open", args=[program.pk]),
        submit="Open the check-in",
        cancel_url=list_url,
        breadcrumbs=[(f"Check-ins of {program.name}", list_url)],
        status=status,
    )


def _detail(
    request: HttpRequest, checkin: CheckIn, *, bound: Any = None, status: int = 200
) -> HttpResponse:
    user = person(request)
    minutes = minutes_of(user, checkin)
    log_restricted_reads(user, minutes, channel="web", path=request.path)
    now = timezone.now()
    for item in minutes.actions:
        setattr(item, "overdue", is_overdue(item, now))  # noqa: B010 - shown by the template
        setattr(item, "may_change", user.pk in (item.owner_id, item.created_by_id))  # noqa: B010
    taking_part = {p.pk for p in minutes.participants}
    candidates = [p for p in eligible_people(checkin.program, checkin.partner_id)]
    forms: dict[str, Any] = {
        "line_form": AgendaLineForm(),
        "decision_form": DecisionForm(),
        "action_form": CheckInActionForm(),
        "participant_form": ParticipantForm(),
    }
    if bound is not None:
        forms[bound[0]] = bound[1]
    agenda = [
        (
            item,
            AgendaKind(item.kind).label,
            AgendaNoteForm(
                initial={"note": item.note, "resolved": item.resolved},
                auto_id=f"note-{item.pk}-%s",
            ),
        )
        for item in minutes.agenda
    ]
    return render(
        request,
        "threads/checkin_detail.html",
        {
            "checkin": checkin,
            "open": checkin.status == CheckInStatus.OPEN,
            "agenda": agenda,
            "decisions": minutes.decisions,
            "actions": minutes.actions,
            "participants": minutes.participants,
            "action_statuses": ActionStatus.choices,
            "addable": [p for p in candidates if p.pk not in taking_part],
            **forms,
        },
        status=status,
    )


@login_required
@require_GET
def checkin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_checkin_for_user(person(request), pk))


def _post(request: HttpRequest, pk: int, name: str, form: Any, write: Any) -> HttpResponse:
    """A form of the check-in page: the write on success, else the page again with the errors
    (422). A closed check-in answers 409 (Conflict, shown by the error page)."""
    user = person(request)
    checkin = get_checkin_for_user(user, pk, write=True)
    if form.is_valid():
        try:
            message = write(user, checkin, form.cleaned_data)
        except InvalidInput as error:
            _show_error(form, error)
        else:
            messages.success(request, message)
            return redirect("checkin_detail", checkin.pk)
    return _detail(request, checkin, bound=(name, form), status=422)


@login_required
@require_POST
def checkin_line(request: HttpRequest, pk: int) -> HttpResponse:
    def write(user: Any, checkin: CheckIn, data: dict[str, Any]) -> str:
        add_agenda_item(actor=user, checkin=checkin, text=data["line"])
        return "Added to the agenda."

    return _post(request, pk, "line_form", AgendaLineForm(request.POST), write)


@login_required
@require_POST
def checkin_decision(request: HttpRequest, pk: int) -> HttpResponse:
    def write(user: Any, checkin: CheckIn, data: dict[str, Any]) -> str:
        record_decision(actor=user, checkin=checkin, text=data["decision"])
        return "Recorded the decision."

    return _post(request, pk, "decision_form", DecisionForm(request.POST), write)


@login_required
@require_POST
def checkin_action(request: HttpRequest, pk: int) -> HttpResponse:
    def write(user: Any, checkin: CheckIn, data: dict[str, Any]) -> str:
        create_action_item(
            actor=user,
            checkin=checkin,
            title=data["title"],
            owner=data["owner"],
            due_date=data["due_date"],
        )
        return "Added the action item; its owner is told."

    return _post(request, pk, "action_form", CheckInActionForm(request.POST), write)


@login_required
@require_POST
def checkin_participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    def write(user: Any, checkin: CheckIn, data: dict[str, Any]) -> str:
        added = add_participant(actor=user, checkin=checkin, username=data["username"])
        return f"@{added.username} takes part."

    return _post(request, pk, "participant_form", ParticipantForm(request.POST), write)


@login_required
@require_POST
def checkin_participant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    checkin = get_checkin_for_user(user, pk, write=True)
    form = RemoveParticipantForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("person: choose a participant.", detail={"field": "person"})
    remove_participant(actor=user, checkin=checkin, person_id=form.cleaned_data["person"])
    messages.success(request, "Removed the participant.")
    return redirect("checkin_detail", checkin.pk)


@login_required
@require_POST
def checkin_item_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    item = get_agenda_item_for_user(user, pk)
    form = AgendaNoteForm(request.POST)
    if not form.is_valid():
        raise InvalidInput(" ".join(str(e) for errors in form.errors.values() for e in errors))
    update_agenda_item(
        actor=user,
        item=item,
        note=form.cleaned_data.get("note") or "",
        resolved=form.cleaned_data["resolved"] if item.kind == AgendaKind.MANUAL else None,
    )
    messages.success(request, "Saved the agenda item.")
    return redirect(reverse("checkin_detail", args=[item.checkin_id]) + f"#agenda-{item.pk}")


@login_required
@require_POST
def checkin_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    checkin = get_checkin_for_user(user, pk, write=True)
    close_checkin(actor=user, checkin=checkin)
    messages.success(request, "Closed: the check-in is frozen and its minutes are on their way.")
    return redirect("checkin_detail", checkin.pk)


@login_required
@require_GET
def checkin_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    checkin = get_checkin_for_user(user, pk)
    fmt = requested_export(request) or "csv"
    minutes = minutes_of(user, checkin)
    log_restricted_reads(user, minutes, channel="export", path=request.path)
    return export_table(fmt, minutes_filename(checkin), MINUTES_HEADERS, minutes_rows(minutes))
