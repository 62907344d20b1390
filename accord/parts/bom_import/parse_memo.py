"""The last BOM files parsed in this process, kept for the commit that follows their preview.

A dry run and the commit after it read the same file: the page's preview and its confirm, the
API's preview and commit, `accord import-bom` without --dry-run (it shows the preview first).
Reading a file into lines is a pure function of its bytes and of the reading options, and it is
most of an import's time: measured with benchmarks/import.py, 0.25 s of the 0.4 s that reading
and matching a 5,000-line BOM take. So the last few files read are kept, keyed by a digest of
their bytes and the options. The matching always runs again (the catalogue may have changed
since the preview), and so does everything after it.

Bounds: at most KEPT_FILES files, each of at most KEPT_LINES lines (a line with its cells takes
1.5-2 KB: 28 MB for the 20,000 lines of the benchmark's largest BOM, so at most some 40 MB are
kept); a file refused as a whole (ImportRejected) is not kept. Callers share what is kept:
nothing downstream changes a parsed file (the plan copies what it keeps of a line).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable

from .parse import ParsedBom, parse_bom_file
from .readers import DEFAULT_MAX_BYTES, DEFAULT_MAX_CELLS, DEFAULT_MAX_ROWS

KEPT_FILES = 2
KEPT_LINES = 10_000

_kept: OrderedDict[Hashable, ParsedBom] = OrderedDict()
_lock = threading.Lock()


def parse_bom_file_once(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    overrides: dict[int, str | None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_cells: int = DEFAULT_MAX_CELLS,
    strict: bool = False,
    count_designators: bool = False,
) -> ParsedBom:
    """`parse_bom_file`, or what it gave for the same bytes and options a moment ago."""
    key = (
        hashlib.blake2b(data, digest_size=16).digest(),
        len(data),
        filename,
        sheet,
        tuple(sorted(overrides.items(), key=lambda item: item[0])) if overrides else None,
        max_bytes,
        max_rows,
        max_cells,
        strict,
        count_designators,
    )
    with _lock:
        if (kept := _kept.get(key)) is not None:
            _kept.move_to_end(key)
            return kept
    parsed = parse_bom_file(
        data,
        filename,
        sheet=sheet,
        overrides=overrides,
        max_bytes=max_bytes,
        max_rows=max_rows,
        max_cells=max_cells,
        strict=strict,
        count_designators=count_designators,
    )
    if len(parsed.lines) <= KEPT_LINES:
        with _lock:
            _kept[key] = parsed
            while len(_kept) > KEPT_FILES:
                _kept.popitem(last=False)
    return parsed


def forget_parsed_files() -> None:
    """Drop what is kept (tests; a benchmark measuring the reading of a file again)."""
    with _lock:
        _kept.clear()
