"""Pages that change programs and NDAs: create and edit a program, archive it, add and remove
partner organisations; register, amend and terminate an NDA. Reads are in __init__.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accord.core.access import get_or_404
from accord.core.errors import FORM_ERRORS, Forbidden
from accord.orgs import services
from accord.orgs.access import (
    get_nda_document_for_user,
    get_nda_for_user,
    get_program_for_user,
    organisations_visible_to,
    partner_candidates_for,
    partners_visible_to,
    programs_for_nda,
)
from accord.orgs.choices import OrganisationKind
from accord.orgs.documents import nda_file_response, read_document
from accord.orgs.forms import NdaForm, PartnerAddForm, ProgramForm
from accord.orgs.models import Nda, Person, Program
from accord.web.pages import form_page
from accord.web.tables import person


def _program_crumbs(program: Program | None = None) -> list[tuple[str, str]]:
    crumbs = [("Programs", reverse("program_list"))]
    if program is not None:
        crumbs.append((program.name, reverse("program_detail", args=[program.pk])))
    return crumbs


# Programs ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    """A new program of your organisation (OEMs); you become its first manager."""
    user = person(request)
    if user.organisation is None or user.organisation.kind != OrganisationKind.OEM:
        raise Forbidden("Programs are created by OEMs; an EMS or supplier joins them as partner.")
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.create_program(actor=user, **form.cleaned_data)
        except FORM_ERRORS as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Created {program}. You are its manager.")
            return redirect("program_detail", program.pk)
    return form_page(
        request,
        title="New program",
        lede="One product shared with the partners who build it and supply its parts. You "
        "become its manager; you add partner organisations and members next.",
        form=form,
        action=reverse("program_create"),
        submit="Create program",
        cancel_url=reverse("program_list"),
        breadcrumbs=_program_crumbs(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    program = get_program_for_user(user, pk, write=True)
    initial = {
        "name": program.name,
        "description": program.description,
        "status": program.status,
        "description_shared": program.description_shared,
    }
    form = ProgramForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_program(actor=user, program=program, **form.cleaned_data)
        except FORM_ERRORS as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Saved {program}.")
            return redirect("program_detail", program.pk)
    return form_page(
        request,
        title=f"Edit {program.name}",
        form=form,
        action=reverse("program_edit", args=[program.pk]),
        submit="Save",
        cancel_url=reverse("program_detail", args=[program.pk]),
        breadcrumbs=_program_crumbs(program),
    )


@login_required
@require_POST
def program_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """POST archive=1 archives, archive=0 restores (managers)."""
    user = person(request)
    program = get_program_for_user(user, pk, write=True)
    archive = request.POST.get("archive", "1") != "0"
    try:
        services.archive_program(actor=user, program=program, archived=archive)
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"{program} is archived." if archive else f"{program} is restored."
        )
    return redirect("program_detail", program.pk)


@login_required
@require_POST
def program_partner_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    program = get_program_for_user(user, pk, write=True)
    form = PartnerAddForm(request.POST, candidates=partner_candidates_for(user, program))
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            services.add_program_partner(
                actor=user,
                program=program,
                organisation=organisation,
                responsibility=form.cleaned_data["responsibility"],
            )
        except FORM_ERRORS as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{organisation} is now a partner of {program}.")
            return redirect(reverse("program_detail", args=[program.pk]) + "#partners")
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("program_detail", args=[program.pk]) + "#partners")


@login_required
@require_http_methods(["GET", "POST"])
def program_partner_remove(request: HttpRequest, pk: int, org_id: int) -> HttpResponse:
    """GET asks for confirmation; POST removes the partner and its people's membership."""
    user = person(request)
    program = get_program_for_user(user, pk, write=True)
    partner = get_or_404(partners_visible_to(user, program), organisation_id=org_id)
    if request.method == "POST":
        try:
            removed = services.remove_program_partner(actor=user, program=program, partner=partner)
        except FORM_ERRORS as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"{partner.organisation} left {program}; {removed} of its people lost access.",
            )
        return redirect(reverse("program_detail", args=[program.pk]) + "#partners")
    members = program.members.filter(person__organisation_id=org_id).select_related("person")
    return render(
        request,
        "orgs/partner_remove_confirm.html",
        {"program": program, "partner": partner, "members": members},
    )


