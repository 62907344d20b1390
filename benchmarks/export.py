"""Time of exporting the parts list: 26,000 parts through the real page export, in-process.

`GET /parts/?format=xlsx` (and csv) signed in as oem_buyer, through Django's whole request
path (middleware, access.py, the filtered query, accord.core.exports). Beside it, in the same
run, the same request with the naive writer: openpyxl in write-only mode, which the export
used before accord/core/xlsx.py. Every file is read back (python-calamine) and its rows counted,
so a fast writer that loses rows cannot win.

    DATABASE_URL=... python benchmarks/export.py [--scale 0.1] [--repeat 3]

Last line: RESULT bench=export db=<vendor> xlsx_26k_s=... naive_xlsx_26k_s=... csv_26k_s=...
(the median of --repeat requests each; "26k" is the number of parts at --scale 1).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import prepare_database, timed

warnings.filterwarnings("ignore", "No directory at")  # whitenoise: no collected static files

SEED = 20261203
PARTS = 26_000


def generate(scale: float) -> tuple[Any, int]:
    """The persona world plus `PARTS * scale` parts of oem_buyer's organisation, each with 0-3
    approved sources (so lifecycle and source counts vary), and a few awkward texts."""
    import numpy as np
    from django.db import transaction

    from accord.core.db import refresh_planner_statistics
    from accord.demo.personas import build_world
    from accord.parts.choices import Lifecycle, SourceStatus
    from accord.parts.models import ApprovedSource, Category, Manufacturer, ManufacturerPart, Part
    from accord.parts.normalise import manufacturer_key, mpn_key
    from accord.parts.services import refresh_part_rollups

    rng = np.random.default_rng(SEED)
    world = build_world()
    owner = world.orgs["halcyon"]
    n_parts = int(PARTS * scale)
    with transaction.atomic():
        makers = [
            Manufacturer.objects.get_or_create(
                key=manufacturer_key(f"Export Maker {i:02d}"),
                defaults={"name": f"Export Maker {i:02d}"},
            )[0]
            for i in range(30)
        ]
        names = ("Capacitors", "Resistors", "ICs", "Connectors", "Inductors", "Diodes")
        categories = [
            Category.objects.get_or_create(
                slug=f"export-{n.lower()}", defaults={"name": f"Export {n}"}
            )[0]
            for n in names
        ]
        category_of = rng.integers(0, len(categories), n_parts)
        sources_of = rng.choice([0, 1, 2, 3], size=n_parts, p=[0.05, 0.55, 0.3, 0.1])
        # Descriptions as real catalogues have them, some starting like a formula.
        prefixes = np.array(["", "", "", "", "=", "-", "+", "@"])
        Part.objects.bulk_create(
            [
                Part(
                    owner=owner,
                    number=f"EX-{i:06d}",
                    description=(
                        f"{rng.choice(prefixes)}{names[category_of[i]][:-1]} {rng.integers(1, 999)}"
                        f" {rng.choice(['0402', '0603', 'SOT-23'])} ±{rng.integers(1, 10)}% µΩ"
                    ),
                    category=categories[category_of[i]],
                    value=f"{rng.integers(1, 100)}k",
                    package=str(rng.choice(["0402", "0603", "0805", "SOT-23", "QFN-32"])),
                )
                for i in range(n_parts)
            ],
            batch_size=5000,
        )
        part_ids = list(
            Part.objects.filter(number__startswith="EX-").order_by("number").values_list("pk")
        )
        lifecycles = np.array(Lifecycle.values)
        weights = np.array([0.80, 0.04, 0.06, 0.03, 0.03, 0.04])
        mparts: list[ManufacturerPart] = []
        owners: list[int] = []
        for i, (part_id,) in enumerate(part_ids):
            for k in range(int(sources_of[i])):
                mpn = f"EXM{i:06d}-{k}"
                mparts.append(
                    ManufacturerPart(
                        manufacturer=makers[int(rng.integers(0, len(makers)))],
                        mpn=mpn,
                        mpn_key=mpn_key(mpn),
                        lifecycle=str(rng.choice(lifecycles, p=weights)),
                    )
                )
                owners.append(part_id)
        created = ManufacturerPart.objects.bulk_create(mparts, batch_size=5000)
        ApprovedSource.objects.bulk_create(
            [
                ApprovedSource(
                    part_id=part_id,
                    manufacturer_part_id=mp.pk,
                    rank=int(mp.mpn.rsplit("-", 1)[1]) + 1,
                    status=SourceStatus.APPROVED,
                )
                for mp, part_id in zip(created, owners, strict=True)
            ],
            batch_size=5000,
        )
        refresh_part_rollups([pk for (pk,) in part_ids])
    refresh_planner_statistics()
    return world.people["oem_buyer"], n_parts


def naive_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str) -> bytes:
    """The export's writer before accord/core/xlsx.py: openpyxl, write-only mode."""
    from openpyxl import Workbook

    from accord.core import exports

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31] or "Sheet1")
    worksheet.append([exports.safe_text(h) for h in headers])
    for row in rows:
        worksheet.append(exports._cells(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rows_in(body: bytes, fmt: str) -> int:
    if fmt == "csv":
        return body.decode("utf-8-sig").count("\r\n") - 1
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(body))
    return len(book.get_sheet_by_index(0).to_python()) - 1


def export(client: Any, fmt: str, repeat: int, expected: int) -> tuple[float, int]:
    """The median time of `repeat` exports (after one warm-up), and the size of the file."""
    samples: list[float] = []
    size = 0
    for attempt in range(repeat + 1):
        seconds, response = timed(lambda: client.get("/parts/", {"format": fmt}))
        if response.status_code != 200:
            raise SystemExit(f"{fmt}: HTTP {response.status_code} {response.content[:300]!r}")
        body = response.content
        found = rows_in(body, fmt)
        if found != expected:
            raise SystemExit(f"{fmt}: {found} rows in the file, {expected} parts visible")
        if attempt:
            samples.append(seconds)
        size = len(body)
    return statistics.median(samples), size


def with_writer(writer: Callable[..., bytes], run: Callable[[], Any]) -> Any:
    from accord.core import exports

    original = exports.to_xlsx_bytes
    exports.to_xlsx_bytes = writer
    try:
        return run()
    finally:
        exports.to_xlsx_bytes = original


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    vendor = prepare_database("export")
    gen_s, (buyer, n_parts) = timed(lambda: generate(args.scale))
    from django.test import Client

    from accord.parts.access import parts_visible_to

    visible = parts_visible_to(buyer).count()
    print(f"generated {n_parts} parts in {gen_s:.1f} s ({vendor}); oem_buyer sees {visible}")
    client = Client()
    client.force_login(buyer)
    ours, ours_size = export(client, "xlsx", args.repeat, visible)
    naive, naive_size = with_writer(
        naive_xlsx, lambda: export(client, "xlsx", args.repeat, visible)
    )
    csv_s, csv_size = export(client, "csv", args.repeat, visible)
    print(f"xlsx, ours (accord/core/xlsx.py):  {ours:.2f} s, {ours_size / 1e6:.1f} MB")
    print(f"xlsx, naive (openpyxl write-only): {naive:.2f} s, {naive_size / 1e6:.1f} MB")
    print(f"csv:                               {csv_s:.2f} s, {csv_size / 1e6:.1f} MB")
    print(f"xlsx speed-up: {naive / ours:.1f}x")
    print(
        f"RESULT bench=export db={vendor} xlsx_26k_s={ours:.2f} naive_xlsx_26k_s={naive:.2f} "
        f"csv_26k_s={csv_s:.2f}"
    )


if __name__ == "__main__":
    main()
