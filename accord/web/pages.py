"""Pages that are one form, or one link shown once: the same shape wherever they appear."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def form_page(
    request: HttpRequest,
    *,
    form: Any,
    title: str,
    action: str,
    submit: str,
    cancel_url: str = "",
    breadcrumbs: list[tuple[str, str]] | None = None,
    lede: str = "",
    multipart: bool = False,
    danger: bool = False,
    status: int | None = None,
) -> HttpResponse:
    """web/form_page.html: 200 to show the form, 422 when a POST came back to it.
    `breadcrumbs` are (label, url) pairs, the url a path of this site."""
    for label, url in breadcrumbs or []:
        # Swapped pairs printed paths as link text; every page is visited by the access
        # matrix, so a swap fails the suite instead of reaching a user.
        if not url.startswith("/") or label.startswith("/"):
            raise ValueError(f"Breadcrumbs are (label, url) pairs: got ({label!r}, {url!r}).")
    context = {
        "form": form,
        "title": title,
        "lede": lede,
        "action": action,
        "submit": submit,
        "cancel_url": cancel_url,
        "breadcrumbs": breadcrumbs or [],
        "multipart": multipart,
        "danger": danger,
    }
    if status is None:
        status = 422 if request.method == "POST" else 200
    return render(request, "web/form_page.html", context, status=status)


def one_time_link_page(
    request: HttpRequest,
    *,
    invitation: Any,
    path: str,
    title: str,
    lede: str,
    next_url: str,
    next_label: str,
) -> HttpResponse:
    """The sign-up link of an invitation, shown this once (201: something was created)."""
    response = render(
        request,
        "web/one_time_link.html",
        {
            "title": title,
            "lede": lede,
            "invitation": invitation,
            "link": request.build_absolute_uri(path),
            "emailed": settings.ACCORD_EMAIL_ENABLED,
            "next_url": next_url,
            "next_label": next_label,
        },
        status=201,
    )
    response["Cache-Control"] = "private, no-store"
    return response
