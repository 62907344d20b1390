"""The agenda a check-in opens with: what is due between the two sides, computed once and
stored as a snapshot (threads/checkins.py writes it).

The candidates are read as the first participant with a view of them sees them (the opener,
normally), through each app's access functions:

- open action items of people of the two organisations: overdue (in the owner's time zone,
  actions.is_overdue) or due in the check-in's week; open items from earlier check-ins of the
  same program and partner come first, "carried over";
- threads of the program not resolved, waiting on one side: the last shared post came from
  the other one, or the next update has passed;
- the program's coming shortages (the newest stored plan of the participants who may plan
  it, as the shortage board reads it);
- the partner's certificates expiring within EXPIRING_DAYS, and its rows of the gap view
  that are not met;
- the audit findings of the partner's sites in the program that are not closed.

Then the shared agenda keeps only what every participant may see: for each participant, one
query per kind gives the visible ids among the candidates (`visible_refs`), and the sets are
intersected. Never a query per item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery

from accord.orgs.models import Organisation, Program
from accord.threads.models import (
    ActionItem,
    ActionStatus,
    AgendaKind,
    CheckIn,
    ThreadStatus,
)

# How far ahead a certificate's expiry is on the agenda.
EXPIRING_DAYS = 90
# The most items of one kind an agenda lists (the earliest first).
MAX_PER_KIND = 50


@dataclass(frozen=True)
class Candidate:
    kind: str
    ref_kind: str
    ref_id: int | None
    label: str
    detail: str = ""
    waits_on_id: int | None = None
    restricted: bool = False
    carried_from_week: str = ""

    @property
    def ref(self) -> tuple[str, int] | None:
        return (self.ref_kind, self.ref_id) if self.ref_id is not None else None


Refs = dict[str, set[int]]


def week_bounds(week: str) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of an ISO week "2026-W48" (already checked by parse_week)."""
    year, number = week.split("-W")
    monday = dt.date.fromisocalendar(int(year), int(number), 1)
    return monday, monday + dt.timedelta(days=6)


# Which of some references a person may see ----------------------------------------------------


def visible_refs(person: Any, program: Program, partner_id: int, refs: Refs) -> Refs:
    """The references (kind -> ids) among `refs` the person may see now: one query per kind."""
    from accord.partners.access import certificates_visible_to
    from accord.partners.audits_access import findings_visible_to
    from accord.partners.requirement_access import gap_organisations, requirements_visible_to
    from accord.parts.access import parts_visible_to
    from accord.planning.access import programs_for_planning
    from accord.threads.access import action_items_visible_to, threads_visible_to

    seen: Refs = {}
    for kind, wanted in refs.items():
        ids = sorted(wanted)
        if not ids:
            seen[kind] = set()
            continue
        if kind == "action_item":
            rows: Any = action_items_visible_to(person).filter(pk__in=ids)
        elif kind == "thread":
            rows = threads_visible_to(person).filter(pk__in=ids)
        elif kind == "shortage":
            plans = programs_for_planning(person).filter(pk=program.pk).exists()
            rows = parts_visible_to(person).filter(pk__in=ids) if plans else None
        elif kind == "requirement":
            whose = gap_organisations(person, program)
            sees_rows = whose is None or partner_id in whose
            rows = requirements_visible_to(person).filter(pk__in=ids) if sees_rows else None
        elif kind == "certificate":
            rows = certificates_visible_to(person).filter(pk__in=ids)
        elif kind == "finding":
            rows = findings_visible_to(person).filter(pk__in=ids)
        else:
            rows = None
        seen[kind] = set(rows.values_list("pk", flat=True)) if rows is not None else set()
    return seen


def shared_refs(people: Sequence[Any], program: Program, partner_id: int, refs: Refs) -> Refs:
    """The references every one of the people may see (the intersection of their sets)."""
    shared = {kind: set(ids) for kind, ids in refs.items()}
    for person in people:
        seen = visible_refs(person, program, partner_id, shared)
        shared = {kind: shared[kind] & seen.get(kind, set()) for kind in shared}
    return shared


def refs_of(candidates: Iterable[Candidate]) -> Refs:
    refs: Refs = {}
    for c in candidates:
        if c.ref is not None:
            refs.setdefault(c.ref_kind, set()).add(int(c.ref_id or 0))
    return refs


# The candidates ---------------------------------------------------------------------------------


def _action_label(item: ActionItem) -> str:
    owner = item.owner.get_full_name() or item.owner.username
    return f"{item.title} ({owner}, due {item.due_date.isoformat()})"


