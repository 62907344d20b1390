"""Alternates for a part that runs short or is at risk, as the person may see them:

1. Its approved sources first, each with the visible offers for it (supplier, stock, MOQ,
   lead time) and whether that stock covers the gap (the quantity short in the plan).
2. Then parametric candidates from the catalogue: active manufacturer parts of the same kind
   (a resistor for a resistor...) and package, with an equal value; voltage, power and current
   ratings at least as high; a tolerance at least as tight; a temperature range that covers
   the reference's. A candidate that does not state a rating the reference states is left
   out (not proven). Ranked: covered by visible offer stock first, then closest to the
   reference (smallest total margin), then by manufacturer and MPN. Each comes with a
   side-by-side comparison of its parameters with the reference's.

The reference is the first approved source that states a value, else the part's own parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q

from accord.parts.access import manufacturer_parts_visible_to, sources_visible_to
from accord.parts.choices import Lifecycle, SourceStatus
from accord.parts.models import Part
from accord.supply.access import offers_visible_to
from accord.supply.models import SupplierOffer

VALUE_KEYS = ("resistance", "capacitance", "inductance")
AT_LEAST = ("voltage_rated", "power_rated", "current_rated")
AT_MOST = ("tolerance_pct",)
KIND_NAMES = {"resistance": "resistor", "capacitance": "capacitor", "inductance": "inductor"}
CANDIDATE_LIMIT = 20
SCAN_LIMIT = 20_000


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@dataclass(frozen=True)
class OfferView:
    supplier: str
    stock: Decimal | None
    moq: Decimal
    lead_time_days: int | None
    seen_on: Any
    covers: bool


@dataclass(frozen=True)
class SourceOption:
    manufacturer: str
    mpn: str
    status: str
    rank: int
    offers: list[OfferView]

    @property
    def covers(self) -> bool:
        return any(offer.covers for offer in self.offers)


@dataclass(frozen=True)
class Comparison:
    name: str
    reference: str
    candidate: str
    verdict: str  # "equal", "higher", "tighter", "covers", "same", "differs"


@dataclass(frozen=True)
class Candidate:
    manufacturer_part_id: int
    manufacturer: str
    mpn: str
    description: str
    package: str
    comparisons: list[Comparison]
    offers: list[OfferView]
    margin: Decimal

    @property
    def covers(self) -> bool:
        return any(offer.covers for offer in self.offers)


@dataclass
class Alternates:
    part: Part
    gap: Decimal
    kind: str | None  # resistor, capacitor, inductor; None: no parametric search
    reference_package: str
    approved: list[SourceOption] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""  # why there are no parametric candidates


def _offers(person: Any, mp_ids: set[int], gap: Decimal) -> dict[int, list[OfferView]]:
    out: dict[int, list[OfferView]] = {}
    rows = (
        offers_visible_to(person)
        .filter(manufacturer_part_id__in=mp_ids, retired_at__isnull=True)
        .select_related("supplier")
        .order_by("manufacturer_part_id", "-seen_on")
    )
    for offer in rows:
        assert isinstance(offer, SupplierOffer)
        stock = offer.stock_quantity
        out.setdefault(offer.manufacturer_part_id, []).append(
            OfferView(
                supplier=offer.supplier.name,
                stock=stock,
                moq=offer.moq,
                lead_time_days=offer.lead_time_days,
                seen_on=offer.seen_on,
                covers=stock is not None and gap > 0 and stock >= gap,
            )
        )
    return out


def _reference(part: Part, sources: list[Any]) -> tuple[dict[str, Any], str]:
    """The first approved source that states a value (a BOM's own MPN often comes without
    parameters while its qualified second source has them), else the part's own."""
    approved = [s for s in sources if s.status == SourceStatus.APPROVED]
    stated = next(
        (
            s
            for s in approved
            if any(
                _number((s.manufacturer_part.parameters or {}).get(k)) is not None
                for k in VALUE_KEYS
            )
        ),
        None,
    )
    if stated is not None:
        mp = stated.manufacturer_part
        return dict(mp.parameters or {}), (mp.package or part.package)
    own = {p.name: p.value_number for p in part.parameters.all() if p.value_number is not None}
    return own, part.package


