"""Typed terms: Decimal money, refused locale numbers, the canonical JSON and its SHA-256."""

from __future__ import annotations

import hashlib
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.agreements.models import AgreementVersion
from accord.agreements.terms import canonical_json, canonical_terms, parse_terms, terms_hash
from accord.agreements.tests.sample import signable
from accord.core.errors import InvalidInput

TIER = {"from_quantity": 5000, "unit_price": "9.80", "currency": "USD"}


def test_the_hash_is_the_sha256_of_the_canonical_json_written_out():
    terms = {"price_tiers": [TIER], "moq": 500}
    canonical = canonical_json(canonical_terms(parse_terms(terms)))
    assert canonical.startswith('{"certifications":[],"deadlines":[]')
    assert (
        '"price_tiers":[{"currency":"USD","from_quantity":5000,"to_quantity":null,'
        '"unit_price":"9.80"}]' in canonical
    )
    assert " " not in canonical
    assert terms_hash(terms) == hashlib.sha256(canonical.encode()).hexdigest()


def _shuffled(value, rng):
    """The same terms with every object's keys and every keyed list in another order."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        items = [_shuffled(v, rng) for v in value]
        rng.shuffle(items)
        return items
    return value


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_the_hash_ignores_key_and_clause_order(seed):
    terms = signable()
    assert terms_hash(_shuffled(terms, random.Random(seed))) == terms_hash(terms)


@settings(max_examples=60, deadline=None)
@given(cents=st.integers(min_value=1, max_value=10**9))
def test_a_price_hashes_the_same_however_it_is_written(cents):
    price = Decimal(cents) / 100
    forms = {str(price), format(price, ".2f"), format(price, ".4f")}
    hashes = {terms_hash({"price_tiers": [TIER | {"unit_price": f}]}) for f in forms}
    assert len(hashes) == 1
    # And 9.8 is 9.80, shown and stored with two decimals.
    stored = canonical_terms(parse_terms({"price_tiers": [TIER | {"unit_price": str(price)}]}))
    assert stored["price_tiers"][0]["unit_price"] == format(price, ".2f")


def test_a_json_number_is_read_as_written_never_as_binary_float():
    stored = canonical_terms(parse_terms({"price_tiers": [TIER | {"unit_price": 9.8}]}))
    assert stored["price_tiers"][0]["unit_price"] == "9.80"
    tolerance = canonical_terms(parse_terms({"invoice_tolerance_percent": 0.1}))
    assert tolerance["invoice_tolerance_percent"] == "0.1"


@pytest.mark.django_db
def test_the_hash_is_the_same_after_the_database_stored_the_terms(agreement):
    version = AgreementVersion.objects.get(agreement=agreement)
    assert terms_hash(version.terms) == version.terms_hash == terms_hash(signable())


@pytest.mark.parametrize("written", ["1.234,50", "1,234.50", "1 234,50", "12,40", "9.80 USD", ""])
def test_locale_formatted_amounts_are_refused_naming_the_clause(written):
    terms = {"fees": [{"code": "NRE", "amount": "1.00"}, {"code": "EXP", "amount": written}]}
    with pytest.raises(InvalidInput) as refused:
        parse_terms(terms)
    [problem] = refused.value.detail["problems"]
    assert problem["clause"] == "fees[1].amount"
    assert "point for decimals" in problem["message"]
    assert "fees[1].amount" in refused.value.message


def test_other_refusals_name_their_clause():
    with pytest.raises(InvalidInput) as refused:
        parse_terms(
            {
                "price_tiers": [TIER | {"currency": "US$"}],
                "inspection": {"aql": "0.65", "sample_size": 200, "accept": 4, "reject": 4},
                "definitions": [
                    {"word": "Premium", "criterion": "Class 3"},
                    {"word": "premium", "criterion": "Class 2"},
                ],
                "unknown_clause": 1,
            }
        )
    clauses = sorted(p["clause"] for p in refused.value.detail["problems"])
    assert clauses == ["inspection", "price_tiers[0].currency", "unknown_clause"]
    with pytest.raises(InvalidInput, match="definitions: a word named twice: premium"):
        parse_terms({"definitions": [{"word": "Premium", "criterion": "Class 3"}] * 2})
    with pytest.raises(InvalidInput, match=r"price_tiers\[0\]\.unit_price"):
        parse_terms({"price_tiers": [TIER | {"unit_price": True}]})
