"""Hypothesis strategies for BOM files as people write them, and for sequences of imports.

The files are built from a small pool of manufacturers and MPNs, so that imports in a sequence
meet each other's parts: the same MPN with and without its maker, a maker by its alias ("TI")
or in another case and spacing, MPNs several makers share, MPNs the persona world's catalogue
holds already, passives without an MPN (matched by value and package), distributor order codes,
alternates, DNP rows, duplicate designators, long and non-Latin names, internal part numbers
that name another assembly (or the assembly itself).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from accord.parts.tests.bom_samples import bom_files, is_placement_name, make_xlsx

# Spellings of the same makers: the names and aliases of the catalogue, in other case and
# spacing, with a suffix; one maker only in this pool, one non-Latin, one longer than a
# manufacturer's name may be (200 characters), "-" that is no name at all.
LONG_MAKER = "Shenzhen Extraordinarily Long Name Precision Passive Components " * 4
MAKERS = (
    "Texas Instruments",
    "TI",
    "texas  instruments",
    "TEXAS INSTRUMENTS INC.",
    "Murata",
    "Murata Electronics",
    "MURATA",
    "Yageo",
    "Acme Passives",
    "ACME passives",
    "Bolt Components",
    "Bolt Components Ltd.",
    "Würth Elektronik",
    "Wuerth Elektronik",
    "深圳市创芯微电子有限公司",
    LONG_MAKER.strip(),
    "-",
)
# MPNs: the catalogue's (TI's LDO, Murata's and Yageo's passives), one that two makers of this
# pool share, their other spellings, a non-Latin one, one longer than an MPN may be (120).
LONG_MPN = "XL-" + "0123456789ABCDEF" * 8
MPNS = (
    "TPS7A0233PDBVR",
    "tps7a0233pdbvr",
    "TPS7A02-33PDBVR",
    "GRM155R61A104KA01D",
    "grm155r61a104ka01d",
    "GRM 155R61A104KA01D",
    "RC0402FR-0710KL",
    "SHARED-0402-10K",
    "shared.0402.10k",
    "BOLT-22",
    "74279266",
    "CX-ÄÖ-µ100",
    "cx-äö-µ100",
    LONG_MPN,
    LONG_MPN.lower() + "-B",
)
# Distributor order codes, as they land in an MPN or an order-code column.
ORDER_CODES = ("296-TPS7A0233PDBVRCT-ND", "81-GRM155R61A104KA01D", "C25744", "311-10.0KLRCT-ND")
RESISTOR_VALUES = ("10k", "4k7", "4.7k", "10K", "100R", "1M")
CAPACITOR_VALUES = ("100n", "0.1uF", "100nF", "1µF", "10u")
FOOTPRINTS = ("R_0402_1005Metric", "C_0603_1608Metric", "0402", "0603", "0805", "SOT-23-5", "")
DESCRIPTIONS = (
    "",
    "LDO 3.3V 200mA",
    "Résistance 10 kΩ ±1 % — 0402",
    "積層セラミックコンデンサ 100nF",
    "Capacitor " + "very long description " * 30,
)
# Internal part numbers: one of the persona world's, the assemblies of this pool, a new one.
ASSEMBLIES = ("PT-MAIN", "PT-SUB")
PART_NUMBERS = ("HAL-100-0001", "PT-SUB", "IPN-0001", "ipn-0001")
REVISIONS = ("A", "B", "1.0")

# Headers the importer reads without asking: one spelling per column.
HEADERS = {
    "designators": "Designator",
    "quantity": "Quantity",
    "value": "Value",
    "footprint": "Footprint",
    "description": "Description",
    "manufacturer": "Manufacturer",
    "mpn": "MPN",
    "alt_manufacturer": "Manufacturer 2",
    "alt_mpn": "MPN 2",
    "order_code": "Digi-Key Part Number",
    "dnp": "DNP",
    "part_number": "Internal Part Number",
}
OPTIONAL_COLUMNS = tuple(c for c in HEADERS if c not in {"designators", "quantity"})


@dataclass(frozen=True)
class Row:
    prefix: str
    count: int
    quantity: str
    value: str = ""
    footprint: str = ""
    description: str = ""
    manufacturer: str = ""
    mpn: str = ""
    alt_manufacturer: str = ""
    alt_mpn: str = ""
    order_code: str = ""
    dnp: str = ""
    part_number: str = ""
    repeat_designator: bool = False  # takes the first designator of the row before it


@dataclass(frozen=True)
class BuiltBom:
    """A BOM file made up by the test: its rows, the columns it has, CSV or XLSX."""

    rows: tuple[Row, ...]
    columns: tuple[str, ...]
    fmt: str
    delimiter: str = ","

    @property
    def filename(self) -> str:
        return f"generated.{self.fmt}"

    def table(self) -> list[list[str]]:
        header = [HEADERS[c] for c in self.columns]
        body: list[list[str]] = []
        previous: list[str] = []
        for index, row in enumerate(self.rows):
            designators = [f"{row.prefix}{index * 10 + n + 1}" for n in range(row.count)]
            if row.repeat_designator and previous:
                designators[0] = previous[0]
            previous = designators
            cells = {
                "designators": ", ".join(designators),
                **{c: getattr(row, c) for c in HEADERS if c != "designators"},
            }
            body.append([cells[c] for c in self.columns])
        return [header, *body]

    def describe(self) -> str:
        return "\n".join(" | ".join(row) for row in self.table()) + f"\n({self.fmt})"

    def data(self) -> bytes:
        table = self.table()
        if self.fmt == "xlsx":
            quantity = self.columns.index("quantity")
            cells: list[list[object]] = [list(table[0])]
            for row in table[1:]:
                typed: list[object] = list(row)
                if row[quantity].isdigit():  # a spreadsheet holds a count as a number
                    typed[quantity] = int(row[quantity])
                cells.append(typed)
            return make_xlsx({"BOM": cells})
        out = io.StringIO()
        csv.writer(out, delimiter=self.delimiter, lineterminator="\r\n").writerows(table)
        return out.getvalue().encode("utf-8")


@st.composite
def rows(draw: st.DrawFn, index: int = 0) -> Row:
    """One row: a part by its MPN, a passive by its value, or an order code only."""
    kind = draw(st.sampled_from(("mpn", "mpn", "passive", "order_code")))
    count = draw(st.integers(1, 3))
    quantity = draw(
        st.sampled_from((str(count), str(count), "", str(count + 1), f"{count} pcs", "0"))
    )
    common = {
        "count": count,
        "quantity": quantity,
        "description": draw(st.sampled_from(DESCRIPTIONS)),
        "dnp": draw(st.sampled_from(("", "", "", "DNP", "yes", "no"))),
        "part_number": draw(st.sampled_from(("",) * 12 + PART_NUMBERS)),
        "repeat_designator": draw(st.integers(0, 9)) == 0,
    }
    if kind == "passive":
        resistor = draw(st.booleans())
        return Row(
            prefix="R" if resistor else "C",
            value=draw(st.sampled_from(RESISTOR_VALUES if resistor else CAPACITOR_VALUES)),
            footprint=draw(st.sampled_from(FOOTPRINTS)),
            **common,
        )
    if kind == "order_code":
        code = draw(st.sampled_from(ORDER_CODES))
        return Row(prefix="U", mpn=code, order_code=code, **common)
    alternate = draw(st.integers(0, 3)) == 0
    return Row(
        prefix=draw(st.sampled_from(("U", "C", "R", "IC"))),
        value=draw(st.sampled_from(("", "LDO", "100n", "10k"))),
        footprint=draw(st.sampled_from(FOOTPRINTS)),
        manufacturer=draw(st.sampled_from(("", "", *MAKERS))),
        mpn=draw(st.sampled_from(MPNS)),
        alt_manufacturer=draw(st.sampled_from(("", *MAKERS))) if alternate else "",
        alt_mpn=draw(st.sampled_from(MPNS)) if alternate else "",
        order_code=draw(st.sampled_from(("",) * 3 + ORDER_CODES)),
        **common,
    )


@st.composite
def built_boms(draw: st.DrawFn) -> BuiltBom:
    optional = draw(st.sets(st.sampled_from(OPTIONAL_COLUMNS), min_size=2))
    # Designators and quantity always; "MPN" with its maker (an MPN column alone is read too).
    columns = tuple(c for c in HEADERS if c in {"designators", "quantity"} | optional)
    return BuiltBom(
        rows=tuple(draw(st.lists(rows(), min_size=1, max_size=6))),
        columns=columns,
        fmt=draw(st.sampled_from(("csv", "csv", "xlsx"))),
        delimiter=draw(st.sampled_from((",", ",", ";"))),
    )


def small_sample_boms(max_bytes: int = 6000) -> list[Path]:
    """The real BOM files small enough to import many times over in one test."""
    return [
        path
        for path in bom_files()
        if not is_placement_name(path) and path.stat().st_size <= max_bytes
    ]


@dataclass(frozen=True)
class SampleBom:
    path: Path

    @property
    def filename(self) -> str:
        return self.path.name

    def describe(self) -> str:
        return f"sample {self.path.parent.name}/{self.path.name}"

    def data(self) -> bytes:
        return self.path.read_bytes()


BomSource = BuiltBom | SampleBom


@dataclass(frozen=True)
class ImportStep:
    """One import: who (an importer of Halcyon or of Roverly), into which program, which
    assembly and revision, which file; `racing` is a second import prepared before this one is
    written (a concurrent import), written after it."""

    persona: str
    program: str
    assembly: str
    revision: str
    source: BomSource
    approve_alternates: bool = False
    racing: ImportStep | None = None


def describe(step: ImportStep) -> str:
    """The step as a reader of a failing example wants it: who, where, and the file's rows."""
    text = (
        f"{step.persona} imports {step.assembly} rev {step.revision} into {step.program}"
        f"{' (alternates approved)' if step.approve_alternates else ''}:\n"
        f"{step.source.describe()}"
    )
    if step.racing is not None:
        text += f"\n... while, prepared at the same time: {describe(step.racing)}"
    return text


# Halcyon owns two programs (the same assembly can be built in both), Roverly one.
PROGRAMS_OF = {"oem_buyer": ("EBX2", "PHRM"), "other_oem_user": ("RVC",)}


@st.composite
def bom_sources(draw: st.DrawFn, samples: Sequence[Path]) -> BomSource:
    if samples and draw(st.integers(0, 3)) == 0:
        return SampleBom(draw(st.sampled_from(list(samples))))
    return draw(built_boms())


@st.composite
def import_steps(draw: st.DrawFn, samples: Sequence[Path], racing: bool = True) -> ImportStep:
    persona = draw(st.sampled_from(("oem_buyer", "oem_buyer", "other_oem_user")))
    return ImportStep(
        persona=persona,
        program=draw(st.sampled_from(PROGRAMS_OF[persona])),
        assembly=draw(st.sampled_from(ASSEMBLIES)),
        revision=draw(st.sampled_from(REVISIONS)),
        source=draw(bom_sources(samples)),
        approve_alternates=draw(st.booleans()),
        racing=draw(import_steps(samples, racing=False))
        if racing and draw(st.integers(0, 4)) == 0
        else None,
    )
