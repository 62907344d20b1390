"""Keys used to match manufacturers and MPNs however a BOM spells them."""

from __future__ import annotations

import re
import unicodedata

_LEGAL_SUFFIXES = re.compile(
    r"\b(inc|incorporated|ltd|limited|llc|co|corp|corporation|gmbh|ag|sa|bv|plc|kg|"
    r"electronic components|electronics|semiconductors?|technology|technologies)\b"
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Names BOMs use for the same maker; keys are already normalised by manufacturer_key's rules.
MANUFACTURER_ALIASES: dict[str, str] = {
    "ti": "texas instruments",
    "adi": "analog devices",
    "st": "stmicroelectronics",
    "stm": "stmicroelectronics",
    "on": "onsemi",
    "on semi": "onsemi",
    "on semiconductor": "onsemi",
    "nxp": "nxp",
    "microchip": "microchip",
    "wurth": "wurth elektronik",
    "wuerth": "wurth elektronik",
    "wurth elektronik": "wurth elektronik",
    "we": "wurth elektronik",
    "murata manufacturing": "murata",
    "samsung electro mechanics": "samsung",
    "samsung em": "samsung",
    "vishay dale": "vishay",
    "vishay intertechnology": "vishay",
    "kemet": "kemet",
    "tdk": "tdk",
    "yageo": "yageo",
    "amphenol icc fci": "amphenol",
    "amphenol fci": "amphenol",
    "fci": "amphenol",
    "diodes": "diodes",
    "maxim": "maxim integrated",
    "maxim integrated products": "maxim integrated",
    "infineon": "infineon",
    "infineon technologies": "infineon",
    "taiyo yuden": "taiyo yuden",
    "lite on": "lite on",
    "liteon": "lite on",
    "panasonic": "panasonic",
}


def manufacturer_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = _NON_ALNUM.sub(" ", text)
    text = _LEGAL_SUFFIXES.sub(" ", text)
    text = " ".join(text.split())
    return MANUFACTURER_ALIASES.get(text, text)


_MPN_DROP = re.compile(r"[\s\-_./]+")


def mpn_key(mpn: str) -> str:
    """Upper case without spaces, dashes, dots, slashes or underscores: LMK105BJ105KV-F == LMK105BJ105KVF."""
    return _MPN_DROP.sub("", unicodedata.normalize("NFKC", mpn)).upper()
