"""Invoice pages: an agreement's invoices, entering one (a file or JSON lines), one invoice
checked line by line (and the check's CSV/XLSX), the buyer's record of the day it paid one,
recording a written fee request."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.agreements.access import (
    fee_requests_of,
    get_agreement_for_user,
    get_fee_request_for_user,
    get_invoice_for_user,
    invoices_visible_to,
    log_terms_read,
)
from accord.agreements.invoice_import import import_invoice_file
from accord.agreements.invoice_queries import HEADERS, invoice_report
from accord.agreements.invoice_services import (
    cancel_fee_request,
    create_invoice,
    entering_party,
    record_fee_request,
    record_invoice_payment,
    withdraw_invoice,
)
from accord.agreements.models import Agreement, Invoice
from accord.agreements.rfq_forms import FeeRequestForm, InvoiceForm, InvoicePaymentForm
from accord.core.errors import FORM_ERRORS
from accord.parts.bom_import.inputs import read_upload
from accord.web.pages import form_page
from accord.web.tables import export_table, paginate, parse_sort, person, requested_export


def _crumbs(agreement: Agreement) -> list[tuple[str, str]]:
    return [
        ("Agreements", reverse("agreement_list")),
        (agreement.title, reverse("agreement_detail", args=[agreement.pk])),
        ("Invoices", reverse("invoice_list", args=[agreement.pk])),
    ]


@login_required
@require_GET
def invoice_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreement's invoices (heads only, no terms read; ?status=withdrawn or in-force
    filters them) and the buyer's written fee requests."""
    user = person(request)
    agreement = get_agreement_for_user(user, pk)
    invoices = invoices_visible_to(user).filter(agreement=agreement)
    status = request.GET.get("status", "")
    if status == "withdrawn":
        invoices = invoices.filter(withdrawn_at__isnull=False)
    elif status == "in-force":
        invoices = invoices.filter(withdrawn_at__isnull=True)
    sort, order = parse_sort(request, INVOICE_SORTS, "-date")
    invoices = invoices.order_by(order, "-pk")
    fmt = requested_export(request)
    if fmt:
        rows = (_invoice_cells(i) for i in invoices.iterator(chunk_size=2000))
        return export_table(fmt, f"agreement-{agreement.pk}-invoices", INVOICE_HEADERS, rows)
    return render(
        request,
        "agreements/invoice_list.html",
        {
            "agreement": agreement,
            "page_obj": paginate(request, invoices),
            "sort": sort,
            "status": status,
            "fee_requests": fee_requests_of(user, agreement),
            "is_buyer": agreement.side_of(user.organisation_id) == "buyer",
            "breadcrumbs": _crumbs(agreement)[:2],
        },
    )


INVOICE_SORTS = {
    "number": "number",
    "date": "date",
    "po": "po_reference",
    "due": "due_date",
    "paid": "paid_on",
}
INVOICE_HEADERS = ["Number", "Date", "PO", "Currency", "Due", "Paid on", "Status"]


def _invoice_cells(invoice: Invoice) -> list[Any]:
    return [
        invoice.number,
        invoice.date.isoformat(),
        invoice.po_reference,
        invoice.currency,
        invoice.due_date.isoformat() if invoice.due_date else "",
        invoice.paid_on.isoformat() if invoice.paid_on else "",
        "withdrawn" if invoice.is_withdrawn else "in force",
    ]


@login_required
@require_http_methods(["GET", "POST"])
def invoice_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    agreement = get_agreement_for_user(user, pk)
    form = InvoiceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        head = {k: data[k] for k in ("number", "date", "currency", "po_reference", "due_date")}
        try:
            if data.get("file"):
                content, filename = read_upload(data["file"])
                invoice = import_invoice_file(
                    actor=user, agreement=agreement, header=head, data=content, filename=filename
                )
            else:
                invoice = create_invoice(
                    actor=user, agreement=agreement, invoice={**head, "lines": data["lines"]}
                )
        except FORM_ERRORS as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Entered invoice {invoice.number}: checked below.")
            return redirect("invoice_detail", pk=invoice.pk)
    return form_page(
        request,
        form=form,
        title=f"Enter an invoice of {agreement.partner}",
        lede="Each line is checked against the version in force at the PO's date and the "
        "PO's receipts. A file is taken whole or not at all.",
        action=reverse("invoice_create", args=[agreement.pk]),
        submit="Enter and check",
        cancel_url=reverse("invoice_list", args=[agreement.pk]),
        breadcrumbs=_crumbs(agreement),
        multipart=True,
    )


