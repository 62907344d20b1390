"""Collaboration at scale: the sweep, everyone's digest and the inbox, through the product's code.

    DATABASE_URL=... python benchmarks/collab.py [--scale 0.1] [--naive-sample 1000]

Generates, with a fixed seed and set-based inserts: 10 OEMs and 20 EMS providers, 100
programs (each OEM's ten, with two EMS partners, a BOM of 200 parts), 5,000 people in eight
time zones (in program teams: eight an organisation, each on one to three of its
programs; two managers a program),
20,000 threads (one per program and part) and 200,000 action items (ten a thread, owned by
members of the program): a quarter open, two in five of those overdue by 1 to 40 days, every
step up to yesterday's already sent (the sweep runs every few minutes: today's is what is new).
Each person has 5 to 500 notifications (most read), a few about threads they may no longer
see; four in five people take a digest (daily or weekly), yesterday's already made.

The clock is fixed: the sweep runs on a Sunday at 13:30 UTC, the digests on the Monday after at
13:30 UTC (past the digest hour in every zone used, and a new week: everyone's digest is due).

Timed:
- sweep: one `run_sweep(now)` (certificate alerts, escalation, e-mail batches, digests, sending),
  then a second at the same moment (idempotent: nothing new);
- digests: `queue_digests` for everyone due, then every digest queued composed and sent as the
  worker does (`send_deliveries` in the dispatcher's batches, to an in-memory mail backend);
- inbox: `inbox_rows` and `unread_count` of 200 random people, each in a request's memo; the
  query count of a person with 5 notifications and of one with 500 must be the same.

The naive baselines, in the same run: escalation as a loop over the open items (each item
loaded, each step of its ladder looked up, the owner's access checked for the item), timed on a
sample and extrapolated to every open item; the inbox checking access row by row
(may_see_target per notification); a digest checking each of its items one by one, timed on a
sample of people and extrapolated to everyone due.

Last line: RESULT bench=collab db=<vendor> sweep_s=... digest_s=... inbox_p95_ms=...
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import percentile, prepare_database

SEED = 20261205
OEMS, EMS = 10, 20
PROGRAMS_PER_OEM = 10
PARTS_PER_PROGRAM = 200
ITEMS_PER_THREAD = 10
ZONES = (
    "",  # the workspace's zone
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "America/New_York",
    "America/Mexico_City",
)
INBOX_REQUESTS = 200
NAIVE_SAMPLE = 1000


def clock() -> tuple[dt.datetime, dt.datetime]:
    """The sweep's moment (the Sunday of this week, 13:30 UTC) and the digests' (the Monday
    after): a clock of its own, so that each run does the same work."""
    today = dt.date.today()
    sunday = today + dt.timedelta(days=6 - today.weekday())
    sweep = dt.datetime.combine(sunday, dt.time(13, 30), tzinfo=dt.UTC)
    return sweep, sweep + dt.timedelta(days=1)


def _ids(model: type[Any], **filters: Any) -> list[int]:
    return list(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True))


def generate(scale: float, now: dt.datetime) -> dict[str, Any]:
    from django.db import transaction

    from accord.core.choices import Classification
    from accord.core.db import insert_rows, refresh_planner_statistics
    from accord.orgs.choices import MemberRole, OrganisationKind
    from accord.orgs.models import Organisation, Person, Program, ProgramMember, ProgramPartner
    from accord.orgs.zones import local_day
    from accord.parts.models import Bom, BomLine, Part
    from accord.threads.digest import period_of
    from accord.threads.escalation import DEFAULT_LADDER
    from accord.threads.models import (
        ActionItem,
        ActionStatus,
        DigestFrequency,
        DigestRun,
        EscalationSent,
        Notification,
        NotificationSettings,
        Thread,
    )

    rng = random.Random(SEED)
    people_total = max(300, int(5000 * scale))
    threads_total = max(400, int(20_000 * scale))
    programs_per_oem = max(2, min(PROGRAMS_PER_OEM, threads_total // (OEMS * PARTS_PER_PROGRAM)))
    parts_per_program = threads_total // (OEMS * programs_per_oem)

    with transaction.atomic():
        insert_rows(
            Organisation,
            ["name", "slug", "kind"],
            [(f"OEM {i:02d}", f"bench-oem-{i:02d}", OrganisationKind.OEM) for i in range(OEMS)]
            + [(f"EMS {i:02d}", f"bench-ems-{i:02d}", OrganisationKind.EMS) for i in range(EMS)],
        )
        oems = _ids(Organisation, kind=OrganisationKind.OEM)
        emss = _ids(Organisation, kind=OrganisationKind.EMS)
        insert_rows(
            Program,
            ["owner", "code", "name"],
            [
                (oem, f"P{o:02d}-{k:02d}", f"Program {o:02d}-{k:02d}")
                for o, oem in enumerate(oems)
                for k in range(programs_per_oem)
            ],
        )
        programs = list(Program.objects.order_by("pk").values_list("pk", "owner_id"))
        partners = {pk: rng.sample(emss, 2) for pk, _ in programs}
        insert_rows(
            ProgramPartner,
            ["program", "organisation"],
            [(pk, org) for pk, owner in programs for org in (owner, *partners[pk])],
        )
        # Each program's BOM: an assembly and its parts, the owner's catalogue.
        insert_rows(
            Part,
            ["owner", "number", "description", "is_assembly", "classification"],
            [
                (owner, f"A-{pk}", f"Assembly of program {pk}", True, Classification.PROGRAM)
                for pk, owner in programs
            ]
            + [
                (owner, f"P-{pk}-{i:04d}", f"Part {i} of {pk}", False, Classification.PROGRAM)
                for pk, owner in programs
                for i in range(parts_per_program)
            ],
        )
        assembly = dict(
            Part.objects.filter(is_assembly=True).values_list("number", "pk").order_by("pk")
        )
        insert_rows(
            Bom,
            ["program", "assembly", "revision", "classification"],
            [(pk, assembly[f"A-{pk}"], "A", Classification.PROGRAM) for pk, _ in programs],
        )
        boms = dict(Bom.objects.values_list("program_id", "pk"))
        part_of: dict[tuple[int, int], int] = {}
        for number, pk in Part.objects.filter(is_assembly=False).values_list("number", "pk"):
            _, program_text, index_text = number.split("-")
            part_of[(int(program_text), int(index_text))] = pk
        insert_rows(
            BomLine,
            ["bom", "position", "part", "quantity"],
            [
                (boms[pk], i + 1, part_of[(pk, i)], 1)
                for pk, _ in programs
                for i in range(parts_per_program)
            ],
        )

        # People: spread over the organisations, three administrators each.
        orgs = oems + emss
        insert_rows(
            Person,
            ["username", "email", "organisation", "time_zone", "is_org_admin", "is_active"],
            [
                (
                    f"bench{i:05d}",
                    f"bench{i:05d}@example.com",
                    orgs[i % len(orgs)],
                    ZONES[rng.randrange(len(ZONES))],
                    i < 3 * len(orgs),
                    True,
                )
                for i in range(people_total)
            ],
        )
        people = list(
            Person.objects.filter(username__startswith="bench")
            .order_by("pk")
            .values_list("pk", "organisation_id", "time_zone")
        )
        programs_of_org: dict[int, list[int]] = defaultdict(list)
        for pk, owner in programs:
            programs_of_org[owner].append(pk)
            for org in partners[pk]:
                programs_of_org[org].append(pk)
        # People work in program teams: eight an organisation, each on one to three of the
        # organisation's programs.
        teams = {
            org: [rng.sample(options, min(rng.randint(1, 3), len(options))) for _ in range(8)]
            for org, options in programs_of_org.items()
        }
        for org, options in programs_of_org.items():  # every program has a team on it
            for k, program in enumerate(options):
                if not any(program in team for team in teams[org]):
                    teams[org][k % 8].append(program)
        members: dict[int, list[int]] = defaultdict(list)
        managers: dict[int, int] = defaultdict(int)
        member_rows = []
        owner_of = dict(programs)
        for person, org, _ in people:
            for program in teams[org][rng.randrange(8)] if org in teams else ():
                owner_side = org == owner_of[program]
                role = MemberRole.MEMBER
                if owner_side and managers[program] < 2:
                    role = MemberRole.MANAGER
                    managers[program] += 1
                members[program].append(person)
                member_rows.append((program, person, role))
        insert_rows(ProgramMember, ["program", "person", "role"], member_rows)

        # Threads: one per program and part of its BOM.
        insert_rows(
            Thread,
            ["program", "subject_kind", "subject_id", "title", "created_at"],
            [
                (pk, "part", part_of[(pk, i)], f"Part {i} of program {pk}", now)
                for pk, _ in programs
                for i in range(parts_per_program)
            ],
        )
        threads = list(Thread.objects.order_by("pk").values_list("pk", "program_id"))

        # Action items: ten a thread, owned by the program's members.
        zone_of_person = {pk: zone for pk, _, zone in people}
        today_of_zone = {z: local_day(_Zoned(z), now) for z in ZONES}
        yesterday_of_zone = {z: local_day(_Zoned(z), now - dt.timedelta(days=1)) for z in ZONES}
        item_rows: list[tuple[Any, ...]] = []
        overdue_plan: list[tuple[int, int]] = []  # (row index, days late yesterday)
        for thread, program in threads:
            team = members[program]
            for k in range(ITEMS_PER_THREAD):
                owner = team[rng.randrange(len(team))]
                zone = zone_of_person[owner]
                roll = rng.random()
                if roll < 0.75:
                    status = rng.choice((ActionStatus.DONE, ActionStatus.CANCELLED))
                    due = today_of_zone[zone] - dt.timedelta(days=rng.randint(-10, 120))
                elif roll < 0.85:  # open and overdue
                    status = ActionStatus.OPEN
                    due = today_of_zone[zone] - dt.timedelta(days=rng.randint(1, 40))
                    late = (yesterday_of_zone[zone] - due).days
                    overdue_plan.append((len(item_rows), late))
                else:
                    status = ActionStatus.OPEN
                    due = today_of_zone[zone] + dt.timedelta(days=rng.randint(0, 60))
                item_rows.append(
                    (
                        program,
                        "thread",
                        thread,
                        thread,
                        f"Action {k} on thread {thread}",
                        owner,
                        due,
                        status,
                        now - dt.timedelta(days=130),
                    )
                )
        insert_rows(
            ActionItem,
            [
                "program",
                "source_kind",
                "source_id",
                "thread",
                "title",
                "owner",
                "due_date",
                "status",
                "created_at",
            ],
            item_rows,
        )
        item_ids = _ids(ActionItem)
        sent_rows = [
            (item_ids[index], days, step_target, now - dt.timedelta(days=1))
            for index, late in overdue_plan
            for days, step_target in DEFAULT_LADDER
            if days <= late
        ]
        insert_rows(EscalationSent, ["item", "days", "target", "sent_at"], sent_rows)

        # Notifications: 5 to 500 a person (two named people exactly 5 and 500), most read.
        threads_of_program: dict[int, list[int]] = defaultdict(list)
        for thread, program in threads:
            threads_of_program[program].append(thread)
        programs_of_person: dict[int, list[int]] = defaultdict(list)
        for program, person, _ in member_rows:
            programs_of_person[person].append(program)
        items_of_owner: dict[int, list[int]] = defaultdict(list)
        for (_, _, _, _, _, owner, _, status, _), pk in zip(item_rows, item_ids, strict=True):
            if status == ActionStatus.OPEN:
                items_of_owner[owner].append(pk)
        all_programs = [pk for pk, _ in programs]
        notification_rows = []
        counts: dict[int, int] = {}
        # The two whose inbox query counts are compared: 5 and 500 notifications, both kinds.
        few, many = [pk for pk, _, _ in people if items_of_owner[pk]][:2]
        for person, _, _ in people:
            count = (
                5
                if person == few
                else 500
                if person == many
                else int(min(500, max(5, rng.lognormvariate(3.6, 0.9))))
            )
            counts[person] = count
            mine = programs_of_person[person]
            for n in range(count):
                # The first two: one of each kind (the query counts compared are alike).
                roll = (0.5, 0.1)[n] if n < 2 and person in (few, many) else rng.random()
                if roll < 0.02 or not mine:  # a thread they may not see (any more)
                    program = rng.choice(all_programs)
                    while program in mine:
                        program = rng.choice(all_programs)
                    kind, target = "thread", rng.choice(threads_of_program[program])
                elif roll < 0.3 and items_of_owner[person]:
                    kind, target = "action_item", rng.choice(items_of_owner[person])
                else:
                    kind, target = "thread", rng.choice(threads_of_program[rng.choice(mine)])
                created = now - dt.timedelta(minutes=rng.randint(60, 60 * 24 * 60))
                read = None if rng.random() < 0.2 else created + dt.timedelta(hours=2)
                event = "assigned" if kind == "action_item" else rng.choice(("post", "mention"))
                group = f"thread:{target}" if kind == "thread" else ""
                notification_rows.append(
                    (person, event, kind, target, group, created, read, True, created)
                )
        insert_rows(
            Notification,
            [
                "recipient",
                "event",
                "target_kind",
                "target_id",
                "group_key",
                "created_at",
                "read_at",
                "in_inbox",
                "mail_checked_at",
            ],
            notification_rows,
        )

        # Digests: four in five people, yesterday's period already made.
        settings_rows = []
        run_rows = []
        for person, _, zone in people:
            roll = rng.random()
            if roll >= 0.8:
                continue
            frequency = DigestFrequency.DAILY if roll < 0.6 else DigestFrequency.WEEKLY
            settings_rows.append((person, frequency))
            period = period_of(frequency, now.astimezone(_zone(zone)))
            if period is not None:
                run_rows.append((person, period, 0, now))
        insert_rows(NotificationSettings, ["person", "digest"], settings_rows)
        insert_rows(DigestRun, ["person", "period", "item_count", "created_at"], run_rows)
    refresh_planner_statistics()
    return {
        "people": len(people),
        "threads": len(threads),
        "items": len(item_ids),
        "open_items": sum(1 for row in item_rows if row[7] == ActionStatus.OPEN),
        "overdue": len(overdue_plan),
        "sent_before": len(sent_rows),
        "notifications": len(notification_rows),
        "fewest": (few, counts[few]),
        "most": (many, counts[many]),
        "person_ids": [pk for pk, _, _ in people],
    }


class _Zoned:
    def __init__(self, zone: str) -> None:
        self.time_zone = zone


def _zone(name: str) -> Any:
    from accord.orgs.zones import zone_of

    return zone_of(_Zoned(name))


# What is timed ------------------------------------------------------------------------------


def sweep(now: dt.datetime) -> tuple[float, dict[str, int], float, dict[str, int]]:
    from accord.threads.sweep import run_sweep

    started = time.perf_counter()
    first = run_sweep(now)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    second = run_sweep(now)
    return first_s, first, time.perf_counter() - started, second


def digests(now: dt.datetime) -> tuple[float, float, int, int]:
    """Queue everyone's digest (the sweep's step), then send each one queued as the worker
    does (mail.send_deliveries, in the dispatcher's batches): composed from their sources
    again, access checked again, handed to an in-memory mail backend."""
    from django.test.utils import override_settings

    from accord.threads.digest import queue_digests
    from accord.threads.mail import send_deliveries, sending_batches
    from accord.threads.models import DeliveryKind, DeliveryStatus, EmailDelivery

    started = time.perf_counter()
    queued = queue_digests(now)
    queue_s = time.perf_counter() - started
    due = list(
        EmailDelivery.objects.filter(kind=DeliveryKind.DIGEST, created_at=now)
        .order_by("pk")
        .values_list("pk", "kind")
    )
    ids = [pk for pk, _ in due]
    started = time.perf_counter()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for batch in sending_batches(due):
            send_deliveries(batch, now)
    send_s = time.perf_counter() - started
    sent = EmailDelivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENT).count()
    return queue_s, send_s, queued, sent


def inbox_request(person: Any) -> int:
    """One inbox page as a request makes it: the header's count and the window, in a memo."""
    from accord.core.memo import request_memo
    from accord.threads.inbox import inbox_rows, unread_count

    with request_memo():
        unread_count(person)
        return len(inbox_rows(person))


def inbox(person_ids: list[int], requests: int) -> list[float]:
    from accord.orgs.models import Person

    rng = random.Random(SEED + 1)
    chosen = [rng.choice(person_ids) for _ in range(requests)]
    samples = []
    for pk in chosen:
        person = Person.objects.select_related("organisation").get(pk=pk)  # the session's user
        started = time.perf_counter()
        inbox_request(person)
        samples.append(time.perf_counter() - started)
    return samples


def query_count(person_pk: int) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accord.orgs.models import Person

    person = Person.objects.select_related("organisation").get(pk=person_pk)
    with CaptureQueriesContext(connection) as captured:
        rows = inbox_request(person)
    return len(captured.captured_queries), rows


# The naive baselines ------------------------------------------------------------------------


def naive_escalation(now: dt.datetime, sample: int) -> tuple[float, int, int]:
    """Per open item: load it and its owner, look up each step of its ladder, check the
    owner's access to the item: (seconds for the sample, sample size, open items)."""
    from accord.orgs.zones import local_day
    from accord.threads.escalation import ladders_of
    from accord.threads.models import ActionItem, ActionStatus, EscalationSent
    from accord.threads.notify import may_see_target

    open_ids = list(
        ActionItem.objects.filter(status=ActionStatus.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng = random.Random(SEED + 2)
    chosen = rng.sample(open_ids, min(sample, len(open_ids)))
    started = time.perf_counter()
    for pk in chosen:
        item = ActionItem.objects.select_related("owner", "owner__organisation").get(pk=pk)
        late = (local_day(item.owner, now) - item.due_date).days
        if late < 1:
            continue
        for days, target in ladders_of([item.program_id])[item.program_id]:
            if (
                days <= late
                and not EscalationSent.objects.filter(item_id=pk, days=days, target=target).exists()
            ):
                may_see_target(item.owner, "action_item", pk)
    return time.perf_counter() - started, len(chosen), len(open_ids)


def naive_inbox(person_ids: list[int], requests: int) -> list[float]:
    """The window, then access checked row by row."""
    from accord.orgs.models import Person
    from accord.threads.models import Notification
    from accord.threads.notify import may_see_target

    rng = random.Random(SEED + 1)
    samples = []
    for pk in [rng.choice(person_ids) for _ in range(requests)]:
        person = Person.objects.select_related("organisation").get(pk=pk)
        started = time.perf_counter()
        window = Notification.objects.filter(recipient_id=pk, in_inbox=True).order_by(
            "read_at", "-created_at", "-id"
        )[:50]
        [n for n in window if may_see_target(person, n.target_kind, n.target_id)]
        samples.append(time.perf_counter() - started)
    return samples


def naive_digest(person_ids: list[int], now: dt.datetime) -> float:
    """A person's digest with each unread notification and each open item checked alone."""
    from accord.orgs.models import Person
    from accord.threads.models import ActionItem, ActionStatus, Notification
    from accord.threads.notify import may_see_target

    started = time.perf_counter()
    for pk in person_ids:
        person = Person.objects.select_related("organisation").get(pk=pk)
        for n in Notification.objects.filter(
            recipient_id=pk, read_at__isnull=True, in_inbox=True, created_at__lte=now
        ).order_by("-created_at", "-id")[:100]:
            may_see_target(person, n.target_kind, n.target_id)
        for item in ActionItem.objects.filter(owner_id=pk, status=ActionStatus.OPEN).order_by(
            "due_date", "pk"
        )[:100]:
            may_see_target(person, "action_item", item.pk)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--naive-sample", type=int, default=NAIVE_SAMPLE)
    args = parser.parse_args()
    # Digests are queued only where e-mail is configured; nothing is sent here (no worker:
    # the sending step only hands deliveries over to the queue).
    os.environ.setdefault("ACCORD_SMTP_HOST", "127.0.0.1")
    os.environ.setdefault("ACCORD_TASK_BACKEND", "database")
    vendor = prepare_database("collab")
    sweep_now, digest_now = clock()
    started = time.perf_counter()
    world = generate(args.scale, sweep_now)
    print(
        f"generated {world['people']:,} people, {world['threads']:,} threads, "
        f"{world['items']:,} action items ({world['open_items']:,} open, {world['overdue']:,} "
        f"overdue, {world['sent_before']:,} steps sent before), {world['notifications']:,} "
        f"notifications in {time.perf_counter() - started:.0f} s"
    )
    from django.urls import get_resolver

    from accord.threads.models import EscalationSent

    # Loading the URLs (links in notifications) is the process's start, not the sweep's work:
    # the CLI's start-up has its own benchmark (cli_startup.py).
    started = time.perf_counter()
    get_resolver().url_patterns  # noqa: B018
    print(f"URLs loaded (once a process) in {time.perf_counter() - started:.1f} s")
    before = EscalationSent.objects.count()
    sweep_s, first, again_s, second = sweep(sweep_now)
    escalated = EscalationSent.objects.count() - before
    print(f"sweep at {sweep_now:%a %Y-%m-%d %H:%M} UTC: {sweep_s:.2f} s {first}")
    print(f"  steps sent: {escalated:,}")
    print(f"second sweep at the same moment (idempotent): {again_s:.2f} s {second}")
    assert not any(second.values()), "a second sweep at the same moment did something"

    queue_s, send_s, queued, sent = digests(digest_now)
    digest_s = queue_s + send_s
    print(
        f"digests at {digest_now:%a %Y-%m-%d %H:%M} UTC: {queued:,} queued in {queue_s:.2f} s, "
        f"{sent:,} composed and sent (in memory) in {send_s:.2f} s; all digests {digest_s:.2f} s"
    )

    samples = inbox(world["person_ids"], INBOX_REQUESTS)
    p95 = percentile(samples, 95) * 1000
    few_pk, few_n = world["fewest"]
    many_pk, many_n = world["most"]
    few_q, few_rows = query_count(few_pk)
    many_q, many_rows = query_count(many_pk)
    print(
        f"inbox ({INBOX_REQUESTS} requests, random people): median "
        f"{percentile(samples, 50) * 1000:.1f} ms, p95 {p95:.1f} ms"
    )
    print(
        f"  queries: {few_q} for a person with {few_n} notifications ({few_rows} rows shown), "
        f"{many_q} for one with {many_n} ({many_rows} rows shown)"
    )
    assert few_q == many_q, "the inbox's query count grows with the notifications"

    naive_s, sample, open_items = naive_escalation(sweep_now, args.naive_sample)
    naive_sweep = naive_s / max(sample, 1) * open_items
    print(
        f"naive escalation (a loop over the open items): {naive_s:.1f} s for {sample:,} items, "
        f"{naive_sweep:.0f} s extrapolated to {open_items:,}"
    )
    naive_samples = naive_inbox(world["person_ids"], 40)
    naive_p95 = percentile(naive_samples, 95) * 1000
    print(f"naive inbox (access checked row by row, 40 requests): p95 {naive_p95:.1f} ms")
    digest_sample = world["person_ids"][: max(10, args.naive_sample // 50)]
    naive_d = naive_digest(digest_sample, digest_now)
    naive_digests = naive_d / len(digest_sample) * max(queued, 1)
    print(
        f"naive digests (items checked one by one): {naive_d:.1f} s for {len(digest_sample)} "
        f"people, {naive_digests:.0f} s extrapolated to {queued:,}"
    )
    print(
        f"RESULT bench=collab db={vendor} sweep_s={sweep_s:.2f} digest_s={digest_s:.2f} "
        f"inbox_p95_ms={p95:.1f}"
    )


if __name__ == "__main__":
    main()
