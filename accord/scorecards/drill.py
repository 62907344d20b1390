"""What makes a number of a card: the order lines, deliveries, orders, questions in threads,
builds, proposals or invoices of one metric in one month, each with its verdict, judged exactly
as the metric judged it. Only the rows the reader may see are listed (supply/access.py,
parts/access.py, agreements/access.py, threads/access.py); the count of the others is said,
never what they are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db.models import Model
from django.utils import timezone

from accord.agreements.access import invoices_visible_to
from accord.agreements.models import Invoice
from accord.core.numbers import plain_number
from accord.parts.access import boms_visible_to
from accord.parts.models import Bom
from accord.scorecards.choices import Direction, Metric
from accord.scorecards.customer_metrics import judged_payments
from accord.scorecards.customers import rated_from_schedules
from accord.scorecards.metrics import OnTimeRule, judged_lines, judged_requests
from accord.scorecards.models import ScorecardTemplate
from accord.scorecards.months import next_month
from accord.scorecards.services import month_closes
from accord.supply.access import (
    builds_visible_to,
    deliveries_visible_to,
    order_lines_visible_to,
    orders_visible_to,
)
from accord.supply.models import Build, Delivery, PurchaseOrder, PurchaseOrderLine
from accord.threads.access import action_items_visible_to, threads_visible_to
from accord.threads.models import Thread
from accord.threads.queries import ACTION_ITEM


@dataclass
class Drill:
    headers: list[str]
    model: type[Model]
    rows: list[list[Any]] = field(default_factory=list)
    hidden: int = 0
    note: str = ""


def _num(value: Any) -> str:
    return "" if value is None else plain_number(value)


def _on_time(user: Any, template: ScorecardTemplate, rated_id: int, month: dt.date) -> Drill:
    from accord.scorecards.queries import lines_of, receipts_of

    as_of = min(dt.date.today(), month_closes(template, month))
    rule = OnTimeRule(template.days_early, template.days_late, template.counting_unit)
    lines = lines_of(template, rated_id).filter(pl.col("due").dt.truncate("1mo") == month)
    judged = judged_lines(lines, receipts_of(template, rated_id), rule, as_of)
    visible = {
        line.pk: line
        for line in order_lines_visible_to(user)
        .filter(pk__in=judged["line_id"].to_list())
        .select_related("order", "part")
    }
    drill = Drill(
        ["Order", "Line", "Part", "Due", "Window", "Ordered", "Accepted in the window", "Verdict"],
        PurchaseOrderLine,
    )
    for row in judged.sort("due", "order_id", "line_id").iter_rows(named=True):
        line = visible.get(row["line_id"])
        if line is None:
            drill.hidden += 1
            continue
        verdict = (
            "on time"
            if row["complete"]
            else ("not on time" if row["window_passed"] else "pending (window open)")
        )
        drill.rows.append(
            [
                line.order.number,
                line.line_number,
                line.part.number,
                row["due"],
                f"{row['opens']} to {row['closes']}",
                _num(line.quantity),
                plain_number(row["in_window"]),
                verdict,
            ]
        )
    drill.note = f"Counted {template.get_counting_unit_display().lower()}."
    return drill


def _prices(user: Any, template: ScorecardTemplate, rated_id: int, month: dt.date) -> Drill:
    from accord.scorecards.queries import priced_lines

    priced = priced_lines(template, rated_id).filter(
        pl.col("issued_on").dt.truncate("1mo") == month
    )
    visible = {
        line.pk: line
        for line in order_lines_visible_to(user)
        .filter(pk__in=priced["line_id"].to_list())
        .select_related("order", "part")
    }
    drill = Drill(
        ["Order", "Line", "Part", "Quantity", "Unit price", "Quoted", "Variance %"],
        PurchaseOrderLine,
    )
    for row in priced.sort("issued_on", "line_id").iter_rows(named=True):
        line = visible.get(row["line_id"])
        if line is None:
            drill.hidden += 1
            continue
        quoted = row["reference_price"]
        drill.rows.append(
            [
                line.order.number,
                line.line_number,
                line.part.number,
                _num(line.quantity),
                f"{_num(line.unit_price)} {line.currency}",
                "no quote" if quoted is None else f"{quoted:g}",
                "" if not quoted else f"{(row['unit_price'] / quoted - 1) * 100:.2f}",
            ]
        )
    _checked_invoices(user, template, rated_id, month, drill)
    return drill


def _checked_invoices(
    user: Any, template: ScorecardTemplate, rated_id: int, month: dt.date, drill: Drill
) -> None:
    """The invoices of the month checked against the agreement, as rows of the cost drill:
    invoiced (in the price column) against agreed (in the quoted column)."""
    from accord.scorecards.queries import invoices_checked

    checked = invoices_checked(template, month, rated_id).filter(
        pl.col("invoice_date").dt.truncate("1mo") == month
    )
    visible = {
        invoice.pk: invoice
        for invoice in invoices_visible_to(user).filter(pk__in=checked["invoice_id"].to_list())
    }
    for row in checked.sort("invoice_date", "invoice_id").iter_rows(named=True):
        invoice = visible.get(row["invoice_id"])
        if invoice is None:
            drill.hidden += 1
            continue
        invoiced, agreed = row["invoiced"], row["agreed"]
        drill.rows.append(
            [
                f"Invoice {invoice.number}",
                "",
                "",
                "",
                f"invoiced {invoiced:.2f} {invoice.currency}",
                f"agreed {agreed:.2f}",
                "" if not agreed else f"{(invoiced / agreed - 1) * 100:.2f}",
            ]
        )
    if not checked.is_empty():
        drill.note = "Invoices count with their totals: invoiced against what the check agreed."


def _receipts(user: Any, template: ScorecardTemplate, rated_id: int, month: dt.date) -> Drill:
    deliveries = (
        deliveries_visible_to(user)
        .filter(
            line__order__buyer_id=template.organisation_id,
            line__order__supplier_id=rated_id,
            received_on__gte=month,
            received_on__lt=next_month(month),
        )
        .select_related("line__order", "line__part")
        .order_by("received_on", "pk")
    )
    drill = Drill(["Order", "Line", "Part", "Received", "Quantity", "Rejected", "Reason"], Delivery)
    for d in deliveries:
        drill.rows.append(
            [
                d.line.order.number,
                d.line.line_number,
                d.line.part.number,
                d.received_on,
                _num(d.quantity),
                _num(d.rejected_quantity),
                d.reject_reason,
            ]
        )
    return drill


def _requests(user: Any, template: ScorecardTemplate, rated_id: int, month: dt.date) -> Drill:
    """The orders issued to a supplier in the month (on a card of suppliers) and the questions
    the rater asked the rated party in threads."""
    suppliers = template.direction == Direction.SUPPLIERS
    drill = Drill(
        ["Request", "Thread", "Asked", "Answered", "Hours", "Within the SLA"],
        PurchaseOrder if suppliers else Thread,
    )
    sla = template.response_sla_hours
    if suppliers:
        orders = (
            orders_visible_to(user)
            .filter(
                buyer_id=template.organisation_id,
                supplier_id=rated_id,
                issued_at__date__gte=month,
                issued_at__date__lt=next_month(month),
            )
            .order_by("issued_at", "pk")
        )
        for order in orders:
            hours = (
                (order.acknowledged_at - order.issued_at).total_seconds() / 3600
                if order.acknowledged_at and order.issued_at
                else None
            )
            drill.rows.append(
                [
                    f"Order {order.number}",
                    "",
                    order.issued_at,
                    order.acknowledged_at or "not yet",
                    "" if hours is None else f"{hours:.1f}",
                    "" if hours is None else ("yes" if hours <= sla else "no"),
                ]
            )
    _thread_questions(user, template, rated_id, month, drill)
    drill.note = (
        f"The agreed SLA: {sla} hours. A question in a thread is answered by the first shared "
        "post of the asked organisation in the thread after it (internal notes never count), "
        "or an action item by its owner's side closing it; unanswered past the SLA is missed."
    )
    return drill


def _question_verdict(row: dict[str, Any]) -> tuple[str, str]:
    """The hours and the verdict of a question, as responsiveness judged it."""
    if row["withdrawn"]:
        return "", "withdrawn by the asking side (not counted)"
    hours = f"{row['hours']:.1f}"
    if row["answered"]:
        return hours, "yes" if row["within"] else "no"
    if row["counted"]:
        return f"{hours} so far", "no (unanswered past the SLA: missed)"
    return f"{hours} so far", "pending (not counted yet)"


def _thread_questions(
    user: Any, template: ScorecardTemplate, rated_id: int, month: dt.date, drill: Drill
) -> None:
    """The rater's questions to the rated party in threads asked in the month, those of the
    threads (and action items) the reader sees (threads/access.py); the others are counted."""
    from accord.scorecards.queries import thread_requests_of

    questions, _counted = thread_requests_of(template, rated_id)
    asked_month = pl.col("asked_at").dt.replace_time_zone(None).dt.truncate("1mo").cast(pl.Date)
    judged = judged_requests(
        questions.filter(asked_month == month),
        float(template.response_sla_hours),
        timezone.now(),
    )
    if judged.is_empty():
        return
    threads = {
        thread.pk: thread
        for thread in threads_visible_to(user)
        .filter(pk__in=judged["thread_id"].drop_nulls().unique().to_list())
        .only("pk", "title")
    }
    items = {
        item.pk: item
        for item in action_items_visible_to(user)
        .filter(pk__in=judged.filter(pl.col("kind") == ACTION_ITEM)["question_id"].to_list())
        .only("pk", "title")
    }
    for row in judged.iter_rows(named=True):
        thread = threads.get(row["thread_id"])
        if row["kind"] == ACTION_ITEM:
            item = items.get(row["question_id"])
            request = None if item is None else f"Action item: {item.title}"
        else:
            request = None if thread is None else "Mention in a shared post"
        if request is None:
            drill.hidden += 1
            continue
        hours, verdict = _question_verdict(row)
        drill.rows.append(
            [
                request,
                "" if thread is None else thread.title,
                row["asked_at"],
                row["answered_at"] or "not yet",
                hours,
                verdict,
            ]
        )


def _builds(user: Any, template: ScorecardTemplate, rated_id: int, month: dt.date) -> Drill:
    builds = (
        builds_visible_to(user)
        .filter(program__owner_id=rated_id, due_date__gte=month, due_date__lt=next_month(month))
        .select_related("assembly", "program")
        .prefetch_related("versions")
        .order_by("due_date", "pk")
    )
    drill = Drill(["Program", "Assembly", "Due", "Built", "Versions (quantity, due, when)"], Build)
    for build in builds:
        history = "; ".join(
            f"v{v.version}: {_num(v.quantity)} for {v.due_date} on {v.changed_at:%Y-%m-%d}"
            for v in sorted(build.versions.all(), key=lambda v: v.version)
        )
        built = "0 (retired)" if build.status == "retired" else _num(build.quantity)
        row = [build.program.code, build.assembly.number, build.due_date, built, history]
        drill.rows.append(row)
    return drill


def _boms(user: Any, template: ScorecardTemplate, rated_id: int, month: dt.date) -> Drill:
    boms = (
        boms_visible_to(user)
        .filter(
            program__owner_id=rated_id,
            created_at__date__gte=month,
            created_at__date__lt=next_month(month),
        )
        .select_related("assembly", "program")
        .order_by("created_at")
    )
    drill = Drill(["Program", "Assembly", "Revision", "Created", "Status"], Bom)
    for bom in boms:
        drill.rows.append(
            [bom.program.code, bom.assembly.number, bom.revision, bom.created_at, bom.status]
        )
    return drill


def _payments(user: Any, template: ScorecardTemplate, rated_id: int, month: dt.date) -> Drill:
    from accord.scorecards.customers import invoices_issued

    as_of = dt.date.today()
    issued = invoices_issued(template.organisation_id, rated_id).filter(
        pl.col("due").dt.truncate("1mo") == month
    )
    judged = judged_payments(issued, as_of)
    visible = {
        invoice.pk: invoice
        for invoice in invoices_visible_to(user)
        .filter(pk__in=judged["invoice_id"].to_list())
        .select_related("agreement")
    }
    drill = Drill(["Invoice", "Agreement", "Invoice date", "Due", "Paid on", "Verdict"], Invoice)
    for row in judged.sort("due", "invoice_id").iter_rows(named=True):
        invoice = visible.get(row["invoice_id"])
        if invoice is None:
            drill.hidden += 1
            continue
        paid_on, due = row["paid_on"], row["due"]
        if paid_on is not None:
            late = (paid_on - due).days
            verdict = "on time" if late <= 0 else f"late ({late} day{'s' if late > 1 else ''})"
        else:
            verdict = "unpaid, past due (late)" if row["counted"] else "not yet due (not counted)"
        drill.rows.append(
            [invoice.number, invoice.agreement.title, invoice.date, due, paid_on or "", verdict]
        )
    drill.note = "Counted in the month of the due date, once paid or past due."
    return drill


DRILLS = {
    Metric.ON_TIME: _on_time,
    Metric.DPPM: _receipts,
    Metric.RESPONSE_MEDIAN: _requests,
    Metric.RESPONSE_SLA: _requests,
    Metric.COST: _prices,
    Metric.FORECAST_4W: _builds,
    Metric.FORECAST_8W: _builds,
    Metric.FORECAST_12W: _builds,
    Metric.STABILITY: _builds,
    Metric.CHANGES: _boms,
    Metric.PAYMENT: _payments,
}


def drill(
    user: Any, template: ScorecardTemplate, rated_id: int, month: dt.date, metric: str
) -> Drill | None:
    """The rows behind a metric of a month, or None for a metric without rows to show (its
    number is on the card)."""
    found = DRILLS.get(Metric(metric)) if metric in Metric.values else None
    if found is _builds and not rated_from_schedules(template, rated_id):
        # Its numbers come from forecasts and orders, not from builds: listing the builds
        # would explain nothing (the rows of forecasts and orders are not listed yet).
        return None
    return found(user, template, rated_id, month) if found else None
