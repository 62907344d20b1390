"""Quotes compared at landed cost and invoices checked against their agreements, at the size
of a real buyer, through the product's path.

    DATABASE_URL=... python benchmarks/agreements.py [--scale 0.1]

Generates, with a fixed seed: an OEM with one program and its buyer, 10 EMS providers under
NDAs covering the program,
- a component RFQ of 2,000 lines (one RFQ per line, at 500 / 5,000 / 50,000), each quoted by
  the 10 EMS: 20,000 quotes with 3 to 4 tiers and 1 to 3 fees each;
- 500 signed agreements with the 10 EMS (3 tiers, 4 Appendix A fees, 0.5% tolerance), a PO
  with its receipt for each, and 1,000 invoices of 100 lines each (100,000 lines: 70% part
  lines priced around the tier, 30% fees, some unknown, some one-time billed twice).
Then, as the buyer:
- compare: accord.agreements.rfq_queries.compare_quotes over every quote the buyer may see
  (quotes_visible_to) at every volume: 60,000 landed costs;
- invoices: accord.agreements.invoice_queries.check_invoices over every invoice the buyer may
  see (invoices_visible_to): 100,000 lines checked.

The naive baseline does it as a per-line report would: for each quote and volume, read the
quote's tiers and fees and price it in Decimal (landed.landed_reference); for each invoice
line, read its invoice, the PO, the version in force, the receipts, the fee requests and the
earlier billings with queries of its own and decide in Decimal. It is timed on a sample and
extrapolated to the whole.

Last line: RESULT bench=agreements db=<vendor> compare_s=... invoices_s=... naive_s=...
speedup=... (naive_s: both baselines extrapolated; speedup: naive_s / (compare_s + invoices_s))
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import prepare_database

SEED = 20261204
EMS_COUNT = 10
NAIVE_QUOTES = 200
NAIVE_LINES = 1000
FEES = [
    ("FRT", "Freight", "per_unit", Decimal("0.15"), False),
    ("EXP", "Expedite", "per_event", Decimal("250.00"), True),
    ("STN", "Stencil", "one_time", Decimal("350.00"), False),
    ("PKG", "Packaging", "per_shipment", Decimal("40.00"), False),
]


def _price(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 4)))


def generate(rfq_lines: int, agreements: int, invoice_lines: int) -> dict[str, Any]:
    from django.utils import timezone

    from accord.agreements.models import (
        Agreement,
        AgreementVersion,
        Invoice,
        InvoiceLine,
        Rfq,
        RfqQuote,
        RfqQuoteFee,
        RfqQuoteTier,
    )
    from accord.agreements.terms import canonical_terms, parse_terms, terms_hash
    from accord.core.db import insert_rows, refresh_planner_statistics
    from accord.orgs.choices import OrganisationKind
    from accord.orgs.models import Organisation, Person
    from accord.orgs.services import create_program, register_nda
    from accord.parts.models import Bom, Part
    from accord.supply.models import Delivery, PurchaseOrder, PurchaseOrderLine, Site

    rng = random.Random(SEED)
    oem = Organisation.objects.create(name="Bench OEM", slug="bench-oem", kind=OrganisationKind.OEM)
    buyer = Person.objects.create(username="bench_buyer", organisation=oem)
    program = create_program(actor=buyer, code="BENCH", name="Bench program")
    assembly = Part.objects.create(owner=oem, number="BENCH-PCBA", description="Bench PCBA")
    bom = Bom.objects.create(program=program, assembly=assembly, revision="A")
    ems = []
    for n in range(EMS_COUNT):
        org = Organisation.objects.create(
            name=f"Bench EMS {n}", slug=f"bench-ems-{n}", kind=OrganisationKind.EMS
        )
        register_nda(
            actor=None,
            reference=f"NDA-BENCH-{n}",
            party_a=oem,
            party_b=org,
            effective_date=dt.date(2020, 1, 1),
            expiry_date=None,
            programs=[program],
        )
        ems.append(org)
    today = timezone.localdate()
    # RFQs, one per component line, each quoted by every EMS.
    insert_rows(
        Rfq,
        ["program", "buyer", "bom", "title", "volumes", "due_date", "status", "created_by"],
        (
            (program.pk, oem.pk, bom.pk, f"Line {i}", [500, 5000, 50000], today, "open", buyer.pk)
            for i in range(rfq_lines)
        ),
    )
    rfq_ids = list(Rfq.objects.order_by("pk").values_list("pk", flat=True))
    insert_rows(
        Rfq.invited.through,
        ["rfq", "organisation"],
        ((r, o.pk) for r in rfq_ids for o in ems),
    )
    insert_rows(
        RfqQuote,
        [
            "rfq",
            "supplier",
            "currency",
            "moq",
            "order_multiple",
            "nre",
            "lead_time_days",
            "valid_until",
            "notes",
            "submitted_by",
        ],
        (
            (
                r,
                o.pk,
                "USD",
                rng.choice([1, 100, 500, 1000]),
                rng.choice([1, 10, 100, 250]),
                _price(rng, 0, 5000).quantize(Decimal("0.01")),
                rng.randint(10, 90),
                today + dt.timedelta(days=rng.randint(-10, 90)),
                "",
                None,
            )
            for r in rfq_ids
            for o in ems
        ),
    )
    quote_ids = list(RfqQuote.objects.order_by("pk").values_list("pk", flat=True))
    tiers, fees = [], []
    for q in quote_ids:
        base = rng.uniform(0.01, 5.0)
        for k, start in enumerate([1, 1000, 10000, 100000][: rng.randint(3, 4)]):
            tiers.append(
                (q, start, Decimal(str(round(base * (1 - 0.08 * k), 6))).max(Decimal("0.000001")))
            )
        for code, desc, basis, amount, _ in rng.sample(FEES, rng.randint(1, 3)):
            fees.append((q, code, desc, basis, amount))
    insert_rows(RfqQuoteTier, ["quote", "from_quantity", "unit_price"], tiers)
    insert_rows(RfqQuoteFee, ["quote", "code", "description", "basis", "amount"], fees)

    # Agreements, each with a signed version, a PO and its receipt.
    signed_at = timezone.now() - dt.timedelta(days=100)
    site = Site.objects.create(organisation=oem, code="bench-hub", name="Bench hub")
    versions = []
    for _ in range(agreements):
        tier_price = _price(rng, 2, 20).quantize(Decimal("0.01"))
        terms = {
            "price_tiers": [
                {
                    "from_quantity": 1,
                    "to_quantity": 999,
                    "unit_price": str(tier_price * Decimal("1.2")),
                    "currency": "USD",
                },
                {
                    "from_quantity": 1000,
                    "to_quantity": 9999,
                    "unit_price": str(tier_price),
                    "currency": "USD",
                },
                {
                    "from_quantity": 10000,
                    "unit_price": str(tier_price * Decimal("0.9")),
                    "currency": "USD",
                },
            ],
            "fees": [
                {
                    "code": c,
                    "description": d,
                    "basis": b,
                    "amount": str(m),
                    "currency": "USD",
                    "written_request_needed": w,
                }
                for c, d, b, m, w in FEES
            ],
            "invoice_tolerance_percent": "0.5",
        }
        versions.append(canonical_terms(parse_terms(terms)))
    insert_rows(
        Agreement,
        ["program", "buyer", "partner", "title", "created_by"],
        (
            (program.pk, oem.pk, ems[a % EMS_COUNT].pk, f"SOW {a}", buyer.pk)
            for a in range(agreements)
        ),
    )
    agreement_ids = list(Agreement.objects.order_by("pk").values_list("pk", flat=True))
    insert_rows(
        AgreementVersion,
        ["agreement", "number", "status", "terms", "terms_hash", "signed_at"],
        (
            (a, 1, "signed", data, terms_hash(data), signed_at)
            for a, data in zip(agreement_ids, versions, strict=True)
        ),
    )
    insert_rows(
        PurchaseOrder,
        ["buyer", "supplier", "program", "number", "currency", "status", "issued_at"],
        (
            (
                oem.pk,
                ems[i % EMS_COUNT].pk,
                program.pk,
                f"PO-{i}",
                "USD",
                "acknowledged",
                timezone.now() - dt.timedelta(days=50),
            )
            for i in range(agreements)
        ),
    )
    po_ids = list(PurchaseOrder.objects.order_by("pk").values_list("pk", flat=True))
    insert_rows(
        PurchaseOrderLine,
        [
            "order",
            "line_number",
            "part",
            "quantity",
            "unit_price",
            "currency",
            "requested_date",
            "received_quantity",
        ],
        (
            (po, 1, assembly.pk, Decimal(10**7), None, "USD", today, Decimal(5 * 10**6))
            for po in po_ids
        ),
    )
    line_ids = list(PurchaseOrderLine.objects.order_by("pk").values_list("pk", flat=True))
    insert_rows(
        Delivery,
        ["line", "site", "quantity", "received_on"],
        ((line, site.pk, Decimal(5 * 10**6), today) for line in line_ids),
    )
    per_invoice = 100
    invoices = max(1, invoice_lines // per_invoice)
    insert_rows(
        Invoice,
        ["agreement", "number", "date", "currency", "po_reference"],
        (
            (
                agreement_ids[i % agreements],
                f"INV-{i}",
                today - dt.timedelta(days=i % 30),
                "USD",
                f"PO-{i % agreements}",
            )
            for i in range(invoices)
        ),
    )
    invoice_ids = list(Invoice.objects.order_by("pk").values_list("pk", "agreement_id"))
    prices = {
        a: Decimal(v["price_tiers"][1]["unit_price"])
        for a, v in zip(agreement_ids, versions, strict=True)
    }
    rows = []
    for invoice, agreement in invoice_ids:
        for n in range(1, per_invoice + 1):
            if rng.random() < 0.7:
                quantity = Decimal(rng.randint(1000, 9999))
                price = (prices[agreement] * Decimal(str(rng.uniform(0.99, 1.01)))).quantize(
                    Decimal("0.0001")
                )
                rows.append(
                    (
                        invoice,
                        n,
                        "part",
                        "PCBA",
                        "BENCH-PCBA",
                        "",
                        quantity,
                        price,
                        (quantity * price).quantize(Decimal("0.01")),
                    )
                )
            else:
                code, desc, _basis, amount, _ = rng.choice(
                    [*FEES, ("XYZ", "Surcharge", "", Decimal("120.00"), False)]
                )
                quantity = Decimal(rng.randint(1, 3))
                rows.append(
                    (
                        invoice,
                        n,
                        "fee",
                        desc,
                        "",
                        code,
                        quantity,
                        amount,
                        (quantity * amount).quantize(Decimal("0.01")),
                    )
                )
    insert_rows(
        InvoiceLine,
        [
            "invoice",
            "line_number",
            "kind",
            "description",
            "part_number",
            "fee_code",
            "quantity",
            "unit_price",
            "amount",
        ],
        rows,
    )
    refresh_planner_statistics()
    return {"buyer": buyer, "quotes": len(quote_ids), "lines": len(rows), "invoices": invoices}


def product(buyer: Any) -> dict[str, Any]:
    from accord.agreements.access import invoices_visible_to, quotes_visible_to
    from accord.agreements.invoice_queries import check_invoices
    from accord.agreements.rfq_queries import compare_quotes
    from accord.core.access import today
    from accord.core.memo import forget_memoised as forget_all

    forget_all()
    start = time.perf_counter()
    compared = compare_quotes(quotes_visible_to(buyer), today())
    compare_s = time.perf_counter() - start
    forget_all()
    start = time.perf_counter()
    checked = check_invoices(invoices_visible_to(buyer))
    invoices_s = time.perf_counter() - start
    return {
        "compare_s": compare_s,
        "invoices_s": invoices_s,
        "compared": compared,
        "checked": checked,
    }


def naive_compare(quote_ids: list[int]) -> float:
    """Per quote and volume: its tiers and fees read with queries of their own, priced in
    Decimal one at a time."""
    from accord.agreements.landed import QuoteFigures, landed_reference
    from accord.agreements.models import RfqQuote

    start = time.perf_counter()
    for pk in quote_ids:
        quote = RfqQuote.objects.select_related("rfq").get(pk=pk)
        for volume in quote.rfq.volumes:
            tiers = list(quote.tiers.values_list("from_quantity", "unit_price"))
            fees = list(quote.fees.values_list("basis", "amount"))
            figures = QuoteFigures(
                tiers=tiers,
                moq=quote.moq,
                order_multiple=quote.order_multiple,
                nre=quote.nre,
                per_unit=sum((a for b, a in fees if b == "per_unit"), Decimal(0)),
                per_shipment=sum((a for b, a in fees if b == "per_shipment"), Decimal(0)),
                one_time=sum((a for b, a in fees if b == "one_time"), Decimal(0)),
            )
            landed_reference(figures, volume)
    return time.perf_counter() - start


def naive_invoices(line_ids: list[int]) -> float:
    """Per invoice line: its invoice, PO, version in force, receipts, requests and earlier
    billings read with queries of their own, decided in Decimal."""
    from django.db.models import F, Sum

    from accord.agreements.models import AgreementVersion, FeeRequest, InvoiceLine
    from accord.agreements.terms import parse_terms
    from accord.supply.models import Delivery, PurchaseOrder

    start = time.perf_counter()
    for pk in line_ids:
        line = InvoiceLine.objects.select_related("invoice__agreement").get(pk=pk)
        invoice = line.invoice
        agreement = invoice.agreement
        order = PurchaseOrder.objects.get(
            buyer_id=agreement.buyer_id,
            supplier_id=agreement.partner_id,
            number=invoice.po_reference,
        )
        assert order.issued_at is not None
        version = (
            AgreementVersion.objects.filter(
                agreement=agreement,
                status__in=["signed", "superseded"],
                signed_at__date__lte=order.issued_at.date(),
            )
            .order_by("-signed_at")
            .first()
        )
        assert version is not None
        terms = parse_terms(version.terms)
        if line.kind == "part":
            tier = [t for t in terms.price_tiers if t.from_quantity <= line.quantity][-1]
            received = Delivery.objects.filter(line__order=order).aggregate(
                n=Sum(F("quantity") - F("rejected_quantity"))
            )["n"]
            limit = tier.unit_price * (1 + (terms.invoice_tolerance_percent or Decimal(0)) / 100)
            billable = min(line.quantity, received or 0)
            price = line.unit_price if line.unit_price <= limit else tier.unit_price
            (billable * price).quantize(Decimal("0.01"))
        else:
            fee = next((f for f in terms.fees if f.code == line.fee_code), None)
            if fee is not None:
                FeeRequest.objects.filter(agreement=agreement, code=fee.code).exists()
                InvoiceLine.objects.filter(
                    invoice__agreement=agreement, fee_code=fee.code, invoice__date__lt=invoice.date
                ).exists()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    vendor = prepare_database("agreements")
    rfq_lines = max(20, int(2000 * args.scale))
    agreements = max(10, int(500 * args.scale))
    invoice_lines = max(1000, int(100_000 * args.scale))
    started = time.perf_counter()
    world = generate(rfq_lines, agreements, invoice_lines)
    print(
        f"generated {rfq_lines:,} RFQ lines x {EMS_COUNT} EMS ({world['quotes']:,} quotes), "
        f"{agreements:,} agreements, {world['invoices']:,} invoices with {world['lines']:,} lines "
        f"in {time.perf_counter() - started:.1f} s"
    )
    from accord.agreements.models import InvoiceLine, RfqQuote
    from accord.orgs.models import Person

    buyer = Person.objects.select_related("organisation").get(pk=world["buyer"].pk)
    product(buyer)  # warm-up: imports, first queries
    result = product(buyer)
    compared, checked = result["compared"], result["checked"]
    print(
        f"compare: {compared.height:,} landed costs in {result['compare_s']:.2f} s; "
        f"invoices: {checked.height:,} lines checked in {result['invoices_s']:.2f} s "
        f"({checked['verdict'].value_counts().sort('verdict').rows()})"
    )
    rng = random.Random(SEED)
    quote_ids = list(RfqQuote.objects.values_list("pk", flat=True))
    line_ids = list(InvoiceLine.objects.values_list("pk", flat=True))
    quotes_sample = rng.sample(quote_ids, min(NAIVE_QUOTES, len(quote_ids)))
    lines_sample = rng.sample(line_ids, min(NAIVE_LINES, len(line_ids)))
    compare_naive = naive_compare(quotes_sample) / len(quotes_sample) * len(quote_ids)
    invoices_naive = naive_invoices(lines_sample) / len(lines_sample) * len(line_ids)
    print(
        f"naive per-quote compare {compare_naive:.1f} s, per-line invoice check "
        f"{invoices_naive:.1f} s (extrapolated from {len(quotes_sample)} quotes and "
        f"{len(lines_sample)} lines)"
    )
    naive_s = compare_naive + invoices_naive
    total = result["compare_s"] + result["invoices_s"]
    print(
        f"RESULT bench=agreements db={vendor} compare_s={result['compare_s']:.2f} "
        f"invoices_s={result['invoices_s']:.2f} naive_s={naive_s:.1f} "
        f"speedup={naive_s / total:.0f}"
    )


if __name__ == "__main__":
    main()
