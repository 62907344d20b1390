"""My imports: the person's unfinished uploads, BOM files and parts lists together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accord.parts.access import bom_imports_visible_to, catalogue_imports_visible_to
from accord.parts.choices import BomImportStatus
from accord.parts.services.imports import is_expired, preview_expiry
from accord.web.tables import person

# Enough for anyone's unfinished uploads; the sweep discards them after IMPORT_PREVIEW_DAYS.
SHOWN = 200


@dataclass
class UploadRow:
    kind: str
    filename: str
    status: str
    status_label: str
    target: str  # "Earbuds X2: EBX2-PCBA rev C" for a BOM
    created_at: datetime
    expired: bool
    resume_url: str
    discard_url: str | None


@login_required
@require_GET
def my_imports(request: HttpRequest) -> HttpResponse:
    """Uploads of the signed-in person that wait for them (to confirm, correct or discard) or
    for the background worker; only their uploader sees them."""
    user = person(request)
    unfinished = BomImportStatus.unfinished()
    rows: list[UploadRow] = []
    for bom in (
        bom_imports_visible_to(user)
        .filter(status__in=unfinished)
        .select_related("program")
        .only(
            "filename",
            "status",
            "created_at",
            "assembly_number",
            "revision",
            "program__name",
            "person_id",
        )
        .order_by("-created_at")[:SHOWN]
    ):
        rows.append(
            UploadRow(
                kind="BOM",
                filename=bom.filename,
                status=bom.status,
                status_label=bom.get_status_display(),
                target=f"{bom.program.name}: {bom.assembly_number} rev {bom.revision}",
                created_at=bom.created_at,
                expired=is_expired(bom),
                resume_url=reverse("bom_import_preview", args=[bom.pk]),
                discard_url=reverse("bom_import_discard", args=[bom.pk])
                if bom.status in BomImportStatus.open()
                else None,
            )
        )
    for parts in (
        catalogue_imports_visible_to(user)
        .filter(status__in=unfinished)
        .only("filename", "status", "created_at", "person_id")
        .order_by("-created_at")[:SHOWN]
    ):
        rows.append(
            UploadRow(
                kind="Parts list",
                filename=parts.filename,
                status=parts.status,
                status_label=parts.get_status_display(),
                target="Your organisation's parts",
                created_at=parts.created_at,
                expired=is_expired(parts),
                resume_url=reverse("catalogue_import_preview", args=[parts.pk]),
                discard_url=reverse("catalogue_import_discard", args=[parts.pk])
                if parts.status in BomImportStatus.open() | {BomImportStatus.CHECKING}
                else None,
            )
        )
    rows.sort(key=lambda row: row.created_at, reverse=True)
    context = {"rows": rows[:SHOWN], "days": preview_expiry().days}
    return render(request, "parts/my_imports.html", context)
