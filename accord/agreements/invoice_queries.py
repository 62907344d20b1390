"""Read-side of invoices: the frames the check (invoice_check.py) joins, read from the
database in a fixed number of queries whatever the number of invoices and lines, and the
report one invoice's page, the API, the command and the exports show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from accord.agreements.choices import InvoiceLineKind, VersionStatus
from accord.agreements.invoice_check import (
    BILLINGS_SCHEMA,
    FEES_SCHEMA,
    INVOICES_SCHEMA,
    LINES_SCHEMA,
    RECEIVED_SCHEMA,
    REQUESTS_SCHEMA,
    TIERS_SCHEMA,
    VERSIONS_SCHEMA,
    check_lines,
)
from accord.agreements.models import AgreementVersion, FeeRequest, Invoice, InvoiceLine
from accord.agreements.terms import Terms, parse_terms
from accord.core.numbers import plain_number
from accord.supply.models import Delivery, PurchaseOrder

CENT = Decimal("0.01")


def _e4(value: Decimal) -> int:
    return int(value.scaleb(4).to_integral_value())


def _e6(value: Decimal) -> int:
    return int(value.scaleb(6).to_integral_value())


def _cents(value: Decimal) -> int:
    return int(value.scaleb(2).to_integral_value())


def _qty(value: int) -> str:
    return f"{value:,}"


def version_frames(versions: Iterable[AgreementVersion]) -> tuple[pl.DataFrame, ...]:
    """(versions, tiers, fees) frames of the versions' terms: one small row per clause."""
    version_rows: list[tuple[Any, ...]] = []
    tier_rows: list[tuple[Any, ...]] = []
    fee_rows: list[tuple[Any, ...]] = []
    for version in versions:
        terms: Terms = parse_terms(version.terms)
        currency = terms.price_tiers[0].currency if terms.price_tiers else ""
        tolerance = terms.invoice_tolerance_percent or Decimal(0)
        version_rows.append(
            (version.pk, version.number, currency, _e4(tolerance), f"{plain_number(tolerance)}%")
        )
        for tier in terms.price_tiers:
            tier_rows.append(
                (
                    version.pk,
                    tier.from_quantity * 10_000,
                    _e6(tier.unit_price),
                    f"v{version.number} price tier {_qty(tier.from_quantity)}: "
                    f"{tier.unit_price} {tier.currency}",
                )
            )
        for fee in terms.fees:
            code = fee.code.strip().upper()
            term = (
                f"v{version.number} Appendix A fee {fee.code} "
                f"({fee.basis or 'no basis'}, {fee.amount})"
            )
            row = (code, fee.basis, _e6(fee.amount), fee.written_request_needed, term)
            fee_rows.append((version.pk, f"code:{code}", *row))
            if fee.description.strip():
                fee_rows.append((version.pk, f"text:{fee.description.strip().lower()}", *row))
    fees = pl.DataFrame(fee_rows, schema=FEES_SCHEMA, orient="row").unique(
        subset=["version_id", "fee_key"], keep="first", maintain_order=True
    )
    return (
        pl.DataFrame(version_rows, schema=VERSIONS_SCHEMA, orient="row"),
        pl.DataFrame(tier_rows, schema=TIERS_SCHEMA, orient="row"),
        fees,
    )


def po_date(order: PurchaseOrder) -> dt.date:
    """The day the PO was issued (else made), in the workspace's time zone."""
    return timezone.localdate(order.issued_at or order.created_at)


@dataclass
class CheckInput:
    frames: dict[str, pl.DataFrame]
    po_dates: dict[int, dt.date]  # invoice -> its PO's date


