"""A version's terms as an export people read and Accord reads back, and an uploaded copy
matched to the version its printed hash names.

The export has one row per field of a clause: the clause and item as people read them
("Price tier", "from 5,000 to 49,999"), the field ("unit price"), its value written plainly
("9.80") and the field's path in the terms ("price_tiers[1].unit_price", as the check and the
API name clauses). The last row prints the version's SHA-256. From the paths and values alone
the terms are rebuilt exactly (the same canonical JSON, so the same hash): an empty value is the
field's default (none, or empty text), a number or a code is written as the canonical JSON
holds it, and a text that a spreadsheet would change (spaces around it, a leading quote) is
written as a JSON string. A formula-like text gets the export's leading apostrophe, removed
again on reading.

Matching reads only the versions of the agreement the person opened: a hash of another
agreement answers "not a version of this agreement", exactly as a hash that names nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from accord.agreements.choices import VersionStatus
from accord.agreements.diff import diff_terms
from accord.agreements.display import CLAUSES, item_label
from accord.agreements.models import Agreement, AgreementVersion
from accord.agreements.terms import (
    Terms,
    canonical_terms,
    parse_terms,
    terms_hash,
)
from accord.core.errors import InvalidInput
from accord.core.exports import FORMULA_TRIGGERS
from accord.parts.bom_import.inputs import TOO_LARGE_CODES
from accord.parts.bom_import.problems import ImportRejected, Problem, column_label
from accord.parts.bom_import.readers import read_plain_tables

EXPORT_HEADERS = ["Clause", "Item", "Field", "Value", "Path"]
HASH_PATH = "sha256"
HEADER_SEARCH = 30
MAX_ROWS = 20_000
_PATH = re.compile(r"^([a-z_]{1,40})(?:\[(\d{1,5})\])?(?:\.([a-z_]{1,40}))?$")
_HASH = re.compile(r"^[0-9a-f]{64}$")
_VERSION = re.compile(r"version (\d{1,9})\b")
_SPACES = re.compile(r"\s+")


# The export --------------------------------------------------------------------------------


def _plain(value: Any) -> str:
    """A canonical JSON value as the Value cell holds it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text != text.strip() or text.startswith(('"', "'")):
        return json.dumps(text, ensure_ascii=False)
    return text


def export_rows(version: AgreementVersion) -> list[tuple[str, str, str, str, str]]:
    """(clause, item, field, value, path) for every field of every clause, then the hash."""
    terms = parse_terms(version.terms)
    data = canonical_terms(terms)
    rows: list[tuple[str, str, str, str, str]] = []
    for name, label in CLAUSES.items():
        value = data.get(name)  # clauses added later are left out of the canonical form when unset
        if isinstance(value, list):
            for index, item in enumerate(value):
                shown = item_label(terms, name, getattr(terms, name)[index])
                for key, leaf in item.items():
                    path = f"{name}[{index}].{key}"
                    rows.append((label, shown, key.replace("_", " "), _plain(leaf), path))
        elif isinstance(value, dict):
            for key, leaf in value.items():
                rows.append((label, "", key.replace("_", " "), _plain(leaf), f"{name}.{key}"))
        elif value not in (None, ""):
            rows.append((label, "", "", _plain(value), name))
    rows.append(
        (
            "SHA-256",
            f"version {version.number} ({version.status})",
            "",
            version.terms_hash,
            HASH_PATH,
        )
    )
    return rows


# Reading a copy ----------------------------------------------------------------------------


@dataclass
class Copy:
    """What an uploaded export says: its terms as data, the hash and version it prints."""

    terms: Terms
    printed_hash: str
    printed_number: int | None
    file_hash: str


def _file(filename: str) -> str:
    return PurePosixPath(filename.replace("\\", "/")).name or "upload"


def _refuse(file: str, problems: list[Problem], lead: str) -> InvalidInput:
    shown = "; ".join(f"{p.message} ({p.location()})" for p in problems[:10])
    return InvalidInput(
        f"{lead}: {shown}",
        code="copy_refused",
        detail={
            "problems": [
                {
                    "message": p.message,
                    "file": p.file,
                    "sheet": p.sheet,
                    "row": p.row,
                    "column": p.column,
                }
                for p in problems[:1000]
            ]
        },
    )


def _value(cell: str) -> Any:
    """A Value cell as the terms take it: a JSON string decoded, the export's apostrophe before
    a formula-like text removed."""
    if cell.startswith('"'):
        decoded = json.loads(cell)
        if not isinstance(decoded, str):
            raise ValueError("a quoted value must be one JSON string")
        return decoded
    if cell.startswith("'") and cell[1:].startswith(FORMULA_TRIGGERS):
        return cell[1:]
    return cell


