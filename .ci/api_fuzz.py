"""schemathesis over the whole HTTP API as two people of two organisations, on the real server.

    .venv/bin/python .ci/api_fuzz.py [--max-examples N] [--seed S] [--keep]

(FUZZ_SEED=... sets the seed too; the run prints it, so a failure can be replayed.)

What it does (a step of .ci/run, about 3 minutes on 2 cores):

1. loads the demo workspace into a new SQLite file (`accord demo --no-serve`, as the browser
   tests do: accord/web/tests/live_server.py) and copies it for a throwaway database;
2. creates a personal API token with `accord createtoken` for oem_buyer (Halcyon Devices, an
   OEM) and ems_planner (Meridian, an EMS) in each database;
3. starts gunicorn on each database as `accord serve` does (argv from accord.cli.gunicorn_argv,
   so a change of worker class is followed here);
4. runs schemathesis from the served /api/v1/openapi.json, for both people side by side: GET
   operations against the demo database (read-only), then every method against the throwaway
   one; half the ids it sends are real rows of the demo (schemathesis dictionaries), so the
   requests reach the services rather than stopping at a 404;
5. fails on any failed check (server errors, responses that do not conform to the document:
   status code, content type, headers, schema; negative data accepted...) and on any traceback
   in the servers' logs.

Exclusions are below, each with its reason; none hides a server error or a schema violation.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from accord.web.tests.live_server import (  # noqa: E402 (after the path is set)
    LiveServer,
    load_demo_database,
    server_environment,
    start_gunicorn,
)

PERSONAS = ("oem_buyer", "ems_planner")  # two organisations: an OEM and its EMS
SEED = 20261203  # fixed: CI finds the same cases on every run; --seed explores others
MAX_EXAMPLES = 20  # per operation and phase: the step takes about 2-3 minutes on 2 cores

# Checks and exclusions, each with its reason.
CHECKS = "all"
EXCLUDED_CHECKS = {
    # The stateful checks follow links between operations (create, then fetch); the document
    # declares no OpenAPI links, so they have nothing to follow.
    "use_after_free": "no OpenAPI links between operations (stateful phase not run)",
    "ensure_resource_availability": "no OpenAPI links between operations (stateful phase)",
    # Expects 2xx for every schema-valid request. Valid-looking ids of rows that do not exist
    # or that the caller may not see answer 404 by design (need-to-know), and a valid body can
    # still be refused by a rule the schema cannot express (a part number already taken: 409).
    "positive_data_acceptance": "need-to-know 404 and business-rule 409/422 on valid shapes",
}
EXCLUDED_OPERATIONS = {
    # Session-only by design: a token cannot mint tokens (accord/core/api.py create_token), so
    # with a token every request is 401 and schemathesis learns nothing; the session path is
    # covered by accord/api/tests.
    "create_token": "session-only by design; a token answers 401 (tested in the suite)",
    # Revoking the fuzzer's own token mid-run would turn every later request into a 401.
    "revoke_token": "would revoke the token the run authenticates with",
}


# Random ids almost never exist, so most requests would stop at a 404. Half of the values of
# these parameters (path, query and body alike) are drawn from the rows of the demo database
# instead (schemathesis dictionaries), so the requests reach the services behind the 404.
BINDINGS = {
    "path.part_id": "parts",
    "path.bom_id": "boms",
    "path.program_id": "programs",
    "path.org_id": "organisations",
    "path.nda_id": "ndas",
    "path.person_id": "people",
    "path.source_id": "sources",
    "query.program": "programs",
    "query.party": "organisations",
    "body.program_id": "programs",
    "body.assembly_id": "parts",
    "body.lines[*].part_id": "parts",
    "body.person_id": "people",
    "body.username": "usernames",
    "body.supplier_id": "organisations",
    "body.program": "program_codes",
    # The supply operations' rows.
    "path.site_id": "sites",
    "path.item_id": "stock_items",
    "path.order_id": "purchase_orders",
    "path.line_id": "order_lines",
    "path.build_id": "builds",
    "path.offer_id": "offers",
    "query.site": "sites",
    "query.part": "parts",
    "query.owner": "organisations",
    "query.supplier": "organisations",
    "body.site_id": "sites",
    "body.to_site_id": "sites",
    "body.ship_to_id": "sites",
    "body.part_id": "parts",
    "body.owner_id": "organisations",
    "body.buyer_id": "organisations",
    "body.build_id": "builds",
    "body.manufacturer_part_id": "manufacturer_parts",
}
DICTIONARIES = {
    "parts": "SELECT id FROM parts_part ORDER BY id",
    "boms": "SELECT id FROM parts_bom ORDER BY id",
    "programs": "SELECT id FROM orgs_program ORDER BY id",
    "program_codes": "SELECT code FROM orgs_program ORDER BY id",
    "organisations": "SELECT id FROM orgs_organisation ORDER BY id",
    "ndas": "SELECT id FROM orgs_nda ORDER BY id",
    "people": "SELECT id FROM orgs_person ORDER BY id",
    "usernames": "SELECT username FROM orgs_person ORDER BY id",
    "sources": "SELECT id FROM parts_approvedsource ORDER BY id",
    "manufacturer_parts": "SELECT id FROM parts_manufacturerpart ORDER BY id",
    "sites": "SELECT id FROM supply_site ORDER BY id",
    "stock_items": "SELECT id FROM supply_stockitem ORDER BY id",
    "purchase_orders": "SELECT id FROM supply_purchaseorder ORDER BY id",
    "order_lines": "SELECT id FROM supply_purchaseorderline ORDER BY id",
    "builds": "SELECT id FROM supply_build ORDER BY id",
    "offers": "SELECT id FROM supply_supplieroffer ORDER BY id",
}
BINDING_PROBABILITY = 0.5


def write_config(database: Path, path: Path) -> Path:
    """schemathesis.toml with the demo's ids as dictionaries bound to the parameters above."""
    lines = []
    with contextlib.closing(sqlite3.connect(database)) as conn:
        for name, query in DICTIONARIES.items():
            values = [row[0] for row in conn.execute(query)][:200]
            rendered = ", ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in values)
            lines += [f"[dictionaries.{name}]", f"values = [{rendered}]", ""]
    lines.append("[parameters]")
    for key, name in BINDINGS.items():
        lines.append(f'"{key}" = {{ dictionary = "{name}", probability = {BINDING_PROBABILITY} }}')
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass
class Run:
    label: str
    server: LiveServer
    persona: str
    token: str
    methods: tuple[str, ...] | None  # None: every method
    config: Path


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database in WAL mode (the backup API, not a file copy)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.closing(sqlite3.connect(source)) as src,
        contextlib.closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


