"""What an MPN cell holds when it is not a manufacturer part number.

Distributor order codes have shapes of their own: Digi-Key's end in "-ND" ("311-10.0KLRCT-ND"),
Mouser's are the MPN behind a 2- or 3-digit maker prefix ("595-SN74LVC1G14DBVR"), LCSC's are a
C and digits ("C2040"), Farnell's seven digits, sometimes with "RL" ("2112753RL"). Library and
symbol names come from the EDA tool: KiCad's "Device:R", Altium's "Res1" or "Cap Pol1", Eagle's
generic devices (a symbol family and a package variant: "R-EU_R0603", "C-USC0805",
"CPOL-EUE2.5-6", "PINHD-1X2"), and footprint-style names such as "CAP_0402". Neither kind can
match a part of the catalogue, and an order code read as an MPN creates a manufacturer part that
does not exist.

A shape that real MPNs share is not claimed on its shape alone: a Mouser code needs a letter
after its prefix (Molex's "22-23-2021" is an MPN), and seven digits are Farnell's only when the
row's supplier says Farnell, Newark or element14 (Phoenix Contact's MPNs are seven digits too:
ODrive's BOM lists its terminal blocks 1868076 and 1704936 so).
"""

from __future__ import annotations

import re

_DIGIKEY = re.compile(r"^[A-Z0-9][A-Z0-9.,/+#()\-]*-ND$", re.IGNORECASE)
_MOUSER = re.compile(r"^\d{2,3}-(?=[A-Z0-9.\-/+#]*[A-Z])[A-Z0-9][A-Z0-9.\-/+#]{3,}$", re.IGNORECASE)
_LCSC = re.compile(r"^C\d{3,8}$")
_FARNELL = re.compile(r"^\d{7}(?:RL)?$", re.IGNORECASE)
_FARNELLS = re.compile(r"farnell|newark|element ?14", re.IGNORECASE)

_KICAD_SYMBOL = re.compile(r"^[A-Za-z][\w.\-]*:[A-Za-z_][\w.+\-]*$")
_LIBRARY_NAMES = re.compile(
    r"^(?:res|resistor|cap|capacitor|cap pol|ind|inductor|diode|led|header|crystal|xtal|fuse"
    r"|npn|pnp|nmos|pmos|d schottky|d zener|connector|conn|test ?point)\s?\d{0,2}$",
    re.IGNORECASE,
)
_EAGLE_DEVICE = re.compile(
    r"^(?:(?:R|C|L|CPOL|R-TRIMM)-(?:EU|US|DE|JP)[\w.,/\-]*|PINH(?:D|EAD)[\w.\-]*)$", re.IGNORECASE
)
_FOOTPRINT_STYLE = re.compile(
    r"^(?:r|c|l|d|res|cap|ind|led)_\d{4}(?:_\d{4}metric)?$", re.IGNORECASE
)


def distributor_of(code: str, *, supplier: str = "") -> str | None:
    """The distributor whose order code `code` looks like, or None."""
    text = code.strip()
    if _DIGIKEY.match(text) and len(text) > 5:
        return "Digi-Key"
    if _LCSC.match(text):
        return "LCSC"
    if _MOUSER.match(text):
        return "Mouser"
    if _FARNELLS.search(supplier) and _FARNELL.match(text):
        return "Farnell"
    return None


def is_library_reference(text: str, *, footprint: str = "") -> bool:
    """A symbol or library name of an EDA tool, not a part number. With the row's footprint:
    a name that is a prefix and that footprint is Eagle's device name (a device set and its
    package variant, "LEDCHIPLED_0603" for CHIPLED_0603), unless it is the footprint itself."""
    text = text.strip()
    footprint = footprint.strip()
    if (
        len(footprint) >= 4
        and len(text) > len(footprint)
        and text.casefold().endswith(footprint.casefold())
    ):
        return True
    return bool(
        _KICAD_SYMBOL.match(text)
        or _LIBRARY_NAMES.match(text)
        or _EAGLE_DEVICE.match(text)
        or _FOOTPRINT_STYLE.match(text)
    )
