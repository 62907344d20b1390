"""The `accord` console command.

    accord demo  [--port 8000] [--host 127.0.0.1] [--workers N] [--reset] [--no-serve]
    accord serve [--port 8000] [--host 127.0.0.1] [--workers N]
    accord import-bom FILE --program CODE --assembly NUMBER --revision REV --as USERNAME
    accord import-catalogue FILE --as USERNAME [--dry-run]
    accord import-supply KIND FILE --as USERNAME [--commit]
    accord <any Django management command>     e.g. accord migrate, accord createorg ...

`demo` migrates the database (SQLite under ./var unless DATABASE_URL says otherwise), loads the
demo workspace when the database has no organisation yet, prints the demo logins and serves
with DEBUG off (unless ACCORD_DEBUG says otherwise).
`serve` is the production server: gunicorn with the app preloaded and asyncio workers (see
accord/gunicorn_conf.py and accord/server);
with ACCORD_ENV=production it first collects the static files that whitenoise serves.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

USAGE = """\
usage: accord <command> [options]

  demo   [--port 8000] [--host 127.0.0.1] [--workers N] [--reset] [--no-serve]
         migrate, load the demo workspace if the database is empty, print the demo logins
         and serve it
  serve  [--port 8000] [--host 127.0.0.1] [--workers N]
         serve with gunicorn (collects static files first when ACCORD_ENV=production)
  import-bom FILE --program CODE --assembly NUMBER --revision REV --as USERNAME
         [--sheet S] [--dry-run] [--approve-alternates] [--json]
         preview a BOM file (problems with row and column, summary, diff), then import it
  import-catalogue FILE --as USERNAME [--dry-run] [--json]
         load a parts list into the catalogue (the same file twice changes nothing)
  import-supply stock|orders|offers|builds|allocations FILE --as USERNAME [--commit] [--json]
         preview supply data from an ERP or distributor export (every problem with row and
         column); --commit imports the whole file, or nothing
  shortages PROGRAM --as USERNAME [--format table|csv|json] [--horizon 26] [--all]
         plan the program now as that person sees it; list the parts that run short
  agreement list|show|check|diff|set-terms|sign --as USERNAME ...
         statements of work as that person sees them, e.g. `accord agreement diff ID
         --from 2 --to 3 --as maya`
  rfq list|compare|close|withdraw-quote --as USERNAME ...
         requests for quotes; `accord rfq compare RFQ --as maya --format table|csv|json`
         prices every quote you may see at every volume, at landed cost
  invoice-check FILE --agreement ID --po PO --as USERNAME [--format table|csv|json] [--save]
         check an invoice file line by line against the agreement in force at the PO's date
         and its receipts (nothing written without --save; --due YYYY-MM-DD, else the date
         plus the agreement's payment terms)
  invoice-paid INVOICE_ID --on YYYY-MM-DD --as USERNAME [--format table|json]
         the buyer records (or corrects) the day it paid an invoice
  invoice list|withdraw|fee-requests|cancel-fee-request --as USERNAME ...
         invoices entered: `accord invoice withdraw ID --reason TEXT --as priya` withdraws
         one entered by mistake (the party that entered it, before its payment)
  people | organisations | programs | ndas | boms | parts  ACTION --as USERNAME ...
         run the workspace from the command line, as that person (e.g. `accord people
         invite --as maya --email new@example.com` prints the sign-up link)
  worker [--no-supervise]
         the background task worker, restarted whenever it stops (`serve` runs one itself
         unless ACCORD_TASK_WORKER=0)
  help   list every management command (migrate, createorg, createtoken, ...)
  <command> [options]
         run that Django management command, e.g. `accord createorg --help`
"""


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    if not args or args[0] in {"-h", "--help"}:
        print(USAGE, end="")
        return 0
    command, rest = args[0], args[1:]
    if command == "demo":
        return demo(rest)
    if command == "serve":
        return serve(rest)
    from django.core.management import execute_from_command_line

    # Django's command names use underscores; the console takes them with hyphens too.
    if not command.startswith("-"):
        command = command.replace("-", "_")
    _setup_django_without_collections()
    execute_from_command_line(["accord", command, *rest])
    return 0


def _setup_django_without_collections() -> None:
    """django.setup() as execute_from_command_line would run it, but without the cycle
    collector, then its objects frozen (as gunicorn_conf.py does before forking workers).
    Loading Django and the apps creates some 60,000 objects and set off 150 collections that
    freed 2,400 objects, and each collection the command set off later walked them all again:
    0.1-0.2 s of the CPU time of a 100-line `import-bom --dry-run` of 0.6-0.8 s. Nothing is done
    when Django is set up already (a test calling main()) or when its settings cannot load
    (execute_from_command_line reports that)."""
    from django.apps import apps
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    if apps.ready:
        return
    try:
        settings.INSTALLED_APPS  # noqa: B018 (loads the settings, as Django's own start does)
    except (ImportError, ImproperlyConfigured):
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _setup_django()
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _server_parser(prog: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: accord/gunicorn_conf.py)",
    )
    return parser


def demo(argv: Sequence[str]) -> int:
    parser = _server_parser("accord demo", "Run the demo workspace.")
    parser.add_argument("--reset", action="store_true", help="delete every row and load it anew")
    parser.add_argument("--no-serve", action="store_true", help="prepare the database, then exit")
    options = parser.parse_args(argv)
    if os.environ.get("ACCORD_ENV") == "production":
        print(
            "accord demo loads people with a published password; it refuses to run with "
            "ACCORD_ENV=production.",
            file=sys.stderr,
        )
        return 2
    # The demo is seen by people trying Accord, often on a shared screen: the site's own error
    # pages, never Django's debug pages (which list every URL pattern on a 404). Static files
    # are still served from the apps (whitenoise's finders, see settings.py).
    os.environ.setdefault("ACCORD_DEBUG", "false")

    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from accord.demo import DEMO_PASSWORD
    from accord.demo.loader import format_logins, load_demo
    from accord.orgs.models import Organisation

    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise looks there
    if options.reset:
        _reset_sqlite_file()
    print("Applying migrations...", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    if options.reset and Organisation.objects.exists():
        call_command("flush", interactive=False, verbosity=0)
    if Organisation.objects.exists():
        print("The database already has organisations: kept as they are (--reset starts over).")
    else:
        print("Loading the demo workspace...", flush=True)
        load_demo()
    print()
    print(f"Demo logins (password for everyone: {DEMO_PASSWORD}):")
    print(format_logins())
    if options.no_serve:
        return 0
    print(
        f"\nServing http://{_url_host(options.host)}:{options.port}/  (Ctrl-C stops)\n", flush=True
    )
    _exec_gunicorn(options.host, options.port, options.workers)
    return 0  # not reached: the process became gunicorn


def serve(argv: Sequence[str]) -> int:
    parser = _server_parser("accord serve", "Serve Accord with gunicorn.")
    options = parser.parse_args(argv)
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if settings.PRODUCTION:
        call_command("collectstatic", interactive=False, verbosity=0)
    _warn_unapplied_migrations()
    _exec_gunicorn(options.host, options.port, options.workers)
    return 0  # not reached


def gunicorn_argv(host: str, port: int, workers: int | None) -> list[str]:
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:accord.gunicorn_conf",
        "--bind",
        f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
    ]
    if workers is not None:
        argv += ["--workers", str(workers)]
    return [*argv, "accord.asgi:application"]


def _exec_gunicorn(host: str, port: int, workers: int | None) -> None:
    from django.db import connections

    connections.close_all()
    argv = gunicorn_argv(host, port, workers)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], argv)  # noqa: S606 (argv built above, no shell involved)


def _setup_django() -> None:
    import django

    django.setup()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _reset_sqlite_file() -> None:
    """Start from an empty SQLite file (other databases are flushed after migrating)."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict["NAME"])
    connection.close()
    if name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(name + suffix).unlink(missing_ok=True)


def _warn_unapplied_migrations() -> None:
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # a database that cannot be reached is reported by gunicorn's workers
        print(f"warning: could not check migrations: {exc}", file=sys.stderr)
        return
    if plan:
        print(
            f"warning: {len(plan)} migration(s) not applied; run `accord migrate`.",
            file=sys.stderr,
        )


if __name__ == "__main__":
    raise SystemExit(main())