def _actions(
    viewer: Any, checkin: CheckIn, previous: CheckIn | None, now: dt.datetime
) -> list[Candidate]:
    from accord.threads.access import action_items_visible_to
    from accord.threads.actions import is_overdue

    program = checkin.program
    monday, sunday = week_bounds(checkin.week)
    sides = [program.owner_id, checkin.partner_id]
    found: list[Candidate] = []
    carried_ids: set[int] = set()
    if previous is not None:
        earlier = CheckIn.objects.filter(
            program_id=program.pk, partner_id=checkin.partner_id, week__lt=checkin.week
        ).values("pk")
        carried = (
            action_items_visible_to(viewer)
            .filter(source_kind="checkin", source_id__in=earlier, status=ActionStatus.OPEN)
            .select_related("owner")
            .order_by("due_date", "pk")[:MAX_PER_KIND]
        )
        for item in carried:
            carried_ids.add(item.pk)
            late = " (overdue)" if is_overdue(item, now) else ""
            found.append(
                Candidate(
                    AgendaKind.CARRIED_ACTION,
                    "action_item",
                    item.pk,
                    _action_label(item),
                    f"Carried over from {previous.week}{late}",
                    carried_from_week=previous.week,
                )
            )
    due = (
        action_items_visible_to(viewer)
        .filter(
            program_id=program.pk,
            status=ActionStatus.OPEN,
            owner__organisation_id__in=sides,
            due_date__lte=sunday,
        )
        .exclude(pk__in=sorted(carried_ids))
        .select_related("owner")
        .order_by("due_date", "pk")[: MAX_PER_KIND * 2]
    )
    overdue, this_week = [], []
    for item in due:
        if is_overdue(item, now):
            overdue.append(
                Candidate(
                    AgendaKind.OVERDUE_ACTION,
                    "action_item",
                    item.pk,
                    _action_label(item),
                    f"Overdue: due {item.due_date.isoformat()}",
                )
            )
        else:
            this_week.append(
                Candidate(
                    AgendaKind.DUE_ACTION,
                    "action_item",
                    item.pk,
                    _action_label(item),
                    f"Due {item.due_date.isoformat()}"
                    + ("" if item.due_date >= monday else " (before this week)"),
                )
            )
    return found + overdue[:MAX_PER_KIND] + this_week[:MAX_PER_KIND]


def _threads(viewer: Any, checkin: CheckIn, now: dt.datetime) -> list[Candidate]:
    from accord.orgs.zones import local_day
    from accord.threads.access import threads_visible_to
    from accord.threads.models import Post
    from accord.threads.targets import restricted_subjects

    program = checkin.program
    sides = {program.owner_id: program.owner, checkin.partner_id: checkin.partner}
    last_shared = (
        Post.objects.filter(thread_id=OuterRef("pk"), internal=False)
        .order_by("-created_at", "-id")
        .values("author_organisation_id")[:1]
    )
    rows = (
        threads_visible_to(viewer)
        .filter(program_id=program.pk)
        .exclude(status=ThreadStatus.RESOLVED)
        .annotate(last_side=Subquery(last_shared))
        .order_by("next_update", "-updated_at", "pk")
    )
    today = local_day(viewer, now)
    found = []
    waiting: list[tuple[Any, str, Organisation | None]] = []
    for thread in rows:
        last = getattr(thread, "last_side", None)
        late = thread.next_update is not None and thread.next_update < today
        waits: Organisation | None = None
        if last in sides:
            other = next(pk for pk in sides if pk != last)
            waits = sides[other]
            why = f"Waits on {waits.name}: the last shared post came from {sides[last].name}"
        elif late:
            why = "Waits on both sides"
        else:
            continue
        if late:
            why += f"; the next update was due {thread.next_update}"
        waiting.append((thread, why, waits))
        if len(waiting) >= MAX_PER_KIND:
            break
    # Restricted data is read per subject (a restricted part), not per kind of subject.
    restricted = restricted_subjects((t.subject_kind, t.subject_id) for t, _, _ in waiting)
    for thread, why, waits in waiting:
        found.append(
            Candidate(
                AgendaKind.THREAD,
                "thread",
                thread.pk,
                thread.title,
                why + ".",
                waits_on_id=waits.pk if waits else None,
                restricted=(thread.subject_kind, thread.subject_id) in restricted,
            )
        )
    return found


