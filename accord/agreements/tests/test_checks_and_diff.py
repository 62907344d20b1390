"""The check before signing finds each kind of problem by clause; the diff says what changed."""

from __future__ import annotations

import pytest

from accord.agreements.checks import BomLineRef, check_terms
from accord.agreements.diff import diff_terms
from accord.agreements.queries import program_bom_lines
from accord.agreements.terms import parse_terms
from accord.agreements.tests.sample import EBX2_PARTS, signable


def _problems(terms, lines=()):
    return [(p.clause, p.message) for p in check_terms(parse_terms(terms), lines)]


def test_the_sample_has_no_problem():
    assert _problems(signable()) == []


@pytest.mark.parametrize("word", ["TBD", "ASAP", "reasonable", "Best-effort", "fast", "PREMIUM"])
def test_a_vague_word_without_definition_is_found_anywhere_in_any_case(word):
    terms = signable()
    terms["definitions"] = []
    terms["notes"] = ""
    terms["deadlines"] = [{"what": "Golden sample", "due": f"{word} after the EVT build"}]
    expected = word.lower().replace("-", " ")
    assert _problems(terms) == [
        ("deadline Golden sample due", f'the vague word "{expected}" has no definition')
    ]


def test_vague_words_are_matched_whole_and_a_definition_covers_them():
    terms = signable()
    terms["notes"] = "Breakfast is reasonable. Premiumness and fasting are not words we use."
    assert _problems(terms) == [("notes", 'the vague word "reasonable" has no definition')]
    terms["definitions"].append({"word": "Reasonable", "criterion": "within 5% of list price"})
    assert _problems(terms) == []


def test_an_undefined_word_in_a_criterion_is_found_too():
    terms = signable()
    terms["definitions"][0]["criterion"] = "Class 3, TBD with quality"
    assert _problems(terms) == [
        ('definition "premium" criterion', 'the vague word "tbd" has no definition')
    ]


def test_a_bom_line_without_material_responsibility(db, programs):
    lines = program_bom_lines(programs["EBX2"])
    # EBX2-PCBA rev B: 8 lines, its R4 not fitted; EBX2-L rev A: 3 lines, the PCBA built.
    assert len(lines) == 7 + 2
    assert {line.part for line in lines} == set(EBX2_PARTS)
    terms = signable()
    terms["materials"] = [m for m in terms["materials"] if m["part"] != "HAL-300-0001"]
    terms["materials"][0]["responsibility"] = None  # HAL-100-0001, undecided
    assert _problems(terms, lines) == [
        (
            "materials: BOM EBX2-PCBA rev B line 5",
            "HAL-100-0001 has no material responsibility (turnkey, consigned or customer-directed)",
        ),
        (
            "materials: BOM EBX2-PCBA rev B line 8",
            "HAL-300-0001 has no material responsibility (turnkey, consigned or customer-directed)",
        ),
    ]


def _tiers(*tiers):
    terms = signable()
    terms["price_tiers"] = [
        {"from_quantity": f, "to_quantity": t, "unit_price": p, "currency": c}
        for f, t, p, c in tiers
    ]
    return terms


def test_tiers_with_a_gap_an_overlap_and_a_price_at_zero():
    terms = _tiers(
        (500, 999, "12.40", "USD"),
        (2000, 5999, "10.00", "USD"),  # 1,000 to 1,999 have no price
        (5000, None, "0", "USD"),  # starts inside the tier before it; free
    )
    assert _problems(terms) == [
        ("price tier 5,000", "unit price 0.00 must be above zero"),
        ("price tiers 500 and 2,000", "gap: 1,000 to 1,999 have no price"),
        ("price tiers 2,000 and 5,000", "overlap: a quantity has two prices"),
    ]


def test_tiers_that_start_above_the_moq_end_early_or_mix_currencies():
    terms = _tiers((1000, 4999, "-1.00", "USD"), (5000, 9999, "9.80", "EUR"))
    assert _problems(terms) == [
        ("price_tiers", "mixed currencies EUR, USD: one currency, never converted"),
        ("price tier 1,000", "unit price -1.00 must be above zero"),
        ("price tier 1,000", "gap: the MOQ 500 to 999 have no price"),
        ("price tier 5,000", "gap: above 9,999 there is no price"),
    ]


def test_tiers_from_the_same_quantity_overlap():
    terms = _tiers((500, None, "12.40", "USD"), (500, None, "12.00", "USD"))
    assert _problems(terms) == [("price tiers 500 and 500", "overlap: a quantity has two prices")]


def test_a_fee_without_basis_or_currency_and_a_decision_without_owner_or_deadline():
    terms = signable()
    terms["fees"].append({"code": "HND", "description": "Handling", "amount": "120.00"})
    terms["decision_rights"].append({"decision": "Engineering change"})
    assert _problems(terms) == [
        ("fee HND", "no basis (one-time, per unit, per shipment or per event)"),
        ("fee HND", "no currency"),
        ("decision Engineering change", "no owner (buyer or partner)"),
        ("decision Engineering change", "no deadline to answer"),
    ]


def test_every_kind_of_problem_at_once_is_listed_by_clause():
    terms = signable()
    terms["notes"] = "TBD"
    terms["fees"][0].pop("currency")
    terms["decision_rights"][0].pop("owner")
    terms["price_tiers"][1]["unit_price"] = "0.00"
    lines = [BomLineRef(bom="BOM X rev A", position=1, part="NOT-IN-TERMS")]
    assert [clause for clause, _ in _problems(terms, lines)] == [
        "notes",
        "materials: BOM X rev A line 1",
        "price tier 5,000",
        "fee NRE",
        "decision Alternate part approval",
    ]


def test_the_diff_names_each_changed_clause_in_words():
    old = signable()
    new = signable()
    new["price_tiers"][1]["unit_price"] = "9.60"
    new["inspection"]["workmanship_class"] = 3
    new["moq"] = 1000
    new["fees"] = [f for f in new["fees"] if f["code"] != "EXP"]
    new["fees"].append({"code": "PKG", "basis": "per_unit", "amount": "0.05", "currency": "USD"})
    new["materials"][0]["responsibility"] = "consigned"
    new["definitions"][0]["criterion"] = "IPC-A-610 Class 3"
    new["invoice_tolerance_percent"] = "1.0"
    assert diff_terms(parse_terms(old), parse_terms(new)) == [
        'definition "premium" criterion: IPC-A-610 Class 3 and no cosmetic defect over 0.5 mm '
        "visible at 40 cm under 1,000 lux → IPC-A-610 Class 3",
        "material HAL-100-0001: turnkey → consigned",
        "inspection class: 2 → 3",
        "tier 5,000: 9.80 → 9.60",
        "MOQ: 500 → 1,000",
        "fee EXP removed",
        "fee PKG added: per_unit, 0.05, USD",
        "invoice tolerance %: 0.5 → 1",
    ]


def test_the_diff_of_equal_terms_in_another_order_is_empty():
    old = signable()
    new = signable()
    new["price_tiers"].reverse()
    new["fees"].reverse()
    assert diff_terms(parse_terms(old), parse_terms(new)) == []
