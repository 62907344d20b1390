"""BOM and catalogue import: generated BOMs of 1,500, 5,000 and 20,000 lines (dry run, then
commit) and the 25,000-part Horizon EDA pool catalogue (dry run, first import, second import),
each beside a naive baseline: matching and loading row by row, and writing everything inside
one write transaction.

    DATABASE_URL=... python benchmarks/import.py [--scale 0.2] [--catalogue FILE]
        [--sizes 1500,5000,20000] [--no-catalogue] [--forget-parsed]

The 5,000-line BOM end to end (dry run, then commit: parse, match and plan twice, write once)
is `bom5000_s` on the RESULT line; its target is 1 s (issue 10). `--sizes 5000 --no-catalogue`
measures that one alone. The commit finds the file as its dry run read it, as in the product
(bom_import/parse_memo.py); `--forget-parsed` makes it read the file again.

Besides the time, each import reports the longest stretch for which it held the database's
write lock (`*_lock_s`): its longest transaction (on SQLite every transaction holds the write
lock from BEGIN IMMEDIATE to its end; PostgreSQL has no such lock, and its writers wait only on
the rows they touch). On SQLite a probe process that takes the lock every few milliseconds, as
a small request would, prints its longest wait beside it.

The catalogue comes from ../shared/data/parts/ when present (tests and benchmarks may read
it; the product never does), or --catalogue; otherwise a catalogue of the same size is
generated.
Last line: RESULT bench=import db=<vendor> bom5000_s=... catalogue_s=... catalogue_lock_s=...
(the figures of the sizes and of the catalogue that were run).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from typing import Any

from _common import LAST_PROBE_S, ROOT, lock_held, prepare_database, timed

SEED = 20261123
HORIZON = (
    ROOT.parent
    / "shared"
    / "data"
    / "parts"
    / "horizon-eda_horizon-pool"
    / "horizon_pool_parts_2021-04_flattened.csv"
)


def seed_catalogue(n: int) -> list[tuple[str, str]]:
    """An existing catalogue for the BOM to match against: n manufacturer parts approved
    for n parts of the OEM. Returns (manufacturer, mpn) pairs."""
    from django.db import transaction

    from accord.demo.personas import build_world
    from accord.parts.choices import SourceStatus
    from accord.parts.models import ApprovedSource, Manufacturer, ManufacturerPart, Part
    from accord.parts.normalise import manufacturer_key, mpn_key
    from accord.parts.services import refresh_part_rollups

    world = build_world()
    owner = world.orgs["halcyon"]
    makers = ["Murata", "Yageo", "Texas Instruments", "Samsung Electro-Mechanics", "KEMET"]
    pairs = [(makers[i % len(makers)], f"SEED{i:06d}-X") for i in range(n)]
    with transaction.atomic():
        ids = {}
        for name in makers:
            ids[name] = Manufacturer.objects.get_or_create(
                key=manufacturer_key(name), defaults={"name": name}
            )[0].pk
        ManufacturerPart.objects.bulk_create(
            [ManufacturerPart(manufacturer_id=ids[m], mpn=p, mpn_key=mpn_key(p)) for m, p in pairs],
            batch_size=5000,
        )
        Part.objects.bulk_create(
            [Part(owner=owner, number=f"HAL-SEED-{i:06d}") for i in range(n)], batch_size=5000
        )
        mps = dict(ManufacturerPart.objects.filter(mpn__startswith="SEED").values_list("mpn", "pk"))
        parts = dict(
            Part.objects.filter(number__startswith="HAL-SEED-").values_list("number", "pk")
        )
        ApprovedSource.objects.bulk_create(
            [
                ApprovedSource(
                    part_id=parts[f"HAL-SEED-{i:06d}"],
                    manufacturer_part_id=mps[p],
                    status=SourceStatus.APPROVED,
                )
                for i, (_m, p) in enumerate(pairs)
            ],
            batch_size=5000,
        )
        refresh_part_rollups(list(parts.values()))
    return pairs


def generate_bom(lines: int, catalogue: list[tuple[str, str]]) -> bytes:
    """Half the lines name parts already in the catalogue, a quarter are new MPNs with an
    alternate, a quarter are generic passives with a value and a package but no MPN."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "Designator",
            "Qty",
            "Value",
            "Footprint",
            "Manufacturer",
            "MPN",
            "Manufacturer 2",
            "MPN 2",
        ]
    )
    values = ["100n", "4k7", "10k", "1u", "22p", "470R", "2.2uF", "33k"]
    for i in range(lines):
        count = int(rng.integers(1, 5))
        refs = " ".join(f"X{i}_{k}" for k in range(count))
        kind = i % 4
        if kind in (0, 1):
            maker, mpn = catalogue[int(rng.integers(0, len(catalogue)))]
            writer.writerow([refs, count, "", "SOIC-8", maker, mpn, "", ""])
        elif kind == 2:
            writer.writerow(
                [refs, count, "", "QFN-32", "Nexperia", f"NEW{i:06d}", "onsemi", f"ALT{i:06d}"]
            )
        else:
            value = values[int(rng.integers(0, len(values)))]
            package = ["0402", "0603", "0805"][int(rng.integers(0, 3))]
            designators = " ".join(f"R{i}_{k}" for k in range(count))
            writer.writerow([designators, count, value, f"R_{package}", "", "", "", ""])
    return out.getvalue().encode()


