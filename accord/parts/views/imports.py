"""Import pages: upload a BOM or a parts list, see what Accord understood (a dry run that
writes nothing), then confirm or discard.

The uploaded file waits on a staging row (BomImport / CatalogueImport), the only write before
the confirmation. Progress: the confirm of a BOM of up to SYNC_IMPORT_MAX_LINES lines imports
within the request while the page shows an indeterminate progress bar (app.js reveals it on
submit); a longer BOM, and every parts list, goes to the task worker and the page polls the
staging row's status (htmx, every 2 s) until the worker has written it or failed, saying so
when no worker is running. A large parts list is also previewed by the worker. The figures
behind the thresholds are beside SYNC_IMPORT_MAX_LINES (services/imports.py) and
INLINE_PREVIEW_MAX_BYTES (services/catalogue_staging.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timesince import timesince
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accord.core.background import WORKER_MISSING_MESSAGE, worker_missing
from accord.core.errors import DomainError, InvalidInput
from accord.orgs.models import Person
from accord.parts.access import (
    check_catalogue_import,
    get_bom_import_for_user,
    get_catalogue_import_for_user,
    get_program_for_bom_import,
    programs_for_bom_import,
)
from accord.parts.bom_import.inputs import (
    ACCEPT_ATTRIBUTE,
    LIMITS_TEXT,
    BomImportRequest,
    ImportOptions,
    build_preview,
    clean_names,
    column_values,
    merge_column_choices,
    read_upload,
    rejection_error,
    request_from_staged,
)
from accord.parts.bom_import.parse_memo import parse_bom_file_once
from accord.parts.bom_import.preview import ImportPreview
from accord.parts.bom_import.problems import ImportRejected
from accord.parts.choices import BomImportStatus
from accord.parts.forms import BomUploadForm, CatalogueUploadForm
from accord.parts.models import BomImport, CatalogueImport
from accord.parts.services import (
    confirm_bom_import,
    discard_bom_import,
    queue_bom_import,
    stage_bom_import,
    update_bom_import,
)
from accord.parts.services.catalogue_staging import (
    discard_catalogue_import,
    dry_run_catalogue,
    queue_catalogue_import,
    result_dict,
    stage_catalogue_import,
)
from accord.parts.services.imports import SYNC_IMPORT_MAX_LINES, is_expired
from accord.parts.views.import_display import build_preview_view
from accord.web.tables import person

CATALOGUE_PROBLEMS_SHOWN = 500
CATALOGUE_KINDS = {
    "digikey": "Digi-Key KiCad library export",
    "cpl": "Octopart Common Parts Library (CPL)",
    "horizon": "Horizon EDA pool",
    "generic": "Parts list with Manufacturer and MPN columns",
}


def _error_problems(error: DomainError) -> list[Any]:
    return error.detail if isinstance(error.detail, list) else []


# BOM import --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def bom_import(request: HttpRequest) -> HttpResponse:
    """The upload page: program, assembly, revision, the file (drag and drop with JS)."""
    user = person(request)
    programs = list(programs_for_bom_import(user).order_by("name").values_list("pk", "name"))
    form = BomUploadForm(
        request.POST or None, request.FILES or None, programs=programs, accept=ACCEPT_ATTRIBUTE
    )
    status, problems = 200, []
    if request.method == "POST":
        if request.POST.get("program"):  # 404 if unseen, 403 unless a member from its owner
            get_program_for_bom_import(user, request.POST["program"])
        if form.is_valid():
            try:
                staged = _stage_bom(user, form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
                status, problems = error.http_status, _error_problems(error)
            else:
                return redirect("bom_import_preview", staged.pk)
        else:
            status = 422
    context = {"form": form, "has_programs": bool(programs), "limits": LIMITS_TEXT}
    context["problems"] = problems
    return render(request, "parts/bom_import_upload.html", context, status=status)


def _stage_bom(user: Person, data: dict[str, Any]) -> BomImport:
    program = get_program_for_bom_import(user, data["program"])
    assembly_number, revision = clean_names(data["assembly_number"], data["revision"])
    content, filename = read_upload(data["file"])
    # A file refused as a whole (hostile, empty, too large, not a BOM) is not even staged;
    # reading it is enough to know (the preview's matching comes on the next page, which finds
    # the file read already when it runs in this process).
    try:
        parse_bom_file_once(content, filename)
    except ImportRejected as rejected:
        raise rejection_error(rejected.problems) from None
    return stage_bom_import(
        actor=user,
        request=BomImportRequest(
            program=program,
            assembly_number=assembly_number,
            revision=revision,
            data=content,
            filename=filename,
            assembly_description=data["assembly_description"],
            options=ImportOptions.from_json(data),
        ),
    )


def _worker_warning(staged: Any) -> str:
    """Said while a job waits or runs and no task worker has been seen lately."""
    if staged.status in BomImportStatus.in_progress() and worker_missing():
        return WORKER_MISSING_MESSAGE
    return ""


def _progress_context(staged: BomImport) -> dict[str, Any]:
    lines = staged.options.get("lines", 0)
    if staged.status == BomImportStatus.RUNNING and staged.started_at:
        started = timesince(staged.started_at)
        doing = staged.progress or f"Importing {lines:,} lines"
        detail = f"{doing}; started {started} ago. It is written in one transaction, or not at all."
    else:
        detail = (
            f"Queued ({lines:,} lines): waiting for the background worker to start. "
            "Nothing has been written yet."
        )
    return {
        "staged": staged,
        "progress_id": "import-progress",
        "progress_label": f"Importing {staged.filename}",
        "progress_detail": detail,
        "progress_warning": _worker_warning(staged),
        "progress_url": reverse("bom_import_progress", args=[staged.pk]),
    }


def _render_preview(
    request: HttpRequest,
    staged: BomImport,
    *,
    preview: ImportPreview | None = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    context: dict[str, Any] = {
        "staged": staged,
        "error": error,
        "sync_max": SYNC_IMPORT_MAX_LINES,
        "in_progress": staged.status in BomImportStatus.in_progress(),
        "expired": is_expired(staged),
    }
    if context["in_progress"]:
        context.update(_progress_context(staged))
    else:
        if preview is None:
            preview = build_preview(request_from_staged(staged))
        context["preview"] = preview
        context["view"] = build_preview_view(preview, request.GET.get("page"))
        context["lines_count"] = len(preview.plan.lines) if preview.plan else 0
    return render(request, "parts/bom_import_preview.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def bom_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The dry run of a staged file; a POST changes the sheet, the column mapping or the
    approval of alternates, then shows the preview again."""
    user = person(request)
    staged = get_bom_import_for_user(user, pk)
    if staged.status == BomImportStatus.COMMITTED and staged.bom_id:
        return redirect("bom_detail", staged.bom_id)
    if request.method == "GET":
        return _render_preview(request, staged)
    post = request.POST
    sheet = post.get("sheet", "")
    options = ImportOptions.from_json(
        {name: post.get(name) in {"on", "1", "true"} for name in ImportOptions.names()}
    )
    try:
        if "sheet" in post and sheet != post.get("shown_sheet", ""):
            update_bom_import(
                actor=user, staged=staged, sheet=sheet, overrides=None, options=options
            )
        else:
            overrides = merge_column_choices(
                request_from_staged(staged),
                column_values(post, "col_"),
                column_values(post, "shown_"),
            )
            update_bom_import(
                actor=user,
                staged=staged,
                sheet=staged.sheet,
                overrides=overrides,
                options=options,
            )
    except InvalidInput as invalid:
        return _render_preview(request, staged, status=invalid.http_status, error=invalid.message)
    return redirect("bom_import_preview", staged.pk)