def check_input(invoices: QuerySet[Invoice]) -> CheckInput:
    """Every frame the check needs for these invoices."""
    heads: list[dict[str, Any]] = [
        dict(head)
        for head in invoices.order_by().values(
            "pk",
            "agreement_id",
            "currency",
            "date",
            "number",
            "po_reference",
            "agreement__buyer_id",
            "agreement__partner_id",
            "agreement__retired_at",
        )
    ]
    agreements = sorted({h["agreement_id"] for h in heads})
    orders = {
        (o.buyer_id, o.supplier_id, o.number): o
        for o in PurchaseOrder.objects.filter(
            number__in={h["po_reference"] for h in heads},
            buyer_id__in={h["agreement__buyer_id"] for h in heads},
        ).only("pk", "buyer_id", "supplier_id", "number", "issued_at", "created_at")
    }
    order_of: dict[int, int] = {}
    po_dates: dict[int, dt.date] = {}
    for h in heads:
        order = orders.get(
            (h["agreement__buyer_id"], h["agreement__partner_id"], h["po_reference"])
        )
        po_dates[h["pk"]] = po_date(order) if order else h["date"]
        if order:
            order_of[h["pk"]] = order.pk
    signed = list(
        AgreementVersion.objects.filter(
            agreement_id__in=agreements,
            status__in=[VersionStatus.SIGNED, VersionStatus.SUPERSEDED],
            signed_at__isnull=False,
        ).only("pk", "agreement_id", "number", "terms", "signed_at")
    )
    in_force = (
        pl.DataFrame(
            {
                "invoice_id": [h["pk"] for h in heads],
                "agreement_id": [h["agreement_id"] for h in heads],
                "po_date": [po_dates[h["pk"]] for h in heads],
            },
            schema={"invoice_id": pl.Int64, "agreement_id": pl.Int64, "po_date": pl.Date},
        )
        .sort("po_date")
        .join_asof(
            pl.DataFrame(
                {
                    "agreement_id": [v.agreement_id for v in signed],
                    "signed_on": [timezone.localdate(v.signed_at) for v in signed],
                    "version_id": [v.pk for v in signed],
                },
                schema={"agreement_id": pl.Int64, "signed_on": pl.Date, "version_id": pl.Int64},
            ).sort("signed_on", "version_id"),
            left_on="po_date",
            right_on="signed_on",
            by="agreement_id",
            strategy="backward",
            check_sortedness=False,  # both sorted by date; Polars cannot verify with `by`
        )
    )
    version_of = dict(zip(in_force["invoice_id"], in_force["version_id"], strict=True))
    # A retired agreement is in force for purchase orders dated before the day it was retired
    # (against the version in force at their date, as above), for none dated on or after it.
    for h in heads:
        retired_at = h["agreement__retired_at"]
        if retired_at is not None and po_dates[h["pk"]] >= timezone.localdate(retired_at):
            version_of[h["pk"]] = None
    invoice_frame = pl.DataFrame(
        [
            (h["pk"], h["agreement_id"], version_of.get(h["pk"]), h["currency"], h["date"])
            for h in heads
        ],
        schema=INVOICES_SCHEMA,
        orient="row",
    )
    used = set(version_of.values())
    versions, tiers, fees = version_frames(v for v in signed if v.pk in used)
    return CheckInput(
        frames={
            "lines": _lines(invoices),
            "invoices": invoice_frame,
            "versions": versions,
            "tiers": tiers,
            "fees": fees,
            "received": _received(order_of, heads),
            "requests": pl.DataFrame(
                [
                    (a, c.strip().upper())
                    for a, c in FeeRequest.objects.filter(
                        agreement_id__in=agreements, cancelled_at__isnull=True
                    )
                    .values_list("agreement_id", "code")
                    .distinct()
                ],
                schema=REQUESTS_SCHEMA,
                orient="row",
            ),
            "billings": _billings(agreements),
        },
        po_dates=po_dates,
    )


def _lines(invoices: QuerySet[Invoice]) -> pl.DataFrame:
    rows = InvoiceLine.objects.filter(invoice__in=invoices.order_by().values("pk")).values_list(
        "pk",
        "invoice_id",
        "line_number",
        "kind",
        "description",
        "part_number",
        "fee_code",
        "quantity",
        "unit_price",
        "amount",
    )
    return pl.DataFrame(
        [
            (pk, inv, n, kind, desc, part, code, _e4(q), _e6(p), _cents(a))
            for pk, inv, n, kind, desc, part, code, q, p, a in rows.iterator(chunk_size=20_000)
        ],
        schema=LINES_SCHEMA,
        orient="row",
    )


