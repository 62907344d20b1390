"""Planning pages: the programs one may plan, the shortage board (part × week), clear-to-build,
and a part's supply timeline. Every page reads the person's own stored plan; planning again is
a POST."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accord.core.access import get_or_404
from accord.core.errors import FORM_ERRORS
from accord.core.numbers import plain_number
from accord.parts.access import manufacturer_parts_visible_to
from accord.planning.access import (
    clearances_of,
    get_part_plan_for_user,
    get_program_for_planning,
    log_plan_read,
    part_plans_of,
    plan_run_for,
    plan_runs_of,
    programs_for_planning,
    risk_owner_candidates,
    risks_of,
)
from accord.planning.alternates import alternates_for
from accord.planning.charts import timeline_chart
from accord.planning.forecast_views import seller_partners
from accord.planning.forms import BoardFilterForm, PlanForm, RiskFilterForm, RiskOwnerForm
from accord.planning.models import PartPlan, PlanRun
from accord.planning.queries import exact, owned_risks, week_date
from accord.planning.services import assign_risk_owner, propose_alternate, refresh_plan
from accord.web.tables import export_table, paginate, person, requested_export


def _number(value: float) -> str:
    return plain_number(exact(value))


@login_required
@require_GET
def plan_index(request: HttpRequest) -> HttpResponse:
    user = person(request)
    programs = list(programs_for_planning(user).order_by("name"))
    runs = {r.program_id: r for r in plan_runs_of(user).filter(program__in=programs)}
    rows = [(program, runs.get(program.pk)) for program in programs]
    return render(request, "planning/index.html", {"rows": rows, "form": PlanForm()})


@login_required
@require_POST
def plan_refresh(request: HttpRequest, program_id: int) -> HttpResponse:
    user = person(request)
    program = get_program_for_planning(user, program_id)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The horizon is 1 to 104 weeks.")
        return redirect("shortage_board", program_id=program.pk)
    try:
        run = refresh_plan(
            actor=user, person=user, program=program, horizon=form.cleaned_data["horizon"]
        )
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Planned {run.part_count} parts over {run.horizon} weeks in {run.duration_ms} ms: "
            f"{run.short_count} run short.",
        )
    return redirect("shortage_board", program_id=program.pk)


def _board_rows(user: Any, run: PlanRun, filters: dict[str, Any]) -> Any:
    plans = part_plans_of(user, run).select_related("part")
    if filters.get("show") != "all":
        plans = plans.filter(first_shortage_week__isnull=False)
    supply = filters.get("supply")
    if supply == "bought":
        plans = plans.filter(purchased=True)
    elif supply == "built":
        plans = plans.filter(purchased=False)
    elif supply == "consigned":
        plans = plans.filter(consigned=True)
    if filters.get("q"):
        word = filters["q"]
        plans = plans.filter(Q(part__number__icontains=word) | Q(part__description__icontains=word))
    return plans.order_by("first_shortage_week", "part__number")


def _cells(plan: PartPlan) -> list[tuple[str, str]]:
    """Each week's projected balance with its class: short, below safety stock, or fine."""
    out = []
    for value in plan.projected:
        css = "short" if value < 0 else ("low" if value < plan.safety_stock else "ok")
        out.append((css, _number(value)))
    return out


