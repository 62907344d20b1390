"""Reading pages and downloads the way a person or a spreadsheet would."""

from __future__ import annotations

import csv
import html
import io
import re
from html.parser import HTMLParser
from typing import Any

from django.http import HttpResponse
from openpyxl import load_workbook


class _Tables(HTMLParser):
    """Every <table>: its caption and the text of each cell, row by row."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._caption: list[str] | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append(("", []))
        elif tag == "caption":
            self._caption = []
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self._row = []
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None and self.tables:
            _caption, rows = self.tables[-1]
            self.tables[-1] = (_squash("".join(self._caption)), rows)
            self._caption = None
        elif tag == "thead":
            self._in_head = False
        elif tag in {"td", "th"} and self._cell is not None and self._row is not None:
            self._row.append(_squash("".join(self._cell)))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1][1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._caption is not None:
            self._caption.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def table(response: Any, caption: str) -> list[list[str]]:
    """The body rows of the table whose caption starts with `caption`."""
    parser = _Tables()
    parser.feed(response.content.decode())
    for found, rows in parser.tables:
        if found.startswith(caption):
            return rows
    captions = [c for c, _ in parser.tables]
    raise AssertionError(f"No table captioned {caption!r}; captions: {captions}")


def rows_by_first_cell(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row for row in rows}


def text(response: Any) -> str:
    """The page's visible text with whitespace squashed (tags removed)."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return html.unescape(_squash(re.sub(r"<[^>]+>", " ", body)).replace(" ,", ","))


def csv_rows(response: HttpResponse) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response: HttpResponse) -> list[list[Any]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = workbook.worksheets[0]
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
