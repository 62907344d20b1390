"""Netting and clear-to-build at the size of a real EMS, through the product's code path.

    DATABASE_URL=... python benchmarks/netting.py [--scale 0.1] [--horizon 104]

Generates, with a fixed seed: 50,000 parts; 2,000 top assemblies with three-level BOMs (each
top: 4 sub-assemblies and 120 bought parts; each sub-assembly: 2 sub-sub-assemblies and 80
bought parts; each of those: 45 bought parts; about 500,000 BOM lines); 20,000 scheduled
builds of 1 to 49 units over 104 weeks; 100,000 open purchase-order lines; stock for every part
and a safety stock for a tenth of them. Supply covers most of the demand, as in a plant that
runs: a plan where every build is short would measure the size of its shortage lists instead.
Assemblies have no stock of their own (built to order).
Then, as the EMS's planner: reads everything from the database
through the access functions (planning/inputs.py), nets it week by week and computes
clear-to-build for every build (planning/netting.py), timed; then once more under tracemalloc
for the peak memory of Python and NumPy allocations (the traced run is slower and not timed).

The naive baseline is how an ERP's MRP run does it, computing the same thing from what the
same person may see (the same access functions): part by part, a query for its gross
requirement (its parents' planned orders times the fitted quantity per, one level at a time),
one for its builds, one for its usable stock, one for its safety stock, one for its open orders,
and a loop over the weeks in Python. It is timed on a sample of parts and extrapolated to all
of them.

Last line: RESULT bench=netting db=<vendor> total_s=... peak_mb=... naive_s=... speedup=...
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import prepare_database

SEED = 20261204
NAIVE_SAMPLE = 300


def generate(scale: float, horizon: int) -> dict[str, Any]:
    """The data set, written with the project's bulk insert; returns the planner and program."""
    import numpy as np
    from django.utils import timezone

    from accord.core.db import insert_rows, refresh_planner_statistics
    from accord.orgs.choices import OrganisationKind
    from accord.orgs.models import Nda, Organisation, Person, Program, ProgramMember, ProgramPartner
    from accord.parts.models import Bom, BomLine, Part
    from accord.supply.models import (
        Build,
        PurchaseOrder,
        PurchaseOrderLine,
        Site,
        StockItem,
        StockLevel,
    )

    rng = np.random.default_rng(SEED)
    tops = max(20, int(2000 * scale))
    subs, subsubs = tops, tops
    bought = max(200, int(44_000 * scale))
    oem = Organisation.objects.create(name="Bench OEM", slug="bench-oem", kind=OrganisationKind.OEM)
    ems = Organisation.objects.create(name="Bench EMS", slug="bench-ems", kind=OrganisationKind.EMS)
    seller = Organisation.objects.create(
        name="Bench Supplier", slug="bench-supplier", kind=OrganisationKind.SUPPLIER
    )
    planner = Person.objects.create(username="bench_planner", organisation=ems)
    program = Program.objects.create(owner=oem, code="BENCH", name="Bench program")
    for organisation in (ems, seller):
        ProgramPartner.objects.create(program=program, organisation=organisation)
    ProgramMember.objects.create(program=program, person=planner)
    nda = Nda.objects.create(
        reference="NDA-BENCH",
        party_a=oem,
        party_b=ems,
        effective_date=dt.date.today() - dt.timedelta(days=30),
        covers_all_programs=True,
    )
    del nda
    site = Site.objects.create(organisation=ems, code="BENCH", name="Bench plant")

    # Parts: tops, subs, sub-subs (assemblies, with build lead times), then bought parts.
    kinds = [("TOP", tops, True), ("SUB", subs, True), ("SSUB", subsubs, True)]
    kinds.append(("BUY", bought, False))
    rows = []
    for prefix, count, assembly in kinds:
        for i in range(count):
            lead = int(rng.integers(1, 3)) if assembly else None
            rows.append((oem.pk, f"{prefix}-{i:06d}", assembly, lead))
    insert_rows(Part, ["owner", "number", "is_assembly", "lead_time_weeks"], rows)
    ids = dict(Part.objects.filter(owner=oem).values_list("number", "pk"))

    def pid(prefix: str, i: int) -> int:
        return ids[f"{prefix}-{i:06d}"]

    now = timezone.now()
    bom_rows = [
        (program.pk, pid(prefix, i), "A", "released", now)
        for prefix, count, _ in kinds[:3]
        for i in range(count)
    ]
    insert_rows(Bom, ["program", "assembly", "revision", "status", "created_at"], bom_rows)
    bom_of = dict(Bom.objects.filter(program=program).values_list("assembly_id", "pk"))
    lines: list[tuple[Any, ...]] = []

    def add(assembly: int, children: list[int], boards: int) -> None:
        """The first `boards` children are sub-assemblies, one of each per unit (a board is
        built into a product once); bought parts are used 1 to 4 times."""
        for position, child in enumerate(children, start=1):
            qty = 1 if position <= boards else int(rng.integers(1, 5))
            lines.append((bom_of[assembly], position, child, qty, "", 0))

    bought_ids = np.array([pid("BUY", i) for i in range(bought)])
    per = {"TOP": (4, 120), "SUB": (2, 80), "SSUB": (0, 45)}
    child_kind = {"TOP": "SUB", "SUB": "SSUB"}
    for prefix, count, _ in kinds[:3]:
        subs_each, bought_each = per[prefix]
        for i in range(count):
            children = []
            if subs_each:
                picks = rng.choice(count, size=subs_each, replace=False)
                children += [pid(child_kind[prefix], int(k)) for k in picks]
            children += [int(b) for b in rng.choice(bought_ids, size=bought_each, replace=False)]
            add(pid(prefix, i), children, subs_each)
    insert_rows(
        BomLine, ["bom", "position", "part", "quantity", "designators", "designator_count"], lines
    )

    today = dt.date.today()
    build_count = max(100, int(20_000 * scale))
    builds = [
        (
            program.pk,
            pid("TOP", int(rng.integers(0, tops))),
            int(rng.integers(1, 50)),
            today + dt.timedelta(days=int(rng.integers(0, horizon * 7))),
            "firm",
        )
        for _ in range(build_count)
    ]
    insert_rows(Build, ["program", "assembly", "quantity", "due_date", "firmness"], builds)

    orders = max(10, int(10_000 * scale))
    insert_rows(
        PurchaseOrder,
        ["buyer", "supplier", "program", "number", "status"],
        [(ems.pk, seller.pk, program.pk, f"PO-{i:06d}", "issued") for i in range(orders)],
    )
    order_ids = list(PurchaseOrder.objects.filter(buyer=ems).values_list("pk", flat=True))
    po_lines = []
    for index in range(max(100, int(100_000 * scale))):
        requested = today + dt.timedelta(days=int(rng.integers(-14, horizon * 7)))
        confirmed = requested + dt.timedelta(days=int(rng.integers(0, 21)))
        po_lines.append(
            (
                order_ids[index % len(order_ids)],
                index // len(order_ids) + 1,
                int(rng.choice(bought_ids)),
                int(rng.integers(100, 5000)),
                "USD",
                requested,
                confirmed if index % 3 else None,
                "confirmed" if index % 3 else "open",
            )
        )
    insert_rows(
        PurchaseOrderLine,
        [
            "order",
            "line_number",
            "part",
            "quantity",
            "currency",
            "requested_date",
            "confirmed_date",
            "status",
        ],
        po_lines,
    )
    insert_rows(
        StockItem,
        ["site", "part", "owner", "on_hand"],
        # Bought parts in stock; assemblies are built to order (a row at zero, as an ERP has).
        [
            (site.pk, pk, ems.pk, int(rng.integers(0, 20_000)) if number.startswith("BUY") else 0)
            for number, pk in ids.items()
        ],
    )
    insert_rows(
        StockLevel,
        ["site", "part", "min_level", "safety_stock"],
        [(site.pk, int(pk), 0, int(rng.integers(0, 500))) for pk in bought_ids[::10]],
    )
    refresh_planner_statistics()
    return {
        "planner": planner,
        "program": program,
        "lines": len(lines),
        "builds": build_count,
        "po_lines": len(po_lines),
        "parts": len(ids),
    }


