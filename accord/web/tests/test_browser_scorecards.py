"""The demo's scorecard story in Debian's Chromium, through the pages only.

Halcyon's buyer opens Scorecards: her suppliers ranked by grade with their last twelve months
drawn; Arrowpoint, slipping, at the bottom with a warning. On its card the trend, a month's
on-time share drilled down to the deliveries behind it, and the card exported as CSV. Then Mei
Lin of Sunridge signs in: she sees Sunridge's card and nothing of the others (Arrowpoint's card
answers 404), reads the corrective-action plan she wrote a year ago and comments on last month;
the buyer reads her comment.

The expected numbers are computed here from the server's database (read-only), from the rows
the history wrote (orders, lines, deliveries) and the story's own tables (order_history.py),
not from the pages. Same server set-up as test_browser.py: gunicorn on a fresh SQLite file
loaded with the demo (live_server.py); this module starts its own, on its xdist worker.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, expect

from accord.demo.order_history import ARROWPOINT
from accord.demo.scorecards import PLAN_MONTH
from accord.scorecards.cards import SPARK_H, SPARK_W
from accord.scorecards.months import next_month
from accord.web.tests.browser_pages import (
    BROWSER_MARKS,
    csv_table,
    download,
    signed_in,
    story_browser,
    story_server,
    visit,
)
from accord.web.tests.live_server import (
    LiveServer,
)

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with story_server(tmp_path_factory, "accord-scorecards") as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with story_browser() as chromium:
        yield chromium


# What the server's database holds ------------------------------------------------------------


def org_id(server: LiveServer, slug: str) -> int:
    return int(
        server.rows("SELECT id FROM orgs_organisation WHERE slug LIKE ?", (f"{slug}%",))[0][0]
    )


def halcyon_template(server: LiveServer) -> int:
    (row,) = server.rows(
        "SELECT id FROM scorecards_scorecardtemplate WHERE organisation_id = ?"
        " AND direction = 'suppliers'",
        (org_id(server, "halcyon"),),
    )
    return int(row[0])


def card_months(server: LiveServer, rated: int) -> list[tuple[dt.date, float | None, str]]:
    """(month, score, grade) of Halcyon's card of a supplier, oldest first."""
    rows = server.rows(
        "SELECT month, score, grade FROM scorecards_cardmonth WHERE template_id = ?"
        " AND rated_id = ? ORDER BY month",
        (halcyon_template(server), rated),
    )
    return [(dt.date.fromisoformat(m), s, g) for m, s, g in rows]


def twelve_month_score(months: list[tuple[dt.date, float | None, str]]) -> float:
    """The mean of the scores of the last twelve months (scoring.py)."""
    scores = [s for _m, s, _g in months[-12:] if s is not None]
    return sum(scores) / len(scores)


def sparkline(months: list[tuple[dt.date, float | None, str]]) -> str:
    """The polyline the list draws of the last twelve months (0 at the bottom, 100 at the top)."""
    last = months[-12:]
    step = SPARK_W / max(len(last) - 1, 1)
    return " ".join(
        f"{i * step:.1f},{SPARK_H - s / 100 * SPARK_H:.1f}"
        for i, (_m, s, _g) in enumerate(last)
        if s is not None
    )


