"""Which designators are fitted: not-fitted lists and markers as BOMs write them.

A BOM says "not fitted" in many ways: a list inside a cell (Altium variants' `NF(R12,R14)`,
`DNP: C3 C4`, `R5 (DNP)`), a footer under the table (`Not fitted: R12, R14`), or words in a
value, note or fitted column in the engineer's language (`DNP`, `leave empty`,
`nicht bestückt`, `nie montować`, `no montar`, `Mounted = No`). A list marks only the
designators it names; words mark the whole row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .designators import parse_designators

# The words, upper-cased and without accents (see `_plain`), in the order regex alternation
# needs: longer phrases before the abbreviations they start with.
_WORDS = (
    r"DO[ _-]?NOT[ _-](?:POPULATE|PLACE|FIT|MOUNT|STUFF|ASSEMBLE|INSTALL)",
    r"NOT[ _-]?(?:FITTED|POPULATED|MOUNTED|PLACED|ASSEMBLED|INSTALLED|STUFFED)",
    r"LEAVE[ _-](?:EMPTY|OPEN|UNPOPULATED|UNFITTED|OUT)",
    r"NO[ _-]?(?:POP|STUFF|FIT|MONTAR|MONTADO)",
    r"NICHT[ _-]?(?:BESTUCKT|BESTUECKT|BESTUCKEN|BESTUECKEN|MONTIERT)",
    r"UNBESTUCKT|UNBESTUECKT",
    r"NIE[ _-]?(?:MONTOWAC|MONTOWANY|MONTOWANE|LUTOWAC)",
    r"NE[ _-]PAS[ _-](?:MONTER|POSER|CABLER)|NON[ _-]?(?:MONTE|MONTARE|MONTATO|POSE|CABLE)",
    r"NEOSAZOVAT|NEOSAZENO|NEOSAZUJ",
    r"NAO[ _-]MONTAR|NAO[ _-]MONTADO",
    r"DNP|DNF|DNI|DNS|NF|NP|NM",  # in lists only: in prose "NP" is non-polar, "NF" nanofarad
    "\u4e0d\u8d34\u7247|\u4e0d\u8d34|\u4e0d\u710a|\u4e0d\u5b89\u88c5",  # 不贴片 不贴 不焊 不安装
    # 未実装 実装しない 非実装
    "\u672a\u5b9f\u88c5|\u5b9f\u88c5\u3057\u306a\u3044|\u975e\u5b9f\u88c5",
)
_WORD = "(?:" + "|".join(_WORDS) + ")"
_PROSE_WORD = "(?:" + "|".join(w for w in _WORDS if not w.startswith("DNP|")) + "|DNP|DNF|DNI)"
_EDGE_BEFORE = r"(?<![A-Z0-9])"
_EDGE_AFTER = r"(?![A-Z0-9])"

# "Mounted = No", "Fitted: no", "Bestückt: nein".
_FLAG_NO = re.compile(
    r"(?:MOUNTED|FITTED|POPULATED|PLACED|BESTUCKT|BESTUECKT|MONTOWAC|MONTAR|MONTE)\s*[=:]\s*"
    r"(?:NO|N|0|FALSE|NEIN|NIE|NON|NAO|NE)(?![A-Z0-9])"
)
_MARKER = re.compile(_EDGE_BEFORE + _PROSE_WORD + _EDGE_AFTER)
# "NF(R12,R14)", "DNP: C3 C4", "Not fitted = R1; R2" — the list runs to the closing bracket,
# or after a colon or equals sign to the end of the cell.
_LIST = re.compile(
    _EDGE_BEFORE
    + _WORD
    + r"(?:\s+(?:COMPONENTS?|PARTS?|DESIGNATORS?|REFERENCES?|BAUTEILE|ELEMENTY|COMPOSANTS))?"
    + r"\s*(?:\((?P<paren>[^()]*)\)|\[(?P<bracket>[^\[\]]*)\]|[:=]\s*(?P<rest>.+))",
    re.DOTALL,
)
# "R5 (DNP)", "C3[NF]": one designator followed by a bracketed marker.
_SUFFIX = re.compile(r"(?P<designator>[A-Z][A-Z_]*\d+[A-Z]?)\s*[(\[]\s*" + _WORD + r"\s*[)\]]")


def _plain(text: str) -> str:
    """Upper case without accents, so one pattern covers "bestückt" and "bestueckt" typed as
    "bestuckt", and "montować" as "montowac"; CJK is kept as it is."""
    if text.isascii():  # nothing to decompose: most cells, read six times per row
        return text.upper()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def _listed(text: str) -> list[str] | None:
    """The designators of a list's body, or None when it is not a plain designator list."""
    parsed = parse_designators(text)
    if not parsed.designators or parsed.unusual or parsed.problems:
        return None
    if not all(re.fullmatch(r"[A-Za-z][A-Za-z_]*\d+[A-Za-z]?", d) for d in parsed.designators):
        return None
    return parsed.designators


@dataclass
class NotFitted:
    """What one cell says about fit status."""

    designators: list[str] = field(default_factory=list)  # named in a list, as written
    whole_row: bool = False  # words that mark the row (every designator in it)
    rest: str = ""  # the cell's text without its lists


def _body_span(m: re.Match[str]) -> tuple[int, int]:
    for name in ("paren", "bracket", "rest"):
        if m.group(name) is not None:
            return m.span(name)
    return m.end(), m.end()


def read_cell(text: str) -> NotFitted:
    """Lists and markers in one cell. Lists are found in `_plain(text)`; when no character
    decomposed, its positions are the original's and designators keep their case as written."""
    out = NotFitted(rest=text)
    if not text or not text.strip():
        return out
    plain = _plain(text)
    source = text if len(plain) == len(text) else plain
    cut: list[tuple[int, int]] = []  # spans of `source` that are fit status, not content
    for m in _LIST.finditer(plain):
        start, end = _body_span(m)
        found = _listed(source[start:end])
        if found:
            out.designators += found
            cut.append(m.span())
    for m in _SUFFIX.finditer(plain):
        if any(a <= m.start() < b for a, b in cut):
            continue
        start, end = m.span("designator")
        out.designators.append(source[start:end])
        cut.append((end, m.end()))  # the designator stays in the cell, its marker goes
    kept: list[str] = []
    last = 0
    for a, b in sorted(cut):
        kept.append(source[last:a])
        last = max(last, b)
    kept.append(source[last:])
    out.rest = re.sub(r"\s{2,}", " ", "".join(kept)).strip(" ,;") if cut else text
    remainder = _plain(out.rest)
    out.whole_row = bool(_MARKER.search(remainder) or _FLAG_NO.search(remainder))
    return out


def says_not_fitted(text: str) -> bool:
    """Words that mark a whole row as not fitted ("DNP", "leave empty", "Mounted = No")."""
    plain = _plain(text)
    return bool(_MARKER.search(plain) or _FLAG_NO.search(plain))


def footer_list(cells: list[str]) -> list[str] | None:
    """The designators of a footer row that lists not-fitted parts ("Not fitted: R12, R14",
    "NF(C3,C4)"), or None. Such a row has one or two filled cells and no other data."""
    filled = [c.strip() for c in cells if c and c.strip()]
    if not filled or len(filled) > 2:
        return None
    text = " ".join(filled)
    plain = _plain(text)
    m = _LIST.match(plain.strip())
    if m is None:
        # "Not fitted:" in one cell, the list in the next.
        if len(filled) == 2 and re.fullmatch(_WORD, _plain(filled[0]).rstrip(": =")):
            return _listed(filled[1])
        return None
    found = read_cell(text)
    return found.designators or None
