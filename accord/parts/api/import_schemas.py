"""Schemas of the import endpoints: the multipart form fields, the dry run, the results."""

from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field

from accord.api.schemas import InputSchema, LongText, ProgramRef, Text
from accord.parts.bom_import.inputs import LIMITS_TEXT

OVERRIDES_HELP = (
    'Column choices as a JSON object {"column index": "field" or null}, 0 being the first '
    'column, e.g. {"2": "value", "5": null}. Fields: item, designators, quantity, value, '
    "footprint, description, manufacturer, mpn, supplier, supplier_pn, lcsc, datasheet, "
    "part_number, dnp, fitted, notes, value_or_mpn, alt_manufacturer_N, alt_mpn_N; null ignores "
    "the column. "
    "Omitted: the mapping your organisation chose last time for this header layout, else the "
    "automatic one."
)


class BomImportForm(InputSchema):
    """The form fields beside the file (multipart/form-data)."""

    program: Text = Field(
        min_length=1,
        max_length=40,
        description="The program's id or code (a program of your organisation you are a member "
        "of).",
    )
    assembly: Text = Field(
        min_length=1, max_length=80, description="Part number of the assembly the BOM builds."
    )
    assembly_description: Text = Field("", max_length=500)
    revision: Text = Field(min_length=1, max_length=20)
    sheet: Text | None = Field(
        None,
        max_length=120,
        description="Sheet of a workbook; default: the one that looks most like a BOM.",
    )
    # JSON: a script may send it pretty-printed, over several lines.
    overrides: LongText | None = Field(None, max_length=20_000, description=OVERRIDES_HELP)
    approve_alternates: bool = Field(
        False, description="Alternate MPNs become approved sources (else pending)."
    )
    strict: bool = Field(
        False,
        description="A designator on two rows is an error that blocks the import (else a "
        "warning naming both rows).",
    )
    count_designators: bool = Field(
        False,
        description="Each line's quantity is the number of its designators instead of the "
        "file's quantity (which is kept, and a mismatch reported, by default).",
    )
    dry_run: bool = Field(
        False, description="true: answer the preview and write nothing (not even the upload)."
    )


class ImportProblemOut(Schema):
    severity: Literal["error", "warning", "info"]
    code: str
    message: str
    file: str
    sheet: str | None
    row: int | None = Field(description="Spreadsheet row, 1-based.")
    column: str | None = Field(description="Header text and column letter, e.g. 'Qty (B)'.")


class ImportColumnOut(Schema):
    index: int
    header: str
    field: str | None
    confidence: float = Field(description="0 to 1; 1 for a choice of yours.")


class ImportSourceOut(Schema):
    manufacturer: str
    mpn: str
    rank: int
    status: str


class ImportAlternateOut(Schema):
    manufacturer: str
    mpn: str


class ImportLineOut(Schema):
    position: int
    row: int
    part_number: str
    match: Literal["part_number", "mpn", "value_package", "new"]
    quantity: str
    designators: list[str]
    dnp: bool = Field(description="true when none of the line's designators is fitted")
    dnp_designators: list[str] = Field(description="The line's designators that are not fitted")
    manufacturer: str = Field(description="The primary source's manufacturer, as in the file")
    mpn: str = Field(description="The primary MPN, as in the file")
    alternates: list[ImportAlternateOut]
    value: str
    parameters: dict[str, str]
    package: str
    sources: list[ImportSourceOut]


class ImportSummaryOut(Schema):
    lines: int
    placements: int = Field(description="Designators on every line, fitted or not")
    fitted_placements: int
    dnp_placements: int
    dnp_lines: int = Field(description="Lines none of whose designators is fitted")
    partial_dnp_lines: int = Field(description="Lines with some, not all, designators not fitted")
    lines_with_mpn: int
    new_parts: int
    new_sources: int
    matches: dict[str, int]


class QuantityChangeOut(Schema):
    part_number: str
    old: str
    new: str


