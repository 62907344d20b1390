"""Concurrent writers on one balance (PostgreSQL, real threads and connections): receipts,
issues and transfers racing on the same stock lose no unit, count none twice, and never leave
a balance below zero."""

from __future__ import annotations

import random
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from accord.core.models import Event
from accord.core.tests.threads import in_own_connection
from accord.orgs.models import Person
from accord.parts.models import Part
from accord.supply.models import Site, StockItem, StockMove
from accord.supply.services import issue_stock, receive_stock, transfer_stock
from accord.supply.services.stock import InsufficientStock, stock_item

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers are tested on PostgreSQL"
)

WORKERS = 6
ROUNDS = 25


def test_racing_receipts_issues_and_transfers_keep_every_unit(people: Any) -> None:
    planner_id = people.ems_planner.pk
    part_id = Part.objects.filter(owner__slug__startswith="halcyon").order_by("pk").first().pk

    def set_up() -> tuple[int, int, int]:
        planner = Person.objects.select_related("organisation").get(pk=planner_id)
        meridian = planner.organisation
        assert meridian is not None
        plant = Site.objects.create(organisation=meridian, code="RACE-A", name="A")
        other = Site.objects.create(organisation=meridian, code="RACE-B", name="B")
        item = stock_item(plant, Part.objects.get(pk=part_id), meridian)
        return plant.pk, other.pk, item.pk

    plant_id, other_id, item_id = in_own_connection(set_up)
    barrier = threading.Barrier(WORKERS)
    done: list[dict[str, Decimal]] = [{} for _ in range(WORKERS)]
    failures: list[BaseException] = []

    def worker(index: int) -> None:
        rng = random.Random(index)
        tally = {"in": Decimal(0), "out": Decimal(0), "moved": Decimal(0), "refused": Decimal(0)}
        try:
            planner = Person.objects.select_related("organisation").get(pk=planner_id)
            plant, other = Site.objects.get(pk=plant_id), Site.objects.get(pk=other_id)
            part = Part.objects.get(pk=part_id)
            barrier.wait()
            for _ in range(ROUNDS):
                amount = Decimal(rng.randint(1, 9))
                item = StockItem.objects.select_related("site", "part", "owner").get(pk=item_id)
                choice = rng.random()
                try:
                    if choice < 0.4:
                        receive_stock(
                            actor=planner, site=plant, part=part, quantity_received=amount
                        )
                        tally["in"] += amount
                    elif choice < 0.8:
                        issue_stock(actor=planner, item=item, quantity_issued=amount)
                        tally["out"] += amount
                    else:
                        transfer_stock(
                            actor=planner, item=item, to_site=other, quantity_moved=amount
                        )
                        tally["moved"] += amount
                except InsufficientStock:
                    tally["refused"] += 1
            done[index] = tally
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    def read_back() -> dict[str, Any]:
        items = StockItem.objects.filter(site_id__in=[plant_id, other_id])
        return {
            "plant": StockItem.objects.get(pk=item_id).on_hand,
            "other": sum((i.on_hand for i in items.exclude(pk=item_id)), Decimal(0)),
            "ledger_plant": sum(
                (m.quantity for m in StockMove.objects.filter(item_id=item_id)), Decimal(0)
            ),
            "negative_entries": StockMove.objects.filter(
                item__site_id__in=[plant_id, other_id], balance_after__lt=0
            ).count(),
            "moves": StockMove.objects.filter(item__site_id__in=[plant_id, other_id]).count(),
        }

    def clean_up() -> None:
        moves = StockMove.objects.filter(item__site_id__in=[plant_id, other_id])
        Event.objects.filter(
            object_type="supply.stockmove",
            object_id__in=[str(pk) for pk in moves.values_list("pk", flat=True)],
        ).delete()
        moves.delete()
        StockItem.objects.filter(site_id__in=[plant_id, other_id]).delete()
        Site.objects.filter(pk__in=[plant_id, other_id]).delete()

    try:
        assert not failures, failures
        seen = in_own_connection(read_back)
        received = sum((t["in"] for t in done), Decimal(0))
        issued = sum((t["out"] for t in done), Decimal(0))
        moved = sum((t["moved"] for t in done), Decimal(0))
        # Every unit received is on hand at one of the two sites, or went out to a build.
        assert seen["plant"] == received - issued - moved
        assert seen["other"] == moved
        assert seen["ledger_plant"] == seen["plant"]
        assert seen["negative_entries"] == 0
        assert sum(t["refused"] for t in done) > 0  # the race did reach an empty balance
        assert seen["moves"] >= WORKERS * ROUNDS - sum(t["refused"] for t in done)
    finally:
        in_own_connection(clean_up)
