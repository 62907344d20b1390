"""One agreements story in Debian's Chromium, through the pages only.

Halcyon's buyer drafts a statement of work with Meridian for Earbuds X2. The check before
signing lists its problems by clause: "premium" in the notes with no definition, and a BOM line
(HAL-200-0003) nobody procures. She fixes both on the terms page, signs; Meridian's planner
signs from the page: version 1 is in force. She then lowers the 5,000 tier to 9.60: a new draft,
version 2, whose diff reads "tier 5,000: 9.80 → 9.60". Version 1's terms exported as CSV and
uploaded to "Check a copy" match version 1; the same file with a price changed names the clause.
The RFQ's comparison shows both quotes' landed cost per volume, and the issue's invoice its
check: over the agreed price, expedite not requested, the stencil billed twice.

The server's world is built through the services (agreements_story_world.py), not the demo
loader: the persona world, the RFQ with its two quotes and the invoice against SOW v3. Same
server as the other browser tests (gunicorn on a fresh SQLite file: live_server.py); this module
starts its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FilePayload, Page, expect

from accord.agreements.tests.sample import signable
from accord.web.tests.browser_pages import (
    BROWSER_MARKS,
    csv_table,
    signed_in,
    story_browser,
    story_server,
)
from accord.web.tests.live_server import (
    START_TIMEOUT,
    LiveServer,
    empty_database,
)

pytestmark = BROWSER_MARKS

TITLE = "Earbuds X2 PCBA build SOW"
UNDECIDED = "HAL-200-0003"
BUILD_WORLD = (
    "import django; django.setup(); "
    "from accord.web.tests.agreements_story_world import build; build()"
)


def story_world(data_dir: Path, env: dict[str, str]) -> None:
    """The schema, then the story's world through the services, in the server's database."""
    empty_database(data_dir, env)
    result = subprocess.run(  # noqa: S603 (our own interpreter and code, no shell)
        [sys.executable, "-c", BUILD_WORLD],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"building the story's world failed:\n{result.stderr[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with story_server(tmp_path_factory, "accord-agreements", story_world) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with story_browser() as chromium:
        yield chromium


def save_terms(page: Page, terms: dict[str, object]) -> None:
    page.get_by_role("link", name="Edit the draft's terms").or_(
        page.get_by_role("link", name="Start a new draft")
    ).click()
    page.get_by_label("Terms").fill(json.dumps(terms, indent=2))
    page.get_by_role("button", name="Save the draft").click()


def problems_listed(page: Page) -> list[str]:
    return page.locator("ul.problems li").all_inner_texts()


def sign(page: Page, number: int) -> None:
    page.get_by_role("button", name=f"Sign version {number}").click()


def upload_copy(page: Page, name: str, data: bytes) -> None:
    payload: FilePayload = {"name": name, "mimeType": "text/csv", "buffer": data}
    page.get_by_label("Exported terms").set_input_files(files=payload)
    page.get_by_role("button", name="Check the copy").click()


def test_an_agreement_from_draft_to_signed_to_a_checked_copy(
    browser: Browser, server: LiveServer
) -> None:
    problems: list[str] = []
    ((program,),) = server.rows("SELECT id FROM orgs_program WHERE code = 'EBX2'")
    ((meridian,),) = server.rows("SELECT id FROM orgs_organisation WHERE slug LIKE 'meridian%'")
    ((position,),) = server.rows(
        "SELECT l.position FROM parts_bomline l JOIN parts_part p ON p.id = l.part_id"
        " JOIN parts_bom b ON b.id = l.bom_id JOIN parts_part a ON a.id = b.assembly_id"
        " WHERE p.number = ? AND a.number = 'EBX2-PCBA'",
        (UNDECIDED,),
    )

    # The buyer drafts version 1 with Meridian.
    buyer = signed_in(browser, server, "oem_buyer", problems)
    buyer.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    buyer.get_by_role("link", name="Draft an agreement").click()
    buyer.get_by_label("Program").select_option(str(program))
    buyer.get_by_label("Partner").select_option(str(meridian))
    buyer.get_by_label("Title").fill(TITLE)
    buyer.get_by_role("button", name="Draft version 1").click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text(TITLE)
    agreement_url = buyer.url

    # Her first terms: "premium" in the notes, undefined; nobody procures HAL-200-0003.
    draft = signable()
    draft["definitions"] = [d for d in draft["definitions"] if d["word"] != "premium"]
    draft["materials"] = [m for m in draft["materials"] if m["part"] != UNDECIDED]
    save_terms(buyer, draft)
    check = buyer.locator("section[aria-labelledby=h-check]")
    expect(check.get_by_role("status")).to_have_text("2 problems to resolve before anyone signs:")
    assert problems_listed(buyer) == [
        'notes: the vague word "premium" has no definition',
        f"materials: BOM EBX2-PCBA rev B line {position}: {UNDECIDED} has no material "
        "responsibility (turnkey, consigned or customer-directed)",
    ]
    expect(buyer.get_by_role("button", name="Sign version 1")).to_have_count(0)

    # Fixed on the terms page: "premium" defined, HAL-200-0003 customer-directed.
    save_terms(buyer, signable())
    expect(buyer.get_by_text("No problem found: the draft may be signed.")).to_be_visible()
    sign(buyer, 1)
    expect(buyer.get_by_text("You signed version 1; the other side signs next.")).to_be_visible()

    # Meridian's planner reads the same hash and signs from the page.
    planner = signed_in(browser, server, "ems_planner", problems)
    planner.goto(agreement_url)
    digest = planner.locator("p.lede code").inner_text()
    assert len(digest) == 64
    sign(planner, 1)
    expect(planner.get_by_text("Both sides have signed version 1: it is in force.")).to_be_visible()

    # The buyer lowers the 5,000 tier: a new draft, version 2, and its diff.
    buyer.goto(agreement_url)
    expect(buyer.locator("p.lede")).to_contain_text("Version 1, signed")
    lower = signable()
    lower["price_tiers"][1]["unit_price"] = "9.60"
    save_terms(buyer, lower)
    expect(buyer.get_by_text("Saved the terms as draft version 2.")).to_be_visible()
    buyer.get_by_role("link", name="against version 1").click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text(f"{TITLE}: version 1 to 2")
    assert buyer.locator("ul.diff li").all_inner_texts() == ["tier 5,000: 9.80 → 9.60"]

    # Version 1's terms exported as CSV, and checked again as a copy.
    buyer.goto(agreement_url)
    buyer.get_by_role("table", name="Every version, newest first").get_by_role(
        "link", name="1", exact=True
    ).click()
    with buyer.expect_download() as info:
        buyer.get_by_role("link", name="Export (CSV)").click()
    exported = Path(info.value.path()).read_bytes()
    rows = csv_table(exported)
    assert rows[0] == ["Clause", "Item", "Field", "Value", "Path"]
    by_path = {row[-1]: row[:-1] for row in rows[1:]}
    assert by_path["price_tiers[1].unit_price"] == [
        "Price tier",
        "from 5,000 to 49,999",
        "unit price",
        "9.80",
    ]
    assert rows[-1] == ["SHA-256", "version 1 (signed)", "", digest, "sha256"]
    buyer.get_by_role("link", name="Check a copy").click()
    upload_copy(buyer, "agreement-v1.csv", exported)
    result = buyer.locator("section[aria-labelledby=h-result]").get_by_role("status")
    expect(result).to_have_text(
        "A true copy of version 1 (signed by both sides, in force): its terms hash to the "
        "printed SHA-256."
    )
    edited = exported.replace(b",12.40,", b",12.90,")
    upload_copy(buyer, "agreement-v1-edited.csv", edited)
    expect(result).to_contain_text("Not a true copy")
    assert buyer.locator("ul.diff li").all_inner_texts() == ["tier 500: 12.40 → 12.90"]
    upload_copy(buyer, "terms.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    expect(buyer.get_by_role("alert")).to_contain_text("This is a PDF document")

    # The RFQ's comparison: landed cost per volume, both quotes (rfq_sample.py, test_rfq.py).
    buyer.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    buyer.get_by_role("link", name="Requests for quotes").click()
    buyer.get_by_role("link", name="EBX2 PCBA production").click()
    table = buyer.get_by_role("table", name="Quotes you may see, cheapest landed cost first")
    landed = {
        (cells[0], cells[1].split()[0]): cells[6]
        for cells in (
            row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all()
        )
    }
    assert landed == {
        ("500", "Meridian"): "24.6500",
        ("500", "Corvid"): "27.7000",
        ("5000", "Meridian"): "11.1600",
        ("5000", "Corvid"): "10.9500",
        ("50000", "Meridian"): "8.3710",
        ("50000", "Corvid"): "9.0800",
    }

    # The invoice, checked against SOW v3 and the receipts (test_invoices.py).
    buyer.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements").click()
    buyer.get_by_role("link", name="Earbuds X2 manufacturing SOW").click()
    buyer.get_by_role("link", name="Invoices").click()
    buyer.get_by_role("link", name="MER-INV-2042").click()
    expect(buyer.locator("p.lede")).to_contain_text(
        "Invoiced 50720.00, agreed 49750.00, disputed 970.00"
    )
    lines = buyer.get_by_role("table", name="Each line against the agreement")
    verdicts = [
        (cells[0], cells[8], cells[10])
        for cells in (
            row.locator("td").all_inner_texts() for row in lines.locator("tbody tr").all()
        )
    ]
    assert verdicts == [
        ("1", "over", "250.00"),
        ("2", "match", "0.00"),
        ("3", "not_requested", "250.00"),
        ("4", "billed_twice", "350.00"),
        ("5", "not_in_appendix_a", "120.00"),
    ]
    # The browser logs the refused PDF's 422 as a failed load; nothing else may go wrong.
    refused = [p for p in problems if "status of 422" in p and "/check-copy/" in p]
    assert len(refused) == 1
    assert [p for p in problems if p not in refused] == []
