"""Stock pages: the stock a person may see (filter, sort, export), receiving goods, and a stock
item with its ledger and the moves its holder's people make: issue, adjust, scrap, transfer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.errors import FORM_ERRORS, InvalidInput
from accord.core.forms import AccordForm
from accord.core.numbers import plain_number
from accord.orgs.models import Organisation, Person
from accord.supply.access import (
    builds_visible_to,
    get_site_for_stock_moves,
    get_stock_item_for_user,
    log_stock_item_read,
    log_stock_read,
    own_sites,
    sites_visible_to,
    stock_owner_choices,
    stock_visible_to,
    with_stock_levels,
)
from accord.supply.choices import BuildStatus
from accord.supply.forms import (
    AdjustStockForm,
    IssueStockForm,
    ReceiveStockForm,
    ScrapStockForm,
    StockFilterForm,
    TransferStockForm,
)
from accord.supply.models import StockItem, StockLevel, StockMove
from accord.supply.services import (
    adjust_stock,
    issue_stock,
    receive_stock,
    scrap_stock,
    transfer_stock,
)
from accord.supply.views.common import find_part, number_cell, show_error, supply_page
from accord.web.pages import form_page
from accord.web.tables import (
    EXPORT_CAP,
    export_table,
    paginate,
    parse_sort,
    person,
    requested_export,
)

STOCK_SORTS = {
    "site": "site__code",
    "part": "part__number",
    "owner": "owner__name",
    "on_hand": "on_hand",
    "min_level": "min_level",
    "safety_stock": "safety_stock",
}
EXPORT_HEADERS = [
    "Site",
    "Holder",
    "Part number",
    "Description",
    "Owner",
    "Holding",
    "On hand",
    "Min level",
    "Safety stock",
]
LEDGER_PAGE = 25


def holding(item: StockItem) -> str:
    return "Consigned" if item.owner_id != item.site.organisation_id else "Own"


def _describe(filters: dict[str, Any], sites: dict[str, str], owners: dict[str, str]) -> str:
    said = []
    if filters.get("site"):
        said.append(f"site {sites.get(filters['site'], filters['site'])}")
    if filters.get("part"):
        said.append(f'part "{filters["part"]}"')
    if filters.get("owner"):
        said.append(f"owner {owners.get(filters['owner'], filters['owner'])}")
    if filters.get("holding"):
        said.append(filters["holding"])
    return ", ".join(said)


@login_required
@require_GET
def stock_list(request: HttpRequest) -> HttpResponse:
    user = person(request)
    visible = stock_visible_to(user)
    sites = [(s.pk, str(s)) for s in sites_visible_to(user).order_by("code", "pk")]
    owners = list(
        Organisation.objects.filter(pk__in=visible.values("owner_id"))
        .order_by("name")
        .values_list("pk", "name")
    )
    form = StockFilterForm(request.GET, sites=sites, owners=owners)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    fmt = requested_export(request)
    if form.text_refused and fmt:
        raise InvalidInput(form.refused_text_message(), detail={"field": form.text_refused[0]})
    sort, order = parse_sort(request, STOCK_SORTS, "part")
    items = with_stock_levels(visible.select_related("site__organisation", "part", "owner"))
    if filters.get("site"):
        items = items.filter(site_id=filters["site"])
    if filters.get("part"):
        items = items.filter(part__number__icontains=filters["part"].strip())
    if filters.get("owner"):
        items = items.filter(owner_id=filters["owner"])
    if filters.get("holding") == "own":
        items = items.filter(owner_id=F("site__organisation_id"))
    elif filters.get("holding") == "consigned":
        items = items.exclude(owner_id=F("site__organisation_id"))
    items = items.order_by(order, "site__code", "part__number", "pk")
    described = _describe(filters, {str(k): v for k, v in sites}, {str(k): v for k, v in owners})
    if fmt:
        log_stock_read(
            user,
            items.values("pk")[:EXPORT_CAP],
            description=described,
            channel="export",
            path=request.get_full_path(),
        )
        rows = (
            [
                i.site.code,
                i.site.organisation.name,
                i.part.number,
                i.part.description,
                i.owner.name,
                holding(i),
                number_cell(i.on_hand),
                number_cell(i.min_level),  # type: ignore[attr-defined]
                number_cell(i.safety_stock),  # type: ignore[attr-defined]
            ]
            for i in items.iterator(chunk_size=2000)
        )
        return export_table(fmt, "stock", EXPORT_HEADERS, rows)
    page_obj = paginate(request, items)
    page_obj.object_list = list(page_obj.object_list)
    page = [f"page {page_obj.number}"] if page_obj.number > 1 else []
    log_stock_read(
        user,
        [item.pk for item in page_obj.object_list],
        description=", ".join(filter(None, [described, *page])),
        channel="web",
        path=request.get_full_path(),
    )
    context = {
        "form": form,
        "sort": sort,
        "page_obj": page_obj,
        "rows": [(item, holding(item)) for item in page_obj.object_list],
        "export_capped": page_obj.paginator.count > EXPORT_CAP,
        "export_cap": EXPORT_CAP,
        "can_receive": own_sites(user).exists(),
    }
    status = 422 if form.text_refused else 200
    return supply_page(request, "supply/stock_list.html", context, status=status)


def _receive_form(user: Person, data: Any = None) -> ReceiveStockForm:
    return ReceiveStockForm(
        data, sites=own_sites(user).order_by("code"), owners=stock_owner_choices(user)
    )


@login_required
@require_http_methods(["GET", "POST"])
def stock_receive(request: HttpRequest) -> HttpResponse:
    """Goods into stock at one of the person's sites: their own, or consigned by a customer."""
    user = person(request)
    form = _receive_form(user, request.POST or None)
    if request.method == "POST":
        if request.POST.get("site"):  # a site they may not see is 404, another's 403
            get_site_for_stock_moves(user, request.POST["site"])
        if form.is_valid():
            data = form.cleaned_data
            try:
                part = find_part(user, data["part"])
                move = receive_stock(
                    actor=user,
                    site=data["site"],
                    part=part,
                    quantity_received=data["quantity"],
                    owner=data["owner"],
                    reference=data["reference"],
                )
            except FORM_ERRORS as error:
                show_error(form, error)
            else:
                messages.success(
                    request,
                    f"Received {plain_number(move.quantity)} of {part.number} at "
                    f"{data['site'].code}: {plain_number(move.balance_after)} on hand.",
                )
                return redirect("stock_detail", move.item_id)
    lede = (
        "Goods into stock at one of your organisation's sites, your own or consigned by a "
        "customer. Goods ordered on a purchase order are received on the order's page, with "
        "their inspection."
    )
    if not form.fields["site"].queryset.exists():  # type: ignore[attr-defined]
        lede += " Your organisation has no active site yet: its administrators add them."
    return form_page(
        request,
        form=form,
        title="Receive stock",
        lede=lede,
        action=reverse("stock_receive"),
        submit="Receive",
        cancel_url=reverse("stock_list"),
        breadcrumbs=[("Stock", reverse("stock_list"))],
    )


