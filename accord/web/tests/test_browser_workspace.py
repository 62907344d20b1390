"""From an empty database to a shared BOM, in Debian's Chromium, through the pages only.

`accord createorg` makes Halcyon Devices and its administrator. She signs in, creates a
program, invites a colleague (who signs up by the link), creates the EMS organisation and its
administrator, makes the EMS a partner and its administrator a member, registers an NDA that
covers the program with the signed PDF, imports a real BOM and releases it. The EMS
administrator signs up by her link, signs in and sees the released BOM; once the NDA is
terminated, she sees it no more.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from accord.demo import data_path
from accord.web.tests.browser_pages import BROWSER_MARKS, story_browser, story_server
from accord.web.tests.live_server import (
    VIEWPORT,
    LiveServer,
    empty_database,
    run_accord,
)

ADMIN_PASSWORD = "halcyon-admin passphrase"
EMS_PASSWORD = "penang planner 4417"
COLLEAGUE_PASSWORD = "tomas passphrase 2026"
FOMU_BOM = data_path("boms", "im-tomu_fomu-hardware", "pvt1_tomu-fpga-bom.csv")
SIGNED_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

pytestmark = BROWSER_MARKS


def _bootstrap(data_dir: Path, env: dict[str, str]) -> None:
    """An empty database, then the one command a new organisation runs."""
    empty_database(data_dir, env)
    run_accord(
        [
            "createorg",
            "Halcyon Devices",
            "--kind",
            "oem",
            "--admin",
            "maya",
            "--email",
            "maya@halcyon.example",
            "--first-name",
            "Maya",
            "--last-name",
            "Okafor",
            "--password-from-env",
            "ACCORD_FIRST_ADMIN_PASSWORD",
        ],
        data_dir,
        {**env, "ACCORD_FIRST_ADMIN_PASSWORD": ADMIN_PASSWORD},
    )


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with story_server(tmp_path_factory, "accord-empty", _bootstrap) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with story_browser() as chromium:
        yield chromium


def new_page(browser: Browser, server: LiveServer, problems: list[str]) -> Page:
    context = browser.new_context(base_url=server.url, viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return page


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def one_time_link(page: Page) -> str:
    link = page.locator("#signup-link").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/join/[\w-]+/", link), link
    return link


def sign_up(page: Page, link: str, password: str, username: str | None = None) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Join "))
    expect(page.locator("main .lede")).to_contain_text("Maya Okafor of Halcyon Devices invited you")
    if username is not None:
        page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password (again)").fill(password)
    page.get_by_role("button", name=re.compile(r"^Join ")).click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def test_a_workspace_from_an_empty_database(browser: Browser, empty_server: LiveServer) -> None:
    problems: list[str] = []
    maya = new_page(browser, empty_server, problems)
    sign_in(maya, "maya", ADMIN_PASSWORD)
    expect(maya.locator("main")).to_contain_text("You are not a member of any program yet")

    # A program.
    nav(maya, "Programs")
    maya.get_by_role("link", name="New program").click()
    maya.get_by_label("Code").fill("EBX2")
    maya.get_by_label("Name").fill("Earbuds X2")
    maya.locator("#id_description").fill("True-wireless earbuds.\nSecond generation.")
    maya.get_by_role("button", name="Create program").click()
    expect(maya.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Earbuds X2\s+EBX2"))
    program_url = maya.url

    # A colleague, invited by e-mail address; he chooses his username at the link.
    nav(maya, "People")
    maya.get_by_role("link", name="Invite by e-mail").click()
    maya.get_by_label("E-mail").fill("tomas@halcyon.example")
    maya.get_by_label("First name").fill("Tomas")
    maya.get_by_role("button", name="Create the invitation").click()
    colleague_link = one_time_link(maya)
    tomas = new_page(browser, empty_server, problems)
    sign_up(tomas, colleague_link, COLLEAGUE_PASSWORD, username="tomas")
    nav(maya, "People")
    people = maya.get_by_role("table", name="People of Halcyon Devices")
    expect(people.locator("tbody tr", has_text="tomas")).to_contain_text("Active")

    # The EMS organisation and its first administrator.
    nav(maya, "Organisation")
    maya.get_by_role("link", name="Create a partner organisation").click()
    maya.get_by_label("Organisation name").fill("Meridian EMS")
    maya.get_by_label("Kind").select_option(label="EMS provider")
    maya.get_by_label("Their administrator's username").fill("aisha")
    maya.get_by_label("Their administrator's e-mail").fill("aisha@meridian.example")
    maya.get_by_label("First name").fill("Aisha")
    maya.get_by_label("Last name").fill("Rahman")
    maya.get_by_role("button", name="Create the organisation").click()
    ems_link = one_time_link(maya)

    # Meridian becomes a partner of the program, Aisha a member.
    maya.goto(program_url)
    maya.get_by_label("Organisation", exact=True).select_option(label="Meridian EMS")
    maya.get_by_label("Responsibility").fill("EMS: PCBA and box build")
    maya.get_by_role("button", name="Add partner").click()
    partners = maya.get_by_role("table", name="Organisations taking part in Earbuds X2")
    expect(partners).to_contain_text("EMS: PCBA and box build")
    person = maya.get_by_label("Person")
    label = next(t for t in person.locator("option").all_inner_texts() if "Aisha" in t)
    person.select_option(label=label)
    maya.get_by_role("button", name="Add member").click()
    expect(maya.get_by_role("status")).to_contain_text("Aisha Rahman is now a member")

    # The NDA covering the program, with its signed PDF.
    nav(maya, "NDAs")
    maya.get_by_role("link", name="Register an NDA").click()
    maya.get_by_label("Reference").fill("NDA-HAL-MER-2026")
    maya.get_by_label("Other party").select_option(label="Meridian EMS")
    maya.get_by_label("Effective from").fill("2026-01-01")
    maya.get_by_label("Earbuds X2").check()
    maya.get_by_label("Signed document (PDF)").set_input_files(
        {"name": "NDA signed.pdf", "mimeType": "application/pdf", "buffer": SIGNED_PDF}
    )
    maya.get_by_role("button", name="Register NDA").click()
    expect(maya.get_by_role("heading", level=1)).to_have_text("NDA-HAL-MER-2026")
    expect(maya.locator("dl.facts")).to_contain_text("In force")
    expect(maya.locator("dl.facts")).to_contain_text("Earbuds X2")
    with maya.expect_download() as document:
        maya.get_by_role("link", name="Download the signed NDA").click()
    assert document.value.suggested_filename == "NDA signed.pdf"
    assert Path(document.value.path()).read_bytes() == SIGNED_PDF

    # A real BOM, imported, then released.
    nav(maya, "BOMs")
    maya.get_by_role("link", name="Import a BOM file").click()
    maya.get_by_label("Program").select_option(label="Earbuds X2")
    maya.get_by_label("Assembly number").fill("EBX2-PCBA")
    maya.get_by_label("Revision").fill("A")
    maya.get_by_label("BOM file").set_input_files(FOMU_BOM)
    maya.get_by_role("button", name="Upload and preview").click()
    maya.get_by_role("button", name=re.compile(r"^Confirm and import \d+ lines?$")).click()
    expect(maya.get_by_role("heading", level=1)).to_have_text(re.compile(r"^EBX2-PCBA\s+rev A"))
    expect(maya.locator("dl.facts")).to_contain_text("Draft")
    maya.get_by_role("button", name="Release this BOM").click()
    expect(maya.get_by_role("status")).to_contain_text("is now released")
    expect(maya.locator("dl.facts")).to_contain_text("Released")
    bom_url = maya.url

    # Aisha chooses her password by her link, signs out, and signs in as anyone would.
    aisha = new_page(browser, empty_server, problems)
    sign_up(aisha, ems_link, EMS_PASSWORD)
    aisha.get_by_role("button", name="Sign out").click()
    sign_in(aisha, "aisha", EMS_PASSWORD)
    nav(aisha, "BOMs")
    shared = aisha.get_by_role("table", name=re.compile("^BOMs shared with you"))
    row = shared.locator("tbody tr", has_text="EBX2-PCBA")
    expect(row).to_contain_text("Released")
    row.get_by_role("link", name="EBX2-PCBA").click()
    expect(aisha.get_by_role("heading", level=1)).to_have_text(re.compile(r"^EBX2-PCBA\s+rev A"))
    expect(aisha.locator("table.bom tbody tr", has_text="ICE40UP5K-UWG30")).to_contain_text("U5")

    # The NDA ends: Meridian loses the restricted BOM at once.
    nav(maya, "NDAs")
    maya.get_by_role("link", name="NDA-HAL-MER-2026").click()
    maya.get_by_role("link", name="Terminate").click()
    maya.get_by_role("button", name="Terminate NDA-HAL-MER-2026").click()
    expect(maya.locator("dl.facts")).to_contain_text("Terminated")
    assert problems == []
    response = aisha.goto(bom_url)
    assert response is not None and response.status == 404
    expect(aisha.get_by_role("heading", level=1)).to_have_text("Not found")
    nav(aisha, "BOMs")
    expect(aisha.locator("main")).not_to_contain_text("EBX2-PCBA")
    # The only console message since: Chromium reporting the 404 of the page itself.
    assert all("status of 404" in p for p in problems), problems
