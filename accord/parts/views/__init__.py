"""Pages of the parts app: parts and their sources (parts.py), BOMs (boms.py)."""

from accord.parts.views.boms import bom_detail, bom_export, bom_list
from accord.parts.views.parts import part_detail, part_list, part_source_add, part_source_status

__all__ = [
    "bom_detail",
    "bom_export",
    "bom_list",
    "part_detail",
    "part_list",
    "part_source_add",
    "part_source_status",
]
