"""A new revision against the previous one, designator by designator: what an assembler
checks before building it (which placements appear or go, which change part, value or fit).

Designators compare without case ("LDx" and "LDX" are one); values compare as written but
without case and spaces, MPNs by their key (normalise.mpn_key).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from accord.parts.bom_import.catalogue_reads import read_rows
from accord.parts.bom_import.designators import natural_key
from accord.parts.models import ApprovedSource, Bom
from accord.parts.normalise import mpn_key


@dataclass(frozen=True)
class Placement:
    """One designator of a BOM: the line's part, value, primary MPN and whether it is fitted."""

    designator: str
    part_number: str
    value: str
    mpn: str
    fitted: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "designator": self.designator,
            "part_number": self.part_number,
            "value": self.value,
            "mpn": self.mpn,
            "fitted": self.fitted,
        }


_WORDS = {"part_number": "part number", "value": "value", "mpn": "MPN", "fitted": "fit"}


@dataclass(frozen=True)
class PlacementChange:
    old: Placement
    new: Placement
    # What changed: "part_number", "value", "mpn", "fitted".
    changed: tuple[str, ...]

    @property
    def designator(self) -> str:
        return self.new.designator

    @property
    def said(self) -> str:
        """'value and MPN changed; not fitted → fitted', as the preview and the CLI say it."""
        words = [_WORDS[c] for c in self.changed if c != "fitted"]
        bits = [f"{' and '.join(words)} changed"] if words else []
        if "fitted" in self.changed:
            bits.append("not fitted → fitted" if self.new.fitted else "fitted → not fitted")
        return "; ".join(bits)

    def as_dict(self) -> dict[str, Any]:
        return {
            "designator": self.new.designator,
            "changed": list(self.changed),
            "old": self.old.as_dict(),
            "new": self.new.as_dict(),
        }


@dataclass
class DesignatorDiff:
    added: list[Placement] = field(default_factory=list)
    removed: list[Placement] = field(default_factory=list)
    changed: list[PlacementChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    @property
    def fit_changed(self) -> list[PlacementChange]:
        return [c for c in self.changed if "fitted" in c.changed]

    @property
    def added_not_fitted(self) -> list[Placement]:
        return [p for p in self.added if not p.fitted]

    def as_dict(self) -> dict[str, Any]:
        return {
            "added": [p.as_dict() for p in self.added],
            "removed": [p.as_dict() for p in self.removed],
            "changed": [c.as_dict() for c in self.changed],
        }


def _placements(
    designators: Iterable[str],
    not_fitted: Iterable[str],
    *,
    part_number: str,
    value: str,
    mpn: str,
    dnp: bool,
) -> list[Placement]:
    off = {d.casefold() for d in not_fitted}
    return [
        Placement(d, part_number, value, mpn, fitted=not dnp and d.casefold() not in off)
        for d in designators
    ]


def _split(text: str) -> list[str]:
    return [d.strip() for d in text.split(",") if d.strip()]


def primary_mpns(part_ids: Iterable[int]) -> dict[int, str]:
    """Each part's first source's MPN, in one query."""
    primary: dict[int, str] = {}
    for part_id, mpn in read_rows(
        ApprovedSource.objects.filter(part_id__in=set(part_ids))
        .order_by("part_id", "rank", "pk")
        .values_list("part_id", "manufacturer_part__mpn")
    ):
        primary.setdefault(part_id, mpn)
    return primary


def previous_placements(previous: Bom) -> tuple[list[Any], set[int]]:
    """A stored BOM's lines (designators, not fitted, dnp, value, part number, part id)."""
    lines = read_rows(
        previous.lines.order_by("position").values_list(
            "designators", "dnp_designators", "dnp", "value", "part__number", "part_id"
        )
    )
    return lines, {line[5] for line in lines}


def _stored(lines: list[Any], primary: dict[int, str]) -> dict[str, Placement]:
    out: dict[str, Placement] = {}
    for designators, not_fitted, dnp, value, number, part_id in lines:
        for placement in _placements(
            _split(designators),
            _split(not_fitted),
            part_number=number,
            value=value,
            mpn=primary.get(part_id, ""),
            dnp=dnp,
        ):
            out.setdefault(placement.designator.casefold(), placement)
    return out


def planned_placements(planned: Sequence[Any], primary: dict[int, str]) -> dict[str, Placement]:
    """Every designator of the lines an import plans (matching.PlannedLine). A line matched
    to a part has that part's first MPN, as the stored revision's lines have theirs; a new
    part, the file's."""
    out: dict[str, Placement] = {}
    for line in planned:
        first = min(line.sources, key=lambda s: s.rank).mpn if line.sources else ""
        if line.part_id is not None and line.part_id in primary:
            first = primary[line.part_id]
        for placement in _placements(
            line.designators,
            line.dnp_designators,
            part_number=line.part_number,
            value=line.value,
            mpn=first,
            dnp=line.dnp,
        ):
            out.setdefault(placement.designator.casefold(), placement)
    return out


def _what_changed(old: Placement, new: Placement) -> tuple[str, ...]:
    changed = []
    if old.part_number != new.part_number:
        changed.append("part_number")
    if "".join(old.value.split()).casefold() != "".join(new.value.split()).casefold():
        changed.append("value")
    if mpn_key(old.mpn) != mpn_key(new.mpn):
        changed.append("mpn")
    if old.fitted != new.fitted:
        changed.append("fitted")
    return tuple(changed)


def designator_diff(previous: Bom, planned: Sequence[Any]) -> DesignatorDiff:
    stored, stored_parts = previous_placements(previous)
    primary = primary_mpns(stored_parts | {p.part_id for p in planned if p.part_id is not None})
    old = _stored(stored, primary)
    new = planned_placements(planned, primary)
    diff = DesignatorDiff()

    def order(key: str) -> Any:
        return natural_key((new.get(key) or old[key]).designator)

    for key in sorted(set(new) | set(old), key=order):
        if key not in old:
            diff.added.append(new[key])
        elif key not in new:
            diff.removed.append(old[key])
        else:
            changed = _what_changed(old[key], new[key])
            if changed:
                diff.changed.append(PlacementChange(old[key], new[key], changed))
    return diff
