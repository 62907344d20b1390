"""A supplier answers a thread and an overdue action item escalates, in Debian's Chromium,
through the pages only (issue 14).

Halcyon's buyer opens the demo's driver thread on Earbuds X2 (HAL-400-0001, Sunridge invited:
accord/demo/threads.py), asks Sunridge's rep a question with an @mention and gives her an
action item due tomorrow. Mei Lin signs in: the header counts two more unread, the inbox lists
the mention and the assignment; she opens the thread and answers with a shared post, which the
buyer reads. Arrowpoint's rep, a member of Earbuds X2 whose organisation was not invited, gets
404 on the thread's address.

Then time passes. The pages read the server's real clock, which a test cannot move, so the
item's due date is moved back five days in the server's database instead (as if it had been
given five days earlier) and `accord sweep --now` runs on the days after it. The default
ladder (accord/threads/escalation.py): the owner at +1 and her organisation's contact (its
administrators: Mei Lin is Sunridge's) at +3, so four days late she has two escalations in her
inbox and the program's managers none; at +7 the managers get theirs. The thread page shows
the item overdue.

Same server as the other browser tests (gunicorn on a fresh SQLite file loaded with the demo:
live_server.py); this module starts its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from accord.demo.threads import DRIVER_THREAD_TITLE
from accord.web.tests.browser_pages import (
    BROWSER_MARKS,
    signed_in,
    story_browser,
    story_server,
    visit,
)
from accord.web.tests.live_server import (
    LiveServer,
    run_accord,
    server_environment,
)

pytestmark = BROWSER_MARKS

QUESTION = (
    "@supplier_rep we may pull the EVT-2 build forward two weeks. Can Sunridge ship "
    "2,000 drivers by 15 January?"
)
ANSWER = "Yes: 2,000 by 15 January from the second winding line; the rest at the usual 12 weeks."
ITEM = "Confirm 2,000 drivers for 15 January"
MOVED_BACK = 5  # days the item's due date is moved into the past: "time passes"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with story_server(tmp_path_factory, "accord-collab") as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with story_browser() as chromium:
        yield chromium


def person_id(server: LiveServer, username: str) -> int:
    ((pk,),) = server.rows("SELECT id FROM orgs_person WHERE username = ?", (username,))
    return int(pk)


def unread(server: LiveServer, username: str) -> int:
    """What the header counts (threads/inbox.py unread_count), read from the server's file."""
    ((count,),) = server.rows(
        "SELECT COUNT(*) FROM threads_notification WHERE recipient_id = ? AND in_inbox"
        " AND read_at IS NULL",
        (person_id(server, username),),
    )
    return int(count)


def inbox_link(page: Page, count: int) -> None:
    expect(page.locator("a.inbox-link")).to_have_text(f"Inbox {count} unread")


def inbox_whats(page: Page) -> list[str]:
    """The "What" cell of each row of the inbox, as shown (unread first, then the newest)."""
    visit(page, "/inbox/")
    return (
        page.get_by_role("table", name="Notifications, page 1")
        .locator("tbody tr th")
        .all_inner_texts()
    )


def sweep(server: LiveServer, at: dt.datetime) -> str:
    return run_accord(
        ["sweep", "--now", at.isoformat()], server.data_dir, server_environment(server.data_dir)
    )


