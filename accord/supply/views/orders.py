"""Purchase order pages: the orders of the person's programs between their organisation and
its counterpart (filter, sort, export), creating one, and the order page where the buyer adds
lines and issues it, the supplier acknowledges it and confirms each line's date, and the buyer
(or the site it ships to) receives deliveries with their inspection."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.access import get_or_404
from accord.core.errors import FORM_ERRORS, Forbidden, InvalidInput
from accord.core.numbers import plain_number
from accord.orgs.access import get_organisation_for_user, get_program_for_user
from accord.orgs.models import Organisation, Person
from accord.parts.access import sources_visible_to
from accord.parts.models import ManufacturerPart, Part
from accord.parts.normalise import mpn_key
from accord.supply.access import (
    can_order,
    can_receive_order,
    deliveries_visible_to,
    get_order_for_user,
    log_order_read,
    order_lines_visible_to,
    orders_visible_to,
    own_sites,
    programs_for_orders,
    sellers_for_orders,
    sites_visible_to,
)
from accord.supply.choices import LineStatus, OrderStatus
from accord.supply.forms import (
    CancelLineForm,
    ConfirmLineForm,
    OrderCreateForm,
    OrderFilterForm,
    OrderLineForm,
    ReceiveDeliveryForm,
)
from accord.supply.models import PurchaseOrder, PurchaseOrderLine
from accord.supply.services import (
    acknowledge_order,
    add_order_line,
    cancel_order_line,
    confirm_order_line,
    create_purchase_order,
    issue_order,
    receive_delivery,
)
from accord.supply.views.common import find_part, show_error, supply_page
from accord.web.pages import form_page
from accord.web.tables import export_table, paginate, parse_sort, person, requested_export

ORDER_SORTS = {
    "number": "number",
    "buyer": "buyer__name",
    "supplier": "supplier__name",
    "program": "program__name",
    "status": "status",
    "issued": "issued_at",
    "created": "created_at",
}
EXPORT_HEADERS = [
    "Number",
    "Buyer",
    "Supplier",
    "Program",
    "Status",
    "Currency",
    "Ship to",
    "Issued",
    "Acknowledged",
    "Created",
]


def _order_crumbs(order: PurchaseOrder | None = None) -> list[tuple[str, str]]:
    crumbs = [("Purchase orders", reverse("order_list"))]
    if order is not None:
        crumbs.append((order.number, reverse("order_detail", args=[order.pk])))
    return crumbs


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    user = person(request)
    visible = orders_visible_to(user)
    org = user.organisation_id
    counterparts = list(
        Organisation.objects.filter(pk__in=visible.values("supplier_id"))
        .exclude(pk=org or 0)
        .order_by("name")
        .values_list("pk", "name")
    )
    programs = list(
        visible.order_by("program__name").values_list("program_id", "program__name").distinct()
    )
    form = OrderFilterForm(request.GET, suppliers=counterparts, programs=programs)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    sort, order_by = parse_sort(request, ORDER_SORTS, "-created")
    orders = visible.select_related("buyer", "supplier", "program", "ship_to").order_by(
        order_by, "-pk"
    )
    if filters.get("status"):
        orders = orders.filter(status=filters["status"])
    if filters.get("supplier"):
        orders = orders.filter(supplier_id=filters["supplier"])
    if filters.get("program"):
        orders = orders.filter(program_id=filters["program"])
    fmt = requested_export(request)
    if fmt:
        rows = (
            [
                o.number,
                o.buyer.name,
                o.supplier.name,
                o.program.name,
                o.get_status_display(),
                o.currency,
                str(o.ship_to) if o.ship_to else "",
                o.issued_at,
                o.acknowledged_at,
                o.created_at,
            ]
            for o in orders.iterator(chunk_size=2000)
        )
        return export_table(fmt, "purchase-orders", EXPORT_HEADERS, rows)
    context = {
        "form": form,
        "sort": sort,
        "page_obj": paginate(request, orders),
        "can_create": can_order(user),
    }
    return supply_page(request, "supply/order_list.html", context)


def _create_form(user: Person, data: Any = None) -> OrderCreateForm:
    return OrderCreateForm(
        data,
        programs=programs_for_orders(user).order_by("name"),
        suppliers=sellers_for_orders(user).order_by("name"),
        sites=sites_visible_to(user).filter(retired_at__isnull=True).order_by("code"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_create(request: HttpRequest) -> HttpResponse:
    """An order of the person's organisation to a supplier of one of their programs."""
    user = person(request)
    if not can_order(user):
        raise Forbidden("Suppliers and distributors receive orders; they do not place them here.")
    form = _create_form(user, request.POST or None)
    if request.method == "POST":
        # A program or supplier they may not see is 404, as anywhere else.
        if request.POST.get("program"):
            get_program_for_user(user, request.POST["program"])
        if request.POST.get("supplier"):
            get_organisation_for_user(user, request.POST["supplier"])
        if form.is_valid():
            data = form.cleaned_data
            try:
                order = create_purchase_order(
                    actor=user,
                    program=data["program"],
                    supplier=data["supplier"],
                    number=data["number"],
                    currency_code=data["currency"],
                    ship_to=data["ship_to"],
                    notes=data["notes"],
                )
            except FORM_ERRORS as error:
                show_error(form, error)
            else:
                messages.success(
                    request, f"Created purchase order {order.number}: add its lines, then issue it."
                )
                return redirect("order_detail", order.pk)
    return form_page(
        request,
        form=form,
        title="New purchase order",
        lede="A draft order of your organisation to a supplier taking part in the program: "
        "add its lines, then issue it to the supplier.",
        action=reverse("order_create"),
        submit="Create the order",
        cancel_url=reverse("order_list"),
        breadcrumbs=_order_crumbs(),
    )