def _shortages(people: Sequence[Any], checkin: CheckIn) -> list[Candidate]:
    """From the newest stored plan of the people who may plan the program (each plan is one
    person's view; the newest is the freshest picture)."""
    from accord.core.numbers import plain_number
    from accord.planning.access import part_plans_of, plan_run_for
    from accord.planning.queries import exact, week_date

    program = checkin.program
    runs = [(run, person) for person in people if (run := plan_run_for(person, program))]
    runs.sort(key=lambda pair: (pair[0].computed_at, pair[0].pk), reverse=True)
    if not runs:
        return []
    run, person = runs[0]
    plans = (
        part_plans_of(person, run)
        .filter(first_shortage_week__isnull=False)
        .select_related("part")
        .order_by("first_shortage_week", "part__number")[:MAX_PER_KIND]
    )
    found = []
    for plan in plans:
        first = week_date(run, plan.first_shortage_week)
        found.append(
            Candidate(
                AgendaKind.SHORTAGE,
                "shortage",
                plan.part_id,
                f"Shortage of {plan.part.number} {plan.part.description}".strip(),
                f"Short from the week of {first}, by {plain_number(exact(plan.quantity_short))}"
                f" (plan of {run.computed_at:%Y-%m-%d})",
                restricted=True,
            )
        )
    return found


def _certificates(viewer: Any, checkin: CheckIn, day: dt.date) -> list[Candidate]:
    from accord.partners.access import certificates_visible_to

    rows = (
        certificates_visible_to(viewer)
        .filter(
            site__organisation_id=checkin.partner_id,
            retired_at__isnull=True,
            suspended=False,
            valid_until__gte=day,
            valid_until__lte=day + dt.timedelta(days=EXPIRING_DAYS),
        )
        .select_related("site")
        .order_by("valid_until", "pk")[:MAX_PER_KIND]
    )
    return [
        Candidate(
            AgendaKind.CERTIFICATE,
            "certificate",
            c.pk,
            f"{c.label} {c.number} ({c.site.code})",
            f"Expires {c.valid_until.isoformat()}",
        )
        for c in rows
    ]


def _gaps(viewer: Any, checkin: CheckIn, day: dt.date) -> list[Candidate]:
    from accord.partners.choices import GapVerdict
    from accord.partners.gaps import gap_report
    from accord.partners.requirement_access import gap_organisations

    whose = gap_organisations(viewer, checkin.program)
    if whose is not None and checkin.partner_id not in whose:
        return []
    report = gap_report(checkin.program, organisations=frozenset({checkin.partner_id}), day=day)
    rows = sorted(
        (r for r in report.rows if r.verdict != GapVerdict.MET),
        key=lambda r: (-r.severity, r.site_code, r.requirement),
    )
    return [
        Candidate(
            AgendaKind.GAP,
            "requirement",
            r.requirement_id,
            f"{r.requirement} at {r.site_code}: {r.verdict.label}",
            r.detail,
        )
        for r in rows[:MAX_PER_KIND]
    ]


def _findings(viewer: Any, checkin: CheckIn) -> list[Candidate]:
    from accord.partners.audits_access import open_findings_visible_to

    rows = (
        open_findings_visible_to(viewer, checkin.program)
        .filter(audit__audited_organisation_id=checkin.partner_id)
        .order_by("audit__performed_date", "number", "pk")[:MAX_PER_KIND]
    )
    return [
        Candidate(
            AgendaKind.FINDING,
            "finding",
            f.pk,
            f"Finding {f.number} ({f.get_severity_display()}) of the audit of {f.audit.site.code}",
            f"{f.get_status_display()}",
            restricted=True,
        )
        for f in rows
    ]


def candidates_for(
    checkin: CheckIn,
    people: Sequence[Any],
    *,
    previous: CheckIn | None,
    now: dt.datetime,
    day: dt.date,
) -> list[Candidate]:
    """Every candidate item, as the first of the people sees them (the opener comes first)."""
    viewer = people[0]
    return [
        *_actions(viewer, checkin, previous, now),
        *_threads(viewer, checkin, now),
        *_shortages(people, checkin),
        *_certificates(viewer, checkin, day),
        *_gaps(viewer, checkin, day),
        *_findings(viewer, checkin),
    ]


def shared_agenda(
    checkin: CheckIn,
    people: Sequence[Any],
    *,
    previous: CheckIn | None,
    now: dt.datetime,
    day: dt.date,
) -> list[Candidate]:
    """The candidates every participant may see, in the agenda's order."""
    found = candidates_for(checkin, people, previous=previous, now=now, day=day)
    shared = shared_refs(people, checkin.program, checkin.partner_id, refs_of(found))
    order = {kind: n for n, kind in enumerate(AgendaKind.values)}
    kept = [c for c in found if c.ref is None or int(c.ref_id or 0) in shared[c.ref_kind]]
    return sorted(kept, key=lambda c: order[c.kind])
