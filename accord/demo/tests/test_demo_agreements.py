"""The demo's agreements (accord/demo/agreements.py): the issue's SOW, quotes and invoice, with
the figures the product computes from them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accord.agreements.access import quotes_visible_to
from accord.agreements.choices import VersionStatus
from accord.agreements.diff import diff_terms
from accord.agreements.invoice_queries import invoice_report
from accord.agreements.models import Agreement, Invoice, Rfq
from accord.agreements.rfq_queries import comparison_rows
from accord.agreements.terms import parse_terms
from accord.core.access import today
from accord.demo.agreements import (
    INVOICE_NUMBER,
    RFQ_TITLE,
    SECOND_EMS_ADMIN,
    SOW_TITLE,
    load_agreements,
)
from accord.demo.loader import import_real_files, world_from_db
from accord.demo.supply import load_supply_story
from accord.orgs.models import Person


@pytest.fixture
def demo_agreements(db):
    world = world_from_db()
    import_real_files(world)
    load_supply_story(world)
    load_agreements(world)
    return Agreement.objects.get(title=SOW_TITLE)


def test_the_earbuds_sow_is_signed_three_times_with_premium_defined(demo_agreements):
    sow = demo_agreements
    assert (sow.buyer.slug.split("-")[0], sow.partner.slug.split("-")[0]) == (
        "halcyon",
        "meridian",
    )
    versions = {v.number: v for v in sow.versions.all()}
    assert {n: v.status for n, v in versions.items()} == {
        1: VersionStatus.SUPERSEDED,
        2: VersionStatus.SUPERSEDED,
        3: VersionStatus.SIGNED,
    }
    signers = {(s.side, s.signer.username) for s in versions[3].signatures.filter(voided_at=None)}
    assert signers == {("buyer", "oem_buyer"), ("partner", "ems_planner")}
    v1, v3 = (parse_terms(versions[n].terms) for n in (1, 3))
    premium = {d.word: d.criterion for d in v3.definitions}["premium"]
    assert premium.startswith("IPC-A-610 Class 3")
    assert "premium" not in {d.word for d in v1.definitions}
    changes = " ".join(str(c) for c in diff_terms(v1, v3))
    assert "10.20" in changes and "9.80" in changes, changes


def test_the_quotes_compare_at_landed_cost_as_in_the_issue(demo_agreements):
    rfq = Rfq.objects.get(title=RFQ_TITLE)
    buyer = Person.objects.get(username="oem_buyer")
    rows = {
        (r.volume, r.supplier.split()[0]): r
        for r in comparison_rows(rfq, quotes_visible_to(buyer), today())
    }
    landed = {key: row.landed for key, row in rows.items()}
    assert landed == {
        (500, "Meridian"): Decimal("24.6500"),
        (500, "Corvid"): Decimal("27.7000"),
        (5000, "Meridian"): Decimal("11.1600"),
        (5000, "Corvid"): Decimal("10.9500"),
        (50000, "Meridian"): Decimal("8.3710"),
        (50000, "Corvid"): Decimal("9.0800"),
    }
    assert (rows[(500, "Corvid")].buy_qty, rows[(500, "Corvid")].excess) == (1000, 500)
    # The headline price picks Corvid at 500 and Meridian at 5,000; landed cost the reverse.
    assert rows[(500, "Corvid")].headline_rank == rows[(500, "Meridian")].landed_rank == 1
    assert rows[(5000, "Meridian")].headline_rank == rows[(5000, "Corvid")].landed_rank == 1
    # Each EMS sees its own quote only.
    for username, own in (("ems_planner", "Meridian"), (SECOND_EMS_ADMIN, "Corvid")):
        person = Person.objects.get(username=username)
        suppliers = {q.supplier.name.split()[0] for q in quotes_visible_to(person)}
        assert suppliers == {own}


def test_the_invoice_is_checked_against_sow_v3(demo_agreements):
    report = invoice_report(Invoice.objects.get(number=INVOICE_NUMBER))
    assert [c.verdict for c in report.lines] == [
        "over",
        "match",
        "not_requested",
        "billed_twice",
        "not_in_appendix_a",
    ]
    assert "v3 price tier 5,000: 9.80 USD" in report.lines[0].term
    assert (report.invoiced, report.agreed, report.disputed) == (
        Decimal("50720.00"),
        Decimal("49750.00"),
        Decimal("970.00"),
    )