@login_required
@require_GET
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    invoice = get_invoice_for_user(user, pk)
    report = invoice_report(invoice)
    fmt = requested_export(request)
    log_terms_read(user, invoice.agreement, channel="export" if fmt else "web", path=request.path)
    rows = [line.cells() for line in report.lines]
    if fmt:
        totals = report.totals()
        total_row = ["", "", "totals", "", "", "", "", totals["invoiced"], "", totals["agreed"]]
        return export_table(
            fmt,
            f"invoice-{invoice.pk}-check",
            HEADERS,
            [*rows, [*total_row, totals["disputed"], "", ""]],
        )
    return render(
        request,
        "agreements/invoice_detail.html",
        {
            "invoice": invoice,
            "report": report,
            "headers": HEADERS,
            "rows": rows,
            "breadcrumbs": _crumbs(invoice.agreement),
            "records_payment": invoice.agreement.side_of(user.organisation_id) == "buyer"
            and not invoice.is_withdrawn,
            "may_withdraw": not invoice.is_withdrawn
            and invoice.paid_on is None
            and user.organisation_id == entering_party(invoice),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invoice_payment(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer records (or corrects) the day it paid the invoice; the issuer: 403."""
    user = person(request)
    invoice = get_invoice_for_user(user, pk, buyer=True)
    form = InvoicePaymentForm(request.POST or None, initial={"paid_on": invoice.paid_on})
    if request.method == "POST" and form.is_valid():
        try:
            record_invoice_payment(
                actor=user, invoice=invoice, paid_on=form.cleaned_data["paid_on"]
            )
        except FORM_ERRORS as error:
            form.add_error("paid_on", error.message)
        else:
            messages.success(
                request, f"Recorded: invoice {invoice.number} paid on {invoice.paid_on}."
            )
            return redirect("invoice_detail", pk=invoice.pk)
    due = f"due {invoice.due_date}" if invoice.due_date else "no due date kept"
    return form_page(
        request,
        form=form,
        title=f"Record the payment of invoice {invoice.number}",
        lede=f"Invoice of {invoice.date}, {due}. The day you paid it counts on "
        f"{invoice.agreement.partner}'s card of your organisation (invoices paid on time).",
        action=reverse("invoice_payment", args=[invoice.pk]),
        submit="Record the payment",
        cancel_url=reverse("invoice_detail", args=[invoice.pk]),
        breadcrumbs=_crumbs(invoice.agreement),
    )


@login_required
@require_http_methods(["GET", "POST"])
def fee_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    agreement = get_agreement_for_user(user, pk)
    form = FeeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record_fee_request(actor=user, agreement=agreement, **form.cleaned_data)
        except FORM_ERRORS as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Recorded the written request.")
            return redirect("invoice_list", pk=agreement.pk)
    return form_page(
        request,
        form=form,
        title="Record a written fee request",
        lede="Appendix A bills some fees (an expedite) only on the buyer's written request; "
        "the invoice check disputes them until the request is recorded here.",
        action=reverse("fee_request_create", args=[agreement.pk]),
        submit="Record",
        cancel_url=reverse("invoice_list", args=[agreement.pk]),
        breadcrumbs=_crumbs(agreement),
    )


@login_required
@require_POST
def invoice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The party that entered the invoice withdraws it (entered by mistake), with a reason;
    the other party: 403; a paid invoice: refused (shown as a message)."""
    user = person(request)
    invoice = get_invoice_for_user(user, pk)
    try:
        withdraw_invoice(actor=user, invoice=invoice, reason=request.POST.get("reason", ""))
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Withdrew invoice {invoice.number}: it stays readable here, and counts as a "
            "billing nowhere any more.",
        )
    return redirect("invoice_detail", pk=invoice.pk)


@login_required
@require_POST
def fee_request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer cancels a written fee request recorded by mistake, with a reason."""
    user = person(request)
    fee_request = get_fee_request_for_user(user, pk, buyer=True)
    try:
        cancel_fee_request(
            actor=user, fee_request=fee_request, reason=request.POST.get("reason", "")
        )
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Cancelled the request for {fee_request.code}.")
    return redirect("invoice_list", pk=fee_request.agreement_id)
