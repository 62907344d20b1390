"""Shared helpers for the BOM import tests: where the sample BOMs live, and
builders for synthetic (including hostile) spreadsheets."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from accord.demo import DATA_DIR as DEMO_DATA
from accord.parts.bom_import.parse import ParsedBom, ParsedLine

# The real files the tests assert on live in the repository (data/boms, with their sources
# and licences); a sibling ../shared/data/boms may add more. <repo>/accord/parts/tests/x.py:
# parents[3] is the repository's root.
OWN_BOMS_DIR = Path(__file__).resolve().parent / "data" / "boms"
SHARED_BOMS_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "boms"
BOMS_DIR = OWN_BOMS_DIR
BOM_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xls", ".xml", ".bom", ".rpt", ".lst"}


def bom_files() -> list[Path]:
    """Every sample BOM: the repository's, then those only ../shared holds (by relative path)."""
    found: dict[str, Path] = {}
    for root in (OWN_BOMS_DIR, SHARED_BOMS_DIR):
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            if path.is_file() and path.suffix.lower() in BOM_SUFFIXES:
                found.setdefault(path.relative_to(root).as_posix(), path)
    return [found[key] for key in sorted(found)]


def is_placement_name(path: Path) -> bool:
    """Pick-and-place files by the usual KiCad/JLCPCB naming."""
    name = path.name.lower()
    return name.endswith("-pos.csv") or "_cpl_" in name or "-pos-" in name


def sample_id(path: Path) -> str:
    """A sample's path under boms/, wherever it lives."""
    for root in (OWN_BOMS_DIR, SHARED_BOMS_DIR):
        if path.is_relative_to(root):
            return path.relative_to(root).as_posix()
    raise ValueError(path)


# The demo's catalogues (accord/demo/data/parts), which the catalogue tests import.
CPL = DEMO_DATA / "parts" / "octopart_CPL-Data" / "cpl_parts_with_alternates_flattened.csv"
DIGIKEY = (
    DEMO_DATA
    / "parts"
    / "Digi-Key_digikey-kicad-library"
    / "digikey_kicad_library_parts_flattened.csv"
)


def sample_path(relative: str) -> Path:
    """A sample BOM by its path under boms/: the repository's copy, else ../shared's."""
    for root in (OWN_BOMS_DIR, SHARED_BOMS_DIR):
        if (root / relative).is_file():
            return root / relative
    pytest.skip(f"sample BOM {relative} is neither in {OWN_BOMS_DIR} nor in {SHARED_BOMS_DIR}")


def sample_bytes(relative: str) -> bytes:
    return sample_path(relative).read_bytes()


def line_with(bom: ParsedBom, designator: str) -> ParsedLine:
    for line in bom.lines:
        if designator in line.designators:
            return line
    raise AssertionError(f"no line with designator {designator}")


def line_at_row(bom: ParsedBom, row: int) -> ParsedLine:
    for line in bom.lines:
        if line.source_row == row:
            return line
    raise AssertionError(f"no line from row {row}")


