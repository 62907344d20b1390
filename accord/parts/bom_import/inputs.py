"""What the upload page, the API and the CLI share: turning what they received into the
arguments of the import services, the dry run as they all show it, and refusals as errors.

Nothing here writes. The page keeps the same request on a BomImport staging row; the API and
the CLI build it from their own input; all three preview and commit through these functions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol

from accord.core.errors import InvalidInput
from accord.core.text import checked_text
from accord.orgs.models import Person
from accord.parts.bom_import.parse import parse_bom_file
from accord.parts.bom_import.preview import (
    ImportPreview,
    preview_as_dict,
    preview_import,
    remembered_overrides,
)
from accord.parts.bom_import.problems import ImportRejected, Problem
from accord.parts.bom_import.request import BomImportRequest, ImportOptions
from accord.parts.bom_import.tables import DEFAULT_MAX_BYTES, DEFAULT_MAX_CELLS, DEFAULT_MAX_ROWS
from accord.parts.bom_import.vocabulary import CANONICAL_FIELDS, field_label, is_valid_field
from accord.parts.models import Bom, BomImport

# .bom, .rpt and .lst: the text reports of OrCAD Capture, Allegro and other EDA tools.
ACCEPTED_SUFFIXES = (
    ".csv",
    ".tsv",
    ".txt",
    ".xlsx",
    ".xlsm",
    ".xls",
    ".xml",
    ".bom",
    ".rpt",
    ".lst",
)
ACCEPT_ATTRIBUTE = ",".join(ACCEPTED_SUFFIXES)
LIMITS_TEXT = (
    "CSV, TSV, TXT, XLSX, XLS, XML or an EDA tool's text BOM report (.bom, .rpt, .lst), up to "
    f"{DEFAULT_MAX_BYTES // (1024 * 1024)} MB, "
    f"{DEFAULT_MAX_ROWS:,} rows and {DEFAULT_MAX_CELLS:,} cells"
)
# Refusals about size answer 413 Payload Too Large; every other refusal 422.
TOO_LARGE_CODES = frozenset({"file-too-large", "too-many-rows", "too-many-cells", "zip-bomb"})
# The value of an override that means "do not import this column".
IGNORE = "-"
ALTERNATE_FIELDS = tuple(f"alt_{kind}_{n}" for n in range(2, 6) for kind in ("manufacturer", "mpn"))


class UploadedFile(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = ...) -> bytes: ...


def problem_dict(problem: Problem) -> dict[str, Any]:
    return {
        "severity": problem.severity,
        "code": problem.code,
        "message": problem.message,
        "file": problem.file,
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
    }


def rejection_error(problems: list[Problem]) -> InvalidInput:
    """A file refused as a whole (empty, too large, hostile, not a BOM) as a DomainError."""
    errors = [p for p in problems if p.severity == "error"] or problems
    codes = {p.code for p in errors}
    too_large = bool(codes & TOO_LARGE_CODES)
    first = errors[0].message if errors else "The file was rejected."
    return InvalidInput(
        f"{first} Nothing was imported. Accord reads {LIMITS_TEXT}.",
        code="import_too_large" if too_large else "import_rejected",
        http_status=413 if too_large else 422,
        detail=[problem_dict(p) for p in errors],
    )


def read_upload(upload: UploadedFile | None, *, field: str = "file") -> tuple[bytes, str]:
    """The bytes and the name of an uploaded file; its size is checked before it is read."""
    if upload is None:
        raise InvalidInput("Choose a file to upload.", detail={"field": field})
    # The base name only, printable characters only (PostgreSQL refuses NUL in text).
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable()).strip()[:255] or "upload"
    size = upload.size or 0
    if size > DEFAULT_MAX_BYTES:
        raise rejection_error(
            [
                Problem(
                    "error",
                    "file-too-large",
                    f"The file is {size / (1024 * 1024):.1f} MB; the limit is "
                    f"{DEFAULT_MAX_BYTES // (1024 * 1024)} MB.",
                    name,
                )
            ]
        )
    return upload.read(DEFAULT_MAX_BYTES + 1), name


def parse_overrides(
    raw: str | Mapping[Any, Any] | None, *, unique: bool = True
) -> dict[int, str | None] | None:
    """Column choices {column index: field, or null/"-" to ignore the column}, from JSON text
    or a mapping. None (or blank) means: no choice, use the remembered or automatic mapping."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise InvalidInput(
                'The column choices must be a JSON object such as {"0": "designators", "3": null}.',
                detail={"field": "overrides"},
            ) from None
    if not isinstance(raw, Mapping):
        raise InvalidInput(
            "The column choices must be a JSON object.", detail={"field": "overrides"}
        )
    overrides: dict[int, str | None] = {}
    for key, value in raw.items():
        try:
            index = int(key)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < 10_000:
            raise InvalidInput(
                f"Column {key!r} is not a column number (0 is the first column).",
                detail={"field": "overrides"},
            )
        if value in (None, "", IGNORE):
            overrides[index] = None
        elif isinstance(value, str) and is_valid_field(value):
            overrides[index] = value
        else:
            raise InvalidInput(
                f"{value!r} is not a field Accord imports. Choose one of "
                f"{', '.join(CANONICAL_FIELDS)}, alt_manufacturer_N, alt_mpn_N, or null.",
                detail={"field": "overrides", "column": index},
            )
    if unique:
        check_unique_fields(overrides)
    return overrides


