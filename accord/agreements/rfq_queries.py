"""Read-side of RFQs: the comparison of quotes at landed cost.

The quotes a person sees (access.quotes_visible_to: an EMS its own, the buyer all of its RFQ's)
are read in three queries, whatever their number: the quotes with their fees summed by basis
(in SQL), their tiers, their RFQs' volumes; landed.py then prices every quote at every volume
in one vectorised pass."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from accord.agreements.choices import FeeBasis
from accord.agreements.landed import (
    QUOTES_SCHEMA,
    TIERS_SCHEMA,
    VOLUMES_SCHEMA,
    from_e4,
    landed_costs,
    to_micro,
)
from accord.agreements.models import Rfq, RfqQuote, RfqQuoteTier
from accord.core.numbers import plain_number

HEADERS = [
    "volume",
    "supplier",
    "currency",
    "buy qty",
    "excess",
    "tier price",
    "landed unit cost",
    "landed rank",
    "headline rank",
    "lead time (days)",
    "valid until",
    "expired",
]


@dataclass(frozen=True)
class ComparisonRow:
    rfq_id: int
    quote_id: int
    supplier: str
    currency: str
    volume: int
    buy_qty: int
    excess: int
    tier_price: Decimal | None
    landed: Decimal | None
    landed_rank: int | None
    headline_rank: int | None
    lead_time_days: int
    valid_until: dt.date
    expired: bool

    def cells(self) -> list[Any]:
        return [
            self.volume,
            self.supplier,
            self.currency,
            self.buy_qty,
            self.excess,
            "" if self.tier_price is None else plain_number(self.tier_price),
            "" if self.landed is None else format(self.landed, "f"),
            self.landed_rank or "",
            self.headline_rank or "",
            self.lead_time_days,
            self.valid_until.isoformat(),
            "expired" if self.expired else "",
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "quote_id": self.quote_id,
            "supplier": self.supplier,
            "currency": self.currency,
            "volume": self.volume,
            "buy_qty": self.buy_qty,
            "excess": self.excess,
            "tier_price": None if self.tier_price is None else format(self.tier_price, "f"),
            "landed_unit_cost": None if self.landed is None else format(self.landed, "f"),
            "landed_rank": self.landed_rank,
            "headline_rank": self.headline_rank,
            "lead_time_days": self.lead_time_days,
            "valid_until": self.valid_until,
            "expired": self.expired,
        }


def _money(micro: int) -> Decimal:
    """Millionths as a price: at least two decimals (9.80), at most six."""
    amount = Decimal(micro).scaleb(-6).normalize()
    exponent = amount.as_tuple().exponent
    return (
        amount.quantize(Decimal("0.01")) if isinstance(exponent, int) and exponent > -2 else amount
    )


def _fee_sum(basis: str | list[str]) -> Any:
    bases = [basis] if isinstance(basis, str) else basis
    return Coalesce(
        Sum("fees__amount", filter=Q(fees__basis__in=bases)),
        Value(Decimal(0)),
        output_field=DecimalField(max_digits=24, decimal_places=6),
    )


def comparison_frames(
    quotes: QuerySet[RfqQuote],
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(quotes, tiers, volumes) frames of the quotes, in three queries. One-time fees are
    added to the NRE (landed.py says why)."""
    rows = list(
        quotes.order_by()
        .values("pk", "rfq_id", "moq", "order_multiple", "nre", "valid_until")
        .annotate(
            one_time=_fee_sum(FeeBasis.ONE_TIME),
            per_unit=_fee_sum(FeeBasis.PER_UNIT),
            per_shipment=_fee_sum(FeeBasis.PER_SHIPMENT),
        )
    )
    quote_frame = pl.DataFrame(
        {
            "quote_id": [r["pk"] for r in rows],
            "rfq_id": [r["rfq_id"] for r in rows],
            "moq": [r["moq"] for r in rows],
            "order_multiple": [r["order_multiple"] for r in rows],
            "nre": [to_micro(r["nre"]) + to_micro(Decimal(r["one_time"])) for r in rows],
            "per_unit": [to_micro(Decimal(r["per_unit"])) for r in rows],
            "per_shipment": [to_micro(Decimal(r["per_shipment"])) for r in rows],
            "valid_until": [r["valid_until"] for r in rows],
        },
        schema=QUOTES_SCHEMA,
    )
    tier_rows = RfqQuoteTier.objects.filter(quote__in=quotes.order_by().values("pk")).values_list(
        "quote_id", "from_quantity", "unit_price"
    )
    quote_ids, starts, prices = [], [], []
    for quote_id, start, price in tier_rows.iterator(chunk_size=10_000):
        quote_ids.append(quote_id)
        starts.append(start)
        prices.append(to_micro(price))
    tier_frame = pl.DataFrame(
        {"quote_id": quote_ids, "from_quantity": starts, "unit_price": prices}, schema=TIERS_SCHEMA
    )
    rfq_ids = sorted({r["rfq_id"] for r in rows})
    volumes = Rfq.objects.filter(pk__in=rfq_ids).values_list("pk", "volumes")
    pairs = [(rfq_id, v) for rfq_id, listed in volumes for v in listed]
    volume_frame = pl.DataFrame(
        {"rfq_id": [p[0] for p in pairs], "volume": [p[1] for p in pairs]}, schema=VOLUMES_SCHEMA
    )
    return quote_frame, tier_frame, volume_frame


def compare_quotes(quotes: QuerySet[RfqQuote], today: dt.date) -> pl.DataFrame:
    """Every quote at every volume of its RFQ (landed.landed_costs's columns)."""
    return landed_costs(*comparison_frames(quotes), today)


def comparison_rows(rfq: Rfq, quotes: QuerySet[RfqQuote], today: dt.date) -> list[ComparisonRow]:
    """The RFQ's comparison over the quotes given (the ones the reader sees), by volume, then
    by landed cost. A withdrawn quote is in no comparison."""
    quotes = quotes.filter(withdrawn_at__isnull=True)
    info = {
        q.pk: q
        for q in quotes.filter(rfq=rfq)
        .select_related("supplier")
        .only("pk", "currency", "lead_time_days", "valid_until", "supplier__name")
    }
    frame = compare_quotes(quotes.filter(rfq=rfq), today)
    out = []
    for row in frame.iter_rows(named=True):
        quote = info[row["quote_id"]]
        price = row["tier_price"]
        landed = row["landed_e4"]
        out.append(
            ComparisonRow(
                rfq_id=row["rfq_id"],
                quote_id=row["quote_id"],
                supplier=quote.supplier.name,
                currency=quote.currency,
                volume=row["volume"],
                buy_qty=row["buy_qty"],
                excess=row["excess"],
                tier_price=None if price is None else _money(price),
                landed=None if landed is None else from_e4(landed),
                landed_rank=row["landed_rank"],
                headline_rank=row["headline_rank"],
                lead_time_days=quote.lead_time_days,
                valid_until=quote.valid_until,
                expired=row["expired"],
            )
        )
    out.sort(key=lambda r: (r.volume, r.landed is None, r.landed or 0, r.supplier))
    return out
