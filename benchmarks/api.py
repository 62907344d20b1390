"""Latency of the pages and API reads people use most, under the production server.

50,000 parts (fixed seed), a 2,000-line two-level BOM and a 100-line BOM; each URL is
requested over loopback by one client against the server `accord serve` starts (its argv
from accord.cli, 2 workers by default). Measured: the part page and GET /api/v1/parts/{id}
(the fixed cost of a request), the parts list and its search (page and API, 50 rows), the
100-line BOM (page and GET /api/v1/boms/{id}/lines?page_size=100) and the 2,000-line BOM
page. Beside them, the same part list computed the naive way (icontains over joins, one
query per row for sources) in-process, and the SQL queries of each request.

    DATABASE_URL=... python benchmarks/api.py [--scale 0.1] [--requests 200] [--workers 2]

Last line: RESULT bench=api db=<vendor> detail_p50_ms=... parts_p50_ms=... search_p50_ms=...
bom100_p50_ms=... (each the slower of page and API) parts_p95_ms=... (page) api_p95_ms=...
search_p95_ms=... bom_p95_ms=... (2,000-line BOM page) ...
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, prepare_database, summarise_ms, timed

SEED = 20261123


def generate(scale: float) -> dict[str, object]:
    import numpy as np
    from django.db import transaction

    from accord.core.db import refresh_planner_statistics
    from accord.core.services import create_api_token
    from accord.demo.personas import build_world
    from accord.parts.choices import Lifecycle, SourceStatus
    from accord.parts.models import ApprovedSource, Category, Manufacturer, ManufacturerPart, Part
    from accord.parts.normalise import manufacturer_key, mpn_key
    from accord.parts.services import BomLineInput, create_bom, refresh_part_rollups
    from accord.parts.value_keys import refresh_value_keys

    rng = np.random.default_rng(SEED)
    world = build_world()
    buyer = world.people["oem_buyer"]
    owner = world.orgs["halcyon"]
    n_parts = int(50_000 * scale)
    with transaction.atomic():
        makers = [
            Manufacturer.objects.get_or_create(
                key=manufacturer_key(f"Bench Maker {i:02d}"),
                defaults={"name": f"Bench Maker {i:02d}"},
            )[0]
            for i in range(40)
        ]
        categories = [
            Category.objects.get_or_create(
                slug=f"bench-{name.lower()}", defaults={"name": f"Bench {name}"}
            )[0]
            for name in ("Capacitors", "Resistors", "ICs", "Connectors", "Inductors", "Diodes")
        ]
        lifecycles = np.array(Lifecycle.values)
        lifecycle_p = np.array([0.80, 0.04, 0.06, 0.03, 0.03, 0.04])
        part_cat = rng.integers(0, len(categories), n_parts)
        kinds = [c.name.removeprefix("Bench ").rstrip("s") for c in categories]
        n_sources = rng.choice([0, 1, 2, 3], size=n_parts, p=[0.05, 0.55, 0.3, 0.1])
        Part.objects.bulk_create(
            [
                Part(
                    owner=owner,
                    number=f"BX-{i:06d}",
                    description=f"{kinds[part_cat[i]]} bench part {i} {rng.integers(1, 999)}",
                    category=categories[part_cat[i]],
                    value=f"{rng.integers(1, 100)}k",
                    package=str(rng.choice(["0402", "0603", "0805", "SOT-23", "QFN-32"])),
                )
                for i in range(n_parts)
            ],
            batch_size=5000,
        )
        parts = list(
            Part.objects.filter(number__startswith="BX-")
            .order_by("number")
            .values_list("pk", flat=True)
        )
        mparts: list[ManufacturerPart] = []
        owners: list[int] = []
        for i, part_id in enumerate(parts):
            for k in range(int(n_sources[i])):
                mpn = f"BM{i:06d}-{k}"
                mparts.append(
                    ManufacturerPart(
                        manufacturer=makers[int(rng.integers(0, len(makers)))],
                        mpn=mpn,
                        mpn_key=mpn_key(mpn),
                        lifecycle=str(rng.choice(lifecycles, p=lifecycle_p)),
                        description=f"bench source {mpn}",
                    )
                )
                owners.append(part_id)
        for mp in mparts:
            if mp.lifecycle == Lifecycle.LTB:
                mp.last_time_buy_date = dt.date(2027, 3, 31)
        created = ManufacturerPart.objects.bulk_create(mparts, batch_size=5000)
        by_mpn = dict(
            ManufacturerPart.objects.filter(mpn__startswith="BM").values_list("mpn", "pk")
        )
        ApprovedSource.objects.bulk_create(
            [
                ApprovedSource(
                    part_id=part_id,
                    manufacturer_part_id=by_mpn[mp.mpn],
                    rank=int(mp.mpn.rsplit("-", 1)[1]) + 1,
                    status=SourceStatus.APPROVED,
                )
                for mp, part_id in zip(created, owners, strict=True)
            ],
            batch_size=5000,
        )
        refresh_value_keys(parts)
        refresh_part_rollups(parts)
        # A 2,000-line BOM: 190 components + 10 sub-assemblies of 180 lines each.
        program = world.programs["EBX2"]
        subs = []
        pick = rng.choice(parts, size=2000, replace=len(parts) < 2000)
        for s in range(10):
            sub = Part.objects.create(
                owner=owner, number=f"BX-SUB-{s:02d}", description=f"Sub-assembly {s}"
            )
            lines = [
                BomLineInput(
                    part=Part(pk=int(pid)),
                    quantity=Decimal(int(rng.integers(1, 8))),
                    designators=[f"R{s}{j}"],
                )
                for j, pid in enumerate(pick[190 + s * 180 : 190 + (s + 1) * 180])
            ]
            create_bom(actor=buyer, program=program, assembly=sub, revision="A", lines=lines)
            subs.append(sub)
        top = Part.objects.create(owner=owner, number="BX-TOP", description="Bench top assembly")
        top_lines = [
            BomLineInput(
                part=Part(pk=int(pid)),
                quantity=Decimal(int(rng.integers(1, 8))),
                designators=[f"C{j}"],
            )
            for j, pid in enumerate(pick[:190])
        ] + [BomLineInput(part=sub, quantity=Decimal(1)) for sub in subs]
        bom = create_bom(actor=buyer, program=program, assembly=top, revision="A", lines=top_lines)
        small = Part.objects.create(owner=owner, number="BX-SMALL", description="100-line BOM")
        small_lines = [
            BomLineInput(
                part=Part(pk=int(pid)),
                quantity=Decimal(int(rng.integers(1, 8))),
                designators=[f"U{j}"],
            )
            for j, pid in enumerate(rng.choice(parts, size=100, replace=len(parts) < 100))
        ]
        bom100 = create_bom(
            actor=buyer, program=program, assembly=small, revision="A", lines=small_lines
        )
        _, token = create_api_token(actor=buyer, name="bench")
    refresh_planner_statistics()
    # A part of the big BOM: its page shows sources, where-used and history.
    detail = int(pick[0])
    return {
        "bom_id": bom.pk,
        "bom100_id": bom100.pk,
        "part_id": detail,
        "token": token,
        "buyer": buyer,
        "parts": n_parts,
    }


def session_cookie(person: object) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(person.pk)  # type: ignore[attr-defined]
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = person.get_session_auth_hash()  # type: ignore[attr-defined]
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    """The server `accord serve` runs (argv from accord.cli), without its access log."""
    from accord.cli import gunicorn_argv

    env = dict(os.environ)
    env.update(
        ACCORD_ENV="production",
        ACCORD_ALLOWED_HOSTS="127.0.0.1,localhost",
        ACCORD_SSL_REDIRECT="0",
        ACCORD_LOG_LEVEL="ERROR",
        ACCORD_TASK_WORKER="0",
    )
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    argv = gunicorn_argv("127.0.0.1", port, workers)
    quiet = ["--access-logfile", "/dev/null", "--log-level", "warning"]
    cmd = [*argv[:-1], *quiet, argv[-1]]  # options before the application
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def measure(port: int, path: str, headers: dict[str, str], n: int) -> list[float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    samples: list[float] = []
    for i in range(n + 10):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - start
        if response.status != 200:
            raise SystemExit(
                f"{path}: HTTP {response.status} {response.getheader('Location')} {body[:300]!r}"
            )
        if i >= 10:  # the first requests warm each worker's caches
            samples.append(elapsed)
    conn.close()
    return samples


def query_counts(person: object, token: str, data: dict[str, object]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(person)  # type: ignore[arg-type]
    counts = {}
    bearer = {"Authorization": f"Bearer {token}"}
    requests: list[tuple[str, str, dict[str, str]]] = [
        ("part_page", f"/parts/{data['part_id']}/", {}),
        ("api_part", f"/api/v1/parts/{data['part_id']}", bearer),
        ("parts_page", "/parts/", {}),
        ("parts_page_search", "/parts/?q=bench", {}),
        ("parts_page_value_search", "/parts/?q=47k+0603", {}),
        ("api_parts_10", "/api/v1/parts?page_size=10", bearer),
        ("api_parts_200", "/api/v1/parts?page_size=200", bearer),
        ("bom100_page", f"/boms/{data['bom100_id']}/", {}),
        ("api_bom100_lines", f"/api/v1/boms/{data['bom100_id']}/lines?page_size=100", bearer),
        ("bom_page", f"/boms/{data['bom_id']}/", {}),
    ]
    for label, path, headers in requests:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, headers=headers)
        counts[label] = (
            len(ctx.captured_queries) if response.status_code == 200 else -response.status_code
        )
    return counts


def inprocess_cpu_ms(
    person: object, urls: dict[str, tuple[str, dict[str, str]]], n: int
) -> dict[str, float]:
    """Median CPU time of each request handled in this process (Django's test client, this
    thread's CPU clock): the fixed cost of a request, free of the HTTP round trip and of what
    other processes on the machine take from the wall clock."""
    from django.test import Client

    client = Client()
    client.force_login(person)  # type: ignore[arg-type]
    medians = {}
    for name, (path, headers) in urls.items():
        extra = {k: v for k, v in headers.items() if k != "Cookie"}
        for _ in range(5):
            client.get(path, headers=extra)
        samples = []
        for _ in range(n):
            start = time.thread_time()
            client.get(path, headers=extra)
            samples.append(time.thread_time() - start)
        medians[name] = round(sorted(samples)[len(samples) // 2] * 1000, 2)
    return medians


def naive_part_list(person: object) -> float:
    """The obvious implementation: icontains across joins, sources counted per row."""
    from django.db.models import Q

    from accord.parts.models import Part

    def run() -> int:
        qs = (
            Part.objects.filter(owner=person.organisation)  # type: ignore[attr-defined]
            .filter(
                Q(number__icontains="bench")
                | Q(description__icontains="bench")
                | Q(sources__manufacturer_part__mpn__icontains="bench")
            )
            .distinct()
            .order_by("number")
        )
        total = qs.count()
        for part in qs[:50]:
            part.sources.filter(status="approved").count()
            list(part.sources.values_list("manufacturer_part__lifecycle", flat=True))
        return total

    return min(timed(run)[0] for _ in range(5))


def ours_part_list(person: object, q: str = "bench") -> float:
    from accord.parts.access import parts_for_list
    from accord.parts.queries import PartFilters

    def run() -> int:
        qs = parts_for_list(person, PartFilters(q=q))
        total = qs.count()
        list(qs[:50])
        return total

    return min(timed(run)[0] for _ in range(5))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    vendor = prepare_database("api")
    gen_s, data = timed(lambda: generate(args.scale))
    print(f"generated {data['parts']} parts and a 2,000-line BOM in {gen_s:.1f} s ({vendor})")
    counts = query_counts(data["buyer"], str(data["token"]), data)
    print("SQL queries per request:", counts)
    naive = naive_part_list(data["buyer"])
    ours = ours_part_list(data["buyer"])
    ours_value = ours_part_list(data["buyer"], q="47k 0603")
    print(
        f"part list search, in-process: ours {ours * 1000:.1f} ms, naive {naive * 1000:.1f} ms "
        f"({naive / ours:.1f}x); by value (47k 0603) {ours_value * 1000:.1f} ms"
    )
    cookie = {"Cookie": session_cookie(data["buyer"])}
    bearer = {"Authorization": f"Bearer {data['token']}"}
    search = "q=bench+part+12"
    urls = {
        "detail_page": (f"/parts/{data['part_id']}/", cookie),
        "detail_api": (f"/api/v1/parts/{data['part_id']}", bearer),
        "parts": ("/parts/", cookie),
        "api": ("/api/v1/parts?page_size=50", bearer),
        "parts_search": (f"/parts/?{search}", cookie),
        "api_search": (f"/api/v1/parts?page_size=50&{search}", bearer),
        # Words that parse as values ("47k" is 47 kΩ) match the value keys too.
        "value_search": ("/parts/?q=47k+0603", cookie),
        "bom100_page": (f"/boms/{data['bom100_id']}/", cookie),
        "bom100_api": (f"/api/v1/boms/{data['bom100_id']}/lines?page_size=100", bearer),
        "bom": (f"/boms/{data['bom_id']}/", cookie),
        "bom_lines_api": (f"/api/v1/boms/{data['bom_id']}/lines", bearer),
    }
    cpu = inprocess_cpu_ms(data["buyer"], urls, max(20, args.requests // 4))
    port = free_port()
    server = start_server(port, args.workers)
    try:
        results = {
            name: summarise_ms(measure(port, path, headers, args.requests))
            for name, (path, headers) in urls.items()
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"gunicorn, {args.workers} workers, {args.requests} requests per URL, one client:")
    for name, figures in results.items():
        print(
            f"{name:14s} median {figures['median_ms']:8.2f} ms   p95 {figures['p95_ms']:8.2f} ms"
            f"   in-process CPU {cpu[name]:6.2f} ms"
        )

    def slower(*names: str) -> float:
        return max(results[n]["median_ms"] for n in names)

    print(
        f"RESULT bench=api db={vendor} workers={args.workers} "
        f"detail_p50_ms={slower('detail_page', 'detail_api')} "
        f"parts_p50_ms={slower('parts', 'api')} "
        f"search_p50_ms={slower('parts_search', 'api_search')} "
        f"bom100_p50_ms={slower('bom100_page', 'bom100_api')} "
        f"parts_p95_ms={results['parts']['p95_ms']} api_p95_ms={results['api']['p95_ms']} "
        f"search_p95_ms={results['parts_search']['p95_ms']} "
        f"api_search_p95_ms={results['api_search']['p95_ms']} "
        f"bom_p95_ms={results['bom']['p95_ms']} "
        f"bom_lines_p95_ms={results['bom_lines_api']['p95_ms']} "
        f"value_search_p50_ms={results['value_search']['median_ms']} "
        f"value_search_p95_ms={results['value_search']['p95_ms']} "
        f"ours_value_search_ms={ours_value * 1000:.1f} "
        f"naive_list_ms={naive * 1000:.1f} ours_list_ms={ours * 1000:.1f} "
        f"detail_cpu_ms={max(cpu['detail_page'], cpu['detail_api'])} "
        f"load_1min={os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