@login_required
@require_POST
def bom_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Write what the preview showed: 422 with the problems while any error remains."""
    user = person(request)
    staged = get_bom_import_for_user(user, pk)
    if staged.status == BomImportStatus.COMMITTED and staged.bom_id:
        return redirect("bom_detail", staged.bom_id)
    if staged.status in BomImportStatus.in_progress():
        return redirect("bom_import_preview", staged.pk)
    preview = build_preview(request_from_staged(staged))
    if not preview.can_commit or preview.plan is None:
        errors = len(preview.errors)
        message = (
            f"Nothing was imported: the file still has {errors} error{'s' if errors != 1 else ''}"
            " to fix (listed below)."
        )
        return _render_preview(request, staged, preview=preview, status=422, error=message)
    lines = len(preview.plan.lines)
    if lines > SYNC_IMPORT_MAX_LINES:
        queue_bom_import(actor=user, staged=staged, lines=lines)
        return redirect("bom_import_preview", staged.pk)
    bom = confirm_bom_import(actor=user, staged=staged)
    messages.success(
        request,
        f"Imported {staged.filename}: {lines} lines into {staged.assembly_number} "
        f"rev {staged.revision}.",
    )
    return redirect("bom_detail", bom.pk)


@login_required
@require_GET
def bom_import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by the preview page while a long import runs: the progress block, then a
    redirect to the new BOM (or back to the preview when the import failed)."""
    staged = get_bom_import_for_user(person(request), pk)
    if staged.status in BomImportStatus.in_progress():
        return render(request, "parts/_bom_import_progress.html", _progress_context(staged))
    if staged.status == BomImportStatus.COMMITTED and staged.bom_id:
        messages.success(
            request,
            f"Imported {staged.filename} into {staged.assembly_number} rev {staged.revision}.",
        )
        target = reverse("bom_detail", args=[staged.bom_id])
    else:
        target = reverse("bom_import_preview", args=[staged.pk])
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(target)
    return redirect(target)


@login_required
@require_POST
def bom_import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    staged = discard_bom_import(actor=user, staged=get_bom_import_for_user(user, pk))
    messages.info(request, f"Discarded {staged.filename}; nothing was imported.")
    return redirect("bom_import")


