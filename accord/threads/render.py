"""A post's body on a page: plain text, escaped, with http, https and mailto addresses made
links (never javascript: or data:), and its line breaks kept."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# An address starts a word; it ends at white space or at a character that cannot end one.
_LINK = re.compile(r"(?<![\w@/])((?:https?://|mailto:)[^\s<>\"']+)", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"


def _link(url: str) -> str:
    kept = url.rstrip(_TRAILING)
    rest = url[len(kept) :]
    if kept.lower() in ("http://", "https://", "mailto:"):
        return escape(url)
    return (
        f'<a href="{escape(kept)}" rel="nofollow noopener noreferrer">{escape(kept)}</a>'
        f"{escape(rest)}"
    )


def render_body(text: str) -> SafeString:
    """The body as HTML: everything escaped, addresses linked, newlines as <br>."""
    pieces: list[str] = []
    last = 0
    for match in _LINK.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(_link(match.group(1)))
        last = match.end()
    pieces.append(escape(text[last:]))
    html = "".join(pieces).replace("\n", "<br>\n")
    return mark_safe(html)  # noqa: S308 - every piece of the text was escaped above
