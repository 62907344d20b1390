"""Build pages: the build schedule of the person's programs (filter, sort, export), scheduling
a build, and a build with every version it went through, changed or retired by the program's
members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import FORM_ERRORS, Forbidden
from accord.core.numbers import plain_number
from accord.orgs.access import get_program_for_user
from accord.orgs.choices import OrganisationKind
from accord.orgs.models import Person
from accord.parts.access import boms_visible_to
from accord.supply.access import (
    builds_visible_to,
    can_schedule_builds,
    get_build_for_user,
    log_build_read,
    log_builds_read,
    parts_for_builds,
    programs_for_builds,
    sites_visible_to,
)
from accord.supply.choices import BuildStatus
from accord.supply.forms import BuildFilterForm, ChangeBuildForm, RetireBuildForm, ScheduleBuildForm
from accord.supply.models import Build
from accord.supply.services import change_build, retire_build, schedule_build
from accord.supply.views.common import find_part, number_cell, show_error, supply_page
from accord.web.tables import (
    EXPORT_CAP,
    export_table,
    paginate,
    parse_sort,
    person,
    requested_export,
)

BUILD_SORTS = {
    "assembly": "assembly__number",
    "program": "program__name",
    "quantity": "quantity",
    "due": "due_date",
    "firmness": "firmness",
    "version": "version",
    "status": "status",
}
EXPORT_HEADERS = [
    "Assembly",
    "Description",
    "Program",
    "Quantity",
    "Due date",
    "Firmness",
    "Version",
    "Status",
    "Site",
    "Reference",
]


@login_required
@require_GET
def build_list(request: HttpRequest) -> HttpResponse:
    user = person(request)
    visible = builds_visible_to(user)
    programs = list(
        visible.order_by("program__name").values_list("program_id", "program__name").distinct()
    )
    form = BuildFilterForm(request.GET, programs=programs)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    sort, order = parse_sort(request, BUILD_SORTS, "due")
    builds = visible.select_related("program", "assembly", "site").order_by(order, "pk")
    said = []
    if filters.get("program"):
        builds = builds.filter(program_id=filters["program"])
        said.append(f"program {dict(programs).get(int(filters['program']), filters['program'])}")
    if filters.get("firmness"):
        builds = builds.filter(firmness=filters["firmness"])
        said.append(filters["firmness"])
    if filters.get("status"):
        builds = builds.filter(status=filters["status"])
        said.append(filters["status"])
    described = ", ".join(said)
    fmt = requested_export(request)
    if fmt:
        log_builds_read(
            user,
            builds.values("pk")[:EXPORT_CAP],
            description=described,
            channel="export",
            path=request.get_full_path(),
        )
        rows = (
            [
                b.assembly.number,
                b.assembly.description,
                b.program.name,
                number_cell(b.quantity),
                b.due_date,
                b.get_firmness_display(),
                b.version,
                b.get_status_display(),
                b.site.code if b.site else "",
                b.reference,
            ]
            for b in builds.iterator(chunk_size=2000)
        )
        return export_table(fmt, "builds", EXPORT_HEADERS, rows)
    page_obj = paginate(request, builds)
    page_obj.object_list = list(page_obj.object_list)
    log_builds_read(
        user,
        [b.pk for b in page_obj.object_list],
        description=described,
        channel="web",
        path=request.get_full_path(),
    )
    context = {
        "form": form,
        "sort": sort,
        "page_obj": page_obj,
        "can_schedule": programs_for_builds(user).exists(),
    }
    return supply_page(request, "supply/build_list.html", context)


def _schedule_form(user: Person, data: object = None) -> ScheduleBuildForm:
    return ScheduleBuildForm(
        data,
        programs=programs_for_builds(user).order_by("name"),
        sites=sites_visible_to(user).filter(retired_at__isnull=True).order_by("code"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def build_create(request: HttpRequest) -> HttpResponse:
    """Schedule a build of an assembly that has a BOM in one of the person's programs."""
    user = person(request)
    if user.organisation is None or user.organisation.kind in OrganisationKind.sellers():
        raise Forbidden("Suppliers and distributors do not schedule builds.")
    form = _schedule_form(user, request.POST or None)
    if request.method == "POST":
        if request.POST.get("program"):  # a program they may not see is 404, one they may
            program = get_program_for_user(user, request.POST["program"])  # read but not plan 403
            if not can_schedule_builds(user, program.pk):
                raise Forbidden("Only the program's members may schedule its builds.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                build = schedule_build(
                    actor=user,
                    program=data["program"],
                    assembly=find_part(
                        user, data["assembly"], field="assembly", among=parts_for_builds(user)
                    ),
                    quantity_due=data["quantity"],
                    due_date=data["due_date"],
                    firmness=data["firmness"],
                    site=data["site"],
                    reference=data["reference"],
                    note=data["note"],
                )
            except FORM_ERRORS as error:
                show_error(form, error)
            else:
                messages.success(request, f"Scheduled {build}.")
                return redirect("build_detail", build.pk)
    assemblies = (
        boms_visible_to(user)
        .filter(program__in=programs_for_builds(user))
        .order_by("assembly__number")
        .values_list("assembly__number", flat=True)
        .distinct()
    )
    context = {"form": form, "assemblies": list(assemblies)}
    return supply_page(
        request,
        "supply/build_create.html",
        context,
        status=422 if request.method == "POST" else 200,
    )


def _detail(
    request: HttpRequest,
    build: Build,
    *,
    change_form: ChangeBuildForm | None = None,
    retire_form: RetireBuildForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = person(request)
    changeable = (
        build.status == BuildStatus.SCHEDULED
        and build.program.archived_at is None
        and can_schedule_builds(user, build.program_id)
    )
    context = {
        "build": build,
        "versions": build.versions.select_related("changed_by").order_by("-version"),
        "change_form": change_form
        or (ChangeBuildForm(auto_id="change_%s") if changeable else None),
        "retire_form": retire_form
        or (RetireBuildForm(auto_id="retire_%s") if changeable else None),
    }
    return supply_page(request, "supply/build_detail.html", context, status=status)


@login_required
@require_GET
def build_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    build = get_build_for_user(user, pk)
    log_build_read(user, build, channel="web", path=request.path)
    return _detail(request, build)


@login_required
@require_POST
def build_change(request: HttpRequest, pk: int) -> HttpResponse:
    """A new version of the build: another quantity, due date or firmness."""
    user = person(request)
    build = get_build_for_user(user, pk, write=True)
    form = ChangeBuildForm(request.POST, auto_id="change_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            build = change_build(
                actor=user,
                build=build,
                quantity_due=data["quantity"] or None,
                due_date=data["due_date"],
                firmness=data["firmness"] or None,
                note=data["note"],
            )
        except FORM_ERRORS as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                f"Version {build.version}: {plain_number(build.quantity)} due "
                f"{build.due_date.isoformat()}, {build.get_firmness_display().lower()}.",
            )
            return redirect(reverse("build_detail", args=[build.pk]) + "#versions")
    return _detail(request, build, change_form=form, status=422)


@login_required
@require_POST
def build_retire(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    build = get_build_for_user(user, pk, write=True)
    form = RetireBuildForm(request.POST, auto_id="retire_%s")
    if form.is_valid():
        try:
            build = retire_build(actor=user, build=build, note=form.cleaned_data["note"])
        except FORM_ERRORS as error:
            show_error(form, error)
        else:
            messages.success(request, f"Retired the build (version {build.version}).")
            return redirect(reverse("build_detail", args=[build.pk]) + "#versions")
    return _detail(request, build, retire_form=form, status=422)
