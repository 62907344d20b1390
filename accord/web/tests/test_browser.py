"""Accord in a real browser: Debian's Chromium, driven by Playwright, against the real server.

The server is gunicorn in a subprocess on its own SQLite file loaded with the demo workspace
(see live_server.py for why, also when the suite runs on PostgreSQL). People sign in through
the login form with the demo password, as they would.

Without /usr/bin/chromium these tests are skipped, except under CI (CI=true), where a missing
browser fails them. They run together on one xdist worker (`--dist loadfile`, see the
Makefile), so the server starts once per run; the xdist_group mark does the same under
`--dist loadgroup` once pytest-xdist's grouping works with pytest 9.2 again
(pytest-dev/pytest-xdist#1386). Under plain `-n 2` each worker would start its own server.

The browser is module-scoped on purpose: Playwright's sync API keeps an asyncio loop running
in this thread, and Django refuses database queries from a thread with a running loop, so the
loop must be gone before the worker moves on to the database tests of other modules.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect, sync_playwright

from accord.demo import DEMO_PASSWORD, data_path
from accord.web.tests.access_matrix_supply import DEMO_SUPPLY_IDS
from accord.web.tests.accessibility import audit
from accord.web.tests.browser_collab_world import collaboration_world
from accord.web.tests.browser_pages import (
    csv_table,
    download,
    sign_in,
    signed_in,
    visit,
    watched_page,
)
from accord.web.tests.live_server import (
    CHROMIUM,
    VIEWPORT,
    DemoIds,
    LiveServer,
    chromium_available,
    launch_chromium,
    running_server,
    running_under_ci,
)

# The Fomu PVT1 BOM as KiCad exports it (one row per designator), shipped with the demo data.
FOMU_BOM = data_path("boms", "im-tomu_fomu-hardware", "pvt1_tomu-fpga-bom.csv")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.skipif(
        not chromium_available() and not running_under_ci(),
        reason=f"{CHROMIUM} is missing: install Debian's chromium package "
        "(apt-get install chromium, or `make test` as root) to run the browser tests",
    ),
]


@pytest.fixture(scope="session")
def accord_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    _require_chromium()
    with running_server(tmp_path_factory.mktemp("accord-browser")) as server:
        yield server


@pytest.fixture(scope="session")
def ids(accord_server: LiveServer) -> DemoIds:
    return accord_server.ids()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    _require_chromium()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def problems() -> list[str]:
    """Console errors, uncaught script errors and CSP violations of the test's page."""
    return []


@pytest.fixture
def page(browser: Browser, accord_server: LiveServer, problems: list[str]) -> Iterator[Page]:
    page = watched_page(browser, accord_server, problems)
    yield page
    page.context.close()


def _require_chromium() -> None:
    if not chromium_available():
        pytest.fail(f"CI=true and {CHROMIUM} is missing: the browser tests must run under CI")


def programs_table(page: Page, caption: str = "Programs you are a member of") -> list[str]:
    return page.get_by_role("table", name=caption).locator("tbody th").all_inner_texts()


def part_numbers(page: Page) -> list[str]:
    return page.locator("#results tbody th a").all_inner_texts()