# Parts list (catalogue) import -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_import(request: HttpRequest) -> HttpResponse:
    """Upload a parts list (manufacturer, MPN, category, lifecycle, parameters)."""
    user = person(request)
    check_catalogue_import(user)
    form = CatalogueUploadForm(request.POST or None, request.FILES or None, accept=ACCEPT_ATTRIBUTE)
    status, problems = 200, []
    if request.method == "POST":
        if form.is_valid():
            try:
                content, filename = read_upload(form.cleaned_data["file"])
                staged = stage_catalogue_import(actor=user, data=content, filename=filename)
            except DomainError as error:
                form.add_error(None, error.message)
                status, problems = error.http_status, _error_problems(error)
            else:
                return redirect("catalogue_import_preview", staged.pk)
        else:
            status = 422
    context = {"form": form, "limits": LIMITS_TEXT, "problems": problems}
    return render(request, "parts/catalogue_import_upload.html", context, status=status)


@dataclass
class CataloguePreview:
    """The counts of a parts list's dry run, computed now or kept by the worker (or, once
    imported, what the import created)."""

    kind: str = ""
    rows: int = 0
    manufacturers_created: int = 0
    manufacturer_parts_created: int = 0
    manufacturer_parts_updated: int = 0
    parts_created: int = 0
    sources_created: int = 0
    parameters_created: int = 0
    changed: bool = False
    problems: list[dict[str, Any]] = field(default_factory=list)
    problem_count: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CataloguePreview:
        known = {f.name for f in fields(cls)}
        preview = cls(**{k: v for k, v in data.items() if k in known})
        preview.problem_count = data.get("problem_count", len(preview.problems))
        return preview


def _catalogue_progress_context(staged: CatalogueImport) -> dict[str, Any]:
    checking = staged.status == BomImportStatus.CHECKING
    if staged.started_at is not None and staged.status != BomImportStatus.QUEUED:
        doing = staged.progress or ("Reading the file" if checking else "Importing")
        detail = f"{doing}; started {timesince(staged.started_at)} ago."
    else:
        detail = "Queued: waiting for the background worker to start."
    detail += " Nothing has been written yet." if checking else ""
    return {
        "staged": staged,
        "progress_id": "import-progress",
        "progress_label": f"{'Checking' if checking else 'Importing'} {staged.filename}",
        "progress_detail": detail,
        "progress_warning": _worker_warning(staged),
        "progress_url": reverse("catalogue_import_progress", args=[staged.pk]),
    }


@login_required
@require_GET
def catalogue_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What importing the staged list would create and change (its plan: nothing is written),
    the progress while the worker checks or imports it, or what it created."""
    user = person(request)
    staged = get_catalogue_import_for_user(user, pk)
    context: dict[str, Any] = {
        "staged": staged,
        "shown": CATALOGUE_PROBLEMS_SHOWN,
        "kinds": CATALOGUE_KINDS,
        "in_progress": staged.status in BomImportStatus.in_progress(),
        "expired": is_expired(staged),
    }
    status = 200
    if context["in_progress"]:
        context.update(_catalogue_progress_context(staged))
    elif staged.status in BomImportStatus.open():
        stored = staged.preview or {}
        if stored.get("error"):
            context["error"] = DomainError(**stored["error"])
            status = 422
        elif stored:
            context["result"] = CataloguePreview.from_dict(stored)
        else:
            try:
                result = dry_run_catalogue(
                    actor=user, data=bytes(staged.data), filename=staged.filename
                )
            except DomainError as error:
                context["error"], status = error, error.http_status
            else:
                context["result"] = CataloguePreview.from_dict(result_dict(result))
    return render(request, "parts/catalogue_import_preview.html", context, status=status)


@login_required
@require_POST
def catalogue_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the import to the task worker; the preview page shows its progress."""
    user = person(request)
    staged = get_catalogue_import_for_user(user, pk)
    if staged.status not in BomImportStatus.in_progress() | {BomImportStatus.COMMITTED}:
        queue_catalogue_import(actor=user, staged=staged)
    return redirect("catalogue_import_preview", staged.pk)


@login_required
@require_GET
def catalogue_import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by the preview page while the worker checks or imports the list: the progress
    block, then a redirect to the parts (imported) or back to the preview."""
    staged = get_catalogue_import_for_user(person(request), pk)
    if staged.status in BomImportStatus.in_progress():
        return render(
            request, "parts/_bom_import_progress.html", _catalogue_progress_context(staged)
        )
    target = reverse("catalogue_import_preview", args=[staged.pk])
    if staged.status == BomImportStatus.COMMITTED:
        result = CataloguePreview.from_dict(staged.result or {})
        messages.success(
            request,
            f"Imported {staged.filename}: {result.manufacturer_parts_created} manufacturer parts "
            f"added, {result.manufacturer_parts_updated} updated, {result.parts_created} parts "
            f"and {result.sources_created} approved sources created."
            if result.changed
            else f"Imported {staged.filename}: the catalogue already held all of it; "
            "nothing changed.",
        )
        target = reverse("part_list")
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(target)
    return redirect(target)


@login_required
@require_POST
def catalogue_import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    staged = discard_catalogue_import(actor=user, staged=get_catalogue_import_for_user(user, pk))
    messages.info(request, f"Discarded {staged.filename}; nothing was imported.")
    return redirect("catalogue_import")