def make_xlsx(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def replace_member(xlsx: bytes, member: str, content: bytes) -> bytes:
    """Copy a workbook, swapping one archive member's content."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = content if info.filename == member else src.read(info.filename)
            dst.writestr(info.filename, data)
        if member not in src.namelist():
            dst.writestr(member, content)
    return out.getvalue()


def zip_bomb_xlsx(uncompressed_bytes: int = 500 * 1024 * 1024) -> bytes:
    """A real (not merely mislabelled) XLSX whose sheet XML inflates to ~500 MB.

    Written through zipfile's streaming writer from a repeated 1 MB chunk, so the
    test needs ~2 MB of memory and about a second.
    """
    base = make_xlsx({"Sheet1": [["Qty", "Ref"], [1, "R1"]]})
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    chunk = b"<row><c><v>0</v></c></row>" * 40_000
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with dst.open(info.filename, "w", force_zip64=True) as fh:
                    written = 0
                    while written < uncompressed_bytes:
                        fh.write(chunk)
                        written += len(chunk)
            else:
                dst.writestr(info.filename, src.read(info.filename))
    return out.getvalue()


def lie_about_size(xlsx: bytes, member: str, claimed: int) -> bytes:
    """Patch both the local and central headers of `member` to claim `claimed`
    uncompressed bytes (the classic way to slip past size checks)."""
    data = bytearray(xlsx)
    name = member.encode()
    zf = zipfile.ZipFile(io.BytesIO(xlsx))
    info = zf.getinfo(member)
    local = info.header_offset
    data[local + 22 : local + 26] = claimed.to_bytes(4, "little")
    central = data.find(b"PK\x01\x02", 0)
    while central >= 0:
        name_len = int.from_bytes(data[central + 28 : central + 30], "little")
        if bytes(data[central + 46 : central + 46 + name_len]) == name:
            data[central + 24 : central + 28] = claimed.to_bytes(4, "little")
            break
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


# --------------------------------------------------------------------------- legacy .xls
# No .xls sample exists and no xls writer is installed, so tests build a minimal
# BIFF8 workbook inside a hand-made OLE2 compound file (enough for calamine and xlrd).


def _record(rtype: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", rtype, len(data)) + data


def _xl_string(text: str, length_bytes: int = 2) -> bytes:
    count = struct.pack("<H", len(text)) if length_bytes == 2 else bytes([len(text)])
    return count + b"\x01" + text.encode("utf-16-le")


def biff8_workbook(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    """The 'Workbook' stream: globals (BOUNDSHEET, SST) then one substream per sheet.
    Cells are (row, col, value) triples placed where they are in `rows`; None is skipped."""
    strings: dict[str, int] = {}
    for rows in sheets.values():
        for row in rows:
            for v in row:
                if isinstance(v, str):
                    strings.setdefault(v, len(strings))

    def bof(kind: int) -> bytes:
        return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))

    sst_body = struct.pack("<II", len(strings), len(strings))
    sst = _record(0x00FC, sst_body + b"".join(_xl_string(s) for s in strings))

    def globals_part(offsets: list[int]) -> bytes:
        out = bof(0x0005) + _record(0x0042, struct.pack("<H", 1200))
        for name, offset in zip(sheets, offsets, strict=True):
            out += _record(0x0085, struct.pack("<IBB", offset, 0, 0) + _xl_string(name, 1))
        return out + sst + _record(0x000A)

    bodies: list[bytes] = []
    for rows in sheets.values():
        width = max((len(r) for r in rows), default=0)
        body = bof(0x0010) + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, str):
                    body += _record(0x00FD, struct.pack("<HHHI", r, c, 0, strings[v]))
                elif isinstance(v, int | float):
                    body += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(v)))
        bodies.append(body + _record(0x000A))
    position = len(globals_part([0] * len(sheets)))
    offsets = []
    for body in bodies:
        offsets.append(position)
        position += len(body)
    return globals_part(offsets) + b"".join(bodies)


def ole_file(stream_name: str, stream: bytes) -> bytes:
    """Compound file v3 with one stream (padded past 4096 bytes to avoid the mini stream)."""
    end, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    stream = stream.ljust(max(4096, len(stream)), b"\x00")
    stream += b"\x00" * (-len(stream) % 512)
    sectors = len(stream) // 512
    fat = [fat_sector, end, *range(3, 2 + sectors), end]
    fat += [free] * (128 - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 0x1000, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\x00").encode("utf-16-le") if name else b""
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBB", len(raw), kind, 1 if name else 0)
            + struct.pack("<III", no_stream, no_stream, child)
            + b"\x00" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1, end, 0) + entry(stream_name, 2, no_stream, 2, len(stream))
    directory += entry("", 0, no_stream, 0, 0) * 2
    return header + struct.pack("<128I", *fat) + directory + stream


def make_xls(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    return ole_file("Workbook", biff8_workbook(sheets))


def bom_figures(bom: ParsedBom) -> dict[str, int]:
    """The figures a checker reads off an import: lines, fitted and not-fitted placements,
    DNP lines (no designator fitted), partly fitted lines and lines with an MPN."""
    return {
        "lines": len(bom.lines),
        "placements": sum(len(line.designators) for line in bom.lines),
        "fitted_placements": sum(len(line.fitted_designators) for line in bom.lines),
        "dnp_placements": sum(len(line.dnp_designators) for line in bom.lines),
        "dnp_lines": sum(1 for line in bom.lines if line.dnp),
        "partial_dnp_lines": sum(1 for line in bom.lines if line.partly_fitted),
        "lines_with_mpn": sum(1 for line in bom.lines if line.mpn),
    }
