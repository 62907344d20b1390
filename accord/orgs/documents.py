"""Signed NDA documents: reading an upload (size checked before reading) and serving the file."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

from accord.api.openapi import file_download_doc
from accord.core.errors import NotFound, TooLarge
from accord.orgs.models import Nda
from accord.orgs.services import SignedDocument

NDA_UPLOAD_DOC = {
    "description": (
        f"multipart/form-data; `document` is the signed NDA as a PDF "
        f"(at most {settings.MAX_NDA_DOCUMENT_MB} MB)."
    )
}
PDF_DOC = file_download_doc("The signed NDA.", ["application/pdf"])


def read_document(upload: UploadedFile | None) -> SignedDocument | None:
    """The signed PDF of an upload, refused with 413 before reading when it is too large."""
    if upload is None:
        return None
    limit = settings.MAX_NDA_DOCUMENT_MB * 1024 * 1024
    if (upload.size or 0) > limit:
        raise TooLarge(
            f"The signed document is larger than {settings.MAX_NDA_DOCUMENT_MB} MB.",
            detail={"field": "document", "max_mb": settings.MAX_NDA_DOCUMENT_MB},
        )
    return SignedDocument.checked(upload.read(limit + 1), upload.name or "signed-nda.pdf")


def nda_file_response(nda: Nda) -> FileResponse:
    """The document of an NDA the caller reached through get_nda_document_for_user."""
    try:
        handle = nda.document.open("rb")
    except OSError:
        raise NotFound("The document of this NDA is missing from storage.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=nda.document_name or f"{nda.reference}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
