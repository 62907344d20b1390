"""The column words of each supply import: the headers ERPs and distributors write.

One line per field, names separated by "|"; matching ignores case, spaces and punctuation
(the BOM import's normalize_header), so "Mfr. Part #", "MFR PART NO" and "mfr_part_no" are one
name. A currency in brackets after a price header ("Unit Price (USD)") gives the currency of
its column. Price break columns are recognised by their quantity ("1+", "Price @ 100", "Qty
1000 Price").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accord.parts.bom_import.vocabulary import normalize_header

KINDS = ("stock", "orders", "offers", "builds", "allocations")
KIND_LABELS = {
    "stock": "Stock on hand",
    "orders": "Purchase-order lines",
    "offers": "Supplier offers",
    "builds": "Builds",
    "allocations": "Allocations",
}

_COMMON = {
    "part": """Part Number | Part No | Part # | Part | PN | P/N | Item | Item Number | Item No
        Item Code | Internal Part Number | Internal PN | Our Part Number | Material
        Material Number | Component | Component Number | Customer Part Number | CPN""",
    "mpn": """MPN | Mfr Part # | Mfr Part Number | Mfr Part No | Mfr. # | Mfr # | Mfr PN | Mfr P/N
        Manufacturer Part Number | Manufacturer Part No | Manufacturer Part # | Manufacturer PN
        Manufacturer P/N | Manufacturer Part | Mfg Part Number | Mfg Part No | Mfg PN
        Mfg Part # | Manufacturers Part Number""",
    "manufacturer": """Manufacturer | Manufacturer Name | Mfr | Mfr Name | Mfg | Mfg Name | Brand
        Make | Maker""",
    "site": """Warehouse | Warehouse Code | Whse | Site | Site Code | Plant | Plant Code | Location
        Stock Location | Inventory Location | Store""",
    "supplier": """Supplier | Supplier Name | Vendor | Vendor Name | Distributor | Seller""",
    "program": """Program | Program Code | Project | Project Code""",
    "currency": """Currency | Currency Code | Curr | Cur""",
    "unit_price": """Unit Price | Price | Unit Cost | Price Each | Cost Each | Net Price
        Unit Price Net""",
}

VOCABULARY: dict[str, dict[str, str]] = {
    "stock": {
        "part": _COMMON["part"],
        "mpn": _COMMON["mpn"],
        "manufacturer": _COMMON["manufacturer"],
        "site": _COMMON["site"],
        "owner": """Owner | Stock Owner | Owned By | Consigned By | Consignor
            Consignment Owner""",
        "quantity": """Qty | Quantity | On Hand | Qty On Hand | Quantity On Hand | On Hand Qty
            QOH | Quantity Available | Qty Available | Available | Available Qty | Stock
            Stock Qty | Balance | Inventory | Free Stock | Unrestricted | Count | Counted Qty""",
    },
    "orders": {
        "po_number": """PO | PO Number | PO # | PO No | Purchase Order | Purchase Order Number
            Purchase Order No | Order Number | Order No | Order #""",
        "supplier": _COMMON["supplier"],
        "program": _COMMON["program"],
        "part": _COMMON["part"],
        "mpn": _COMMON["mpn"],
        "manufacturer": _COMMON["manufacturer"],
        "quantity": """Qty | Quantity | Qty Ordered | Order Qty | Ordered Qty | Quantity Ordered
            PO Qty | Order Quantity""",
        "unit_price": _COMMON["unit_price"],
        "currency": _COMMON["currency"],
        "requested_date": """Requested Date | Request Date | Need Date | Need By | Required Date
            Due Date | Delivery Date | Requested Delivery Date | Date Required | Need By Date""",
        "promised_date": """Promised Date | Promise Date | Confirmed Date | Committed Date
            Supplier Promise Date | Promised Delivery Date | Confirmed Delivery Date""",
        "ship_to": """Ship To | Ship To Site | Deliver To | Ship To Warehouse | Warehouse | Site""",
    },
    "offers": {
        "supplier": _COMMON["supplier"],
        "mpn": _COMMON["mpn"],
        "manufacturer": _COMMON["manufacturer"],
        "supplier_part_number": """Supplier Part Number | Supplier PN | Supplier Part #
            Supplier Part No | Distributor Part Number | Distributor Part # | Digi-Key Part Number
            Digi-Key Part # | Digi-Key_PN | DigiKey Part Number | DK Part # | Mouser #
            Mouser Part #
            Mouser Part Number | Mouser No | Arrow Part Number | Farnell Part Number
            Vendor Part Number | Vendor Part # | SKU | Order Code | Order Number""",
        "unit_price": _COMMON["unit_price"],
        "currency": _COMMON["currency"],
        "moq": """MOQ | Minimum Order Quantity | Min Order Qty | Minimum Quantity | Min Qty
            Minimum | Min Order Quantity | Minimum Order Qty""",
        "order_multiple": """Order Multiple | Multiple | Mult | Order Increment | Pack Multiple
            SPQ | Standard Pack Qty | Standard Pack Quantity | Order Multiples""",
        "lead_time_weeks": """Lead Time (weeks) | Lead Time Weeks | Lead Time (wks) | Lead Time Wks
            LT (weeks) | LT Weeks | Factory Lead Time | Factory Lead Time (weeks)
            Manufacturer Lead Time | Lead Time In Weeks""",
        "lead_time_days": """Lead Time (days) | Lead Time Days | Lead Time | LT | LT (days)
            Lead Time In Days""",
        "stock": """Quantity Available | Qty Available | Available | Availability | Stock | In Stock
            Stock Qty | Supplier Stock | Quantity In Stock | Qty In Stock | Inventory""",
        "seen_on": """Date | Date Seen | Seen On | As Of | As Of Date | Quote Date | Price Date
            Last Updated | Updated""",
    },
    "builds": {
        "program": _COMMON["program"],
        "assembly": """Assembly | Assembly Number | Assembly Part Number | Assembly PN | Product
            Product Number | Top Level | Top Level Part | Finished Good | FG | Item | Part Number
            Part""",
        "quantity": """Qty | Quantity | Build Qty | Build Quantity | Planned Qty | Planned Quantity
            Order Qty""",
        "due_date": """Due Date | Due | Build Date | Need Date | Date | Completion Date
            Required Date | Ship Date""",
        "firmness": """Firmness | Firm/Forecast | Firm Or Forecast | Type | Order Type | Status""",
        "site": _COMMON["site"],
        "reference": """Reference | Work Order | WO | WO Number | Work Order Number
            Build Reference | Job | Job Number""",
    },
    "allocations": {
        "buyer": """Buyer | Customer | Customer Name | Sold To | Allocated To | Buyer Name""",
        "mpn": _COMMON["mpn"],
        "manufacturer": _COMMON["manufacturer"],
        "period_start": """Period Start | Start | From | Start Date | Valid From | From Date""",
        "period_end": """Period End | End | To | End Date | Valid To | Valid Until | To Date""",
        "quantity": """Qty | Quantity | Allocated Qty | Allocation | Allocated Quantity
            Allocation Qty | Committed Qty""",
    },
}

