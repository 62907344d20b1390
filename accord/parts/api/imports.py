"""API: importing a BOM file and a parts list, each as a dry run or for real."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from ninja import File, Form, Router, UploadedFile
from ninja.responses import Status

from accord.api.auth import person
from accord.api.idempotency import HEADER_DOC, run_idempotently
from accord.orgs.models import Person
from accord.parts import access
from accord.parts.api.import_schemas import (
    BOM_IMPORT_DOC,
    CATALOGUE_IMPORT_DOC,
    BomImportCreatedOut,
    BomImportForm,
    BomImportPreviewOut,
    CatalogueImportForm,
    CatalogueImportOut,
)
from accord.parts.bom_import.inputs import (
    BomImportRequest,
    ImportOptions,
    build_preview,
    check_not_rejected,
    clean_names,
    commit,
    parse_overrides,
    preview_payload,
    read_upload,
)
from accord.parts.services.catalogue_import import CatalogueImportResult
from accord.parts.services.catalogue_staging import (
    dry_run_catalogue,
    result_dict,
    run_catalogue_import,
)

router = Router(tags=["imports"])

PROBLEMS_IN_RESPONSE = 1000
IDEMPOTENT_DOC = {"parameters": [HEADER_DOC]}


def _bom_request(user: Person, upload: UploadedFile, form: BomImportForm) -> BomImportRequest:
    program = access.get_program_for_bom_import(user, form.program)
    assembly, revision = clean_names(form.assembly, form.revision)
    data, filename = read_upload(upload)
    return BomImportRequest(
        program=program,
        assembly_number=assembly,
        revision=revision,
        data=data,
        filename=filename,
        assembly_description=form.assembly_description.strip(),
        sheet=form.sheet or None,
        overrides=parse_overrides(form.overrides),
        options=ImportOptions(
            approve_alternates=form.approve_alternates,
            strict=form.strict,
            count_designators=form.count_designators,
        ),
    )


@router.post(
    "/boms/import",
    response={200: BomImportPreviewOut, 201: BomImportCreatedOut},
    summary="Import a BOM file (dry run or commit)",
    description=BOM_IMPORT_DOC,
    openapi_extra=IDEMPOTENT_DOC,
)
def import_bom_file(
    request: HttpRequest, file: File[UploadedFile], form: Form[BomImportForm]
) -> Any:
    user = person(request)
    import_request = _bom_request(user, file, form)
    if form.dry_run:
        preview = build_preview(import_request)
        check_not_rejected(preview)
        return Status(200, preview_payload(import_request, preview))
    return run_idempotently(request, lambda: _created(request, user, import_request))


def _created(request: HttpRequest, user: Person, import_request: BomImportRequest) -> Status[Any]:
    bom = commit(user, import_request)
    program = import_request.program
    return Status(
        201,
        BomImportCreatedOut(
            id=bom.pk,
            url=request.build_absolute_uri(reverse("bom_detail", args=[bom.pk])),
            api_url=request.build_absolute_uri(reverse("api-1:get_bom", args=[bom.pk])),
            program={"id": program.pk, "code": program.code, "name": program.name},  # type: ignore[arg-type]
            assembly=import_request.assembly_number,
            revision=bom.revision,
            file=import_request.filename,
            lines=bom.lines.count(),
        ),
    )


def _catalogue_out(result: CatalogueImportResult, *, dry_run: bool) -> dict[str, Any]:
    data = result_dict(result)
    problems = data.pop("problems")
    return {
        **data,
        "dry_run": dry_run,
        "problem_count": len(problems),
        "problems": problems[:PROBLEMS_IN_RESPONSE],
    }


@router.post(
    "/parts/import",
    response={200: CatalogueImportOut, 201: CatalogueImportOut},
    summary="Import a parts list into the catalogue (dry run or commit)",
    description=CATALOGUE_IMPORT_DOC,
    openapi_extra=IDEMPOTENT_DOC,
)
def import_parts_list(
    request: HttpRequest, file: File[UploadedFile], form: Form[CatalogueImportForm]
) -> Any:
    user = person(request)
    access.check_catalogue_import(user)
    data, filename = read_upload(file)
    if form.dry_run:
        result = dry_run_catalogue(actor=user, data=data, filename=filename)
        return Status(200, _catalogue_out(result, dry_run=True))

    def run() -> Status[Any]:
        result = run_catalogue_import(actor=user, data=data, filename=filename)
        return Status(201 if result.changed else 200, _catalogue_out(result, dry_run=False))

    response: HttpResponseBase = run_idempotently(request, run)
    return response
