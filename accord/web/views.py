"""Sign in and out, the dashboard, and the friendly 404 and 500 pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from accord.core.errors import Forbidden, NotFound, TooManyRequests
from accord.core.services import check_login_allowed, clear_failed_logins, record_failed_login
from accord.orgs.access import events_visible_to
from accord.orgs.views import program_overview
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


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = person(request)
    part_stats = parts_visible_to(user).aggregate(
        total=Count("pk"),
        single=Count("pk", filter=Q(visible_source_count=1)),
        none=Count("pk", filter=Q(visible_source_count=0)),
        **{state: Count("pk", filter=Q(visible_lifecycle=state)) for state in Lifecycle.at_risk()},
    )
    context = {
        "programs": program_overview(user).order_by("name"),
        "events": events_visible_to(user).select_related("organisation")[:DASHBOARD_EVENTS],
        "part_stats": part_stats,
        "bom_count": boms_visible_to(user).count(),
    }
    return render(request, "web/dashboard.html", context)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Unknown addresses read exactly like objects the person may not see."""
    return render(request, "web/error.html", {"error": NotFound()}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """No context processors, no database: this page must render when everything else fails."""
    return HttpResponseServerError(loader.get_template("web/500.html").render())


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """For settings.CSRF_FAILURE_VIEW: Django's own page carries an inline style the CSP blocks."""
    error = Forbidden(
        "This form was refused because its security token is missing or out of date, for"
        " example after signing in again in another tab. Go back, reload the page and try again."
    )
    return render(request, "web/error.html", {"error": error}, status=403)
