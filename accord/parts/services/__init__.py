"""Every write to parts, sources, BOMs and imports. Split by subject; import from here."""

from accord.parts.services.boms import BomLineInput, create_bom, set_bom_status
from accord.parts.services.catalogue import (
    add_approved_source,
    create_part,
    get_or_create_category,
    get_or_create_manufacturer,
    refresh_part_rollups,
    set_source_status,
    update_part,
)
from accord.parts.services.imports import import_bom, remember_column_mapping

__all__ = [
    "BomLineInput",
    "add_approved_source",
    "create_bom",
    "create_part",
    "get_or_create_category",
    "get_or_create_manufacturer",
    "import_bom",
    "refresh_part_rollups",
    "remember_column_mapping",
    "set_bom_status",
    "set_source_status",
    "update_part",
]