FIELD_LABELS = {
    "part": "part number",
    "mpn": "manufacturer part number",
    "manufacturer": "manufacturer",
    "site": "site",
    "owner": "owner",
    "quantity": "quantity",
    "po_number": "PO number",
    "supplier": "supplier",
    "program": "program",
    "unit_price": "unit price",
    "currency": "currency",
    "requested_date": "requested date",
    "promised_date": "promised date",
    "ship_to": "ship-to site",
    "supplier_part_number": "supplier part number",
    "moq": "MOQ",
    "order_multiple": "order multiple",
    "lead_time_weeks": "lead time (weeks)",
    "lead_time_days": "lead time (days)",
    "stock": "supplier stock",
    "seen_on": "date seen",
    "assembly": "assembly",
    "due_date": "due date",
    "firmness": "firmness",
    "reference": "reference",
    "buyer": "buyer",
    "period_start": "period start",
    "period_end": "period end",
    "price_break": "price break",
}

# Fields each kind needs (a tuple: one of them), beside what kinds/ check row by row.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "stock": (("part", "mpn"), ("quantity",)),
    "orders": (("po_number",), ("part", "mpn"), ("quantity",), ("requested_date",)),
    "offers": (("mpn",), ("unit_price", "price_break")),
    "builds": (("assembly",), ("quantity",), ("due_date",)),
    "allocations": (("buyer",), ("mpn",), ("period_start",), ("period_end",), ("quantity",)),
}

_CURRENCY_SUFFIX = re.compile(r"^(.*?)[\s_]*[\(\[]\s*([A-Za-z]{3})\s*[\)\]]\s*$")
_BREAK = re.compile(
    r"^(?:(?:price|unit\s*price|qty|quantity|break)\s*(?:@|at|for|break)?\s*)?"
    r"(\d[\d,\.]*)\s*(?:\+|pcs|pieces|units)?\s*(?:price|unit\s*price)?$",
    re.IGNORECASE,
)


def _names(spec: str) -> set[str]:
    return {
        normalize_header(name.strip())
        for line in spec.splitlines()
        for name in line.split("|")
        if name.strip()
    }


_INDEX: dict[str, dict[str, str]] = {
    kind: {name: field for field, spec in reversed(fields.items()) for name in _names(spec)}
    for kind, fields in VOCABULARY.items()
}


@dataclass(frozen=True)
class HeaderMatch:
    field: str
    currency: str = ""  # "USD" from "Unit Price (USD)"
    break_quantity: str = ""  # "100" from "100+" (price break columns)


def match_header(kind: str, header: str) -> HeaderMatch | None:
    """The field a header names in this kind of file, or None."""
    text = header.strip()
    if not text:
        return None
    currency = ""
    suffix = _CURRENCY_SUFFIX.match(text)
    if suffix and suffix.group(2).upper() not in {"PCS", "QTY", "WKS", "DAY"}:
        key = normalize_header(text)
        if key not in _INDEX[kind]:
            text, currency = suffix.group(1), suffix.group(2).upper()
    field = _INDEX[kind].get(normalize_header(text))
    if field is not None:
        return HeaderMatch(field, currency)
    if kind == "offers":
        found = _BREAK.match(text)
        has_marker = "+" in text or re.search(r"price|@|break", text, re.IGNORECASE)
        if found and has_marker:
            amount = found.group(1).replace(",", "")
            return HeaderMatch("price_break", currency, amount)
    return None
