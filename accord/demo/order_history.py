"""Two years of Halcyon's purchase orders to its suppliers, for the scorecards to tell a story.

Arrowpoint (the distributor of the earbuds' silicon) kept its word for sixteen months, then
slipped: the LDO went last-time-buy, allocations ran short, and over the last eight months its
deliveries came late more often, incoming inspection rejected more capacitors, its answers
took days and the LDO came with a surcharge. Sunridge (the balanced-armature drivers) was poor:
late, bent terminals found at incoming inspection, slow answers and expedite charges; a year
ago it answered Halcyon's request with a corrective-action plan (accord/demo/scorecards.py)
and has improved every month since. Kestrel has delivered the heart-rate
monitor's coin cells faultlessly since the NPI builds began.

Each supplier's two years are a table: per month (oldest first, the last is the current month) how
many of the deliveries due that month came late, the DPPM of incoming inspection, the share of
the orders issued that month acknowledged after the 48-hour SLA, and the surcharge over the
quoted price. The orders are drawn from those tables with a fixed seed, so the same day gives
the same demo; the prices come from the quotes Halcyon recorded (record_offer), as the cost
metric compares them. Everything is dated relative to today: the last month is the current one,
and the orders whose day has not come are still open (acknowledged, or waiting for it).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from accord.core.access import today
from accord.demo.personas import World
from accord.demo.services import PastDelivery, PastLine, PastOrder, record_order_history
from accord.parts.models import ApprovedSource
from accord.scorecards.months import next_month
from accord.supply import services as supply
from accord.supply.models import Site, SupplierOffer

SEED = 20260412
MONTHS = 24


@dataclass(frozen=True)
class Month:
    late: int  # deliveries due this month that came late
    dppm: int  # rejected at incoming inspection, per million received
    slow: float  # share of the orders issued this month acknowledged after the SLA
    surcharge: float  # percent over the quoted price, orders issued this month


@dataclass(frozen=True)
class Item:
    part: str
    mpn: str
    quantities: range  # what one order line asks for, drawn from this range
    surcharged: bool  # the story's surcharge applies to it


@dataclass(frozen=True)
class Story:
    supplier: str
    program: str
    items: tuple[Item, ...]  # one line of each per order, all due on the same date
    due_days: tuple[int, ...]  # the days of each month a delivery is due
    lead_days: int
    months: tuple[Month, ...]  # the last MONTHS months, oldest first
    reasons: tuple[str, ...]  # what incoming inspection writes on a rejection
    # The quotes Halcyon recorded: (days before the first month, {mpn: price breaks}).
    quotes: tuple[tuple[int, dict[str, tuple[tuple[int, str], ...]]], ...]
    since_days: int | None = None  # the first order, days before today (None: the first month)


def _months(rows: str) -> tuple[Month, ...]:
    """One "late dppm slow surcharge" row per line."""
    out = []
    for row in rows.strip().splitlines():
        late, dppm, slow, surcharge = row.split("#")[0].split()
        out.append(Month(int(late), int(dppm), float(slow), float(surcharge)))
    assert len(out) == MONTHS, len(out)
    return tuple(out)


# fmt: off
ARROWPOINT = Story(
    supplier="arrowpoint",
    program="EBX2",
    items=(
        Item("HAL-100-0001", "GRM155R61A104KA01D", range(50000, 100001, 10000), False),
        Item("HAL-200-0002", "TPS7A0233PDBVR", range(3000, 6001, 500), True),
    ),
    due_days=(2, 4, 7, 9, 12, 14, 17, 19, 22, 25),
    lead_days=28,
    months=_months("""
        0  120 0    0      # 23 months ago
        0    0 0    0
        0   80 0    0
        0  150 0    0
        0    0 0    0
        0   60 0    0
        0  100 0    0
        0    0 0    0
        0   90 0    0
        1  140 0    0
        0    0 0    0
        0   70 0    0
        0  110 0    0
        0    0 0    0
        0   50 0    0
        0   90 0    0      # 8 months ago: the last good month
        0  400 0.1  0.5    # the LDO goes last-time-buy; allocations run short
        0  800 0.2  1
        1  700 0.2  1
        1 1000 0.3  1.5
        1 1300 0.3  2
        2 1500 0.4  2.5
        2 1800 0.4  3
        2 2000 0.5  3      # this month
    """),
    reasons=(
        "Solderability test failed",
        "Moisture barrier bag open on arrival",
        "Reel label does not match the MPN",
    ),
    quotes=(
        (20, {"GRM155R61A104KA01D": ((10000, "0.0046"), (50000, "0.0040")),
              "TPS7A0233PDBVR": ((1000, "0.36"), (5000, "0.31"))}),
        (-365, {"GRM155R61A104KA01D": ((10000, "0.0044"), (50000, "0.0038")),
                "TPS7A0233PDBVR": ((1000, "0.36"), (5000, "0.31"))}),
    ),
)

SUNRIDGE = Story(
    supplier="sunridge",
    program="EBX2",
    items=(Item("HAL-400-0001", "SA-BA-3110", range(5000, 10001, 500), True),),
    due_days=(2, 5, 9, 12, 16, 19, 23, 26),
    lead_days=56,
    months=_months("""
        3 4200 0.5  3      # 23 months ago
        3 3800 0.625 3
        2 4600 0.5  3.5
        3 5200 0.5  3
        2 3900 0.625 3
        3 4400 0.5  4
        2 5600 0.75 3
        3 4100 0.5  3.5
        2 3700 0.625 3
        3 4800 0.5  3
        3 6100 0.75 3.5    # 13 months ago: Halcyon asks for a corrective-action plan
        2 3000 0.375 1     # 12 months ago: Sunridge's plan; every outgoing reel inspected
        2 1800 0.25 0
        1 1000 0.125 0
        1  600 0    0
        1  300 0    0
        0  400 0    0
        0  300 0    0
        0  250 0    0
        0  200 0    0
        0  150 0    0
        0  180 0    0
        0  140 0    0
        0  120 0    0      # this month
    """),
    reasons=(
        "Bent terminals",
        "Acoustic response out of tolerance",
        "Reel label does not match the MPN",
    ),
    quotes=(
        (20, {"SA-BA-3110": ((1000, "1.98"), (5000, "1.84"))}),
        (-180, {"SA-BA-3110": ((1000, "1.95"), (5000, "1.80"))}),
        (-365, {"SA-BA-3110": ((1000, "1.90"), (5000, "1.76"))}),
        (-545, {"SA-BA-3110": ((1000, "1.87"), (5000, "1.74"))}),
    ),
)

# Pulse HRM's NPI builds: coin cells for the last three months, nothing to complain about.
KESTREL = Story(
    supplier="kestrel",
    program="PHRM",
    items=(Item("HAL-600-0001", "KC-CR2032-HT", range(600, 1501, 100), False),),
    due_days=(6, 20),
    lead_days=21,
    months=_months("\n".join(["0 0 0 0"] * MONTHS)),
    reasons=("Open-circuit voltage below 3.0 V",),
    quotes=((-600, {"KC-CR2032-HT": ((500, "0.92"), (1000, "0.86"))}),),
    since_days=55,  # the NDA that lets Kestrel into Pulse HRM is two months old
)
# fmt: on
STORIES = (ARROWPOINT, SUNRIDGE, KESTREL)


def first_month(day: dt.date) -> dt.date:
    """The first of the MONTHS months that end with the current one."""
    month = day.replace(day=1)
    for _ in range(MONTHS - 1):
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return month


def month_index(first: dt.date, when: dt.date) -> int:
    """Which of the story's months `when` falls in (past the last: the last)."""
    return min((when.year - first.year) * 12 + when.month - first.month, MONTHS - 1)


