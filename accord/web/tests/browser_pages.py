"""What every browser test does with a page: a new context whose console errors, script errors
and Content-Security-Policy violations are collected, signing in, visiting, downloading an
export and reading it back."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Response, expect, sync_playwright

from accord.demo import DEMO_PASSWORD
from accord.web.tests.live_server import (
    CHROMIUM,
    VIEWPORT,
    LiveServer,
    chromium_available,
    launch_chromium,
    load_demo_database,
    running_server,
    running_under_ci,
)

# A browser story module's marks: skipped without Chromium, except under CI, where it fails.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available() and not running_under_ci(),
        reason=f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests",
    ),
]


@contextlib.contextmanager
def story_server(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    prepare: Callable[[Path, dict[str, str]], None] = load_demo_database,
) -> Iterator[LiveServer]:
    """A story's own server (by default on the demo), for a module-scoped fixture."""
    if not chromium_available():
        pytest.fail(f"CI=true and {CHROMIUM} is missing: the browser tests must run under CI")
    with running_server(tmp_path_factory.mktemp(name), prepare=prepare) as live:
        yield live


@contextlib.contextmanager
def story_browser() -> Iterator[Browser]:
    """Chromium for a module-scoped fixture: Playwright's loop must be gone before the worker
    runs database tests again."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


# Reports Content-Security-Policy violations on the console, where the collector below sees
# them (Chromium also logs most of them itself; this catches every one, with the directive).
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  const what = event.blockedURI || "inline code";
  console.error(`CSP violation: ${event.violatedDirective} blocked ${what}`);
});
"""


def watched_page(browser: Browser, server: LiveServer, problems: list[str]) -> Page:
    """A page in a new context whose console errors, script errors and CSP violations go to
    `problems`."""
    context = browser.new_context(base_url=server.url, viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(10_000)
    context.add_init_script(CSP_REPORTER)
    page = context.new_page()
    page.on(
        "console",
        lambda m: problems.append(f"{m.text} ({page.url})") if m.type == "error" else None,
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error} ({page.url})"))
    return page


def sign_in(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def signed_in(browser: Browser, server: LiveServer, username: str, problems: list[str]) -> Page:
    """A watched page, signed in as `username`."""
    page = watched_page(browser, server, problems)
    sign_in(page, username)
    return page


def visit(page: Page, path: str, status: int = 200) -> Response:
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path}: {response.status}"
    return response


def download(page: Page, link_name: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.locator("p.exports").get_by_role("link", name=link_name).click()
    got = info.value
    path = got.path()
    assert got.failure() is None
    return got.suggested_filename, Path(path).read_bytes()


def csv_table(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