def test_a_supplier_answers_and_an_overdue_item_escalates(
    browser: Browser, server: LiveServer
) -> None:
    problems: list[str] = []
    ((thread, program),) = server.rows(
        "SELECT id, program_id FROM threads_thread WHERE title = ?", (DRIVER_THREAD_TITLE,)
    )
    # Nobody has a time zone in the demo: the server's (UTC) counts the owner's days.
    due = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    rep_unread = unread(server, "supplier_rep")

    # The buyer asks Sunridge's rep on the driver thread and gives her an action item.
    buyer = signed_in(browser, server, "oem_buyer", problems)
    visit(buyer, f"/programs/{program}/threads/")
    buyer.get_by_role("link", name=DRIVER_THREAD_TITLE).click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text(DRIVER_THREAD_TITLE)
    mentionable = buyer.get_by_role("table", name="People who may be mentioned")
    mention_row = mentionable.locator("tr").filter(
        has=buyer.get_by_role("rowheader", name="@supplier_rep", exact=True)
    )
    expect(mention_row.locator("td")).to_have_text(["Mei Lin", "Sunridge Acoustics"])
    buyer.get_by_label("Message").fill(QUESTION)
    buyer.get_by_role("button", name="Post", exact=True).click()
    question = buyer.get_by_role("article", name="Post by Maya Okafor").last
    expect(question.locator(".post-body")).to_have_text(QUESTION)
    expect(question).not_to_contain_text("Internal note")

    new_item = buyer.locator("form[aria-labelledby=new-item-title]")
    new_item.get_by_label("Title").fill(ITEM)
    new_item.get_by_label("Owner (username)").fill("supplier_rep")
    new_item.get_by_label("Due date").fill(due.isoformat())
    new_item.get_by_role("button", name="Add").click()
    expect(buyer.get_by_role("status")).to_contain_text("Added the action item; its owner is told.")
    items = buyer.get_by_role("table", name="Action items")
    row = items.locator("tbody tr").filter(has=buyer.get_by_role("rowheader", name=ITEM))
    expect(row.locator("td").nth(0)).to_have_text("Mei Lin")
    expect(row.locator("td").nth(1)).to_have_text(due.isoformat())  # not overdue
    expect(row.locator("td").nth(2)).to_have_text("Open")
    ((item,),) = server.rows("SELECT id FROM threads_actionitem WHERE title = ?", (ITEM,))

    # Mei Lin: two more unread (the mention, the assignment), newest first.
    rep = signed_in(browser, server, "supplier_rep", problems)
    inbox_link(rep, rep_unread + 2)
    assert inbox_whats(rep)[:2] == [
        f"Assigned you an action item: {ITEM}",
        f"Mentioned you: {DRIVER_THREAD_TITLE}",
    ]
    rep.get_by_role("link", name=DRIVER_THREAD_TITLE).first.click()
    expect(rep.get_by_role("heading", level=1)).to_have_text(DRIVER_THREAD_TITLE)
    expect(rep.get_by_role("article", name="Post by Maya Okafor").last).to_contain_text(
        "Can Sunridge ship 2,000 drivers by 15 January?"
    )
    rep.get_by_label("Message").fill(ANSWER)
    rep.get_by_role("button", name="Post", exact=True).click()
    answer = rep.get_by_role("article", name="Post by Mei Lin").last
    expect(answer.locator(".post-body")).to_have_text(ANSWER)
    expect(answer).to_contain_text("Mei Lin, Sunridge Acoustics")
    expect(answer).not_to_contain_text("Internal note")

    # The buyer hears of it and reads it.
    buyer.reload()
    expect(buyer.locator("a.inbox-link")).to_contain_text("unread")
    assert inbox_whats(buyer)[0] == f"Posted: {DRIVER_THREAD_TITLE}"
    visit(buyer, f"/threads/{thread}/")
    expect(
        buyer.get_by_role("article", name="Post by Mei Lin").last.locator(".post-body")
    ).to_have_text(ANSWER)

    # Arrowpoint is a partner of Earbuds X2 but was not invited: the thread does not exist.
    outsider = signed_in(browser, server, "arrowpoint_rep", problems)
    visit(outsider, f"/threads/{thread}/", status=404)
    expect(outsider.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(outsider.locator("main")).not_to_contain_text(DRIVER_THREAD_TITLE)
    outsider.context.close()

    # Time passes: the item was due five days earlier than she was told; nobody acted.
    due -= dt.timedelta(days=MOVED_BACK)
    run_accord(
        [
            "shell",
            "-c",
            "from accord.threads.models import ActionItem; "
            f"ActionItem.objects.filter(pk={item}).update(due_date='{due.isoformat()}')",
        ],
        server.data_dir,
        server_environment(server.data_dir),
    )
    now = dt.datetime.now(dt.UTC)  # four days after the due date (UTC is the owner's zone)
    assert (now.date() - due).days in (4, 5)  # five if the test ran across midnight
    out = sweep(server, now)
    assert "escalation: 2" in out.splitlines(), out  # +1 owner, +3 organisation contact
    rep.reload()
    inbox_link(rep, rep_unread + 2 + 2)
    assert inbox_whats(rep)[:2] == [f"An action item is overdue: {ITEM}"] * 2
    buyer_whats = inbox_whats(buyer)
    assert f"An action item is overdue: {ITEM}" not in buyer_whats  # +7 not reached yet
    visit(rep, f"/threads/{thread}/")
    row = (
        rep.get_by_role("table", name="Action items")
        .locator("tbody tr")
        .filter(has=rep.get_by_role("rowheader", name=ITEM))
    )
    expect(row.locator("td").nth(1)).to_have_text(f"{due.isoformat()} overdue")
    expect(row.locator("td").nth(2)).to_have_text("Open")

    # At +7 the program's managers are told (a sweep sends each step once: the threads
    # tests check that; here it sends only the new one).
    later = sweep(server, now + dt.timedelta(days=3))
    assert "escalation: 1" in later.splitlines(), later
    managers = server.rows(
        "SELECT p.username FROM orgs_programmember m JOIN orgs_person p ON p.id = m.person_id"
        " WHERE m.program_id = ? AND m.role = 'manager' ORDER BY p.username",
        (program,),
    )
    assert [m for (m,) in managers] == ["oem_buyer", "oem_program_manager"]
    assert inbox_whats(buyer)[0] == f"An action item is overdue: {ITEM}"
    assert inbox_whats(rep)[:3] == [f"An action item is overdue: {ITEM}"] * 2 + [
        f"Assigned you an action item: {ITEM}"
    ]
    buyer.context.close()
    rep.context.close()
    # Chromium reports the 404 of the thread Arrowpoint may not see; nothing else went wrong.
    assert all("status of 404" in p for p in problems), problems