def vacuum() -> None:
    """After a rolled-back run on PostgreSQL: clear its dead rows and index entries, which
    would otherwise slow down the measured run that follows (every unique check visits them),
    as autovacuum would soon do on a real server."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def bench_bom(data: bytes, assembly: str, *, forget_parsed: bool = False) -> dict[str, float]:
    """Dry run, then commit, of one BOM; the commit's longest hold of the write lock beside
    the naive way (the same import inside one write transaction, as it used to run).

    The commit finds the file as the dry run read it (bom_import/parse_memo.py: the product
    keeps the last files read for the commit after their preview) and only matches and writes;
    with `forget_parsed` every step reads the file again."""
    from django.db import transaction

    from accord.orgs.models import Person, Program
    from accord.parts.bom_import.parse_memo import forget_parsed_files
    from accord.parts.bom_import.plan_memo import forget_plans
    from accord.parts.bom_import.preview import preview_import
    from accord.parts.bom_import.request import BomImportRequest
    from accord.parts.services import import_bom

    buyer = Person.objects.get(username="oem_buyer")
    program = Program.objects.get(code="EBX2")
    forget_parsed_files()
    forget_plans()
    cpu_start = time.process_time()
    dry_s, dry_lock_s, preview = lock_held(
        lambda: preview_import(
            BomImportRequest(
                program=program,
                assembly_number=assembly,
                revision="A",
                data=data,
                filename=f"{assembly}.csv",
            )
        )
    )
    dry_cpu_s = time.process_time() - cpu_start
    assert preview.can_commit, preview.errors[:3]

    def commit(revision: str) -> Any:
        if forget_parsed:
            forget_parsed_files()
            forget_plans()
        return import_bom(
            actor=buyer,
            request=BomImportRequest(
                program=program,
                assembly_number=assembly,
                revision=revision,
                data=data,
                filename=f"{assembly}.csv",
            ),
        )

    def naive() -> int:
        with transaction.atomic():
            lines = commit("A").lines.count()
            transaction.set_rollback(True)
        return lines

    # The naive run first, rolled back: both write the same rows into the same catalogue.
    naive_s, naive_lock_s, naive_lines = lock_held(naive)
    vacuum()
    cpu_start = time.process_time()
    commit_s, lock_s, bom = lock_held(lambda: commit("A"))
    commit_cpu_s = time.process_time() - cpu_start
    probe_s = LAST_PROBE_S[0]
    assert bom.lines.count() == naive_lines == len(preview.plan.lines)
    return {
        "lines": float(len(preview.plan.lines)),
        "dry_run_s": dry_s,
        # This process's CPU time (on SQLite it includes the database's work, on PostgreSQL not):
        # a figure that a busy machine changes far less than the elapsed time.
        "cpu_s": dry_cpu_s + commit_cpu_s,
        "dry_lock_s": dry_lock_s,
        "commit_s": commit_s,
        "lock_s": lock_s,
        "probe_s": probe_s,
        "naive_s": naive_s,
        "naive_lock_s": naive_lock_s,
    }


def naive_bom_matching(data: bytes, limit: int) -> float:
    """Per-line look-ups, the way a first version would: a query per MPN, a query per part."""
    from accord.parts.bom_import.parse import parse_bom_file
    from accord.parts.models import ApprovedSource, ManufacturerPart
    from accord.parts.normalise import mpn_key

    def run() -> int:
        parsed = parse_bom_file(data, "bench.csv")
        hits = 0
        for line in parsed.lines[:limit]:
            if not line.mpn:
                continue
            mp = ManufacturerPart.objects.filter(mpn_key=mpn_key(line.mpn)).first()
            if mp is not None:
                hits += ApprovedSource.objects.filter(manufacturer_part=mp).count()
        return hits

    return timed(run)[0]


def catalogue_bytes(scale: float, path: Path = HORIZON) -> tuple[bytes, str]:
    if path.is_file() and scale >= 1:
        return path.read_bytes(), f"{path.name}"
    if path.is_file():
        text = path.read_text(encoding="utf-8").splitlines(keepends=True)
        keep = max(2, int(len(text) * scale))
        return "".join(text[:keep]).encode(), f"horizon first {keep - 1} rows"
    n = int(25_000 * scale)
    rows = ["Manufacturer,MPN,Description,Category,Lifecycle,Capacitance,Voltage"]
    rows += [
        f"Maker {i % 50},GEN{i:06d},Generated part {i},Capacitors,Active,100nF,16V"
        for i in range(n)
    ]
    return ("\n".join(rows) + "\n").encode(), f"generated {n} rows"


def bench_catalogue(data: bytes) -> dict[str, float]:
    """Dry run, first import, second import (nothing to write) of a catalogue, each with its
    longest hold of the write lock. The naive figure is the import inside one write transaction,
    rolled back (as the page's dry run used to be; run twice, for the dry run and for the
    first import, before ours so that all of them write the same rows)."""
    from django.db import transaction

    from accord.orgs.models import Person
    from accord.parts.services.catalogue_import import import_catalogue
    from accord.parts.services.catalogue_staging import dry_run_catalogue

    buyer = Person.objects.get(username="oem_buyer")

    def naive_dry_run() -> Any:
        with transaction.atomic():
            result = import_catalogue(actor=buyer, data=data, filename="pool.csv")
            transaction.set_rollback(True)
        return result

    naive_dry_s, naive_dry_lock_s, naive_dry = lock_held(naive_dry_run)
    naive_first_s, naive_first_lock_s, _ = lock_held(naive_dry_run)
    vacuum()
    dry_s, dry_lock_s, dry = lock_held(
        lambda: dry_run_catalogue(actor=buyer, data=data, filename="pool.csv")
    )
    first_s, lock_s, first = lock_held(
        lambda: import_catalogue(actor=buyer, data=data, filename="pool.csv")
    )
    probe_s = LAST_PROBE_S[0]
    assert dry.manufacturer_parts_created == first.manufacturer_parts_created
    assert naive_dry.parts_created == first.parts_created == dry.parts_created
    again_s, again_lock_s, again = lock_held(
        lambda: import_catalogue(actor=buyer, data=data, filename="pool.csv")
    )
    assert not again.changed, "importing the catalogue twice changed something"
    return {
        "rows": float(first.rows),
        "dry_s": dry_s,
        "dry_lock_s": dry_lock_s,
        "naive_dry_s": naive_dry_s,
        "naive_dry_lock_s": naive_dry_lock_s,
        "first_s": first_s,
        "lock_s": lock_s,
        "probe_s": probe_s,
        "again_s": again_s,
        "again_lock_s": again_lock_s,
        "naive_first_s": naive_first_s,
        "naive_first_lock_s": naive_first_lock_s,
    }


def naive_catalogue(data: bytes, limit: int) -> tuple[float, int]:
    """Row by row with get_or_create, as a first version would (on the first `limit` rows)."""
    from django.db import transaction

    from accord.parts.catalogue_parse import parse_catalogue
    from accord.parts.models import Manufacturer, ManufacturerPart

    frame = parse_catalogue(data, "pool.csv").frame.head(limit)

    def run() -> None:
        with transaction.atomic():
            for row in frame.iter_rows(named=True):
                maker, _ = Manufacturer.objects.get_or_create(
                    key="naive-" + row["manufacturer_key"], defaults={"name": row["manufacturer"]}
                )
                ManufacturerPart.objects.get_or_create(
                    manufacturer=maker,
                    mpn_key=row["mpn_key"],
                    defaults={"mpn": row["mpn"], "lifecycle": row["lifecycle"]},
                )

    return timed(run)[0], frame.height


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--catalogue",
        type=Path,
        default=HORIZON,
        help="a parts list to import (default: the Horizon EDA pool of ../shared, if present)",
    )
    parser.add_argument(
        "--sizes",
        default="1500,5000,20000",
        help="BOM sizes in lines, before --scale (default 1500,5000,20000)",
    )
    parser.add_argument("--no-catalogue", action="store_true", help="skip the catalogue import")
    parser.add_argument(
        "--forget-parsed",
        action="store_true",
        help="the commit reads the file again instead of finding it as the dry run read it",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    vendor = prepare_database("import")
    from accord.core.db import refresh_planner_statistics

    catalogue = seed_catalogue(max(1000, int(20_000 * args.scale)))
    refresh_planner_statistics()
    figures: dict[str, float] = {}
    result: list[str] = []
    for size in sizes:
        lines = max(50, int(size * args.scale))
        bom = bench_bom(
            generate_bom(lines, catalogue), f"BENCH-{size}", forget_parsed=args.forget_parsed
        )
        print(
            f"BOM {int(bom['lines'])} lines: dry run {bom['dry_run_s']:.2f} s (write lock held "
            f"{bom['dry_lock_s']:.3f} s), commit {bom['commit_s']:.2f} s, write lock held "
            f"{bom['lock_s']:.3f} s (probe {bom['probe_s']:.3f} s); naive (all in one write "
            f"transaction) {bom['naive_s']:.2f} s, "
            f"lock held {bom['naive_lock_s']:.2f} s"
        )
        end_to_end = bom["dry_run_s"] + bom["commit_s"]
        reading = "read again by" if args.forget_parsed else "as the dry run read it, for"
        print(
            f"  end to end (dry run + commit): {end_to_end:.2f} s, of which {bom['cpu_s']:.2f} s "
            f"CPU time of this process (the file {reading} the commit)"
        )
        figures[f"bom{size}_s"] = end_to_end
        figures[f"bom{size}_lock_s"] = bom["lock_s"]
        figures[f"bom{size}_naive_lock_s"] = bom["naive_lock_s"]
        if size == 5000:
            result.append(f"bom5000_s={end_to_end:.2f} bom5000_cpu_s={bom['cpu_s']:.2f}")
            result.append(f"forget_parsed={int(args.forget_parsed)}")
        # The naive matching runs on the 5,000-line BOM (or the largest one run).
        if size == 5000 or (5000 not in sizes and size == max(sizes)):
            reference, reference_lines = bom, lines
    naive_lines = min(reference_lines, 1000)
    naive_s = naive_bom_matching(generate_bom(reference_lines, catalogue), naive_lines)
    print(
        f"  naive per-line matching of {naive_lines} lines: {naive_s:.2f} s "
        f"({naive_s / naive_lines * 1000:.2f} ms/line vs ours "
        f"{reference['dry_run_s'] / reference['lines'] * 1000:.2f} ms/line for parse + match + "
        "diff)"
    )
    rows = 0
    if not args.no_catalogue:
        cat_data, cat_label = catalogue_bytes(args.scale, args.catalogue)
        cat = bench_catalogue(cat_data)
        rows = int(cat["rows"])
        print(
            f"catalogue {cat_label}: {rows} rows; dry run {cat['dry_s']:.2f} s (write lock held "
            f"{cat['dry_lock_s']:.3f} s; naive rolled-back import {cat['naive_dry_s']:.2f} s, "
            f"lock held {cat['naive_dry_lock_s']:.2f} s)"
        )
        print(
            f"  first import {cat['first_s']:.2f} s, write lock held {cat['lock_s']:.3f} s "
            f"(probe {cat['probe_s']:.3f} s); second import (no change) {cat['again_s']:.2f} s, "
            f"lock held {cat['again_lock_s']:.3f} s"
        )
        naive_first_s, naive_first_lock = cat["naive_first_s"], cat["naive_first_lock_s"]
        print(
            f"  naive first import in one write transaction: {naive_first_s:.2f} s, lock held "
            f"{naive_first_lock:.2f} s"
        )
        naive_rows = min(rows, 2500)
        naive_cat_s, naive_rows = naive_catalogue(cat_data, naive_rows)
        print(
            f"  naive get_or_create on {naive_rows} rows: {naive_cat_s:.2f} s "
            f"({naive_cat_s / naive_rows * 1000:.2f} ms/row vs ours "
            f"{cat['first_s'] / rows * 1000:.3f} ms/row)"
        )
        result += [
            f"catalogue_s={cat['first_s']:.2f}",
            f"catalogue_again_s={cat['again_s']:.2f}",
            f"catalogue_lock_s={cat['lock_s']:.3f}",
            f"catalogue_naive_lock_s={naive_first_lock:.2f}",
            f"catalogue_dry_lock_s={cat['dry_lock_s']:.3f}",
            f"catalogue_naive_dry_lock_s={cat['naive_dry_lock_s']:.2f}",
        ]
    for size in sizes:
        result += [
            f"bom{size}_lock_s={figures[f'bom{size}_lock_s']:.3f}",
            f"bom{size}_naive_lock_s={figures[f'bom{size}_naive_lock_s']:.2f}",
        ]
    if 5000 in sizes:
        result.append(f"bom_lines={int(reference['lines'])}")
    if rows:
        result.append(f"catalogue_rows={rows}")
    result.append(f"naive_bom_ms_per_line={naive_s / naive_lines * 1000:.2f}")
    if not args.no_catalogue:
        result.append(f"naive_catalogue_ms_per_row={naive_cat_s / naive_rows * 1000:.2f}")
    print(f"RESULT bench=import db={vendor} " + " ".join(result))


if __name__ == "__main__":
    main()
