"""Take the README's screenshots: the real server on a fresh demo workspace, headless Chromium.

    .venv/bin/python docs/screenshots/make_screenshots.py            # every picture
    .venv/bin/python docs/screenshots/make_screenshots.py bom parts  # only these

Starts gunicorn on its own temporary SQLite file (accord/web/tests/live_server.py, the same
start-up as the browser tests), signs in as the persona each page is meant for and saves
1366x900 PNGs beside this script. Needs Debian's chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from accord.demo import DEMO_PASSWORD  # noqa: E402
from accord.web.tests.live_server import (  # noqa: E402
    CHROMIUM,
    VIEWPORT,
    DemoIds,
    LiveServer,
    chromium_available,
    launch_chromium,
    running_server,
)

# The preview of a real file with a problem to show (an MPN still 'TBD'), from the shared data
# beside the checkout; without it, a BOM shipped with the demo data.
IMPORT_FILES = [
    ROOT.parent / "shared" / "data" / "boms" / "glasgowembedded_glasgow" / "revB_mouser_bom.txt",
    ROOT / "accord" / "demo" / "data" / "boms" / "im-tomu_fomu-hardware" / "pvt1_tomu-fpga-bom.csv",
]


@dataclass(frozen=True)
class Shot:
    name: str
    persona: str  # "anonymous": not signed in
    path: Callable[[DemoIds], str]
    ready: str = "main h1"  # a selector that is visible once the page is drawn
    prepare: Callable[[Page], None] | None = None


def _import_preview(page: Page) -> None:
    page.get_by_label("Program").select_option(label="Pulse HRM")
    page.get_by_label("Assembly number").fill("PHRM-DEVKIT")
    page.get_by_label("Assembly description").fill("Pulse HRM development kit")
    page.get_by_label("Revision").fill("A")
    page.get_by_label("BOM file").set_input_files(next(f for f in IMPORT_FILES if f.is_file()))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Preview")


@dataclass(frozen=True)
class Visit:
    """A page read before the pictures, so that the access log has something to show."""

    persona: str
    path: Callable[[DemoIds], str]


# In this order: partners read Halcyon's restricted BOMs and parts first, then the pictures.
PLAN: list[Shot | Visit] = [
    Shot("login", "anonymous", lambda ids: "/login/"),
    Visit("supplier_rep", lambda ids: f"/parts/{ids.parts['HAL-400-0001']}/"),
    Visit("ems_quality_manager", lambda ids: f"/boms/{ids.boms['EBX2-PCBA rev C']}/"),
    Visit("ems_planner", lambda ids: f"/boms/{ids.boms['EBX2-PCBA rev C']}/"),
    Visit("ems_planner", lambda ids: f"/boms/{ids.boms['PHRM-MAIN rev B']}/"),
    Shot("bom", "ems_planner", lambda ids: f"/boms/{ids.boms['EBX2-L rev A']}/"),
    Shot("dashboard", "ems_planner", lambda ids: "/"),
    Shot("program", "oem_buyer", lambda ids: f"/programs/{ids.programs['EBX2']}/"),
    Shot("parts", "oem_buyer", lambda ids: "/parts/?lifecycle=nrnd"),
    Shot("part", "oem_buyer", lambda ids: f"/parts/{ids.parts['HAL-300-0001']}/"),
    Shot("ndas", "oem_buyer", lambda ids: "/ndas/"),
    Shot("access-log", "oem_buyer", lambda ids: "/access-log/"),
    Shot("api-docs", "oem_buyer", lambda ids: "/api/v1/docs", ready="#swagger-ui .opblock"),
    Shot(
        "bom-import-preview",
        "oem_buyer",
        lambda ids: "/boms/import/",
        prepare=_import_preview,
    ),
]
SHOTS = [step for step in PLAN if isinstance(step, Shot)]


def sign_in(page: Page, username: str) -> None:
    page.context.clear_cookies()
    if username == "anonymous":
        return
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def take(browser: Browser, server: LiveServer, names: set[str], out: Path) -> list[Path]:
    ids = server.ids()
    context = browser.new_context(base_url=server.url, viewport=VIEWPORT)
    context.set_default_timeout(15_000)
    page = context.new_page()
    saved: list[Path] = []
    persona = None
    for step in PLAN:
        if isinstance(step, Shot) and names and step.name not in names:
            continue
        if step.persona != persona:
            sign_in(page, step.persona)
            persona = step.persona
        response = page.goto(step.path(ids))
        status = response.status if response is not None else "no response"
        if not isinstance(step, Shot):
            continue
        if status != 200:
            print(f"skip {step.name}.png: {step.path(ids)} answered {status}")
            continue
        if step.prepare is not None:
            step.prepare(page)
        page.locator(step.ready).first.wait_for(state="visible")
        page.wait_for_load_state("networkidle")
        path = out / f"{step.name}.png"
        page.screenshot(path=path)
        saved.append(path)
        print(f"saved {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    context.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="only these pictures (default: all)")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNGs")
    options = parser.parse_args(argv)
    if not chromium_available():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    unknown = set(options.names) - {s.name for s in SHOTS}
    if unknown:
        parser.error(f"unknown picture(s): {', '.join(sorted(unknown))}")
    options.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with running_server() as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            saved = take(browser, server, set(options.names), options.out)
        finally:
            browser.close()
    print(f"{len(saved)} screenshot(s) in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
