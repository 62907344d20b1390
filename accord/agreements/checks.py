"""The check before signing: every problem of a version's terms, by clause.

A version is signed only when this finds nothing. It reports what a draft may lack but a
signed agreement may not: a vague word without a definition, a BOM line nobody procures,
price tiers with gaps, overlaps, prices at or below zero or several currencies (never
converted), a fee without basis or currency, a decision without owner or deadline, and (once
certificates are recorded) a required certification the partner lacks. What it cannot tell
(a partner with no certificate recorded) is a note that does not block signing.

Pure functions over the terms and the program's BOM lines: no database here (queries.py reads
the lines), so the rules are tested on their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from itertools import pairwise

from pydantic import BaseModel

from accord.agreements.terms import Certification, Terms

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


@dataclass(frozen=True)
class PartnerCertificates:
    """What the partner's sites hold on the day of the check: whether it has recorded any
    certificate at all, and the (standard, IPC-A-610 class or None) of each one in force
    (not retired, not suspended, the day within its dates). Read by partners/queries.py."""

    partner: str
    recorded: bool
    held: frozenset[tuple[str, int | None]] = frozenset()


# The standards certificates record (partners.choices.Standard), as a term may write them:
# "ISO 13485:2016", "iso13485", "IPC-A-610 Class 3", "IPC-A-610H class 2".
_STANDARDS = ("ISO 9001", "ISO 13485", "IATF 16949", "AS9100", "IPC-A-610", "UL", "ITAR")


def _standard_pattern(standard: str) -> re.Pattern[str]:
    body = r"[\s-]*".join(re.escape(piece) for piece in re.split(r"[\s-]+", standard))
    # Not followed by more of a number or a word, but for a revision letter (AS9100D).
    after = r"[A-Za-z]?" if standard in ("AS9100", "IPC-A-610") else ""
    after += r"(?![0-9A-Za-z])"
    return re.compile(rf"^\s*{body}{after}", re.IGNORECASE)


_STANDARD_PATTERNS = [(s, _standard_pattern(s)) for s in _STANDARDS]
_CLASS = re.compile(r"\bclass\s*([123])\b", re.IGNORECASE)


def required_standard(requirement: Certification) -> tuple[str, int | None] | None:
    """(standard, IPC-A-610 class or None) a term requires, or None when it names a standard
    certificates do not record (RoHS and REACH stay on approved sources)."""
    standard = next((s for s, p in _STANDARD_PATTERNS if p.match(requirement.standard)), None)
    if standard is None:
        return None
    if standard != "IPC-A-610":
        return standard, None
    found = _CLASS.search(requirement.standard) or _CLASS.search(requirement.scope)
    return standard, int(found.group(1)) if found else None


def _holds(held: frozenset[tuple[str, int | None]], standard: str, ipc_class: int | None) -> bool:
    """A listing of a higher IPC-A-610 class covers a lower one (Class 3 is the strictest)."""
    return any(
        s == standard and (ipc_class is None or (c is not None and c >= ipc_class)) for s, c in held
    )


def certification_problems(
    terms: Terms, partner: PartnerCertificates | None = None
) -> list[Problem]:
    """Each required certification that none of the partner's sites holds in force today
    (none valid or expiring: expired, suspended, not yet valid, retired or never recorded),
    once the partner has recorded certificates. A partner with none recorded cannot be
    compared: certification_notes says so, without blocking."""
    if partner is None or not partner.recorded:
        return []
    problems = []
    for requirement in terms.certifications:
        required = required_standard(requirement)
        if required is None:
            continue
        standard, ipc_class = required
        if not _holds(partner.held, standard, ipc_class):
            named = f"{standard} Class {ipc_class}" if ipc_class else standard
            problems.append(
                Problem(
                    f"certification {requirement.standard}",
                    f"{partner.partner} holds no valid {named} certificate at any site",
                )
            )
    return problems


def certification_notes(terms: Terms, partner: PartnerCertificates | None = None) -> list[Problem]:
    """What the check cannot tell and the signers should know, without blocking the
    signature: required certifications of a partner that has recorded no certificate."""
    if partner is None or partner.recorded or not terms.certifications:
        return []
    return [Problem("certifications", f"no certificates recorded for {partner.partner}")]


def check_terms(
    terms: Terms,
    lines: Sequence[BomLineRef] = (),
    partner: PartnerCertificates | None = None,
) -> list[Problem]:
    """Every problem of the terms, by clause; empty when they may be signed. `partner`: the
    partner's certificates (None: not compared)."""
    return [
        *vague_words(terms),
        *material_problems(terms, lines),
        *price_tier_problems(terms),
        *fee_problems(terms),
        *decision_problems(terms),
        *certification_problems(terms, partner),
    ]
