"""One BOM import as the user asked for it, whichever door it came through (page, API, CLI):
the dataclass every stage takes, from the dry run to the commit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.orgs.models import Program


@dataclass(frozen=True)
class ImportOptions:
    """The choices a user makes on an import beside the column mapping."""

    # Alternate MPNs become approved sources (else pending).
    approve_alternates: bool = False
    # A designator on two rows blocks the import (else a warning naming both rows).
    strict: bool = False
    # Quantities are counted from the designators instead of taken from the file.
    count_designators: bool = False

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ImportOptions:
        return cls(**{f.name: bool(data.get(f.name, False)) for f in fields(cls)})

    def as_json(self) -> dict[str, bool]:
        return asdict(self)


@dataclass
class BomImportRequest:
    program: Program
    assembly_number: str
    revision: str
    data: bytes
    filename: str
    assembly_description: str = ""
    sheet: str | None = None
    # {column index: field or None}; None: the remembered mapping, else the automatic one.
    overrides: dict[int, str | None] | None = None
    options: ImportOptions = field(default_factory=ImportOptions)
