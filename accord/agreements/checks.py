"""The check before signing: every problem of a version's terms, by clause.

A version is signed only when this finds nothing. It reports what a draft may lack but a
signed agreement may not: a vague word without a definition, a BOM line nobody procures,
price tiers with gaps, overlaps, prices at or below zero or several currencies (never
converted), a fee without basis or currency, a decision without owner or deadline, and (once
certificates are recorded) a required certification the partner lacks.

Pure functions over the terms and the program's BOM lines: no database here (queries.py reads
the lines), so the rules are tested on their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise
from typing import Any

from pydantic import BaseModel

from accord.agreements.terms import Terms

# Words that mean something different to each side until a definition binds them to a
# criterion. Matched whole, in any case; "best effort" also as "best-effort".
VAGUE_WORDS = ("premium", "fast", "asap", "best effort", "reasonable", "tbd")
_VAGUE = re.compile(
    r"\b(" + "|".join(w.replace(" ", r"[\s-]+") for w in VAGUE_WORDS) + r")\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Problem:
    clause: str
    message: str

    def __str__(self) -> str:
        return f"{self.clause}: {self.message}"


@dataclass(frozen=True)
class BomLineRef:
    """A line of one of the program's BOMs that needs material: its BOM, position and part."""

    bom: str
    position: int
    part: str


def _normal(word: str) -> str:
    return re.sub(r"[\s-]+", " ", word.strip().lower())


# How a problem names an item of a keyed list: by its key, as people refer to it.
_ITEM_NAMES = {
    "definitions": lambda d: f'definition "{d.word}"',
    "deadlines": lambda d: f"deadline {d.what}",
    "decision_rights": lambda d: f"decision {d.decision}",
    "materials": lambda m: f"material {m.part}",
    "certifications": lambda c: f"certification {c.standard}",
    "response_slas": lambda s: f"response time {s.subject}",
    "price_tiers": lambda t: f"price tier {t.from_quantity:,}",
    "fees": lambda f: f"fee {f.code}",
    "flex_bands": lambda b: f"flex weeks {b.weeks_from}-{b.weeks_to}",
}


def _texts(model: BaseModel, where: str) -> Iterator[tuple[str, str]]:
    """(clause, text) of every string held anywhere in the terms, a definition's own word
    apart (it names what is defined)."""
    for name, value in model:
        clause = f"{where} {name}" if where else name
        if isinstance(value, Enum):
            continue
        if isinstance(value, str):
            if not (where.startswith("definition ") and name == "word"):
                yield clause, value
        elif isinstance(value, BaseModel):
            yield from _texts(value, clause)
        elif isinstance(value, list):
            item_name = _ITEM_NAMES.get(name)
            for item in value:
                if isinstance(item, BaseModel):
                    yield from _texts(item, item_name(item) if item_name else name)


def vague_words(terms: Terms) -> list[Problem]:
    defined = [_normal(d.word) for d in terms.definitions]
    problems = []
    for clause, text in _texts(terms, ""):
        missing = []
        for match in _VAGUE.finditer(text):
            word = _normal(match.group(1))
            covered = any(re.search(rf"\b{re.escape(word)}\b", d) for d in defined)
            if not covered and word not in missing:
                missing.append(word)
        problems += [
            Problem(clause, f'the vague word "{word}" has no definition') for word in missing
        ]
    return problems


def _qty(n: int) -> str:
    return f"{n:,}"


def price_tier_problems(terms: Terms) -> list[Problem]:
    tiers = terms.price_tiers
    problems = []
    currencies = sorted({t.currency for t in tiers})
    if len(currencies) > 1:
        problems.append(
            Problem(
                "price_tiers",
                f"mixed currencies {', '.join(currencies)}: one currency, never converted",
            )
        )
    for tier in tiers:
        if tier.unit_price <= 0:
            problems.append(
                Problem(
                    f"price tier {_qty(tier.from_quantity)}",
                    f"unit price {tier.unit_price} must be above zero",
                )
            )
        if tier.to_quantity is not None and tier.to_quantity < tier.from_quantity:
            problems.append(
                Problem(
                    f"price tier {_qty(tier.from_quantity)}",
                    f"ends at {_qty(tier.to_quantity)}, before it starts",
                )
            )
    for before, after in pairwise(tiers):
        clause = f"price tiers {_qty(before.from_quantity)} and {_qty(after.from_quantity)}"
        last = before.to_quantity
        if after.from_quantity == before.from_quantity or (
            last is not None and last >= after.from_quantity
        ):
            problems.append(Problem(clause, "overlap: a quantity has two prices"))
        elif last is not None and last + 1 < after.from_quantity:
            problems.append(
                Problem(
                    clause,
                    f"gap: {_qty(last + 1)} to {_qty(after.from_quantity - 1)} have no price",
                )
            )
    if tiers:
        first, final = tiers[0], tiers[-1]
        if terms.moq is not None and first.from_quantity > terms.moq:
            problems.append(
                Problem(
                    f"price tier {_qty(first.from_quantity)}",
                    f"gap: the MOQ {_qty(terms.moq)} to {_qty(first.from_quantity - 1)} "
                    "have no price",
                )
            )
        if final.to_quantity is not None:
            problems.append(
                Problem(
                    f"price tier {_qty(final.from_quantity)}",
                    f"gap: above {_qty(final.to_quantity)} there is no price",
                )
            )
    return problems


def fee_problems(terms: Terms) -> list[Problem]:
    problems = []
    for fee in terms.fees:
        if fee.basis is None:
            problems.append(
                Problem(
                    f"fee {fee.code}",
                    "no basis (one-time, per unit, per shipment or per event)",
                )
            )
        if fee.currency is None:
            problems.append(Problem(f"fee {fee.code}", "no currency"))
    codes = {fee.code for fee in terms.fees}
    for band in terms.flex_bands:
        if band.fee_code is not None and band.fee_code not in codes:
            problems.append(
                Problem(
                    f"flex weeks {band.weeks_from}-{band.weeks_to}",
                    f"fee {band.fee_code} is not in Appendix A",
                )
            )
    return problems


def decision_problems(terms: Terms) -> list[Problem]:
    problems = []
    for right in terms.decision_rights:
        if right.owner is None:
            problems.append(Problem(f"decision {right.decision}", "no owner (buyer or partner)"))
        if right.answer_within_hours is None:
            problems.append(Problem(f"decision {right.decision}", "no deadline to answer"))
    return problems


def material_problems(terms: Terms, lines: Iterable[BomLineRef]) -> list[Problem]:
    decided = {m.part for m in terms.materials if m.responsibility is not None}
    return [
        Problem(
            f"materials: {line.bom} line {line.position}",
            f"{line.part} has no material responsibility (turnkey, consigned or customer-directed)",
        )
        for line in lines
        if line.part not in decided
    ]


def certification_problems(terms: Terms, partner_certifications: Any = None) -> list[Problem]:
    """A required certification the partner lacks. Certificates are not recorded yet (the
    partners app will hold them): until then nothing can be compared and nothing is reported.
    Once they are, report each required standard missing from the partner's valid ones."""
    return []


def check_terms(terms: Terms, lines: Sequence[BomLineRef] = ()) -> list[Problem]:
    """Every problem of the terms, by clause; empty when they may be signed."""
    return [
        *vague_words(terms),
        *material_problems(terms, lines),
        *price_tier_problems(terms),
        *fee_problems(terms),
        *decision_problems(terms),
        *certification_problems(terms),
    ]
