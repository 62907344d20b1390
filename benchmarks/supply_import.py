"""Supply imports at the size of a real ERP and distributor export, through the product's path.

    DATABASE_URL=... python benchmarks/supply_import.py [--scale 0.1]

Generates, with a fixed seed: an EMS with two sites and 50,000 parts of its own, each with an
approved manufacturer part (50,000 in the catalogue), stock already held for half of them, and
a distributor taking part in the EMS's program. Then, as the EMS's planner, imports
- a stock file of 50,000 rows (Part Number, Warehouse, Qty On Hand): counts set through the
  ledger, half of them new items, most of the others changed;
- an offers file of 50,000 rows in a distributor's columns (Distributor, Manufacturer, Mfr
  Part #, Digi-Key Part Number, 1+, 100+, 1,000+, MOQ, Mult, Lead Time (weeks), Quantity
  Available),
each through accord.supply.services.imports.import_supply (read, parse, resolve, check, write
in one transaction), timed; then once more under tracemalloc for the peak memory (other counts,
not timed).

The naive baseline does what a per-row importer does with the same services and access
functions: for each row, find the part (find_part) and the site, read the stock item, then
receive_stock or adjust_stock (one transaction and one event per row); for each offer row,
find the manufacturer part (find_manufacturer_part) and the supplier, then record_offer. It is
timed on a sample of rows and extrapolated to the whole file.

Last line: RESULT bench=supply_import db=<vendor> total_s=... peak_mb=... naive_s=... speedup=...
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import prepare_database

SEED = 20261204
NAIVE_SAMPLE = 300


def generate(rows: int) -> dict[str, Any]:
    """Organisations, parts, catalogue and existing stock, with the project's bulk insert."""
    from accord.core.db import insert_rows, refresh_planner_statistics
    from accord.orgs.choices import OrganisationKind
    from accord.orgs.models import Organisation, Person, Program, ProgramMember, ProgramPartner
    from accord.parts.models import ApprovedSource, Manufacturer, ManufacturerPart, Part
    from accord.parts.normalise import mpn_key
    from accord.supply.models import Site, StockItem

    rng = random.Random(SEED)
    ems = Organisation.objects.create(name="Bench EMS", slug="bench-ems", kind=OrganisationKind.EMS)
    distributor = Organisation.objects.create(
        name="Bench Distribution", slug="bench-distribution", kind=OrganisationKind.DISTRIBUTOR
    )
    planner = Person.objects.create(username="bench_planner", organisation=ems)
    program = Program.objects.create(owner=ems, code="BENCH", name="Bench program")
    ProgramPartner.objects.create(program=program, organisation=distributor)
    ProgramMember.objects.create(program=program, person=planner)
    sites = [
        Site.objects.create(organisation=ems, code="PLANT", name="Bench plant"),
        Site.objects.create(organisation=ems, code="WH", name="Bench warehouse"),
    ]
    maker = Manufacturer.objects.create(name="Bench Semiconductors")
    numbers = [f"BENCH-{i:06d}" for i in range(rows)]
    mpns = [f"BS{i:06d}-{rng.choice('ABCDEFG')}R" for i in range(rows)]
    insert_rows(Part, ["owner", "number"], ((ems.pk, n) for n in numbers))
    insert_rows(
        ManufacturerPart,
        ["manufacturer", "mpn", "mpn_key"],
        ((maker.pk, m, mpn_key(m)) for m in mpns),
    )
    part_ids = dict(Part.objects.filter(owner=ems).values_list("number", "pk"))
    mp_ids = dict(ManufacturerPart.objects.filter(manufacturer=maker).values_list("mpn", "pk"))
    insert_rows(
        ApprovedSource,
        ["part", "manufacturer_part", "status"],
        ((part_ids[n], mp_ids[m], "approved") for n, m in zip(numbers, mpns, strict=True)),
    )
    insert_rows(
        StockItem,
        ["site", "part", "owner", "on_hand"],
        (
            (sites[i % 2].pk, part_ids[n], ems.pk, rng.randint(1, 5000))
            for i, n in enumerate(numbers)
            if i % 2 == 0
        ),
    )
    refresh_planner_statistics()
    return {"planner": planner, "numbers": numbers, "mpns": mpns, "sites": ["PLANT", "WH"]}


def stock_file(world: dict[str, Any], seed: int) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Part Number", "Warehouse", "Qty On Hand"])
    for i, number in enumerate(world["numbers"]):
        writer.writerow([number, world["sites"][i % 2], rng.randint(0, 5000)])
    return out.getvalue().encode()