def on_time_deliveries(server: LiveServer, supplier: int, month: dt.date) -> dict[str, bool]:
    """Each order of Halcyon's due in the month (a delivery: its lines due on one date), and
    whether every line was accepted in full from three days before its due date to it: read
    from the order lines and deliveries themselves."""
    rows = server.rows(
        "SELECT o.number, l.id, l.quantity, COALESCE(l.confirmed_date, l.requested_date),"
        " (SELECT COALESCE(SUM(d.quantity - d.rejected_quantity), 0) FROM supply_delivery d"
        "   WHERE d.line_id = l.id AND d.received_on BETWEEN"
        "   date(COALESCE(l.confirmed_date, l.requested_date), '-3 days')"
        "   AND COALESCE(l.confirmed_date, l.requested_date))"
        " FROM supply_purchaseorderline l JOIN supply_purchaseorder o ON o.id = l.order_id"
        " WHERE o.buyer_id = ? AND o.supplier_id = ? AND l.status != 'cancelled'"
        " AND COALESCE(l.confirmed_date, l.requested_date) >= ?"
        " AND COALESCE(l.confirmed_date, l.requested_date) < ?",
        (org_id(server, "halcyon"), supplier, month.isoformat(), next_month(month).isoformat()),
    )
    verdicts: dict[str, bool] = defaultdict(lambda: True)
    for number, _line, quantity, _due, in_window in rows:
        verdicts[number] &= Decimal(str(in_window)) >= Decimal(str(quantity))
    return dict(verdicts)


def stored(server: LiveServer, rated: int, metric: str) -> dict[dt.date, float]:
    """The values the card stored for a metric, month by month."""
    rows = server.rows(
        "SELECT month, value FROM scorecards_metricmonth WHERE template_id = ?"
        " AND rated_id = ? AND metric = ?",
        (halcyon_template(server), rated, metric),
    )
    return {dt.date.fromisoformat(m): v for m, v in rows}


def dppm(server: LiveServer, supplier: int, month: dt.date) -> float:
    ((received, rejected),) = server.rows(
        "SELECT SUM(d.quantity), SUM(d.rejected_quantity) FROM supply_delivery d"
        " JOIN supply_purchaseorderline l ON l.id = d.line_id"
        " JOIN supply_purchaseorder o ON o.id = l.order_id"
        " WHERE o.buyer_id = ? AND o.supplier_id = ? AND d.received_on >= ?"
        " AND d.received_on < ?",
        (org_id(server, "halcyon"), supplier, month.isoformat(), next_month(month).isoformat()),
    )
    return float(rejected) / float(received) * 1_000_000


def months_back(current: dt.date, months: int) -> dt.date:
    for _ in range(months):
        current = (current - dt.timedelta(days=1)).replace(day=1)
    return current


# The story -----------------------------------------------------------------------------------


