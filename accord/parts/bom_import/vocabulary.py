"""Words and names the importer recognises: column headers, DNP markers,
placeholders, manufacturers. Kept apart from the logic so the lists can grow."""

from __future__ import annotations

import re
import unicodedata

from .header_words import (
    AMBIGUOUS_SPEC,
    BOARDS_PER_PANEL_HEADERS,
    BUILD_QUALIFIERS,
    FOREIGN_ALIAS_SPEC,
    FOREIGN_MANUFACTURER_HEADERS,
    FOREIGN_MPN_HEADERS,
    FOREIGN_WEAK_PN_HEADERS,
    PANEL_WORDS,
    QUANTITY_WORDS,
    STOCK_HEADERS,
)

# Mounted/Fitted/Populate columns map to "fitted", the inverse of "dnp".
CANONICAL_FIELDS: tuple[str, ...] = (
    "item",
    "designators",
    "quantity",
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
    "dnp",
    "fitted",
    "notes",
    "value_or_mpn",
)

FIELD_LABELS: dict[str, str] = {
    "item": "Line number",
    "designators": "Designators",
    "quantity": "Quantity",
    "value": "Value",
    "footprint": "Package / footprint",
    "description": "Description",
    "manufacturer": "Manufacturer",
    "mpn": "Manufacturer part number",
    "supplier": "Supplier",
    "supplier_pn": "Supplier part number",
    "lcsc": "LCSC part number",
    "datasheet": "Datasheet",
    "part_number": "Internal part number",
    "dnp": "Do not place (DNP)",
    "fitted": "Fitted / mounted (inverse of DNP)",
    "notes": "Notes",
    "value_or_mpn": "Value or MPN (decided per cell)",
}

_ALT_FIELD = re.compile(r"^alt_(manufacturer|mpn)_([2-9]|[1-9]\d)$")


def is_valid_field(name: str) -> bool:
    return name in CANONICAL_FIELDS or bool(_ALT_FIELD.match(name))


def field_label(name: str) -> str:
    m = _ALT_FIELD.match(name)
    if m:
        kind = "Manufacturer" if m.group(1) == "manufacturer" else "Manufacturer part number"
        return f"Alternate {kind} {m.group(2)}"
    return FIELD_LABELS.get(name, name)


# Latin letters that carry no combining accent in Unicode but are written without it in
# plain-ASCII headers ("Ilość" / "Ilosc"); ß folds to "ss" through casefold().
_LATIN_FOLD = str.maketrans({"ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ø": "o", "Ø": "o"})