def create_token(env: dict[str, str], data_dir: Path, persona: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own command, no shell)
        [sys.executable, "-m", "accord.cli", "createtoken", persona, "--name", "schemathesis"],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"accord createtoken {persona} failed:\n{result.stderr}")
    token = result.stdout.strip()
    if not token.startswith("acc_"):
        raise SystemExit(f"accord createtoken {persona} printed no token: {result.stdout!r}")
    return token


def schemathesis_argv(run: Run, args: argparse.Namespace, reports: Path) -> list[str]:
    argv = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(run.config),
        "run",
        f"{run.server.url}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {run.token}",
        "--checks",
        CHECKS,
        "--exclude-checks",
        ",".join(EXCLUDED_CHECKS),
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--generation-database",
        "none",
        # One thread per process: hypothesis describes strategies with ast.parse, which is not
        # thread-safe on Python 3.11 ("AST constructor recursion depth mismatch"). The two
        # people run in two processes side by side instead.
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(reports / f"{run.label.replace(' ', '-')}-{run.persona}.xml"),
    ]
    for operation_id in EXCLUDED_OPERATIONS:
        argv += ["--exclude-operation-id", operation_id]
    for method in run.methods or ():
        argv += ["--include-method", method]
    return argv


def run_side_by_side(runs: list[Run], args: argparse.Namespace, reports: Path) -> list[str]:
    """Run schemathesis for each person at once (one process each), then print their outputs."""
    started = time.monotonic()
    processes = []
    for run in runs:
        log = reports / f"{run.label}-{run.persona}.log"
        with log.open("wb") as out:
            argv = schemathesis_argv(run, args, reports)
            # In the work folder: schemathesis keeps a cache of its own in the current one.
            process = subprocess.Popen(argv, stdout=out, stderr=out, cwd=reports.parent)  # noqa: S603
            processes.append((run, log, process))
    failed = []
    for run, log, process in processes:
        code = process.wait()
        print(f"\n== schemathesis: {run.label}, as {run.persona}: exit {code}", flush=True)
        print(log.read_text(errors="replace"), flush=True)
        if code != 0:
            failed.append(f"{run.label} as {run.persona}")
    print(f"== {runs[0].label}: {time.monotonic() - started:.0f} s", flush=True)
    return failed


