"""Idempotency-Key on creating requests: a retried POST creates one object, never two.

The first request with a key inserts an IdempotencyRecord *before* doing its work, in the same
transaction. A concurrent request with the same key blocks on the (person, key) unique
constraint until the first commits, then replays its response; if the first fails, its record
rolls back with it and the key is free again. Only successful (2xx) responses are kept.

Usage, under the router's decorator:

    @router.post("/parts", response={201: PartDetail})
    @idempotent
    def create_part(request, payload: PartIn) -> Status: ...

The view must return a Status (or a schema): the wrapper renders it once, to send and to store.
"""

import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja.operation import Operation
from ninja.responses import NinjaJSONEncoder, Status
from ninja.utils import contribute_operation_callback
from pydantic import BaseModel

from accord.api.auth import person
from accord.api.errors import JSON_CONTENT_TYPE
from accord.core.errors import Conflict, InvalidInput
from accord.core.models import IdempotencyRecord

F = TypeVar("F", bound=Callable[..., Any])

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = IdempotencyRecord._meta.get_field("key").max_length or 200

HEADER_DOC = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
    "description": (
        "Any unique string (a UUID is ideal). Sending the same key with the same body again "
        "returns the first response and creates nothing; the same key with another body is "
        "refused with 422 idempotency_key_reused."
    ),
}


def idempotent(view: F | None = None, *, redact: Sequence[str] = ()) -> Any:
    """Make a creating POST idempotent. `redact`: top-level response fields never stored
    (a replay returns them as null), e.g. a secret shown only once."""

    def decorate(func: F) -> F:
        def contribute(operation: Operation) -> None:
            inner = operation.view_func

            @functools.wraps(inner)
            def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
                return run_idempotently(
                    request, lambda: inner(request, *args, **kwargs), tuple(redact)
                )

            operation.view_func = wrapper
            extra = operation.openapi_extra or {}
            extra.setdefault("parameters", []).append(HEADER_DOC)
            operation.openapi_extra = extra

        contribute_operation_callback(func, contribute)
        return func

    return decorate(view) if view is not None else decorate


def run_idempotently(
    request: HttpRequest, call: Callable[[], Any], redact: tuple[str, ...] = ()
) -> HttpResponseBase:
    raw_key = request.headers.get(HEADER)
    if raw_key is None:
        return _render(call())[0]
    key = valid_key(raw_key)
    digest = _request_digest(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    person=person(request),
                    key=key,
                    method=request.method or "",
                    path=request.path[:500],
                    request_digest=digest,
                )
        except IntegrityError:
            existing = IdempotencyRecord.objects.get(person=person(request), key=key)
            return _replay(existing, request, digest)
        response, payload = _render(call())
        if 200 <= response.status_code < 300:
            record.status_code = response.status_code
            record.response_body = _stored_body(response, payload, redact)
            record.save(update_fields=["status_code", "response_body"])
        else:
            transaction.set_rollback(True)
    return response


def valid_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise InvalidInput(
            f"The {HEADER} header must be 1 to {MAX_KEY_LENGTH} printable ASCII characters.",
            detail={"header": HEADER},
        )
    return key


def _request_digest(request: HttpRequest) -> str:
    """A multipart upload is digested from its fields and files, not its bytes: the boundary
    differs at every retry (and the body was already read to parse the form)."""
    if request.content_type == "multipart/form-data":
        return _multipart_digest(request)
    return _body_digest(request.body)


def _multipart_digest(request: HttpRequest) -> str:
    digest = hashlib.sha256(b"multipart/form-data\0")
    for name in sorted(request.POST):
        if name == "csrfmiddlewaretoken":
            continue
        for value in request.POST.getlist(name):
            digest.update(json.dumps(["field", name, value]).encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(json.dumps(["file", name, upload.name, upload.size]).encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _body_digest(body: bytes) -> str:
    """The same JSON sent with other spacing or key order is the same request."""
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":"))
        data = canonical.encode()
    except ValueError:
        data = body
    return hashlib.sha256(data).hexdigest()


def _render(result: Any) -> tuple[HttpResponseBase, Any]:
    """The HttpResponse ninja would have sent for this result, and the JSON payload."""
    if isinstance(result, HttpResponseBase):
        return result, None
    status = 200
    if isinstance(result, Status):
        status, result = result.status_code, result.value
    payload = result.model_dump() if isinstance(result, BaseModel) else result
    body = json.dumps(payload, cls=NinjaJSONEncoder)
    return HttpResponse(body, status=status, content_type=JSON_CONTENT_TYPE), payload


def _stored_body(response: HttpResponseBase, payload: Any, redact: tuple[str, ...]) -> bytes:
    if redact and isinstance(payload, dict):
        payload = {k: (None if k in redact else v) for k, v in payload.items()}
        return json.dumps(payload, cls=NinjaJSONEncoder).encode()
    return bytes(getattr(response, "content", b""))


def _replay(record: IdempotencyRecord, request: HttpRequest, digest: str) -> HttpResponse:
    same_request = (
        record.method == request.method
        and record.path == request.path[:500]
        and record.request_digest == digest
    )
    if not same_request:
        raise InvalidInput(
            f"This {HEADER} was already used for a different request. Use a new key.",
            code="idempotency_key_reused",
            detail={"header": HEADER},
        )
    if record.status_code is None or record.response_body is None:
        raise Conflict("A request with this key is still being processed. Retry shortly.")
    response = HttpResponse(
        bytes(record.response_body), status=record.status_code, content_type=JSON_CONTENT_TYPE
    )
    response[REPLAY_HEADER] = "true"
    return response