def record_quotes(world: World, start: dt.date) -> None:
    """The quotes Halcyon recorded from each supplier before ordering: what the orders' prices
    are held against."""
    buyer = world.people["oem_buyer"]
    for story in STORIES:
        for days_before, breaks in story.quotes:
            for mpn, prices in breaks.items():
                supply.record_offer(
                    actor=buyer,
                    supplier=world.orgs[story.supplier],
                    manufacturer_part=ApprovedSource.objects.get(
                        part=world.parts[_item(story, mpn).part], manufacturer_part__mpn=mpn
                    ).manufacturer_part,
                    price_breaks=[(str(q), p) for q, p in prices],
                    seen_on=start - dt.timedelta(days=days_before),
                    moq=prices[0][0],
                    lead_time_days=story.lead_days,
                )


def _item(story: Story, mpn: str) -> Item:
    return next(item for item in story.items if item.mpn == mpn)


class Quotes:
    """The price in force for a line: the latest quote seen on or before the order was issued,
    at the largest break its quantity reaches (as the cost metric reads them)."""

    def __init__(self, buyer_id: int) -> None:
        self.by_key: dict[tuple[int, int], list[tuple[dt.date, list[tuple[Decimal, Decimal]]]]]
        self.by_key = defaultdict(list)
        offers = SupplierOffer.objects.filter(organisation_id=buyer_id).order_by("seen_on", "pk")
        for supplier_id, mp_id, seen_on, breaks in offers.values_list(
            "supplier_id", "manufacturer_part_id", "seen_on", "price_breaks"
        ):
            prices = [(Decimal(b["quantity"]), Decimal(b["unit_price"])) for b in breaks]
            self.by_key[(supplier_id, mp_id)].append((seen_on, prices))

    def price(self, supplier_id: int, mp_id: int, issued: dt.date, quantity: Decimal) -> Decimal:
        seen = [prices for on, prices in self.by_key[(supplier_id, mp_id)] if on <= issued]
        return max((b for b in seen[-1] if b[0] <= quantity), key=lambda b: b[0])[1]


def _receipts(
    rng: random.Random, due: dt.date, late: bool, amount: Decimal, rejected: Decimal, reason: str
) -> list[PastDelivery]:
    """The line's receipts: inside the on-time window (3 days before the due date to the due
    date), or days after it; what inspection rejects is replaced by a second receipt, still
    inside the window when the first came in time."""
    if late:
        first = due + dt.timedelta(days=rng.randint(2, 8))
        again = first + dt.timedelta(days=3)
    elif rejected:
        first = due - dt.timedelta(days=3)
        again = first + dt.timedelta(days=rng.randint(1, 3))
    else:
        first = again = due - dt.timedelta(days=rng.randint(0, 2))
    if not rejected:
        return [PastDelivery(first, amount)]
    return [PastDelivery(first, amount, rejected, reason), PastDelivery(again, rejected)]