def test_buyer_goes_from_the_dashboard_to_a_bom_and_exports_it(page: Page) -> None:
    sign_in(page, "oem_buyer")
    assert programs_table(page) == ["Earbuds X2", "Pulse HRM"]

    page.get_by_role("table", name="Programs you are a member of").get_by_role(
        "link", name="Earbuds X2"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Earbuds X2\s+EBX2"))
    boms = page.get_by_role("table", name="BOMs of Earbuds X2")
    boms.locator("tbody tr", has_text=re.compile(r"\bB\b")).get_by_role(
        "link", name="EBX2-PCBA"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^EBX2-PCBA\s+rev B"))

    nrf = page.locator("table.bom tbody tr", has_text="HAL-200-0001")
    expect(nrf.locator("td.flags")).to_contain_text("Single source")
    expect(nrf.locator("td.sources")).to_contain_text("Nordic Semiconductor NRF5340-QKAA-R7")
    crystal = page.locator("table.bom tbody tr", has_text="HAL-300-0001")
    expect(crystal.locator("td.flags")).to_contain_text("EOL")

    name, data = download(page, "CSV")
    assert name == "EBX2-PCBA-revB-bom.csv"
    rows = csv_table(data)
    assert rows[0][:7] == [
        "Level",
        "Item",
        "Part Number",
        "Description",
        "Quantity",
        "Extended Quantity",
        "Designators",
    ]
    assert rows[0][-2:] == ["Flags", "Notes"]
    by_part = {row[2]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_part["HAL-200-0001"]["Manufacturer"] == "Nordic Semiconductor"
    assert by_part["HAL-200-0001"]["MPN"] == "NRF5340-QKAA-R7"
    assert by_part["HAL-200-0001"]["Designators"] == "U1"
    assert "single_source" in by_part["HAL-200-0001"]["Flags"]
    assert by_part["HAL-100-0001"]["Quantity"] == "6"

    name, data = download(page, "Excel (XLSX)")
    assert name == "EBX2-PCBA-revB-bom.xlsx"
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    assert sheet is not None
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == rows[0]
    assert len(cells) == len(rows)
    xlsx_by_part = {row[2]: row for row in cells[1:]}
    assert xlsx_by_part["HAL-100-0001"][4] == 6
    assert xlsx_by_part["HAL-200-0001"][rows[0].index("MPN")] == "NRF5340-QKAA-R7"


def test_another_customer_sees_no_trace_of_earbuds(page: Page, ids: DemoIds) -> None:
    sign_in(page, "other_oem_user")
    assert programs_table(page) == ["Rover Controller"]
    expect(page.locator("main")).not_to_contain_text("Earbuds")

    visit(page, "/programs/")
    expect(page.locator("main table")).to_contain_text("Rover Controller")
    expect(page.locator("main")).not_to_contain_text("Earbuds")

    for path in (f"/programs/{ids.programs['EBX2']}/", f"/boms/{ids.boms['EBX2-PCBA rev B']}/"):
        visit(page, path, status=404)
        expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
        expect(page.locator("main")).not_to_contain_text("EBX2")


def test_lapsed_nda_keeps_the_program_but_not_the_bom(page: Page, ids: DemoIds) -> None:
    sign_in(page, "nda_expired_partner")
    assert "Earbuds X2" in programs_table(page)

    visit(page, f"/programs/{ids.programs['EBX2']}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Earbuds X2")
    boms = page.get_by_role("table", name="BOMs of Earbuds X2")
    expect(boms).not_to_contain_text("EBX2-PCBA")

    visit(page, f"/boms/{ids.boms['EBX2-PCBA rev B']}/", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")


def row_count(page: Page) -> int:
    """The filtered total from "Rows 1–50 of 1229" under the parts table."""
    text = page.locator("#results .page-count").inner_text()
    return int(text.rsplit(" of ", 1)[1].replace(",", ""))


def test_parts_search_filter_sort_and_export(page: Page) -> None:
    sign_in(page, "oem_buyer")
    visit(page, "/parts/")
    first_page = part_numbers(page)
    total = row_count(page)
    assert len(first_page) == min(total, 50)
    assert first_page == sorted(first_page)  # by part number unless told otherwise

    # Typing searches as you type (htmx), by MPN too.
    search = page.get_by_label("Search", exact=True)
    search.fill("NRF5340-QKAA")
    expect(page.locator("#results tbody th a")).to_have_text(["HAL-200-0001"])
    expect(page).to_have_url(re.compile(r"q=NRF5340-QKAA"))

    # The lifecycle filter: fewer rows, every one of them NRND.
    search.fill("")
    expect(page.locator("#results .page-count")).to_contain_text(f" of {total}")
    page.get_by_label("Lifecycle").select_option("nrnd")
    expect(page).to_have_url(re.compile(r"lifecycle=nrnd"))
    nrnd = row_count(page)
    assert 2 <= nrnd < total
    lifecycles = page.locator("#results tbody tr td:nth-child(7)").all_inner_texts()
    assert set(lifecycles) == {"NRND"}

    # Search and filter together, then sort by description; a second click reverses it.
    search.fill("HAL-")
    expect(page.locator("#results tbody th a")).to_have_text(["HAL-100-0002", "HAL-200-0005"])
    page.locator("#results thead").get_by_role("link", name="Description").click()
    expect(page).to_have_url(re.compile(r"sort=description"))
    expect(page.locator("#results tbody th a")).to_have_text(["HAL-200-0005", "HAL-100-0002"])
    page.locator("#results thead").get_by_role("link", name="Description").click()
    expect(page).to_have_url(re.compile(r"sort=-description"))
    expect(page.locator("#results tbody th a")).to_have_text(["HAL-100-0002", "HAL-200-0005"])

    # The export holds the filtered rows, in the order shown.
    name, data = download(page, "CSV")
    assert name.endswith(".csv")
    rows = csv_table(data)
    assert rows[0][:3] == ["Part number", "Revision", "Description"]
    assert [row[0] for row in rows[1:]] == ["HAL-100-0002", "HAL-200-0005"]
    assert {row[rows[0].index("Lifecycle")] for row in rows[1:]} == {"NRND"}
    # Without the search: every NRND part, not just the page.
    search.fill("")
    expect(page.locator("#results .page-count")).to_contain_text(f" of {nrnd}")
    name, data = download(page, "Excel (XLSX)")
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    assert sheet is not None
    exported = list(sheet.iter_rows(values_only=True))
    assert len(exported) == nrnd + 1
    assert {row[exported[0].index("Lifecycle")] for row in exported[1:]} == {"NRND"}


def test_manager_adds_a_member_and_removes_them_after_confirming(page: Page, ids: DemoIds) -> None:
    sign_in(page, "oem_buyer")
    visit(page, f"/programs/{ids.programs['EBX2']}/")
    members = page.get_by_role("table", name="People with need-to-know on Earbuds X2")
    expect(members).not_to_contain_text("Daniel Tan")

    person = page.get_by_label("Person")
    label = next(t for t in person.locator("option").all_inner_texts() if "Daniel Tan" in t)
    person.select_option(label=label)
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("status")).to_contain_text("Daniel Tan is now a member of Earbuds X2")
    expect(members.locator("tbody tr", has_text="Daniel Tan")).to_contain_text("Meridian")

    members.get_by_role("link", name="Remove Daniel Tan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove Daniel Tan from Earbuds X2?")
    page.get_by_role("button", name="Remove Daniel Tan").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Daniel Tan is no longer a member of Earbuds X2"
    )
    expect(members).not_to_contain_text("Daniel Tan")
    # Back among the candidates.
    expect(page.get_by_label("Person").locator("option", has_text="Daniel Tan")).to_have_count(1)


def test_sign_in_is_refused_after_five_wrong_passwords(page: Page) -> None:
    visit(page, "/login/")
    for _attempt in range(5):
        page.get_by_label("Username").fill("outsider")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    page.get_by_label("Username").fill("outsider")
    page.get_by_label("Password").fill(DEMO_PASSWORD)  # even the right one, now
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 429
    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-in attempts")
    expect(page.get_by_role("heading", name="Dashboard")).to_have_count(0)


def test_main_pages_have_no_console_errors_or_csp_violations(
    page: Page, ids: DemoIds, problems: list[str]
) -> None:
    visit(page, "/login/")
    sign_in(page, "oem_buyer")
    for path in (
        "/",
        "/programs/",
        f"/programs/{ids.programs['EBX2']}/",
        "/parts/",
        f"/parts/{ids.parts['HAL-300-0001']}/",
        "/boms/",
        f"/boms/{ids.boms['EBX2-L rev A']}/",
        "/ndas/",
        f"/ndas/{ids.ndas['NDA-HAL-MER-2025']}/",
        "/access-log/",
        "/events/",
        "/settings/tokens/",
        "/boms/import/",
        "/parts/import/",
        "/imports/",
    ):
        visit(page, path)
        expect(page.locator("h1")).to_be_visible()
    # htmx's partial update of the parts list, under the same policy.
    visit(page, "/parts/")
    page.get_by_label("Search", exact=True).fill("ABM8-32")
    expect(page.locator("#results tbody th a")).to_have_text(["HAL-300-0001"])
    # Swagger UI boots from our own static script, without inline code.
    visit(page, "/api/v1/docs")
    # Parsing the 600 kB schema takes seconds on a machine busy with the rest of the suite.
    expect(page.locator("#swagger-ui .info .title")).to_contain_text("Accord", timeout=30_000)
    tag = page.locator("#swagger-ui .opblock-tag").first
    expect(tag).to_be_visible()
    tag.click()
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()
    assert problems == []


def test_buyer_imports_a_real_bom_after_checking_the_preview(
    page: Page, problems: list[str]
) -> None:
    sign_in(page, "oem_buyer")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="BOMs").click()
    page.get_by_role("link", name="Import a BOM file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a BOM")
    page.get_by_label("Program").select_option(label="Earbuds X2")
    page.get_by_label("Assembly number").fill("FOMU-PVT1")
    page.get_by_label("Revision").fill("A")
    page.get_by_label("BOM file").set_input_files(FOMU_BOM)
    page.get_by_role("button", name="Upload and preview").click()

    # The dry run: nothing written yet, the mapping it guessed, the problems it found.
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview: pvt1_tomu-fpga-bom.csv")
    mapping = page.get_by_role("table", name="Columns of the file and the fields they were read as")
    for header, field in (
        ("Reference", "Designators"),
        ("MPN", "Manufacturer part number"),
        ("Manufacturer", "Manufacturer"),
    ):
        select = mapping.locator(
            "tbody tr", has=page.locator("th", has_text=re.compile(f"^{header}$"))
        )
        chosen = select.locator("select").evaluate("s => s.selectedOptions[0].textContent")
        assert chosen.strip() == field, header
    found = page.get_by_role("table", name=re.compile(r"^Problems, errors first"))
    expect(found).to_contain_text("55 rows were grouped into 22 lines")
    lines = page.get_by_role("table", name="Lines of FOMU-PVT1 rev A as they would be imported")
    expect(lines.locator("tbody tr", has_text="ICE40UP5K-UWG30")).to_contain_text("U5")

    confirm = page.get_by_role("button", name=re.compile(r"^Confirm and import \d+ lines?$"))
    expect(confirm).to_be_enabled()
    count = int(re.sub(r"\D", "", confirm.inner_text()))
    expect(lines.locator("tbody tr")).to_have_count(count)
    confirm.click()

    # The new BOM, one level, every line of the preview.
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^FOMU-PVT1\s+rev A"))
    expect(page.get_by_role("status")).to_contain_text(
        f"Imported pvt1_tomu-fpga-bom.csv: {count} lines into FOMU-PVT1 rev A"
    )
    expect(page.locator("table.bom tbody tr")).to_have_count(count)
    expect(page.locator("table.bom tbody tr", has_text="ICE40UP5K-UWG30")).to_contain_text("U5")
    assert problems == []


# Supply: a site, stock and its ledger, a purchase order from draft to the supplier's date ------


def _supply(page: Page, section: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Supply").click()
    page.get_by_role("navigation", name="Supply").get_by_role("link", name=section).click()


def test_supply_story_from_a_new_site_to_a_confirmed_order_line(
    browser: Browser, accord_server: LiveServer, problems: list[str]
) -> None:
    # Meridian's planner opens a site, receives stock there and issues some to a build.
    planner = signed_in(browser, accord_server, "ems_planner", problems)
    _supply(planner, "Sites")
    add = planner.get_by_role("form", name="Add a site")
    add.get_by_label("Name").fill("Kulim plant")
    add.get_by_label("Code").fill("KUL1")
    add.get_by_label("Country").fill("MY")
    add.get_by_role("button", name="Add the site").click()
    expect(planner.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Kulim plant\s+KUL1"))

    _supply(planner, "Stock")
    planner.get_by_role("link", name="Receive stock").click()
    planner.get_by_label("Site").select_option(label="Kulim plant (KUL1)")
    planner.get_by_label("Part number").fill("HAL-200-0001")
    planner.get_by_label("Quantity received").fill("500")
    planner.get_by_label("Reference").fill("DN-90001")
    planner.get_by_role("button", name="Receive").click()
    expect(planner.get_by_role("status")).to_contain_text(
        "Received 500 of HAL-200-0001 at KUL1: 500 on hand."
    )
    expect(planner.get_by_role("heading", level=1)).to_have_text("HAL-200-0001 at KUL1")

    issue = planner.get_by_role("form", name="Issue to a build")
    issue.get_by_label("Quantity issued").fill("120")
    build = issue.get_by_label("Build")
    label = next(t for t in build.locator("option").all_inner_texts() if "EBX2-PCBA" in t)
    build.select_option(label=label)
    issue.get_by_role("button", name="Issue").click()
    expect(planner.get_by_role("status")).to_contain_text("Issued 120 to 1200 × EBX2-PCBA")
    ledger = planner.get_by_role("table", name=re.compile(r"^Moves of HAL-200-0001 at KUL1"))
    expect(ledger.locator("tbody tr")).to_have_count(2)
    newest, first = ledger.locator("tbody tr").nth(0), ledger.locator("tbody tr").nth(1)
    expect(newest).to_contain_text("Issue to build")
    expect(newest.locator("td").nth(1)).to_have_text("-120")
    expect(newest.locator("td").nth(2)).to_have_text("380")
    expect(newest).to_contain_text("EBX2-PCBA")
    expect(first.locator("td").nth(1)).to_have_text("+500")
    planner.context.close()

    # Halcyon's buyer orders drivers from Sunridge for Earbuds X2, to ship to Meridian.
    buyer = signed_in(browser, accord_server, "oem_buyer", problems)
    _supply(buyer, "Purchase orders")
    buyer.get_by_role("link", name="New purchase order").click()
    buyer.get_by_label("Program").select_option(label="Earbuds X2")
    buyer.get_by_label("Supplier").select_option(label="Sunridge Acoustics")
    buyer.get_by_label("Order number").fill("PO-STORY-1")
    buyer.get_by_label("Ship to").select_option(label="Penang plant (PEN1)")
    buyer.get_by_role("button", name="Create the order").click()
    expect(buyer.get_by_role("heading", level=1)).to_contain_text("Purchase order PO-STORY-1")
    line = buyer.get_by_role("form", name="Add a line")
    line.get_by_label("Part number").fill("HAL-400-0001")
    line.get_by_label("MPN").fill("SA-BA-3110")
    line.get_by_label("Quantity").fill("1000")
    line.get_by_label("Unit price").fill("1.80")
    line.get_by_label("Requested date").fill("2031-03-02")
    line.get_by_role("button", name="Add the line").click()
    lines = buyer.get_by_role("table", name="Lines of PO-STORY-1")
    expect(lines.locator("tbody tr")).to_have_count(1)
    expect(lines.locator("tbody tr").first).to_contain_text("1.8 USD")
    buyer.get_by_role("button", name="Issue the order to Sunridge Acoustics").click()
    expect(buyer.get_by_role("status")).to_contain_text("Issued PO-STORY-1 to Sunridge Acoustics")
    expect(buyer.get_by_role("heading", level=1)).to_contain_text("Issued")
    buyer.context.close()

    # Sunridge's representative finds the order among its own and confirms the line's date.
    supplier = signed_in(browser, accord_server, "supplier_rep", problems)
    _supply(supplier, "Purchase orders")
    orders = supplier.get_by_role("table", name="Purchase orders you may see")
    expect(orders).not_to_contain_text("PO-2026-0152")  # Arrowpoint's order
    orders.get_by_role("link", name="PO-STORY-1").click()
    supplier.get_by_label("Confirmed date of line 1").fill("2031-03-09")
    supplier.get_by_role("button", name="Confirm line 1").click()
    expect(supplier.get_by_role("status")).to_contain_text("Confirmed line 1 for 2031-03-09")
    row = supplier.get_by_role("table", name="Lines of PO-STORY-1").locator("tbody tr").first
    expect(row).to_contain_text("2031-03-09")
    expect(row).to_contain_text("Confirmed by the supplier")
    expect(supplier.get_by_role("heading", level=1)).to_contain_text("Acknowledged")
    supplier.context.close()
    assert problems == []


def _planning_board(page: Page, program: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Planning").click()
    page.get_by_role("table", name="Programs you may plan").get_by_role(
        "link", name=program
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Shortages: {program}")


def _board_row(page: Page, number: str) -> Any:
    board = page.get_by_role("table", name=re.compile(r"^Projected balance per part and week"))
    return board.locator("tbody tr").filter(has=page.get_by_role("link", name=number, exact=True))


def test_planning_story_from_a_short_controller_to_an_approved_alternate(
    browser: Browser, accord_server: LiveServer, problems: list[str]
) -> None:
    """The demo's story through the pages: Arrowpoint pushed its date, so the earbuds'
    controller runs short in week 6; its second approved source is in stock; the week-8
    earbuds are held to 200; the monitor's resistors run short and the planner proposes a
    parametric candidate, which the part's owner approves."""
    planner = signed_in(browser, accord_server, "ems_planner", problems)
    _planning_board(planner, "Earbuds X2")
    controller = _board_row(planner, "ICE40UP5K-UWG30ITR")
    expect(controller).to_have_count(1)
    expect(controller.locator("td").nth(2)).to_have_text("1000")  # short by, over the horizon
    controller.get_by_role("link", name="ICE40UP5K-UWG30ITR").click()
    expect(planner.get_by_role("heading", level=1)).to_have_text(
        "ICE40UP5K-UWG30ITR: supply timeline"
    )
    expect(planner.get_by_role("img", name="Supply timeline of ICE40UP5K-UWG30ITR")).to_be_visible()
    weekly = planner.get_by_role("table", name="Week by week")
    # 1,800 on hand and 1,200 in week 3 against the earbuds and main boards; the 2,400 pushed
    # to week 9 come too late for weeks 6 to 8.
    weeks = weekly.locator("tbody tr")
    expect(weeks.nth(5)).not_to_have_class("cell-short")
    for week, balance in ((5, "200"), (6, "-200"), (7, "-600"), (8, "-1000"), (9, "1000")):
        expect(weeks.nth(week).locator("td").nth(2)).to_have_text(balance)
    expect(weeks.nth(6)).to_have_class("cell-short")
    expect(weeks.nth(9).locator("td").nth(1)).to_have_text("2400")

    planner.get_by_role("link", name="Alternates").click()
    approved = planner.get_by_role("table", name=re.compile(r"^The part's approved sources"))
    reel = approved.locator("tbody tr").filter(has_text="ICE40UP5K-UWG30ITR1K")
    expect(reel).to_contain_text("Arrowpoint")
    expect(reel).to_contain_text("6000 in stock")
    expect(reel.locator("td").last).to_have_text("yes")

    _planning_board(planner, "Earbuds X2")
    planner.get_by_role("link", name="Clear-to-build of each build").click()
    builds = planner.get_by_role("table", name="Scheduled builds")
    week8 = builds.locator("tbody tr").filter(has_text="EBX2-L").nth(4)  # weeks 4 to 8
    expect(week8.locator("td").nth(2)).to_have_text("200")
    expect(week8.locator("td").nth(3)).to_have_text("ICE40UP5K-UWG30ITR (200)")

    _planning_board(planner, "Pulse HRM")
    resistor = _board_row(planner, "RC0402FR-1310KL")
    expect(resistor.locator("td").nth(2)).to_have_text("3600")
    resistor.get_by_role("link", name="RC0402FR-1310KL").click()
    planner.get_by_role("link", name="Alternates").click()
    candidate = planner.get_by_role("region", name=re.compile(r"^1\. Yageo RC0402FR-0710KL"))
    expect(candidate.get_by_role("heading")).to_contain_text("offers cover the gap")
    compared = candidate.get_by_role("table", name="RC0402FR-0710KL beside RC0402FR-1310KL")
    expect(compared.locator("tbody tr").first).to_contain_text("equal")
    candidate.get_by_label("Note").fill("Same resistor on a 7-inch reel; Arrowpoint has 250k")
    candidate.get_by_role("button", name="Propose as a source").click()
    expect(planner.get_by_role("status")).to_contain_text(
        "as a source of RC0402FR-1310KL: it waits for Halcyon"
    )
    planner.context.close()

    # Halcyon's buyer, who owns the part, approves the proposed source.
    buyer = signed_in(browser, accord_server, "oem_buyer", problems)
    visit(buyer, "/parts/?q=RC0402FR-1310KL")
    buyer.locator("#results tbody th a").filter(has_text="RC0402FR-1310KL").first.click()
    sources = buyer.get_by_role("table", name="Approved manufacturer list of RC0402FR-1310KL")
    proposed = sources.locator("tbody tr").filter(has_text="RC0402FR-0710KL")
    expect(proposed).to_contain_text("Pending")
    proposed.get_by_role("link", name="Approve RC0402FR-0710KL").click()
    buyer.get_by_label("Reason").fill("Same Yageo part on a smaller reel")
    buyer.get_by_role("button", name="Approve").click()
    expect(buyer.get_by_role("status")).to_contain_text("RC0402FR-0710KL is now approved")
    buyer.context.close()
    assert problems == []


# Accessibility: every page, as the owner, an EMS planner and a supplier ----------------------

AUDITED_PERSONAS = ("oem_buyer", "ems_planner", "supplier_rep")
# Routes of the page matrix that are not pages a person reads, and why they are not audited.
NOT_AUDITED = {
    "bom_export": "a CSV or XLSX download",
    "nda_document": "a PDF download",
    "scorecard_attachment": "a file download",
    "certificate_evidence": "a file download",
    "finding_evidence": "a file download",
    "post_attachment": "a file download",
    "checkin_minutes": "a CSV or XLSX download",
    "logout": "a POST that signs out",
    "bom_import_progress": "an htmx fragment polled inside the import preview",
    "login": "audited signed out, below",
    "signup": "audited signed out, below",
}
MATRIX_PARTS = b"Manufacturer,MPN,Description\nYageo,RC0402FR-07AUDIT,Audit resistor\n"


def _demo_world(server: LiveServer) -> dict[str, Any]:
    """The objects the page matrix's addresses name, as they are in the demo's database."""
    world: dict[str, Any] = {}
    queries = {
        "SELECT code, id FROM orgs_program": "",
        "SELECT number, id FROM parts_part ORDER BY id DESC": "",
        "SELECT username, id FROM orgs_person": "",
        "SELECT reference, id FROM orgs_nda": "",
        "SELECT substr(slug, 1, instr(slug || '-', '-') - 1), id FROM orgs_organisation": "",
        "SELECT p.number, b.id FROM parts_bom b JOIN parts_part p ON p.id = b.assembly_id"
        " ORDER BY b.id DESC": "",
    }
    for sql in queries:
        for key, pk in server.rows(sql):
            world[key] = SimpleNamespace(pk=pk)
    for key, sql in DEMO_SUPPLY_IDS.items():  # the supply pages' objects (accord/demo/supply.py)
        world[key] = SimpleNamespace(pk=server.rows(sql)[0][0])
    # Halcyon's card of Sunridge (accord/demo/scorecards.py), at its latest month.
    template_id, month = server.rows(
        "SELECT c.template_id, c.month FROM scorecards_cardmonth c"
        " JOIN scorecards_scorecardtemplate t ON t.id = c.template_id"
        " WHERE t.organisation_id = ? AND c.rated_id = ? ORDER BY c.month DESC LIMIT 1",
        (world["halcyon"].pk, world["sunridge"].pk),
    )[0]
    card = {"card_template": SimpleNamespace(pk=template_id), "card_month": str(month)[:7]}
    world["scorecards"] = lambda: card
    # The forecast Halcyon shared with Sunridge (accord/demo/supply_story.py).
    forecast = SimpleNamespace(
        pk=server.rows("SELECT id FROM planning_forecastshare ORDER BY id LIMIT 1")[0][0]
    )
    world["planning"] = lambda: {"forecast": forecast}
    for name, number, mpn in (
        ("yageo", "HAL-100-0002", "RC0402FR-0710KL"),
        ("nordic", "HAL-200-0001", "NRF5340-QKAA-R7"),
    ):
        (pk,) = server.rows(
            "SELECT s.id FROM parts_approvedsource s JOIN parts_part p ON p.id = s.part_id"
            " JOIN parts_manufacturerpart m ON m.id = s.manufacturer_part_id"
            " WHERE p.number = ? AND m.mpn = ?",
            (number, mpn),
        )[0]
        world[name] = SimpleNamespace(pk=pk)
    world.update(_demo_agreements(server, meridian_pk=world["meridian"].pk))
    # Meridian's ISO 9001 certificate of its Penang plant (accord/demo/partners.py).
    from accord.demo.partners import ISO_9001_NUMBER

    certificate = SimpleNamespace(
        **dict(
            zip(
                ("pk", "site_id"),
                server.rows(
                    "SELECT id, site_id FROM partners_certificate WHERE number = ?",
                    (ISO_9001_NUMBER,),
                )[0],
                strict=True,
            )
        )
    )
    world["certificate"] = lambda: certificate
    # Halcyon's audit of the Penang plant and its major finding (accord/demo/audits.py).
    audit_id, major_id = server.rows(
        "SELECT a.id, f.id FROM partners_audit a JOIN partners_finding f ON f.audit_id = a.id"
        " WHERE f.severity = 'major' ORDER BY a.id LIMIT 1"
    )[0]
    audits = {"audit": SimpleNamespace(pk=audit_id), "major": SimpleNamespace(pk=major_id)}
    world["audits"] = lambda: audits
    world.update(collaboration_world(server, world))
    return world


def _demo_agreements(server: LiveServer, *, meridian_pk: int) -> dict[str, Any]:
    """The agreement pages' objects (accord/demo/agreements.py), as the agreement matrices'
    worlds give them: functions returning the object. The demo's one SOW serves as both the
    draft-era agreement and the signed SOW its invoices are checked against. The matrices'
    uninvited RFQ is left out: only a POST row names it, and the check reads pages only."""
    from accord.demo.agreements import INVOICE_NUMBER, RFQ_TITLE, SOW_TITLE

    def one(sql: str, *params: Any) -> Callable[[], SimpleNamespace]:
        found = SimpleNamespace(pk=server.rows(sql, params)[0][0])
        return lambda: found

    sow = one("SELECT id FROM agreements_agreement WHERE title = ?", SOW_TITLE)
    return {
        "agreement": sow,
        "sow": sow,
        # The flex pages read the signed SOW (access_matrix_flex.py names it flex_sow).
        "flex_sow": sow,
        "rfq": one("SELECT id FROM agreements_rfq WHERE title = ?", RFQ_TITLE),
        # Meridian's quote: the one the EMS planner, an audited persona, may see.
        "rfq_quote": one(
            "SELECT q.id FROM agreements_rfqquote q JOIN agreements_rfq r ON r.id = q.rfq_id"
            " WHERE r.title = ? AND q.supplier_id = ?",
            RFQ_TITLE,
            meridian_pk,
        ),
        "invoice": one("SELECT id FROM agreements_invoice WHERE number = ?", INVOICE_NUMBER),
    }


def _upload_pk(page: Page) -> int:
    match = re.search(r"/import/(\d+)/$", page.url)
    assert match, page.url
    return int(match.group(1))


def _uploads_and_invitation(page: Page, world: dict[str, Any]) -> None:
    """What only exists once someone acted: a staged BOM, a staged parts list, an invitation."""
    visit(page, "/boms/import/")
    page.get_by_label("Program").select_option(label="Earbuds X2")
    page.get_by_label("Assembly number").fill("AUDIT-PCBA")
    page.get_by_label("Revision").fill("A")
    page.get_by_label("BOM file").set_input_files(FOMU_BOM)
    page.get_by_role("button", name="Upload and preview").click()
    world["bom_upload"] = SimpleNamespace(pk=_upload_pk(page))
    visit(page, "/parts/import/")
    page.get_by_label("Parts list").set_input_files(
        {"name": "audit.csv", "mimeType": "text/csv", "buffer": MATRIX_PARTS}
    )
    page.get_by_role("button", name=re.compile("Upload")).click()
    world["parts_upload"] = SimpleNamespace(pk=_upload_pk(page))
    visit(page, "/people/invite/")
    page.get_by_label("E-mail").fill("audit@halcyon.example")
    page.get_by_role("button", name="Create the invitation").click()
    link = page.locator("#signup-link").input_value()
    world["invitation"] = SimpleNamespace(secret=link.rstrip("/").rsplit("/", 1)[1])


def test_every_page_passes_the_accessibility_check(
    browser: Browser, accord_server: LiveServer
) -> None:
    """axe-core: no serious or critical violation on any page, as the owner, an EMS planner
    and a supplier (and the sign-in and sign-up pages signed out)."""
    from django.urls import reverse

    from accord.web.tests.test_access_matrix import GET_MATRIX

    unknown = set(NOT_AUDITED) - set(GET_MATRIX)
    assert not unknown, f"NOT_AUDITED names routes that do not exist: {unknown}"
    world = _demo_world(accord_server)
    failures: dict[str, list[str]] = {}
    audited = 0
    for persona in (*AUDITED_PERSONAS, "anonymous"):
        context = browser.new_context(
            base_url=accord_server.url, viewport=VIEWPORT, bypass_csp=True
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        if persona == "anonymous":
            paths = ["/login/", reverse("signup", args=[world["invitation"].secret])]
        else:
            sign_in(page, persona)
            if persona == "oem_buyer":
                _uploads_and_invitation(page, world)
            paths = [
                reverse(name, kwargs=kwargs(world))
                for name, (kwargs, expected) in sorted(GET_MATRIX.items())
                if name not in NOT_AUDITED and expected.get(persona) == 200
            ]
        for path in paths:
            visit(page, path)
            audited += 1
            if found := audit(page):
                failures[f"{persona} {path}"] = found
        context.close()
    assert audited >= 60, audited  # every page the matrix gives them, 3 personas
    assert not failures, "\n".join(f"{where}: {v}" for where, vs in failures.items() for v in vs)


def test_the_accessibility_check_reports_what_it_should(browser: Browser) -> None:
    """The check above can fail: a page with an unlabelled field and an image without text
    has critical violations."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>'
        '<h1>Bad</h1><img src="data:,"><input type="text"></main></body></html>'
    )
    found = " ".join(audit(page))
    context.close()
    assert "image-alt (critical)" in found and "label (critical)" in found, found
