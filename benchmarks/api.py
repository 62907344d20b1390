"""Latency of the part list page, GET /api/v1/parts and the BOM page under gunicorn.

50,000 parts (fixed seed) and a 2,000-line two-level BOM; each URL is requested over
loopback by one client against several gunicorn workers. Beside it, the same part list
computed the naive way (icontains over joins, one query per row for sources) in-process.

    DATABASE_URL=... python benchmarks/api.py [--scale 0.1] [--requests 200]

Last line: RESULT bench=api db=<vendor> parts_p95_ms=... api_p95_ms=... bom_p95_ms=...
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
        _, token = create_api_token(actor=buyer, name="bench")
    refresh_planner_statistics()
    return {"bom_id": bom.pk, "token": token, "buyer": buyer, "parts": n_parts}


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
    env = dict(os.environ)
    env.update(
        ACCORD_ENV="production",
        ACCORD_ALLOWED_HOSTS="127.0.0.1,localhost",
        ACCORD_SSL_REDIRECT="0",
        ACCORD_LOG_LEVEL="ERROR",
    )
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    conf = ROOT / "accord" / "gunicorn_conf.py"
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "accord.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--access-logfile",
        "/dev/null",
    ]
    if conf.exists():
        cmd += ["--config", str(conf)]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


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


def query_counts(person: object, token: str, bom_id: int) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(person)  # type: ignore[arg-type]
    counts = {}
    bearer = {"Authorization": f"Bearer {token}"}
    requests: list[tuple[str, str, dict[str, str]]] = [
        ("parts_page", "/parts/", {}),
        ("parts_page_search", "/parts/?q=bench", {}),
        ("api_parts_10", "/api/v1/parts?page_size=10", bearer),
        ("api_parts_200", "/api/v1/parts?page_size=200", bearer),
        ("bom_page", f"/boms/{bom_id}/", {}),
    ]
    for label, path, headers in requests:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path, headers=headers)
        counts[label] = (
            len(ctx.captured_queries) if response.status_code == 200 else -response.status_code
        )
    return counts


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


def ours_part_list(person: object) -> float:
    from accord.parts.access import parts_visible_to
    from accord.parts.queries import PartFilters, filter_parts

    def run() -> int:
        qs = filter_parts(parts_visible_to(person), PartFilters(q="bench"))
        total = qs.count()
        list(qs[:50])
        return total

    return min(timed(run)[0] for _ in range(5))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    vendor = prepare_database("api")
    gen_s, data = timed(lambda: generate(args.scale))
    print(f"generated {data['parts']} parts and a 2,000-line BOM in {gen_s:.1f} s ({vendor})")
    counts = query_counts(data["buyer"], str(data["token"]), int(data["bom_id"]))
    print("SQL queries per request:", counts)
    naive = naive_part_list(data["buyer"])
    ours = ours_part_list(data["buyer"])
    print(
        f"part list search, in-process: ours {ours * 1000:.1f} ms, naive {naive * 1000:.1f} ms "
        f"({naive / ours:.1f}x)"
    )
    cookie = {"Cookie": session_cookie(data["buyer"])}
    bearer = {"Authorization": f"Bearer {data['token']}"}
    port = free_port()
    server = start_server(port, args.workers)
    try:
        results = {
            "parts": summarise_ms(measure(port, "/parts/", cookie, args.requests)),
            "parts_search": summarise_ms(
                measure(port, "/parts/?q=bench+part+12", cookie, args.requests)
            ),
            "api": summarise_ms(measure(port, "/api/v1/parts?page_size=50", bearer, args.requests)),
            "bom": summarise_ms(measure(port, f"/boms/{data['bom_id']}/", cookie, args.requests)),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    for name, figures in results.items():
        print(f"{name:14s} median {figures['median_ms']:8.2f} ms   p95 {figures['p95_ms']:8.2f} ms")
    print(
        f"RESULT bench=api db={vendor} parts_p95_ms={results['parts']['p95_ms']} "
        f"api_p95_ms={results['api']['p95_ms']} bom_p95_ms={results['bom']['p95_ms']} "
        f"search_p95_ms={results['parts_search']['p95_ms']} naive_list_ms={naive * 1000:.1f} "
        f"ours_list_ms={ours * 1000:.1f}"
    )


if __name__ == "__main__":
    main()
