"""API: BOMs, their lines exploded to every level (a page at a time), their export, and creating
one from JSON lines."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router
from ninja.responses import Status

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate, paginate_rows
from accord.api.schemas import Id
from accord.core.errors import InvalidInput
from accord.core.exports import export_response
from accord.orgs.models import Person
from accord.parts import access
from accord.parts import services as part_services
from accord.parts.api.schemas import (
    BomDetail,
    BomIn,
    BomLineIn,
    BomLineOut,
    BomOut,
    BomQuery,
    BomStatusIn,
    ExportQuery,
)
from accord.parts.models import Bom, Part
from accord.parts.queries import BomRow, attach_sources, bom_export_table, summarise_bom

router = Router(tags=["boms"])

EXPORT_DOC = {
    "responses": {
        200: {
            "description": "The multi-level BOM as a file an importer reads back.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}
                },
            },
        }
    }
}


def visible_rows(user: Person, bom: Bom) -> list[BomRow]:
    """Every level of the BOM, without the sub-assemblies the caller may not see."""
    return access.exploded_bom_for_user(user, bom)


def bom_detail(request: HttpRequest, user: Person, bom: Bom) -> BomDetail:
    summary = summarise_bom(access.exploded_bom_for_user(user, bom, with_sources=False))
    return BomDetail.model_validate(
        {
            "id": bom.pk,
            "program": bom.program,
            "assembly": bom.assembly,
            "revision": bom.revision,
            "status": bom.status,
            "classification": bom.classification,
            "line_count": summary.top_level_lines,
            "created_at": bom.created_at,
            "notes": bom.notes,
            "source_filename": bom.source_filename,
            "summary": summary,
            "lines_url": request.build_absolute_uri(reverse("api-1:list_bom_lines", args=[bom.pk])),
        }
    )


def parts_for_lines(user: Person, assembly_id: int, lines: Iterable[BomLineIn]) -> dict[int, Part]:
    """The assembly and the parts of the lines, among the parts the caller may see: one query.
    Unknown or invisible ones are refused together, with the line numbers."""
    lines = list(lines)
    wanted = {assembly_id} | {line.part_id for line in lines}
    found = {p.pk: p for p in access.parts_visible_to(user).filter(pk__in=wanted)}
    if assembly_id not in found:
        raise InvalidInput("There is no such assembly part.", detail={"field": "assembly_id"})
    missing = [n for n, line in enumerate(lines, start=1) if line.part_id not in found]
    if missing:
        raise InvalidInput(
            f"Unknown part on line(s) {', '.join(map(str, missing[:20]))}.",
            detail={"field": "lines", "lines": missing},
        )
    return found


@router.get("/boms", response=Page[BomOut])
def list_boms(
    request: HttpRequest, filters: Query[BomQuery], paging: Query[PageParams]
) -> dict[str, Any]:
    """BOMs the caller may see (suppliers see none: they see the parts they are approved for).

    Listing another organisation's restricted BOMs is recorded in its access log: one entry per
    organisation and request, with the number of its restricted BOMs on the page.
    """
    user = person(request)
    qs = (
        access.boms_visible_to(user)
        .select_related("program", "assembly")
        .annotate(line_count=Count("lines"))
    )
    if filters.program is not None:
        qs = qs.filter(program_id=filters.program)
    page = paginate(request, qs, paging)
    said = [f"program {filters.program}"] if filters.program is not None else []
    access.log_boms_read(
        user,
        [bom.pk for bom in page["results"]],
        description=", ".join([*said, *([f"page {paging.page}"] if paging.page > 1 else [])]),
        channel="api",
        path=request.path,
    )
    return page


@router.get("/boms/{bom_id}", response=BomDetail)
def get_bom(request: HttpRequest, bom_id: Id) -> BomDetail:
    """Header and the summary of every level (lines, placements, single-source, lifecycle
    risk...). The lines themselves are at `lines_url`, a page at a time.

    Reading another organisation's restricted BOM is recorded in its access log.
    """
    user = person(request)
    bom = access.get_bom_for_user(user, bom_id, channel="api", path=request.path)
    return bom_detail(request, user, bom)


@router.get("/boms/{bom_id}/lines", response=Page[BomLineOut])
def list_bom_lines(request: HttpRequest, bom_id: Id, paging: Query[PageParams]) -> dict[str, Any]:
    """The lines of every level, depth first (a sub-assembly's lines follow its line), with
    extended quantities, flags and approved sources; sub-assemblies whose BOM the caller may
    not see keep their line, flagged `contents_not_visible`, and nothing below it.

    Reading another organisation's restricted BOM is recorded in its access log.
    """
    user = person(request)
    bom = access.get_bom_for_user(user, bom_id, channel="api", path=request.path)
    rows = access.exploded_bom_for_user(user, bom, with_sources=False)
    return paginate_rows(request, rows, paging, attach_sources)


@router.get("/boms/{bom_id}/export", openapi_extra=EXPORT_DOC)
def export_bom(request: HttpRequest, bom_id: Id, params: Query[ExportQuery]) -> HttpResponse:
    """The multi-level BOM as CSV or XLSX, safe to open in a spreadsheet."""
    user = person(request)
    bom = access.get_bom_for_user(user, bom_id, channel="export", path=request.get_full_path())
    headers, table = bom_export_table(visible_rows(user, bom))
    filename = f"{bom.assembly.number}-rev-{bom.revision}"
    return export_response(params.format, filename, headers, table)


@router.post("/boms", response={201: BomDetail})
@idempotent
def create_bom(request: HttpRequest, payload: BomIn) -> Status[BomDetail]:
    """A BOM revision from JSON lines that reference part ids (members of the program's owner).

    Quantities are decimal strings or numbers, at most 4 decimal places.
    """
    user = person(request)
    program = access.get_program_for_bom_create(user, payload.program_id)
    parts = parts_for_lines(user, payload.assembly_id, payload.lines)
    bom = part_services.create_bom(
        actor=user,
        program=program,
        assembly=parts[payload.assembly_id],
        revision=payload.revision,
        classification=payload.classification,
        status=payload.status,
        notes=payload.notes,
        lines=[
            part_services.BomLineInput(
                part=parts[line.part_id],
                quantity=line.quantity,
                designators=line.designators,
                dnp=line.dnp,
                dnp_designators=line.dnp_designators,
                material_responsibility=line.material_responsibility,
                value=line.value,
                footprint=line.footprint,
                notes=line.notes,
            )
            for line in payload.lines
        ],
    )
    created = access.get_bom_for_user(user, bom.pk, channel="api", path=request.path)
    return Status(201, bom_detail(request, user, created))


@router.post("/boms/{bom_id}/status", response=BomOut)
def change_bom_status(request: HttpRequest, bom_id: Id, payload: BomStatusIn) -> Any:
    """Release a draft, obsolete a released BOM (members of the program from its owner), or
    take a released BOM back to draft (the owner's program manager only)."""
    user = person(request)
    bom = access.get_bom_for_user(user, bom_id, write=True)
    part_services.set_bom_status(actor=user, bom=bom, status=payload.status, reason=payload.reason)
    return (
        access.boms_visible_to(user)
        .select_related("program", "assembly")
        .annotate(line_count=Count("lines"))
        .get(pk=bom.pk)
    )
