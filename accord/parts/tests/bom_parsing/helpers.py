"""What the BOM parsing tests share: reading a sample, listing problem codes, writing CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from accord.parts.bom_import.parse import ParsedBom, parse_bom_file
from accord.parts.tests.bom_samples import (
    sample_bytes,
)


def parse_sample(relative: str, **kwargs: object) -> ParsedBom:
    return parse_bom_file(sample_bytes(relative), Path(relative).name, **kwargs)  # type: ignore[arg-type]


def refs(text: str) -> list[str]:
    return text.split()


def codes(bom: ParsedBom, severity: str | None = None) -> list[str]:
    return [p.code for p in bom.problems if severity is None or p.severity == severity]


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue()


def summary_of(bom: ParsedBom) -> list[tuple[object, ...]]:
    return [(tuple(x.designators), x.quantity, x.value, x.description, x.mpn) for x in bom.lines]
