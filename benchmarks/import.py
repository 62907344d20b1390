"""BOM and catalogue import: a generated 5,000-line BOM (dry run, then commit) and the
25,000-part Horizon EDA pool catalogue, each beside a naive row-by-row baseline.

    DATABASE_URL=... python benchmarks/import.py [--scale 0.2]

The catalogue comes from ../shared/data/parts/ when present (tests and benchmarks may read
it; the product never does); otherwise a catalogue of the same size is generated.
Last line: RESULT bench=import db=<vendor> bom5000_s=... catalogue_s=...
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, prepare_database, timed

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


def bench_bom(data: bytes) -> dict[str, float]:
    from accord.orgs.models import Person, Program
    from accord.parts.bom_import.preview import preview_import
    from accord.parts.services import import_bom

    buyer = Person.objects.get(username="oem_buyer")
    program = Program.objects.get(code="EBX2")
    dry_s, preview = timed(
        lambda: preview_import(
            organisation_id=program.owner_id,
            program_id=program.pk,
            assembly_number="BENCH-5000",
            data=data,
            filename="bench-5000.csv",
        )
    )
    assert preview.can_commit, preview.errors[:3]
    commit_s, bom = timed(
        lambda: import_bom(
            actor=buyer,
            program=program,
            assembly_number="BENCH-5000",
            revision="A",
            data=data,
            filename="bench-5000.csv",
        )
    )
    assert bom.lines.count() == len(preview.plan.lines)
    return {"dry_run_s": dry_s, "commit_s": commit_s, "lines": float(len(preview.plan.lines))}


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


def catalogue_bytes(scale: float) -> tuple[bytes, str]:
    if HORIZON.is_file() and scale >= 1:
        return HORIZON.read_bytes(), "horizon (shared data)"
    if HORIZON.is_file():
        text = HORIZON.read_text(encoding="utf-8").splitlines(keepends=True)
        keep = max(2, int(len(text) * scale))
        return "".join(text[:keep]).encode(), f"horizon first {keep - 1} rows"
    n = int(25_000 * scale)
    rows = ["Manufacturer,MPN,Description,Category,Lifecycle,Capacitance,Voltage"]
    rows += [
        f"Maker {i % 50},GEN{i:06d},Generated part {i},Capacitors,Active,100nF,16V"
        for i in range(n)
    ]
    return ("\n".join(rows) + "\n").encode(), f"generated {n} rows"


def bench_catalogue(data: bytes) -> tuple[float, float, int]:
    from accord.orgs.models import Person
    from accord.parts.services.catalogue_import import import_catalogue

    buyer = Person.objects.get(username="oem_buyer")
    first_s, first = timed(lambda: import_catalogue(actor=buyer, data=data, filename="pool.csv"))
    again_s, again = timed(lambda: import_catalogue(actor=buyer, data=data, filename="pool.csv"))
    assert not again.changed, "importing the catalogue twice changed something"
    return first_s, again_s, first.rows


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
    args = parser.parse_args()
    vendor = prepare_database("import")
    from accord.core.db import refresh_planner_statistics

    lines = max(50, int(5000 * args.scale))
    catalogue = seed_catalogue(max(1000, int(20_000 * args.scale)))
    refresh_planner_statistics()
    data = generate_bom(lines, catalogue)
    bom = bench_bom(data)
    total = bom["dry_run_s"] + bom["commit_s"]
    naive_lines = min(lines, 1000)
    naive_s = naive_bom_matching(data, naive_lines)
    print(
        f"BOM {int(bom['lines'])} lines: dry run {bom['dry_run_s']:.2f} s, commit "
        f"{bom['commit_s']:.2f} s, end to end {total:.2f} s"
    )
    print(
        f"  naive per-line matching of {naive_lines} lines: {naive_s:.2f} s "
        f"({naive_s / naive_lines * 1000:.2f} ms/line vs ours "
        f"{bom['dry_run_s'] / bom['lines'] * 1000:.2f} ms/line for parse + match + diff)"
    )
    cat_data, cat_label = catalogue_bytes(args.scale)
    first_s, again_s, rows = bench_catalogue(cat_data)
    naive_rows = min(rows, 2500)
    naive_cat_s, naive_rows = naive_catalogue(cat_data, naive_rows)
    print(
        f"catalogue {cat_label}: {rows} rows in {first_s:.2f} s, second import (no change) "
        f"{again_s:.2f} s"
    )
    print(
        f"  naive get_or_create on {naive_rows} rows: {naive_cat_s:.2f} s "
        f"({naive_cat_s / naive_rows * 1000:.2f} ms/row vs ours {first_s / rows * 1000:.3f} ms/row)"
    )
    print(
        f"RESULT bench=import db={vendor} bom5000_s={total:.2f} catalogue_s={first_s:.2f} "
        f"catalogue_again_s={again_s:.2f} bom_lines={int(bom['lines'])} catalogue_rows={rows} "
        f"naive_bom_ms_per_line={naive_s / naive_lines * 1000:.2f} "
        f"naive_catalogue_ms_per_row={naive_cat_s / naive_rows * 1000:.2f}"
    )


if __name__ == "__main__":
    main()