def _line_label(line: PurchaseOrderLine) -> str:
    return (
        f"Line {line.line_number}: {line.part.number}, {plain_number(line.open_quantity)} "
        "still to come"
    )


def _detail(
    request: HttpRequest,
    order: PurchaseOrder,
    *,
    line_form: OrderLineForm | None = None,
    receive_form: ReceiveDeliveryForm | None = None,
    confirm_forms: dict[int, ConfirmLineForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = person(request)
    org = user.organisation_id
    is_buyer, is_supplier = org == order.buyer_id, org == order.supplier_id
    open_order = order.status in OrderStatus.open()
    answering = order.status in (OrderStatus.ISSUED, OrderStatus.ACKNOWLEDGED)
    lines = list(
        order_lines_visible_to(user)
        .filter(order=order)
        .select_related("part", "manufacturer_part__manufacturer")
        .order_by("line_number")
    )
    expecting = [line for line in lines if line.status in LineStatus.expecting()]
    confirm_forms = confirm_forms or {}
    rows = []
    for line in lines:
        confirm = confirm_forms.get(line.pk)  # a form sent back stays, with its error
        if confirm is None and is_supplier and answering and line.status in LineStatus.expecting():
            confirm = ConfirmLineForm(
                initial={"confirmed_date": line.confirmed_date or line.requested_date},
                auto_id=f"line{line.pk}_%s",
            )
        cancel = is_buyer and open_order and line.status in LineStatus.expecting()
        rows.append((line, confirm, cancel))
    receiving = answering and bool(expecting) and can_receive_order(user, order)
    if receiving and receive_form is None:
        receive_form = ReceiveDeliveryForm(
            lines=[(line.pk, _line_label(line)) for line in expecting],
            sites=own_sites(user).order_by("code"),
            auto_id="receive_%s",
        )
    context = {
        "order": order,
        "rows": rows,
        "deliveries": deliveries_visible_to(user)
        .filter(line__order=order)
        .select_related("line__part", "site", "received_by")
        .order_by("-received_on", "-pk"),
        "is_buyer": is_buyer,
        "is_supplier": is_supplier,
        "can_issue": is_buyer and order.status == OrderStatus.DRAFT and bool(lines),
        "can_acknowledge": is_supplier
        and order.status == OrderStatus.ISSUED
        and order.acknowledged_at is None,
        "line_form": line_form
        or (OrderLineForm(auto_id="line_%s") if is_buyer and open_order else None),
        "receive_form": receive_form
        if receiving or (receive_form and receive_form.is_bound)
        else None,
    }
    return supply_page(request, "supply/order_detail.html", context, status=status)


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    order = get_order_for_user(user, pk)
    log_order_read(user, order, channel="web", path=request.path)
    return _detail(request, order)


def _manufacturer_part(user: Person, part: Part, mpn: str) -> ManufacturerPart | None:
    if not mpn.strip():
        return None
    key = mpn_key(mpn)
    for source in sources_visible_to(user, part):
        if source.manufacturer_part.mpn_key == key:
            return source.manufacturer_part
    raise InvalidInput(
        f"{mpn.strip()} is not an approved source of {part.number}.", detail={"field": "mpn"}
    )


@login_required
@require_POST
def order_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    order = get_order_for_user(user, pk, write=True)
    form = OrderLineForm(request.POST, auto_id="line_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            part = find_part(user, data["part"])
            line = add_order_line(
                actor=user,
                order=order,
                part=part,
                manufacturer_part=_manufacturer_part(user, part, data["mpn"]),
                quantity_ordered=data["quantity"],
                unit_price=data["unit_price"],
                currency_code=data["currency"],
                requested_date=data["requested_date"],
            )
        except FORM_ERRORS as error:
            show_error(form, error)
        else:
            messages.success(request, f"Added line {line.line_number}: {part.number}.")
            return redirect(reverse("order_detail", args=[order.pk]) + "#lines")
    return _detail(request, order, line_form=form, status=422)


@login_required
@require_POST
def order_issue(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    order = get_order_for_user(user, pk, write=True)
    try:
        issue_order(actor=user, order=order)
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Issued {order.number} to {order.supplier}.")
    return redirect("order_detail", order.pk)


@login_required
@require_POST
def order_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    order = get_order_for_user(user, pk)
    try:
        acknowledge_order(actor=user, order=order)
    except FORM_ERRORS as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Acknowledged {order.number}.")
    return redirect("order_detail", order.pk)


@login_required
@require_POST
def order_line_confirm(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    """The supplier's delivery date for a line."""
    user = person(request)
    order = get_order_for_user(user, pk)
    line = get_or_404(order_lines_visible_to(user).filter(order=order), pk=line_id)
    line.order = order
    if user.organisation_id != order.supplier_id:
        raise Forbidden("Only the supplier's people may answer this order.")
    form = ConfirmLineForm(request.POST, auto_id=f"line{line.pk}_%s")
    if form.is_valid():
        try:
            confirm_order_line(
                actor=user, line=line, confirmed_date=form.cleaned_data["confirmed_date"]
            )
        except FORM_ERRORS as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                f"Confirmed line {line.line_number} for "
                f"{form.cleaned_data['confirmed_date'].isoformat()}.",
            )
            return redirect(reverse("order_detail", args=[order.pk]) + "#lines")
    return _detail(request, order, confirm_forms={line.pk: form}, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def order_line_cancel(request: HttpRequest, pk: int, line_id: int) -> HttpResponse:
    """GET asks for the reason; POST cancels the line (the buyer)."""
    user = person(request)
    order = get_order_for_user(user, pk, write=True)
    line = get_or_404(order_lines_visible_to(user).filter(order=order), pk=line_id)
    line.order = order
    form = CancelLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancel_order_line(actor=user, line=line, reason=form.cleaned_data["reason"])
        except FORM_ERRORS as error:
            show_error(form, error)
        else:
            messages.success(request, f"Cancelled line {line.line_number} of {order.number}.")
            return redirect(reverse("order_detail", args=[order.pk]) + "#lines")
    return form_page(
        request,
        form=form,
        title=f"Cancel line {line.line_number} of {order.number}?",
        lede="Its open quantity is no longer expected; what was received stays received.",
        action=reverse("order_line_cancel", args=[order.pk, line.pk]),
        submit="Cancel the line",
        danger=True,
        cancel_url=reverse("order_detail", args=[order.pk]) + "#lines",
        breadcrumbs=_order_crumbs(order),
    )


@login_required
@require_POST
def order_receive(request: HttpRequest, pk: int) -> HttpResponse:
    """A delivery against a line, with its incoming inspection."""
    user = person(request)
    order = get_order_for_user(user, pk)
    if not can_receive_order(user, order):
        raise Forbidden("Only the buyer, or the site the order ships to, receives its goods.")
    expecting = (
        order_lines_visible_to(user)
        .filter(order=order, status__in=LineStatus.expecting())
        .select_related("part")
        .order_by("line_number")
    )
    lines = {line.pk: line for line in expecting}
    form = ReceiveDeliveryForm(
        request.POST,
        lines=[(line.pk, _line_label(line)) for line in lines.values()],
        sites=own_sites(user).order_by("code"),
        auto_id="receive_%s",
    )
    if form.is_valid():
        data = form.cleaned_data
        line = lines[int(data["line"])]
        line.order = order
        try:
            delivery = receive_delivery(
                actor=user,
                line=line,
                site=data["site"],
                quantity_received=data["quantity"],
                received_on=data["received_on"],
                rejected_quantity=data["rejected_quantity"] or "0",
                reject_reason=data["reject_reason"],
            )
        except FORM_ERRORS as error:
            show_error(form, error)
        else:
            accepted = plain_number(delivery.accepted_quantity)
            messages.success(
                request,
                f"Received {plain_number(delivery.quantity)} on line {line.line_number} "
                f"({accepted} accepted) at {delivery.site.code}.",
            )
            return redirect(reverse("order_detail", args=[order.pk]) + "#deliveries")
    return _detail(request, order, receive_form=form, status=422)