# NDAs ----------------------------------------------------------------------------------------


def _counterparties(user: Person) -> Any:
    return organisations_visible_to(user).exclude(pk=user.organisation_id or 0).order_by("name")


def _nda_crumbs(nda: Nda | None = None) -> list[tuple[str, str]]:
    crumbs = [("NDAs", reverse("nda_list"))]
    if nda is not None:
        crumbs.append((nda.reference, reverse("nda_detail", args=[nda.pk])))
    return crumbs


@login_required
@require_http_methods(["GET", "POST"])
def nda_create(request: HttpRequest) -> HttpResponse:
    """Register an NDA of your organisation with another, with its signed PDF."""
    user = person(request)
    if not user.is_org_admin:
        raise Forbidden("Only an organisation administrator can register NDAs.")
    form = NdaForm(
        request.POST or None,
        request.FILES or None,
        counterparties=_counterparties(user),
        programs=programs_for_nda(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assert user.organisation is not None
        try:
            nda = services.register_nda(
                actor=user,
                reference=data["reference"],
                title=data["title"],
                party_a=user.organisation,
                party_b=data["counterparty"],
                effective_date=data["effective_date"],
                expiry_date=data["expiry_date"],
                programs=data["programs"],
                covers_all_programs=data["covers_all_programs"],
                document=read_document(data["document"]),
            )
        except FORM_ERRORS as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Registered {nda.reference}.")
            return redirect("nda_detail", nda.pk)
    return form_page(
        request,
        title="Register an NDA",
        lede="Restricted data of one party is shared with the other only while an NDA in force "
        "covers the program.",
        form=form,
        action=reverse("nda_create"),
        submit="Register NDA",
        multipart=True,
        cancel_url=reverse("nda_list"),
        breadcrumbs=_nda_crumbs(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def nda_amend(request: HttpRequest, pk: int) -> HttpResponse:
    """A new expiry, other programs covered, the signed amendment (administrators)."""
    user = person(request)
    nda = get_nda_for_user(user, pk, write=True)
    choosable = programs_for_nda(user)
    initial = {
        "expiry_date": nda.expiry_date,
        "covers_all_programs": nda.covers_all_programs,
        "programs": list(nda.programs.filter(pk__in=choosable.values("pk"))),
    }
    form = NdaForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        counterparties=None,
        programs=choosable,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Covered programs of the other party that this person cannot see stay covered.
        hidden = list(nda.programs.exclude(pk__in=choosable.values("pk")))
        try:
            services.amend_nda(
                actor=user,
                nda=nda,
                expiry_date=data["expiry_date"],
                programs=[*data["programs"], *hidden],
                covers_all_programs=data["covers_all_programs"],
                document=read_document(data["document"]),
            )
        except FORM_ERRORS as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Amended {nda.reference}.")
            return redirect("nda_detail", nda.pk)
    return form_page(
        request,
        title=f"Amend {nda.reference}",
        lede=f"Between {nda.party_a} and {nda.party_b}, effective {nda.effective_date:%Y-%m-%d}.",
        form=form,
        action=reverse("nda_amend", args=[nda.pk]),
        submit="Save the amendment",
        multipart=True,
        cancel_url=reverse("nda_detail", args=[nda.pk]),
        breadcrumbs=_nda_crumbs(nda),
    )


@login_required
@require_http_methods(["GET", "POST"])
def nda_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    nda = get_nda_for_user(user, pk, write=True)
    if request.method == "POST":
        try:
            services.terminate_nda(actor=user, nda=nda)
        except FORM_ERRORS as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{nda.reference} is terminated as of today.")
        return redirect("nda_detail", nda.pk)
    return render(request, "orgs/nda_terminate_confirm.html", {"nda": nda})


@login_required
@require_http_methods(["GET"])
def nda_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The signed PDF, for the parties' administrators and managers of a covered program."""
    nda = get_nda_document_for_user(person(request), pk, channel="web", path=request.path)
    return nda_file_response(nda)
