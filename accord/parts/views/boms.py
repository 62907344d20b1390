"""BOM pages: the list of visible BOMs, the multi-level BOM with its risk flags, exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.orgs.access import can_manage_program, programs_visible_to
from accord.parts.access import (
    boms_visible_to,
    can_edit_program_boms,
    exploded_bom_for_user,
    get_bom_for_user,
    log_boms_read,
    programs_for_bom_import,
)
from accord.parts.choices import BomStatus
from accord.parts.forms import BomFilterForm, BomStatusForm
from accord.parts.models import Bom
from accord.parts.queries import BomRow, attach_sources, bom_export_table, summarise_bom
from accord.parts.services import set_bom_status
from accord.parts.services.boms import allowed_bom_statuses
from accord.parts.views.display import present_rows
from accord.web.tables import (
    EXPORT_CAP,
    export_table,
    paginate,
    parse_sort,
    person,
    requested_export,
)

BOM_SORTS = {
    "assembly": "assembly__number",
    "program": "program__name",
    "revision": "revision",
    "status": "status",
    "lines": "line_count",
    "created": "created_at",
}
# Past this many rows a BOM page shows a page at a time, with a link to show everything.
BOM_PAGE_ROWS = 200


@login_required
@require_GET
def bom_list(request: HttpRequest) -> HttpResponse:
    user = person(request)
    programs = programs_visible_to(user).order_by("name").values_list("pk", "name")
    form = BomFilterForm(request.GET, programs=list(programs))
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    sort, order = parse_sort(request, BOM_SORTS, "assembly")
    boms = (
        boms_visible_to(user)
        .select_related("program", "assembly")
        .annotate(line_count=Count("lines"))
        .order_by(order, "pk")
    )
    if filters.get("program"):
        boms = boms.filter(program_id=filters["program"])
    if filters.get("status"):
        boms = boms.filter(status=filters["status"])
    described = _describe(filters, dict(programs))
    fmt = requested_export(request)
    if fmt:
        log_boms_read(
            user,
            boms.values("pk")[:EXPORT_CAP],
            description=described,
            channel="export",
            path=request.get_full_path(),
        )
        headers = ["Assembly", "Description", "Revision", "Program", "Status", "Lines", "Created"]
        rows = (
            [
                b.assembly.number,
                b.assembly.description,
                b.revision,
                b.program.name,
                b.get_status_display(),
                b.line_count,
                b.created_at.date(),
            ]
            for b in boms.iterator(chunk_size=2000)
        )
        return export_table(fmt, "boms", headers, rows)
    page_obj = paginate(request, boms)
    page_obj.object_list = list(page_obj.object_list)
    page = [f"page {page_obj.number}"] if page_obj.number > 1 else []
    log_boms_read(
        user,
        [bom.pk for bom in page_obj.object_list],
        description=", ".join(filter(None, [described, *page])),
        channel="web",
        path=request.get_full_path(),
    )
    context = {
        "form": form,
        "sort": sort,
        "page_obj": page_obj,
        "can_import": programs_for_bom_import(user).exists(),
    }
    return render(request, "parts/bom_list.html", context)


def _describe(filters: dict[str, Any], program_names: dict[Any, str]) -> str:
    """What a BOM list asked for, as the owner reads it in its access log."""
    said = []
    if filters.get("program"):
        said.append(f"program {program_names.get(int(filters['program']), filters['program'])}")
    if filters.get("status"):
        said.append(f"status {filters['status']}")
    return ", ".join(said)


def _exploded(
    request: HttpRequest, pk: int, channel: str, *, with_sources: bool = True
) -> tuple[Bom, list[BomRow]]:
    user = person(request)
    bom = get_bom_for_user(user, pk, channel=channel, path=request.path)
    # Sub-assembly BOMs the person may not see are not expanded; their line is flagged.
    return bom, exploded_bom_for_user(user, bom, with_sources=with_sources)


def _flagged_only(request: HttpRequest) -> bool:
    return request.GET.get("flagged", "") in {"1", "on", "true", "yes"}


@login_required
@require_GET
def bom_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fmt = requested_export(request)
    if fmt:
        return bom_export(request, pk, fmt)
    bom, rows = _exploded(request, pk, channel="web", with_sources=False)
    summary = summarise_bom(rows)
    flagged = _flagged_only(request)
    shown = [r for r in rows if r.flags] if flagged else rows
    show_all = request.GET.get("all") == "1"
    page_obj = None
    if not show_all and len(shown) > BOM_PAGE_ROWS:
        page_obj = Paginator(shown, BOM_PAGE_ROWS).get_page(request.GET.get("page"))
        shown = list(page_obj.object_list)
    user = person(request)
    is_member = can_edit_program_boms(user, bom.program_id, bom.program.owner_id)
    next_statuses = (
        allowed_bom_statuses(
            bom, is_member=is_member, is_manager=can_manage_program(user, bom.program)
        )
        if is_member and not bom.program.is_archived
        else []
    )
    context = {
        "bom": bom,
        "next_statuses": [(s, BomStatus(s).label) for s in next_statuses],
        "summary": summary,
        "rows": present_rows(attach_sources(shown)),
        "flagged": flagged,
        "flagged_count": sum(1 for r in rows if r.flags),
        "page_obj": page_obj,
        "show_all": show_all,
        "page_rows": BOM_PAGE_ROWS,
    }
    return render(request, "parts/bom_detail.html", context)


@login_required
@require_GET
def bom_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    bom, rows = _exploded(request, pk, channel="export")
    if _flagged_only(request):
        rows = [r for r in rows if r.flags]
    headers, table = bom_export_table(rows)
    filename = f"{bom.assembly.number}-rev{bom.revision}-bom"
    return export_table(fmt, filename, headers, table)


@login_required
@require_POST
def bom_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Release, obsolete, or take back to draft (the service checks who may)."""
    user = person(request)
    bom = get_bom_for_user(user, pk, write=True)
    form = BomStatusForm(request.POST)
    if not form.is_valid():
        raise InvalidInput("Choose a status.", detail={"field": "status"})
    try:
        bom = set_bom_status(
            actor=user,
            bom=bom,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
    except (Conflict, Forbidden) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{bom} is now {bom.get_status_display().lower()}.")
    return redirect("bom_detail", bom.pk)