def plan(planner: Any, program: Any, horizon: int) -> tuple[Any, Any, Any, dict[str, float]]:
    from accord.core.memo import forget_memoised
    from accord.planning.inputs import load_planning_data
    from accord.planning.netting import clear_to_build, net

    forget_memoised()
    start = time.perf_counter()
    data = load_planning_data(planner, program, today=dt.date.today(), horizon=horizon)
    read = time.perf_counter()
    result = net(data.inp)
    netted = time.perf_counter()
    ctb = clear_to_build(data.inp, result)
    done = time.perf_counter()
    return (
        data,
        result,
        ctb,
        {"read_s": read - start, "net_s": netted - read, "ctb_s": done - netted},
    )


def naive(planner: Any, program: Any, horizon: int, part_ids: list[int]) -> float:
    """Part by part, as an ERP's MRP run does it, level by level, computing what the product
    computes from what the planner may see (the same access functions): for each part, a
    query for the lines of the program's latest BOM revisions that use it with their fitted
    quantity (its parents' planned orders, taken from a dictionary, times the quantity per,
    offset by the parent's lead time), one for its own builds, one for its usable stock, one for
    its safety stock, one for its open orders, and a loop over the weeks netting them. Timed on
    a sample (the parents' planned orders are read as zeros there: the work per part is the
    same whatever their values)."""
    from django.db.models import Sum

    from accord.parts.access import boms_visible_to
    from accord.parts.models import BomLine, Part
    from accord.planning.inputs import _usable_owner
    from accord.supply.access import (
        builds_visible_to,
        order_lines_visible_to,
        sites_visible_to,
        stock_visible_to,
    )
    from accord.supply.choices import BuildStatus, LineStatus
    from accord.supply.models import StockLevel

    start_day = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
    planned: dict[int, list[float]] = {}
    started = time.perf_counter()
    # The visible rows, as querysets built once; each part's queries narrow them. The data set
    # has one BOM revision per assembly, so the program's BOM lines are its latest revisions'.
    bom_lines = BomLine.objects.filter(bom__in=boms_visible_to(planner).filter(program=program))
    builds = builds_visible_to(planner).filter(program=program, status=BuildStatus.SCHEDULED)
    stock = stock_visible_to(planner).filter(_usable_owner(program))
    levels = StockLevel.objects.filter(site__in=sites_visible_to(planner))
    open_lines = order_lines_visible_to(planner).filter(status__in=LineStatus.expecting())
    for part_id in part_ids:
        gross = [0.0] * horizon
        lead = {
            pk: weeks or 0
            for pk, weeks in Part.objects.filter(
                pk__in=bom_lines.filter(part_id=part_id).values("bom__assembly_id")
            ).values_list("pk", "lead_time_weeks")
        }
        for parent, qty, designators, dnp in bom_lines.filter(
            part_id=part_id, dnp=False
        ).values_list("bom__assembly_id", "quantity", "designator_count", "dnp_designator_count"):
            fitted = float(qty) * (1 - dnp / designators) if designators else float(qty)
            orders = planned.get(parent, [0.0] * horizon)
            for week in range(horizon):
                gross[max(0, week - lead.get(parent, 0))] += orders[week] * fitted
        for due, qty in builds.filter(assembly_id=part_id).values_list("due_date", "quantity"):
            week = max(0, (due - start_day).days // 7)
            if week < horizon:
                gross[week] += float(qty)
        on_hand = float(stock.filter(part_id=part_id).aggregate(s=Sum("on_hand"))["s"] or 0)
        safety = float(levels.filter(part_id=part_id).aggregate(s=Sum("safety_stock"))["s"] or 0)
        receipts = [0.0] * horizon
        for requested, confirmed, qty, received, rejected in open_lines.filter(
            part_id=part_id
        ).values_list(
            "requested_date",
            "confirmed_date",
            "quantity",
            "received_quantity",
            "rejected_quantity",
        ):
            week = max(0, ((confirmed or requested) - start_day).days // 7)
            if week < horizon:
                receipts[week] += max(0.0, float(qty - received + rejected))
        balance, orders, covered = on_hand - safety, [0.0] * horizon, 0.0
        for week in range(horizon):
            balance += receipts[week] - gross[week]
            if balance + covered < 0:
                orders[week] = -(balance + covered)
                covered += orders[week]
        planned[part_id] = orders
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--horizon", type=int, default=104)
    args = parser.parse_args()
    vendor = prepare_database("netting")
    setup_start = time.perf_counter()
    world = generate(args.scale, args.horizon)
    print(
        f"generated {world['parts']:,} parts, {world['lines']:,} BOM lines, "
        f"{world['builds']:,} builds, {world['po_lines']:,} open PO lines "
        f"in {time.perf_counter() - setup_start:.1f} s"
    )
    planner, program = world["planner"], world["program"]
    plan(planner, program, args.horizon)  # warm: imports, first queries
    data, result, ctb, times = plan(planner, program, args.horizon)
    total = sum(times.values())
    short = int((result.first_shortage_week >= 0).sum())
    print(
        f"netting {data.inp.part_count:,} parts x {args.horizon} weeks: "
        f"read {times['read_s']:.2f} s, "
        f"net {times['net_s']:.2f} s, clear-to-build {times['ctb_s']:.2f} s; total {total:.2f} s "
        f"({short:,} parts short, {int((ctb.buildable < data.inp.demand_qty).sum()):,} builds "
        "not clear)"
    )
    tracemalloc.start()
    plan(planner, program, args.horizon)
    peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(f"peak memory of the planning run (tracemalloc): {peak_mb:.0f} MB")
    import numpy as np

    rng = np.random.default_rng(SEED)
    sample = [
        int(p)
        for p in rng.choice(
            data.part_ids, size=min(NAIVE_SAMPLE, len(data.part_ids)), replace=False
        )
    ]
    sample_s = naive(planner, program, args.horizon, sample)
    naive_s = sample_s / len(sample) * len(data.part_ids)
    print(
        f"naive per-part MRP: {sample_s:.2f} s for {len(sample)} parts, "
        f"{naive_s:.1f} s extrapolated to {len(data.part_ids):,}"
    )
    print(
        f"RESULT bench=netting db={vendor} total_s={total:.2f} peak_mb={peak_mb:.0f} "
        f"naive_s={naive_s:.1f} speedup={naive_s / total:.0f}"
    )


if __name__ == "__main__":
    main()
