"""RFQs: the issue's comparison at landed cost, need-to-know, awarding, bad quotes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accord.agreements.access import quotes_visible_to
from accord.agreements.models import Agreement, RfqQuote
from accord.agreements.rfq_queries import comparison_rows
from accord.agreements.rfq_services import award_quote, invite_to_rfq, submit_quote
from accord.agreements.tests.rfq_sample import QUOTE_A, QUOTE_B, ebx2_rfq, quote
from accord.core.access import today
from accord.core.errors import Conflict, InvalidInput
from accord.orgs.services import register_nda


@pytest.fixture
def rfq(people, programs, boms, orgs):
    return ebx2_rfq(people, programs, boms, orgs)


@pytest.fixture
def two_quotes(rfq, people, programs, orgs):
    """EMS A (Meridian) and EMS B (Brightline, under a renewed NDA) quoted."""
    register_nda(
        actor=None,
        reference="NDA-HAL-BRL-2027",
        party_a=orgs["halcyon"],
        party_b=orgs["brightline"],
        effective_date=today() - dt.timedelta(days=1),
        expiry_date=None,
        programs=[programs["EBX2"]],
    )
    invite_to_rfq(actor=people["oem_buyer"], rfq=rfq, organisation=orgs["brightline"])
    a = submit_quote(actor=people["ems_planner"], rfq=rfq, quote=quote(QUOTE_A))
    b = submit_quote(actor=people["nda_expired_partner"], rfq=rfq, quote=quote(QUOTE_B))
    return a, b


def _by_volume(rows):
    return {(r.volume, r.supplier.split()[0]): r for r in rows}


def test_the_issues_comparison_landed_cost_reverses_the_headline_price(rfq, two_quotes, people):
    rows = comparison_rows(rfq, quotes_visible_to(people["oem_buyer"]), today())
    got = _by_volume(rows)
    a, b = "Meridian", "Brightline"
    # 500: A buys 500 (its MOQ) at 12.40 + 0.15 freight: (500 x 12.55 + 6,050.00) / 500
    #      = (6,275.00 + 6,050.00) / 500 = 24.65.
    #      B buys its MOQ 1,000 at 11.90 + 0.40 + 0.05: (1,000 x 12.35 + 1,500.00) / 500
    #      = 13,850.00 / 500 = 27.70, with 500 units of excess.
    assert got[(500, a)].landed == Decimal("24.6500")
    assert (got[(500, b)].landed, got[(500, b)].buy_qty, got[(500, b)].excess) == (
        Decimal("27.7000"),
        1000,
        500,
    )
    # 5,000: A (5,000 x (9.80 + 0.15) + 6,050.00) / 5,000 = (49,750.00 + 6,050.00) / 5,000 = 11.16
    #        B (5,000 x (10.20 + 0.45) + 1,500.00) / 5,000 = (53,250.00 + 1,500.00) / 5,000 = 10.95
    assert got[(5000, a)].landed == Decimal("11.1600")
    assert got[(5000, b)].landed == Decimal("10.9500")
    # 50,000: A (50,000 x 8.25 + 6,050.00) / 50,000 = 418,550.00 / 50,000 = 8.3710
    #         B (50,000 x 9.05 + 1,500.00) / 50,000 = 454,000.00 / 50,000 = 9.0800
    assert got[(50000, a)].landed == Decimal("8.3710")
    assert got[(50000, b)].landed == Decimal("9.0800")
    # Headline (tier) price picks B at 500 (11.90 < 12.40) and A at 5,000 (9.80 < 10.20);
    # landed cost the reverse.
    assert (got[(500, b)].headline_rank, got[(500, a)].headline_rank) == (1, 2)
    assert (got[(5000, a)].headline_rank, got[(5000, b)].headline_rank) == (1, 2)
    assert (got[(500, a)].landed_rank, got[(500, b)].landed_rank) == (1, 2)
    assert (got[(5000, b)].landed_rank, got[(5000, a)].landed_rank) == (1, 2)
    assert not any(r.expired for r in rows)


def test_an_ems_sees_only_its_own_quote(rfq, two_quotes, people):
    a, b = two_quotes
    assert list(quotes_visible_to(people["ems_planner"])) == [a]
    assert list(quotes_visible_to(people["nda_expired_partner"])) == [b]
    rows = comparison_rows(rfq, quotes_visible_to(people["ems_planner"]), today())
    assert {r.supplier for r in rows} == {"Meridian Electronics Manufacturing"}
    for persona in ("other_oem_user", "outsider", "supplier_rep", "ems_quality"):
        assert not quotes_visible_to(people[persona]).exists()


def test_an_expired_quote_is_marked_and_not_awarded(rfq, people):
    submitted = submit_quote(actor=people["ems_planner"], rfq=rfq, quote=quote(QUOTE_A, -1))
    rows = comparison_rows(rfq, quotes_visible_to(people["oem_buyer"]), today())
    assert all(r.expired for r in rows)
    with pytest.raises(Conflict):
        award_quote(actor=people["oem_buyer"], rfq=rfq, quote=submitted)


def test_awarding_drafts_the_quote_as_sow_terms(rfq, people, orgs):
    submitted = submit_quote(actor=people["ems_planner"], rfq=rfq, quote=quote(QUOTE_A))
    agreement = award_quote(actor=people["oem_buyer"], rfq=rfq, quote=submitted)
    terms = agreement.versions.get().terms
    assert [
        (t["from_quantity"], t["to_quantity"], t["unit_price"]) for t in terms["price_tiers"]
    ] == [
        (500, 4999, "12.40"),
        (5000, 49999, "9.80"),
        (50000, None, "8.10"),
    ]
    assert (terms["moq"], terms["order_multiple"]) == (500, 100)
    assert {(f["code"], f["basis"], f["amount"]) for f in terms["fees"]} == {
        ("FRT", "per_unit", "0.15"),
        ("NRE", "one_time", "6050.00"),
    }
    rfq.refresh_from_db()
    assert (rfq.status, rfq.awarded_quote) == ("awarded", submitted)


def test_awarding_to_a_partner_with_an_agreement_makes_a_new_draft_version(rfq, people, agreement):
    from accord.agreements.services import sign_agreement_version

    digest = agreement.versions.get().terms_hash
    for signer in ("oem_buyer", "ems_planner"):
        sign_agreement_version(actor=people[signer], agreement=agreement, terms_hash=digest)
    changed = {
        **QUOTE_A,
        "tiers": [{**QUOTE_A["tiers"][0], "unit_price": "12.00"}, *QUOTE_A["tiers"][1:]],
    }
    submitted = submit_quote(actor=people["ems_planner"], rfq=rfq, quote=quote(changed))
    assert award_quote(actor=people["oem_buyer"], rfq=rfq, quote=submitted) == agreement
    draft = agreement.versions.get(number=2)
    assert draft.status == "draft"
    assert draft.terms["price_tiers"][0]["unit_price"] == "12.00"
    # The clauses the quote does not speak of are kept.
    assert draft.terms["definitions"] == agreement.versions.get(number=1).terms["definitions"]
    assert Agreement.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "clause"),
    [
        (
            {
                "tiers": [
                    {
                        "from_quantity": 500,
                        "to_quantity": 999,
                        "unit_price": "12.40",
                        "currency": "USD",
                    },
                    {"from_quantity": 2000, "unit_price": "9.80", "currency": "USD"},
                ]
            },
            "price tiers 500 and 2,000",
        ),
        (
            {
                "tiers": [
                    {
                        "from_quantity": 500,
                        "to_quantity": 5000,
                        "unit_price": "12.40",
                        "currency": "USD",
                    },
                    {"from_quantity": 5000, "unit_price": "9.80", "currency": "USD"},
                ]
            },
            "price tiers 500 and 5,000",
        ),
        (
            {"tiers": [{"from_quantity": 500, "unit_price": "0", "currency": "USD"}]},
            "price tier 500",
        ),
        (
            {"tiers": [{"from_quantity": 500, "unit_price": "-1.00", "currency": "USD"}]},
            "price tier 500",
        ),
        (
            {
                "tiers": [
                    {"from_quantity": 500, "unit_price": "12.40", "currency": "USD"},
                    {"from_quantity": 5000, "unit_price": "9.80", "currency": "EUR"},
                ]
            },
            "price_tiers",
        ),
        ({"nre": "1.234,50"}, "nre"),
        ({"fees": [{"code": "FRT", "amount": "0.15"}]}, "fee FRT"),
        (
            {"fees": [{"code": "FRT", "basis": "per_unit", "amount": "0.15", "currency": "EUR"}]},
            "fee FRT",
        ),
    ],
)
def test_a_bad_quote_is_refused_naming_the_clause_and_nothing_is_written(
    rfq, people, change, clause
):
    with pytest.raises(InvalidInput) as refused:
        submit_quote(actor=people["ems_planner"], rfq=rfq, quote=quote({**QUOTE_A, **change}))
    assert clause in [p["clause"] for p in refused.value.detail["problems"]]
    assert not RfqQuote.objects.exists()
