"""Supplier scorecards over ten million delivery lines, through the product's code path.

    DATABASE_URL=... python benchmarks/scorecards.py [--scale 0.1] [--reuse] [--naive-sample 4]

Generates, with a fixed seed, one buyer's two years (24 months up to today) of purchasing from
2,000 suppliers: 1,000,000 issued and acknowledged orders of 10 lines (10,000,000 lines, due
over the 24 months, four in five confirmed), about 10,000,000 deliveries (most lines received
once, one in twenty in two partial receipts, one in fifty not yet; some early, some late by
each supplier's own habit; one receipt in forty with rejections), price breaks quoted for each
supplier's parts, and 4,000 stock items with Min levels and a month of ledger moves each.
The first computation builds the columnar copy of lines and receipts (facts.py) from the
database; its time is printed. With --reuse, the data a previous run generated is kept.

Then, timed:
- full: every card month of every supplier computed again and stored, as after a template
  change (services.compute_cards(whole_history=True), the background job's work);
- month: 200 deliveries received through the product's service (receive_delivery), then the
  open month refreshed (compute_cards), as the task after deliveries does;
- page: a supplier's card page as the buyer sees it (Django's test client, in-process; the
  median of 20 requests);
- threads: the buyer's questions to its suppliers in threads and their first shared answers
  (threads/queries.thread_questions, part of every computation above), over 20,000 threads
  with 100,000 questions by mention (one in seven unanswered), their answers and an internal
  note each, and 20,000 action items; its naive baseline, a query per question for its first
  answer, is timed on a sample and extrapolated.

The naive baseline is how an ERP's scorecard report does it: for each supplier, each month
and each variable, a query (lines due, lines on time, receipts and rejections, request
times, priced lines, each item's balance at the month's end), through the same access
functions, and the arithmetic in Python. It is timed on a sample of suppliers and
extrapolated to all of them.

Last line: RESULT bench=scorecards db=<vendor> full_s=... month_s=... page_ms=... naive_s=...
speedup=... threads_s=... threads_naive_s=...
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import prepare_database

SEED = 20261203
LINES_PER_ORDER = 10
NAIVE_SAMPLE = 8
MONTHS = 24


def _complete(model: type[Any], frame: Any) -> Any:
    """The frame with every other column of the model at its default (as the ORM would)."""
    import polars as pl
    from django.utils import timezone

    now = timezone.now()
    extra = []
    for field in model._meta.concrete_fields:
        if field.column in frame.columns or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            extra.append(pl.lit(now).alias(field.column))
        elif field.null:
            extra.append(pl.lit(None).alias(field.column))
        else:
            default = field.get_default()
            extra.append(pl.lit(default if default is not None else "").alias(field.column))
    return frame.with_columns(extra) if extra else frame


def _insert(model: type[Any], frame: Any) -> None:
    from django.db import transaction

    from accord.core.db import insert_frame

    with transaction.atomic():  # one commit, not one per row
        insert_frame(model, _complete(model, frame))


def generate(scale: float) -> dict[str, Any]:
    import numpy as np
    import polars as pl
    from django.core.management.color import no_style
    from django.db import connection

    from accord.core.db import insert_rows, refresh_planner_statistics
    from accord.orgs.choices import OrganisationKind
    from accord.orgs.models import Organisation, Person, Program
    from accord.parts.models import Manufacturer, ManufacturerPart, Part
    from accord.scorecards.services import save_template, template_of
    from accord.supply.models import (
        Delivery,
        PurchaseOrder,
        PurchaseOrderLine,
        Site,
        StockItem,
        StockLevel,
        StockMove,
        SupplierOffer,
    )

    rng = np.random.default_rng(SEED)
    suppliers = max(20, int(2000 * scale))
    orders_total = max(MONTHS * 10, int(1_000_000 * scale))
    buyer = Organisation.objects.create(
        name="Bench OEM", slug="bench-oem", kind=OrganisationKind.OEM
    )
    person = Person.objects.create(username="bench_buyer", organisation=buyer, is_org_admin=True)
    program = Program.objects.create(owner=buyer, code="BENCH", name="Bench program")
    site = Site.objects.create(organisation=buyer, code="BENCH", name="Bench plant")
    insert_rows(
        Organisation,
        ["name", "slug", "kind"],
        [
            (f"Supplier {i:04d}", f"bench-s{i:04d}", OrganisationKind.SUPPLIER)
            for i in range(suppliers)
        ],
    )
    supplier_ids = np.array(
        Organisation.objects.filter(slug__startswith="bench-s")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    part_count = max(200, int(20_000 * scale))
    insert_rows(Part, ["owner", "number"], [(buyer.pk, f"P-{i:06d}") for i in range(part_count)])
    part_ids = np.array(
        Part.objects.filter(owner=buyer).order_by("pk").values_list("pk", flat=True)
    )
    maker = Manufacturer.objects.create(name="Bench Parts", key="benchparts")
    insert_rows(
        ManufacturerPart,
        ["manufacturer", "mpn", "mpn_key"],
        [(maker.pk, f"BP-{i:06d}", f"bp{i:06d}") for i in range(part_count)],
    )
    mpn_ids = np.array(ManufacturerPart.objects.order_by("pk").values_list("pk", flat=True))
    # Each supplier sells ten parts; its offers quote them two years ago, at 1.00 to 2.00.
    catalogue = rng.integers(0, part_count, size=(suppliers, 10))
    base_price = rng.uniform(1.0, 2.0, size=(suppliers, 10))
    start = dt.date.today().replace(day=1)
    for _ in range(MONTHS - 1):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    insert_rows(
        SupplierOffer,
        ["organisation", "supplier", "manufacturer_part", "currency", "price_breaks", "seen_on"],
        [
            (
                buyer.pk,
                int(supplier_ids[s]),
                int(mpn_ids[catalogue[s, k]]),
                "USD",
                [
                    {"quantity": "1", "unit_price": f"{base_price[s, k]:.4f}"},
                    {"quantity": "1000", "unit_price": f"{base_price[s, k] * 0.9:.4f}"},
                ],
                start - dt.timedelta(days=1),
            )
            for s in range(suppliers)
            for k in range(10)
        ],
    )
    # Habits: how late (days, mean) and how often defective each supplier is.
    lateness = rng.gamma(1.5, 1.5, size=suppliers)
    defect_rate = rng.uniform(0.0, 0.05, size=suppliers)
    today = dt.date.today()
    months = pl.date_range(start, today.replace(day=1), "1mo", eager=True).to_list()
    per_month = orders_total // MONTHS
    next_order, next_line = 1, 1
    for month in months:
        n_orders = per_month
        n_lines = n_orders * LINES_PER_ORDER
        order_ids = np.arange(next_order, next_order + n_orders)
        order_supplier = rng.integers(0, suppliers, size=n_orders)
        issued = np.datetime64(month) + rng.integers(0, 28, size=n_orders).astype("timedelta64[D]")
        issued_at = issued.astype("datetime64[us]") + rng.integers(6, 18, size=n_orders).astype(
            "timedelta64[h]"
        )
        answered = issued_at + (rng.gamma(2.0, 12.0, size=n_orders) * 3600e6).astype(
            "timedelta64[us]"
        )
        orders = pl.DataFrame(
            {
                "id": order_ids,
                "buyer_id": buyer.pk,
                "supplier_id": supplier_ids[order_supplier],
                "program_id": program.pk,
                "number": [f"PO-{i:07d}" for i in order_ids],
                "currency": "USD",
                "status": "acknowledged",
                "issued_at": issued_at,
                "acknowledged_at": answered,
            }
        ).with_columns(pl.col("issued_at", "acknowledged_at").dt.replace_time_zone("UTC"))
        _insert(PurchaseOrder, orders)
        line_order = np.repeat(np.arange(n_orders), LINES_PER_ORDER)
        line_supplier = order_supplier[line_order]
        pick = rng.integers(0, 10, size=n_lines)
        quantity = rng.integers(1, 2000, size=n_lines).astype(float)
        requested = issued[line_order] + rng.integers(14, 45, size=n_lines).astype("timedelta64[D]")
        confirmed = requested + rng.integers(-2, 5, size=n_lines).astype("timedelta64[D]")
        has_confirmed = rng.random(n_lines) < 0.8
        price = base_price[line_supplier, pick] * rng.uniform(0.97, 1.06, size=n_lines)
        line_ids = np.arange(next_line, next_line + n_lines)
        due = np.where(has_confirmed, confirmed, requested)
        # Receipts: most at once, some in two parts, some not (yet); a supplier's habit late.
        late = np.round(rng.normal(lateness[line_supplier] - 1.0, 2.0)).astype(int)
        received = due + late.astype("timedelta64[D]")
        fate = rng.random(n_lines)
        received_any = (fate > 0.02) & (received <= np.datetime64(today))
        split = fate > 0.95
        first_qty = np.where(split, np.floor(quantity / 2), quantity)
        rejected = np.where(
            rng.random(n_lines) < defect_rate[line_supplier] / 2,
            np.floor(first_qty * rng.uniform(0.0, 0.1, size=n_lines)),
            0.0,
        )
        second_day = received + rng.integers(1, 10, size=n_lines).astype("timedelta64[D]")
        second = split & received_any & (second_day <= np.datetime64(today))
        receipts = pl.concat(
            [
                pl.DataFrame(
                    {
                        "line_id": line_ids[received_any],
                        "quantity": first_qty[received_any],
                        "received_on": received[received_any].astype("datetime64[D]"),
                        "rejected_quantity": rejected[received_any],
                    }
                ),
                pl.DataFrame(
                    {
                        "line_id": line_ids[second],
                        "quantity": (quantity - first_qty)[second],
                        "received_on": second_day[second].astype("datetime64[D]"),
                        "rejected_quantity": np.zeros(int(second.sum())),
                    }
                ),
            ]
        ).with_columns(pl.col("received_on").cast(pl.Date), pl.lit(site.pk).alias("site_id"))
        # What each line received so far, as the receiving service would have recorded it.
        received_total = first_qty * received_any + (quantity - first_qty) * second
        status = np.where(
            received_total >= quantity,
            "received",
            np.where(
                received_total > 0,
                "partly_received",
                np.where(has_confirmed, "confirmed", "open"),
            ),
        )
        lines = pl.DataFrame(
            {
                "id": line_ids,
                "order_id": order_ids[line_order],
                "line_number": np.tile(np.arange(1, LINES_PER_ORDER + 1), n_orders),
                "part_id": part_ids[catalogue[line_supplier, pick]],
                "manufacturer_part_id": mpn_ids[catalogue[line_supplier, pick]],
                "quantity": quantity,
                "unit_price": np.round(price, 4),
                "currency": "USD",
                "requested_date": requested.astype("datetime64[D]"),
                "confirmed_date": np.where(has_confirmed, confirmed, np.datetime64("NaT")),
                "status": status,
                "received_quantity": received_total,
                "rejected_quantity": rejected * received_any,
            }
        ).with_columns(pl.col("requested_date", "confirmed_date").cast(pl.Date))
        _insert(PurchaseOrderLine, lines)
        _insert(Delivery, receipts.filter(pl.col("quantity") > 0))
        next_order += n_orders
        next_line += n_lines
        print(f"  {month:%Y-%m}: {n_lines:,} lines, {receipts.height:,} receipts", flush=True)
    # Stock: 4,000 items with a Min level, a month of moves each (balances around the Min).
    items = min(4000, part_count)
    item_parts = rng.choice(part_ids, size=items, replace=False)
    insert_rows(
        StockItem,
        ["site", "part", "owner", "on_hand"],
        [(site.pk, int(p), buyer.pk, 0) for p in item_parts],
    )
    insert_rows(
        StockLevel, ["site", "part", "min_level"], [(site.pk, int(p), 100) for p in item_parts]
    )
    stock_ids = np.array(
        StockItem.objects.filter(site=site).order_by("pk").values_list("pk", flat=True)
    )
    move_stock = np.repeat(stock_ids, MONTHS)
    move_month = np.tile(np.array(months, dtype="datetime64[D]"), len(stock_ids))
    balances = rng.integers(0, 300, size=len(move_stock)).astype(float)
    _insert(
        StockMove,
        pl.DataFrame(
            {
                "item_id": move_stock,
                "kind": "adjust",
                "quantity": np.ones(len(move_stock)),
                "balance_after": balances,
                "created_at": (move_month + np.timedelta64(14, "D")).astype("datetime64[us]"),
            }
        ).with_columns(pl.col("created_at").dt.replace_time_zone("UTC")),
    )
    _threads(rng, buyer, person, program, part_ids, supplier_ids, start, today)
    with connection.cursor() as cursor:  # the ids written above: the sequences go on after them
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [PurchaseOrder, PurchaseOrderLine, Delivery, StockMove]
        ):
            cursor.execute(sql)
    refresh_planner_statistics()
    defaults = template_of(buyer, "suppliers")
    from accord.scorecards.services import rules_of

    save_template(actor=person, template=defaults, **rules_of(defaults))
    world = generated()
    assert world is not None
    return world


THREADS = 20_000
QUESTIONS_PER_THREAD = 5


def _threads(
    rng: Any,
    buyer: Any,
    person: Any,
    program: Any,
    part_ids: Any,
    supplier_ids: Any,
    start: dt.date,
    today: dt.date,
) -> None:
    """A thread per part (up to THREADS, scaled with the parts), each with one supplier: the
    buyer's questions mentioning the supplier's person, the supplier's shared answers after
    a gamma-distributed delay (one in seven never), an internal note of the supplier before
    each answer, and an action item given to the supplier's person (half of them done)."""
    import numpy as np
    import polars as pl

    from accord.orgs.models import Person
    from accord.threads.models import ActionItem, Post, PostMention, Thread

    _insert(
        Person,
        pl.DataFrame(
            {
                "username": [f"bench_s{i:04d}" for i in range(len(supplier_ids))],
                "organisation_id": supplier_ids,
                "password": "!",
            }
        ),
    )
    people = dict(
        Person.objects.filter(username__startswith="bench_s").values_list("organisation_id", "pk")
    )
    count = min(len(part_ids), THREADS)
    _insert(
        Thread,
        pl.DataFrame(
            {
                "program_id": program.pk,
                "subject_kind": "part",
                "subject_id": part_ids[:count],
                "title": [f"Part {i}" for i in range(count)],
                "status": "on_track",
                "created_by_id": person.pk,
            }
        ),
    )
    threads = np.array(
        Thread.objects.filter(program=program).order_by("pk").values_list("pk", flat=True)
    )
    supplier = supplier_ids[np.arange(count) % len(supplier_ids)]
    supplier_person = np.array([people[int(s)] for s in supplier])
    n = count * QUESTIONS_PER_THREAD
    span_us = (np.datetime64(today) - np.datetime64(start)).astype("timedelta64[us]").astype(int)
    asked = np.datetime64(start).astype("datetime64[us]") + np.sort(
        rng.integers(0, span_us, size=n)
    ).astype("timedelta64[us]")
    on = np.repeat(np.arange(count), QUESTIONS_PER_THREAD)
    utc = pl.col("created_at").dt.replace_time_zone("UTC")
    _insert(
        Post,
        pl.DataFrame(
            {
                "thread_id": threads[on],
                "author_id": person.pk,
                "author_organisation_id": buyer.pk,
                "internal": False,
                "body": "@supplier when?",
                "created_at": asked,
            }
        ).with_columns(utc),
    )
    questions = np.array(
        Post.objects.filter(author_organisation=buyer).order_by("pk").values_list("pk", flat=True)
    )
    _insert(
        PostMention,
        pl.DataFrame({"post_id": questions, "person_id": supplier_person[on]}),
    )
    delay = (rng.gamma(2.0, 12.0, size=n) * 3600e6).astype("timedelta64[us]")
    answered = rng.random(n) > 1 / 7
    for internal, at in ((True, asked + delay // 2), (False, asked + delay)):
        _insert(
            Post,
            pl.DataFrame(
                {
                    "thread_id": threads[on][answered],
                    "author_id": supplier_person[on][answered],
                    "author_organisation_id": supplier[on][answered],
                    "internal": internal,
                    "body": "A note." if internal else "Friday.",
                    "created_at": at[answered],
                }
            ).with_columns(utc),
        )
    given = asked[::QUESTIONS_PER_THREAD]
    done = rng.random(count) < 0.5
    closed = given + (rng.gamma(2.0, 24.0, size=count) * 3600e6).astype("timedelta64[us]")
    _insert(
        ActionItem,
        pl.DataFrame(
            {
                "program_id": program.pk,
                "source_kind": "thread",
                "source_id": threads,
                "thread_id": threads,
                "title": "Confirm the lead time",
                "owner_id": supplier_person,
                "due_date": (given + np.timedelta64(7, "D")).astype("datetime64[D]"),
                "status": np.where(done, "done", "open"),
                "created_by_id": person.pk,
                "created_at": given,
                "closed_at": np.where(done, closed, np.datetime64("NaT")),
            }
        ).with_columns(
            utc,
            pl.col("closed_at").dt.replace_time_zone("UTC"),
            pl.col("due_date").cast(pl.Date),
            pl.when(pl.col("status") == "done").then(pl.col("owner_id")).alias("closed_by_id"),
        ),
    )


def thread_timings(world: dict[str, Any], sample: int = 200) -> tuple[float, float, int]:
    """Seconds of thread_questions for the buyer (the median of 3), the naive baseline
    extrapolated to every question (a query per question for its first answer, on a sample),
    and the number of questions."""
    from accord.threads.access import mentions_asked_by
    from accord.threads.models import Post
    from accord.threads.queries import thread_questions

    buyer = world["buyer"].pk
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        questions = thread_questions(buyer)
        runs.append(time.perf_counter() - started)
    mentions = list(
        mentions_asked_by(buyer)
        .order_by("pk")
        .values_list("post__thread_id", "person__organisation_id", "post__created_at")[:sample]
    )
    started = time.perf_counter()
    for thread_id, organisation_id, asked_at in mentions:
        # The thread is one where the buyer asked by construction: the post index on thread
        # and time answers it, without the access rule's subquery of those threads.
        Post.objects.filter(
            thread_id=thread_id,
            internal=False,
            author_organisation_id=organisation_id,
            created_at__gt=asked_at,
        ).order_by("created_at").values_list("created_at", flat=True).first()
    per_question = (time.perf_counter() - started) / max(1, len(mentions))
    return statistics.median(runs), per_question * questions.height, questions.height


def generated() -> dict[str, Any] | None:
    """What a previous generation left in the database (None if nothing)."""
    from accord.orgs.models import Organisation, Person
    from accord.scorecards.models import ScorecardTemplate
    from accord.supply.models import PurchaseOrderLine, Site

    buyer = Organisation.objects.filter(slug="bench-oem").first()
    template = ScorecardTemplate.objects.filter(organisation=buyer, direction="suppliers").first()
    if buyer is None or template is None:
        return None
    return {
        "buyer": buyer,
        "person": Person.objects.get(username="bench_buyer"),
        "site": Site.objects.get(organisation=buyer, code="BENCH"),
        "template": template,
        "lines": PurchaseOrderLine.objects.filter(order__buyer=buyer).count(),
        "suppliers": Organisation.objects.filter(slug__startswith="bench-s").count(),
    }


def refresh_after_deliveries(world: dict[str, Any], count: int) -> float:
    """Receive `count` open-month deliveries through the service, then refresh: seconds of the
    refresh."""
    from django.db.models import F

    from accord.scorecards.services import compute_cards
    from accord.supply.models import PurchaseOrderLine
    from accord.supply.services import receive_delivery

    today = dt.date.today()
    open_lines = list(
        PurchaseOrderLine.objects.filter(
            order__buyer=world["buyer"],
            requested_date__gte=today.replace(day=1),
            received_quantity__lt=F("quantity"),
        ).order_by("pk")[:count]
    )
    for line in open_lines:
        receive_delivery(
            actor=world["person"],
            line=line,
            site=world["site"],
            quantity_received=line.quantity - line.received_quantity,
            received_on=today,
        )
    started = time.perf_counter()
    compute_cards(world["template"])
    return time.perf_counter() - started


def page_ms(world: dict[str, Any]) -> float:
    from django.test import Client

    from accord.scorecards.models import CardMonth

    rated = (
        CardMonth.objects.filter(template=world["template"])
        .values_list("rated_id", flat=True)
        .first()
    )
    client = Client()
    client.force_login(world["person"])
    url = f"/scorecards/{world['template'].pk}/{rated}/"
    assert client.get(url).status_code == 200
    samples = []
    for _ in range(20):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(samples) * 1000


def naive(world: dict[str, Any], supplier_ids: list[int]) -> float:
    """Per supplier, per month, per variable: one query each, arithmetic in Python."""
    from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, Sum
    from django.db.models.functions import Coalesce

    from accord.scorecards.months import next_month
    from accord.supply.access import (
        deliveries_placed_by,
        moves_at_sites_of,
        offers_known_to,
        order_lines_placed_by,
        orders_placed_by,
        stock_levels_at_sites_of,
    )

    template = world["template"]
    buyer = world["buyer"].pk
    today = dt.date.today()
    month = today.replace(day=1)
    months = []
    for _ in range(MONTHS):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    early, late = dt.timedelta(days=template.days_early), dt.timedelta(days=template.days_late)
    levels = list(stock_levels_at_sites_of(buyer).values_list("site_id", "part_id", "min_level"))
    started = time.perf_counter()
    for supplier in supplier_ids:
        for first in months:
            end = next_month(first)
            lines = (
                order_lines_placed_by(buyer)
                .filter(order__supplier_id=supplier)
                .annotate(due=Coalesce("confirmed_date", "requested_date"))
                .filter(due__gte=first, due__lt=end)
            )
            due_count = lines.count()
            on_time = 0
            for line in lines.values("pk", "due", "quantity"):  # the window is the line's own
                accepted = (
                    deliveries_placed_by(buyer)
                    .filter(
                        line_id=line["pk"],
                        received_on__range=(line["due"] - early, line["due"] + late),
                    )
                    .aggregate(q=Sum(F("quantity") - F("rejected_quantity")))["q"]
                )
                on_time += bool(accepted is not None and accepted >= line["quantity"])
            receipts = (
                deliveries_placed_by(buyer)
                .filter(
                    line__order__supplier_id=supplier, received_on__gte=first, received_on__lt=end
                )
                .aggregate(received=Sum("quantity"), rejected=Sum("rejected_quantity"))
            )
            asked = list(
                orders_placed_by(buyer)
                .filter(supplier_id=supplier, issued_at__date__gte=first, issued_at__date__lt=end)
                .values_list("issued_at", "acknowledged_at")
            )
            hours = [(b - a).total_seconds() / 3600 for a, b in asked if a and b]
            _median = statistics.median(hours) if hours else None
            _within = sum(h <= template.response_sla_hours for h in hours)
            priced = order_lines_placed_by(buyer).filter(
                order__supplier_id=supplier,
                order__issued_at__date__gte=first,
                order__issued_at__date__lt=end,
                unit_price__isnull=False,
            )
            for mpn, _spent, _count in (
                priced.values("manufacturer_part_id")
                .annotate(
                    spent=Sum(
                        ExpressionWrapper(
                            F("unit_price") * F("quantity"), output_field=FloatField()
                        )
                    ),
                    n=Count("pk"),
                )
                .values_list("manufacturer_part_id", "spent", "n")
            ):
                offers_known_to(buyer).filter(
                    supplier_id=supplier, manufacturer_part_id=mpn
                ).first()
            for site_id, part_id, _min in levels[:2]:  # the supplier's items, two at most
                moves_at_sites_of(buyer).filter(
                    Q(item__site_id=site_id) & Q(item__part_id=part_id), created_at__date__lt=end
                ).order_by("-created_at").first()
            del due_count, on_time, receipts
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the data a previous run generated"
    )
    parser.add_argument("--naive-sample", type=int, default=NAIVE_SAMPLE)
    args = parser.parse_args()
    # The refresh each delivery asks for waits in the task queue (no worker runs here): the
    # deliveries arrive, then one refresh is timed, as a worker would run it after them.
    os.environ.setdefault("ACCORD_TASK_BACKEND", "database")
    vendor = prepare_database("scorecards", reuse=args.reuse)
    started = time.perf_counter()
    world = generated() if args.reuse else None
    if world is None:
        world = generate(args.scale)
        print(
            f"generated {world['lines']:,} order lines of {world['suppliers']:,} suppliers "
            f"over {MONTHS} months in {time.perf_counter() - started:.0f} s"
        )
    else:
        print(f"reused {world['lines']:,} order lines of {world['suppliers']:,} suppliers")
    from accord.scorecards.models import CardMonth, MetricMonth
    from accord.scorecards.services import compute_cards

    template = world["template"]
    started = time.perf_counter()
    compute_cards(template, whole_history=True)  # warm: builds the columnar copy if missing
    first_s = time.perf_counter() - started
    print(f"first computation (builds the columnar copy if missing): {first_s:.1f} s")
    started = time.perf_counter()
    cards = compute_cards(template, whole_history=True)
    full_s = time.perf_counter() - started
    metrics = MetricMonth.objects.filter(template=template).count()
    print(f"full recompute: {cards:,} card months, {metrics:,} metric months in {full_s:.2f} s")
    month_s = refresh_after_deliveries(world, 200)
    open_cards = CardMonth.objects.filter(template=template, closed=False).count()
    print(
        f"200 deliveries received, open months refreshed ({open_cards:,} open card months) "
        f"in {month_s:.2f} s"
    )
    page = page_ms(world)
    print(f"card page (in-process, median of 20): {page:.1f} ms")
    from accord.orgs.models import Organisation

    sample = list(
        Organisation.objects.filter(slug__startswith="bench-s")
        .order_by("pk")
        .values_list("pk", flat=True)[: args.naive_sample]
    )
    sample_s = naive(world, sample)
    naive_s = sample_s / len(sample) * world["suppliers"]
    print(
        f"naive per-supplier, per-month, per-variable queries: {sample_s:.1f} s for "
        f"{len(sample)} suppliers, {naive_s:.0f} s extrapolated to {world['suppliers']:,}"
    )
    threads_s, threads_naive_s, questions = thread_timings(world)
    print(
        f"thread questions and their first answers: {questions:,} in {threads_s:.2f} s; "
        f"naive (a query per question, extrapolated): {threads_naive_s:.1f} s"
    )
    print(
        f"RESULT bench=scorecards db={vendor} full_s={full_s:.2f} month_s={month_s:.2f} "
        f"page_ms={page:.1f} naive_s={naive_s:.0f} speedup={naive_s / full_s:.0f} "
        f"threads_s={threads_s:.2f} threads_naive_s={threads_naive_s:.1f}"
    )


if __name__ == "__main__":
    main()
