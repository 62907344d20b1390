"""A stock import racing receipts and issues on the same balance (PostgreSQL, real threads):
the count is applied under the row's lock, so the ledger still adds up to the balance, no
unit is lost or doubled, and no balance goes below zero."""

from __future__ import annotations

import contextlib
import random
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from accord.core.models import Event
from accord.orgs.models import Person
from accord.parts.models import Part
from accord.supply.models import Site, StockItem, StockMove
from accord.supply.services import issue_stock, receive_stock
from accord.supply.services.imports import import_supply
from accord.supply.services.stock import InsufficientStock, stock_item
from accord.supply.tests.conftest import program_part
from accord.supply.tests.import_files import csv_bytes
from accord.supply.tests.test_stock_concurrency import in_own_connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers are tested on PostgreSQL"
)

WORKERS = 6
ROUNDS = 15


def test_imports_racing_receipts_and_issues_keep_the_ledger_whole(
    people: Any, programs: Any
) -> None:
    planner_id = people.ems_planner.pk
    part_id = program_part(programs["EBX2"]).pk

    def set_up() -> tuple[int, int]:
        planner = Person.objects.select_related("organisation").get(pk=planner_id)
        assert planner.organisation is not None
        site = Site.objects.create(organisation=planner.organisation, code="RACE-I", name="Race")
        item = stock_item(site, Part.objects.get(pk=part_id), planner.organisation)
        return site.pk, item.pk

    site_id, item_id = in_own_connection(set_up)
    number = Part.objects.get(pk=part_id).number
    barrier = threading.Barrier(WORKERS)
    failures: list[BaseException] = []

    def worker(index: int) -> None:
        rng = random.Random(index)
        try:
            planner = Person.objects.select_related("organisation").get(pk=planner_id)
            site = Site.objects.select_related("organisation").get(pk=site_id)
            part = Part.objects.get(pk=part_id)
            barrier.wait()
            for _ in range(ROUNDS):
                choice = rng.random()
                if index % 2 == 0 and choice < 0.6:
                    data = csv_bytes(
                        [
                            ["Part Number", "Warehouse", "Qty"],
                            [number, "RACE-I", rng.randint(0, 50)],
                        ]
                    )
                    done = import_supply(
                        actor=planner, kind="stock", data=data, filename="race.csv", commit=True
                    )
                    assert done.committed, done.problems
                elif choice < 0.8:
                    receive_stock(
                        actor=planner, site=site, part=part, quantity_received=rng.randint(1, 9)
                    )
                else:
                    item = StockItem.objects.select_related("site", "part", "owner").get(pk=item_id)
                    with contextlib.suppress(InsufficientStock):
                        issue_stock(actor=planner, item=item, quantity_issued=rng.randint(1, 9))
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    def read_back() -> dict[str, Any]:
        moves = StockMove.objects.filter(item_id=item_id)
        return {
            "on_hand": StockItem.objects.get(pk=item_id).on_hand,
            "ledger": sum((m.quantity for m in moves), Decimal(0)),
            "negative": moves.filter(balance_after__lt=0).count(),
            "imports": moves.filter(reference="Import race.csv").count(),
        }

    def clean_up() -> None:
        moves = StockMove.objects.filter(item__site_id=site_id)
        Event.objects.filter(
            object_type="supply.stockmove",
            object_id__in=[*(str(pk) for pk in moves.values_list("pk", flat=True)), "*"],
            actor_id=planner_id,
        ).delete()
        moves.delete()
        StockItem.objects.filter(site_id=site_id).delete()
        Site.objects.filter(pk=site_id).delete()

    try:
        assert not failures, failures
        seen = in_own_connection(read_back)
        assert seen["on_hand"] == seen["ledger"]
        assert seen["on_hand"] >= 0 and seen["negative"] == 0
        assert seen["imports"] > 0
    finally:
        in_own_connection(clean_up)
