"""A quote as typed data, made of the agreement's own clause types (terms.py): its price tiers
are PriceTiers and its fees Appendix A Fees, so that an awarded quote becomes draft terms
without translation and the same check refuses the same mistakes in both.

A quote is refused whole, every problem named by its clause, when its tiers have gaps or
overlaps, a price at or below zero, several currencies (never converted), a fee without basis,
or a fee in another currency than the tiers'."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, ValidationError

from accord.agreements.checks import Problem, fee_problems, price_tier_problems
from accord.agreements.choices import FeeBasis
from accord.agreements.terms import Fee, Money, PriceTier, Quantity, Terms, _clause
from accord.api.schemas import InputSchema, LongText, WholeNumber
from accord.core.errors import InvalidInput


class QuoteTerms(InputSchema):
    """What an invited EMS answers: tiers (from quantity, unit price), MOQ, order multiple,
    NRE, Appendix A fees, lead time and how long the offer stands."""

    tiers: list[PriceTier] = Field(min_length=1, max_length=100)
    moq: Quantity
    order_multiple: Quantity = 1
    nre: Money = Decimal("0.00")
    fees: list[Fee] = Field(default_factory=list, max_length=100)
    lead_time_days: Annotated[WholeNumber, Field(ge=0, le=3650)]
    valid_until: dt.date
    notes: Annotated[LongText, Field(max_length=2000)] = ""


def parse_quote(data: Any) -> QuoteTerms:
    """The quote, or InvalidInput listing every refused clause (tiers[1].unit_price, "price
    tiers 500 and 1,000: gap ...", "fee FRT: no basis")."""
    if isinstance(data, QuoteTerms):
        quote = data
    else:
        if not isinstance(data, dict):
            raise InvalidInput("A quote is a JSON object.", detail={"field": "quote"})
        try:
            quote = QuoteTerms.model_validate(data)
        except ValidationError as error:
            problems = [
                {
                    "clause": _clause(tuple(e["loc"])),
                    "message": str(e["msg"]).removeprefix("Value error, "),
                }
                for e in error.errors()
            ]
            _refuse(problems)
    problems = [{"clause": p.clause, "message": p.message} for p in quote_problems(quote)]
    if problems:
        _refuse(problems)
    return quote


def _refuse(problems: list[dict[str, str]]) -> None:
    listed = "; ".join(f"{p['clause']}: {p['message']}" for p in problems)
    raise InvalidInput(f"Refused clauses: {listed}", detail={"problems": problems})


def as_terms(quote: QuoteTerms) -> Terms:
    return Terms(
        price_tiers=sorted(quote.tiers, key=lambda t: t.from_quantity),
        moq=quote.moq,
        order_multiple=quote.order_multiple,
        fees=quote.fees,
    )


def quote_problems(quote: QuoteTerms) -> list[Problem]:
    terms = as_terms(quote)
    problems = [*price_tier_problems(terms), *fee_problems(terms)]
    currency = quote_currency(quote)
    # The fee's own check accepts a fee without currency in a draft SOW; in a quote the tiers'
    # currency is meant, and another one is a mix that would be converted silently.

    for fee in terms.fees:
        if fee.currency is not None and fee.currency != currency:
            problems.append(
                Problem(
                    f"fee {fee.code}",
                    f"in {fee.currency}, the tiers in {currency}: one currency, never converted",
                )
            )
        if fee.amount < 0:
            problems.append(Problem(f"fee {fee.code}", "a fee is not negative"))
    if quote.nre < 0:
        problems.append(Problem("nre", "the NRE is not negative"))
    return [p for p in problems if not p.message.startswith("no currency")]


def quote_currency(quote: QuoteTerms) -> str:
    return sorted(quote.tiers, key=lambda t: t.from_quantity)[0].currency


def award_terms(quote: QuoteTerms, base: Terms | None = None) -> Terms:
    """The quote as SOW terms: its tiers (each ending where the next starts), MOQ, multiple
    and fees, the NRE as the one-time fee NRE; every other clause of `base` (the agreement's
    current terms, when there is one) kept."""
    currency = quote_currency(quote)
    tiers = sorted(quote.tiers, key=lambda t: t.from_quantity)
    bounded = [
        PriceTier(
            from_quantity=tier.from_quantity,
            to_quantity=following.from_quantity - 1 if following else None,
            unit_price=tier.unit_price,
            currency=currency,
        )
        for tier, following in zip(tiers, [*tiers[1:], None], strict=True)
    ]
    fees = [
        fee.model_copy(update={"currency": currency}) for fee in quote.fees if fee.code != "NRE"
    ]
    if quote.nre > 0:
        fees.append(
            Fee(
                code="NRE",
                description="Non-recurring engineering (from the awarded quote)",
                basis=FeeBasis.ONE_TIME,
                amount=quote.nre,
                currency=currency,
            )
        )
    data = (base or Terms()).model_dump()
    data |= {
        "price_tiers": [t.model_dump() for t in bounded],
        "moq": quote.moq,
        "order_multiple": quote.order_multiple,
        "fees": [f.model_dump() for f in fees],
    }
    return Terms.model_validate(data)
