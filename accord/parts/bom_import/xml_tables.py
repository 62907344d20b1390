"""XML BOMs: KiCad's `<export><components><comp>` and record-style XML such as
`<schematic><component><Value>...`, parsed with defusedxml (no DTDs, no entities)."""

from __future__ import annotations

import io
from typing import Any

from .problems import reject
from .tables import Limits, RawSheet, trim_row


def _local(tag: Any) -> str:
    text = tag if isinstance(tag, str) else str(tag)
    return text.rsplit("}", 1)[-1]


def read_xml(data: bytes, name: str, limits: Limits) -> RawSheet:
    """KiCad's XML BOM (`<export><components><comp>`), or any XML whose records are
    elements with simple child elements (`<schematic><component><Value>...`)."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as DET
    from defusedxml import DefusedXmlException

    kicad_rows: list[dict[str, str]] = []
    records: dict[str, list[dict[str, str]]] = {}
    root: str | None = None
    count = 0
    try:
        for event, elem in DET.iterparse(
            io.BytesIO(data),
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        ):
            if event == "start":
                root = root or _local(elem.tag)
                continue
            tag = _local(elem.tag)
            if root == "export":
                if tag == "comp":
                    row = _kicad_component(elem)
                    if row is not None:
                        kicad_rows.append(row)
                        count += 1
                    elem.clear()
                elif tag in ("libparts", "nets", "libraries"):
                    elem.clear()  # netlist sections we do not need; keep memory flat
            elif len(elem) and all(len(child) == 0 for child in elem):
                record = {k: v.strip() for k, v in elem.attrib.items()}
                for child in elem:
                    record.setdefault(_local(child.tag), (child.text or "").strip())
                records.setdefault(tag, []).append(record)
                count += 1
                elem.clear()
            if count > limits.row_cap:
                raise limits.too_many_rows()
    except DefusedXmlException as exc:
        raise reject(
            limits.file,
            "xml-dtd",
            "The XML file contains a document type declaration or entities, which are not "
            "allowed for security reasons.",
        ) from exc
    except ParseError as exc:
        raise reject(limits.file, "bad-xml", f"The XML file is not well-formed ({exc}).") from exc
    chosen = kicad_rows if root == "export" else max(records.values(), key=len, default=[])
    if not chosen:
        raise reject(
            limits.file, "no-table", "No components or table rows were found in the XML file."
        )
    columns: dict[str, None] = {}
    for rec in chosen:
        for key in rec:
            columns.setdefault(key, None)
    header = list(columns)
    rows = [header] + [trim_row([rec.get(col, "") for col in header]) for rec in chosen]
    if len(header) * len(rows) > limits.max_cells:
        raise limits.too_many_cells()
    return RawSheet(name, rows, source_format="xml")


_KICAD_SKIP_PROPERTIES = {
    "sheetname",
    "sheetfile",
    "ki_keywords",
    "ki_description",
    "ki_fp_filters",
}


def _kicad_component(elem: Any) -> dict[str, str] | None:
    row: dict[str, str] = {"Reference": (elem.get("ref") or "").strip()}
    for child in elem:
        tag = _local(child.tag)
        text = (child.text or "").strip()
        if tag in ("value", "footprint", "datasheet", "description"):
            row.setdefault(tag.capitalize(), text)
        elif tag == "fields":
            for f in child:
                field_name = (f.get("name") or "").strip()
                if _local(f.tag) == "field" and field_name:
                    row.setdefault(field_name, (f.text or "").strip())
        elif tag == "libsource" and child.get("description"):
            row.setdefault("Description", (child.get("description") or "").strip())
        elif tag == "property":
            prop = (child.get("name") or "").strip()
            if prop.lower() == "exclude_from_bom":
                return None  # KiCad itself leaves these out of every BOM
            if prop.lower() == "dnp":
                row["DNP"] = "DNP"
            elif prop and prop.lower() not in _KICAD_SKIP_PROPERTIES:
                row.setdefault(prop, (child.get("value") or "").strip())
    return row