def _schedule(
    story: Story, first: dt.date, earliest: dt.date, day: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """(due, issued) of every order: due on the story's days of each month, issued a lead
    time before, from `earliest` up to yesterday."""
    schedule = []
    month = first
    while month <= day + dt.timedelta(days=story.lead_days):
        for due_day in story.due_days:
            due = month.replace(day=due_day)
            issued = due - dt.timedelta(days=story.lead_days)
            if earliest <= issued < day:
                schedule.append((due, issued))
        month = next_month(month)
    return schedule


def _chosen(
    story: Story, first: dt.date, schedule: list[tuple[dt.date, dt.date]], rng: random.Random
) -> tuple[set[dt.date], set[dt.date]]:
    """The due dates of the deliveries that come late (as many as the month of their due date
    says) and of the orders answered after the SLA (the share the month they were issued
    says)."""
    by_due: dict[int, list[dt.date]] = defaultdict(list)
    by_issue: dict[int, list[dt.date]] = defaultdict(list)
    for due, issued in schedule:
        by_due[month_index(first, due)].append(due)
        by_issue[month_index(first, issued)].append(due)
    late: set[dt.date] = set()
    slow: set[dt.date] = set()
    for index, dues in sorted(by_due.items()):
        late.update(rng.sample(dues, min(story.months[index].late, len(dues))))
    for index, dues in sorted(by_issue.items()):
        slow.update(rng.sample(dues, round(story.months[index].slow * len(dues))))
    return late, slow


def orders_of(story: Story, world: World, day: dt.date, quotes: Quotes) -> list[PastOrder]:
    """The story's orders: issued from the first month up to yesterday, due from then to a
    lead time ahead (the last ones still open), received when their day has come."""
    rng = random.Random(f"{SEED}-{story.supplier}")
    first = first_month(day)
    earliest = first if story.since_days is None else day - dt.timedelta(days=story.since_days)
    supplier, program = world.orgs[story.supplier], world.programs[story.program]
    site = Site.objects.get(organisation=world.orgs["meridian"], code="PEN1")
    sources = {
        item.mpn: ApprovedSource.objects.get(
            part=world.parts[item.part], manufacturer_part__mpn=item.mpn
        ).manufacturer_part
        for item in story.items
    }
    schedule = _schedule(story, first, earliest, day)
    late, slow = _chosen(story, first, schedule, rng)
    now = timezone.now()
    orders = []
    sequence: dict[str, int] = defaultdict(int)
    for due, issued in schedule:
        plan_due = story.months[month_index(first, due)]
        plan_issued = story.months[month_index(first, issued)]
        issued_at = dt.datetime.combine(issued, dt.time(8 + rng.randint(0, 8)), tzinfo=dt.UTC)
        hours = rng.uniform(52, 150) if due in slow else rng.uniform(1.5, 30)
        answered: dt.datetime | None = issued_at + dt.timedelta(hours=hours)
        if answered is not None and answered > now:
            answered = None  # not yet: the order waits for its acknowledgement
        lines = []
        for item in story.items:
            amount = Decimal(rng.choice(item.quantities))
            quoted = quotes.price(supplier.pk, sources[item.mpn].pk, issued, amount)
            surcharge = Decimal(str(plan_issued.surcharge if item.surcharged else 0))
            price = (quoted * (1 + surcharge / 100)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            rejected = Decimal(round(float(amount) * plan_due.dppm / 1e6 * rng.choice((0, 1, 2))))
            reason = rng.choice(story.reasons)
            receipts = [  # what has not come by yesterday is still to come
                r
                for r in _receipts(rng, due, due in late, amount, rejected, reason)
                if r.received_on < day
            ]
            lines.append(
                PastLine(
                    part=world.parts[item.part],
                    manufacturer_part=sources[item.mpn],
                    quantity=amount,
                    unit_price=price,
                    requested_date=due,
                    confirmed=answered is not None,
                    deliveries=tuple(receipts),
                )
            )
        key = f"{issued:%y%m}"
        sequence[key] += 1
        orders.append(
            PastOrder(
                number=f"PO-{key}-{story.supplier[:2].upper()}{sequence[key]:02d}",
                program=program,
                supplier=supplier,
                ship_to=site,
                issued_at=issued_at,
                acknowledged_at=answered,
                lines=tuple(lines),
            )
        )
    return orders


def load_order_history(world: World) -> dict[str, int]:
    """Record the quotes, then the orders of every story, at once."""
    day = today()
    record_quotes(world, first_month(day))
    quotes = Quotes(world.orgs["halcyon"].pk)
    orders = [o for story in STORIES for o in orders_of(story, world, day, quotes)]
    return record_order_history(
        actor=world.people["oem_buyer"], orders=orders, received_by=world.people["ems_quality"]
    )
