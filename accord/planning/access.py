"""Who may plan a program and read its plans: the program's members who may see its build
schedule (supply.access.build_visibility: the owner's members, and partners' members while an
NDA covers the program). Sellers plan nothing: they never see the schedule. Everything a plan
counts is read through the access functions as the person sees it (planning/inputs.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accord.core.access import get_or_404, is_person, record_restricted_rows_read
from accord.core.errors import InvalidInput
from accord.orgs.access import reach_of
from accord.orgs.choices import OrganisationKind
from accord.orgs.models import Organisation, Person, Program
from accord.planning.models import (
    BuildClearance,
    ForecastLine,
    ForecastShare,
    PartPlan,
    PartRisk,
    PlanRun,
    RiskOwner,
)

RISK_OWNER_REFUSED = "owner: choose a member of the program who may see its build schedule."


def programs_for_planning(user: Any) -> QuerySet[Program]:
    reach = reach_of(user)
    if reach.organisation_id is None or reach.seller:
        return Program.objects.none()
    return Program.objects.filter(pk__in=reach.restricted)


def get_program_for_planning(user: Any, ref: Any) -> Program:
    """By id or by code (the CLI's `accord shortages EBX2`); 404 unless the person may plan it."""
    programs = programs_for_planning(user)
    if isinstance(ref, str) and not ref.isdigit():
        return get_or_404(programs.select_related("owner"), code=ref)
    return get_or_404(programs.select_related("owner"), pk=ref)


def plan_run_for(user: Any, program: Program) -> PlanRun | None:
    """The person's own stored plan of a program they may plan (never another person's)."""
    if not programs_for_planning(user).filter(pk=program.pk).exists():
        return None
    return PlanRun.objects.filter(program=program, person_id=user.pk).first()


def forecast_shares_visible_to(user: Any) -> QuerySet[ForecastShare]:
    """A shared forecast: the buyer's people who may plan the program, and the supplier's
    people who are members of it; nobody else (another supplier never sees it)."""
    reach = reach_of(user)
    if reach.organisation_id is None or not reach.programs:
        return ForecastShare.objects.none()
    org = reach.organisation_id
    return ForecastShare.objects.filter(program_id__in=reach.programs).filter(
        Q(supplier_id=org) | Q(buyer_id=org, program_id__in=reach.restricted)
    )


def get_forecast_share_for_user(user: Any, pk: Any) -> ForecastShare:
    return get_or_404(
        forecast_shares_visible_to(user).select_related("program", "buyer", "supplier"), pk=pk
    )


# The forecasts an organisation was given, as its own records (its cards of its customers,
# scorecards/customers.py), never for showing: what a person sees goes through
# forecast_shares_visible_to.


def forecasts_shared_with(organisation_id: int) -> QuerySet[ForecastShare]:
    """Every forecast the organisation's customers shared with it, superseded ones too: a
    card judges each week by the forecast in force weeks before it."""
    return ForecastShare.objects.filter(supplier_id=organisation_id)


def forecast_lines_shared_with(organisation_id: int) -> QuerySet[ForecastLine]:
    """The lines (part, weekly quantities) of forecasts_shared_with."""
    return ForecastLine.objects.filter(share__supplier_id=organisation_id)


# The rows of a stored plan: only its own person reads them (runs come from plan_run_for).


def _own(user: Any, run: PlanRun) -> bool:
    return bool(getattr(user, "pk", None) == run.person_id)


def plan_runs_of(user: Any) -> QuerySet[PlanRun]:
    if not is_person(user):
        return PlanRun.objects.none()
    return PlanRun.objects.filter(person_id=user.pk)


def part_plans_of(user: Any, run: PlanRun) -> QuerySet[PartPlan]:
    return PartPlan.objects.filter(run=run) if _own(user, run) else PartPlan.objects.none()


def get_part_plan_for_user(user: Any, run: PlanRun, part_id: Any) -> PartPlan:
    return get_or_404(part_plans_of(user, run).select_related("part"), part_id=part_id)


def clearances_of(user: Any, run: PlanRun) -> QuerySet[BuildClearance]:
    if not _own(user, run):
        return BuildClearance.objects.none()
    return BuildClearance.objects.filter(run=run)


def risks_of(user: Any, run: PlanRun) -> QuerySet[PartRisk]:
    return PartRisk.objects.filter(run=run) if _own(user, run) else PartRisk.objects.none()


def risk_owners_of(user: Any, program: Program) -> QuerySet[RiskOwner]:
    if not programs_for_planning(user).filter(pk=program.pk).exists():
        return RiskOwner.objects.none()
    return RiskOwner.objects.filter(program=program)


def seller_partners_of(user: Any, program: Program) -> QuerySet[Organisation]:
    """The suppliers and distributors of a program one may plan: whom a forecast goes to."""
    if not programs_for_planning(user).filter(pk=program.pk).exists():
        return Organisation.objects.none()
    return Organisation.objects.filter(
        partnerships__program_id=program.pk, kind__in=OrganisationKind.sellers()
    ).order_by("name")


def risk_owner_candidates(user: Any, program: Program) -> QuerySet[Person]:
    """The program's members the person sees: whom a risk may be given to (the service also
    checks that the owner may see the schedule)."""
    from accord.orgs.access import members_visible_to

    if not programs_for_planning(user).filter(pk=program.pk).exists():
        return Person.objects.none()
    return Person.objects.filter(
        pk__in=members_visible_to(user, program).values("person_id")
    ).select_related("organisation")


def chosen_risk_owner(user: Any, program: Program, **lookup: Any) -> Person:
    """The candidate the lookup names (pk=..., username__iexact=...). Someone the person may
    not choose is answered as someone who does not qualify: the lookup tells nothing."""
    owner = risk_owner_candidates(user, program).filter(**lookup).first()
    if owner is None:
        raise InvalidInput(RISK_OWNER_REFUSED, detail={"field": "owner"})
    return owner


def log_plan_read(user: Any, run: PlanRun, *, channel: str, path: str) -> None:
    """A plan's figures that counted another holder's own stock (a partner's, under an NDA)
    are a read of that restricted stock: one access-log entry per holder, with the number of
    its stock rows the plan counted, each time the person reads the plan's figures."""
    from accord.supply.models import StockItem

    if not _own(user, run) or not run.partner_stock:
        return
    record_restricted_rows_read(
        user,
        [(int(holder), int(rows)) for holder, rows in run.partner_stock.items()],
        model=StockItem,
        description=f"stock counted in the plan of program {run.program_id}",
        channel=channel,
        path=path,
    )