def test_buyer_reads_the_slip_and_the_supplier_answers_on_its_own_card(
    browser: Browser, server: LiveServer
) -> None:
    problems: list[str] = []
    arrowpoint, sunridge = org_id(server, "arrowpoint"), org_id(server, "sunridge")
    template = halcyon_template(server)
    arrowpoint_months, sunridge_months = (
        card_months(server, arrowpoint),
        card_months(server, sunridge),
    )
    current = arrowpoint_months[-1][0]

    # The buyer's suppliers, best first, each with its twelve months drawn.
    buyer = signed_in(browser, server, "oem_buyer", problems)
    buyer.get_by_role("navigation", name="Main").get_by_role("link", name="Scorecards").click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text("Scorecards")
    ranked = buyer.get_by_role("table", name="Your suppliers, best first").locator("tbody tr")
    # Meridian builds the PCBAs Halcyon ordered under the signed SOW (accord/demo/agreements.py):
    # one order, received in full and on time this month.
    expect(ranked.locator("th")).to_have_text(
        [
            "Kestrel Cells",
            "Meridian Electronics Manufacturing",
            "Sunridge Acoustics",
            "Arrowpoint Distribution",
        ]
    )
    expect(ranked.locator("td:nth-child(4)")).to_have_text(["A", "A", "B", "C"])
    for row, months in ((ranked.nth(2), sunridge_months), (ranked.nth(3), arrowpoint_months)):
        expect(row.locator("td").nth(1)).to_have_text(f"{twelve_month_score(months):.1f}")
        line = row.locator("svg.sparkline polyline")
        expect(line).to_have_attribute("points", sparkline(months))
        expect(line).to_have_css("fill", "none")  # a line, not a black shape
        assert len(sparkline(months).split()) == 12
    expect(ranked.nth(3)).to_contain_text("warn")
    expect(ranked.nth(2)).not_to_contain_text("warn")

    # Arrowpoint's card: graded A eight months ago, D last month; the trend of each metric.
    ranked.get_by_role("link", name="Arrowpoint Distribution").click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text(
        "Arrowpoint Distribution: supplier scorecard of Halcyon Devices"
    )
    expect(buyer.locator("main .lede")).to_contain_text(
        f"{twelve_month_score(arrowpoint_months):.1f}, grade C"
    )
    by_month = buyer.get_by_role("table", name="Month by month").locator("tbody tr")
    expect(by_month).to_have_count(24)
    grades = {m: g for m, _s, g in arrowpoint_months}
    for back in (8, 1):
        month = months_back(current, back)
        row = by_month.filter(has=buyer.get_by_role("rowheader", name=f"{month:%Y-%m}"))
        expect(row.locator("td").nth(1)).to_have_text(grades[month])
        expect(row.locator("td").nth(2)).to_have_text("closed")
    assert (grades[months_back(current, 8)], grades[months_back(current, 1)]) == ("A", "D")
    expect(by_month.last.locator("td").nth(2)).to_have_text("open")
    # Every closed month's on-time share is what the deliveries say; the trend spans them.
    on_time = {
        months_back(current, k): on_time_deliveries(server, arrowpoint, months_back(current, k))
        for k in range(1, 23)  # 23 months ago nothing was due yet: ordered that month
    }
    values = stored(server, arrowpoint, "on_time")
    for month, deliveries in on_time.items():
        assert values[month] == pytest.approx(sum(deliveries.values()) / len(deliveries) * 100)
    trend = buyer.get_by_role("img", name=re.compile(r"^Trend of On-time delivery"))
    expect(trend).to_have_attribute(
        "aria-label",
        f"Trend of On-time delivery (%): from {min(values.values()):.2f} to "
        f"{max(values.values()):.2f}; the table has every value",
    )
    expect(trend.locator("circle")).to_have_count(len(values))

    # Two months ago: 8 of Arrowpoint's 10 deliveries on time, as the story says.
    drilled = months_back(current, 2)
    late = ARROWPOINT.months[-3].late
    assert sorted(on_time[drilled].values()) == [False] * late + [True] * (10 - late)
    value = f"{(10 - late) / 10 * 100:.2f}"
    per_month = buyer.get_by_role("table", name="On-time delivery (%) per month")
    cell = per_month.locator("tbody tr").filter(
        has=buyer.get_by_role("rowheader", name=f"{drilled:%Y-%m}")
    )
    expect(cell.locator("td").first).to_have_text(value)
    dppm_table = buyer.get_by_role("table", name="Quality (DPPM) per month")
    dppm_row = dppm_table.locator("tbody tr").filter(
        has=buyer.get_by_role("rowheader", name=f"{drilled:%Y-%m}")
    )
    expect(dppm_row.locator("td").first).to_have_text(f"{dppm(server, arrowpoint, drilled):,.2f}")
    cell.get_by_role("link", name=value).click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text(
        f"On-time delivery (%), {drilled:%B %Y}"
    )
    lines = buyer.get_by_role("table", name=f"On-time delivery (%), {drilled:%Y-%m}")
    rows = lines.locator("tbody tr")
    expect(rows).to_have_count(2 * 10)  # two lines (capacitors, LDO) per delivery
    expect(rows.filter(has_text="not on time")).to_have_count(2 * late)
    for number, in_time in on_time[drilled].items():
        order_rows = rows.filter(has_text=number)
        expect(order_rows).to_have_count(2)
        verdict = "on time" if in_time else "not on time"
        expect(order_rows.locator("td:nth-child(8)")).to_have_text([verdict, verdict])
        if not in_time:  # it all came after the window closed
            accepted = order_rows.locator("td:nth-child(7)").all_inner_texts()
            assert [float(a) for a in accepted] == [0, 0], accepted

    # The card as CSV: the same numbers, month by month.
    buyer.get_by_role("link", name="Back to the card").click()
    name, data = download(buyer, "CSV")
    assert name == f"scorecard-{template}-{arrowpoint}.csv"
    table = csv_table(data)
    assert table[0] == ["Metric", *[f"{m:%Y-%m}" for m, _s, _g in arrowpoint_months]]
    exported = {row[0]: dict(zip(table[0][1:], row[1:], strict=True)) for row in table[1:]}
    assert exported["On-time delivery (%)"][f"{drilled:%Y-%m}"] == value
    assert exported["Grade"] == {f"{m:%Y-%m}": g for m, _s, g in arrowpoint_months}
    scores = {m: s for m, s, _g in arrowpoint_months}
    assert exported["Score"][f"{drilled:%Y-%m}"] == f"{scores[drilled]:,.1f}"
    buyer.context.close()

    # Mei Lin of Sunridge: Sunridge's card and nothing else.
    rep = signed_in(browser, server, "supplier_rep", problems)
    visit(rep, "/scorecards/")
    about = rep.get_by_role("table", name="What your customers and suppliers score you")
    expect(about.locator("tbody tr")).to_have_count(1)
    expect(about.locator("tbody tr th")).to_have_text("Halcyon Devices")
    expect(about.locator("tbody tr td").nth(1)).to_have_text(
        f"{twelve_month_score(sunridge_months):.1f}"
    )
    expect(rep.get_by_role("table", name="Your suppliers, best first")).to_contain_text(
        "No card yet."
    )
    expect(rep.locator("main")).not_to_contain_text("Arrowpoint")
    expect(rep.locator("main")).not_to_contain_text("Kestrel")
    for other in (arrowpoint, org_id(server, "kestrel")):
        visit(rep, f"/scorecards/{template}/{other}/", status=404)
        expect(rep.get_by_role("heading", level=1)).to_have_text("Not found")
        visit(rep, f"/scorecards/{template}/{other}/{drilled:%Y-%m}/on_time/", status=404)

    visit(rep, "/scorecards/")
    about.get_by_role("link", name="Halcyon Devices").click()
    expect(rep.get_by_role("heading", level=1)).to_have_text(
        "Sunridge Acoustics: supplier scorecard of Halcyon Devices"
    )
    plan_month = months_back(current, PLAN_MONTH)
    badge = rep.locator(".badge", has_text="corrective-action plan")
    plan = rep.locator("ul.comments li").filter(has=badge)
    expect(plan).to_have_count(1)
    expect(plan).to_contain_text(
        f"{plan_month:%Y-%m} — Mei Lin (Sunridge Acoustics), {plan_month:%Y-%m}-"
    )
    expect(plan).to_contain_text("Corrective-action plan (8D SA-2291)")
    last_month = months_back(current, 1)
    rep.get_by_label("Month").select_option(f"{last_month:%Y-%m}")
    rep.get_by_label("Comment").fill(
        "Every delivery on time again: the second winding line keeps two shifts."
    )
    rep.get_by_role("button", name="Comment").click()
    expect(rep.get_by_role("status")).to_contain_text(
        f"Your comment on {last_month:%B %Y} is on the card."
    )
    rep.context.close()

    # The buyer reads it on Sunridge's card.
    buyer = signed_in(browser, server, "oem_buyer", problems)
    visit(buyer, f"/scorecards/{template}/{sunridge}/")
    answer = buyer.locator("ul.comments li").filter(has_text="second winding line keeps two shifts")
    expect(answer).to_contain_text(f"{last_month:%Y-%m} — Mei Lin (Sunridge Acoustics)")
    expect(answer.locator(".badge")).to_have_count(0)  # a comment, not a plan
    buyer.context.close()
    # Chromium reports the 404s of the pages Sunridge may not see; nothing else went wrong.
    assert all("status of 404" in p for p in problems), problems
