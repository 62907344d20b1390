"""Supply imports: the file checked as a whole (imports/preview.py), then written in one
transaction, or not at all.

The writes keep the invariants of the services they stand for, set-based:
- stock: each (site, part, owner) balance is set to the file's count by one ledger entry (an
  adjustment) for the difference; the balances are read under row locks taken in primary-key
  order (PostgreSQL; SQLite's IMMEDIATE transaction holds the one write lock), so a receipt
  or an issue running at the same moment is applied before or after, never lost; a count is
  never negative, so no balance is;
- orders: new orders are drafts of the person's organisation, lines are appended to open
  orders (locked) after their last line number;
- offers, builds (each with its first version) and allocations (a commitment for the same
  buyer, part and period start replaces the earlier one) as their services write them.
One event records the import with its counts; the stored plans counting what changed are
planned again after the commit (replan_after), and the planner's statistics refreshed after
a large import.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.db import chunked, insert_rows, refresh_planner_statistics
from accord.core.errors import Conflict
from accord.core.events import record_event
from accord.orgs.models import Person
from accord.supply.choices import BuildStatus, LineStatus, MoveKind, OrderStatus
from accord.supply.imports.kinds import stock
from accord.supply.imports.kinds.allocations import AllocationRow
from accord.supply.imports.kinds.builds import BuildRow
from accord.supply.imports.kinds.offers import OfferRow
from accord.supply.imports.kinds.orders import OrdersParsed
from accord.supply.imports.preview import ImportResult, preview_supply_import
from accord.supply.models import (
    Allocation,
    Build,
    BuildVersion,
    PurchaseOrder,
    PurchaseOrderLine,
    StockItem,
    StockMove,
    SupplierOffer,
)
from accord.supply.services.replan import replan_after
from accord.supply.services.values import own_organisation

# Above this many rows, the planner's statistics are refreshed after the import.
LARGE_IMPORT = 5000


def import_supply(
    *, actor: Person, kind: str, data: bytes, filename: str, commit: bool
) -> ImportResult:
    """Preview the file (commit=False), or import it when it has no problem (commit=True):
    all of it in one transaction, or nothing. Forbidden for a kind the person may not import;
    the problems of a file are in the result, never an exception."""
    result = preview_supply_import(actor, kind, data, filename)
    if not commit or not result.ok:
        return result
    reference = f"Import {result.file}"[:200]
    try:
        with transaction.atomic():
            counts = WRITERS[kind](actor, result.parsed, reference)
            record_event(
                actor=actor,
                verb=f"imported {kind}",
                obj=_MODELS[kind],
                classification=Classification.RESTRICTED,
                changes={"file": result.file, "rows": result.rows, **counts},
            )
    except IntegrityError:
        raise Conflict(
            "Someone changed the same data at the same moment: nothing was imported. "
            "Preview the file again."
        ) from None
    result.counts.update(counts)
    result.committed = True
    if result.rows >= LARGE_IMPORT:
        refresh_planner_statistics()
    return result


def _write_stock(actor: Person, rows: list[stock.StockRow], reference: str) -> dict[str, int]:
    targets = stock.totals(rows)
    sites = sorted({site for site, _part, _owner in targets})
    existing = set(
        StockItem.objects.filter(site_id__in=sites).values_list("site_id", "part_id", "owner_id")
    )
    StockItem.objects.bulk_create(
        [
            StockItem(site_id=s, part_id=p, owner_id=o)
            for s, p, o in targets
            if (s, p, o) not in existing
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    locked = (
        StockItem.objects.select_for_update()
        .filter(site_id__in=sites)
        .order_by("pk")
        .values_list("pk", "site_id", "part_id", "owner_id", "on_hand")
    )
    now = timezone.now()
    moves: list[tuple[Any, ...]] = []
    balances: list[tuple[Any, ...]] = []
    parts: set[int] = set()
    for pk, site, part, owner, on_hand in locked:
        target = targets.get((site, part, owner))
        if target is None or target == on_hand:
            continue
        moves.append((pk, MoveKind.ADJUST, target - on_hand, target, reference, actor.pk))
        balances.append((target, now, pk))
        parts.add(part)
    _set_balances(balances)
    insert_rows(
        StockMove, ["item", "kind", "quantity", "balance_after", "reference", "actor"], moves
    )
    replan_after(part_ids=parts)
    return {"items": len(targets), "moves": len(moves)}


def _set_balances(balances: list[tuple[Any, ...]]) -> None:
    """Every changed balance (the rows are locked): on PostgreSQL one UPDATE ... FROM (VALUES
    ...) per 2,000 rows (a prepared statement per row costs a round trip each: 9 s for 20,000
    rows), on SQLite one prepared UPDATE run for every row (in process, as fast)."""
    q = connection.ops.quote_name
    table = q(StockItem._meta.db_table)
    amount_field = StockItem._meta.get_field("on_hand")
    time_field = StockItem._meta.get_field("updated_at")
    rows = [
        (
            amount_field.get_db_prep_save(amount, connection),
            time_field.get_db_prep_save(when, connection),
            pk,
        )
        for amount, when, pk in balances
    ]
    with connection.cursor() as cursor:
        for chunk in chunked(rows, 2000):
            if connection.vendor == "postgresql":
                values = ", ".join(["(%s::numeric, %s::timestamptz, %s::bigint)"] * len(chunk))
                cursor.execute(
                    f"UPDATE {table} AS s SET on_hand = v.on_hand, updated_at = v.updated_at "  # noqa: S608
                    f"FROM (VALUES {values}) AS v(on_hand, updated_at, id) WHERE s.id = v.id",
                    [value for row in chunk for value in row],
                )
            else:
                cursor.executemany(
                    f"UPDATE {table} SET on_hand = %s, updated_at = %s WHERE id = %s",  # noqa: S608
                    chunk,
                )


def _write_orders(actor: Person, parsed: OrdersParsed, reference: str) -> dict[str, int]:
    org = own_organisation(actor)
    created = PurchaseOrder.objects.bulk_create(
        [
            PurchaseOrder(
                buyer=org,
                supplier_id=new.supplier_id,
                program_id=new.program_id,
                number=new.number,
                currency=new.currency,
                ship_to_id=new.ship_to_id,
                created_by=actor,
            )
            for new in parsed.new_orders.values()
        ]
    )
    ids = {order.number: order.pk for order in created}
    existing = sorted({line.order_id for line in parsed.lines if line.order_id is not None})
    # The orders lines are added to: locked, still open, after their last line.
    still_open = set(
        PurchaseOrder.objects.select_for_update()
        .filter(pk__in=existing, status__in=OrderStatus.open())
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if still_open != set(existing):
        raise Conflict("An order of the file was closed meanwhile: nothing was imported.")
    last = dict(
        PurchaseOrderLine.objects.filter(order_id__in=existing)
        .values("order_id")
        .annotate(last=Max("line_number"))
        .values_list("order_id", "last")
    )
    next_number: dict[int, int] = defaultdict(int, {pk: n or 0 for pk, n in last.items()})
    rows = []
    for line in parsed.lines:
        order = line.order_id or ids[line.number]
        next_number[order] += 1
        rows.append(
            (
                order,
                next_number[order],
                line.part_id,
                line.manufacturer_part_id,
                line.quantity,
                line.unit_price,
                line.currency,
                line.requested_date,
                line.promised_date,
                LineStatus.CONFIRMED if line.promised_date else LineStatus.OPEN,
                Decimal(0),
                Decimal(0),
            )
        )
    insert_rows(
        PurchaseOrderLine,
        [
            "order",
            "line_number",
            "part",
            "manufacturer_part",
            "quantity",
            "unit_price",
            "currency",
            "requested_date",
            "confirmed_date",
            "status",
            "received_quantity",
            "rejected_quantity",
        ],
        rows,
    )
    replan_after(part_ids={line.part_id for line in parsed.lines})
    from accord.scorecards.facts import facts_changed
    from accord.scorecards.services import refresh_cards_after

    touched = {row[0] for row in rows}
    facts_changed(
        org.pk, PurchaseOrderLine.objects.filter(order_id__in=touched).values_list("pk", flat=True)
    )
    suppliers = (
        PurchaseOrder.objects.filter(pk__in=touched)
        .values_list("supplier_id", flat=True)
        .distinct()
    )
    refresh_cards_after([org.pk, *suppliers])
    return {"orders_created": len(created), "lines_added": len(rows)}


def _write_offers(actor: Person, rows: list[OfferRow], reference: str) -> dict[str, int]:
    org = own_organisation(actor)
    insert_rows(
        SupplierOffer,
        [
            "organisation",
            "supplier",
            "manufacturer_part",
            "supplier_part_number",
            "currency",
            "price_breaks",
            "moq",
            "order_multiple",
            "lead_time_days",
            "stock_quantity",
            "seen_on",
        ],
        (
            (
                org.pk,
                r.supplier_id,
                r.manufacturer_part_id,
                r.supplier_part_number,
                r.currency,
                r.price_breaks,
                r.moq,
                r.order_multiple,
                r.lead_time_days,
                r.stock_quantity,
                r.seen_on,
            )
            for r in rows
        ),
    )
    return {"offers_recorded": len(rows)}


def _write_builds(actor: Person, rows: list[BuildRow], reference: str) -> dict[str, int]:
    builds = Build.objects.bulk_create(
        [
            Build(
                program_id=r.program_id,
                assembly_id=r.assembly_id,
                site_id=r.site_id,
                reference=r.reference,
                quantity=r.quantity,
                due_date=r.due_date,
                firmness=r.firmness,
            )
            for r in rows
        ],
        batch_size=1000,
    )
    BuildVersion.objects.bulk_create(
        [
            BuildVersion(
                build=b,
                version=1,
                quantity=b.quantity,
                due_date=b.due_date,
                firmness=b.firmness,
                status=BuildStatus.SCHEDULED,
                changed_by=actor,
                note=reference,
            )
            for b in builds
        ],
        batch_size=1000,
    )
    replan_after(program_ids={r.program_id for r in rows})
    return {"builds_scheduled": len(builds)}


def _write_allocations(actor: Person, rows: list[AllocationRow], reference: str) -> dict[str, int]:
    supplier = own_organisation(actor)
    latest = {(r.buyer_id, r.manufacturer_part_id, r.period_start): r for r in rows}
    current = {
        (a.buyer_id, a.manufacturer_part_id, a.period_start): a
        for a in Allocation.objects.select_for_update()
        .filter(
            supplier=supplier,
            buyer_id__in={k[0] for k in latest},
            manufacturer_part_id__in={k[1] for k in latest},
        )
        .order_by("pk")
    }
    changed, new = [], []
    for key, row in latest.items():
        allocation = current.get(key)
        if allocation is None:
            new.append(
                Allocation(
                    supplier=supplier,
                    buyer_id=row.buyer_id,
                    manufacturer_part_id=row.manufacturer_part_id,
                    period_start=row.period_start,
                    period_end=row.period_end,
                    quantity=row.quantity,
                    created_by=actor,
                )
            )
        elif (allocation.period_end, allocation.quantity) != (row.period_end, row.quantity):
            allocation.period_end, allocation.quantity = row.period_end, row.quantity
            allocation.created_by = actor
            changed.append(allocation)
    Allocation.objects.bulk_create(new, batch_size=1000)
    Allocation.objects.bulk_update(
        changed, ["period_end", "quantity", "created_by"], batch_size=500
    )
    return {"allocations_added": len(new), "allocations_replaced": len(changed)}


WRITERS: dict[str, Any] = {
    "stock": _write_stock,
    "orders": _write_orders,
    "offers": _write_offers,
    "builds": _write_builds,
    "allocations": _write_allocations,
}
_MODELS: dict[str, Any] = {
    "stock": StockMove,
    "orders": PurchaseOrderLine,
    "offers": SupplierOffer,
    "builds": Build,
    "allocations": Allocation,
}