def normalize_header(text: str) -> str:
    """'Reference(s)' -> 'references', 'LCSC Part #' -> 'lcscpartno', 'Bestückt' -> 'bestuckt',
    'Ilość' -> 'ilosc', '位号' -> '位号': accents, case, spaces and punctuation do not count;
    letters of other scripts are kept (they are the whole header in a Chinese BOM)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LATIN_FOLD))
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    folded = folded.replace("#", "no")
    return re.sub(r"[\W_]+", "", folded)


def _keys(*names: str) -> list[str]:
    return [normalize_header(n) for n in names]


def _names(spec: str) -> list[str]:
    """'A | B\n C' -> normalised ['a', 'b', 'c']: keeps the long alias lists readable."""
    return _keys(*(n.strip() for line in spec.splitlines() for n in line.split("|") if n.strip()))


# Exact aliases (normalised) -> (field, confidence). One line per field and
# confidence; names separated by "|". Manufacturer/MPN names are handled by
# _mfr_or_mpn because of alternates and numbering.
_ALIAS_SPEC = """
item 1.0: Item | Item No | Item Number | Line | Line No | Line Number | Pos | # | No | Nr | BOM Item
designators 1.0: Reference | References | Reference(s) | Ref | Refs | Ref Des | RefDes | Designator
designators 1.0: Reference Designator | Reference Designators | Designators | Designation
designators 1.0: Part Reference | Ref Designator | Ref. Des. | Circuit Reference | Bauteil
designators 0.8: Parts | Location | Locations | Placement
quantity 1.0: Quantity | Qty | Qnty | Quant | Count | Quantity Per PCB | Qty Per PCB | Qty per board
quantity 1.0: Quantity per board | Qty/Board | QTY per unit | Pcs | BOM Qty | Quantity (per board)
quantity 1.0: Menge | Anzahl | Stückzahl
quantity 0.7: Amount | Usage
value 1.0: Value | Val | Values | Part Value | Nominal Value | Wert
value 0.8: Comment
footprint 1.0: Footprint | Package | PCB Footprint | Case | Package / Case | Case/Package | Pattern
footprint 1.0: Footprint Name | Case Code | PCB Decal | Gehäuse | Bauform
footprint 0.7: Size
description 1.0: Description | Desc | Part Description | Component Description | Details
description 1.0: Beschreibung | Bezeichnung
description 0.7: Characteristics | Specification | Specs
supplier 1.0: Supplier | Distributor | Source | Supplier Name | Distributor Name
supplier 0.8: Vendor
supplier_pn 1.0: Supplier Part Number | Supplier PN | Supplier P/N | Supplier Part No
supplier_pn 1.0: Supplier Code | Distributor Part Number | Distributor PN | Order Code
supplier_pn 1.0: Order Number | Bestellnummer
supplier_pn 1.0: SPN | DPN | Digi-Key | Digikey | Digi-Key Part Number | Digikey Part Number
supplier_pn 1.0: Digi-Key PN | DK | DK PN | DK Part Number | Mouser | Mouser Part Number | Mouser PN
supplier_pn 1.0: Mouser No | Farnell | Farnell Order Code | Farnell PN | Newark | Newark Part Number
supplier_pn 1.0: RS | RS Part Number | RS Stock No | Arrow Part Number | TME | TME Part Number
supplier_pn 1.0: OC_FARNELL | OC_NEWARK | OC_DIGIKEY | OC_MOUSER | OC_RS | OC_TME | OC_ARROW
lcsc 1.0: LCSC | LCSC Part | LCSC Part # | LCSC Part Number | LCSC PN | LCSC Number
lcsc 1.0: JLCPCB Part | JLCPCB Part # | JLC Part
mpn 0.5: LibRef | Lib Ref | Library Reference
datasheet 1.0: Datasheet | Datasheet URL | Datasheets | Data Sheet
datasheet 0.7: URL | Link
part_number 1.0: Internal Part Number | IPN | Internal PN | Company Part Number | MYPN | Our PN
part_number 1.0: Stock Code | Customer Part Number | CPN | Part ID | Article Number | Artikelnummer
notes 1.0: Notes | Note | Remarks | Remark | Comments | Assembly Notes | Customer Reference
notes 1.0: Instructions | Bemerkung
dnp 1.0: DNP | DNF | DNI | Do Not Populate | Do Not Place | Do Not Fit | No Pop | NoPop
dnp 1.0: Not Fitted | Not Populated | DNP/DNF | Exclude from board
dnp 0.9: Not Fitted Designators | DNP Designators | NF Designators | Not Fitted References
fitted 1.0: Fitted | Mounted | Populate | Populated | Mount | Place | Placed | Install | Installed
fitted 1.0: Assemble | Assembled | Fit | Bestückt | Bestueckt
"""
# Altium calls the value "Comment" (0.8); its LibRef often is the MPN but can be
# a library name like "CAP_0603" (0.5).


def _spec_names(names: str) -> list[str]:
    return [n.strip() for line in names.splitlines() for n in line.split("|") if n.strip()]


# A header's spelling as written in the lists, for messages ("spelt almost like 'Designator'").
DISPLAY_NAMES: dict[str, str] = {}


def _parse_alias_spec(*specs: str) -> dict[str, tuple[str, float]]:
    table: dict[str, tuple[str, float]] = {}
    for spec in specs:
        for line in spec.strip().splitlines():
            head, _, names = line.partition(":")
            field_name, confidence = head.split()
            for name in _spec_names(names):
                key = normalize_header(name)
                DISPLAY_NAMES.setdefault(key, name)
                table.setdefault(key, (field_name, float(confidence)))
    return table


# English first: a foreign word spelt like an English one keeps the English meaning.
ALIASES = _parse_alias_spec(_ALIAS_SPEC, FOREIGN_ALIAS_SPEC)


def _parse_ambiguous(spec: str) -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for line in spec.strip().splitlines():
        head, _, names = line.partition("|")
        first, _, other = head.partition(":")
        for key in _names(names):
            table[key] = (first.strip(), other.strip())
    return table


# Header words naming two fields: (the usual field, the other one the contents may show).
AMBIGUOUS_HEADERS = _parse_ambiguous(AMBIGUOUS_SPEC)

# Columns that are BOM-ish but have no canonical field: never guess for these.
IGNORED_HEADERS = set(
    _names(
        """
        Order Quantity | Order Qty | Oqhard | Quantity Available | Available Quantity | Stock
        In Stock | Unit Price | Extended Price | Price | Total Price | Cost | Lead Time | Currency
        Mfg Std Lead Time | RoHS | RoHS Status | Lead Free Status | REACH Status | Packaging
        Part Status | Pin Count | SMD | Layer | Side | Footprint Library | FootprintLib | Symbol
        Database Table Name | LibPart | Lib Part | Library | Spice_Model | Spice_Netlist_Enabled
        Spice_Primitive | Sim.Device | Sim.Pins | Voltage - Rated | Minimum Quantity | MOQ | Part
        Cmp name | Exclude from BOM | 1b2-bom-key | Sheetname | Sheetfile
        """
    )
)
# Stock, kitting, ordering and price columns, in several languages: never the quantity.
STOCK_AND_ORDER_HEADERS = set(_names(STOCK_HEADERS))
IGNORED_HEADERS |= STOCK_AND_ORDER_HEADERS

MANUFACTURER_HEADERS = set(
    _names(
        """
        Manufacturer | Manufacturer Name | Mfr | Mfr Name | Mfg | Mfg Name | Manuf | Manufacture
        Make | Maker | Brand | Hersteller | Fabricant | MF
        """
    )
) | set(_names(FOREIGN_MANUFACTURER_HEADERS))
MPN_HEADERS = set(
    _names(
        """
        MPN | Manufacturer Part Number | Manufacturer Part No | Manufacturer PN | Manufacturer P/N
        Manufacturer Part | Mfr Part Number | Mfr Part No | Mfr PN | Mfr P/N | Mfr Part
        Mfg Part Number | Mfg Part No | Mfg PN | Mfg P/N | Mfg Part | Manufacturers Part Number
        Herstellerteilenummer | Hersteller Teilenummer
        """
    )
) | set(_names(FOREIGN_MPN_HEADERS))
# "Part Number" is the MPN in most BOMs, but an internal number when a real MPN column exists.
WEAK_PN_HEADERS = set(
    _names("Part Number | Part No | PN | P/N | Part # | PartNo | Part Num")
) | set(_names(FOREIGN_WEAK_PN_HEADERS))
ALT_PREFIXES = ("alternative", "alternate", "second", "alt", "2nd")
GENERIC_HEADER = re.compile(r"^(?:field|column|col|unnamed|spalte)?\d*$")

X_HEADERS = set(
    _names(
        "PosX | Pos X | Mid X | Center-X | Center X | X | X (mm) | Loc X | Ref X | X Pos | Cent X"
    )
)
Y_HEADERS = set(
    _names(
        "PosY | Pos Y | Mid Y | Center-Y | Center Y | Y | Y (mm) | Loc Y | Ref Y | Y Pos | Cent Y"
    )
)
ROTATION_HEADERS = set(_names("Rot | Rotation | Angle | Orientation | Side | Layer | TB"))


_SUPPLIER_NAMES: tuple[tuple[str, str], ...] = (
    (r"digi-?key|^dk(pn|partnumber)?$|^dpn$", "Digi-Key"),
    (r"mouser", "Mouser"),
    (r"farnell", "Farnell"),
    (r"newark", "Newark"),
    (r"^(oc)?rs(pn|partnumber|stockno)?$", "RS"),
    (r"arrow", "Arrow"),
    (r"^(oc)?tme", "TME"),
    (r"lcsc|jlc", "LCSC"),
)


def supplier_from_header(header: str) -> str | None:
    """'Digi-Key Part Number' -> 'Digi-Key', 'DPN' -> 'Digi-Key', 'Farnell order code' -> 'Farnell'.

    Used when a file has a supplier part number column but no supplier column."""
    norm = normalize_header(header)
    for pattern, name in _SUPPLIER_NAMES:
        if re.search(pattern, norm):
            return name
    return None


DNP_WORDS = {
    "dnp",
    "dnf",
    "dni",
    "nf",
    "np",
    "nopop",
    "no pop",
    "not fitted",
    "not populated",
    "do not populate",
    "do not place",
    "do not fit",
    "not mounted",
    "no fit",
    "omit",
    "nc",
}

KNOWN_MANUFACTURERS = tuple(
    _names(
        """
        Murata | Taiyo Yuden | TDK | Yageo | Samsung | Kemet | AVX | Kyocera | Vishay
        Panasonic | Rohm | Stackpole | Bourns | TE Connectivity | Molex | Amphenol | Hirose
        JST | Wurth | Würth | Texas Instruments | TI | Analog Devices | ADI | Maxim | Microchip
        Atmel | NXP | ST | STMicroelectronics | Infineon | ON Semiconductor | onsemi | Diodes
        Nexperia | Fairchild | Lite-On | Kingbright | Cree | Osram | Everlight | Xilinx
        Lattice | Altera | Intel | Cypress | Silicon Lab | Winbond | Macronix | Micron | ISSI
        GigaDevice | Skyworks | Qorvo | RFMD | Anaren | Johanson | Abracon | Epson | TXC | ECS
        Nichicon | Rubycon | Sullins | Samtec | FCI | C&K | Omron | Alps | E-Switch | Littelfuse
        Littlefuse | Espressif | FTDI | Linear Technology | Richtek | Monolithic Power | Toshiba
        Alpha and Omega | Renesas | Pololu | Harwin | Keystone | Avago | Broadcom | Nordic
        Sensirion | Bosch | Kycon | CUI | Wago | Phoenix Contact | Ohmite | KOA | Susumu
        Coilcraft | Sumida | Eaton | Comchip | Walsin | Uniroyal
        """
    )
)


def is_dnp_word(text: str) -> bool:
    return text.strip().lower().strip("()[]") in DNP_WORDS


# Cell contents that mean "nothing here" in various tools (Altium "[NoValue]", KiBoM "~~").
PLACEHOLDERS = {
    "~",
    "~~",
    "[novalue]",
    "<novalue>",
    "novalue",
    "-",
    "--",
    "---",
    "n/a",
    "na",
    "none",
    "null",
    "?",
}
UNDECIDED = {"tbd", "tba", "to be defined", "to be determined"}
ANY_WORDS = {"any", "generic", "any manufacturer", "various"}
DNP_TRUE = {
    "dnp",
    "x",
    "yes",
    "y",
    "1",
    "true",
    "nf",
    "dnf",
    "dni",
    "np",
    "no pop",
    "nopop",
    "not fitted",
    "do not populate",
    "do not place",
    "omit",
    "✓",
    "✔",
    "*",
}
DNP_FALSE = {"", "no", "n", "0", "false", "fitted", "populate", "place", "-", "mounted"}
FITTED_FALSE = {
    "no",
    "n",
    "0",
    "false",
    "dnp",
    "dnf",
    "nf",
    "not fitted",
    "not mounted",
    "-",
    "nopop",
    "no pop",
}
FITTED_TRUE = {
    "yes",
    "y",
    "1",
    "true",
    "x",
    "fitted",
    "mounted",
    "populate",
    "populated",
    "✓",
    "✔",
}
# Yes and no in the languages whose headers are known, for DNP and fitted columns.
YES_WORDS = {"ja", "oui", "sí", "si", "tak", "ano", "sim", "是", "有", "はい", "○", "◯"}
NO_WORDS = {"nein", "non", "nie", "ne", "não", "nao", "否", "无", "無", "いいえ"}
NOT_FITTED_WORDS = {
    "nicht bestückt",
    "nicht bestücken",
    "n.b.",
    "nb",
    "nm",
    "non monté",
    "non monte",
    "no montar",
    "no montado",
    "non montare",
    "non montato",
    "nie montować",
    "nie montowac",
    "neosazovat",
    "neosazeno",
    "não montar",
    "不贴",
    "不贴片",
    "不焊",
    "未実装",
}
FITTED_WORDS = {"bestückt", "monté", "monte", "montado", "montato", "osazeno", "贴片", "贴", "実装"}
DNP_TRUE |= YES_WORDS | NOT_FITTED_WORDS
DNP_FALSE |= NO_WORDS | FITTED_WORDS
FITTED_TRUE |= YES_WORDS | FITTED_WORDS
FITTED_FALSE |= NO_WORDS | NOT_FITTED_WORDS

DNP_MARKER = re.compile(
    r"(?<![A-Za-z0-9])(?:DNP|DNF|DNI|NO[ _-]?POP|NOT[ _-]FITTED|NOT[ _-]POPULATED|NOT[ _-]MOUNTED|"
    r"DO[ _-]NOT[ _-](?:POPULATE|PLACE|FIT|MOUNT|STUFF)|"
    # The same in the languages whose headers are known: "nicht bestücken", "nie montować"...
    r"NICHT[ _-]BEST(?:Ü|UE|U)CK(?:T|EN)|NIE[ _-]MONTOWA[ĆC]|NON[ _-]MONT(?:É|E|ATO|ARE)|"
    r"NE[ _-]PAS[ _-]MONTER|NO[ _-]MONTA(?:R|DO)|NEOSAZ(?:OVAT|ENO)|N(?:Ã|A)O[ _-]MONTAR|"
    r"不贴|不焊|未実装)(?![A-Za-z0-9])",
    re.IGNORECASE,
)
# "NF" only upper-case and not right after a number: "10NF" and "10 NF" are capacitances.
NF_MARKER = re.compile(r"(?<![A-Za-z0-9.])(?<!\d )NF(?![A-Za-z0-9])")
TOTAL_ROW = re.compile(r"^(?:sub\s*-?\s*)?totals?\b|^grand\s+total|^sum\b|^summe\b", re.IGNORECASE)


_BUILD_QUALIFIER = re.compile("|".join(BUILD_QUALIFIERS))
_BOARDS_PER_PANEL = set(_names(BOARDS_PER_PANEL_HEADERS))


def _has_quantity_word(norm: str) -> bool:
    return any(word in norm for word in QUANTITY_WORDS)


def unused_quantity_reason(norm: str) -> str | None:
    """Why a (normalised) header names a number that is not the quantity per board: a stock
    or ordering column ('To order', 'Bestand', '库存'), or a quantity for a whole build
    ('Qty x 10', 'Total for 50 boards', 'Build qty'). None for any other header."""
    if norm in STOCK_AND_ORDER_HEADERS:
        return "a stock, ordering or price column, not the quantity per board"
    if (_has_quantity_word(norm) or norm.startswith("total")) and _BUILD_QUALIFIER.search(norm):
        return "a quantity for a whole build or order, not the quantity per board"
    return None


def is_per_panel_quantity(norm: str) -> bool:
    """'Qty per panel', 'Menge pro Nutzen': a quantity counted on a panel of several boards."""
    return _has_quantity_word(norm) and any(word in norm for word in PANEL_WORDS)


def is_boards_per_panel(norm: str) -> bool:
    """'Boards per panel', 'Nutzen', '拼板数': how many boards one panel holds."""
    return norm in _BOARDS_PER_PANEL


# Names of distributors as a supplier column writes them.
DISTRIBUTOR_NAMES = set(
    _names(
        """
        Digi-Key | DigiKey | Digikey Electronics | Mouser | Mouser Electronics | Farnell
        element14 | Newark | RS | RS Components | RS Online | Arrow | Avnet | TME | LCSC | JLCPCB
        Future Electronics | TTI | Conrad | Reichelt | Würth Elektronik eiSos Shop | Octopart
        Rutronik | Distrelec | Allied | Sager | Verical | Chip One Stop | Schukat | Buerklin
        Bürklin | Segor | Botland | Kamami | GM electronic | Aliexpress | Taobao | Adafruit
        Sparkfun | Pololu Store | Direct | Manufacturer
        """
    )
)