def _header(sheet: Any) -> tuple[int, int, int] | None:
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH]):
        names = [_SPACES.sub(" ", cell.strip().lower()) for cell in row]
        if "path" in names and "value" in names:
            return index, names.index("path"), names.index("value")
    return None


def read_copy(data: bytes, filename: str) -> Copy:
    """The terms, printed hash and version of an exported copy, or InvalidInput (422, 413 for
    a file too large) naming the file, sheet, row and column of every problem."""
    file = _file(filename)
    try:
        sheets = read_plain_tables(data, filename, what="an export of an agreement's terms")
    except ImportRejected as rejected:
        too_large = any(p.code in TOO_LARGE_CODES for p in rejected.problems)
        raise InvalidInput(
            " ".join(p.message for p in rejected.problems[:3]) or f"{file} was refused.",
            code="copy_refused",
            http_status=413 if too_large else 422,
            detail={"field": "file"},
        ) from None
    found = next(((s, h) for s in sheets if (h := _header(s)) is not None), None)
    if found is None:
        raise InvalidInput(
            f"{file} is not an export of an agreement's terms: no header row with Path and "
            "Value columns. Export the terms from a version's page (CSV or XLSX) and upload "
            "that file.",
            code="copy_refused",
            detail={"field": "file"},
        )
    sheet, (header_index, path_column, value_column) = found
    sheet_name = sheet.name if sheet.source_format != "csv" else None
    header = sheet.rows[header_index]
    body = sheet.rows[header_index + 1 :]
    if len(body) > MAX_ROWS:
        raise InvalidInput(
            f"{file} has {len(body):,} rows; an export of terms has at most {MAX_ROWS:,}.",
            code="copy_refused",
            http_status=413,
            detail={"field": "file"},
        )
    problems: list[Problem] = []
    tree: dict[str, Any] = {}
    seen: dict[str, int] = {}
    rows_of: dict[str, int] = {}
    printed_hash = ""
    printed_number: int | None = None

    def problem(message: str, number: int, column: int) -> None:
        where = column_label(header[column], sheet.first_column + column)
        problems.append(Problem("error", "invalid", message, file, sheet_name, number, where))

    for offset, row in enumerate(body):
        number = sheet.first_row + header_index + 1 + offset
        path = row[path_column].strip() if path_column < len(row) else ""
        cell = row[value_column] if value_column < len(row) else ""
        if not path:
            if cell.strip():
                problem(
                    "A value without a path: Accord cannot tell its clause.", number, path_column
                )
            continue
        if path in seen:
            problem(f"The path {path} is on row {seen[path]} already.", number, path_column)
            continue
        seen[path] = number
        if path == HASH_PATH:
            printed_hash = cell.strip().lower()
            item = " ".join(row[:path_column] + row[path_column + 1 :])
            if match := _VERSION.search(item):
                printed_number = int(match.group(1))
            if not _HASH.match(printed_hash):
                problem("The SHA-256 is not 64 hexadecimal characters.", number, value_column)
            continue
        parsed = _PATH.match(path)
        if parsed is None:
            problem(f"{path!r} is not a path of the terms.", number, path_column)
            continue
        try:
            value = _value(cell)
        except ValueError:
            problem("The quoted value is not a JSON string.", number, value_column)
            continue
        name, index, key = parsed.groups()
        rows_of[path] = number
        if value == "":
            continue  # the field's default: none, or empty text
        if index is not None:
            items = tree.setdefault(name, {})
            if not isinstance(items, dict) or key is None:
                problem(f"The path {path} does not name a field of an item.", number, path_column)
                continue
            items.setdefault(int(index), {})[key] = value
        elif key is not None:
            tree.setdefault(name, {"__object__": True})[key] = value
        else:
            tree[name] = value
    if not printed_hash and not problems:
        raise InvalidInput(
            f"{file} prints no SHA-256 row (path {HASH_PATH}): it does not name a version. "
            "Export the terms from a version's page and upload that file.",
            code="copy_refused",
            detail={"field": "file"},
        )
    if problems:
        raise _refuse(file, problems, f"{file} has {len(problems)} problem(s)")
    terms_data: dict[str, Any] = {}
    for name, value in tree.items():
        if isinstance(value, dict) and "__object__" in value:
            terms_data[name] = {k: v for k, v in value.items() if k != "__object__"}
        elif isinstance(value, dict):
            terms_data[name] = [value[i] for i in sorted(value)]
        else:
            terms_data[name] = value
    try:
        terms = parse_terms(terms_data)
    except InvalidInput as error:
        located = []
        for refused in (error.detail or {}).get("problems", []):
            clause = refused["clause"]
            row_number = rows_of.get(clause) or _row_of_item(clause, rows_of)
            located.append(
                Problem(
                    "error",
                    "invalid",
                    f"{clause}: {refused['message']}",
                    file,
                    sheet_name,
                    row_number,
                    column_label(header[value_column], sheet.first_column + value_column)
                    if row_number
                    else None,
                )
            )
        raise _refuse(file, located, f"{file} holds terms Accord refuses") from None
    return Copy(
        terms=terms,
        printed_hash=printed_hash,
        printed_number=printed_number,
        file_hash=terms_hash(canonical_terms(terms)),
    )