def alternates_for(person: Any, part: Part, gap: Decimal) -> Alternates:
    sources = list(sources_visible_to(person, part).order_by("rank"))
    reference, package = _reference(part, sources)
    value_key = next((k for k in VALUE_KEYS if _number(reference.get(k)) is not None), None)
    result = Alternates(
        part=part,
        gap=gap,
        kind=KIND_NAMES.get(value_key or ""),
        reference_package=package,
    )
    source_mps = {s.manufacturer_part_id for s in sources}
    offers = _offers(person, source_mps, gap)
    result.approved = [
        SourceOption(
            manufacturer=s.manufacturer_part.manufacturer.name,
            mpn=s.manufacturer_part.mpn,
            status=s.get_status_display(),
            rank=s.rank,
            offers=offers.get(s.manufacturer_part_id, []),
        )
        for s in sources
        if s.status != SourceStatus.REJECTED
    ]
    if value_key is None or not package:
        result.reason = (
            "No parametric search: the part has no resistance, capacitance or inductance with a "
            "package to match (an IC or a custom part needs an engineer's choice)."
        )
        return result
    wanted = _number(reference[value_key])
    scanned = (
        manufacturer_parts_visible_to(person)
        .filter(lifecycle=Lifecycle.ACTIVE)
        .filter(Q(package__iexact=package) | Q(parameters__case_size__iexact=package))
        .filter(parameters__has_key=value_key)
        .exclude(pk__in=source_mps)
        .select_related("manufacturer")
        .order_by("pk")[:SCAN_LIMIT]
    )
    found: list[Candidate] = []
    for mp in scanned:
        compared = _compare(reference, mp.parameters or {}, value_key, wanted)
        if compared is None:
            continue
        comparisons, margin = compared
        found.append(
            Candidate(
                manufacturer_part_id=mp.pk,
                manufacturer=mp.manufacturer.name,
                mpn=mp.mpn,
                description=mp.description,
                package=mp.package,
                comparisons=comparisons,
                offers=[],
                margin=margin,
            )
        )
    found.sort(key=lambda c: (c.margin, c.manufacturer.casefold(), c.mpn))
    best = found[: CANDIDATE_LIMIT * 5]
    candidate_offers = _offers(person, {c.manufacturer_part_id for c in best}, gap)
    best = [
        Candidate(**{**c.__dict__, "offers": candidate_offers.get(c.manufacturer_part_id, [])})
        for c in best
    ]
    best.sort(key=lambda c: (not c.covers, c.margin, c.manufacturer.casefold(), c.mpn))
    result.candidates = best[:CANDIDATE_LIMIT]
    if not result.candidates:
        result.reason = f"No active {result.kind} in {package} with the same value and ratings."
    return result


def _compare(
    reference: dict[str, Any], candidate: dict[str, Any], value_key: str, wanted: Decimal | None
) -> tuple[list[Comparison], Decimal] | None:
    """The side-by-side rows, and the total relative margin; None when the candidate fails."""
    value = _number(candidate.get(value_key))
    if value is None or wanted is None or value.normalize() != wanted.normalize():
        return None
    rows = [Comparison(value_key, str(reference[value_key]), str(candidate[value_key]), "equal")]
    margin = Decimal(0)
    for name in AT_LEAST:
        ref = _number(reference.get(name))
        if ref is None:
            continue
        got = _number(candidate.get(name))
        if got is None or got < ref:
            return None
        rows.append(
            Comparison(
                name,
                str(reference[name]),
                str(candidate[name]),
                "equal" if got == ref else "higher",
            )
        )
        margin += (got - ref) / ref if ref else Decimal(0)
    for name in AT_MOST:
        ref = _number(reference.get(name))
        if ref is None:
            continue
        got = _number(candidate.get(name))
        if got is None or got > ref:
            return None
        rows.append(
            Comparison(
                name,
                str(reference[name]),
                str(candidate[name]),
                "equal" if got == ref else "tighter",
            )
        )
        margin += (ref - got) / ref if ref else Decimal(0)
    low, high = _number(reference.get("temperature_min")), _number(reference.get("temperature_max"))
    if low is not None or high is not None:
        c_low, c_high = (
            _number(candidate.get("temperature_min")),
            _number(candidate.get("temperature_max")),
        )
        if (low is not None and (c_low is None or c_low > low)) or (
            high is not None and (c_high is None or c_high < high)
        ):
            return None
        rows.append(
            Comparison(
                "temperature range",
                f"{reference.get('temperature_min', '')}..{reference.get('temperature_max', '')}",
                f"{candidate.get('temperature_min', '')}..{candidate.get('temperature_max', '')}",
                "covers",
            )
        )
    for name in ("dielectric",):
        if name in reference or name in candidate:
            same = str(reference.get(name, "")).upper() == str(candidate.get(name, "")).upper()
            rows.append(
                Comparison(
                    name,
                    str(reference.get(name, "")),
                    str(candidate.get(name, "")),
                    "same" if same else "differs",
                )
            )
    return rows, margin
