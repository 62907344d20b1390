"""Excel workbooks (XLSX and legacy XLS), inspected before python-calamine reads them.

XLSX is a zip of XML: declared sizes and compression ratios are checked, then
every XML member is inflated by us (bounded by real output, not the header's
claim) and scanned for DTD/entity declarations and for the extent of each sheet,
because calamine allocates the full rectangle between the outermost cells.
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

from .problems import ImportRejected, reject
from .tables import Limits, RawSheet, cell_to_str, trim_row

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 10 * 1024 * 1024
MAX_ZIP_MEMBERS = 10_000

_XML_DECL = re.compile(rb"<!(?i:doctype|entity)")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]([^>]{0,400}?)(/?)>")
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_SHEET_MEMBER = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)


def read_zip_workbook(data: bytes, limits: Limits) -> list[RawSheet]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise reject(
            limits.file, "bad-zip", "The file looks like an Excel workbook but is damaged."
        ) from exc
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        if "content.xml" in names and "mimetype" in names:
            what = "an OpenDocument (LibreOffice) file"
        elif any(n.startswith("word/") for n in names):
            what = "a Word document"
        else:
            what = "a ZIP archive"
        raise reject(
            limits.file,
            "unsupported-format",
            f"This is {what}, not a supported BOM. Save it as .xlsx or CSV and upload it again.",
        )
    _inspect_zip(data, infos, limits)
    return _read_with_calamine(data, "xlsx", limits)


def _inspect_zip(data: bytes, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse zip bombs and DTD tricks before any XML parser sees the members."""
    bomb = reject(
        limits.file,
        "zip-bomb",
        "The workbook expands to an unreasonable size when unpacked (a 'zip bomb'); it was "
        "rejected.",
    )
    if len(infos) > MAX_ZIP_MEMBERS:
        raise bomb
    declared = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise reject(
                limits.file,
                "encrypted",
                "The workbook is password-protected. Remove the password first.",
            )
        declared += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if declared > MAX_UNCOMPRESSED_BYTES or (
            info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO
        ):
            raise bomb
    # Declared sizes can lie, so count what really comes out while scanning.
    budget = [MAX_UNCOMPRESSED_BYTES]
    for info in infos:
        lower = info.filename.lower()
        if lower.endswith((".xml", ".rels", ".vml")) or "." not in lower.rsplit("/", 1)[-1]:
            _scan_member(data, info, limits, bool(_SHEET_MEMBER.match(info.filename)), budget, bomb)


def _member_chunks(
    data: bytes, info: zipfile.ZipInfo, bomb: ImportRejected, budget: list[int]
) -> Iterator[bytes]:
    """Decompress one member ourselves, bounded by the real output rather than the
    header's claim: zipfile stops at the declared size, but other readers may not."""
    header = data[info.header_offset : info.header_offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    start = info.header_offset + 30 + name_len + extra_len
    compressed = memoryview(data)[start : start + info.compress_size]
    if len(compressed) != info.compress_size:
        raise zipfile.BadZipFile("truncated member")
    step = 1024 * 1024
    produced = 0
    if info.compress_type == zipfile.ZIP_STORED:
        pieces: Iterator[bytes] = (
            bytes(compressed[i : i + step]) for i in range(0, len(compressed), step)
        )
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        pieces = _inflate(compressed, step)
    else:
        raise NotImplementedError("compression method")
    crc = 0
    for piece in pieces:
        produced += len(piece)
        budget[0] -= len(piece)
        if budget[0] < 0 or produced > info.file_size:
            raise bomb
        crc = zlib.crc32(piece, crc)
        yield piece
    if produced != info.file_size or crc != info.CRC:
        raise zipfile.BadZipFile("size or CRC mismatch")


def _inflate(compressed: memoryview, step: int) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-15)
    for i in range(0, len(compressed), step):
        out = inflater.decompress(compressed[i : i + step], step)
        yield out
        # max_length keeps each piece small even for a 1000:1 stream.
        while inflater.unconsumed_tail:
            yield inflater.decompress(inflater.unconsumed_tail, step)
    yield inflater.flush()


def _scan_member(
    data: bytes,
    info: zipfile.ZipInfo,
    limits: Limits,
    is_sheet: bool,
    budget: list[int],
    bomb: ImportRejected,
) -> None:
    carry = b""
    cells = 0
    min_row, max_row, min_col, max_col = 1 << 30, 0, 1 << 30, 0
    first = True
    try:
        for chunk in _member_chunks(data, info, bomb, budget):
            if not chunk:
                continue
            if first:
                first = False
                if (
                    chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
                    or b"\x00" in chunk[:1024]
                ):
                    raise reject(
                        limits.file,
                        "xlsx-encoding",
                        "The workbook uses an unsupported XML encoding.",
                    )
            buf = carry + chunk
            if _XML_DECL.search(buf):
                raise reject(
                    limits.file,
                    "xml-dtd",
                    "The workbook contains an XML document type declaration or entity "
                    "definitions (used in 'billion laughs' attacks); it was rejected.",
                )
            if is_sheet:
                for m in _CELL_TAG.finditer(buf):
                    if m.end() <= len(carry) or m.group(2) == b"/":
                        continue  # counted with the previous chunk / empty styled cell
                    cells += 1
                    ref = _CELL_REF.search(m.group(1))
                    if ref:
                        col = _column_number(ref.group(1))
                        row = int(ref.group(2))
                        min_row, max_row = min(min_row, row), max(max_row, row)
                        min_col, max_col = min(min_col, col), max(max_col, col)
                if cells > limits.max_cells:
                    raise limits.too_many_cells()
                if max_row and max_row - min_row + 1 > limits.row_cap:
                    raise limits.too_many_rows()
                # calamine allocates the whole rectangle, so a lone cell at XFD1048576 matters.
                if max_row and (max_row - min_row + 1) * (max_col - min_col + 1) > limits.max_cells:
                    raise limits.too_many_cells()
            carry = buf[-512:]
    except (zipfile.BadZipFile, NotImplementedError, zlib.error, struct.error) as exc:
        raise reject(limits.file, "bad-zip", "The workbook is damaged and cannot be read.") from exc


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


