"""The OpenAPI document declares every error an operation can answer, derived from the operation.

Rather than a list per operation (which the next operation would forget), the error responses
follow from what ninja knows about each operation, so an operation added later gets them too:

| status | declared when | why |
|---|---|---|
| 400 | it reads a body | not a JSON object (JsonObjectParser), unreadable multipart (uploads.py) |
| 401 | it needs authentication | no credentials, or a bad, expired or revoked token |
| 403 | its method is unsafe | CSRF check of a session, or a write the caller may not make |
| 404 | it has a path parameter or a body | what the caller may not see is 404, named anywhere |
| 409 | its method is unsafe | a duplicate, something already done, a concurrent write |
| 413 | it reads a body | larger than ACCORD_MAX_UPLOAD_MB, or past an importer's limits |
| 422 | it has any parameter or body | validation, and the services' InvalidInput |
| 429 | it is throttled | ninja throttles |

An operation that answers another error declares it itself, in `response=` (e.g.
`{200: ..., 404: ErrorOut}` for a list that exists only for administrators); every error uses
the ErrorOut schema. There is no catch-all "4XX": a fuzzer checks that each status it sees is
declared.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ninja.openapi.schema import OpenAPISchema

from accord.api.schemas import ErrorOut

if TYPE_CHECKING:
    from ninja import NinjaAPI
    from ninja.operation import Operation

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BODY_SOURCES = frozenset({"body", "form", "file"})

DESCRIPTIONS = {
    400: "The body is not a JSON object, or not readable multipart/form-data.",
    401: "Not authenticated: send a personal API token (Authorization: Bearer acc_...) or sign "
    "in; the token given is unknown, expired or revoked.",
    403: "Not allowed: the caller may see this but not do it, or the CSRF check of a browser "
    "session failed.",
    404: "Not found, or not visible to the caller (need-to-know): both answer the same.",
    409: "Conflicts with stored data: a duplicate, something already done, a concurrent write.",
    413: "Too large: past the upload limit or an importer's row, cell or size limits.",
    422: "Invalid input: each field in error is listed in detail (loc, msg, type).",
    429: "Too many requests: try again later.",
}


def error_statuses(operation: Operation) -> set[int]:
    """The 4xx statuses an operation can answer, from its auth, parameters, body and method."""
    sources = {model.__ninja_param_source__ for model in operation.models}
    has_body = bool(sources & BODY_SOURCES)
    unsafe = bool(set(operation.methods) & UNSAFE_METHODS)
    statuses: set[int] = set()
    if operation.auth_callbacks:
        statuses.add(401)
    if unsafe:
        statuses |= {403, 409}
    if "path" in sources or has_body:
        statuses.add(404)
    if has_body:
        statuses |= {400, 413}
    if sources or _declares_headers(operation):
        statuses.add(422)
    if getattr(operation, "throttle_objects", None):
        statuses.add(429)
    return statuses


def _declares_headers(operation: Operation) -> bool:
    extra = operation.openapi_extra or {}
    return any(p.get("in") == "header" for p in extra.get("parameters", []))


def error_response(status: int) -> dict[str, Any]:
    return {
        "description": DESCRIPTIONS.get(status, "Error: code, message and detail."),
        "content": {"application/json": {"schema": ERROR_REF}},
    }


class AccordOpenAPISchema(OpenAPISchema):
    def __init__(self, api: NinjaAPI, path_prefix: str) -> None:
        super().__init__(api, path_prefix)
        self["components"].setdefault("schemas", {})["ErrorOut"] = ErrorOut.model_json_schema()

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        details: dict[str, Any] = super().operation_details(operation)
        responses = details.setdefault("responses", {})
        for status in sorted(error_statuses(operation)):
            responses.setdefault(status, error_response(status))
        for status, response in responses.items():
            # A status an operation declared itself with ErrorOut keeps our description.
            if isinstance(status, int) and status >= 400 and "content" in response:
                response.setdefault("description", DESCRIPTIONS.get(status, ""))
        return details


def file_download_doc(description: str, content_types: Iterable[str]) -> dict[str, Any]:
    """`openapi_extra` of an operation that answers a file: every content type the file may
    have, so that a generated client and CI's schema check know each response."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "responses": {
            200: {
                "description": description,
                "content": {t: binary for t in sorted(set(content_types))},
            }
        }
    }