SERVER_ERROR = re.compile(r"Traceback|Unhandled error|Internal Server Error| 500 ")


def server_errors(server: LiveServer) -> list[str]:
    try:
        lines = server.log.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [line for line in lines if SERVER_ERROR.search(line)]


@contextlib.contextmanager
def servers(workdir: Path) -> Iterator[tuple[LiveServer, LiveServer, dict[str, dict[str, str]]]]:
    demo_dir, scratch_dir = workdir / "demo", workdir / "throwaway"
    demo_dir.mkdir(parents=True)
    demo_env = server_environment(demo_dir)
    started = time.monotonic()
    load_demo_database(demo_dir, demo_env)
    sqlite_copy(demo_dir / "accord.sqlite3", scratch_dir / "accord.sqlite3")
    scratch_env = server_environment(scratch_dir)
    tokens = {
        "demo": {p: create_token(demo_env, demo_dir, p) for p in PERSONAS},
        "throwaway": {p: create_token(scratch_env, scratch_dir, p) for p in PERSONAS},
    }
    print(f"demo database and tokens ready in {time.monotonic() - started:.0f} s", flush=True)
    demo = start_gunicorn(demo_dir, demo_env, workers=2)
    try:
        scratch = start_gunicorn(scratch_dir, scratch_env, workers=2)
        try:
            yield demo, scratch, tokens
        finally:
            scratch.stop()
    finally:
        demo.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=MAX_EXAMPLES)
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", SEED)))
    parser.add_argument("--keep", action="store_true", help="keep the databases and logs")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="accord-fuzz-"))
    reports = workdir / "reports"
    reports.mkdir()
    print("Excluded checks:")
    for name, reason in EXCLUDED_CHECKS.items():
        print(f"  {name}: {reason}")
    print("Excluded operations:")
    for name, reason in EXCLUDED_OPERATIONS.items():
        print(f"  {name}: {reason}")
    failed: list[str] = []
    try:
        with servers(workdir) as (demo, scratch, tokens):
            config = write_config(demo.database, workdir / "schemathesis.toml")
            runs = [
                Run("read-only", demo, p, tokens["demo"][p], ("GET",), config) for p in PERSONAS
            ] + [
                Run("all-methods", scratch, p, tokens["throwaway"][p], None, config)
                for p in PERSONAS
            ]
            for label in ("read-only", "all-methods"):
                failed += run_side_by_side([r for r in runs if r.label == label], args, reports)
            for server in (demo, scratch):
                errors = server_errors(server)
                if errors:
                    failed.append(f"{len(errors)} server error line(s) in {server.log}")
                    print("\n".join(errors[:20]))
                    print(server.log_tail(80))
    finally:
        if args.keep or failed:
            print(f"databases, server logs and JUnit reports kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        print("schemathesis FAILED: " + "; ".join(failed))
        return 1
    print("schemathesis: no server error, every response conforms to the OpenAPI document")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
