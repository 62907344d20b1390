"""Pages of the parts app: parts and their sources (parts.py), BOMs (boms.py), imports
of BOM files and parts lists (imports.py)."""

from accord.parts.views.boms import bom_detail, bom_export, bom_list, bom_status
from accord.parts.views.imports import (
    bom_import,
    bom_import_confirm,
    bom_import_discard,
    bom_import_preview,
    bom_import_progress,
    catalogue_import,
    catalogue_import_confirm,
    catalogue_import_discard,
    catalogue_import_preview,
    catalogue_import_progress,
)
from accord.parts.views.my_imports import my_imports
from accord.parts.views.parts import (
    part_detail,
    part_edit,
    part_lifecycle_notice,
    part_list,
    part_source_add,
    part_source_status,
)

__all__ = [
    "bom_detail",
    "bom_export",
    "bom_import",
    "bom_import_confirm",
    "bom_import_discard",
    "bom_import_preview",
    "bom_import_progress",
    "bom_list",
    "bom_status",
    "catalogue_import",
    "catalogue_import_confirm",
    "catalogue_import_discard",
    "catalogue_import_preview",
    "catalogue_import_progress",
    "my_imports",
    "part_detail",
    "part_edit",
    "part_lifecycle_notice",
    "part_list",
    "part_source_add",
    "part_source_status",
]
