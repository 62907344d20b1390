"""The inbox (unread first, then the newest; each row shown only while its target may be seen),
the notification settings page, and the one-click unsubscribe of an e-mail's link (no sign-in:
the signed token names the person and the events)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import FORM_ERRORS
from accord.threads.inbox import inbox_rows, unread_count
from accord.threads.models import Channel, DigestFrequency
from accord.threads.notification_access import (
    get_mute_for_user,
    get_notification_for_user,
    mutes_of,
    preferences_of,
    settings_of,
)
from accord.threads.notification_forms import (
    NotificationSettingsForm,
    UnsubscribeForm,
    field_name,
)
from accord.threads.notification_services import (
    known_events,
    mark_all_read,
    mark_read,
    mute_group,
    read_unsubscribe_token,
    unmute,
    unsubscribe,
    update_notification_settings,
)
from accord.web.tables import person

PAGE_SIZE = 50


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return max(int(raw), 1) if raw.isdigit() else 1


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    user = person(request)
    page = _page_number(request)
    unread_only = request.GET.get("unread") == "1"
    rows = inbox_rows(
        user, unread_only=unread_only, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
    )
    return render(
        request,
        "threads/inbox.html",
        {
            "rows": rows[:PAGE_SIZE],
            "page": page,
            "has_next": len(rows) > PAGE_SIZE,
            "unread_only": unread_only,
            "unread": unread_count(user),
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    return redirect("inbox")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    mark_read(actor=user, notification=get_notification_for_user(user, pk))
    return _back(request)


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = mark_all_read(actor=person(request))
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return _back(request)


@login_required
@require_POST
def notification_mute(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    mute = mute_group(actor=user, notification=get_notification_for_user(user, pk))
    messages.success(request, f"Muted {mute.group_key}: no inbox entry or e-mail for it now.")
    return _back(request)


@login_required
@require_POST
def notification_unmute(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    unmute(actor=user, mute=get_mute_for_user(user, pk))
    messages.success(request, "Unmuted.")
    return redirect("notification_settings")


def _initial(user: Any) -> dict[str, Any]:
    current = settings_of(user)
    initial: dict[str, Any] = {
        "digest": current.digest if current else DigestFrequency.OFF,
        "time_zone": user.time_zone,
    }
    off = set(preferences_of(user).filter(enabled=False).values_list("event", "channel"))
    for event in known_events():
        for channel in Channel.values:
            initial[field_name(event, channel)] = (event, channel) not in off
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = person(request)
    form = NotificationSettingsForm(request.POST or None, initial=_initial(user))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                update_notification_settings(
                    actor=user,
                    digest=form.cleaned_data["digest"],
                    time_zone=form.cleaned_data["time_zone"],
                    preferences=form.preferences(),
                )
            except FORM_ERRORS as error:
                detail = error.detail if isinstance(error.detail, dict) else {}
                name = str(detail.get("field", ""))
                form.add_error(name if name in form.fields else None, error.message)
            else:
                messages.success(request, "Saved your notification settings.")
                return redirect("notification_settings")
    events = [
        (event, [form[field_name(event, channel)] for channel in Channel.values])
        for event in known_events()
    ]
    return render(
        request,
        "threads/notification_settings.html",
        {"form": form, "events": events, "mutes": list(mutes_of(user))},
        status=status,
    )


# The link of every e-mail. RFC 8058: mail programs POST to it without a session or a CSRF
# token ("List-Unsubscribe-Post"); a person clicking it sees a page with one button (link
# scanners that follow GETs do not unsubscribe anyone).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    who, events = read_unsubscribe_token(token)
    done = False
    if request.method == "POST":
        who, events = unsubscribe(token=token)
        done = True
    return render(
        request,
        "threads/unsubscribe.html",
        {"who": who, "events": events, "done": done, "form": UnsubscribeForm()},
    )
