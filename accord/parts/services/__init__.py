"""Every write to parts, sources, BOMs and imports. Split by subject; import from here."""

from accord.parts.services.boms import BomLineInput, create_bom, set_bom_status
from accord.parts.services.catalogue import (
    add_approved_source,
    create_part,
    get_or_create_category,
    get_or_create_manufacturer,
    record_lifecycle_notice,
    refresh_part_rollups,
    set_source_status,
    update_part,
)
from accord.parts.services.imports import (
    confirm_bom_import,
    discard_bom_import,
    import_bom,
    queue_bom_import,
    remember_column_mapping,
    stage_bom_import,
    update_bom_import,
)

__all__ = [
    "BomLineInput",
    "add_approved_source",
    "confirm_bom_import",
    "create_bom",
    "create_part",
    "discard_bom_import",
    "get_or_create_category",
    "get_or_create_manufacturer",
    "import_bom",
    "queue_bom_import",
    "record_lifecycle_notice",
    "refresh_part_rollups",
    "remember_column_mapping",
    "set_bom_status",
    "set_source_status",
    "stage_bom_import",
    "update_bom_import",
    "update_part",
]
