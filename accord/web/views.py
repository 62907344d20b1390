"""Sign in and out, the dashboard, and the friendly 404 and 500 pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader

from accord.core.errors import DomainError, Forbidden, NotFound, TooManyRequests
from accord.core.services import check_login_allowed, clear_failed_logins, record_failed_login
from accord.orgs.access import (
    events_visible_to,
    ndas_visible_to,
    programs_visible_to,
    restricted_program_ids,
)
from accord.orgs.models import Nda, Person, Program
from accord.orgs.views import nda_state, program_overview
from accord.parts.access import boms_visible_to, parts_visible_to
from accord.parts.choices import Lifecycle
from accord.web.tables import person

DASHBOARD_EVENTS = 20


def client_ip(request: HttpRequest) -> str | None:
    """The peer address. Behind a proxy, the proxy sets REMOTE_ADDR (e.g. gunicorn's
    --forwarded-allow-ips); a client-supplied X-Forwarded-For is never trusted here."""
    return request.META.get("REMOTE_ADDR") or None


class SignInView(LoginView):
    """Django's sign-in, throttled: after too many failures for a name or an address, 429."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        try:
            check_login_allowed(username, client_ip(request))
        except TooManyRequests as error:
            context = self.get_context_data(form=AuthenticationForm(request), rate_limited=error)
            return self.render_to_response(context, status=error.http_status)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        record_failed_login(form.data.get("username", ""), client_ip(self.request))
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        clear_failed_logins(form.get_user().get_username())
        return super().form_valid(form)


@dataclass(frozen=True)
class RestrictedGap:
    """A program whose restricted data the person does not see, and the NDA that would open it."""

    program: Program
    last_nda: Nda | None
    last_nda_state: str


def restricted_gaps(user: Person) -> list[RestrictedGap]:
    """Programs of other owners the person is a member of without an NDA in force covering
    them: their BOMs and restricted parts are hidden, which an empty view must explain."""
    if user.organisation is None or user.organisation.is_seller:
        return []
    hidden = (
        programs_visible_to(user)
        .exclude(owner_id=user.organisation_id)
        .exclude(pk__in=restricted_program_ids(user))
        .select_related("owner")
        .order_by("name")
    )
    gaps = []
    for program in hidden:  # a person is a member of a handful of programs
        last = (
            ndas_visible_to(user)
            .filter(Q(party_a_id=program.owner_id) | Q(party_b_id=program.owner_id))
            .filter(Q(programs=program) | Q(covers_all_programs=True))
            .annotate(state=nda_state())
            .order_by(F("expiry_date").desc(nulls_first=True), "-pk")
            .first()
        )
        gaps.append(RestrictedGap(program, last, getattr(last, "state", "")))
    return gaps


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = person(request)
    own = Q(owner_id=user.organisation_id)
    part_stats = parts_visible_to(user).aggregate(
        total=Count("pk"),
        own=Count("pk", filter=own),
        shared=Count("pk", filter=~own),
        single=Count("pk", filter=Q(visible_source_count=1)),
        none=Count("pk", filter=Q(visible_source_count=0)),
        **{state: Count("pk", filter=Q(visible_lifecycle=state)) for state in Lifecycle.at_risk()},
    )
    context = {
        "programs": program_overview(user).order_by("name"),
        "events": events_visible_to(user).select_related("organisation")[:DASHBOARD_EVENTS],
        "part_stats": part_stats,
        "bom_count": boms_visible_to(user).count(),
        "is_seller": user.organisation is not None and user.organisation.is_seller,
        "gaps": restricted_gaps(user),
    }
    return render(request, "web/dashboard.html", context)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Unknown addresses read exactly like objects the person may not see."""
    return render(request, "web/error.html", {"error": NotFound()}, status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A request Django could not read (a malformed or truncated upload, a bad header): the
    site's page, or JSON under /api/ like every API error."""
    message = (
        "The request could not be read: the upload was incomplete or malformed. "
        "Go back and send it again."
    )
    if request.path.startswith("/api/"):
        from accord.api.errors import error_response

        return error_response(400, "bad_request", message)
    error = DomainError(message, code="bad_request", http_status=400)
    return render(request, "web/error.html", {"error": error}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """No context processors, no database: this page must render when everything else fails."""
    if request.path.startswith("/api/"):
        error = DomainError("Something went wrong on our side.", code="server_error")
        return JsonResponse(error.as_dict(), status=500)
    return HttpResponseServerError(loader.get_template("web/500.html").render())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """For settings.CSRF_FAILURE_VIEW: Django's own page carries an inline style the CSP blocks."""
    error = Forbidden(
        "This form was refused because its security token is missing or out of date, for"
        " example after signing in again in another tab. Go back, reload the page and try again."
    )
    return render(request, "web/error.html", {"error": error}, status=403)
