"""RFQ pages: the list, a new RFQ, one RFQ with its quotes compared at landed cost (and the
comparison's CSV/XLSX), inviting an EMS, entering a quote, awarding one, closing one without
award.

An EMS sees the RFQs it is invited to and its own quote only; the buyer's people see every
quote, each read in that EMS's access log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.agreements.access import (
    drafting_choices,
    get_quote_for_user,
    get_rfq_for_user,
    log_quote_reads,
    partner_organisations,
    quotes_visible_to,
    rfqs_visible_to,
)
from accord.agreements.choices import RfqStatus
from accord.agreements.models import Rfq
from accord.agreements.rfq_forms import InviteForm, QuoteForm, RfqForm
from accord.agreements.rfq_queries import HEADERS, comparison_rows
from accord.agreements.rfq_services import (
    award_quote,
    close_rfq,
    create_rfq,
    invite_to_rfq,
    submit_quote,
    withdraw_quote,
)
from accord.core.access import today
from accord.core.errors import FORM_ERRORS
from accord.orgs.access import programs_visible_to
from accord.orgs.choices import OrganisationKind
from accord.parts.access import boms_visible_to
from accord.web.pages import form_page
from accord.web.tables import export_table, paginate, parse_sort, person, requested_export


def _crumbs(rfq: Rfq | None = None) -> list[tuple[str, str]]:
    crumbs = [("RFQs", reverse("rfq_list"))]
    if rfq is not None:
        crumbs.append((rfq.title, reverse("rfq_detail", args=[rfq.pk])))
    return crumbs


@login_required
@require_GET
def rfq_list(request: HttpRequest) -> HttpResponse:
    """Titles and states: no prices, nothing to log. Sorted, filtered by status, paged and
    exported (CSV/XLSX) like every list."""
    user = person(request)
    sort, order = parse_sort(request, RFQ_SORTS, "-due")
    rfqs = (
        rfqs_visible_to(user)
        .select_related("program", "buyer", "bom__assembly")
        .order_by(order, "pk")
    )
    status = request.GET.get("status", "").strip().lower()
    if status in RfqStatus.values:
        rfqs = rfqs.filter(status=status)
    else:
        status = ""
    fmt = requested_export(request)
    if fmt:
        return export_table(
            fmt, "rfqs", RFQ_HEADERS, (_rfq_cells(r) for r in rfqs.iterator(chunk_size=2000))
        )
    owned = programs_visible_to(user).filter(owner_id=user.organisation_id).exists()
    context = {
        "page_obj": paginate(request, rfqs),
        "sort": sort,
        "status": status,
        "statuses": RfqStatus.choices,
        "can_ask": owned,
    }
    return render(request, "agreements/rfq_list.html", context)


RFQ_SORTS = {
    "title": "title",
    "program": "program__name",
    "buyer": "buyer__name",
    "due": "due_date",
    "status": "status",
}
RFQ_HEADERS = ["Title", "Program", "Buyer", "Assembly", "Revision", "Volumes", "Due", "Status"]


def _rfq_cells(rfq: Rfq) -> list[Any]:
    return [
        rfq.title,
        rfq.program.name,
        rfq.buyer.name,
        rfq.bom.assembly.number,
        rfq.bom.revision,
        " / ".join(str(v) for v in rfq.volumes),
        rfq.due_date.isoformat(),
        rfq.get_status_display(),
    ]


def _ems_partners(programs: Any) -> Any:
    return partner_organisations(programs).filter(kind=OrganisationKind.EMS)


@login_required
@require_http_methods(["GET", "POST"])
def rfq_create(request: HttpRequest) -> HttpResponse:
    user = person(request)
    programs, _partners = drafting_choices(user)
    form = RfqForm(
        request.POST or None,
        programs=programs,
        boms=boms_visible_to(user).filter(program__in=programs).select_related("assembly"),
        partners=_ems_partners(programs),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rfq = create_rfq(
                actor=user,
                program=data["program"],
                bom=data["bom"],
                title=data["title"],
                due_date=data["due_date"],
                volumes=data["volumes"],
                invited=list(data["invited"]),
            )
        except FORM_ERRORS as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Asked for quotes.")
            return redirect("rfq_detail", pk=rfq.pk)
    return form_page(
        request,
        form=form,
        title="Ask for quotes",
        lede="Invited EMS providers quote an assembly revision of your program at several "
        "volumes; you compare them at landed cost. Each sees only its own quote.",
        action=reverse("rfq_create"),
        submit="Ask for quotes",
        cancel_url=reverse("rfq_list"),
        breadcrumbs=_crumbs(),
    )


@login_required
@require_GET
def rfq_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    rfq = get_rfq_for_user(user, pk)
    quotes = quotes_visible_to(user)
    rows = comparison_rows(rfq, quotes, today())
    fmt = requested_export(request)
    read = list(quotes.filter(rfq=rfq).select_related("supplier"))
    log_quote_reads(user, rfq, read, channel="export" if fmt else "web", path=request.path)
    if fmt:
        return export_table(fmt, f"rfq-{rfq.pk}-comparison", HEADERS, [r.cells() for r in rows])
    is_buyer = rfq.buyer_id == user.organisation_id
    invited = list(rfq.invited.all()) if is_buyer else []
    return render(
        request,
        "agreements/rfq_detail.html",
        {
            "rfq": rfq,
            "rows": rows,
            "headers": HEADERS,
            "quotes": read,
            "is_buyer": is_buyer,
            "invited": invited,
            "can_quote": not is_buyer and rfq.status == "open",
            "own_quotes": [] if is_buyer else read,
            "invite_form": InviteForm(partners=_ems_partners([rfq.program_id])),
            "breadcrumbs": _crumbs(),
        },
    )


@login_required
@require_POST
def rfq_invite(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    rfq = get_rfq_for_user(user, pk, buyer=True)
    form = InviteForm(request.POST, partners=_ems_partners([rfq.program_id]))
    if not form.is_valid():
        messages.error(request, "Choose an EMS partner of the program.")
        return redirect("rfq_detail", pk=rfq.pk)
    try:
        invite_to_rfq(actor=user, rfq=rfq, organisation=form.cleaned_data["organisation"])
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Invited {form.cleaned_data['organisation']}.")
    return redirect("rfq_detail", pk=rfq.pk)


@login_required
@require_http_methods(["GET", "POST"])
def rfq_quote(request: HttpRequest, pk: int) -> HttpResponse:
    """An invited EMS enters (or replaces) its quote."""
    user = person(request)
    rfq = get_rfq_for_user(user, pk)
    form = QuoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submit_quote(actor=user, rfq=rfq, quote=form.cleaned_data["quote"])
        except FORM_ERRORS as error:
            form.add_error("quote", error.message)
        else:
            messages.success(request, "Your quote is in.")
            return redirect("rfq_detail", pk=rfq.pk)
    return form_page(
        request,
        form=form,
        title=f"Quote for {rfq.title}",
        lede=f"Volumes {', '.join(f'{v:,}' for v in rfq.volumes)}. The buyer compares quotes "
        "at landed cost: tier price at the quantity you would ship, your MOQ and order "
        "multiple, per-unit and per-shipment fees and NRE.",
        action=reverse("rfq_quote", args=[rfq.pk]),
        submit="Submit the quote",
        cancel_url=reverse("rfq_detail", args=[rfq.pk]),
        breadcrumbs=_crumbs(rfq),
    )


@login_required
@require_POST
def rfq_award(request: HttpRequest, pk: int, quote_pk: int) -> HttpResponse:
    user = person(request)
    rfq = get_rfq_for_user(user, pk, buyer=True)
    quote = get_quote_for_user(user, rfq, quote_pk)
    try:
        agreement = award_quote(actor=user, rfq=rfq, quote=quote)
    except FORM_ERRORS as error:
        messages.error(request, error.message)
        return redirect("rfq_detail", pk=rfq.pk)
    messages.success(request, "Awarded: the quote is now the SOW's draft terms.")
    return redirect("agreement_detail", pk=agreement.pk)


@login_required
@require_POST
def rfq_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer closes the RFQ without awarding it (cancels the request)."""
    user = person(request)
    rfq = get_rfq_for_user(user, pk, buyer=True)
    try:
        close_rfq(actor=user, rfq=rfq, reason=request.POST.get("reason", ""))
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Closed without award: no more quotes are taken.")
    return redirect("rfq_detail", pk=rfq.pk)


@login_required
@require_POST
def rfq_quote_withdraw(request: HttpRequest, pk: int, quote_pk: int) -> HttpResponse:
    """The EMS that submitted the quote withdraws it while the RFQ is open, with a reason."""
    user = person(request)
    rfq = get_rfq_for_user(user, pk)
    quote = get_quote_for_user(user, rfq, quote_pk, supplier=True)
    try:
        withdraw_quote(actor=user, rfq=rfq, quote=quote, reason=request.POST.get("reason", ""))
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Withdrew your quote: it is in no comparison; you may submit a new one."
        )
    return redirect("rfq_detail", pk=rfq.pk)
