"""Multipart bodies are checked whole before they are believed.

Django's multipart parser is forgiving: a body cut short (a client that gave up, a proxy that
dropped the end) parses into whatever fields arrived, the last one possibly cut in the middle,
and a file cut short or a part without a proper Content-Disposition is silently left out. An
import must never run on half a request or on a request whose parts were dropped, so the first
upload handler reads the body (at most the upload limit, which RequestSizeLimitMiddleware
enforces from Content-Length before anything is read), walks its parts from boundary to
boundary, and refuses it unless every part has a `Content-Disposition: form-data; name=...`
header and the body ends with its closing boundary. Then the usual handlers parse it.

A refused body raises MultiPartParserError, as Django's own parser does for a missing boundary
or an oversized part header: 400 from the API (accord/api/errors.py) and from the pages
(accord/web/views.py bad_request).
"""

from __future__ import annotations

import io
from typing import IO, Any

from django.core.files.uploadhandler import FileUploadHandler
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.http import parse_header_parameters


def check_multipart_body(data: bytes, boundary: bytes) -> None:
    """MultiPartParserError unless every part is a named form-data part and the body is
    complete (ends with the closing delimiter)."""
    delimiter = b"--" + boundary
    start = data.find(delimiter)
    if start < 0:
        raise MultiPartParserError("The multipart body has no part.")
    while True:
        after = start + len(delimiter)
        if data[after : after + 2] == b"--":
            return  # the closing delimiter: whatever follows is the epilogue
        headers_end = data.find(b"\r\n\r\n", after)
        if headers_end < 0:
            raise MultiPartParserError("The multipart body ends inside a part's headers.")
        _check_part_headers(data[after:headers_end])
        start = data.find(b"\r\n" + delimiter, headers_end)
        if start < 0:
            raise MultiPartParserError(
                "The multipart body is incomplete: it does not end with its closing boundary."
            )
        start += 2


def _check_part_headers(block: bytes) -> None:
    for line in block.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() != b"content-disposition":
            continue
        kind, params = parse_header_parameters(value.decode("latin-1").strip())
        if kind.lower() == "form-data" and params.get("name"):
            return
        break
    raise MultiPartParserError(
        'Every part of a multipart body needs "Content-Disposition: form-data; name=...".'
    )


class CompleteMultipartHandler(FileUploadHandler):
    """The first of FILE_UPLOAD_HANDLERS: see the module docstring."""

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],
        content_length: int,
        boundary: str,  # bytes in fact (Django encodes it), whatever django-stubs says
        encoding: str | None = None,
    ) -> tuple[Any, Any]:
        # At most the upload limit (RequestSizeLimitMiddleware) plus the margin for the form.
        data = input_data.read()
        raw: Any = boundary
        check_multipart_body(data, raw if isinstance(raw, bytes) else raw.encode("ascii"))
        handlers = self.request.upload_handlers if self.request else []
        others = [h for h in handlers if h is not self]
        meta = {**META, "CONTENT_LENGTH": str(len(data))}
        # The other handlers keep copies of what they need (memory, or a file of their own).
        return MultiPartParser(meta, io.BytesIO(data), others, encoding).parse()
