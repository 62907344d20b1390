"""What `accord import-bom` loads before it reads a file.

Start-up is most of a small dry run's time (benchmarks/cli_startup.py). It used to load the whole
API (Django's system checks import the URL configuration: django-ninja, pydantic and every
schema) and Polars (parts.access -> queries -> value_keys): about half of it, for nothing a dry
run of a CSV file uses. These tests run the console command in a fresh interpreter and check
what it imported, not how long it took (time on a shared machine is not stable).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

# Loaded by the server and by the commands that need them, never by an import-bom dry run.
HEAVY = (
    "accord.api.api",
    "accord.urls",
    "ninja",
    "numpy",
    "openpyxl",
    "polars",
    "pydantic",
    "python_calamine",
)

# In a new interpreter: the console entry point with an import-bom dry run, against a database
# without tables, so that the command stops at its first query (the person it acts as), after
# Django's set-up, the command's imports and the checks it runs. Then the parts of a dry run
# that need no database: reading and parsing a CSV file, the preview's text. It prints how far
# it got and which heavy modules were imported.
SCRIPT = """
import json, sys
from accord import cli
outcome = "returned"
try:
    cli.main(sys.argv[1:])
except SystemExit as stop:
    outcome = f"exit {stop.code}"
except Exception as error:
    outcome = type(error).__name__ + ": " + str(error)
from accord.parts.bom_import.parse import parse_bom_file
from accord.parts.bom_import.matching import plan_import
from accord.parts.management.commands.import_bom import preview_lines
parsed = parse_bom_file(b"Designator,Qty,Value,Footprint\\nR1 R2,2,10k,R_0603\\n", "bom.csv")
heavy = sorted(name for name in json.loads(sys.stdin.read()) if name in sys.modules)
print(json.dumps({"outcome": outcome, "lines": len(parsed.lines), "heavy": heavy}))
"""


def run_dry_run(tmp_path: Path, script: str = SCRIPT) -> dict[str, object]:
    bom = tmp_path / "bom.csv"
    bom.write_text("Designator,Qty,Value\nR1,1,10k\n", encoding="utf-8")
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("ACCORD_", "DJANGO"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="accord.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        ACCORD_DATA_DIR=str(tmp_path),
    )
    argv = [sys.executable, "-c", script, "import-bom", str(bom), "--program", "EBX2"]
    argv += ["--assembly", "A-1", "--revision", "A", "--as", "oem_buyer", "--dry-run"]
    done = subprocess.run(  # noqa: S603 (this interpreter, arguments of the test)
        argv,
        input=json.dumps(HEAVY),
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_an_import_bom_dry_run_loads_neither_the_api_nor_polars(tmp_path: Path) -> None:
    result = run_dry_run(tmp_path)
    # The command got past Django's set-up and its checks: it stopped at its first query.
    assert "no such table" in str(result["outcome"]), result
    assert result["lines"] == 1
    assert result["heavy"] == []


def test_the_check_sees_the_modules_it_looks_for(tmp_path: Path) -> None:
    """The test above would pass vacuously if the script could not see an imported module."""
    script = SCRIPT.replace("from accord import cli", "from accord import cli\nimport polars")
    result = run_dry_run(tmp_path, script)
    assert "no such table" in str(result["outcome"]), result
    assert result["heavy"] == ["polars"]
