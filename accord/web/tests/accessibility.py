"""Accessibility checks in the browser: axe-core (kept in accord/web/tests/axe/) run in a page
through Playwright, reporting violations of a given impact or worse."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "axe" / "axe.min.js"
BLOCKING = ("serious", "critical")


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def audit(page: Page, impacts: tuple[str, ...] = BLOCKING) -> list[str]:
    """The page's violations of these impacts, one readable line each (rule, impact, the first
    offending elements). The page's context must allow the script (bypass_csp): axe is a test
    tool, never served by Accord, so the product's Content-Security-Policy stays strict."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result: dict[str, Any] = page.evaluate(
        """async () => await axe.run(document, {
            resultTypes: ["violations"],
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                             "best-practice"]},
        })"""
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in impacts:
            continue
        targets = ", ".join(
            " ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
            for node in violation["nodes"][:3]
        )
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']}; {targets}")
    return found