class SourcesChangeOut(Schema):
    part_number: str
    old: list[str]
    added: list[str]


class PlacementOut(Schema):
    designator: str
    part_number: str
    value: str
    mpn: str
    fitted: bool


class PlacementChangeOut(Schema):
    designator: str
    changed: list[Literal["part_number", "value", "mpn", "fitted"]]
    old: PlacementOut
    new: PlacementOut


class DesignatorDiffOut(Schema):
    """The revision diff designator by designator."""

    added: list[PlacementOut]
    removed: list[PlacementOut]
    changed: list[PlacementChangeOut]


class BomDiffOut(Schema):
    previous_revision: str
    added: list[str]
    removed: list[str]
    quantity_changed: list[QuantityChangeOut]
    designators_changed: list[str]
    sources_changed: list[SourcesChangeOut]
    designators: DesignatorDiffOut


class BomImportPreviewOut(Schema):
    """The dry run: what Accord understood, and every problem. Nothing was written."""

    dry_run: Literal[True] = True
    program: ProgramRef
    assembly: str
    revision: str
    file: str
    can_commit: bool = Field(description="False while any problem is an error.")
    sheet: str | None
    sheets: list[str]
    header_row: int | None
    remembered_mapping: bool
    columns: list[ImportColumnOut]
    problems: list[ImportProblemOut]
    summary: ImportSummaryOut
    lines: list[ImportLineOut]
    diff: BomDiffOut | None = Field(description="Against the previous revision, if any.")


class BomImportCreatedOut(Schema):
    dry_run: Literal[False] = False
    id: int
    url: str = Field(description="The BOM's page.")
    api_url: str
    program: ProgramRef
    assembly: str
    revision: str
    file: str
    lines: int


class CatalogueImportForm(InputSchema):
    dry_run: bool = Field(
        False,
        description="true: the counts the import would create and change; nothing is written.",
    )


class CatalogueProblemOut(Schema):
    row: int | None
    column: str | None
    message: str


class CatalogueImportOut(Schema):
    dry_run: bool
    kind: str = Field(description="The layout recognised: digikey, cpl, horizon or generic.")
    rows: int = Field(description="Parts read from the file.")
    changed: bool
    manufacturers_created: int
    manufacturer_parts_created: int
    manufacturer_parts_updated: int
    parts_created: int
    sources_created: int
    parameters_created: int
    problem_count: int
    problems: list[CatalogueProblemOut] = Field(description="The first 1,000 rows skipped.")


BOM_IMPORT_DOC = f"""\
Import a BOM file as it is (multipart/form-data: `file` and the fields below). Accepted: \
{LIMITS_TEXT}.

* `dry_run=true`: 200 with the preview (column mapping with confidence, every problem with \
file, sheet, row and column, the lines as understood, the match counts, the diff against the \
previous revision). Nothing is written, not even the upload.
* `dry_run=false`: 201 with the new BOM, written in one transaction; 422 `import_invalid` with \
the problems while the file has errors; 409 when the revision already exists. Send an \
`Idempotency-Key` to retry safely.
* A file refused as a whole (empty, binary, damaged, a zip bomb, not a BOM): 422 \
`import_rejected`; past the size, row or cell limits: 413 `import_too_large`. Nothing is written.
"""

CATALOGUE_IMPORT_DOC = f"""\
Load a parts list (Digi-Key or Octopart CPL export, Horizon EDA pool, or any sheet with \
Manufacturer and MPN columns) into the catalogue and your organisation's parts, idempotently: \
the same file twice changes nothing the second time. People of OEM organisations only. \
Accepted: {LIMITS_TEXT}.

`dry_run=true`: 200 with the counts the import would create and change (nothing is written). \
Otherwise 201 when something changed, 200 when the catalogue already held everything. \
Refused files: 413 `import_too_large` or 422 `import_rejected` / `catalogue_invalid`.
"""
