from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from accord.core.errors import DomainError
from accord.core.memo import request_memo


class AccessMemoMiddleware:
    """Each request works out a person's programs and NDAs once (accord.core.memo.memoised),
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


# Room for the multipart boundaries and the form's other fields beside an upload at the limit.
BODY_LIMIT_MARGIN = 256 * 1024


def refused_body(
    *, content_length: str | None, transfer_encoding: str | None
) -> DomainError | None:
    """Why a request body may not be read at all, judged from its headers alone; else None.

    The size limit can only be enforced before reading when the length is announced, so a body
    without Content-Length (chunked transfer encoding) is refused with 411. Applied by
    RequestSizeLimitMiddleware and, before Django reads anything, by accord.server.guard.
    """
    if transfer_encoding:
        return DomainError(
            "A request body needs a Content-Length header; chunked transfer encoding is not"
            " accepted.",
            code="length_required",
            http_status=411,
        )
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(content_length or 0)
    except ValueError:
        length = 0
    if limit is not None and length > limit + BODY_LIMIT_MARGIN:
        return DomainError(
            f"The upload is larger than {settings.MAX_UPLOAD_MB} MB.",
            code="too_large",
            http_status=413,
            detail={"max_mb": settings.MAX_UPLOAD_MB},
        )
    return None


class RequestSizeLimitMiddleware:
    """Refuse a body larger than ACCORD_MAX_UPLOAD_MB with 413, before reading any of it.

    Django limits only the non-file part of a request (DATA_UPLOAD_MAX_MEMORY_SIZE): a file in a
    multipart body of any size would otherwise be streamed to a temporary file. A body without
    Content-Length answers 411 (see refused_body). Served by `accord serve`, the same rule has
    already been applied by the server's guard before the body was read.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        error = refused_body(
            content_length=request.META.get("CONTENT_LENGTH"),
            transfer_encoding=request.META.get("HTTP_TRANSFER_ENCODING"),
        )
        if error is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(error.as_dict(), status=error.http_status)
        return HttpResponse(
            error.message, status=error.http_status, content_type="text/plain; charset=utf-8"
        )
