"""Files attached to scorecard comments (a corrective-action plan, typically): what is accepted,
the name it is stored under, and how it is served.

Accepted: PDF, Word (docx), Excel (xlsx), PNG, JPEG, GIF, WebP, plain text and CSV, at most
ACCORD_MAX_SCORECARD_ATTACHMENT_MB each. The extension says what the file claims to be and
the content must agree (a PDF starts with `%PDF-`, a docx is a zip holding
`word/document.xml`...): a renamed executable or a page of HTML is refused. Office files
with macros (a `vbaProject.bin` inside) are refused too. The content type served is the
one of the checked kind, never the client's; downloads are always `attachment`, so a browser
never renders a file in the site's origin.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

from accord.core.errors import InvalidInput, TooLarge

MAX_FILES_PER_COMMENT = 5
# Characters Windows and most shells refuse or treat specially in a file name.
_UNSAFE = set('<>:"/\\|?*')


def _zip_holding(member: str) -> Callable[[bytes], bool]:
    def check(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return False
        # A macro-enabled workbook or document renamed to .xlsx/.docx carries vbaProject.bin.
        return member in names and not any(n.endswith("vbaProject.bin") for n in names)

    return check


def _text(data: bytes) -> bool:
    # Binary formats have NUL bytes almost at once; text in any 8-bit encoding has none.
    return b"\x00" not in data


@dataclass(frozen=True)
class Kind:
    label: str
    content_type: str
    matches: Callable[[bytes], bool]


KINDS: dict[str, Kind] = {
    ".pdf": Kind("a PDF file", "application/pdf", lambda d: d.startswith(b"%PDF-")),
    ".docx": Kind(
        "a Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _zip_holding("word/document.xml"),
    ),
    ".xlsx": Kind(
        "an Excel workbook",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _zip_holding("xl/workbook.xml"),
    ),
    ".png": Kind("a PNG image", "image/png", lambda d: d.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": Kind("a JPEG image", "image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff")),
    ".jpeg": Kind("a JPEG image", "image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff")),
    ".gif": Kind("a GIF image", "image/gif", lambda d: d[:6] in (b"GIF87a", b"GIF89a")),
    ".webp": Kind("a WebP image", "image/webp", lambda d: d[:4] == b"RIFF" and d[8:12] == b"WEBP"),
    ".txt": Kind("a text file", "text/plain", _text),
    ".csv": Kind("a CSV file", "text/csv", _text),
}
ACCEPTED = ", ".join(sorted({k.removeprefix(".") for k in KINDS}))
# For the file input of the page: what the browser's file picker offers.
ACCEPT_ATTRIBUTE = ",".join(KINDS)


def _mb(max_mb: int | None) -> int:
    return int(settings.MAX_SCORECARD_ATTACHMENT_MB if max_mb is None else max_mb)


def limit_bytes(max_mb: int | None = None) -> int:
    """The largest file accepted: `max_mb`, or the scorecards' limit when None."""
    return _mb(max_mb) * 1024 * 1024


def accepted_of(kinds: Mapping[str, Kind]) -> str:
    return ", ".join(sorted({k.removeprefix(".") for k in kinds}))


def safe_filename(filename: str) -> tuple[str, str]:
    """The name offered on download, and its extension (lower case): no folders, no control,
    format or bidi characters, none that a file system refuses, no leading dot."""
    base = os.path.basename((filename or "").replace("\\", "/"))
    base = unicodedata.normalize("NFC", base)
    kept = "".join(
        " " if unicodedata.category(c)[0] == "Z" else c
        for c in base
        if unicodedata.category(c)[0] != "C" and c not in _UNSAFE
    )
    stem, extension = os.path.splitext(" ".join(kept.split()))
    if not extension and stem.startswith("."):  # ".pdf": an extension with no name
        stem, extension = "", stem
    stem = stem.strip(" .")[:150] or "attachment"
    return f"{stem}{extension.lower()}", extension.lower()


@dataclass(frozen=True)
class AttachedFile:
    """A file's bytes, checked, with the name and content type it is stored under."""

    data: bytes
    filename: str
    content_type: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @classmethod
    def checked(
        cls,
        data: bytes,
        filename: str,
        *,
        kinds: Mapping[str, Kind] = KINDS,
        field: str = "attachments",
        max_mb: int | None = None,
    ) -> AttachedFile:
        """The file if its size and content pass; `kinds` the accepted extensions (the
        scorecards' by default), `field` the name errors give, `max_mb` the limit (the
        scorecards' setting when None)."""
        name, extension = safe_filename(filename)
        detail = {"field": field, "file": name}
        mb = _mb(max_mb)
        if len(data) > limit_bytes(max_mb):
            raise TooLarge(f"{name} is larger than {mb} MB.", detail={**detail, "max_mb": mb})
        if not data:
            raise InvalidInput(f"{name} is empty.", detail=detail)
        kind = kinds.get(extension)
        if kind is None:
            raise InvalidInput(
                f"{name}: attach a file of one of these kinds: {accepted_of(kinds)}.",
                detail=detail,
            )
        if not kind.matches(data):
            raise InvalidInput(f"{name} is not {kind.label}.", detail=detail)
        return cls(data, name, kind.content_type)


def read_upload(
    upload: UploadedFile,
    *,
    kinds: Mapping[str, Kind] = KINDS,
    field: str = "attachments",
    max_mb: int | None = None,
) -> AttachedFile:
    """An uploaded file, refused with 413 before it is read when it is too large."""
    name = upload.name or "attachment"
    if (upload.size or 0) > limit_bytes(max_mb):
        safe, _ext = safe_filename(name)
        mb = _mb(max_mb)
        raise TooLarge(
            f"{safe} is larger than {mb} MB.",
            detail={"field": field, "file": safe, "max_mb": mb},
        )
    data = upload.read(limit_bytes(max_mb) + 1)
    return AttachedFile.checked(data, name, kinds=kinds, field=field, max_mb=max_mb)


def read_path(
    path: Path,
    *,
    kinds: Mapping[str, Kind] = KINDS,
    field: str = "attachments",
    max_mb: int | None = None,
) -> AttachedFile:
    """A file named on the command line, refused before it is read when it is too large."""
    try:
        if path.stat().st_size > limit_bytes(max_mb):
            mb = _mb(max_mb)
            raise TooLarge(f"{path.name} is larger than {mb} MB.", detail={"file": path.name})
        with path.open("rb") as handle:
            data = handle.read(limit_bytes(max_mb) + 1)
    except OSError as error:
        raise InvalidInput(f"Could not read {path}: {error.strerror or error}.") from None
    return AttachedFile.checked(data, path.name, kinds=kinds, field=field, max_mb=max_mb)


class StoredFile(Protocol):
    """A file kept in the database: a comment's attachment, a certificate's evidence."""

    filename: str
    content_type: str

    @property
    def data(self) -> bytes | memoryview: ...


def file_response(attachment: StoredFile) -> FileResponse:
    """The file of an attachment the caller reached through its app's access.py."""
    response = FileResponse(
        io.BytesIO(bytes(attachment.data)),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
