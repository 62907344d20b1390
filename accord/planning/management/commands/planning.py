"""`accord planning ACTION --as USERNAME ...`: a program's plan beyond its shortages, from the
command line, as that person sees it (their stored plan; one is made when they have none).

accord planning risks EBX2 --as maya [--kind single_source] [--severity high]
accord planning assign-risk EBX2 PART KIND OWNER_USERNAME --as maya [--note "..."]
accord planning clear-to-build EBX2 --as maya
accord planning alternates EBX2 PART --as maya
accord planning propose EBX2 PART MANUFACTURER_PART_ID --as maya [--note "..."]
accord planning share-forecast EBX2 SUPPLIER --as maya [--horizon 26] [--note "..."]
accord planning forecasts --as sam
accord planning forecast SHARE_ID --as sam
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandParser

from accord.core.commands import WorkspaceCommand, listing, no_arguments
from accord.core.errors import InvalidInput, NotFound
from accord.core.numbers import plain_number
from accord.orgs.models import Person, Program
from accord.parts.access import manufacturer_parts_visible_to
from accord.planning.access import (
    chosen_risk_owner,
    clearances_of,
    forecast_shares_visible_to,
    get_forecast_share_for_user,
    get_part_plan_for_user,
    get_program_for_planning,
    log_plan_read,
    plan_run_for,
    risks_of,
)
from accord.planning.alternates import alternates_for
from accord.planning.choices import RiskKind, Severity
from accord.planning.inputs import DEFAULT_HORIZON_WEEKS
from accord.planning.models import PartPlan, PlanRun
from accord.planning.netting import MAX_HORIZON_WEEKS
from accord.planning.queries import exact, owned_risks
from accord.planning.services import (
    assign_risk_owner,
    propose_alternate,
    refresh_plan,
    share_forecast,
)
from accord.supply.management.lookups import organisation_by_slug, part_ref


def _program(parser: CommandParser) -> None:
    parser.add_argument("program", metavar="PROGRAM", help="the program's code or id")


def _risks(parser: CommandParser) -> None:
    _program(parser)
    parser.add_argument("--kind", choices=RiskKind.values)
    parser.add_argument("--severity", choices=Severity.values)


def _assign(parser: CommandParser) -> None:
    _program(parser)
    parser.add_argument("part", metavar="PART", help="the part's number or id")
    parser.add_argument("kind", choices=RiskKind.values, metavar="KIND")
    parser.add_argument("owner", metavar="OWNER_USERNAME")
    parser.add_argument("--note", default="")


def _part(parser: CommandParser) -> None:
    _program(parser)
    parser.add_argument("part", metavar="PART", help="the part's number or id")


def _propose(parser: CommandParser) -> None:
    _part(parser)
    parser.add_argument("manufacturer_part", type=int, metavar="MANUFACTURER_PART_ID")
    parser.add_argument("--note", default="")


def _share(parser: CommandParser) -> None:
    _program(parser)
    parser.add_argument("supplier", metavar="SUPPLIER", help="the supplier's slug (its start)")
    parser.add_argument("--horizon", type=int, default=DEFAULT_HORIZON_WEEKS, metavar="WEEKS")
    parser.add_argument("--note", default="")


def _share_id(parser: CommandParser) -> None:
    parser.add_argument("share", type=int, metavar="SHARE_ID")


class Command(WorkspaceCommand):
    help = "A program's risks, clear-to-build, alternates and shared forecasts."
    subcommands = (
        ("risks", "the risk register of a program", _risks, "risks"),
        ("assign-risk", "name the owner of a part's risk", _assign, "assign_risk"),
        ("clear-to-build", "what each build can build on its due date", _program, "clear"),
        ("alternates", "approved sources and parametric candidates of a part", _part, "alternates"),
        ("propose", "propose a manufacturer part as a pending source", _propose, "propose"),
        ("share-forecast", "share a supplier its parts' needs per week", _share, "share"),
        ("forecasts", "the forecasts shared with you or by you", no_arguments, "forecasts"),
        ("forecast", "one shared forecast, week by week", _share_id, "forecast"),
    )

    def _run(self, actor: Person, reference: str) -> PlanRun:
        program: Program = get_program_for_planning(actor, reference)
        run = plan_run_for(actor, program) or refresh_plan(
            actor=actor, person=actor, program=program
        )
        log_plan_read(actor, run, channel="cli", path=f"accord planning {program.code}")
        return run

    def _part_plan(self, actor: Person, options: argparse.Namespace) -> tuple[PlanRun, PartPlan]:
        run = self._run(actor, options.program)
        part = part_ref(actor, options.part)
        return run, get_part_plan_for_user(actor, run, part.pk)

    def risks(self, actor: Person, options: argparse.Namespace) -> Any:
        run = self._run(actor, options.program)
        rows = [
            (
                risk.part.number,
                risk.kind,
                risk.severity,
                risk.detail,
                owner.owner.username if owner else "",
            )
            for risk, owner in owned_risks(
                actor, run, kind=options.kind or "", severity=options.severity or ""
            )
        ]
        headers = ["part", "kind", "severity", "detail", "owner"]
        return listing(rows, headers, as_json=options.json)

    def assign_risk(self, actor: Person, options: argparse.Namespace) -> Any:
        run, plan = self._part_plan(actor, options)
        if not risks_of(actor, run).filter(part_id=plan.part_id, kind=options.kind).exists():
            raise NotFound("No such risk in your plan.")
        owner = chosen_risk_owner(actor, run.program, username__iexact=options.owner)
        assigned = assign_risk_owner(
            actor=actor,
            program=run.program,
            part=plan.part,
            kind=options.kind,
            owner=owner,
            note=options.note,
        )
        return f"{assigned.owner.username} owns the {options.kind} risk of {plan.part.number}."

    def clear(self, actor: Person, options: argparse.Namespace) -> Any:
        run = self._run(actor, options.program)
        rows = [
            (
                c.build_id,
                c.build.assembly.number,
                c.build.due_date.isoformat(),
                plain_number(c.build.quantity),
                "" if c.buildable is None else plain_number(exact(c.buildable)),
                ", ".join(
                    f"part {item['part']} short {plain_number(exact(item['short']))}"
                    for item in c.limiting
                ),
            )
            for c in clearances_of(actor, run)
            .select_related("build__assembly")
            .order_by("build__due_date", "build_id")
        ]
        headers = ["build", "assembly", "due", "quantity", "buildable", "limiting"]
        return listing(rows, headers, as_json=options.json)

    def alternates(self, actor: Person, options: argparse.Namespace) -> Any:
        _run, plan = self._part_plan(actor, options)
        found = alternates_for(actor, plan.part, exact(plan.quantity_short))
        rows: list[tuple[Any, ...]] = [
            (
                "approved",
                "",
                s.manufacturer,
                s.mpn,
                s.status,
                "yes" if s.covers else "no",
                "; ".join(
                    f"{o.supplier}: {'' if o.stock is None else plain_number(o.stock)} in stock"
                    for o in s.offers
                ),
            )
            for s in found.approved
        ]
        rows += [
            (
                "candidate",
                c.manufacturer_part_id,
                c.manufacturer,
                c.mpn,
                "; ".join(f"{r.name} {r.candidate} ({r.verdict})" for r in c.comparisons),
                "yes" if c.covers else "no",
                "; ".join(
                    f"{o.supplier}: {'' if o.stock is None else plain_number(o.stock)} in stock"
                    for o in c.offers
                ),
            )
            for c in found.candidates
        ]
        headers = ["kind", "id", "manufacturer", "mpn", "status or parameters", "covers", "offers"]
        listed = listing(rows, headers, as_json=options.json)
        if options.json:
            return {"part": plan.part.number, "gap": plain_number(found.gap), "options": listed}
        summary = f"{plan.part.number}: short {plain_number(found.gap)}."
        return [summary, *listed, *([found.reason] if found.reason else [])]

    def propose(self, actor: Person, options: argparse.Namespace) -> Any:
        run, plan = self._part_plan(actor, options)
        manufacturer_part = (
            manufacturer_parts_visible_to(actor)
            .select_related("manufacturer")
            .filter(pk=options.manufacturer_part)
            .first()
        )
        if manufacturer_part is None:
            raise NotFound()
        source = propose_alternate(
            actor=actor,
            program=run.program,
            part=plan.part,
            manufacturer_part=manufacturer_part,
            note=options.note,
        )
        return (
            f"Proposed {manufacturer_part.mpn} for {plan.part.number}: source {source.pk} is "
            f"{source.status} until the part's owner approves it."
        )

    def share(self, actor: Person, options: argparse.Namespace) -> Any:
        if not 1 <= options.horizon <= MAX_HORIZON_WEEKS:
            raise InvalidInput(f"horizon: 1 to {MAX_HORIZON_WEEKS} weeks.")
        program = get_program_for_planning(actor, options.program)
        shared = share_forecast(
            actor=actor,
            program=program,
            supplier=organisation_by_slug(actor, options.supplier),
            horizon=options.horizon,
            note=options.note,
        )
        return (
            f"Shared forecast {shared.pk} with {shared.supplier}: "
            f"{shared.lines.count()} parts over {shared.horizon} weeks."
        )

    def forecasts(self, actor: Person, options: argparse.Namespace) -> Any:
        rows = [
            (
                s.pk,
                s.program.code,
                s.buyer.name,
                s.supplier.name,
                s.shared_at.isoformat(timespec="minutes"),
                s.horizon,
            )
            for s in forecast_shares_visible_to(actor)
            .select_related("program", "buyer", "supplier")
            .order_by("-shared_at", "-pk")
        ]
        headers = ["id", "program", "buyer", "supplier", "shared", "weeks"]
        return listing(rows, headers, as_json=options.json)

    def forecast(self, actor: Person, options: argparse.Namespace) -> Any:
        share = get_forecast_share_for_user(actor, options.share)
        rows = [
            (
                line.part.number,
                line.mpns,
                " ".join(plain_number(exact(q)) for q in line.quantities),
            )
            for line in share.lines.select_related("part").order_by("part__number")
        ]
        headers = ["part", "mpns", f"quantities per week from {share.week_start.isoformat()}"]
        return listing(rows, headers, as_json=options.json)
