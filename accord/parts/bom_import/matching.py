"""Turn parsed BOM lines into a plan against the catalogue: which existing part each line
is, what would be created, and how the BOM differs from the previous revision.

Matching is set-based: one query per kind of key for the whole file (manufacturers,
manufacturer parts, the owner's parts by number, by approved source, by value and package),
then dictionary look-ups, so a 5,000-line BOM costs the same handful of queries as a
50-line one.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from accord.core.db import one_of
from accord.parts.bom_import.catalogue_reads import read_rows
from accord.parts.bom_import.designator_diff import DesignatorDiff, designator_diff
from accord.parts.bom_import.mpn_lookup import MpnLookup
from accord.parts.bom_import.problems import Problem
from accord.parts.bom_import.values import PARAMETER_UNITS, ParsedValue, format_si, parse_value
from accord.parts.choices import SourceStatus
from accord.parts.models import (
    ApprovedSource,
    Bom,
    Manufacturer,
    ManufacturerAlias,
    Part,
    PartParameter,
)
from accord.parts.normalise import manufacturer_key, mpn_key

UNKNOWN_MANUFACTURER = "Unknown"
UNKNOWN_MANUFACTURER_KEY = manufacturer_key(UNKNOWN_MANUFACTURER)
MatchKind = Literal["part_number", "mpn", "value_package", "new"]
MATCH_LABELS = {
    "part_number": "Matched by part number",
    "mpn": "Matched by manufacturer part number",
    "value_package": "Matched by value and package (no MPN in the file)",
    "new": "New part (will be created)",
}
# Electrical values that identify a generic passive together with its package.
GENERIC_PARAMETERS = ("resistance", "capacitance", "inductance")
_PACKAGE_IN_FOOTPRINT = re.compile(
    r"(?<!\d)(01005|0201|0402|0603|0805|1206|1210|1812|2010|2512)(?!\d)"
)


@dataclass
class PlannedSource:
    manufacturer: str
    mpn: str
    rank: int
    status: str
    manufacturer_part_id: int | None = None
    already_listed: bool = False


@dataclass
class PlannedLine:
    position: int
    source_row: int
    part_number: str
    description: str
    quantity: Decimal
    designators: list[str]
    dnp: bool
    value: str
    footprint: str
    notes: str
    match: MatchKind
    part_id: int | None = None
    # The not-fitted designators (all of them on a DNP line).
    dnp_designators: list[str] = field(default_factory=list)
    package: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    sources: list[PlannedSource] = field(default_factory=list)

    @property
    def match_label(self) -> str:
        return MATCH_LABELS[self.match]


@dataclass
class BomDiff:
    previous_bom_id: int
    previous_revision: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    quantity_changed: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)
    designators_changed: list[str] = field(default_factory=list)
    sources_changed: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
    # The same change designator by designator: added, removed, part/value/MPN/fit changed.
    by_designator: DesignatorDiff = field(default_factory=DesignatorDiff)

    @property
    def is_empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.quantity_changed
            or self.designators_changed
            or self.sources_changed
            or self.by_designator
        )


@dataclass
class ImportPlan:
    lines: list[PlannedLine]
    problems: list[Problem]
    diff: BomDiff | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def new_parts(self) -> int:
        return len({line.part_number for line in self.lines if line.part_id is None})

    @property
    def new_sources(self) -> int:
        return sum(1 for line in self.lines for s in line.sources if not s.already_listed)

    @property
    def match_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for line in self.lines:
            counts[line.match] += 1
        return dict(counts)


def package_of(footprint: str, value_package: Any) -> str:
    if isinstance(value_package, str) and value_package:
        return value_package
    found = _PACKAGE_IN_FOOTPRINT.search(footprint or "")
    return found.group(1) if found else ""


def resolve_manufacturers(names: Iterable[str]) -> dict[str, int]:
    """Manufacturer key -> id for every name known directly or through an alias."""
    keys = {manufacturer_key(n) for n in names if n and n.strip()}
    keys.discard("")
    if not keys:
        return {}
    found = dict(read_rows(Manufacturer.objects.filter(key__in=keys).values_list("key", "pk")))
    for key, maker_id in read_rows(
        ManufacturerAlias.objects.filter(key__in=keys).values_list("key", "manufacturer_id")
    ):
        found.setdefault(key, maker_id)
    return found


def _line_attr(line: Any, name: str, default: Any = "") -> Any:
    return getattr(line, name, default) or default


def plan_import(
    parsed_lines: Sequence[Any],
    *,
    owner_id: int,
    file: str,
    sheet: str | None,
    approve_alternates: bool = False,
    previous: Bom | None = None,
    column_labels: dict[str, str] | None = None,
    assembly_number: str = "",
) -> ImportPlan:
    problems: list[Problem] = []
    labels = column_labels or {}
    # The assembly's number as its part is stored (the importers trim it already).
    assembly_number = fit_number(assembly_number)
    pairs: list[tuple[str, str]] = []  # (manufacturer, mpn) of every line, primary and alternates
    for line in parsed_lines:
        if _line_attr(line, "mpn"):
            pairs.append((_line_attr(line, "manufacturer"), line.mpn))
        for maker, mpn in _line_attr(line, "alternates", []):
            if mpn:
                pairs.append((maker or "", mpn))
    catalogue = MpnLookup(
        (mpn for _, mpn in pairs),
        makers=resolve_manufacturers(m for m, _ in pairs),
        unknown_key=UNKNOWN_MANUFACTURER_KEY,
    )

    # (line, maker, MPN, the maker it inherits) of every MPN of the file, alternates too.
    entries = [
        (line, maker or "", mpn, inherited)
        for line in parsed_lines
        for maker, mpn, inherited in [
            (_line_attr(line, "manufacturer"), _line_attr(line, "mpn"), ""),
            *(
                (maker, mpn, _line_attr(line, "manufacturer"))
                for maker, mpn in _line_attr(line, "alternates", [])
            ),
        ]
        if mpn
    ]
    catalogue.add_file_makers((maker, mpn, inherited) for _, maker, mpn, inherited in entries)
    for line, maker, mpn, inherited in entries:
        if choices := catalogue.ambiguous(maker, mpn, inherited=inherited):
            where = (
                "the catalogue and this file"
                if mpn_key(mpn) in catalogue.added
                else "the catalogue"
            )
            problems.append(
                Problem(
                    "error",
                    "ambiguous-manufacturer",
                    f"MPN {mpn.strip()} is made by {' and '.join(choices)} in {where}, and this "
                    "row names no manufacturer: add the manufacturer to the row (or map the "
                    "file's manufacturer column).",
                    file,
                    sheet,
                    row=line.source_row,
                    column=labels.get("mpn"),
                )
            )

    line_mps = [
        catalogue.find(_line_attr(line, "manufacturer"), line.mpn)
        if _line_attr(line, "mpn")
        else None
        for line in parsed_lines
    ]
    alternate_mps = [
        [
            catalogue.find(maker or "", mpn, inherited=_line_attr(line, "manufacturer"))
            if mpn
            else None
            for maker, mpn in _line_attr(line, "alternates", [])
        ]
        for line in parsed_lines
    ]
    known_mps = {mp for mp in line_mps if mp is not None} | {
        mp for alts in alternate_mps for mp in alts if mp is not None
    }
    part_by_mp: dict[int, int] = {}
    listed_pairs: set[tuple[int, int]] = set()
    # Driven from the MPNs of the file (their index), the owner checked per row: filtering on
    # the owner in SQL lets SQLite start from all of the owner's parts instead.
    # No ORDER BY in SQL (sorted here): with the model's ordering by part number, SQLite walks
    # every part in number order and probes the sources of each, 12 s for a 20,000-line BOM.
    listed = sorted(
        (number, listed_part, mp_id, rank)
        for listed_part, mp_id, rank, owner, number in read_rows(
            ApprovedSource.objects.filter(manufacturer_part_id__in=one_of(known_mps, "bigint"))
            .order_by()
            .values_list(
                "part_id", "manufacturer_part_id", "rank", "part__owner_id", "part__number"
            )
        )
        if owner == owner_id
    )
    for _number, listed_part, mp_id, rank in listed:
        if rank == 1 or mp_id not in part_by_mp:
            part_by_mp[mp_id] = listed_part
        listed_pairs.add((listed_part, mp_id))
    # Each line's own part number as it would be stored (cut to fit the column).
    own_numbers = [_own_number(line) for line in parsed_lines]
    numbers = set(own_numbers) - {""}
    part_by_number = dict(
        read_rows(
            Part.objects.filter(owner_id=owner_id, number__in=one_of(numbers)).values_list(
                "number", "pk"
            )
        )
    )
    generic = _generic_index(owner_id, parsed_lines)
    values = [
        parse_value(_line_attr(line, "value"), designator=(line.designators or [None])[0])
        for line in parsed_lines
    ]
    packages = [
        package_of(_line_attr(line, "footprint"), v.parameters.get("package"))
        for line, v in zip(parsed_lines, values, strict=True)
    ]
    # Each line's part number if it is new, worked out once (from its value as parsed above).
    proposed = [
        _proposed_number(line, package, value)
        for line, package, value in zip(parsed_lines, packages, values, strict=True)
    ]
    existing_numbers = dict(
        read_rows(
            Part.objects.filter(owner_id=owner_id)
            .filter(number__in=one_of(set(proposed)))
            .values_list("number", "pk")
        )
    )

    matches: list[tuple[int | None, MatchKind, str]] = []
    for index, (line, line_mp) in enumerate(zip(parsed_lines, line_mps, strict=True)):
        number = own_numbers[index]
        part_id: int | None
        match: MatchKind
        if number and number in part_by_number:
            part_id, match = part_by_number[number], "part_number"
        elif line_mp is not None and line_mp in part_by_mp:
            part_id, match = part_by_mp[line_mp], "mpn"
            number = ""
        elif (
            not _line_attr(line, "mpn")
            and (hit := _generic_key(dict(values[index].parameters), packages[index])) in generic
        ):
            part_id, match = generic[hit], "value_package"
            number = ""
        else:
            number = number or proposed[index]
            part_id, match = existing_numbers.get(number), "new"
            if part_id is not None:
                match = "part_number"
        matches.append((part_id, match, number))
    # A line's own part number names its part once the part exists, and the import makes parts
    # exist: the assembly, and the new parts of its lines. A line that names one of those is
    # that part now, as it will be at the next import of the same file (which would otherwise
    # find, say, the assembly by its number where this one found another part by its MPN).
    created = {number for part_id, _, number in matches if part_id is None}
    if assembly_number:
        created.add(assembly_number)
    for index, (_, match, _) in enumerate(matches):
        if match in ("mpn", "value_package") and own_numbers[index] in created:
            matches[index] = (None, "new", own_numbers[index])

    planned: list[PlannedLine] = []
    for index, (line, line_mp) in enumerate(zip(parsed_lines, line_mps, strict=True)):
        position = index + 1
        value_text = _line_attr(line, "value")
        params = dict(values[index].parameters)
        package = packages[index]
        part_id, match, number = matches[index]
        sources: list[PlannedSource] = []
        if _line_attr(line, "mpn"):
            sources.append(
                PlannedSource(
                    manufacturer=catalogue.shown_maker(
                        _line_attr(line, "manufacturer"), line_mp, fallback=UNKNOWN_MANUFACTURER
                    ),
                    mpn=line.mpn,
                    rank=1,
                    status=SourceStatus.APPROVED,
                    manufacturer_part_id=line_mp,
                    already_listed=part_id is not None and (part_id, line_mp) in listed_pairs,
                )
            )
        alternates = zip(_line_attr(line, "alternates", []), alternate_mps[index], strict=True)
        for rank, ((maker, mpn), alt_mp) in enumerate(alternates, start=2):
            if not mpn:
                continue
            sources.append(
                PlannedSource(
                    manufacturer=catalogue.shown_maker(
                        maker or "",
                        alt_mp,
                        fallback=_line_attr(line, "manufacturer") or UNKNOWN_MANUFACTURER,
                    ),
                    mpn=mpn,
                    rank=rank,
                    status=SourceStatus.APPROVED if approve_alternates else SourceStatus.PENDING,
                    manufacturer_part_id=alt_mp,
                    already_listed=part_id is not None and (part_id, alt_mp) in listed_pairs,
                )
            )
        planned.append(
            PlannedLine(
                position=position,
                source_row=line.source_row,
                part_number=number,
                description=_line_attr(line, "description") or value_text,
                quantity=line.quantity,
                designators=list(line.designators),
                dnp=bool(line.dnp),
                dnp_designators=list(_line_attr(line, "dnp_designators", []))
                or (list(line.designators) if line.dnp else []),
                value=value_text,
                footprint=_line_attr(line, "footprint"),
                notes=_line_attr(line, "notes"),
                match=match,
                part_id=part_id,
                package=package,
                parameters={k: v for k, v in params.items() if k != "package"},
                sources=sources,
            )
        )
    _fill_existing_numbers(planned)
    problems += _lines_that_are_the_assembly(
        planned, parsed_lines, assembly_number, file=file, sheet=sheet, labels=labels
    )
    diff = diff_against(previous, planned) if previous is not None else None
    return ImportPlan(lines=planned, problems=problems, diff=diff)


def _lines_that_are_the_assembly(
    planned: Sequence[PlannedLine],
    parsed_lines: Sequence[Any],
    assembly_number: str,
    *,
    file: str,
    sheet: str | None,
    labels: dict[str, str],
) -> list[Problem]:
    """A line whose part would be the assembly itself (by the file's part number, its MPN or
    the catalogue's match), whether the assembly is in the catalogue already or created by
    this import: the commit would refuse it, or the next import of the file would, so the dry
    run says so first."""
    if not assembly_number:
        return []
    return [
        assembly_line_problem(line, parsed, assembly_number, file=file, sheet=sheet, labels=labels)
        for line, parsed in zip(planned, parsed_lines, strict=True)
        if fit_number(line.part_number) == assembly_number
    ]


def assembly_line_problem(
    line: PlannedLine,
    parsed: Any,
    assembly_number: str,
    *,
    file: str,
    sheet: str | None,
    labels: dict[str, str],
) -> Problem:
    """The problem of a line that is the assembly its BOM is for, with what makes it so: the
    dry run's, and the commit's when the catalogue changed under it since."""
    own_number = _own_number(parsed)
    mpn = _line_attr(parsed, "mpn").strip()
    if own_number == assembly_number:
        evidence = f"its internal part number is {own_number}"
    elif line.match == "mpn":
        evidence = f"its MPN {mpn} is a source of {assembly_number}"
    elif line.match == "value_package":
        evidence = f"it matches {assembly_number} by value and package"
    elif own_number:
        evidence = f"its internal part number {own_number} is that part"
    elif mpn:
        evidence = f"its MPN {mpn} is taken as its part number"
    else:
        evidence = f"its value and package make it {assembly_number}"
    column = identifying_column(line, parsed)
    return Problem(
        "error",
        "assembly-contains-itself",
        f"This line is {assembly_number}, the assembly this BOM is for ({evidence}): "
        "an assembly cannot contain itself. Import the file under the assembly's own "
        "number, or correct the line.",
        file,
        sheet,
        row=line.source_row,
        column=labels.get(column),
    )


def identifying_column(line: PlannedLine, parsed: Any) -> str:
    """The field of the file that made the line this part: its internal part number when it
    names the part, else the MPN that matched or became the number, else its value."""
    own_number = _own_number(parsed)
    if own_number and own_number == fit_number(line.part_number):
        return "part_number"
    if line.match == "value_package":
        return "value"
    if line.match == "mpn" or _line_attr(parsed, "mpn"):
        return "mpn"
    return "part_number" if own_number else "value"


def _generic_key(params: dict[str, Any], package: str) -> tuple[str, Decimal, str] | None:
    for name in GENERIC_PARAMETERS:
        value = params.get(name)
        if isinstance(value, Decimal) and package:
            return (name, value.normalize(), package)
    return None


def _generic_index(owner_id: int, parsed_lines: Sequence[Any]) -> dict[Any, int]:
    """(parameter, value, package) -> part id for the owner's generic passives."""
    wanted = [
        line for line in parsed_lines if not _line_attr(line, "mpn") and _line_attr(line, "value")
    ]
    if not wanted:
        return {}
    index: dict[Any, int] = {}
    rows = read_rows(
        PartParameter.objects.filter(
            part__owner_id=owner_id, name__in=GENERIC_PARAMETERS, value_number__isnull=False
        )
        .exclude(part__package="")
        .order_by("part__number")
        .values_list("name", "value_number", "part__package", "part_id")
    )
    for name, number, package, part_id in rows:
        if number is not None:
            index.setdefault((name, Decimal(number).normalize(), package), part_id)
    return index


_DNP_WORDS = re.compile(r"\b(DNP|DNF|NF|NOPOP|NO POP|NOT FITTED|DO NOT POPULATE)\b", re.IGNORECASE)
_NOT_IN_NUMBERS = re.compile(r"[^0-9A-Za-z.]+")


_NUMBER_LENGTH = Part._meta.get_field("number").max_length or 80


def fit_number(text: str) -> str:
    """A part number as it is stored and looked up: trimmed and cut to fit its column, so that
    spellings that differ only there are one part number."""
    return text.strip()[:_NUMBER_LENGTH].rstrip()


def _own_number(line: Any) -> str:
    """The line's internal part number as stored, "" when the file gives none."""
    return fit_number(str(_line_attr(line, "part_number")))


def _proposed_number(line: Any, package: str = "", parsed: ParsedValue | None = None) -> str:
    """Part number for a new part: the file's own, else the MPN, else value and package.
    `parsed`: the line's value as parse_value reads it, when the caller has it already."""
    number = _own_number(line)
    if number:
        return number
    if _line_attr(line, "mpn"):
        return fit_number(str(line.mpn))
    prefix = "".join(c for c in ((line.designators or ["X"])[0]) if c.isalpha())[:3] or "X"
    if parsed is None:
        parsed = parse_value(_line_attr(line, "value"), designator=(line.designators or [None])[0])
    primary = parsed.primary
    if primary is not None:
        name, amount = primary
        value = format_si(amount, PARAMETER_UNITS.get(name, "")).replace(" ", "")
    else:
        value = _DNP_WORDS.sub("", _line_attr(line, "value"))
    value = value.replace("µ", "U").replace("Ω", "R")
    value = _NOT_IN_NUMBERS.sub("", value)[:30].upper() or "ITEM"
    return "-".join(filter(None, ["GEN", prefix.upper(), value, package]))[:80]


def _fill_existing_numbers(planned: list[PlannedLine]) -> None:
    ids = {line.part_id for line in planned if line.part_id is not None and not line.part_number}
    numbers = dict(
        read_rows(
            Part.objects.filter(pk__in=one_of(ids, "bigint")).order_by().values_list("pk", "number")
        )
    )
    for line in planned:
        if line.part_id is not None and not line.part_number:
            line.part_number = numbers.get(line.part_id, "")


def diff_against(previous: Bom, planned: Sequence[PlannedLine]) -> BomDiff:
    """Lines added, removed, with quantity, designators or sources changed, by part number."""
    diff = BomDiff(
        previous_bom_id=previous.pk,
        previous_revision=previous.revision,
        by_designator=designator_diff(previous, planned),
    )
    old: dict[str, dict[str, Any]] = {}
    for number, qty, designators, part_id in read_rows(
        previous.lines.values_list("part__number", "quantity", "designators", "part_id")
    ):
        entry = old.setdefault(
            number, {"qty": Decimal(0), "designators": set(), "part_id": part_id}
        )
        entry["qty"] += qty
        entry["designators"] |= {d.strip() for d in designators.split(",") if d.strip()}
    new: dict[str, dict[str, Any]] = {}
    for line in planned:
        entry = new.setdefault(
            line.part_number, {"qty": Decimal(0), "designators": set(), "sources": set()}
        )
        entry["qty"] += line.quantity
        entry["designators"] |= set(line.designators)
        entry["sources"] |= {mpn_key(s.mpn) for s in line.sources}
    # Sources compare by MPN key: "Diodes Inc." and "Diodes Incorporated" are one source.
    old_sources: dict[int, set[str]] = defaultdict(set)
    for part_id, key in read_rows(
        ApprovedSource.objects.filter(
            part_id__in=one_of({e["part_id"] for e in old.values()}, "bigint")
        )
        .order_by()
        .values_list("part_id", "manufacturer_part__mpn_key")
    ):
        old_sources[part_id].add(key)
    diff.added = sorted(set(new) - set(old))
    diff.removed = sorted(set(old) - set(new))
    for number in sorted(set(new) & set(old)):
        if new[number]["qty"] != old[number]["qty"]:
            diff.quantity_changed.append((number, old[number]["qty"], new[number]["qty"]))
        if new[number]["designators"] != old[number]["designators"]:
            diff.designators_changed.append(number)
        added_sources = new[number]["sources"] - old_sources[old[number]["part_id"]]
        if added_sources:
            diff.sources_changed.append(
                (number, sorted(old_sources[old[number]["part_id"]]), sorted(added_sources))
            )
    return diff


def previous_revision(program_id: int, assembly_number: str, owner_id: int) -> Bom | None:
    return (
        Bom.objects.filter(
            program_id=program_id, assembly__number=assembly_number, assembly__owner_id=owner_id
        )
        .order_by("-created_at", "-pk")
        .first()
    )
