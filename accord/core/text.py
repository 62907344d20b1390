"""What text Accord stores: every input channel (API, pages, CLI, services) applies these rules.

Control characters make exports and terminals misbehave (one BEL in a description once made
every XLSX export that included it fail), and Unicode bidi embeddings, overrides and isolates
make a part number read differently from what it is ("Trojan Source"). Text a person types
may hold neither; multi-line text may hold tabs and newlines (CRLF from a browser's textarea
becomes LF).

The channels:

* API: `Text` / `LongText` in accord/api/schemas.py, on schemas deriving from `InputSchema`;
* pages: forms deriving from `accord.core.forms.AccordForm` (every text field, checked);
* services reached without a form or schema (the CLI): `checked_text`, which raises
  InvalidInput naming the field;
* imported files are not refused for a stray control character in a cell: the importers
  remove it (`strip_unstorable`) and report it by row and column;
* exports remove what older rows may still hold (`exportable`).
"""

from __future__ import annotations

import re
import unicodedata

from accord.core.errors import InvalidInput

# C0 controls except tab (09), newline (0A) and carriage return (0D, handled below), DEL, C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Embeddings and overrides (U+202A-U+202E) and isolates (U+2066-U+2069).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SINGLE_LINE_EXTRA = re.compile(r"[\t\r\n]")
# What imports remove from a cell: the characters clean_text refuses, tab and line breaks apart.
_UNSTORABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# What exports remove from stored text written before these rules: the same, plus the two
# non-characters XML 1.0 cannot carry (an XLSX worksheet is XML).
_UNEXPORTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class TextRefused(ValueError):
    """The text holds a character Accord does not store; the message says which."""


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def clean_text(value: str, *, multiline: bool = False) -> str:
    """The text as stored, or TextRefused naming the first offending character.

    Single-line text refuses tab, newline and carriage return as well; multi-line text keeps
    tabs and newlines and turns CRLF (and a lone CR) into LF.
    """
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    elif found := _SINGLE_LINE_EXTRA.search(value):
        raise TextRefused(
            f"Line breaks and tabs are not allowed here (found {_describe(found.group())})."
        )
    if found := _CONTROL.search(value):
        raise TextRefused(f"Control characters are not allowed (found {_describe(found.group())}).")
    if found := _BIDI.search(value):
        raise TextRefused(
            "Unicode bidirectional embedding, override and isolate characters are not allowed "
            f"(found {_describe(found.group())})."
        )
    if _LONE_SURROGATE.search(value):
        raise TextRefused("The text is not valid Unicode.")
    return value


def checked_text(value: str, *, field: str, multiline: bool = False) -> str:
    """clean_text for a service: InvalidInput (422) naming the field instead of TextRefused."""
    try:
        return clean_text(value, multiline=multiline)
    except TextRefused as refused:
        raise InvalidInput(f"{field}: {refused}", detail={"field": field}) from None


def has_unstorable(value: str) -> bool:
    """Whether an imported cell holds a character that strip_unstorable would remove."""
    return _UNSTORABLE.search(value) is not None


def strip_unstorable(value: str) -> str:
    """An imported cell without control, bidi or lone surrogate characters (tabs and line
    breaks are the importer's business: they separate or join values)."""
    return _UNSTORABLE.sub("", value)


# For set-based importers (Polars): the same class of characters, as a regex pattern string
# (lone surrogates cannot occur in Polars strings, which are valid UTF-8).
UNSTORABLE_PATTERN = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


def exportable(value: str) -> str:
    """Stored text made safe for a CSV or XLSX file: control, bidi and non-XML characters
    removed. Tabs and line breaks stay (a cell may hold several lines)."""
    return _UNEXPORTABLE.sub("", value)


def text_input(
    value: str | None,
    field: str,
    *,
    max_length: int,
    multiline: bool = False,
    required: bool = False,
    label: str = "",
) -> str:
    """A service's text argument, trimmed and checked: InvalidInput (422) naming the field.

    Services apply it too, so a command-line script cannot store what a form refuses.
    """
    name = label or field.replace("_", " ")
    text = (value or "").strip()
    try:
        text = clean_text(text, multiline=multiline)
    except TextRefused as refused:
        raise InvalidInput(f"{name.capitalize()}: {refused}", detail={"field": field}) from None
    if required and not text:
        raise InvalidInput(f"Give the {name}.", detail={"field": field})
    if len(text) > max_length:
        raise InvalidInput(
            f"The {name} is longer than {max_length} characters.", detail={"field": field}
        )
    return text


def possessive(name: object) -> str:
    """ "Halcyon Devices'" but "Meridian's": the English possessive of a name."""
    text = str(name)
    return f"{text}'" if text.endswith(("s", "S")) else f"{text}'s"


def normalise_username(value: str) -> str:
    """The one spelling of a username: NFKC (full-width letters become ASCII), case-folded,
    trimmed. People are stored, found at sign-in and throttled under this spelling, so " Name",
    "NAME" and "ｎａｍｅ" are one person and one lockout bucket."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    return folded.strip()