def check_unique_fields(overrides: Mapping[int, str | None]) -> None:
    chosen = [f for f in overrides.values() if f]
    twice = sorted({f for f in chosen if chosen.count(f) > 1})
    if twice:
        raise InvalidInput(
            f"{field_label(twice[0])} was chosen for more than one column; choose it once.",
            detail={"field": "overrides"},
        )


def merge_column_choices(
    request: BomImportRequest,
    submitted: Mapping[int, str | None],
    shown: Mapping[int, str | None],
) -> dict[int, str | None]:
    """The overrides after the person changed some columns of the mapping table.

    `shown` is what each column's select showed, `submitted` what it holds now: only the
    columns that changed are new choices; earlier choices (staged or remembered for this
    header layout) stay, except that a field chosen anew leaves every other column."""
    base = request.overrides
    if base is None:
        try:
            parsed = parse_bom_file(request.data, request.filename, sheet=request.sheet)
        except ImportRejected:
            base = None
        else:
            base = remembered_overrides(request.program.owner_id, parsed.header_signature)
    merged: dict[int, str | None] = dict(base or {})
    changed = {i: f for i, f in submitted.items() if shown.get(i) != f}
    for index, field in changed.items():
        if field:
            merged = {j: g for j, g in merged.items() if g != field or j in changed}
        merged[index] = field
    check_unique_fields(merged)
    return merged


def column_values(data: Mapping[str, Any], prefix: str) -> dict[int, str | None]:
    """{column index: field or None} from form fields named `<prefix><index>`."""
    raw = {k[len(prefix) :]: v for k, v in data.items() if k.startswith(prefix)}
    return parse_overrides(raw, unique=False) or {}


def overrides_to_json(overrides: Mapping[int, str | None] | None) -> dict[str, str | None]:
    return {str(k): v for k, v in sorted((overrides or {}).items())}


def field_choices(extra: set[str] | None = None) -> list[tuple[str, str]]:
    """The choices of a column's select: not imported, every field, the alternates."""
    fields = [*CANONICAL_FIELDS, *ALTERNATE_FIELDS]
    fields += sorted((extra or set()) - set(fields))
    return [(IGNORE, "— not imported —"), *((f, field_label(f)) for f in fields)]


def request_from_staged(staged: BomImport) -> BomImportRequest:
    """The request a staged upload holds: what the page shows and confirms."""
    chosen = staged.options.get("mapping_chosen", False)
    return BomImportRequest(
        program=staged.program,
        assembly_number=staged.assembly_number,
        revision=staged.revision,
        data=bytes(staged.data),
        filename=staged.filename,
        assembly_description=staged.assembly_description,
        sheet=staged.sheet or None,
        overrides=(parse_overrides(staged.overrides) or {}) if chosen else None,
        options=ImportOptions.from_json(staged.options),
    )


def clean_names(assembly_number: str, revision: str) -> tuple[str, str]:
    """The assembly number and revision, trimmed, or InvalidInput naming the field (also for
    a control or bidi character: accord/core/text.py)."""
    assembly_number = checked_text((assembly_number or "").strip(), field="assembly")
    revision = checked_text((revision or "").strip(), field="revision")
    if not assembly_number or len(assembly_number) > 80:
        raise InvalidInput(
            "Name the assembly this BOM builds (at most 80 characters).",
            detail={"field": "assembly"},
        )
    if not revision or len(revision) > 20:
        raise InvalidInput(
            "Give the revision of this BOM (at most 20 characters).", detail={"field": "revision"}
        )
    return assembly_number, revision


def clean_description(description: str) -> str:
    """The assembly's description, trimmed to 500 characters, or InvalidInput."""
    return checked_text((description or "").strip(), field="assembly_description")[:500]


def build_preview(request: BomImportRequest) -> ImportPreview:
    """The dry run: what the file holds, how it matches the catalogue, the diff against the
    previous revision, every problem; plus the one the engine cannot know, a revision that
    already exists. Writes nothing."""
    preview = preview_import(request)
    taken = Bom.objects.filter(
        program_id=request.program.pk,
        assembly__owner_id=request.program.owner_id,
        assembly__number=request.assembly_number,
        revision=request.revision,
    ).exists()
    if taken and preview.parsed is not None:
        preview.problems.insert(
            0,
            Problem(
                "error",
                "revision-exists",
                f"{request.assembly_number} rev {request.revision} already exists in "
                f"{request.program.name}. Upload it again as a new revision.",
                preview.parsed.filename,
            ),
        )
    return preview


def check_not_rejected(preview: ImportPreview) -> None:
    """A file the engine refused as a whole answers 413/422 rather than a preview."""
    if preview.parsed is None:
        raise rejection_error(preview.problems)


def preview_payload(request: BomImportRequest, preview: ImportPreview) -> dict[str, Any]:
    """The dry run as JSON: the engine's view plus what was asked (API and CLI --json)."""
    return {
        "program": {
            "id": request.program.pk,
            "code": request.program.code,
            "name": request.program.name,
        },
        "assembly": request.assembly_number,
        "revision": request.revision,
        "file": request.filename,
        **preview_as_dict(preview),
    }


def commit(actor: Person, request: BomImportRequest) -> Bom:
    """Write the import in one transaction (import_bom), refusing hostile files as such."""
    from accord.parts.services.imports import import_bom

    return import_bom(actor=actor, request=request)