@login_required
@require_GET
def shortage_board(request: HttpRequest, program_id: int) -> HttpResponse:
    user = person(request)
    program = get_program_for_planning(user, program_id)
    run = plan_run_for(user, program)
    form = BoardFilterForm(request.GET)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    if run is None:
        return render(
            request,
            "planning/board.html",
            {
                "program": program,
                "run": None,
                "plan_form": PlanForm(),
                "form": form,
                "sellers": seller_partners(user, program),
            },
        )
    plans = _board_rows(user, run, filters)
    weeks = [week_date(run, w) for w in range(run.horizon)]
    fmt = requested_export(request)
    log_plan_read(user, run, channel="export" if fmt else "web", path=request.path)
    if fmt:
        headers = [
            "Part",
            "Description",
            "Supply",
            "On hand",
            "Safety stock",
            "First short",
            "Short by",
            "Weeks of cover",
            *[f"Week of {d.isoformat()}" for d in weeks if d],
        ]
        rows = (
            [
                p.part.number,
                p.part.description,
                _supply(p),
                exact(p.on_hand),
                exact(p.safety_stock),
                week_date(run, p.first_shortage_week),
                exact(p.quantity_short),
                p.weeks_of_cover,
                *[exact(v) for v in p.projected],
            ]
            for p in plans.iterator(chunk_size=500)
        )
        return export_table(fmt, f"shortages-{program.code}", headers, rows)
    page_obj = paginate(request, plans)
    board = [(p, _supply(p), week_date(run, p.first_shortage_week), _cells(p)) for p in page_obj]
    context = {
        "program": program,
        "run": run,
        "form": form,
        "plan_form": PlanForm(initial={"horizon": run.horizon}),
        "sellers": seller_partners(user, program),
        "weeks": weeks,
        "board": board,
        "page_obj": page_obj,
    }
    return render(request, "planning/board.html", context)


def _supply(plan: PartPlan) -> str:
    if plan.consigned:
        return "Consigned (from the OEM)"
    return "Bought" if plan.purchased else "Built"


def _stored(request: HttpRequest, program_id: int) -> tuple[Any, PlanRun]:
    user = person(request)
    program = get_program_for_planning(user, program_id)
    run = plan_run_for(user, program)
    if run is None:
        raise Http404("No plan yet")
    log_plan_read(
        user, run, channel="export" if requested_export(request) else "web", path=request.path
    )
    return program, run


@login_required
@require_GET
def clear_to_build_page(request: HttpRequest, program_id: int) -> HttpResponse:
    program, run = _stored(request, program_id)
    clearances = list(
        clearances_of(person(request), run)
        .select_related("build__assembly")
        .order_by("build__due_date", "build_id")
    )
    numbers = dict(part_plans_of(person(request), run).values_list("part_id", "part__number"))
    rows = [
        (
            c,
            None if c.buildable is None else _number(c.buildable),
            [
                (item["part"], numbers.get(item["part"], "?"), _number(item["short"]))
                for item in c.limiting
            ],
        )
        for c in clearances
    ]
    fmt = requested_export(request)
    if fmt:
        headers = ["Assembly", "Due", "Quantity", "Firm", "Buildable", "Limiting parts"]
        return export_table(
            fmt,
            f"clear-to-build-{program.code}",
            headers,
            (
                [
                    c.build.assembly.number,
                    c.build.due_date,
                    c.build.quantity,
                    c.build.firmness == "firm",
                    None if buildable is None else exact(c.buildable or 0),
                    ", ".join(f"{number} (short {short})" for _, number, short in limiting),
                ]
                for c, buildable, limiting in rows
            ),
        )
    return render(
        request, "planning/clear_to_build.html", {"program": program, "run": run, "rows": rows}
    )


@login_required
@require_GET
def part_timeline_page(request: HttpRequest, program_id: int, part_id: int) -> HttpResponse:
    program, run = _stored(request, program_id)
    plan = get_part_plan_for_user(person(request), run, part_id)
    weeks: list[dt.date] = [run.week_start + dt.timedelta(weeks=w) for w in range(run.horizon)]
    table = [
        (week, _number(g), _number(r), _number(p), _number(o), p < 0)
        for week, g, r, p, o in zip(
            weeks, plan.gross, plan.receipts, plan.projected, plan.planned_orders, strict=True
        )
    ]
    chart = timeline_chart(plan.gross, plan.receipts, plan.projected, plan.safety_stock)
    context = {
        "program": program,
        "run": run,
        "plan": plan,
        "table": table,
        "chart": chart,
        "first_short": week_date(run, plan.first_shortage_week),
        "on_hand": _number(plan.on_hand),
        "safety": _number(plan.safety_stock),
        "short_by": _number(plan.quantity_short),
    }
    return render(request, "planning/timeline.html", context)