def _received(order_of: dict[int, int], heads: list[dict[str, Any]]) -> pl.DataFrame:
    """What each invoice may still bill on its PO: the accepted quantities, per part and for
    the whole PO (part ""), less what earlier invoices of the agreement (by date, then id)
    billed on the same PO, so that the same receipt is never billed twice."""
    per_part = (
        Delivery.objects.filter(line__order_id__in=set(order_of.values()))
        .order_by()
        .values_list("line__order_id", "line__part__number")
        .annotate(accepted=Sum(F("quantity") - F("rejected_quantity")))
    )
    by_order = pl.DataFrame(
        [(o, p, _e4(Decimal(a))) for o, p, a in per_part],
        schema={"order_id": pl.Int64, "part_number": pl.String, "received": pl.Int128},
        orient="row",
    )
    by_order = pl.concat(
        [
            by_order,
            by_order.group_by("order_id")
            .agg(pl.col("received").sum())
            .with_columns(pl.lit("").alias("part_number")),
        ],
        how="diagonal",
    )
    keyed = [h for h in heads if h["pk"] in order_of]
    invoices = pl.DataFrame(
        {
            "invoice_id": [h["pk"] for h in keyed],
            "order_id": [order_of[h["pk"]] for h in keyed],
            "date": [h["date"] for h in keyed],
        },
        schema={"invoice_id": pl.Int64, "order_id": pl.Int64, "date": pl.Date},
    )
    billed = _billed_before(invoices, keyed)
    return (
        invoices.join(by_order, on="order_id")
        .join(billed, on=["invoice_id", "part_number"], how="left")
        .with_columns(
            (pl.col("received") - pl.col("billed").fill_null(0))
            .clip(lower_bound=0)
            .alias("received")
        )
        .select(list(RECEIVED_SCHEMA))
        .cast(RECEIVED_SCHEMA)  # type: ignore[arg-type]
    )


def _billed_before(invoices: pl.DataFrame, heads: list[dict[str, Any]]) -> pl.DataFrame:
    """Per invoice: the part quantities that earlier invoices of its agreement billed on the
    same PO, per part and in all (part "")."""
    rows = (
        InvoiceLine.objects.filter(
            kind=InvoiceLineKind.PART,
            invoice__withdrawn_at__isnull=True,
            invoice__agreement_id__in={h["agreement_id"] for h in heads},
            invoice__po_reference__in={h["po_reference"] for h in heads},
        )
        .order_by()
        .values_list(
            "invoice_id",
            "invoice__agreement_id",
            "invoice__po_reference",
            "invoice__date",
            "part_number",
        )
        .annotate(quantity=Sum("quantity"))
    )
    lines = pl.DataFrame(
        [(i, a, po, d, part, _e4(Decimal(q))) for i, a, po, d, part, q in rows],
        schema={
            "earlier_id": pl.Int64,
            "agreement_id": pl.Int64,
            "po_reference": pl.String,
            "earlier_date": pl.Date,
            "part_number": pl.String,
            "billed": pl.Int128,
        },
        orient="row",
    )
    lines = pl.concat([lines, lines.with_columns(pl.lit("").alias("part_number"))], how="vertical")
    keys = pl.DataFrame(
        [(h["pk"], h["agreement_id"], h["po_reference"]) for h in heads],
        schema={"invoice_id": pl.Int64, "agreement_id": pl.Int64, "po_reference": pl.String},
        orient="row",
    )
    earlier = (pl.col("earlier_date") < pl.col("date")) | (
        (pl.col("earlier_date") == pl.col("date")) & (pl.col("earlier_id") < pl.col("invoice_id"))
    )
    return (
        keys.join(invoices.select("invoice_id", "date"), on="invoice_id")
        .join(lines, on=["agreement_id", "po_reference"])
        .filter(earlier)
        .group_by("invoice_id", "part_number")
        .agg(pl.col("billed").sum())
    )


def _billings(agreements: list[int]) -> pl.DataFrame:
    rows = (
        InvoiceLine.objects.filter(
            invoice__agreement_id__in=agreements, invoice__withdrawn_at__isnull=True
        )
        .exclude(kind=InvoiceLineKind.PART)
        .exclude(fee_code="")
        .values_list(
            "invoice__agreement_id",
            "fee_code",
            "invoice__date",
            "invoice_id",
            "line_number",
            "invoice__number",
        )
    )
    return pl.DataFrame(
        [(a, c.strip().upper(), d, i, n, num) for a, c, d, i, n, num in rows],
        schema=BILLINGS_SCHEMA,
        orient="row",
    )


def check_invoices(invoices: QuerySet[Invoice]) -> pl.DataFrame:
    """invoice_check.check_lines over every line of these invoices."""
    return check_lines(**check_input(invoices).frames)


