"""The catalogue's manufacturer parts for the MPNs of one file, and the rules that find a row's
manufacturer part among them.

One query for the whole file, then look-ups. A row names its maker, or names none: then the
part stored without a maker (an earlier file that named none either) is it, else the only
maker's; several makers and none stored without one is `ambiguous`, a problem of the dry run.
An alternate without its own maker is taken as the line's maker's, as the import creates it;
found so again on the next import, whatever other makers of that MPN came since.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from accord.core.db import one_of
from accord.parts.bom_import.catalogue_reads import read_rows
from accord.parts.models import ManufacturerPart
from accord.parts.normalise import manufacturer_key, mpn_key


class MpnLookup:
    def __init__(
        self,
        mpns: Iterable[str],
        *,
        makers: Mapping[str, int],
        unknown_key: str,
    ) -> None:
        """`makers`: manufacturer key -> id of the makers the file names (resolve_manufacturers);
        `unknown_key`: the key of the maker that parts without a named maker are stored under."""
        self.makers = makers
        self.unknown_key = unknown_key
        self.by_pair: dict[tuple[int, str], int] = {}
        self.by_mpn: dict[str, list[int]] = defaultdict(list)
        self.maker_of: dict[int, tuple[int, str]] = {}  # mp id -> (maker id, maker name)
        self.unnamed: dict[str, int] = {}  # MPNs first seen in a file that named no maker
        # Makers this file adds to an MPN (new manufacturer parts): maker id or key -> name.
        self.added: dict[str, dict[int | str, str]] = defaultdict(dict)
        keys = {mpn_key(mpn) for mpn in mpns}
        for mp_id, key, maker_id, maker_key, maker_name in read_rows(
            ManufacturerPart.objects.filter(mpn_key__in=one_of(keys))
            .order_by("pk")
            .values_list(
                "pk", "mpn_key", "manufacturer_id", "manufacturer__key", "manufacturer__name"
            )
        ):
            self.by_pair[(maker_id, key)] = mp_id
            self.by_mpn[key].append(mp_id)
            self.maker_of[mp_id] = (maker_id, maker_name)
            if maker_key == self.unknown_key:
                self.unnamed[key] = mp_id

    def add_file_makers(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Note the makers that the file's rows (maker, MPN, inherited maker) will add to
        their MPNs: those naming a maker (their own or their line's) that the catalogue does
        not know with that MPN."""
        for maker, mpn, inherited in rows:
            named = maker or inherited
            if not mpn or not named or self.find(maker, mpn, inherited=inherited) is not None:
                continue
            maker_key = manufacturer_key(named) or self.unknown_key
            self.added[mpn_key(mpn)].setdefault(self.makers.get(maker_key) or maker_key, named)

    def _named(self, maker: str, key: str) -> int | None:
        maker_id = self.makers.get(manufacturer_key(maker))
        return self.by_pair.get((maker_id, key)) if maker_id else None

    def find(self, maker: str, mpn: str, *, inherited: str = "") -> int | None:
        """The manufacturer part of a row: by its maker and MPN (a maker the catalogue does not
        know with this MPN takes the one stored without a maker, or makes a part of its own);
        without a maker, the `inherited` maker's (an alternate's line), the one stored without
        a maker, else the only one."""
        key = mpn_key(mpn)
        if maker:
            return self._named(maker, key) or self.unnamed.get(key)
        if inherited and (found := self._named(inherited, key)) is not None:
            return found
        if key in self.unnamed:
            return self.unnamed[key]
        candidates = self.by_mpn.get(key, [])
        return candidates[0] if len(candidates) == 1 else None

    def ambiguous(self, maker: str, mpn: str, *, inherited: str = "") -> list[str]:
        """The makers to choose from when the row names none and the catalogue has several."""
        key = mpn_key(mpn)
        if maker or key in self.unnamed:
            return []
        if inherited and self._named(inherited, key) is not None:
            return []
        makers: dict[int | str, str] = {
            self.maker_of[mp][0]: self.maker_of[mp][1] for mp in self.by_mpn.get(key, [])
        }
        makers.update({k: v for k, v in self.added.get(key, {}).items() if k not in makers})
        return sorted(set(makers.values()), key=str.casefold) if len(makers) > 1 else []

    def shown_maker(self, maker: str, mp_id: int | None, *, fallback: str) -> str:
        """The maker the dry run shows for a source: the file's spelling when it names the
        maker of the part found, else the catalogue's name of that maker (the file named none,
        or a maker whose part is stored without one), else `fallback` for a new part."""
        if mp_id is None:
            return maker or fallback
        maker_id, name = self.maker_of[mp_id]
        if maker and self.makers.get(manufacturer_key(maker)) == maker_id:
            return maker
        return name
