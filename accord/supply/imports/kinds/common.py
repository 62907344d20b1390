"""What the kinds share: finding parts, manufacturer parts and organisations by what a file
says, from rows read once per file (access.py's import readers)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from accord.parts.normalise import mpn_key
from accord.supply.access import (
    import_manufacturer_parts,
    import_organisations,
    import_parts,
    import_sources,
)
from accord.supply.imports.values import Cells


@dataclass
class PartFinder:
    """Parts by number (any case) and, for a file without part numbers, by an approved
    source's MPN; the person's own organisation's part first when two owners use a number."""

    user: Any
    by_number: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    by_mpn: dict[str, list[tuple[int, str, int]]] = field(default_factory=dict)

    def load(
        self, numbers: Iterable[str], mpns: Iterable[str] = (), *, assemblies: bool = False
    ) -> None:
        grouped: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for pk, number, owner in import_parts(self.user, numbers, assemblies=assemblies):
            grouped[number.upper()].append((pk, owner))
        self.by_number = dict(grouped)
        sources: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
        for key, _mp, part, maker, owner in import_sources(self.user, {mpn_key(m) for m in mpns}):
            sources[key].append((part, maker, owner))
        self.by_mpn = dict(sources)

    def find(
        self, cells: Cells, index: int, number: str, mpn: str, maker: str, *, field: str = "part"
    ) -> int | None:
        own = getattr(self.user, "organisation_id", None)
        if number:
            found = self.by_number.get(number.upper(), [])
            mine = [pk for pk, owner in found if owner == own]
            if len(found) == 1 or len(mine) == 1:
                return mine[0] if len(mine) == 1 else found[0][0]
            if not found:
                cells.error(
                    index, field, "unknown-part", f"No part numbered {number} that you may see."
                )
            else:
                cells.error(
                    index,
                    field,
                    "ambiguous-part",
                    f"Several parts are numbered {number}: ask their owners to tell them apart.",
                )
            return None
        rows = self.by_mpn.get(mpn_key(mpn), [])
        if maker:
            rows = [r for r in rows if r[1].casefold() == maker.casefold()]
        parts = {part for part, _maker, _owner in rows}
        mine_parts = {part for part, _maker, owner in rows if owner == own}
        if len(parts) == 1 or len(mine_parts) == 1:
            return next(iter(mine_parts if len(mine_parts) == 1 else parts))
        if not parts:
            cells.error(
                index,
                "mpn",
                "unknown-part",
                f"No part you may see has {mpn} as an approved source: give its part number.",
            )
        else:
            cells.error(
                index,
                "mpn",
                "ambiguous-part",
                f"{mpn} is an approved source of {len(parts)} parts: give the part number.",
            )
        return None


@dataclass
class MpnFinder:
    """Manufacturer parts the person may name, by MPN and (when several makers use it) name."""

    user: Any
    by_key: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def load(self, mpns: Iterable[str]) -> None:
        grouped: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for key, pk, maker in import_manufacturer_parts(self.user, {mpn_key(m) for m in mpns}):
            grouped[key].append((pk, maker))
        self.by_key = dict(grouped)

    def find(self, cells: Cells, index: int, mpn: str, maker: str) -> int | None:
        found = self.by_key.get(mpn_key(mpn), [])
        if maker and len(found) > 1:
            found = [row for row in found if row[1].casefold() == maker.casefold()] or found
        if len(found) == 1:
            return found[0][0]
        if not found:
            cells.error(
                index,
                "mpn",
                "unknown-mpn",
                f"No manufacturer part {mpn} is known: add it to the catalogue first.",
            )
        else:
            makers = ", ".join(sorted(m for _pk, m in found))
            cells.error(
                index,
                "manufacturer",
                "ambiguous-mpn",
                f"{mpn} is made by {makers}: name the manufacturer.",
            )
        return None


class OrgFinder:
    """Organisations among a visible set, by name (any case) or slug."""

    def __init__(self, organisations: Any, names: Iterable[str]) -> None:
        self.by_name: dict[str, tuple[int, str, str]] = {}
        for pk, name, slug, kind in import_organisations(organisations, names):
            self.by_name[name.upper()] = (pk, name, kind)
            self.by_name[slug.upper()] = (pk, name, kind)

    def get(self, name: str) -> tuple[int, str, str] | None:
        return self.by_name.get(name.strip().upper())


def column_values(cells: Cells, name: str) -> set[str]:
    """The distinct stripped values of a column (for the one query of each kind)."""
    column = cells.table.columns.get(name)
    if column is None:
        return set()
    return {row[column].strip() for row in cells.table.rows if column < len(row)} - {""}
