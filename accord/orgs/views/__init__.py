"""Program and NDA pages: parse the request, go through access.py, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import (
    Case,
    CharField,
    Count,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.access import get_or_404, today
from accord.core.errors import Conflict, InvalidInput
from accord.orgs.access import (
    can_manage_program,
    can_read_nda_document,
    candidate_members_for,
    events_for_object,
    events_visible_to,
    get_nda_for_user,
    get_program_for_user,
    members_visible_to,
    ndas_in_force_for_program,
    ndas_visible_to,
    partner_candidates_for,
    partners_visible_to,
    program_description,
    programs_visible_to,
    visible_member_counts,
)
from accord.orgs.choices import MemberRole, NdaStatus, OrganisationKind
from accord.orgs.forms import (
    NDA_STATES,
    AddMemberForm,
    NdaFilterForm,
    PartnerAddForm,
    ProgramFilterForm,
)
from accord.orgs.models import Nda, Person, Program
from accord.orgs.services import add_program_member, remove_program_member
from accord.parts.access import boms_visible_to, log_boms_read
from accord.web.tables import (
    export_table,
    paginate,
    parse_sort,
    person,
    requested_export,
)

PROGRAM_SORTS = {"name": "name", "code": "code", "owner": "owner__name", "status": "status"}
NDA_SORTS = {
    "reference": "reference",
    "effective": "effective_date",
    "expiry": "expiry_date",
    "state": "state",
}
PROGRAM_EVENTS = 20


def program_overview(user: Person) -> QuerySet[Program]:
    """Visible programs with the person's role, the number of members they can see and of
    visible BOMs."""
    bom_counts = (
        boms_visible_to(user)
        .filter(program=OuterRef("pk"))
        .order_by()
        .values("program")
        .annotate(n=Count("pk"))
        .values("n")
    )
    role_label = Case(
        *[When(mine__role=value, then=Value(str(label))) for value, label in MemberRole.choices],
        default=Value(""),
        output_field=CharField(),
    )
    return (
        programs_visible_to(user)
        .select_related("owner")
        .annotate(mine=FilteredRelation("members", condition=Q(members__person_id=user.pk)))
        .annotate(
            my_role=role_label,
            member_count=visible_member_counts(user),
            bom_count=Coalesce(Subquery(bom_counts), Value(0)),
        )
    )


@login_required
@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    user = person(request)
    form = ProgramFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {"status": "", "show": ""}
    sort, order = parse_sort(request, PROGRAM_SORTS, "name")
    programs = program_overview(user).order_by(order, "pk")
    if filters["status"]:
        programs = programs.filter(status=filters["status"])
    if filters["show"] == "archived":
        programs = programs.filter(archived_at__isnull=False)
    elif filters["show"] != "all":
        programs = programs.filter(archived_at__isnull=True)
    fmt = requested_export(request)
    if fmt:
        headers = ["Code", "Name", "Owner", "Status", "My role", "Members", "BOMs"]
        rows = (
            [
                p.code,
                p.name,
                p.owner.name,
                p.get_status_display(),
                p.my_role,  # type: ignore[attr-defined]
                p.member_count,  # type: ignore[attr-defined]
                p.bom_count,  # type: ignore[attr-defined]
            ]
            for p in programs.iterator(chunk_size=2000)
        )
        return export_table(fmt, "programs", headers, rows)
    context = {
        "form": form,
        "sort": sort,
        "page_obj": paginate(request, programs),
        "can_create": user.organisation is not None
        and user.organisation.kind == OrganisationKind.OEM,
    }
    return render(request, "orgs/program_list.html", context)


def _program_context(
    request: HttpRequest, program: Program, member_form: AddMemberForm | None = None
) -> dict[str, Any]:
    user = person(request)
    manager = can_manage_program(user, program)
    if manager and member_form is None:
        member_form = AddMemberForm(candidates=candidate_members_for(user, program))
    partner_form = None
    if manager and not program.is_archived:
        partner_form = PartnerAddForm(candidates=partner_candidates_for(user, program))
    boms = list(
        boms_visible_to(user)
        .filter(program=program)
        .select_related("assembly")
        .annotate(line_count=Count("lines"))
        .order_by("assembly__number", "-created_at")
    )
    log_boms_read(
        user,
        [bom.pk for bom in boms],
        description=f"BOMs of {program.name}",
        channel="web",
        path=request.path,
    )
    return {
        "program": program,
        "description": program_description(user, program),
        "is_manager": manager,
        "member_form": member_form if manager and not program.is_archived else None,
        "partner_form": partner_form,
        "members": members_visible_to(user, program)
        .select_related("person__organisation")
        .order_by("person__organisation__name", "person__last_name", "person__first_name"),
        "partners": partners_visible_to(user, program),
        "ndas": ndas_in_force_for_program(user, program)
        .select_related("party_a", "party_b")
        .order_by("reference"),
        "boms": boms,
        "events": events_visible_to(user)
        .filter(program=program)
        .select_related("organisation")[:PROGRAM_EVENTS],
    }


@login_required
@require_GET
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = get_program_for_user(person(request), pk)
    return render(request, "orgs/program_detail.html", _program_context(request, program))


@login_required
@require_POST
def program_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    program = get_program_for_user(user, pk, write=True)
    form = AddMemberForm(request.POST, candidates=candidate_members_for(user, program))
    if form.is_valid():
        added: Person = form.cleaned_data["person"]
        try:
            add_program_member(
                actor=user, program=program, person=added, role=form.cleaned_data["role"]
            )
        except (InvalidInput, Conflict) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{added} is now a member of {program}.")
            return redirect(reverse("program_detail", args=[program.pk]) + "#members")
    context = _program_context(request, program, member_form=form)
    return render(request, "orgs/program_detail.html", context, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def program_member_remove(request: HttpRequest, pk: int, person_id: int) -> HttpResponse:
    """GET asks for confirmation; POST removes. Only managers get either."""
    user = person(request)
    program = get_program_for_user(user, pk, write=True)
    member = get_or_404(
        members_visible_to(user, program).select_related("person__organisation"),
        person_id=person_id,
    )
    if request.method == "POST":
        try:
            remove_program_member(actor=user, program=program, person=member.person)
        except Conflict as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{member.person} is no longer a member of {program}.")
            if member.person_id == user.pk:  # the program is no longer visible to them
                return redirect("program_list")
        return redirect(reverse("program_detail", args=[program.pk]) + "#members")
    return render(
        request, "orgs/member_remove_confirm.html", {"program": program, "member": member}
    )


def nda_state() -> Case:
    """In force, expired, terminated or not yet effective, decided for today."""
    day = today()
    return Case(
        When(status=NdaStatus.TERMINATED, then=Value("terminated")),
        When(effective_date__gt=day, then=Value("not_yet_effective")),
        When(expiry_date__lt=day, then=Value("expired")),
        default=Value("in_force"),
        output_field=CharField(),
    )


def _ndas_for_page(user: Person) -> QuerySet[Nda]:
    """Covered programs are listed only when the person is a member of them."""
    visible_programs = programs_visible_to(user).order_by("name")
    return (
        ndas_visible_to(user)
        .select_related("party_a", "party_b")
        .annotate(state=nda_state())
        .annotate(
            state_label=Case(
                *[When(state=key, then=Value(label)) for key, label in NDA_STATES.items()],
                output_field=CharField(),
            )
        )
        .prefetch_related(
            Prefetch("programs", queryset=visible_programs, to_attr="visible_programs")
        )
    )


def _programs_text(nda: Nda) -> str:
    if nda.covers_all_programs:
        return "All programs shared between the parties"
    return ", ".join(p.name for p in nda.visible_programs)  # type: ignore[attr-defined]


@login_required
@require_GET
def nda_list(request: HttpRequest) -> HttpResponse:
    user = person(request)
    form = NdaFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {"q": "", "state": ""}
    if form.text_refused and requested_export(request):
        raise InvalidInput(form.refused_text_message(), detail={"field": "q"})
    sort, order = parse_sort(request, NDA_SORTS, "reference")
    ndas = _ndas_for_page(user).order_by(order, "pk")
    if filters["state"]:
        ndas = ndas.filter(state=filters["state"])  # type: ignore[misc]
    if term := filters["q"].strip():
        ndas = ndas.filter(
            Q(reference__icontains=term)
            | Q(title__icontains=term)
            | Q(party_a__name__icontains=term)
            | Q(party_b__name__icontains=term)
        )
    fmt = requested_export(request)
    if fmt:
        headers = [
            "Reference",
            "Title",
            "Party A",
            "Party B",
            "Effective",
            "Expiry",
            "Status",
            "Programs covered",
            "Document",
        ]
        rows = (
            [
                n.reference,
                n.title,
                n.party_a.name,
                n.party_b.name,
                n.effective_date,
                n.expiry_date,
                n.state_label,  # type: ignore[attr-defined]
                _programs_text(n),
                "yes" if n.document else "",
            ]
            for n in ndas
        )
        return export_table(fmt, "ndas", headers, rows)
    context = {"form": form, "sort": sort, "page_obj": paginate(request, ndas)}
    return render(request, "orgs/nda_list.html", context, status=422 if form.text_refused else 200)


@login_required
@require_GET
def nda_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    nda = get_nda_for_user(user, pk)  # the access check: 404 unless a party
    nda = _ndas_for_page(user).get(pk=nda.pk)  # with today's state and the visible programs
    context = {
        "nda": nda,
        "can_change": user.is_org_admin and nda.status != NdaStatus.TERMINATED,
        "can_read_document": bool(nda.document) and can_read_nda_document(user, nda),
        "programs_text": _programs_text(nda),
        "events": events_for_object(user, nda).select_related("organisation")[:50],
    }
    return render(request, "orgs/nda_detail.html", context)
