"""Imports survive the death of their worker: `kill -9` while the import is writing leaves
nothing half-written, and the next worker imports the file or says why it could not.

Real worker processes on a database shared with the test (SQLite file or PostgreSQL database:
accord/core/tests/shared_db.py). The worker is stopped deterministically inside its write
transaction by the pause point of accord/core/faults.py, then killed with SIGKILL.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

from accord.core.tests.shared_db import SharedDatabase, stop_gracefully, wait_for

BOM_LINES = 400
PARTS = 300

STAGE_BOM = f"""
from accord.orgs.models import Person, Program
from accord.parts.bom_import.request import BomImportRequest
from accord.parts.services import queue_bom_import, stage_bom_import
rows = ["Designator,Qty,Value,Footprint,Manufacturer,MPN"]
rows += [f"U{{i}},1,,QFN-32,Nexperia,CRASH{{i:05d}}" for i in range({BOM_LINES})]
buyer = Person.objects.get(username="oem_buyer")
staged = stage_bom_import(actor=buyer, request=BomImportRequest(
    program=Program.objects.get(code="EBX2"), assembly_number="CRASH-ASSY",
    revision="A", data="\\n".join(rows).encode(), filename="crash.csv"))
queue_bom_import(actor=buyer, staged=staged, lines={BOM_LINES})
print(json.dumps(staged.pk))
"""

STAGE_PARTS = f"""
from accord.orgs.models import Person
from accord.parts.services.catalogue_staging import queue_catalogue_import, stage_catalogue_import
rows = ["Manufacturer,MPN,Description,Category,Lifecycle,Capacitance"]
rows += [f"Crashco,CRASHCAP{{i:05d}},Capacitor {{i}},Capacitors,Active,{{i}}nF"
         for i in range({PARTS})]
buyer = Person.objects.get(username="oem_buyer")
staged = stage_catalogue_import(actor=buyer, data="\\n".join(rows).encode(), filename="caps.csv")
queue_catalogue_import(actor=buyer, staged=staged)
print(json.dumps(staged.pk))
"""


def counts(db: SharedDatabase) -> dict[str, int]:
    return {
        table: db.value(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (names from this list)
        for table in (
            "parts_manufacturer",
            "parts_manufacturerpart",
            "parts_part",
            "parts_partparameter",
            "parts_approvedsource",
            "parts_bom",
            "parts_bomline",
            "parts_category",
        )
    }


def staged_row(db: SharedDatabase, table: str, pk: int) -> tuple[Any, ...]:
    return db.query(
        f"SELECT status, attempts, error FROM {table} WHERE id = %s",  # noqa: S608
        [pk],
    )[0]


def pause_env(db: SharedDatabase, point: str) -> dict[str, str]:
    return {
        "ACCORD_TEST_PAUSE_AT": point,
        "ACCORD_TEST_PAUSE_FILE": str(db.folder / "paused"),
    }


def kill_inside_the_write(db: SharedDatabase, point: str) -> None:
    """Start a worker that stops inside its write transaction, and kill it there."""
    marker = Path(pause_env(db, point)["ACCORD_TEST_PAUSE_FILE"])
    marker.unlink(missing_ok=True)
    worker = db.start_worker(**pause_env(db, point))
    wait_for(f"the worker to pause at {point}", marker.exists, timeout=60)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    marker.unlink(missing_ok=True)


def test_kill_9_during_a_bom_import_writes_nothing_and_the_next_worker_imports_it(
    shared_database,
):
    db = shared_database
    staged = db.django(STAGE_BOM)
    before = counts(db)
    kill_inside_the_write(db, "bom-import-write")
    # The killed transaction had written the new parts when it stopped: none of it is there.
    assert counts(db) == before
    assert staged_row(db, "parts_bomimport", staged)[:2] == ("running", 1)
    worker = db.start_worker()
    wait_for(
        "the import to be committed",
        lambda: staged_row(db, "parts_bomimport", staged)[0] == "committed",
        timeout=60,
    )
    stop_gracefully(worker)
    after = counts(db)
    assert after["parts_bom"] == before["parts_bom"] + 1
    assert after["parts_bomline"] == before["parts_bomline"] + BOM_LINES
    assert after["parts_part"] == before["parts_part"] + BOM_LINES + 1  # and the assembly
    assert after["parts_approvedsource"] == before["parts_approvedsource"] + BOM_LINES
    assert staged_row(db, "parts_bomimport", staged)[1] == 2  # the second run did it


def test_an_import_whose_worker_dies_twice_fails_with_the_reason(shared_database):
    db = shared_database
    staged = db.django(STAGE_BOM)
    before = counts(db)
    kill_inside_the_write(db, "bom-import-write")
    kill_inside_the_write(db, "bom-import-write")  # the recovered run dies too
    assert staged_row(db, "parts_bomimport", staged)[:2] == ("running", 2)
    worker = db.start_worker()
    wait_for(
        "the import to fail",
        lambda: staged_row(db, "parts_bomimport", staged)[0] == "failed",
        timeout=60,
    )
    stop_gracefully(worker)
    assert counts(db) == before
    error = str(staged_row(db, "parts_bomimport", staged)[2])
    assert "worker_lost" in error
    assert "The background worker stopped while importing crash.csv, twice" in error
    assert "nothing was written" in error
    # The page says so to the uploader.
    page = db.django(
        f"""
        from django.test import Client
        from accord.orgs.models import Person
        client = Client()
        client.force_login(Person.objects.get(username="oem_buyer"))
        print(json.dumps(client.get("/boms/import/{staged}/").content.decode()))
        """
    )
    assert "The import failed and nothing was written: The background worker stopped" in page


def test_kill_9_during_a_parts_list_import_writes_nothing_and_the_next_worker_imports_it(
    shared_database,
):
    db = shared_database
    staged = db.django(STAGE_PARTS)
    before = counts(db)
    kill_inside_the_write(db, "catalogue-import-write")
    assert counts(db) == before  # manufacturer parts were written when it stopped: all gone
    assert staged_row(db, "parts_catalogueimport", staged)[:2] == ("running", 1)
    worker = db.start_worker()
    wait_for(
        "the parts list to be imported",
        lambda: staged_row(db, "parts_catalogueimport", staged)[0] == "committed",
        timeout=60,
    )
    stop_gracefully(worker)
    after = counts(db)
    assert after["parts_manufacturer"] == before["parts_manufacturer"] + 1
    assert after["parts_manufacturerpart"] == before["parts_manufacturerpart"] + PARTS
    assert after["parts_part"] == before["parts_part"] + PARTS
    assert after["parts_approvedsource"] == before["parts_approvedsource"] + PARTS
    assert after["parts_partparameter"] == before["parts_partparameter"] + PARTS
