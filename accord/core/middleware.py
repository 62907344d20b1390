from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from accord.core.access import request_memo
from accord.core.errors import DomainError


class AccessMemoMiddleware:
    """Each request works out a person's programs and NDAs once (accord.core.access.memoised),
    however many access checks it makes; the memo ends with the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_memo():
            return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Pages load nothing but our own static files: no inline script, no CDN."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class DomainErrorMiddleware:
    """A DomainError raised under a page becomes the same message with the right status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        return render(
            request,
            "web/error.html",
            {"error": exception},
            status=exception.http_status,
        )


class RequestSizeLimitMiddleware:
    """Refuse a body larger than ACCORD_MAX_UPLOAD_MB with 413, before reading any of it.

    Django limits only the non-file part of a request (DATA_UPLOAD_MAX_MEMORY_SIZE): a file in a
    multipart body of any size would otherwise be streamed to a temporary file. The margin
    leaves room for the multipart boundaries and the form's other fields.
    """

    MARGIN = 256 * 1024

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit + self.MARGIN:
            error = DomainError(
                f"The upload is larger than {settings.MAX_UPLOAD_MB} MB.",
                code="too_large",
                http_status=413,
                detail={"max_mb": settings.MAX_UPLOAD_MB},
            )
            if request.path.startswith("/api/"):
                return JsonResponse(error.as_dict(), status=error.http_status)
            return HttpResponse(
                error.message, status=error.http_status, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
