"""Read an uploaded BOM file into plain tables of strings.

Everything here treats the upload as hostile: sizes are checked before work is
done, text is streamed so a million-row CSV is refused after ~100,000 rows rather
than loaded, XLSX archives are inspected (declared sizes, compression ratio, DTDs,
sheet extent) before python-calamine sees them, and XML is parsed with defusedxml.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from itertools import islice
from pathlib import PurePosixPath

from .problems import ImportRejected, reject
from .tables import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_CELLS,
    DEFAULT_MAX_ROWS,
    HEADER_ALLOWANCE,
    Limits,
    RawSheet,
    cell_to_str,
    trim_row,
)
from .text_reports import FORMAT_NAMES, detect_report, has_known_header, read_text_report
from .workbooks import read_xls, read_zip_workbook
from .xml_tables import read_xml

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CELLS",
    "DEFAULT_MAX_ROWS",
    "HEADER_ALLOWANCE",
    "RawSheet",
    "cell_to_str",
    "read_plain_tables",
    "read_tables",
    "sniff_delimiter",
]

SNIFF_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")

_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def read_tables(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> list[RawSheet]:
    """Read every table in the file. Raises ImportRejected for anything we refuse."""
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    limits = Limits(name, max_bytes, max_rows, max_cells)
    if not data or not data.strip():
        raise reject(name, "empty-file", "The file is empty.")
    if len(data) > max_bytes:
        raise reject(
            name,
            "file-too-large",
            f"The file is {_mb(len(data))}; the limit is {_mb(max_bytes)}.",
        )
    head = data[:8]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return read_zip_workbook(data, limits)
    if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return read_xls(data, limits)
    _reject_known_binary(data, limits)
    return _read_text(data, limits)


def read_plain_tables(
    data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "a table"
) -> list[RawSheet]:
    """Read a spreadsheet (xlsx, xls) or a delimited text table (CSV, TSV, any encoding) with
    the same limits and hostile-file checks as read_tables, but without the BOM-only formats
    (text reports, XML): for tables that are not BOMs (stock, orders, offers...)."""
    name = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    limits = Limits(name, max_bytes, DEFAULT_MAX_ROWS, DEFAULT_MAX_CELLS)
    if not data or not data.strip():
        raise reject(name, "empty-file", "The file is empty.")
    if len(data) > max_bytes:
        raise reject(
            name, "file-too-large", f"The file is {_mb(len(data))}; the limit is {_mb(max_bytes)}."
        )
    head = data[:8]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return read_zip_workbook(data, limits)
    if head == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return read_xls(data, limits)
    for magic, kind in _BINARY_SIGNATURES:
        if data.startswith(magic):
            raise reject(
                name,
                "unsupported-format",
                f"This is {kind}, not {what}. Upload an Excel file (.xlsx, .xls) or a CSV/TSV "
                "table.",
            )
    encoding, bom_len = _detect_encoding(data, limits)
    sample = _decode_sample(data, bom_len, encoding)
    _check_text_sample(sample, limits)
    lowered = sample.lstrip()[:2000].lower()
    if lowered.startswith("<"):
        raise reject(
            name,
            "unsupported-format",
            f"This file is a web page or XML, not {what}. Open it in Excel and save it as .xlsx "
            "or CSV, then upload that.",
        )
    stem = PurePosixPath(name).stem or name
    return [_read_delimited(data, bom_len, encoding, sniff_delimiter(sample), stem, limits)]


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n % (1024 * 1024) else f"{n // (1024 * 1024)} MB"


_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
)


def _reject_known_binary(data: bytes, limits: Limits) -> None:
    for magic, what in _BINARY_SIGNATURES:
        if data.startswith(magic):
            raise reject(
                limits.file,
                "unsupported-format",
                f"This is {what}, not a BOM. Upload an Excel file (.xlsx, .xls), a CSV/TSV/TXT "
                "table or a KiCad XML BOM.",
            )


# --------------------------------------------------------------------------- text


def _read_text(data: bytes, limits: Limits) -> list[RawSheet]:
    encoding, bom_len = _detect_encoding(data, limits)
    sample = _decode_sample(data, bom_len, encoding)
    _check_text_sample(sample, limits)
    stripped = sample.lstrip()
    stem = PurePosixPath(limits.file).stem or limits.file
    if stripped.startswith("<"):
        lowered = stripped[:2000].lower()
        if "<html" in lowered or "<!doctype html" in lowered or "<table" in lowered:
            raise reject(
                limits.file,
                "html-file",
                "This file is a web page (HTML), not a spreadsheet. Open it in Excel and save it "
                "as .xlsx or CSV, then upload that.",
            )
        return [read_xml(data, stem, limits)]
    kind = detect_report(sample)
    if kind is not None:
        report = _read_report(data, bom_len, encoding, stem, limits, kind)
        if report is not None:
            return [report]
    delimiter = sniff_delimiter(sample)
    sheet = _read_delimited(data, bom_len, encoding, delimiter, stem, limits)
    if not has_known_header(sheet.rows):
        # No delimiter gives BOM columns: a report whose columns are aligned with spaces?
        report = _read_report(data, bom_len, encoding, stem, limits, None)
        if report is not None:
            return [report]
        if kind is not None:
            raise reject(
                limits.file,
                "no-bom-columns",
                f"The file looks like {FORMAT_NAMES[kind]}, but no column header with BOM "
                "columns (designators, quantity, value, part number) was found under its title.",
            )
    return [sheet]


def _read_report(
    data: bytes, bom_len: int, encoding: str, name: str, limits: Limits, kind: str | None
) -> RawSheet | None:
    try:
        text = data[bom_len:].decode(encoding, errors="strict")
    except UnicodeDecodeError:
        text = data[bom_len:].decode(encoding, errors="replace")
    return read_text_report(text, name, limits, kind=kind, encoding=encoding)


def _detect_encoding(data: bytes, limits: Limits) -> tuple[str, int]:
    """(python codec, BOM length). Order: BOM, BOM-less UTF-16, strict UTF-8, cp1252,
    then charset-normalizer as a last resort."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return codec, len(bom)
    guess = _guess_utf16(data[:4096])
    if guess:
        return guess, 0
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _nul_rejection(limits, nul)
    if _decodes(data, "utf-8"):
        return "utf-8", 0
    if _decodes(data, "cp1252"):
        # Windows tools (Altium, Excel "CSV") still write cp1252: µ is 0xB5, ± is 0xB1.
        return "cp1252", 0
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1024 * 1024]).best()
    if best is None or not best.encoding:
        raise reject(
            limits.file,
            "unknown-encoding",
            "The file is not a spreadsheet and its text encoding could not be recognised. Save "
            "it as UTF-8 CSV or .xlsx and upload it again.",
        )
    return best.encoding, 0