def risk_owner_choices(user: Any, program: Any) -> list[tuple[int, str]]:
    """The members of the program the person sees who may see its schedule: who may own a risk."""
    return sorted(
        (
            (member.pk, f"{member} ({member.organisation})")
            for member in risk_owner_candidates(user, program)
            if programs_for_planning(member).filter(pk=program.pk).exists()
        ),
        key=lambda pair: pair[1],
    )


@login_required
@require_GET
def risk_register(request: HttpRequest, program_id: int) -> HttpResponse:
    program, run = _stored(request, program_id)
    user = person(request)
    owners = risk_owner_choices(user, program)
    form = RiskFilterForm(request.GET, owners=owners)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    table_rows = owned_risks(
        user,
        run,
        kind=filters.get("kind") or "",
        severity=filters.get("severity") or "",
        owner=filters.get("owner") or "",
    )
    fmt = requested_export(request)
    if fmt:
        headers = ["Part", "Description", "Risk", "Severity", "Detail", "Owner", "Note"]
        return export_table(
            fmt,
            f"risks-{program.code}",
            headers,
            (
                [
                    r.part.number,
                    r.part.description,
                    r.get_kind_display(),
                    r.get_severity_display(),
                    r.detail,
                    str(a.owner) if a else "",
                    a.note if a else "",
                ]
                for r, a in table_rows
            ),
        )
    context = {
        "program": program,
        "run": run,
        "form": form,
        "rows": table_rows,
        "owners": owners,
    }
    return render(request, "planning/risks.html", context)


@login_required
@require_POST
def risk_owner_assign(request: HttpRequest, program_id: int) -> HttpResponse:
    user = person(request)
    program, run = _stored(request, program_id)
    form = RiskOwnerForm(request.POST, owners=risk_owner_choices(user, program))
    if not form.is_valid():
        messages.error(request, "Choose an owner among the program's members.")
        return redirect("risk_register", program_id=program.pk)
    risk = get_or_404(
        risks_of(user, run).select_related("part"),
        part_id=form.cleaned_data["part"],
        kind=form.cleaned_data["kind"],
    )
    part = risk.part
    owner = get_or_404(risk_owner_candidates(user, program), pk=int(form.cleaned_data["owner"]))
    try:
        assign_risk_owner(
            actor=user,
            program=program,
            part=part,
            kind=form.cleaned_data["kind"],
            owner=owner,
            note=form.cleaned_data["note"],
        )
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{owner} owns this risk of {part.number} now.")
    return redirect("risk_register", program_id=program.pk)


def _plan_part(
    request: HttpRequest, program_id: int, part_id: int
) -> tuple[Any, PlanRun, PartPlan]:
    program, run = _stored(request, program_id)
    return program, run, get_part_plan_for_user(person(request), run, part_id)


@login_required
@require_GET
def part_alternates(request: HttpRequest, program_id: int, part_id: int) -> HttpResponse:
    program, run, plan = _plan_part(request, program_id, part_id)
    gap = exact(plan.quantity_short)
    found = alternates_for(person(request), plan.part, gap)
    context = {
        "program": program,
        "run": run,
        "plan": plan,
        "found": found,
        "gap": plain_number(gap),
        "first_short": week_date(run, plan.first_shortage_week),
    }
    return render(request, "planning/alternates.html", context)


@login_required
@require_POST
def alternate_propose(request: HttpRequest, program_id: int, part_id: int) -> HttpResponse:
    program, _run, plan = _plan_part(request, program_id, part_id)
    user = person(request)
    try:
        chosen = int(request.POST.get("manufacturer_part", ""))
    except ValueError:
        raise Http404("No such manufacturer part") from None
    manufacturer_part = get_or_404(
        manufacturer_parts_visible_to(user).select_related("manufacturer"), pk=chosen
    )
    try:
        propose_alternate(
            actor=user,
            program=program,
            part=plan.part,
            manufacturer_part=manufacturer_part,
            note=request.POST.get("note", "")[:300],
        )
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Proposed {manufacturer_part} as a source of {plan.part.number}: it waits for "
            f"{plan.part.owner}'s approval.",
        )
    return redirect("part_alternates", program_id=program.pk, part_id=plan.part_id)
