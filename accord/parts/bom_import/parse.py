"""From an uploaded file to BOM lines: the part of the importer with the BOM rules.

`parse_bom_file` never touches the database. It returns every line it could read
plus a list of problems (with row/column as the user sees them); only file-level
failures raise ImportRejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from accord.core.numbers import plain_number

from .cell_rules import CellRules
from .codes import distributor_of, is_library_reference
from .column_evidence import is_note
from .column_shift import message as realignment_message
from .designators import natural_sorted, parse_designators, summarize
from .fit_status import footer_list, read_cell
from .mapping import (
    ColumnMapping,
    field_label,
    is_designator_cell,
    is_dnp_word,
    lower_first,
    supplier_from_header,
)
from .problems import Problem, ProblemLog, Severity, column_label
from .quantities import NUMBER, parse_quantity
from .quantity_basis import per_board_quantities
from .readers import DEFAULT_MAX_BYTES, DEFAULT_MAX_CELLS, DEFAULT_MAX_ROWS, RawSheet
from .stages import identify_columns, locate_table, read_file
from .values import parse_value
from .vocabulary import (
    ANY_WORDS,
    DNP_FALSE,
    DNP_MARKER,
    DNP_TRUE,
    FITTED_FALSE,
    FITTED_TRUE,
    NF_MARKER,
    PLACEHOLDERS,
    TOTAL_ROW,
    UNDECIDED,
)


@dataclass
class ParsedLine:
    source_row: int
    designators: list[str]
    quantity: Decimal
    value: str
    value_parameters: dict[str, Decimal | str]
    footprint: str
    description: str
    manufacturer: str
    mpn: str
    alternates: list[tuple[str, str]]
    supplier: str
    supplier_pn: str
    dnp: bool
    notes: str
    raw: dict[str, str]
    item: str = ""
    lcsc: str = ""
    datasheet: str = ""
    part_number: str = ""
    # Every spreadsheet row that went into this line (several when grouped).
    source_rows: list[int] = field(default_factory=list)
    quantity_derived: bool = False
    any_manufacturer: bool = False
    # The designators of this line that are not fitted (a subset of `designators`); a line is
    # a DNP line only when none of its designators is fitted.
    dnp_designators: list[str] = field(default_factory=list)

    @property
    def fitted_designators(self) -> list[str]:
        not_fitted = {d.casefold() for d in self.dnp_designators}
        return [d for d in self.designators if d.casefold() not in not_fitted]

    @property
    def partly_fitted(self) -> bool:
        return bool(self.dnp_designators) and not self.dnp


@dataclass
class ParsedBom:
    filename: str
    sheet_names: list[str]
    sheet: str
    header_row: int | None  # 1-based spreadsheet row of the header; None = headerless file
    mappings: list[ColumnMapping]
    lines: list[ParsedLine]
    problems: list[Problem]
    header_signature: str
    grouped: bool = False
    # Each mapped field's column as a problem names it ("MPN (D)"), for later stages' problems.
    column_labels: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def dnp_count(self) -> int:
        """Number of lines marked do-not-place."""
        return sum(1 for line in self.lines if line.dnp)

    def total_quantity(self, *, include_dnp: bool = False) -> Decimal:
        """Sum of line quantities (by default only fitted lines): parts per board."""
        return sum(
            (line.quantity for line in self.lines if include_dnp or not line.dnp), Decimal(0)
        )


_TEXT_FIELDS = (
    "item",
    "value",
    "footprint",
    "description",
    "manufacturer",
    "mpn",
    "supplier",
    "supplier_pn",
    "lcsc",
    "datasheet",
    "part_number",
    "notes",
)
# What tells two one-designator rows apart as parts: rows alike in all of these are one line.
_PART_FIELDS = ("value", "footprint", "manufacturer", "mpn", "supplier_pn")


def _clean_text(value: str) -> str:
    v = value.strip()
    return "" if v.lower() in PLACEHOLDERS else v


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    raw: dict[str, str]
    designators: list[str]
    quantity: Decimal | None
    dnp: bool
    alternates: list[tuple[str, str]]
    any_manufacturer: bool
    # Designators this row names as not fitted (a list in a cell: "NF(R12,R14)").
    dnp_designators: list[str] = field(default_factory=list)


class _Parser:
    def __init__(
        self,
        sheet: RawSheet,
        mappings: list[ColumnMapping],
        log: ProblemLog,
        data_start: int,
        *,
        strict: bool = False,
        count_designators: bool = False,
    ) -> None:
        self.sheet = sheet
        self.strict = strict
        self.count_designators = count_designators
        # Not-fitted designators named outside their own row (a footer "NF: R12, R14", or a
        # note on another row): row number -> designators.
        self.listed_elsewhere: dict[int, list[str]] = {}
        self.mappings = mappings
        self.headers = {m.index: m.header for m in mappings}
        self.log = log
        self.data_start = data_start
        self.columns: dict[str, int] = {m.field: m.index for m in mappings if m.field}
        # Columns that lost a field to another column still fill its empty cells
        # (fomu's "APN" backs up "AMPN", a second "Value" backs up the first).
        self.fallbacks: dict[int, list[int]] = {}
        for m in mappings:
            if m.field is None and m.duplicate_of is not None:
                self.fallbacks.setdefault(m.duplicate_of, []).append(m.index)
        self.labels = {
            m.index: column_label(m.header, sheet.first_column + m.index) for m in mappings
        }
        self.raw_keys = self._raw_keys()
        self.alt_numbers = sorted(
            {int(f.rsplit("_", 1)[1]) for f in self.columns if f.startswith("alt_")}
        )
        sp = self.columns.get("supplier_pn")
        self.supplier_hint = supplier_from_header(mappings[sp].header) if sp is not None else None
        self.cell_rules = CellRules(log, combined=self.label("value_or_mpn"), mpn=self.label("mpn"))

    def _raw_keys(self) -> dict[int, str]:
        seen: dict[str, int] = {}
        keys: dict[int, str] = {}
        for m in self.mappings:
            name = m.header.strip()
            seen[name] = seen.get(name, 0) + 1
            keys[m.index] = name if name and seen[name] == 1 else self.labels[m.index]
        return keys

    def label(self, field_name: str) -> str | None:
        index = self.columns.get(field_name)
        return self.labels.get(index) if index is not None else None

    def cell(self, row: Sequence[str], field_name: str) -> str:
        index = self.columns.get(field_name)
        if index is None:
            return ""
        if fallbacks := self.fallbacks.get(index):  # most columns have none: no check needed
            for i in [index, *fallbacks]:
                if i < len(row) and _clean_text(row[i]):
                    return row[i]
        return row[index] if index < len(row) else ""

    # ---------------------------------------------------------------- rows

    def rows(self) -> list[_Row]:
        out: list[_Row] = []
        skipped: dict[str, list[int]] = {}
        header_norm = [m.header.strip().lower() for m in self.mappings]
        below_table = False  # a blank row after BOM lines: what follows may be a footer
        emptied = self.sheet.skipped_rows
        for offset, row in enumerate(self.sheet.rows[self.data_start :]):
            number = self.sheet.first_row + self.data_start + offset
            if self.data_start + offset in emptied:
                # A report line the reader emptied: a page header, or a note tells already.
                if emptied[self.data_start + offset]:
                    skipped.setdefault(emptied[self.data_start + offset], []).append(number)
                continue
            own = self.cell(row, "designators")
            listed = footer_list(list(row)) if not is_designator_cell(own) else None
            if listed:
                self.listed_elsewhere[number] = listed
                continue
            kind = self._skip_kind(row, header_norm)
            if kind == "blank" and out:
                below_table = True
            elif kind is None and below_table and self._sign_off(row):
                kind = "footer"
            if kind:
                skipped.setdefault(kind, []).append(number)
                continue
            parsed = self._parse_row(row, number)
            if parsed is not None:
                out.append(parsed)
                below_table = False
        for kind, numbers in skipped.items():
            if len(numbers) == 1:
                self.log.info(
                    "skipped-rows", f"Skipped 1 {kind} row (row {numbers[0]}).", row=numbers[0]
                )
            else:
                rows_text = summarize([str(n) for n in numbers], 8)
                self.log.info(
                    "skipped-rows", f"Skipped {len(numbers)} {kind} rows (rows {rows_text})."
                )
        return out

    def _sign_off(self, row: Sequence[str]) -> bool:
        """Under the table, after a blank row: a row of one or two words with no designator,
        quantity or MPN is a sign-off or notes block ("Approved | Notes"), not a BOM line."""
        filled = [c for c in row if c and c.strip()]
        return (
            len(filled) <= 2
            and not self.cell(row, "designators").strip()
            and not self.cell(row, "quantity").strip()
            and not self.cell(row, "mpn").strip()
        )

    def _skip_kind(self, row: Sequence[str], header_norm: list[str]) -> str | None:
        filled = [(i, c) for i, c in enumerate(row) if c]
        if not filled:
            return "blank"
        if [c.lower() for c in row] == header_norm[: len(row)] and len(filled) >= 2:
            return "repeated header"
        designators = self.cell(row, "designators")
        if not designators or not is_designator_cell(designators):
            first_texts = [c for _, c in filled[:3]]
            if any(TOTAL_ROW.match(c) for c in first_texts):
                return "total/subtotal"
            if len(filled) <= 2 and filled[0][1].endswith(":"):
                return "summary/footer"
            qty_index = self.columns.get("quantity")
            if len(filled) == 1 and filled[0][0] == qty_index and NUMBER.fullmatch(filled[0][1]):
                return "subtotal (a lone number in the quantity column)"
            if len(filled) == 1 and filled[0][0] not in (self.columns.get("mpn"), qty_index):
                return "section heading"
        return None

    def _parse_row(self, row: Sequence[str], number: int) -> _Row | None:
        raw: dict[str, str] = {}
        for i, c in enumerate(row):
            if c:
                key = self.raw_keys.get(i) or column_label("", self.sheet.first_column + i)
                raw[key] = c
        cells = {f: _clean_text(self.cell(row, f)) for f in _TEXT_FIELDS}
        self.cell_rules.apply(
            cells, self.cell(row, "value_or_mpn"), self.cell(row, "designators"), number
        )
        dnp, dnp_listed = self._dnp(row, cells, number)
        any_mfr = False
        for f in ("manufacturer", "mpn"):
            v = cells[f].lower()
            if v in ANY_WORDS:
                cells[f], any_mfr = "", True
            elif v in UNDECIDED:
                self.log.warning(
                    "undecided-part",
                    f"The {'MPN' if f == 'mpn' else 'manufacturer'} is '{cells[f]}', i.e. not "
                    "decided yet.",
                    row=number,
                    column=self.label(f),
                )
                cells[f] = ""
            elif is_dnp_word(v):
                cells[f] = ""
        if cells["value"] and is_dnp_word(cells["value"]):
            dnp = True
        for f in ("supplier_pn", "part_number", "lcsc"):
            if is_dnp_word(cells[f]) or cells[f].lower() in ANY_WORDS:
                cells[f] = ""
        if cells["mpn"]:
            self._screen_mpn(cells, number)
        if any_mfr:
            note = "Any manufacturer is acceptable."
            cells["notes"] = f"{cells['notes']} {note}".strip() if cells["notes"] else note
        if not cells["supplier"] and cells["supplier_pn"]:
            cells["supplier"] = self._supplier_of(row) or ""
        alternates = self._alternates(row)
        designators, in_cell = self._designators(row, number)
        dnp_listed += in_cell
        mine = {d.casefold() for d in designators}
        elsewhere = [d for d in dnp_listed if d.casefold() not in mine]
        if elsewhere:
            self.listed_elsewhere[number] = elsewhere
        dnp_listed = [d for d in dnp_listed if d.casefold() in mine]
        quantity = self._quantity(row, number)
        if (
            quantity is None
            and self.columns.get("quantity") is not None
            and self.cell(row, "quantity").strip()
        ):
            return None  # invalid quantity already reported as an error
        if quantity is None and not designators:
            if not any(cells[f] for f in ("mpn", "value", "description", "manufacturer")):
                return None
            self.log.error(
                "no-quantity",
                "This row has neither a quantity nor designators, so the quantity is unknown.",
                row=number,
                column=self.label("quantity") or self.label("designators"),
            )
            return None
        return _Row(number, cells, raw, designators, quantity, dnp, alternates, any_mfr, dnp_listed)

    def _supplier_of(self, row: Sequence[str]) -> str | None:
        """The distributor that the header of the supplier part number's column names: a
        Newark code filling in for an empty Farnell cell (OC_NEWARK, OC_FARNELL) is Newark's."""
        index = self.columns.get("supplier_pn")
        if index is None:
            return None
        for i in [index, *self.fallbacks.get(index, [])]:
            if i < len(row) and _clean_text(row[i]):
                return supplier_from_header(self.headers[i])
        return self.supplier_hint

    def _screen_mpn(self, cells: dict[str, str], number: int) -> None:
        """An order code or a library name in the MPN column is no MPN (see codes.py): an
        order code becomes the supplier's part number, a library name is left out."""
        mpn = cells["mpn"]
        seller = distributor_of(mpn, supplier=cells["supplier"] or self.supplier_hint or "")
        if seller is not None:
            if not cells["supplier_pn"]:
                cells["supplier_pn"] = mpn
                cells["supplier"] = cells["supplier"] or seller
            message = (
                f"{mpn} is an order code of {seller}, not a manufacturer part number: it was "
                "read as the supplier's part number."
            )
            self.log.info("distributor-code", message, row=number, column=self.label("mpn"))
            cells["mpn"] = ""
        elif is_library_reference(mpn, footprint=cells["footprint"]):
            message = (
                f"{mpn} is a library or symbol name, not a manufacturer part number: it was "
                "left out of the MPN."
            )
            self.log.info("library-reference", message, row=number, column=self.label("mpn"))
            cells["mpn"] = ""

    def _alternates(self, row: Sequence[str]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for n in self.alt_numbers:
            mfr = _clean_text(self.cell(row, f"alt_manufacturer_{n}"))
            mpn = _clean_text(self.cell(row, f"alt_mpn_{n}"))
            if mfr.lower() in ANY_WORDS or is_dnp_word(mfr):
                mfr = ""
            if mpn.lower() in ANY_WORDS or is_dnp_word(mpn):
                mpn = ""
            if mpn and (distributor_of(mpn) or is_library_reference(mpn) or is_note(mpn)):
                mpn = ""  # an order code, a library name or a remark names no alternate part
            if mfr or mpn:
                out.append((mfr, mpn))
        return out

    def _designators(self, row: Sequence[str], number: int) -> tuple[list[str], list[str]]:
        """The row's designators, and those of them its cell lists as not fitted
        ("R1, R2, NF(R12,R14)" is four designators, two of them not fitted)."""
        text = self.cell(row, "designators")
        if not text or _clean_text(text) == "":
            return [], []
        status = read_cell(text)
        parsed = parse_designators(status.rest)
        if status.designators:
            known = {d.casefold() for d in parsed.designators}
            parsed.designators += [d for d in status.designators if d.casefold() not in known]
        column = self.label("designators")
        for message in parsed.problems:
            self.log.error("designator-range", message, row=number, column=column)
        if parsed.duplicates:
            self.log.warning(
                "duplicate-in-cell",
                f"{summarize(parsed.duplicates)} listed more than once in the same cell (counted "
                "once).",
                row=number,
                column=column,
            )
        if parsed.unusual:
            self.log.warning(
                "unusual-designator",
                f"Unusual designator(s): {summarize(parsed.unusual)}.",
                row=number,
                column=column,
            )
        return parsed.designators, status.designators

    def _quantity(self, row: Sequence[str], number: int) -> Decimal | None:
        text = self.cell(row, "quantity").strip()
        if not text:
            return None
        value, error = parse_quantity(text)
        if error:
            self.log.error("bad-quantity", error + ".", row=number, column=self.label("quantity"))
        return value

    def _dnp(
        self, row: Sequence[str], cells: dict[str, str], number: int
    ) -> tuple[bool, list[str]]:
        """(whole row not fitted, designators listed as not fitted). A DNP or fitted column's
        yes/no marks the row; a list ("NF(R12,R14)", "C3, C4" in a DNP column) names
        designators; words in a value, note or description ("leave empty") mark the row."""
        dnp = False
        listed: list[str] = []
        raw_flag = self.cell(row, "dnp").strip()
        flag = raw_flag.lower()
        flag_status = read_cell(raw_flag)
        if flag in DNP_TRUE or is_dnp_word(flag) or DNP_MARKER.search(flag):
            dnp = not flag_status.designators or flag_status.whole_row
            listed += flag_status.designators
        elif flag_status.designators:
            listed += flag_status.designators
        elif is_designator_cell(raw_flag):
            listed += parse_designators(raw_flag).designators
        elif flag_status.whole_row:
            dnp = True
        elif flag not in DNP_FALSE:
            self.log.warning(
                "dnp-unclear",
                f"'{self.cell(row, 'dnp')}' in the DNP column is not a yes/no value; the part is "
                "treated as fitted.",
                row=number,
                column=self.label("dnp"),
            )
        raw_fitted = self.cell(row, "fitted").strip()
        fitted = raw_fitted.lower()
        fitted_status = read_cell(raw_fitted)
        if fitted in FITTED_FALSE:
            dnp = True
        elif fitted_status.designators or fitted_status.whole_row:
            listed += fitted_status.designators
            dnp = dnp or fitted_status.whole_row
        elif fitted and fitted not in FITTED_TRUE:
            self.log.warning(
                "fitted-unclear",
                f"'{self.cell(row, 'fitted')}' in the fitted column is not a yes/no value; the "
                "part is treated as fitted.",
                row=number,
                column=self.label("fitted"),
            )
        for f in ("value", "description", "notes"):
            status = read_cell(cells[f])
            listed += status.designators
            if status.whole_row or NF_MARKER.search(status.rest) or DNP_MARKER.search(status.rest):
                dnp = True
        for f in ("manufacturer", "mpn"):
            if is_dnp_word(cells[f]):
                dnp = True
        return dnp, listed

    # ---------------------------------------------------------------- lines

    def lines(self, rows: list[_Row]) -> tuple[list[ParsedLine], bool]:
        self._check_duplicates(rows)
        grouped = self._one_line_per_reference(rows)
        lines: list[ParsedLine] = []
        groups: dict[tuple[str, ...], ParsedLine] = {}
        for r in rows:
            groupable = (
                grouped
                and len(r.designators) == 1
                and r.quantity in (None, Decimal(1))
                and not r.dnp_designators
            )
            if groupable:
                key = tuple(r.cells[f].casefold() for f in _PART_FIELDS)
                key += ("dnp" if r.dnp else "",)
                existing = groups.get(key)
                if existing is not None:
                    existing.designators.append(r.designators[0])
                    if r.dnp:
                        existing.dnp_designators.append(r.designators[0])
                    existing.source_rows.append(r.number)
                    existing.quantity += 1
                    continue
            line = self._line(r)
            if groupable:
                groups[key] = line
            lines.append(line)
        for line in lines:
            if len(line.source_rows) > 1:
                line.designators = natural_sorted(line.designators)
                line.dnp_designators = natural_sorted(line.dnp_designators)
                line.quantity = Decimal(len(line.designators))
                line.quantity_derived = False
        if grouped:
            self.log.info(
                "grouped",
                f"The file lists one designator per row: {len(rows)} rows were grouped into "
                f"{len(lines)} lines with the same value, footprint, manufacturer, MPN, "
                "supplier part number and DNP status.",
            )
        self._apply_lists_elsewhere(lines)
        for line in lines:
            if len(line.source_rows) == 1:
                self._check_quantity(line)
        return lines, grouped

    def _apply_lists_elsewhere(self, lines: list[ParsedLine]) -> None:
        """Not-fitted designators named in a footer or on another row mark them on their line."""
        if not self.listed_elsewhere:
            return
        owner = {d.casefold(): line for line in lines for d in line.designators}
        for number, designators in self.listed_elsewhere.items():
            found = [d for d in designators if d.casefold() in owner]
            missing = [d for d in designators if d.casefold() not in owner]
            for d in found:
                line = owner[d.casefold()]
                written = next(x for x in line.designators if x.casefold() == d.casefold())
                if written.casefold() not in {x.casefold() for x in line.dnp_designators}:
                    line.dnp_designators = natural_sorted([*line.dnp_designators, written])
                line.dnp = len(line.dnp_designators) == len(line.designators)
            if found:
                self.log.info(
                    "not-fitted-list",
                    f"Row {number} lists {summarize(found)} as not fitted: "
                    f"{'it was' if len(found) == 1 else 'they were'} marked not fitted on "
                    f"{'its line' if len(found) == 1 else 'their lines'}.",
                    row=number,
                )
            if missing:
                self.log.warning(
                    "not-fitted-unknown",
                    f"Row {number} lists {summarize(missing)} as not fitted, but no line of the "
                    "BOM has "
                    f"{'this designator' if len(missing) == 1 else 'these designators'}.",
                    row=number,
                )

    def _line(self, r: _Row) -> ParsedLine:
        derived = r.quantity is None or (self.count_designators and bool(r.designators))
        quantity = Decimal(len(r.designators)) if derived else r.quantity
        assert quantity is not None
        if r.dnp or not r.designators:
            not_fitted = list(r.designators) if r.dnp else []
        else:
            listed = {d.casefold() for d in r.dnp_designators}
            not_fitted = [d for d in r.designators if d.casefold() in listed]
        whole = r.dnp or (bool(r.designators) and len(not_fitted) == len(r.designators))
        c = r.cells
        first = r.designators[0] if r.designators else None
        return ParsedLine(
            source_row=r.number,
            designators=natural_sorted(r.designators),
            quantity=quantity,
            value=c["value"],
            value_parameters=parse_value(c["value"], designator=first).parameters,
            footprint=c["footprint"],
            description=c["description"],
            manufacturer=c["manufacturer"],
            mpn=c["mpn"],
            alternates=r.alternates,
            supplier=c["supplier"],
            supplier_pn=c["supplier_pn"],
            dnp=whole,
            notes=c["notes"],
            raw=r.raw,
            item=c["item"],
            lcsc=c["lcsc"],
            datasheet=c["datasheet"],
            part_number=c["part_number"],
            source_rows=[r.number],
            quantity_derived=derived,
            any_manufacturer=r.any_manufacturer,
            dnp_designators=natural_sorted(not_fitted),
        )

    def _one_line_per_reference(self, rows: list[_Row]) -> bool:
        placed = [r for r in rows if r.designators]
        single = [r for r in placed if len(r.designators) == 1 and r.quantity in (None, Decimal(1))]
        if len(placed) < 2 or len(single) < 0.9 * len(placed):
            return False
        keys = {
            (
                tuple(r.cells[f].casefold() for f in _PART_FIELDS),
                r.dnp,
            )
            for r in single
        }
        return len(keys) < len(single)

    def _check_duplicates(self, rows: list[_Row]) -> None:
        """A designator on two rows is a warning naming both (a variant BOM may list a part
        twice); in strict mode, which the user picks, it blocks the import."""
        first_seen: dict[str, int] = {}
        column = self.label("designators")
        severity: Severity = "error" if self.strict else "warning"
        outcome = (
            " Strict mode refuses a designator on two rows."
            if self.strict
            else " Both rows were kept."
        )
        for r in rows:
            for d in r.designators:
                key = d.casefold()  # "LDx" and "LDX" are one designator
                if key in first_seen and first_seen[key] != r.number:
                    self.log.add(
                        severity,
                        "duplicate-designator",
                        f"Designator {d} appears in row {first_seen[key]} and again in row "
                        f"{r.number}.{outcome}",
                        row=r.number,
                        column=column,
                    )
                else:
                    first_seen.setdefault(key, r.number)

    def _check_quantity(self, line: ParsedLine) -> None:
        """The file's quantity is kept: a quantity that matches neither the designators nor
        the fitted ones is reported, and the user may choose to count designators instead."""
        n = len(line.designators)
        if line.quantity_derived:
            if self.count_designators and self.columns.get("quantity") is not None:
                self.log.info(
                    "quantity-counted",
                    f"Quantity {line.quantity} counted from the designators, as you chose.",
                    row=line.source_row,
                    column=self.label("quantity"),
                )
            elif self.columns.get("quantity") is not None:
                self.log.info(
                    "quantity-derived",
                    f"No quantity given; {line.quantity} was counted from the designators.",
                    row=line.source_row,
                    column=self.label("quantity"),
                )
            return
        fitted = len(line.fitted_designators)
        if n and line.quantity not in (n, fitted) and not (line.dnp and line.quantity == 0):
            noun = "designator" if n == 1 else "designators"
            self.log.warning(
                "quantity-mismatch",
                f"Quantity {plain_number(line.quantity)} does not match the {n} {noun} "
                f"{summarize(line.designators)}; the file's quantity was kept (choose to count "
                "designators in the preview to use their number instead).",
                row=line.source_row,
                column=self.label("quantity"),
            )


def parse_bom_file(
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
    """Read, map and check a BOM file. Raises ImportRejected only for file-level failures.

    `strict` makes a designator on two rows an error (a warning otherwise);
    `count_designators` takes a line's quantity from its designators instead of the file's."""
    read = read_file(
        data, filename, sheet=sheet, max_bytes=max_bytes, max_rows=max_rows, max_cells=max_cells
    )
    chosen, file, sheet_label = read.sheet, read.file, read.sheet_label
    stripped = read.stripped
    rows = chosen.rows
    table = locate_table(rows)
    header, header_index, data_start = table.header, table.header_index, table.data_start
    columns = identify_columns(read, table, overrides)
    mappings, shift, moved = columns.mappings, columns.shift, columns.moved
    fields = {m.field for m in mappings if m.field}
    log = ProblemLog(file, sheet_label)
    for note in chosen.notes:
        log.add(note.severity, note.code, note.message, row=note.row, column=note.column)
    if header_index is not None:
        mappings = per_board_quantities(
            mappings,
            rows,
            header=header,
            header_index=header_index,
            data_start=data_start,
            first_row=chosen.first_row,
            first_column=chosen.first_column,
            log=log,
        )
        fields = {m.field for m in mappings if m.field}
    for cell in stripped:
        codes = ", ".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(cell.removed))
        heading = header[cell.column] if cell.column < len(header) else ""
        log.info(
            "control-characters-removed",
            f"Removed {len(cell.removed)} control or bidi character(s) ({codes}) from this "
            "cell; the rest of its text was kept.",
            row=chosen.first_row + cell.row,
            column=column_label(heading, chosen.first_column + cell.column),
        )
    if shift:
        log.info("columns-realigned", realignment_message(shift, moved))
    if header_index is None:
        log.info(
            "no-header",
            "The file has no header row; the columns were recognised from their content.",
        )
    for m in mappings:
        if m.note:
            log.info(m.note_code, m.note)
        elif m.field and m.confidence < 0.8:
            where = column_label(m.header, chosen.first_column + m.index)
            log.info(
                "column-guess",
                f"{where} was read as {field_label(m.field)}: {lower_first(m.reason)}. Please "
                "check.",
            )
    if "quantity" not in fields:
        log.info(
            "no-quantity-column",
            "There is no quantity column; quantities were counted from the designators.",
        )
    parser = _Parser(
        chosen, mappings, log, data_start, strict=strict, count_designators=count_designators
    )
    parsed_rows = parser.rows()
    parser.cell_rules.report()
    lines, grouped = parser.lines(parsed_rows)
    if not lines and all(p.severity == "info" for p in log.problems):
        log.warning("no-lines", "No BOM lines were found under the header.")
    return ParsedBom(
        filename=file,
        sheet_names=[s.name for s in read.sheets],
        sheet=chosen.name,
        header_row=table.header_row(chosen),
        mappings=mappings,
        lines=lines,
        problems=log.finish(),
        header_signature=columns.signature,
        grouped=grouped,
        column_labels={f: parser.labels[i] for f, i in parser.columns.items()},
    )
