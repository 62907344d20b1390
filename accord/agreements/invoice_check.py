"""The invoice check: every line of many invoices against the agreement version in force at
each invoice's PO date and the PO's receipts, in a few Polars joins (no Django here;
invoice_queries.py reads the frames from the database).

A part line:
- its unit price against the tier for its quantity (the tier whose from-quantity is the largest
  at or below it): at or below the tier price it matches; above it by at most the invoice
  tolerance (inclusive: 9.849 against 9.80 at 0.5% is within) it is within tolerance and
  accepted; beyond it is over, and the agreed amount is billed quantity x tier price;
- its quantity against what was received (accepted) on the PO for that part (or the whole PO
  when the line names no part): units beyond it are disputed (over received).
A fee line (or another line), by its fee code, else by the fee's description:
- unknown in Appendix A: not in Appendix A, all disputed;
- needs a written request and none is recorded for the agreement: not requested, disputed;
- one-time and billed before (an earlier line of an invoice of the same agreement, by invoice
  date, then invoice, then line): billed twice, disputed;
- else the agreed amount is the fee x the line's quantity; more is over, disputed.
Every line of an invoice in another currency than the agreement's: currency mismatch,
disputed (never converted). A line with no signed version in force at the PO date: no terms.

Amounts are integers: quantities in ten-thousandths, prices in millionths, amounts in cents
(Int128), rounded half up. agreed + disputed = invoiced on every line.
"""

from __future__ import annotations

import polars as pl

from accord.agreements.choices import FeeBasis, InvoiceLineKind, Verdict

LINES_SCHEMA = {
    "line_id": pl.Int64,
    "invoice_id": pl.Int64,
    "line_number": pl.Int64,
    "kind": pl.String,
    "description": pl.String,
    "part_number": pl.String,
    "fee_code": pl.String,
    "quantity": pl.Int128,  # ten-thousandths
    "unit_price": pl.Int128,  # millionths
    "amount": pl.Int128,  # cents
}
INVOICES_SCHEMA = {
    "invoice_id": pl.Int64,
    "agreement_id": pl.Int64,
    "version_id": pl.Int64,  # in force at the PO date; null when none
    "currency": pl.String,
    "invoice_date": pl.Date,
}
VERSIONS_SCHEMA = {
    "version_id": pl.Int64,
    "version_number": pl.Int64,
    "currency": pl.String,  # the tiers'
    "tolerance": pl.Int128,  # percent in ten-thousandths: 0.5% = 5000
    "tolerance_text": pl.String,  # "0.5%"
}
TIERS_SCHEMA = {
    "version_id": pl.Int64,
    "from_quantity": pl.Int128,  # ten-thousandths, as the line quantities
    "tier_price": pl.Int128,
    "tier_term": pl.String,  # "price tier 5,000: 9.80 USD"
}
FEES_SCHEMA = {
    "version_id": pl.Int64,
    "fee_key": pl.String,  # "code:FRT" and "text:freight"
    "fee_code_agreed": pl.String,
    "basis": pl.String,
    "fee_amount": pl.Int128,
    "written_request_needed": pl.Boolean,
    "fee_term": pl.String,  # "fee FRT (per unit, 0.15)"
}
RECEIVED_SCHEMA = {
    "invoice_id": pl.Int64,
    "part_number": pl.String,  # "" for the whole PO
    "received": pl.Int128,  # ten-thousandths
}
REQUESTS_SCHEMA = {"agreement_id": pl.Int64, "fee_code_agreed": pl.String}
BILLINGS_SCHEMA = {
    "agreement_id": pl.Int64,
    "fee_code_agreed": pl.String,
    "invoice_date": pl.Date,
    "invoice_id": pl.Int64,
    "line_number": pl.Int64,
    "invoice_number": pl.String,
}

PERCENT_E4 = 1_000_000  # 100% in ten-thousandths of a percent
# quantity (1e-4) x price (1e-6) = 1e-10; cents are 1e-2.
TO_CENTS = 10**8


def _cents(quantity: pl.Expr, price: pl.Expr) -> pl.Expr:
    return (quantity * price * 2 + TO_CENTS) // (2 * TO_CENTS)


def fee_key(code: pl.Expr, description: pl.Expr) -> pl.Expr:
    """How a line names its fee: by code when it gives one, else by description."""
    return (
        pl.when(code.str.strip_chars() != "")
        .then(pl.lit("code:") + code.str.strip_chars().str.to_uppercase())
        .otherwise(pl.lit("text:") + description.str.strip_chars().str.to_lowercase())
    )


def check_lines(
    lines: pl.DataFrame,
    invoices: pl.DataFrame,
    versions: pl.DataFrame,
    tiers: pl.DataFrame,
    fees: pl.DataFrame,
    received: pl.DataFrame,
    requests: pl.DataFrame,
    billings: pl.DataFrame,
) -> pl.DataFrame:
    """One row per line: verdict, agreed and disputed (cents), the deciding term and, for part
    lines, the tier price and the deviation from it in basis points of a percent."""
    base = lines.join(invoices, on="invoice_id", how="left").join(
        versions.rename({"currency": "agreed_currency"}), on="version_id", how="left"
    )
    parts = _part_lines(base.filter(pl.col("kind") == InvoiceLineKind.PART), tiers, received)
    others = _fee_lines(
        base.filter(pl.col("kind") != InvoiceLineKind.PART), fees, requests, billings
    )
    checked = pl.concat([parts, others], how="diagonal_relaxed")
    no_terms = pl.col("version_id").is_null()
    mismatch = pl.col("currency") != pl.col("agreed_currency")
    checked = checked.with_columns(
        pl.when(no_terms)
        .then(pl.lit(Verdict.NO_TERMS.value))
        .when(mismatch)
        .then(pl.lit(Verdict.CURRENCY_MISMATCH.value))
        .otherwise(pl.col("verdict"))
        .alias("verdict"),
        pl.when(no_terms)
        .then(pl.lit("no signed version in force at the PO date"))
        .when(mismatch)
        .then(pl.lit("currency ") + pl.col("agreed_currency"))
        .otherwise(pl.col("term"))
        .alias("term"),
        pl.when(no_terms | mismatch).then(0).otherwise(pl.col("agreed")).alias("agreed"),
    )
    return (
        checked.with_columns((pl.col("amount") - pl.col("agreed")).alias("disputed"))
        .select(
            "line_id",
            "invoice_id",
            "line_number",
            "verdict",
            "term",
            "amount",
            "agreed",
            "disputed",
            "tier_price",
            "deviation_bp",
        )
        .sort("invoice_id", "line_number")
    )