def _issue_builds(user: Person, item: StockItem) -> Any:
    """The scheduled builds the person may see (goods are kitted to a build from any site);
    for goods a customer consigned, only the builds of that customer's programs."""
    builds = builds_visible_to(user).filter(status=BuildStatus.SCHEDULED)
    if item.owner_id != item.site.organisation_id:
        builds = builds.filter(program__owner_id=item.owner_id)
    return builds.select_related("assembly").order_by("due_date", "pk")


def _transfer_sites(user: Person, item: StockItem) -> Any:
    return own_sites(user).exclude(pk=item.site_id).order_by("code")


ACTIONS: dict[str, Callable[..., AccordForm]] = {
    "issue": lambda user, item, data=None: IssueStockForm(
        data, builds=_issue_builds(user, item), auto_id="issue_%s"
    ),
    "adjust": lambda user, item, data=None: AdjustStockForm(data, auto_id="adjust_%s"),
    "scrap": lambda user, item, data=None: ScrapStockForm(data, auto_id="scrap_%s"),
    "transfer": lambda user, item, data=None: TransferStockForm(
        data, sites=_transfer_sites(user, item), auto_id="transfer_%s"
    ),
}


def _detail(
    request: HttpRequest,
    item: StockItem,
    bound: tuple[str, AccordForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = person(request)
    moves = item.moves.select_related("actor", "build__assembly").order_by("-created_at", "-id")
    page_obj = paginate(request, moves, per_page=LEDGER_PAGE)
    can_move = item.site.organisation_id == user.organisation_id and item.site.retired_at is None
    forms = {name: make(user, item) for name, make in ACTIONS.items()} if can_move else {}
    if bound:  # a form sent back, with its error (a site retired meanwhile too)
        forms[bound[0]] = bound[1]
    page_obj.object_list = list(page_obj.object_list)
    builds = {m.build_id for m in page_obj.object_list if m.build_id}
    # A build the person may not see (another customer's) is not named in the ledger.
    shown_builds = (
        set(builds_visible_to(user).filter(pk__in=builds).values_list("pk", flat=True))
        if builds
        else set()
    )
    level = StockLevel.objects.filter(site_id=item.site_id, part_id=item.part_id).first()
    context = {
        "item": item,
        "holding": holding(item),
        "level": level,
        "page_obj": page_obj,
        "moves": [
            (m, _signed(m), m.build if m.build_id in shown_builds else None)
            for m in page_obj.object_list
        ],
        "forms": forms,
    }
    return supply_page(request, "supply/stock_detail.html", context, status=status)


def _signed(move: StockMove) -> str:
    text = plain_number(move.quantity)
    return text if text.startswith("-") else f"+{text}"


@login_required
@require_GET
def stock_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = person(request)
    item = get_stock_item_for_user(user, pk)
    log_stock_item_read(user, item, channel="web", path=request.path)
    return _detail(request, item)


def _move(
    request: HttpRequest, pk: int, action: str, do: Callable[[Person, StockItem, Any], str]
) -> HttpResponse:
    """A move of the stock item by its holder's people; the message, or the form again."""
    user = person(request)
    item = get_stock_item_for_user(user, pk, write=True)
    form = ACTIONS[action](user, item, request.POST)
    if form.is_valid():
        try:
            done = do(user, item, form.cleaned_data)
        except FORM_ERRORS as error:
            show_error(form, error)
        else:
            messages.success(request, done)
            return redirect(reverse("stock_detail", args=[item.pk]) + "#ledger")
    return _detail(request, item, bound=(action, form), status=422)


def _issue(user: Person, item: StockItem, data: dict[str, Any]) -> str:
    move = issue_stock(
        actor=user,
        item=item,
        quantity_issued=data["quantity"],
        build=data["build"],
        reference=data["reference"],
    )
    to = f" to {data['build']}" if data["build"] else ""
    return f"Issued {plain_number(-move.quantity)}{to}: {plain_number(move.balance_after)} left."


def _adjust(user: Person, item: StockItem, data: dict[str, Any]) -> str:
    move = adjust_stock(actor=user, item=item, change=data["change"], reason=data["reason"])
    return f"Adjusted by {_signed(move)}: {plain_number(move.balance_after)} on hand."


def _scrap(user: Person, item: StockItem, data: dict[str, Any]) -> str:
    move = scrap_stock(
        actor=user, item=item, quantity_scrapped=data["quantity"], reason=data["reason"]
    )
    return f"Scrapped {plain_number(-move.quantity)}: {plain_number(move.balance_after)} left."


def _transfer(user: Person, item: StockItem, data: dict[str, Any]) -> str:
    out, _ = transfer_stock(
        actor=user,
        item=item,
        to_site=data["to_site"],
        quantity_moved=data["quantity"],
        reference=data["reference"],
    )
    return (
        f"Moved {plain_number(-out.quantity)} to {data['to_site'].code}: "
        f"{plain_number(out.balance_after)} left here."
    )


@login_required
@require_POST
def stock_issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "issue", _issue)


@login_required
@require_POST
def stock_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "adjust", _adjust)


@login_required
@require_POST
def stock_scrap(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "scrap", _scrap)


@login_required
@require_POST
def stock_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "transfer", _transfer)
