"""Personal API tokens, the organisation's access log and the event list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.access import access_log_for_reviewer, tokens_visible_to
from accord.core.errors import Conflict, InvalidInput
from accord.core.forms import AccordForm
from accord.core.models import ApiToken
from accord.core.services import create_api_token, revoke_api_token
from accord.orgs.access import events_visible_to, programs_visible_to
from accord.web.display import changes_text
from accord.web.tables import export_table, paginate, parse_sort, person, requested_export

TOKEN_LIFETIMES = [("", "Never"), ("30", "30 days"), ("90", "90 days"), ("365", "1 year")]
ACCESS_LOG_SORTS = {
    "when": "created_at",
    "reader": "reader__last_name",
    "organisation": "reader_organisation__name",
    "object": "object_repr",
    "rows": "row_count",
    "channel": "channel",
}


def _choices(rows: Iterable[tuple[Any, str]], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((str(pk), name) for pk, name in rows)]


class TokenForm(AccordForm):
    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="What will use it, e.g. “ERP nightly export”.",
    )
    expires_in = forms.ChoiceField(
        choices=TOKEN_LIFETIMES, required=False, label="Expires after", initial=""
    )

    def expires_at(self) -> dt.datetime | None:
        days = self.cleaned_data.get("expires_in")
        return timezone.now() + dt.timedelta(days=int(days)) if days else None


class AccessLogFilterForm(AccordForm):
    organisation = forms.ChoiceField(required=False, label="Reader's organisation")
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, organisations: Iterable[tuple[Any, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = _choices(organisations, "All organisations")  # type: ignore[attr-defined]


class EventFilterForm(AccordForm):
    program = forms.ChoiceField(required=False, label="Program")

    def __init__(self, *args: Any, programs: Iterable[tuple[Any, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = _choices(programs, "All programs")  # type: ignore[attr-defined]


def _token_state(token: ApiToken, now: dt.datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """GET lists the person's tokens; POST creates one and shows its secret this once."""
    user = person(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    secret, created, status = "", None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, secret = create_api_token(
                    actor=user, name=form.cleaned_data["name"], expires_at=form.expires_at()
                )
            except InvalidInput as error:
                form.add_error("name", error.message)
                status = 422
            else:
                form = TokenForm()
        else:
            status = 422
    now = timezone.now()
    tokens = [(t, _token_state(t, now)) for t in tokens_visible_to(user).order_by("-created_at")]
    context = {"form": form, "tokens": tokens, "created": created, "secret": secret}
    response = render(request, "core/token_list.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = revoke_api_token(actor=person(request), token_id=pk)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Revoked {token.name}. Scripts using it are refused from now.")
    return redirect("token_list")


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    """Who read the organisation's restricted data. Administrators only; others get 404."""
    entries = access_log_for_reviewer(person(request))
    readers = (
        entries.order_by("reader_organisation__name")
        .values_list("reader_organisation_id", "reader_organisation__name")
        .distinct()
    )
    form = AccessLogFilterForm(request.GET, organisations=list(readers))
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    if filters.get("organisation"):
        entries = entries.filter(reader_organisation_id=filters["organisation"])
    if filters.get("since"):
        entries = entries.filter(created_at__date__gte=filters["since"])
    if filters.get("until"):
        entries = entries.filter(created_at__date__lte=filters["until"])
    sort, order = parse_sort(request, ACCESS_LOG_SORTS, "-when")
    entries = entries.order_by(order, "-pk")
    fmt = requested_export(request)
    if fmt:
        headers = [
            "When (UTC)",
            "Person",
            "Organisation",
            "What was read",
            "Type",
            "Rows",
            "Program",
            "Channel",
        ]
        rows = (
            [
                e.created_at.astimezone(dt.UTC).replace(tzinfo=None),
                str(e.reader),
                e.reader_organisation.name,
                e.what,
                e.kind,
                e.row_count,
                e.program.name if e.program else "",
                e.channel,
            ]
            for e in entries.iterator(chunk_size=2000)
        )
        return export_table(fmt, "access-log", headers, rows)
    context = {"form": form, "sort": sort, "page_obj": paginate(request, entries)}
    return render(request, "core/access_log.html", context)


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    user = person(request)
    programs = programs_visible_to(user).order_by("name").values_list("pk", "name")
    form = EventFilterForm(request.GET, programs=list(programs))
    form.is_valid()
    events = events_visible_to(user).select_related("organisation")
    if program := getattr(form, "cleaned_data", {}).get("program"):
        events = events.filter(program_id=program)
    fmt = requested_export(request)
    if fmt:
        headers = ["When (UTC)", "Who", "Organisation", "Action", "Object", "Program", "Details"]
        rows = (
            [
                e.created_at.astimezone(dt.UTC).replace(tzinfo=None),
                str(e.actor) if e.actor else "System",
                e.organisation.name if e.organisation else "",
                e.verb,
                e.object_repr,
                e.program.name if e.program else "",
                changes_text(e.changes, limit=2000),
            ]
            for e in events.iterator(chunk_size=2000)
        )
        return export_table(fmt, "events", headers, rows)
    return render(
        request, "core/event_list.html", {"form": form, "page_obj": paginate(request, events)}
    )