TOTALS_SCHEMA = {
    "invoice_id": pl.Int64,
    "rated_id": pl.Int64,  # the issuer: the agreement's partner
    "invoice_date": pl.Date,
    "invoiced": pl.Float64,  # the check's totals, in the invoice's currency
    "agreed": pl.Float64,
}


def invoice_totals(invoices: QuerySet[Invoice]) -> pl.DataFrame:
    """The check's totals of each of these invoices checked against its agreement: a signed
    version was in force at its PO's date and the invoice is in that version's currency (an
    invoice in another currency is all disputed, never converted, and not compared). One
    check over all their lines at once (TOTALS_SCHEMA)."""
    if not invoices.exists():
        return pl.DataFrame(schema=TOTALS_SCHEMA)
    frames = check_input(invoices).frames
    checked = check_lines(**frames)
    compared = (
        frames["invoices"]
        .join(
            frames["versions"].select("version_id", pl.col("currency").alias("agreed_currency")),
            on="version_id",
        )
        .filter(pl.col("currency") == pl.col("agreed_currency"))
        .select("invoice_id", "invoice_date")
    )
    issuers = pl.DataFrame(
        list(invoices.order_by().values_list("pk", "agreement__partner_id")),
        schema={"invoice_id": pl.Int64, "rated_id": pl.Int64},
        orient="row",
    )
    sums = checked.group_by("invoice_id").agg(
        (pl.col("amount").sum().cast(pl.Float64) / 100).alias("invoiced"),
        (pl.col("agreed").sum().cast(pl.Float64) / 100).alias("agreed"),
    )
    return (
        compared.join(issuers, on="invoice_id")
        .join(sums, on="invoice_id")
        .select(list(TOTALS_SCHEMA))
        .cast(TOTALS_SCHEMA)  # type: ignore[arg-type]
        .sort("invoice_id")
    )


# One invoice as people read it --------------------------------------------------------------

HEADERS = [
    "line",
    "kind",
    "description",
    "part",
    "fee code",
    "quantity",
    "unit price",
    "amount",
    "verdict",
    "agreed",
    "disputed",
    "deviation",
    "deciding term",
]


@dataclass(frozen=True)
class CheckedLine:
    line: InvoiceLine
    verdict: str
    term: str
    agreed: Decimal
    disputed: Decimal
    deviation_percent: Decimal | None

    def cells(self) -> list[Any]:
        line = self.line
        return [
            line.line_number,
            line.kind,
            line.description,
            line.part_number,
            line.fee_code,
            plain_number(line.quantity),
            plain_number(line.unit_price),
            format(line.amount, "f"),
            self.verdict,
            format(self.agreed, "f"),
            format(self.disputed, "f"),
            "" if self.deviation_percent is None else f"{self.deviation_percent:+}%",
            self.term,
        ]

    def as_dict(self) -> dict[str, Any]:
        return dict(zip([h.replace(" ", "_") for h in HEADERS], self.cells(), strict=True))


@dataclass(frozen=True)
class InvoiceReport:
    invoice: Invoice
    po_date: dt.date
    lines: list[CheckedLine]
    invoiced: Decimal
    agreed: Decimal
    disputed: Decimal

    def totals(self) -> dict[str, str]:
        return {
            "invoiced": format(self.invoiced, "f"),
            "agreed": format(self.agreed, "f"),
            "disputed": format(self.disputed, "f"),
        }


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2).quantize(CENT)


def invoice_report(invoice: Invoice) -> InvoiceReport:
    """The check of one invoice, line by line, with its totals."""
    data = check_input(Invoice.objects.filter(pk=invoice.pk))
    checked = check_lines(**data.frames)
    lines = {line.pk: line for line in invoice.lines.all()}
    out = []
    for row in checked.iter_rows(named=True):
        bp = row["deviation_bp"]
        out.append(
            CheckedLine(
                line=lines[row["line_id"]],
                verdict=row["verdict"],
                term=row["term"] or "",
                agreed=_money(row["agreed"]),
                disputed=_money(row["disputed"]),
                deviation_percent=None if bp is None else Decimal(bp).scaleb(-2),
            )
        )
    return InvoiceReport(
        invoice=invoice,
        po_date=data.po_dates[invoice.pk],
        lines=out,
        invoiced=sum((line.line.amount for line in out), Decimal("0.00")),
        agreed=sum((line.agreed for line in out), Decimal("0.00")),
        disputed=sum((line.disputed for line in out), Decimal("0.00")),
    )