def _nul_rejection(limits: Limits, position: int) -> ImportRejected:
    return reject(
        limits.file,
        "binary-data",
        f"The file contains binary data (a NUL byte at position {position:,}), so it is not a "
        "text table. Upload an Excel file (.xlsx, .xls) or a CSV/TSV/TXT table.",
    )


def _guess_utf16(sample: bytes) -> str | None:
    sample = sample[: len(sample) & ~1]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    even_zero = sample[0::2].count(0) / half
    odd_zero = sample[1::2].count(0) / half
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def _decodes(data: bytes, encoding: str) -> bool:
    """Strict decode in chunks, discarding output, so checking 20 MB costs ~1 MB."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    view = memoryview(data)
    step = 1024 * 1024
    try:
        for start in range(0, len(view), step):
            decoder.decode(view[start : start + step], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decode_sample(data: bytes, bom_len: int, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(
        data[bom_len : bom_len + SNIFF_BYTES], final=len(data) <= bom_len + SNIFF_BYTES
    )


_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f\ufffd]")


def _check_text_sample(sample: str, limits: Limits) -> None:
    nul = sample.find("\x00")
    if nul >= 0:
        raise _nul_rejection(limits, nul)
    controls = len(_CONTROL.findall(sample))
    if controls > max(2, len(sample) // 200):
        raise reject(
            limits.file,
            "unsupported-format",
            "The file does not look like a table: it contains binary data. Upload an Excel file "
            "(.xlsx, .xls), a CSV/TSV/TXT table or a KiCad XML BOM.",
        )


def sniff_delimiter(sample: str) -> str:
    """Pick the delimiter giving the most rows with the same (>1) number of fields.

    Quotes are respected (csv module), so "0.1-6 GHz 3 V, 14 dBm" inside a
    semicolon file does not fool us; lines above the header count against a
    candidate, which makes a consistent table win over a stray comma in a title.
    """
    cut = sample.rfind("\n")
    text = sample[: cut + 1] if cut > 0 else sample
    quoted = _every_field_quoted(text)
    if quoted:
        return quoted
    best: tuple[float, int, int] = (0.0, 0, 0)
    chosen = ","
    for priority, delimiter in enumerate(reversed(DELIMITERS)):
        try:
            rows = list(
                islice(
                    csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True), 100
                )
            )
        except csv.Error:
            continue
        counts = [len(trim_row([c.strip() for c in r])) for r in rows]
        counts = [c for c in counts if c]
        multi = [c for c in counts if c > 1]
        if not multi:
            continue
        mode, freq = Counter(multi).most_common(1)[0]
        # Ragged exports (KiCad legacy drops empty trailing fields) still count as consistent
        # when they are at least 2 fields wide.
        score = (freq + 0.5 * (len(multi) - freq)) / len(counts)
        key = (round(score, 3), mode, priority)
        if key > best:
            best, chosen = key, delimiter
    return chosen


_QUOTED_LINES = {
    d: re.compile(
        rf'^\s*"(?:[^"]|"")*"(?:\s*{re.escape(d)}\s*"(?:[^"]|"")*")+\s*{re.escape(d)}?\s*$'
    )
    for d in DELIMITERS
}


def _every_field_quoted(text: str) -> str | None:
    """The delimiter between fields that are all quoted, line after line (Eagle's bom.ulp
    writes "CAPACITOR, European symbol" between semicolons: the commas inside quotes must
    not win the count)."""
    lines = [line for line in islice(text.splitlines(), 100) if line.strip()]
    if len(lines) < 2:
        return None
    for delimiter, pattern in _QUOTED_LINES.items():
        if sum(1 for line in lines if pattern.match(line)) >= 0.9 * len(lines):
            return delimiter
    return None


def _read_delimited(
    data: bytes, bom_len: int, encoding: str, delimiter: str, name: str, limits: Limits
) -> RawSheet:
    raw = io.BytesIO(data)
    raw.seek(bom_len)
    errors = (
        "strict" if encoding in ("utf-8", "cp1252") or encoding.startswith("utf-") else "replace"
    )
    stream = io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline="")
    rows: list[list[str]] = []
    cells = 0
    try:
        reader = csv.reader(
            _checked_lines(stream, limits), delimiter=delimiter, skipinitialspace=True
        )
        for record in reader:
            if len(rows) >= limits.row_cap:
                raise limits.too_many_rows()
            row = trim_row([c.strip() for c in record])
            cells += len(row)
            if cells > limits.max_cells:
                raise limits.too_many_cells()
            rows.append(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            msg = (
                f"Row {len(rows) + 1} has a cell longer than {csv.field_size_limit():,} characters "
                "(often an unclosed quote). Check the file and upload it again."
            )
        else:
            msg = f"Row {len(rows) + 1} could not be read: {exc}."
        raise reject(limits.file, "bad-csv", msg) from exc
    except UnicodeDecodeError as exc:
        raise reject(
            limits.file,
            "bad-encoding",
            f"The file is not valid {encoding} text near row {len(rows) + 1}. Save it as UTF-8 "
            "CSV and upload it again.",
        ) from exc
    finally:
        stream.detach()
    return RawSheet(name, rows, source_format="csv", encoding=encoding, delimiter=delimiter)


def _checked_lines(stream: io.TextIOWrapper, limits: Limits) -> Iterator[str]:
    # Checked per physical line so that a UTF-16 file, where NULs are normal bytes,
    # is still refused if it decodes to a NUL character.
    for line in stream:
        if "\x00" in line:
            raise reject(
                limits.file,
                "binary-data",
                "The file contains binary data (a NUL character), so it is not a text table.",
            )
        yield line


def describe_delimiter(delimiter: str | None) -> str:
    return _DELIMITER_NAMES.get(delimiter or "", "unknown")
