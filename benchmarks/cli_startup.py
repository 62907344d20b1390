"""`accord import-bom --dry-run` on a 100-line BOM as a person runs it: a new process each
time, wall time including the interpreter's start-up, over N runs (median and max).

Beside it, in the same runs (interleaved, so that the machine's load weighs on all alike):
what any command pays before it does anything (the bare interpreter; `django.setup()`), and
the eager start-up the command had before issue 10: the same dry run with the URL
configuration (so the whole API: django-ninja and every pydantic schema) and Polars loaded
first, as Django's system checks and the command's imports used to load them.

    DATABASE_URL=... python benchmarks/cli_startup.py [--runs 10] [--lines 100] [--scale 1]

The database is the benchmark's own, with the test personas (program EBX2, oem_buyer). The BOM
is generated with a fixed seed into a temporary folder: half of its lines name manufacturer
parts of the catalogue, a quarter are new MPNs with an alternate, a quarter generic passives
with a value and a package. The target is 1 s (issue 10).

Last line: RESULT bench=cli_startup db=<vendor> dry_run_median_s=... dry_run_max_s=...
dry_run_cpu_median_s=... eager_median_s=... django_setup_median_s=... python_median_s=...
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, prepare_database

SEED = 20261203
# The eager start-up of before: the API (what the system checks' URL check imported) and
# Polars (what parts.access -> queries -> value_keys imported), then the same command.
EAGER = (
    "import sys, django; django.setup(); import accord.urls, polars; "
    "from django.core.management import call_command; call_command(*sys.argv[1:])"
)


def generate_bom(lines: int, catalogue: list[tuple[str, str]]) -> str:
    rng = random.Random(SEED)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Designator", "Qty", "Value", "Footprint", "Manufacturer", "MPN", "MPN 2"])
    values = ["100n", "4k7", "10k", "1u", "22p", "470R", "2.2uF", "33k"]
    for i in range(lines):
        count = rng.randint(1, 4)
        kind = i % 4
        if kind in (0, 1) and catalogue:
            maker, mpn = catalogue[rng.randrange(len(catalogue))]
            refs = ", ".join(f"U{i * 4 + k + 1}" for k in range(count))
            writer.writerow([refs, count, "", "SOIC-8", maker, mpn, ""])
        elif kind in (0, 1, 2):
            refs = ", ".join(f"Q{i * 4 + k + 1}" for k in range(count))
            writer.writerow([refs, count, "", "SOT-23", "Nexperia", f"NEW{i:04d}", f"ALT{i:04d}"])
        else:
            refs = ", ".join(f"R{i * 4 + k + 1}" for k in range(count))
            package = rng.choice(["0402", "0603", "0805"])
            writer.writerow([refs, count, rng.choice(values), f"R_{package}", "", "", ""])
    return out.getvalue()


def command(path: Path) -> list[str]:
    """The console script beside this interpreter (as installed), else `python -m`."""
    script = Path(sys.executable).with_name("accord")
    start = [str(script)] if script.is_file() else [sys.executable, "-m", "accord.cli"]
    return [*start, "import-bom", *arguments(path)]


def arguments(path: Path) -> list[str]:
    return [
        str(path),
        "--program",
        "EBX2",
        "--assembly",
        "CLI-BENCH",
        "--revision",
        "A",
        "--as",
        "oem_buyer",
        "--dry-run",
    ]


def run(argv: list[str], lines: int | None) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one run; a dry run must print its summary."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0 or (lines is not None and f"Summary: {lines} lines" not in done.stdout):
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--lines", type=int, default=100)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="`make bench`'s: fewer runs (at least 3)"
    )
    args = parser.parse_args()
    args.runs = max(3, round(args.runs * args.scale)) if args.scale < 1 else args.runs
    vendor = prepare_database("cli_startup")
    from django.db import connections

    from accord.demo.personas import build_world
    from accord.parts.models import ManufacturerPart

    build_world()
    catalogue = list(
        ManufacturerPart.objects.order_by("pk").values_list("manufacturer__name", "mpn")[:500]
    )
    connections.close_all()
    folder = Path(tempfile.mkdtemp(prefix="accord-bench-cli-"))
    path = folder / "bom-100.csv"
    path.write_text(generate_bom(args.lines, catalogue), encoding="utf-8")
    variants = {
        "dry_run": (command(path), args.lines),
        "eager": ([sys.executable, "-c", EAGER, "import_bom", *arguments(path)], args.lines),
        "django_setup": ([sys.executable, "-c", "import django; django.setup()"], None),
        "python": ([sys.executable, "-c", "pass"], None),
    }
    walls: dict[str, list[float]] = {name: [] for name in variants}
    cpus: dict[str, list[float]] = {name: [] for name in variants}
    for argv, lines in variants.values():
        run(argv, lines)  # once first: the file system's caches, as for a person's second run
    for _ in range(args.runs):
        for name, (argv, lines) in variants.items():
            wall, cpu = run(argv, lines)
            walls[name].append(wall)
            cpus[name].append(cpu)
    cached = "off" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "on"
    print(
        f"{args.runs} runs each, a {args.lines}-line BOM ({len(catalogue)} catalogue MPNs to "
        f"match), bytecode cache writing {cached}; wall time median / max, CPU time median:"
    )
    labels = {
        "dry_run": "accord import-bom --dry-run",
        "eager": "the same, API and Polars loaded first (before)",
        "django_setup": "python -c 'django.setup()'",
        "python": "python -c pass",
    }
    for name in variants:
        print(
            f"  {labels[name]:48} {statistics.median(walls[name]):.3f} / "
            f"{max(walls[name]):.3f} s, CPU {statistics.median(cpus[name]):.3f} s"
        )
    print(
        f"RESULT bench=cli_startup db={vendor} runs={args.runs} lines={args.lines} "
        f"dry_run_median_s={statistics.median(walls['dry_run']):.3f} "
        f"dry_run_max_s={max(walls['dry_run']):.3f} "
        f"dry_run_cpu_median_s={statistics.median(cpus['dry_run']):.3f} "
        f"eager_median_s={statistics.median(walls['eager']):.3f} "
        f"django_setup_median_s={statistics.median(walls['django_setup']):.3f} "
        f"python_median_s={statistics.median(walls['python']):.3f}"
    )


if __name__ == "__main__":
    main()
