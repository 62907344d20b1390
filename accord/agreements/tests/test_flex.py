"""Flex checks of build-schedule changes against the agreement in force, and change requests
against the SOW: the rules, with the arithmetic written out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accord.agreements.change_check import AMENDMENT, IN_SOW, NOT_IN_SOW, check_change_request
from accord.agreements.choices import FlexStatus
from accord.agreements.flex import (
    ACCEPTED,
    FLAGGED,
    REFUSED,
    UNCHECKED,
    change_percent,
    judge,
    weeks_out,
)
from accord.agreements.flex_services import decide_flex_exception
from accord.agreements.models import FlexException
from accord.agreements.services import reinstate_agreement, retire_agreement
from accord.agreements.terms import parse_terms
from accord.agreements.tests.flex_sample import (
    build_due_in,
    flex_terms,
    plant,
    signed_flex_sow,
)
from accord.agreements.tests.sample import draft_ebx2
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.models import Event
from accord.supply.models import BuildVersion
from accord.supply.services import change_build, retire_build

DAY = dt.date(2027, 3, 1)


@pytest.mark.parametrize(
    ("days", "week"),
    [(-3, 1), (0, 1), (1, 1), (7, 1), (8, 2), (14, 2), (15, 3), (28, 4), (29, 5), (56, 8)],
)
def test_weeks_out_counts_whole_weeks_with_week_1_due_within_7_days(days, week):
    assert weeks_out(DAY + dt.timedelta(days=days), DAY) == week


def test_change_percent_is_of_the_old_quantity():
    assert change_percent(Decimal(1000), Decimal(1050)) == Decimal("5.00")  # 50 / 1000
    assert change_percent(Decimal(2000), Decimal(2300)) == Decimal("15.00")  # 300 / 2000
    assert change_percent(Decimal(2000), Decimal(1600)) == Decimal("-20.00")  # -400 / 2000
    assert change_percent(Decimal(0), Decimal(10)) == Decimal("100.00")


def _judge(old, new, days, *, new_days=None):
    due = DAY + dt.timedelta(days=days)
    moved = DAY + dt.timedelta(days=new_days) if new_days is not None else due
    return judge(
        parse_terms(flex_terms()),
        old_quantity=Decimal(old),
        new_quantity=Decimal(new),
        old_due=due,
        new_due=moved,
        today=DAY,
    )


def test_the_issues_three_changes():
    # Weeks 1-4 frozen, 5-8 ±10 %, 9-13 ±25 %.
    # Week 3 (due in 21 days): 1,000 -> 1,050 is inside the frozen window: refused.
    week3 = _judge(1000, 1050, 21)
    assert (week3.outcome, week3.weeks_out, week3.clause) == (
        REFUSED,
        3,
        "frozen window (weeks 1–4)",
    )
    # Week 6 (due in 42 days): 2,000 -> 2,300 is +300 / 2,000 = +15 % > 10 %: flagged, with
    # the flex fee of Appendix A (not the engineering-change one).
    week6 = _judge(2000, 2300, 42)
    assert (week6.outcome, week6.weeks_out, week6.change_percent) == (FLAGGED, 6, Decimal(15))
    assert week6.clause == "flex weeks 5–8 (±10 %)"
    assert [f["code"] for f in week6.fees] == ["FLX"]
    # Week 10 (due in 70 days): 2,000 -> 1,600 is -400 / 2,000 = -20 %, |-20| <= 25: accepted.
    week10 = _judge(2000, 1600, 70)
    assert (week10.outcome, week10.weeks_out, week10.change_percent) == (
        ACCEPTED,
        10,
        Decimal(-20),
    )
    assert week10.fees == []


def test_band_edges_and_beyond_the_bands():
    assert _judge(1000, 1000, 21).outcome == ACCEPTED  # nothing changes
    assert _judge(1000, 1100, 35).outcome == ACCEPTED  # week 5: +10 % = the limit
    assert _judge(1000, 1101, 35).outcome == FLAGGED  # +10.1 %
    assert _judge(1000, 2000, 28).outcome == REFUSED  # day 28 = week 4, frozen
    assert _judge(1000, 750, 91).outcome == ACCEPTED  # week 13: -25 % = the limit
    beyond = _judge(1000, 3000, 92)  # week 14: no band, free
    assert (beyond.outcome, beyond.weeks_out) == (ACCEPTED, 14)


def test_a_move_is_judged_at_the_nearer_date():
    pulled_in = _judge(1000, 1000, 70, new_days=20)  # week 10 -> week 3
    assert (pulled_in.outcome, pulled_in.weeks_out) == (REFUSED, 3)
    pushed_out = _judge(1000, 1000, 20, new_days=70)  # week 3 -> week 10: week 3 bites
    assert pushed_out.outcome == REFUSED
    assert _judge(1000, 1000, 40, new_days=70).outcome == ACCEPTED  # 0 % in week 6


def test_terms_without_flex_clauses_are_not_checked():
    terms = flex_terms()
    terms["frozen_window"], terms["flex_bands"] = None, []
    verdict = judge(
        parse_terms(terms),
        old_quantity=Decimal(1000),
        new_quantity=Decimal(5000),
        old_due=DAY,
        new_due=DAY,
        today=DAY,
    )
    assert verdict.outcome == UNCHECKED


# Through the build-changing service --------------------------------------------------------


@pytest.fixture
def sow(people, programs, orgs):
    return signed_flex_sow(people, programs, orgs)


def test_a_frozen_window_change_is_refused_with_409_and_nothing_is_written(
    sow, people, programs, orgs, parts
):
    build = build_due_in(people, programs, orgs, parts, days=21, quantity=1000)
    events = Event.objects.count()
    with pytest.raises(Conflict) as refused:
        change_build(actor=people["oem_buyer"], build=build, quantity_due=1050)
    assert refused.value.http_status == 409
    assert refused.value.detail["build_id"] == build.pk
    assert refused.value.detail["weeks_out"] == 3
    assert refused.value.detail["clause"] == "frozen window (weeks 1–4)"
    assert f"Build {build.pk}" in refused.value.message
    assert "week 3" in refused.value.message
    build.refresh_from_db()
    assert (build.quantity, build.version) == (Decimal(1000), 1)
    assert BuildVersion.objects.filter(build=build).count() == 1
    assert Event.objects.count() == events
    # Retiring it is taking it to nothing: refused too; a firmness change alone is allowed.
    with pytest.raises(Conflict):
        retire_build(actor=people["oem_buyer"], build=build)
    change_build(actor=people["oem_buyer"], build=build, firmness="firm")
    assert not FlexException.objects.exists()


def test_beyond_the_band_the_change_stands_and_an_exception_waits_for_the_ems(
    sow, people, programs, orgs, parts
):
    build = build_due_in(people, programs, orgs, parts, days=42, quantity=2000)
    changed = change_build(actor=people["oem_buyer"], build=build, quantity_due=2300)
    assert (changed.quantity, changed.version) == (Decimal(2300), 2)
    exception = FlexException.objects.get()
    assert exception.agreement == sow
    assert exception.version.number == 1
    assert exception.build_version == BuildVersion.objects.get(build=build, version=2)
    assert exception.weeks_out == 6
    assert (exception.from_quantity, exception.to_quantity) == (Decimal(2000), Decimal(2300))
    assert exception.change_percent == Decimal("15.00")  # 300 / 2,000
    assert exception.allowed_percent == Decimal(10)
    assert exception.band == "flex weeks 5–8 (±10 %)"
    assert [(f["code"], f["amount"]) for f in exception.fees] == [("FLX", "300.00")]
    assert exception.status == FlexStatus.PENDING
    event = Event.objects.filter(verb="changed build").latest("id")
    assert event.changes["flex check"] == FLAGGED
    assert event.changes["flex exception"] == exception.pk

    # The buyer who made the change does not decide it; the EMS does, once.
    with pytest.raises(Forbidden):
        decide_flex_exception(actor=people["oem_buyer"], exception=exception, accept=True)
    decided = decide_flex_exception(
        actor=people["ems_planner"], exception=exception, accept=True, note="Line 2 has room"
    )
    assert (decided.status, decided.decided_by, decided.note) == (
        FlexStatus.ACCEPTED,
        people["ems_planner"],
        "Line 2 has room",
    )
    assert decided.decided_at is not None
    assert Event.objects.filter(verb="accepted flex exception", object_id=str(decided.pk)).exists()
    with pytest.raises(Conflict):
        decide_flex_exception(actor=people["ems_planner"], exception=decided, accept=False)
    with pytest.raises(InvalidInput):
        decide_flex_exception(
            actor=people["ems_planner"], exception=decided, accept=False, note="x" * 301
        )


def test_within_the_band_the_change_is_accepted_silently(sow, people, programs, orgs, parts):
    build = build_due_in(people, programs, orgs, parts, days=70, quantity=2000)
    changed = change_build(actor=people["oem_buyer"], build=build, quantity_due=1600)
    assert changed.quantity == Decimal(1600)
    assert not FlexException.objects.exists()
    assert Event.objects.filter(verb="changed build").latest("id").changes["flex check"] == ACCEPTED


def test_no_signed_agreement_or_the_buyers_own_site_means_no_check(people, programs, orgs, parts):
    draft_ebx2(people["oem_buyer"], programs["EBX2"], orgs["meridian"], flex_terms())
    build = build_due_in(people, programs, orgs, parts, days=21, quantity=1000)
    assert change_build(actor=people["oem_buyer"], build=build, quantity_due=1050).version == 2


def test_a_retired_agreement_governs_no_schedule_and_reinstated_it_does_again(
    sow, people, programs, orgs, parts
):
    build = build_due_in(people, programs, orgs, parts, days=21, quantity=1000)
    retire_agreement(actor=people["oem_buyer"], agreement=sow, reason="Program ended")
    assert change_build(actor=people["oem_buyer"], build=build, quantity_due=1050).version == 2
    reinstate_agreement(actor=people["oem_buyer"], agreement=sow)
    with pytest.raises(Conflict):
        change_build(actor=people["oem_buyer"], build=build, quantity_due=1100)


def test_a_build_at_the_owners_own_site_is_not_checked(sow, people, programs, orgs, parts):
    own = plant(orgs, "halcyon")
    build = build_due_in(people, programs, orgs, parts, days=21, quantity=1000, site=own)
    assert change_build(actor=people["oem_buyer"], build=build, quantity_due=1050).version == 2


def test_a_build_without_a_site_takes_the_programs_only_ems_agreement(
    sow, people, programs, orgs, parts
):
    build = build_due_in(people, programs, orgs, parts, days=21, quantity=1000, with_site=False)
    with pytest.raises(Conflict):
        change_build(actor=people["oem_buyer"], build=build, quantity_due=1050)


# Change requests -------------------------------------------------------------------------


def test_change_requests_answer_in_the_sow_amendment_or_not_in_it():
    terms = flex_terms()
    same = check_change_request(terms, "price_tiers[5000].unit_price", "9.80")
    assert (same.answer, same.current) == (IN_SOW, "9.80")
    # 9.8 and 9.80 are one price.
    assert check_change_request(terms, "price_tiers[5,000].unit_price", 9.8).answer == IN_SOW
    cheaper = check_change_request(terms, "price_tiers[5000].unit_price", "9.60")
    assert cheaper.answer == AMENDMENT
    assert cheaper.clause == "tier 5,000: 9.80 → 9.60"
    assert [f["code"] for f in cheaper.fees] == ["ECO"]
    assert "amendment" in cheaper.message and "ECO 450.00 USD" in cheaper.message
    aql = check_change_request(terms, "inspection.aql", "1.0")
    assert (aql.answer, aql.clause) == (AMENDMENT, "inspection AQL: 0.65 → 1")
    premium = check_change_request(terms, "definitions[premium]", "IPC-A-610 Class 2")
    assert premium.answer == AMENDMENT
    assert premium.clause.startswith('definition "premium" criterion: IPC-A-610 Class 3')
    fee = check_change_request(terms, "fees[EXP].amount", 300)
    assert fee.clause == "fee EXP amount: 250.00 → 300.00"
    missing = check_change_request(terms, "fees[EXPEDITE].amount", 300)
    assert missing.answer == NOT_IN_SOW
    assert check_change_request(terms, "definitions[cheap]", "x").answer == NOT_IN_SOW
    assert check_change_request(terms, "moq", 500).answer == IN_SOW
    band = check_change_request(terms, "flex_bands[5-8]", 15)
    assert band.clause == "flex weeks 5–8 allowed change %: 10 → 15"


def test_a_change_request_without_an_engineering_change_fee_says_so():
    terms = flex_terms()
    terms["fees"] = [f for f in terms["fees"] if f["code"] != "ECO"]
    answer = check_change_request(terms, "moq", 600)
    assert answer.clause == "MOQ: 500 → 600"
    assert answer.fees == []
    assert "Appendix A has no engineering-change fee" in answer.message


@pytest.mark.parametrize(
    ("term", "value", "field"),
    [
        ("bogus", 1, "term"),
        ("price_tiers.unit_price", 1, "term"),
        ("inspection.colour", 1, "term"),
        ("moq.size", 1, "term"),
        ("", 1, "term"),
        ("price_tiers[5000].unit_price", "1.234,50", "value"),
        ("moq", -5, "value"),
    ],
)
def test_a_bad_term_or_value_is_refused_naming_it(term, value, field):
    with pytest.raises(InvalidInput) as refused:
        check_change_request(flex_terms(), term, value)
    assert refused.value.detail["field"] == field


# A band that names its fee ---------------------------------------------------------------

# The hashes of the sample terms before FlexBand had a fee_code: a band without one keeps them.
SIGNABLE_HASH = "b7065c03f8cbf165fb196ed2c77b0f903080aa61763a6a786754b4bac78eeb99"
FLEX_TERMS_HASH = "03c25d3d5ae529c66840304719efe28bb901a09b77a04d0eccfeb43fbc0e3c4a"


def test_bands_without_a_fee_code_keep_their_hash():
    from accord.agreements.terms import canonical_terms, terms_hash
    from accord.agreements.tests.sample import signable

    assert terms_hash(signable()) == SIGNABLE_HASH
    assert terms_hash(flex_terms()) == FLEX_TERMS_HASH
    assert "fee_code" not in canonical_terms(parse_terms(flex_terms()))["flex_bands"][0]
    named = flex_terms()
    named["flex_bands"][0]["fee_code"] = "FLX"
    assert terms_hash(named) != FLEX_TERMS_HASH
    assert canonical_terms(parse_terms(named))["flex_bands"][0]["fee_code"] == "FLX"


def test_a_band_naming_its_fee_triggers_that_fee_only_and_the_check_knows_the_code():
    from accord.agreements.checks import check_terms
    from accord.agreements.diff import diff_terms

    terms = flex_terms()
    terms["fees"].append(
        {"code": "UPS", "description": "Upside capacity", "basis": "per_event", "amount": "90"}
    )
    terms["fees"][-1]["currency"] = "USD"
    terms["flex_bands"][0]["fee_code"] = "UPS"
    parsed = parse_terms(terms)
    # Week 6: 2,000 -> 2,300 = +15 % > 10 %: the band's own fee, not FLX.
    verdict = judge(
        parsed,
        old_quantity=Decimal(2000),
        new_quantity=Decimal(2300),
        old_due=DAY + dt.timedelta(days=42),
        new_due=DAY + dt.timedelta(days=42),
        today=DAY,
    )
    assert [(f["code"], f["amount"]) for f in verdict.fees] == [("UPS", "90.00")]
    assert (
        diff_terms(parse_terms(flex_terms()), parsed)[-1] == "flex weeks 5–8 fee code: none → UPS"
    )
    terms["flex_bands"][0]["fee_code"] = "NOPE"
    problems = [str(p) for p in check_terms(parse_terms(terms))]
    assert any("fee NOPE is not in Appendix A" in p for p in problems)