def _part_lines(rows: pl.DataFrame, tiers: pl.DataFrame, received: pl.DataFrame) -> pl.DataFrame:
    priced = rows.sort("quantity").join_asof(
        tiers.sort("from_quantity"),
        left_on="quantity",
        right_on="from_quantity",
        by="version_id",
        strategy="backward",
        check_sortedness=False,  # both sorted by the key; Polars cannot verify with `by`
    )
    priced = priced.join(received, on=["invoice_id", "part_number"], how="left").with_columns(
        pl.col("received").fill_null(0)
    )
    price, tier = pl.col("unit_price"), pl.col("tier_price")
    within = price * PERCENT_E4 <= tier * (PERCENT_E4 + pl.col("tolerance").fill_null(0))
    billable = pl.min_horizontal("quantity", "received")
    agreed_price = pl.when(within).then(price).otherwise(tier)
    over_received = pl.col("quantity") > pl.col("received")
    return priced.with_columns(
        pl.when(tier.is_null())
        .then(pl.lit(Verdict.NO_TIER.value))
        .when(over_received)
        .then(pl.lit(Verdict.OVER_RECEIVED.value))
        .when(~within)
        .then(pl.lit(Verdict.OVER.value))
        .when(price > tier)
        .then(pl.lit(Verdict.WITHIN_TOLERANCE.value))
        .otherwise(pl.lit(Verdict.MATCH.value))
        .alias("verdict"),
        pl.when(tier.is_null())
        .then(pl.lit("no price tier covers this quantity"))
        .when(over_received)
        .then(pl.col("tier_term") + pl.lit("; receipts on the PO"))
        .otherwise(pl.col("tier_term") + pl.lit(", tolerance ") + pl.col("tolerance_text"))
        .alias("term"),
        pl.when(tier.is_null())
        .then(0)
        .otherwise(pl.min_horizontal(_cents(billable, agreed_price), pl.col("amount")))
        .alias("agreed"),
        pl.when(tier.is_null())
        .then(None)
        .otherwise(((price - tier) * 20000 + tier) // (2 * tier))
        .alias("deviation_bp"),
    )


def _fee_lines(
    rows: pl.DataFrame, fees: pl.DataFrame, requests: pl.DataFrame, billings: pl.DataFrame
) -> pl.DataFrame:
    named = rows.with_columns(fee_key(pl.col("fee_code"), pl.col("description")).alias("fee_key"))
    joined = named.join(fees, on=["version_id", "fee_key"], how="left")
    firsts = (
        billings.sort("invoice_date", "invoice_id", "line_number")
        .group_by("agreement_id", "fee_code_agreed", maintain_order=True)
        .first()
        .rename(
            {
                "invoice_date": "first_date",
                "invoice_id": "first_invoice",
                "line_number": "first_line",
                "invoice_number": "first_number",
            }
        )
    )
    joined = joined.join(firsts, on=["agreement_id", "fee_code_agreed"], how="left").join(
        requests.unique().with_columns(pl.lit(True).alias("requested")),
        on=["agreement_id", "fee_code_agreed"],
        how="left",
    )
    known = pl.col("basis").is_not_null()
    first_billing = (pl.col("first_invoice") == pl.col("invoice_id")) & (
        pl.col("first_line") == pl.col("line_number")
    )
    billed_twice = (
        (pl.col("basis") == FeeBasis.ONE_TIME.value)
        & pl.col("first_invoice").is_not_null()
        & ~first_billing
    )
    not_requested = pl.col("written_request_needed") & pl.col("requested").is_null()
    agreed = pl.min_horizontal(_cents(pl.col("quantity"), pl.col("fee_amount")), pl.col("amount"))
    return joined.with_columns(
        pl.when(~known)
        .then(pl.lit(Verdict.NOT_IN_APPENDIX.value))
        .when(not_requested)
        .then(pl.lit(Verdict.NOT_REQUESTED.value))
        .when(billed_twice)
        .then(pl.lit(Verdict.BILLED_TWICE.value))
        .when(pl.col("amount") > agreed)
        .then(pl.lit(Verdict.OVER.value))
        .otherwise(pl.lit(Verdict.MATCH.value))
        .alias("verdict"),
        pl.when(~known)
        .then(pl.lit("Appendix A"))
        .when(not_requested)
        .then(pl.col("fee_term") + pl.lit(", only on written request"))
        .when(billed_twice)
        .then(
            pl.col("fee_term")
            + pl.lit(", one-time, billed on invoice ")
            + pl.col("first_number")
            + pl.lit(" of ")
            + pl.col("first_date").cast(pl.String)
        )
        .otherwise(pl.col("fee_term"))
        .alias("term"),
        pl.when(~known | not_requested | billed_twice).then(0).otherwise(agreed).alias("agreed"),
    )
