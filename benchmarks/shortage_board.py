"""The shortage board of a program of 2,000 parts over 26 weeks, from stored results, and the
refresh that a delivery sets off.

    DATABASE_URL=... python benchmarks/shortage_board.py [--scale 0.04]

Generates the netting benchmark's data at 1/25 of its size (about 2,000 parts: 80 products on
three levels, 1,760 bought parts; 800 builds, 4,000 open order lines), plans it once as the
EMS's planner, then:
- the board page (first page, and every planned part), requested through Django's test client
  as a browser would, 50 times each: median and p95 (target: p95 at most 150 ms);
- a delivery against an open order line, timed from the call until the stored plan is the new
  one (the refresh runs when the delivery commits; target: at most 1 s);
- the naive way beside it: planning the program again on every board request.

Last line: RESULT bench=shortage_board db=<vendor> board_p95_ms=... refresh_s=... naive_ms=...
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import percentile, prepare_database

SAMPLES = 50


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.04)
    args = parser.parse_args()
    vendor = prepare_database("shortage_board")
    from django.db import transaction
    from django.test import Client
    from netting import generate

    world = generate(args.scale, 26)
    from accord.planning.models import PartPlan, PlanRun
    from accord.planning.services import refresh_plan
    from accord.supply.models import PurchaseOrderLine, Site
    from accord.supply.services import receive_delivery

    planner, program = world["planner"], world["program"]
    run = refresh_plan(actor=planner, person=planner, program=program, horizon=26)
    print(f"planned {run.part_count:,} parts, {run.build_count:,} builds in {run.duration_ms} ms")
    client = Client()
    client.force_login(planner)
    figures = {}
    for label, query in (("first page", {}), ("every part", {"show": "all"})):
        client.get(f"/planning/{program.pk}/", query)  # warm
        samples = []
        for _ in range(SAMPLES):
            start = time.perf_counter()
            response = client.get(f"/planning/{program.pk}/", query)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200
        figures[label] = (percentile(samples, 50) * 1000, percentile(samples, 95) * 1000)
        print(f"board ({label}): median {figures[label][0]:.1f} ms, p95 {figures[label][1]:.1f} ms")

    line = (
        PurchaseOrderLine.objects.filter(order__program=program, status__in=["open", "confirmed"])
        .select_related("order", "part")
        .first()
    )
    assert line is not None
    site = Site.objects.get(code="BENCH")
    before = PlanRun.objects.get(pk=run.pk).computed_at
    start = time.perf_counter()
    with transaction.atomic():  # the request's transaction: the refresh runs on its commit
        receive_delivery(
            actor=planner,
            line=line,
            site=site,
            quantity_received=line.quantity,
            received_on=dt.date.today(),
        )
    refresh_s = time.perf_counter() - start
    after = PlanRun.objects.get(pk=run.pk)
    assert after.computed_at > before, "the delivery did not refresh the plan"
    plan = PartPlan.objects.get(run=after, part=line.part)
    print(
        f"delivery to refreshed plan: {refresh_s:.2f} s "
        f"(part {line.part.number}: on hand {plan.on_hand:g})"
    )

    naive = []
    for _ in range(5):
        start = time.perf_counter()
        refresh_plan(actor=planner, person=planner, program=program, horizon=26)
        client.get(f"/planning/{program.pk}/")
        naive.append(time.perf_counter() - start)
    naive_ms = percentile(naive, 50) * 1000
    print(f"naive (plan again on every request): median {naive_ms:.0f} ms")
    print(
        f"RESULT bench=shortage_board db={vendor} board_p95_ms={figures['first page'][1]:.1f} "
        f"board_all_p95_ms={figures['every part'][1]:.1f} refresh_s={refresh_s:.2f} "
        f"naive_ms={naive_ms:.0f}"
    )


if __name__ == "__main__":
    main()