def _row_of_item(clause: str, rows_of: dict[str, int]) -> int | None:
    """The first row of the item or clause a refusal names (a missing field has no row)."""
    prefix = clause.split(".")[0] if "[" in clause else clause
    rows = [n for path, n in rows_of.items() if path.startswith(prefix)]
    return min(rows) if rows else None


# Matching ----------------------------------------------------------------------------------


@dataclass
class CopyMatch:
    """What a copy is: the version its printed hash names (None: not a version of this
    agreement), whether its terms still hash to the printed hash, and if not, the clauses in
    which it differs from that version."""

    printed_hash: str
    file_hash: str
    version: AgreementVersion | None
    intact: bool
    differences: list[str] = field(default_factory=list)
    superseded_by: int | None = None

    @property
    def summary(self) -> str:
        if self.version is None:
            tail = (
                "its terms still hash to it."
                if self.intact
                else "its terms do not hash to it either: the file was changed."
            )
            return (
                "Not a version of this agreement: no version of it has the hash the file "
                f"prints; {tail}"
            )
        state = self.state
        if self.intact:
            return (
                f"A true copy of version {self.version.number} ({state}): its terms hash to "
                "the printed SHA-256."
            )
        count = len(self.differences)
        return (
            f"Not a true copy: the file prints version {self.version.number}'s hash "
            f"({state}), but its terms differ in {count} clause line(s)."
        )

    @property
    def state(self) -> str:
        assert self.version is not None
        status = self.version.status
        if status == VersionStatus.SIGNED:
            return "signed by both sides, in force"
        if status == VersionStatus.SUPERSEDED:
            later = f" by version {self.superseded_by}" if self.superseded_by else ""
            return f"signed, superseded{later}"
        if status == VersionStatus.DRAFT:
            return "a draft, not signed by both sides"
        return "void: a draft an edit replaced"

    def as_dict(self) -> dict[str, Any]:
        return {
            "matched": self.version is not None,
            "version": self.version.number if self.version else None,
            "status": self.version.status if self.version else None,
            "state": self.state if self.version else None,
            "printed_hash": self.printed_hash,
            "file_hash": self.file_hash,
            "intact": self.intact,
            "differences": self.differences,
            "summary": self.summary,
        }


def match_copy(agreement: Agreement, data: bytes, filename: str) -> CopyMatch:
    """The copy read (read_copy's refusals as they are) and matched among the agreement's own
    versions only. Reads the terms: the caller logs the read (log_terms_read)."""
    copy = read_copy(data, filename)
    candidates = list(agreement.versions.filter(terms_hash=copy.printed_hash).order_by("-number"))
    version = next(
        (v for v in candidates if v.number == copy.printed_number),
        candidates[0] if candidates else None,
    )
    intact = copy.file_hash == copy.printed_hash
    differences: list[str] = []
    superseded_by = None
    if version is not None:
        if not intact:
            differences = diff_terms(parse_terms(version.terms), copy.terms)
            if not differences:  # pragma: no cover - equal terms hash alike
                differences = ["the terms differ in a way no clause line shows"]
        if version.status == VersionStatus.SUPERSEDED:
            superseded_by = (
                agreement.versions.filter(
                    number__gt=version.number,
                    status__in=[VersionStatus.SIGNED, VersionStatus.SUPERSEDED],
                )
                .order_by("number")
                .values_list("number", flat=True)
                .first()
            )
    return CopyMatch(
        printed_hash=copy.printed_hash,
        file_hash=copy.file_hash,
        version=version,
        intact=intact,
        differences=differences,
        superseded_by=superseded_by,
    )