def offer_file(world: dict[str, Any], seed: int) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Distributor",
            "Manufacturer",
            "Mfr Part #",
            "Digi-Key Part Number",
            "1+",
            "100+",
            "1,000+",
            "MOQ",
            "Mult",
            "Lead Time (weeks)",
            "Quantity Available",
        ]
    )
    for mpn in world["mpns"]:
        price = rng.randint(10, 5000) / 1000
        writer.writerow(
            [
                "Bench Distribution",
                "Bench Semiconductors",
                mpn,
                f"{mpn}-ND",
                f"{price:.3f}",
                f"{price * 0.8:.4f}",
                f"{price * 0.6:.4f}",
                1,
                1,
                rng.randint(1, 30),
                rng.randint(0, 100000),
            ]
        )
    return out.getvalue().encode()


def product(planner: Any, stock: bytes, offers: bytes) -> dict[str, float]:
    from accord.supply.services.imports import import_supply

    times = {}
    for kind, data in (("stock", stock), ("offers", offers)):
        started = time.perf_counter()
        result = import_supply(
            actor=planner, kind=kind, data=data, filename=f"{kind}.csv", commit=True
        )
        times[kind] = time.perf_counter() - started
        assert result.committed, [str(p) for p in result.problems[:5]]
        print(f"  {kind}: {result.rows:,} rows, {result.counts} in {times[kind]:.2f} s")
    return times


def naive(
    planner: Any, stock_rows: list[list[str]], offer_rows: list[list[str]]
) -> dict[str, float]:
    """Row by row through the services and access functions, in one transaction per file."""
    import datetime as dt

    from django.db import transaction

    from accord.supply.access import seller_choices, sites_visible_to
    from accord.supply.models import StockItem
    from accord.supply.services import adjust_stock, receive_stock, record_offer
    from accord.supply.views.common import find_manufacturer_part, find_part

    times = {}
    started = time.perf_counter()
    with transaction.atomic():
        for number, code, count in stock_rows:
            part = find_part(planner, number)
            site = sites_visible_to(planner).get(code=code)
            item = (
                StockItem.objects.filter(site=site, part=part, owner_id=planner.organisation_id)
                .select_related("site", "part", "owner")
                .first()
            )
            target = int(count) + 7
            if item is None:
                receive_stock(actor=planner, site=site, part=part, quantity_received=target)
            elif target != item.on_hand:
                adjust_stock(actor=planner, item=item, change=target - item.on_hand, reason="count")
    times["stock"] = time.perf_counter() - started
    started = time.perf_counter()
    today = dt.date.today()
    with transaction.atomic():
        for row in offer_rows:
            supplier = seller_choices(planner).get(name=row[0])
            offered = find_manufacturer_part(planner, row[2], row[1])
            record_offer(
                actor=planner,
                supplier=supplier,
                manufacturer_part=offered,
                price_breaks=[(1, row[4]), (100, row[5]), (1000, row[6])],
                seen_on=today,
                supplier_part_number=row[3],
                moq=row[7],
                order_multiple=row[8],
                lead_time_days=int(row[9]) * 7,
                stock_quantity=row[10],
            )
    times["offers"] = time.perf_counter() - started
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    vendor = prepare_database("supply_import")
    rows = max(1000, int(50_000 * args.scale))
    started = time.perf_counter()
    world = generate(rows)
    setup_s = time.perf_counter() - started
    print(f"generated {rows:,} parts, manufacturer parts and sources in {setup_s:.1f} s")
    from accord.orgs.models import Person

    planner = Person.objects.select_related("organisation").get(pk=world["planner"].pk)
    stock, offers = stock_file(world, 1), offer_file(world, 2)
    print(f"product path ({rows:,} stock rows, {rows:,} offer rows):")
    times = product(planner, stock, offers)
    total = sum(times.values())
    tracemalloc.start()
    product(planner, stock_file(world, 3), offer_file(world, 4))
    peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(f"peak memory of an import of each file (tracemalloc): {peak_mb:.0f} MB")
    rng = random.Random(SEED)
    sample = sorted(rng.sample(range(rows), min(NAIVE_SAMPLE, rows)))
    stock_rows = list(csv.reader(io.StringIO(stock.decode())))[1:]
    offer_rows = list(csv.reader(io.StringIO(offers.decode())))[1:]
    sampled = naive(planner, [stock_rows[i] for i in sample], [offer_rows[i] for i in sample])
    naive_s = sum(t / len(sample) * rows for t in sampled.values())
    print(
        f"naive per-row import: stock {sampled['stock']:.2f} s, offers {sampled['offers']:.2f} s "
        f"for {len(sample)} rows each; {naive_s:.1f} s extrapolated to {rows:,} rows each"
    )
    print(
        f"RESULT bench=supply_import db={vendor} total_s={total:.2f} peak_mb={peak_mb:.0f} "
        f"stock_s={times['stock']:.2f} offers_s={times['offers']:.2f} naive_s={naive_s:.1f} "
        f"speedup={naive_s / total:.0f}"
    )


if __name__ == "__main__":
    main()