_XLS_CELL_RECORDS = {0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x0006, 0x00D6, 0x00BD}


def read_xls(data: bytes, limits: Limits) -> list[RawSheet]:
    _inspect_xls(data, limits)
    try:
        return _read_with_calamine(data, "xls", limits)
    except ImportRejected as exc:
        if exc.problems and exc.problems[0].code != "bad-workbook":
            raise
        # Some old BIFF5/BIFF7 exports trip calamine; xlrd reads those.
        return _read_xls_with_xlrd(data, limits)


def _inspect_xls(data: bytes, limits: Limits) -> None:
    """Bounding box of real cell records per sheet, so calamine's dense range stays small."""
    import xlrd.compdoc

    try:
        doc = xlrd.compdoc.CompDoc(data, logfile=io.StringIO())
        mem, base, size = doc.locate_named_stream("Workbook")
        if mem is None:
            mem, base, size = doc.locate_named_stream("Book")
    except Exception as exc:  # xlrd raises its own CompDocError and struct errors
        raise reject(
            limits.file, "bad-workbook", "The Excel 97-2003 file is damaged or not a workbook."
        ) from exc
    if mem is None:
        raise reject(
            limits.file,
            "unsupported-format",
            "This is an old Office file but not an Excel workbook (or it is password-protected).",
        )
    pos, end = base, base + size
    min_row = max_row = min_col = max_col = -1
    while pos + 4 <= end:
        rtype, rlen = struct.unpack_from("<HH", mem, pos)
        body = pos + 4
        pos = body + rlen
        if rtype == 0x0809:  # BOF: a new sheet substream starts
            min_row = max_row = min_col = max_col = -1
        elif rtype in _XLS_CELL_RECORDS and rlen >= 4 and pos <= end:
            row, col = struct.unpack_from("<HH", mem, body)
            last_col = (
                struct.unpack_from("<H", mem, pos - 2)[0] if rtype == 0x00BD and rlen >= 6 else col
            )
            min_row = row if min_row < 0 else min(min_row, row)
            max_row = max(max_row, row)
            min_col = col if min_col < 0 else min(min_col, col)
            max_col = max(max_col, last_col)
            if max_row - min_row + 1 > limits.row_cap:
                raise limits.too_many_rows()
            if (max_row - min_row + 1) * (max_col - min_col + 1) > limits.max_cells:
                raise limits.too_many_cells()


def _read_with_calamine(data: bytes, fmt: str, limits: Limits) -> list[RawSheet]:
    import python_calamine as pc

    sheets: list[RawSheet] = []
    try:
        workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        for sheet_name in names:
            try:
                sheet = workbook.get_sheet_by_name(sheet_name)
            except pc.CalamineError:
                continue  # chart sheets and macro sheets have no cells
            if sheet.height > limits.row_cap:
                raise limits.too_many_rows(sheet_name)
            if sheet.height * sheet.width > limits.max_cells:
                raise limits.too_many_cells(sheet_name)
            start = sheet.start or (0, 0)
            rows = [
                trim_row([cell_to_str(c) for c in r]) for r in sheet.to_python(skip_empty_area=True)
            ]
            sheets.append(
                RawSheet(
                    sheet_name,
                    rows,
                    first_row=start[0] + 1,
                    first_column=start[1],
                    source_format=fmt,
                )
            )
    except ImportRejected:
        raise
    except pc.PasswordError as exc:
        raise reject(
            limits.file,
            "encrypted",
            "The workbook is password-protected. Remove the password first.",
        ) from exc
    except Exception as exc:  # calamine surfaces many error types (zip, xml, cfb)
        raise reject(
            limits.file, "bad-workbook", f"The Excel file could not be read ({type(exc).__name__})."
        ) from exc
    if not sheets:
        raise reject(limits.file, "empty-file", "The workbook has no sheets with data.")
    return sheets


def _read_xls_with_xlrd(data: bytes, limits: Limits) -> list[RawSheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(
            file_contents=data, on_demand=True, ragged_rows=True, logfile=io.StringIO()
        )
        sheets: list[RawSheet] = []
        for index in range(book.nsheets):
            sh = book.sheet_by_index(index)
            if sh.nrows > limits.row_cap:
                raise limits.too_many_rows(sh.name)
            rows = [trim_row([cell_to_str(c.value) for c in sh.row(r)]) for r in range(sh.nrows)]
            sheets.append(RawSheet(sh.name, rows, source_format="xls"))
            book.unload_sheet(index)
    except ImportRejected:
        raise
    except Exception as exc:
        raise reject(
            limits.file, "bad-workbook", "The Excel 97-2003 file could not be read."
        ) from exc
    return sheets
