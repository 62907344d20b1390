"""Every API error is JSON {"code", "message", "detail"} with the matching HTTP status."""

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    UnreadablePostError,
)
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.responses import NinjaJSONEncoder

from accord.core.errors import DomainError

logger = logging.getLogger("accord.api")

JSON_CONTENT_TYPE = "application/json; charset=utf-8"

# Codes for errors raised by ninja itself (authentication, body parsing, throttling).
HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "rate_limited",
}


def error_response(
    status: int, code: str, message: str, detail: Any = None, **headers: str
) -> HttpResponse:
    body = json.dumps({"code": code, "message": message, "detail": detail}, cls=NinjaJSONEncoder)
    response = HttpResponse(body, status=status, content_type=JSON_CONTENT_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(exc.http_status, exc.code, exc.message, exc.detail)


# Where ninja puts each kind of input in an error's loc; the rest of the loc is the field.
_LOC_SOURCES = frozenset({"body", "query", "path", "form", "file", "header", "cookie"})


def _field_name(loc: list[Any]) -> str:
    """ "lines.2.notes" for ["body", "payload", "lines", 2, "notes"]."""
    parts = list(loc)
    if parts and parts[0] in _LOC_SOURCES:
        parts = parts[1:]
        # ninja names a body or form model after the view's argument ("payload", "form").
        if len(parts) > 1 and isinstance(parts[0], str) and parts[0] in {"payload", "form"}:
            parts = parts[1:]
    return ".".join(str(p) for p in parts)


def _error_text(error: dict[str, Any]) -> str:
    if error.get("type") == "extra_forbidden":
        return "Unknown field: this operation does not take it."
    # A ValueError raised by our validators (the text rule, "give either...") reads as is.
    return str(error.get("msg", "")).removeprefix("Value error, ")


def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """422 listing each field that failed: where it is, what is wrong, pydantic's error type.
    The message names the fields too, for a person reading a log."""
    fields: list[dict[str, Any]] = [
        {"loc": list(error.get("loc", ())), "msg": _error_text(error), "type": error.get("type")}
        for error in exc.errors
    ]
    named = [f"{_field_name(f['loc']) or 'body'}: {f['msg']}" for f in fields[:5]]
    more = f" (and {len(fields) - 5} more)" if len(fields) > 5 else ""
    message = "The request is not valid. " + " ".join(named) + more
    return error_response(422, "invalid", message.strip(), fields)


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = HTTP_ERROR_CODES.get(exc.status_code, "error")
    message = str(exc)
    if exc.status_code == 401:
        message = "Sign in, or send a personal API token: Authorization: Bearer acc_..."
    elif exc.status_code == 400:
        message = "The request body must be a JSON object."
    return error_response(exc.status_code, code, message)


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(404, "not_found", "Not found.")


def _permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(403, "forbidden", "You may not do this.")


def _suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Django answers 400 for these too (oversized body, too many fields, bad host...).
    return error_response(400, "bad_request", "The request was refused.")


def _unreadable_body(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A malformed or truncated multipart body (no boundary, a header past Django's limits, no
    # closing boundary: accord/core/uploads.py), or a client that went away mid-upload.
    return error_response(
        400,
        "bad_request",
        "The request body could not be read: send multipart/form-data with its boundary, "
        "complete, with file names of at most a few hundred characters.",
    )


def _django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return error_response(422, "invalid", "; ".join(exc.messages), exc.messages)


def _integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Services check uniqueness first; this is the loser of a race between two writers.
    logger.warning("Integrity error under %s: %s", request.path, exc)
    return error_response(409, "conflict", "This conflicts with data saved at the same time.")


def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled error under %s", request.path, exc_info=exc)
    return error_response(500, "server_error", "Something went wrong on our side.")


class JsonObjectParser(Parser):
    """Request bodies are JSON objects; anything else (null, a list, a number) is a 400."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("The request body must be a JSON object.")
        return data


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (which answer HTML or tracebacks) with JSON ones."""
    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (Exception, _server_error),
        (DomainError, _domain_error),
        (NinjaValidationError, _validation_error),
        (HttpError, _http_error),
        (Http404, _not_found),
        (PermissionDenied, _permission_denied),
        (SuspiciousOperation, _suspicious),
        (MultiPartParserError, _unreadable_body),
        (UnreadablePostError, _unreadable_body),
        (DjangoValidationError, _django_validation_error),
        (IntegrityError, _integrity_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)


def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Unknown paths under /api/v1/ answer JSON, not the site's HTML 404 page."""
    return error_response(404, "not_found", "There is no such API endpoint.")


def json_method_not_allowed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Ninja answers an unsupported method with a plain-text 405; make it JSON."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return error_response(
                405,
                "method_not_allowed",
                f"{request.method} is not allowed here.",
                Allow=response["Allow"],
            )
        return response

    return wrapper
