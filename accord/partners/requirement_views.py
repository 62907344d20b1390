"""Program requirement pages and the gap view: what the program requires of its partner
sites (its members read it; the owner's members add and retire requirements), and each
partner site against each requirement (the owner's members see every partner; a partner's
members only their own organisation's rows), sortable, exported as CSV or XLSX."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.access import today
from accord.core.errors import FORM_ERRORS
from accord.partners.capability_forms import RequirementEditForm, RequirementForm
from accord.partners.capability_views import show_error
from accord.partners.choices import GapVerdict
from accord.partners.gaps import HEADERS, SORTS, gap_report, sorted_rows
from accord.partners.requirement_access import (
    can_manage_requirements,
    gap_organisations,
    get_program_for_requirements,
    get_requirement_for_user,
    requirements_visible_to,
)
from accord.partners.requirements import (
    add_requirement,
    change_requirement,
    retire_requirement,
)
from accord.web.pages import form_page
from accord.web.tables import export_table, parse_sort, person, requested_export


@login_required
@require_GET
def program_requirements(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    program = get_program_for_requirements(user, pk)
    rows = (
        requirements_visible_to(user)
        .filter(program=program, retired_at__isnull=True)
        .order_by("kind", "standard", "pk")
    )
    return render(
        request,
        "partners/program_requirements.html",
        {
            "program": program,
            "requirements": list(rows),
            "can_manage": can_manage_requirements(user, program.pk) and program.archived_at is None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def requirement_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    program = get_program_for_requirements(user, pk, write=True)
    form = RequirementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            requirement = add_requirement(actor=user, program=program, **form.values())
        except FORM_ERRORS as error:
            show_error(form, error)
        else:
            messages.success(request, f"Added the requirement {requirement.label}.")
            return redirect("program_requirements", program.pk)
    back = reverse("program_requirements", args=[program.pk])
    return form_page(
        request,
        form=form,
        title=f"Add a requirement of {program.name}",
        lede="A certificate (with its class and scope), process capabilities, or the "
        "countries allowed, for the sites of the program's partners of the kinds chosen.",
        action=reverse("requirement_create", args=[program.pk]),
        submit="Add the requirement",
        cancel_url=back,
        breadcrumbs=[(f"Requirements of {program.name}", back)],
    )


@login_required
@require_http_methods(["GET", "POST"])
def requirement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    requirement = get_requirement_for_user(user, pk, write=True)
    form = RequirementEditForm(
        request.POST or None, initial=RequirementEditForm.initial_of(requirement)
    )
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            change_requirement(actor=user, requirement=requirement, **form.values())
        except FORM_ERRORS as error:
            show_error(form, error)
            status = error.http_status
        else:
            messages.success(request, f"Changed the requirement {requirement.label}.")
            return redirect("program_requirements", requirement.program_id)
    program = requirement.program
    back = reverse("program_requirements", args=[program.pk])
    return form_page(
        request,
        form=form,
        title=f"Change the requirement {requirement.label}",
        lede=f"A {requirement.get_kind_display().lower()} requirement of {program.name}; "
        "its kind stays (retire it and add another for that).",
        action=reverse("requirement_edit", args=[requirement.pk]),
        submit="Save the requirement",
        cancel_url=back,
        breadcrumbs=[(f"Requirements of {program.name}", back)],
        status=status,
    )


@login_required
@require_POST
def requirement_retire(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    requirement = get_requirement_for_user(user, pk, write=True)
    retire_requirement(actor=user, requirement=requirement)
    messages.success(request, f"Retired the requirement {requirement.label}.")
    return redirect("program_requirements", requirement.program_id)


@login_required
@require_GET
def program_gaps(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    program = get_program_for_requirements(user, pk)
    report = gap_report(program, organisations=gap_organisations(user, program), day=today())
    sort, _field = parse_sort(request, {name: name for name in SORTS}, "organisation")
    rows = sorted_rows(report.rows, sort)
    fmt = requested_export(request)
    if fmt:
        return export_table(fmt, f"gaps-{program.code}", HEADERS, (r.cells() for r in rows))
    summary = report.summary
    return render(
        request,
        "partners/program_gaps.html",
        {
            "program": program,
            "report": report,
            "rows": rows,
            "sort": sort,
            "summary": [(v, summary[v.value]) for v in GapVerdict],
            "total": summary["total"],
            "all_partners": gap_organisations(user, program) is None,
        },
    )
