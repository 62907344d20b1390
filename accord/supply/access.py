"""Who may see which site, stock, order, delivery, build, offer and allocation. The only way to
reach them.

- Stock belongs to the organisation that holds it: its people see all of it, and a customer
  sees the goods it consigned there. A program's other partners see a holder's own stock only
  for the parts of that program's BOMs they may see, only while an NDA between the two
  organisations covers the program; never stock that another customer consigned (the EMS
  building for two OEMs shows each OEM only its own). Sellers see only their own stock.
- Purchase orders, their lines and deliveries: the buyer's and the supplier's people who are
  members of the order's program; nobody else. A supplier never sees another supplier's orders.
- Builds: the program's members while an NDA with its owner covers it (a schedule is a
  forecast, restricted data), sellers excepted (a supplier sees only what the buyer shares
  with it as a forecast, never the schedule).
- Offers and allocations: the organisation whose information it is and the supplier.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Upper

from accord.core.access import get_or_404, record_restricted_read, record_restricted_rows_read
from accord.core.db import chunked
from accord.core.errors import Forbidden
from accord.core.memo import memoised
from accord.orgs.access import (
    Reach,
    ndas_in_force,
    organisations_visible_to,
    programs_visible_to,
    reach_of,
)
from accord.orgs.choices import OrganisationKind
from accord.orgs.models import Organisation, Program, ProgramPartner
from accord.parts.access import (
    boms_visible_to,
    manufacturer_parts_visible_to,
    parts_visible_to,
)
from accord.parts.models import ApprovedSource, BomLine, Part
from accord.supply.choices import LineStatus, OrderStatus
from accord.supply.models import (
    Allocation,
    Build,
    BuildVersion,
    Delivery,
    PurchaseOrder,
    PurchaseOrderLine,
    Site,
    StockItem,
    StockLevel,
    StockMove,
    SupplierOffer,
)

NOTHING = Q(pk__in=[])


def partner_stock_programs(user: Any) -> dict[int, list[int]]:
    """Holder organisation -> the person's programs in which they may see its own stock: the
    holder takes part in the program (owner or partner) and an NDA in force between the two
    organisations covers it. Worked out once per request."""
    reach = reach_of(user)
    if reach.organisation_id is None or reach.seller or not reach.programs:
        return {}
    return memoised(("partner_stock_programs", user.pk), lambda: _partner_programs(reach))


def _partner_programs(reach: Reach) -> dict[int, list[int]]:
    org = reach.organisation_id
    covers_all: set[int] = set()
    covered: set[tuple[int, int]] = set()
    for party_a, party_b, all_programs, program in (
        ndas_in_force()
        .filter(Q(party_a_id=org) | Q(party_b_id=org))
        .values_list("party_a_id", "party_b_id", "covers_all_programs", "programs")
    ):
        other = party_b if party_a == org else party_a
        if all_programs:
            covers_all.add(other)
        if program is not None:
            covered.add((other, program))
    if not covers_all and not covered:
        return {}
    participants = [(program, owner) for program, owner in reach.owners.items()] + list(
        ProgramPartner.objects.filter(program_id__in=reach.programs).values_list(
            "program_id", "organisation_id"
        )
    )
    allowed: dict[int, list[int]] = defaultdict(list)
    for program, holder in participants:
        if holder != org and (holder in covers_all or (holder, program) in covered):
            allowed[holder].append(program)
    return {holder: sorted(set(programs)) for holder, programs in allowed.items()}


def stock_visibility(user: Any, prefix: str = "") -> Q:
    reach = reach_of(user)
    org = reach.organisation_id
    if org is None:
        return NOTHING
    p = prefix
    condition = Q(**{f"{p}site__organisation_id": org}) | Q(**{f"{p}owner_id": org})
    visible_boms = boms_visible_to(user)
    for holder, programs in partner_stock_programs(user).items():
        parts = BomLine.objects.filter(bom__in=visible_boms.filter(program_id__in=programs)).values(
            "part_id"
        )
        condition |= Q(
            **{
                f"{p}site__organisation_id": holder,
                f"{p}owner_id": holder,
                f"{p}part_id__in": parts,
            }
        )
    return condition


def stock_visible_to(user: Any) -> QuerySet[StockItem]:
    return StockItem.objects.filter(stock_visibility(user))


def get_stock_item_for_user(user: Any, pk: Any, *, write: bool = False) -> StockItem:
    item = get_or_404(
        stock_visible_to(user).select_related("site__organisation", "part", "owner"), pk=pk
    )
    # A retired site of their own is the services' Conflict, not a refusal of the person.
    if write and reach_of(user).organisation_id != item.site.organisation_id:
        raise Forbidden("Only people of the organisation that holds the stock may move it.")
    return item


def moves_visible_to(user: Any) -> QuerySet[StockMove]:
    return StockMove.objects.filter(stock_visibility(user, "item__"))


def moves_of_item(user: Any, item: StockItem) -> QuerySet[StockMove]:
    """The ledger of a stock item the person reached through get_stock_item_for_user."""
    return moves_visible_to(user).filter(item_id=item.pk)


def with_stock_levels(items: QuerySet[StockItem]) -> QuerySet[StockItem]:
    """Stock items annotated with the Min level and safety stock kept for their part at their
    site (None where none is set)."""
    levels = StockLevel.objects.filter(site_id=OuterRef("site_id"), part_id=OuterRef("part_id"))
    return items.annotate(
        min_level=Subquery(levels.values("min_level")[:1]),
        safety_stock=Subquery(levels.values("safety_stock")[:1]),
    )


def can_move_stock_at(user: Any, site: Site) -> bool:
    return reach_of(user).organisation_id == site.organisation_id and site.retired_at is None


def sites_visible_to(user: Any) -> QuerySet[Site]:
    """The person's own organisation's sites, and the sites holding stock they may see."""
    org = reach_of(user).organisation_id
    if org is None:
        return Site.objects.none()
    return Site.objects.filter(
        Q(organisation_id=org) | Q(pk__in=stock_visible_to(user).values("site_id"))
    )


def get_site_for_user(user: Any, pk: Any, *, write: bool = False) -> Site:
    site = get_or_404(sites_visible_to(user).select_related("organisation"), pk=pk)
    if write and not can_manage_sites(user, site.organisation_id):
        raise Forbidden("Only administrators of the site's organisation may change its sites.")
    return site


def get_site_for_stock_moves(user: Any, pk: Any) -> Site:
    """A site where the person receives goods or sets stock levels: NotFound unless they may
    see it, Forbidden unless it is their organisation's (a retired one is the services'
    Conflict)."""
    site = get_site_for_user(user, pk)
    if reach_of(user).organisation_id != site.organisation_id:
        raise Forbidden("Only people of the site's organisation may receive or plan stock there.")
    return site


def can_manage_sites(user: Any, organisation_id: int) -> bool:
    return bool(
        reach_of(user).organisation_id == organisation_id and getattr(user, "is_org_admin", False)
    )


def order_visibility(user: Any, prefix: str = "") -> Q:
    """The buyer's program members see its orders; the supplier's people see the orders it
    was sent (a draft is the buyer's own working paper until it is issued)."""
    reach = reach_of(user)
    org = reach.organisation_id
    if org is None or not reach.programs:
        return NOTHING
    p = prefix
    sent = Q(**{f"{p}supplier_id": org}) & ~Q(**{f"{p}status": OrderStatus.DRAFT})
    return Q(**{f"{p}program_id__in": reach.programs}) & (Q(**{f"{p}buyer_id": org}) | sent)


def orders_visible_to(user: Any) -> QuerySet[PurchaseOrder]:
    return PurchaseOrder.objects.filter(order_visibility(user))


def get_order_for_user(user: Any, pk: Any, *, write: bool = False) -> PurchaseOrder:
    order = get_or_404(
        orders_visible_to(user).select_related(
            "buyer", "supplier", "program", "ship_to__organisation"
        ),
        pk=pk,
    )
    if write and reach_of(user).organisation_id != order.buyer_id:
        raise Forbidden("Only the buyer's people may change this order.")
    return order


def order_lines_visible_to(user: Any) -> QuerySet[PurchaseOrderLine]:
    return PurchaseOrderLine.objects.filter(order_visibility(user, "order__"))


def get_order_line_for_user(user: Any, pk: Any, *, write: bool = False) -> PurchaseOrderLine:
    """A line of an order the person may see (NotFound otherwise), with its order loaded as
    get_order_for_user loads it; `write`: the buyer's people only (Forbidden otherwise)."""
    line = get_or_404(order_lines_visible_to(user).select_related("part"), pk=pk)
    line.order = get_order_for_user(user, line.order_id, write=write)
    return line


def lines_of_order(user: Any, order: PurchaseOrder) -> QuerySet[PurchaseOrderLine]:
    return order_lines_visible_to(user).filter(order_id=order.pk)


def deliveries_visible_to(user: Any) -> QuerySet[Delivery]:
    return Delivery.objects.filter(order_visibility(user, "line__order__"))


def deliveries_of_order(user: Any, order: PurchaseOrder) -> QuerySet[Delivery]:
    return deliveries_visible_to(user).filter(line__order_id=order.pk)


def build_visibility(user: Any, prefix: str = "") -> Q:
    """A build schedule is a forecast, restricted data of the program's owner: its members
    see it while an NDA with the owner covers the program (the owner's own always)."""
    reach = reach_of(user)
    if reach.organisation_id is None or reach.seller or not reach.restricted:
        return NOTHING
    return Q(**{f"{prefix}program_id__in": reach.restricted})


def builds_visible_to(user: Any) -> QuerySet[Build]:
    return Build.objects.filter(build_visibility(user))


def get_build_for_user(user: Any, pk: Any, *, write: bool = False) -> Build:
    build = get_or_404(
        builds_visible_to(user).select_related("program__owner", "assembly", "site"), pk=pk
    )
    if write and not can_schedule_builds(user, build.program_id):
        raise Forbidden("Only the program's members may change its build schedule.")
    return build


def versions_of_build(user: Any, build: Build) -> QuerySet[BuildVersion]:
    """Every version of a build the person reached through get_build_for_user."""
    return BuildVersion.objects.filter(build_visibility(user, "build__"), build_id=build.pk)


def can_schedule_builds(user: Any, program_id: int) -> bool:
    reach = reach_of(user)
    return not reach.seller and program_id in reach.restricted


def offers_visible_to(user: Any) -> QuerySet[SupplierOffer]:
    """An offer a buyer recorded (a distributor's quote or export) is the buyer's; the supplier
    it names sees it too. An offer a supplier published itself reaches the buying
    organisations (not other sellers) that share one of the person's programs with it."""
    reach = reach_of(user)
    org = reach.organisation_id
    if org is None:
        return SupplierOffer.objects.none()
    own = Q(organisation_id=org) | Q(supplier_id=org)
    if reach.seller or not reach.programs:
        return SupplierOffer.objects.filter(own)
    partners = ProgramPartner.objects.filter(program_id__in=reach.programs).values(
        "organisation_id"
    )
    published = Q(organisation_id=F("supplier_id"), supplier_id__in=partners)
    return SupplierOffer.objects.filter(own | published)


def get_offer_for_user(user: Any, pk: Any, *, write: bool = False) -> SupplierOffer:
    offer = get_or_404(offers_visible_to(user), pk=pk)
    if write and reach_of(user).organisation_id != offer.organisation_id:
        raise Forbidden("Only the organisation that recorded this offer may change it.")
    return offer


def allocations_visible_to(user: Any) -> QuerySet[Allocation]:
    org = reach_of(user).organisation_id
    if org is None:
        return Allocation.objects.none()
    return Allocation.objects.filter(Q(buyer_id=org) | Q(supplier_id=org))


# The pages' choices and their access-log entries --------------------------------------------


def own_sites(user: Any) -> QuerySet[Site]:
    """The active sites of the person's organisation: where they receive, move and build."""
    org = reach_of(user).organisation_id
    if org is None:
        return Site.objects.none()
    return Site.objects.filter(organisation_id=org, retired_at__isnull=True)


def stock_owner_choices(user: Any) -> QuerySet[Organisation]:
    """Who may own goods received at the person's sites: their own organisation, or a customer
    that owns a program their organisation takes part in (consigned stock)."""
    org = reach_of(user).organisation_id
    if org is None:
        return Organisation.objects.none()
    customers = ProgramPartner.objects.filter(organisation_id=org).values("program__owner_id")
    return organisations_visible_to(user).filter(Q(pk=org) | Q(pk__in=customers))


def parts_for_supply(user: Any) -> QuerySet[Part]:
    """The parts a person may name in a supply form: the parts they may see, and the parts of
    the stock they may see (a holder's people see all it holds)."""
    if reach_of(user).organisation_id is None:
        return Part.objects.none()
    return Part.objects.filter(
        Q(pk__in=parts_visible_to(user).values("pk"))
        | Q(pk__in=stock_visible_to(user).values("part_id"))
    )


def parts_for_builds(user: Any) -> QuerySet[Part]:
    """The parts a person may name as a build's assembly: those of parts_for_supply, and the
    assemblies of the BOMs they may see (a top-level assembly is no BOM's line)."""
    if reach_of(user).organisation_id is None:
        return Part.objects.none()
    return Part.objects.filter(
        Q(pk__in=parts_for_supply(user).values("pk"))
        | Q(pk__in=boms_visible_to(user).values("assembly_id"))
    )


def can_order(user: Any) -> bool:
    """Buyers order: people of an organisation that does not sell."""
    reach = reach_of(user)
    return reach.organisation_id is not None and not reach.seller


def programs_for_orders(user: Any) -> QuerySet[Program]:
    """The programs the person may order for: their own, not archived (never for a seller)."""
    if not can_order(user):
        return Program.objects.none()
    return programs_visible_to(user).filter(archived_at__isnull=True)


def sellers_for_orders(user: Any) -> QuerySet[Organisation]:
    """The suppliers and distributors taking part in the programs the person may order for."""
    if not can_order(user):
        return Organisation.objects.none()
    partners = ProgramPartner.objects.filter(program_id__in=reach_of(user).programs)
    return organisations_visible_to(user).filter(
        kind__in=OrganisationKind.sellers(), pk__in=partners.values("organisation_id")
    )


def can_receive_order(user: Any, order: PurchaseOrder) -> bool:
    """The buyer's people, or the people of the site the order ships to, receive its goods."""
    org = reach_of(user).organisation_id
    if org is None:
        return False
    return org == order.buyer_id or (
        order.ship_to is not None and order.ship_to.organisation_id == org
    )


def programs_for_builds(user: Any) -> QuerySet[Program]:
    """The programs whose build schedule the person may change, not archived."""
    reach = reach_of(user)
    if reach.seller or not reach.restricted:
        return Program.objects.none()
    return Program.objects.filter(pk__in=reach.restricted, archived_at__isnull=True)


def seller_choices(user: Any) -> QuerySet[Organisation]:
    """The suppliers and distributors a person may record an offer from."""
    return organisations_visible_to(user).filter(kind__in=OrganisationKind.sellers())


def allocation_buyer_choices(user: Any) -> QuerySet[Organisation]:
    """The organisations a supplier may commit an allocation to: those it sees that buy."""
    reach = reach_of(user)
    if not reach.seller:
        return Organisation.objects.none()
    return organisations_visible_to(user).exclude(kind__in=OrganisationKind.sellers())


def log_stock_read(
    user: Any, item_ids: Iterable[int] | QuerySet[Any], *, description: str, channel: str, path: str
) -> None:
    """A list, a page or an export of stock: one access-log entry per holder whose own stock
    (the restricted data a partner reads under an NDA) it returned, with the number of rows.
    Goods a customer consigned are the customer's: its own people reading them log nothing,
    nor do the holder's people reading what they hold."""
    org = reach_of(user).organisation_id
    ids = item_ids if isinstance(item_ids, QuerySet) else list(item_ids)
    if org is None or (not isinstance(ids, QuerySet) and not ids):
        return
    counts = (
        StockItem.objects.filter(pk__in=ids, owner_id=F("site__organisation_id"))
        .exclude(owner_id=org)
        .order_by()
        .values_list("owner_id")
        .annotate(n=Count("pk"))
    )
    record_restricted_rows_read(
        user,
        [(int(owner), int(n)) for owner, n in counts],
        model=StockItem,
        description=description,
        channel=channel,
        path=path,
    )


def log_stock_item_read(user: Any, item: StockItem, *, channel: str, path: str) -> None:
    """One stock item and its ledger: logged when it is another holder's own stock."""
    holder = item.site.organisation
    if item.owner_id == holder.pk:
        record_restricted_read(user, item, owner=holder, program=None, channel=channel, path=path)


def log_order_read(user: Any, order: PurchaseOrder, *, channel: str, path: str) -> None:
    """An order's lines with their prices are the buyer's restricted data: the supplier's
    reading them is logged for the buyer (once per page, when a line carries a price)."""
    if order.lines.filter(unit_price__isnull=False).exists():
        record_restricted_read(
            user, order, owner=order.buyer, program=order.program, channel=channel, path=path
        )


def log_builds_read(
    user: Any,
    build_ids: Iterable[int] | QuerySet[Any],
    *,
    description: str,
    channel: str,
    path: str,
) -> None:
    """A build schedule is the program owner's forecast: one entry per owner whose builds a
    list or an export returned to another organisation."""
    org = reach_of(user).organisation_id
    ids = build_ids if isinstance(build_ids, QuerySet) else list(build_ids)
    if org is None or (not isinstance(ids, QuerySet) and not ids):
        return
    counts = (
        Build.objects.filter(pk__in=ids)
        .exclude(program__owner_id=org)
        .order_by()
        .values_list("program__owner_id")
        .annotate(n=Count("pk"))
    )
    record_restricted_rows_read(
        user,
        [(int(owner), int(n)) for owner, n in counts],
        model=Build,
        description=description,
        channel=channel,
        path=path,
    )


def log_build_read(user: Any, build: Build, *, channel: str, path: str) -> None:
    record_restricted_read(
        user,
        build,
        owner=build.program.owner,
        program=build.program,
        channel=channel,
        path=path,
    )


# An organisation's own records, as a whole: what its scorecards count (scorecards/queries.py).
# Not for showing rows to a person: a page lists orders through order_visibility.


def orders_placed_by(organisation_id: int) -> QuerySet[PurchaseOrder]:
    """The organisation's orders once issued (drafts are nobody's business yet), cancelled
    orders left out."""
    return PurchaseOrder.objects.filter(buyer_id=organisation_id).exclude(
        status__in=[OrderStatus.DRAFT, OrderStatus.CANCELLED]
    )


def newest_order_line_id() -> int:
    """The largest order-line id there is (0 when none): a bound for reading lines by ranges
    of ids, which shows nothing of any line."""
    return PurchaseOrderLine.objects.aggregate(newest=Max("pk"))["newest"] or 0


def order_lines_placed_by(organisation_id: int) -> QuerySet[PurchaseOrderLine]:
    """The lines of orders_placed_by, cancelled lines left out. Joins, not IN (subquery):
    SQLite would read every line of the buyer for each range of lines asked for."""
    return PurchaseOrderLine.objects.filter(order__buyer_id=organisation_id).exclude(
        Q(order__status__in=[OrderStatus.DRAFT, OrderStatus.CANCELLED])
        | Q(status=LineStatus.CANCELLED)
    )


def order_lines_received_by(organisation_id: int) -> QuerySet[PurchaseOrderLine]:
    """The lines of the orders the organisation was sent (it is their supplier), once issued,
    cancelled orders and lines left out: its own records of what its customers ordered, for
    its cards of them, never for showing (order_lines_visible_to is)."""
    return PurchaseOrderLine.objects.filter(order__supplier_id=organisation_id).exclude(
        Q(order__status__in=[OrderStatus.DRAFT, OrderStatus.CANCELLED])
        | Q(status=LineStatus.CANCELLED)
    )


def deliveries_placed_by(organisation_id: int) -> QuerySet[Delivery]:
    return Delivery.objects.filter(line__order__buyer_id=organisation_id).exclude(
        Q(line__order__status__in=[OrderStatus.DRAFT, OrderStatus.CANCELLED])
        | Q(line__status=LineStatus.CANCELLED)
    )


def offers_known_to(organisation_id: int) -> QuerySet[SupplierOffer]:
    """The offers the organisation recorded and those suppliers published to everyone: its
    quoted prices."""
    return SupplierOffer.objects.filter(
        Q(organisation_id=organisation_id) | Q(organisation_id=F("supplier_id"))
    )


def stock_levels_at_sites_of(organisation_id: int) -> QuerySet[StockLevel]:
    return StockLevel.objects.filter(site__organisation_id=organisation_id, min_level__gt=0)


def moves_at_sites_of(organisation_id: int) -> QuerySet[StockMove]:
    return StockMove.objects.filter(item__site__organisation_id=organisation_id)


def last_moves_before(organisation_id: int, part_ids: Any, moment: Any) -> QuerySet[StockMove]:
    """The last ledger move before `moment` of each stock row of these parts at the
    organisation's sites (its balance then): one index lookup per stock row, however long
    the ledger."""
    last = (
        StockMove.objects.filter(item_id=OuterRef("pk"), created_at__lt=moment)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    rows = StockItem.objects.filter(site__organisation_id=organisation_id, part_id__in=part_ids)
    return moves_at_sites_of(organisation_id).filter(
        pk__in=rows.annotate(last=Subquery(last)).values("last")
    )


def build_versions_of(program_ids: Iterable[int]) -> QuerySet[BuildVersion]:
    """Every version of the builds of these programs (the organisation's records of its
    customers' schedules, for its cards of them)."""
    return BuildVersion.objects.filter(build__program_id__in=list(program_ids))


# What the supply imports look up, one query per kind of thing -------------------------------
# (per IMPORT_CHUNK values: SQLite and PostgreSQL cap the parameters of one statement)

IMPORT_CHUNK = 5000


def import_sites(user: Any, codes: Iterable[str]) -> list[tuple[int, str, int, bool]]:
    """(pk, code, organisation, retired) of the sites the person may see with these codes (any
    case): their organisation's own, and other holders' they see (refused by the import)."""
    wanted = {c.upper() for c in codes if c}
    if not wanted:
        return []
    rows = (
        sites_visible_to(user)
        .annotate(key=Upper("code"))
        .filter(key__in=wanted)
        .values_list("pk", "code", "organisation_id", "retired_at")
    )
    return [(pk, code, org, retired is not None) for pk, code, org, retired in rows]


def import_parts(
    user: Any, numbers: Iterable[str], *, assemblies: bool = False
) -> list[tuple[int, str, int]]:
    """(pk, number, owner) of the parts a supply import may name with these numbers (any
    case): parts_for_supply, or parts_for_builds for a build's assembly."""
    wanted = {n.upper() for n in numbers if n}
    if not wanted:
        return []
    parts = (parts_for_builds(user) if assemblies else parts_for_supply(user)).annotate(
        key=Upper("number")
    )
    return [
        row
        for chunk in chunked(sorted(wanted), IMPORT_CHUNK)
        for row in parts.filter(key__in=chunk).values_list("pk", "number", "owner_id")
    ]


def import_sources(user: Any, mpn_keys: Iterable[str]) -> list[tuple[str, int, int, str, int]]:
    """(mpn key, manufacturer part, part, manufacturer name, part owner) of the approved
    sources of the parts a supply import may name: a file giving only MPNs finds its parts."""
    keys = {k for k in mpn_keys if k}
    if not keys:
        return []
    sources = ApprovedSource.objects.filter(part__in=parts_for_supply(user).values("pk"))
    return [
        row
        for chunk in chunked(sorted(keys), IMPORT_CHUNK)
        for row in sources.filter(manufacturer_part__mpn_key__in=chunk).values_list(
            "manufacturer_part__mpn_key",
            "manufacturer_part_id",
            "part_id",
            "manufacturer_part__manufacturer__name",
            "part__owner_id",
        )
    ]


def import_manufacturer_parts(user: Any, mpn_keys: Iterable[str]) -> list[tuple[str, int, str]]:
    """(mpn key, pk, manufacturer name) of the manufacturer parts the person may name."""
    keys = {k for k in mpn_keys if k}
    if not keys:
        return []
    visible = manufacturer_parts_visible_to(user)
    return [
        row
        for chunk in chunked(sorted(keys), IMPORT_CHUNK)
        for row in visible.filter(mpn_key__in=chunk).values_list(
            "mpn_key", "pk", "manufacturer__name"
        )
    ]


def import_organisations(
    organisations: QuerySet[Organisation], names: Iterable[str]
) -> list[tuple[int, str, str, str]]:
    """(pk, name, slug, kind) of the organisations among a visible set (one of the choices
    above) named so (any case) or with this slug."""
    wanted = {n.strip().upper() for n in names if n and n.strip()}
    if not wanted:
        return []
    slugs = {n.lower() for n in wanted}
    rows = organisations.annotate(key=Upper("name")).filter(Q(key__in=wanted) | Q(slug__in=slugs))
    return list(rows.values_list("pk", "name", "slug", "kind"))


def import_programs(programs: QuerySet[Program], codes: Iterable[str]) -> list[tuple[int, str]]:
    """(pk, code) of the programs among a set (programs_for_orders, programs_for_builds)."""
    wanted = {c.upper() for c in codes if c}
    if not wanted:
        return []
    rows = programs.annotate(key=Upper("code")).filter(key__in=wanted)
    return list(rows.values_list("pk", "code"))


def import_own_orders(user: Any, numbers: Iterable[str]) -> list[tuple[int, str, str, int, int]]:
    """(pk, number, status, program, supplier) of the person's organisation's orders."""
    org = reach_of(user).organisation_id
    wanted = {n for n in numbers if n}
    if org is None or not wanted:
        return []
    rows = orders_visible_to(user).filter(buyer_id=org, number__in=wanted)
    return list(rows.values_list("pk", "number", "status", "program_id", "supplier_id"))


def import_program_partners(program_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(program, organisation) of the partners of these programs (the person's own programs:
    programs_for_orders), for the rules of an order: its supplier and where it ships."""
    ids = set(program_ids)
    if not ids:
        return set()
    rows = ProgramPartner.objects.filter(program_id__in=ids)
    return set(rows.values_list("program_id", "organisation_id"))


def import_boms(
    user: Any, program_ids: Iterable[int], part_ids: Iterable[int]
) -> set[tuple[int, int]]:
    """(program, assembly) of the visible BOMs of these programs and assemblies."""
    rows = boms_visible_to(user).filter(
        program_id__in=set(program_ids), assembly_id__in=set(part_ids)
    )
    return set(rows.values_list("program_id", "assembly_id"))


def import_customers(user: Any) -> set[int]:
    """The organisations that may own stock at the person's organisation's sites."""
    return set(stock_owner_choices(user).values_list("pk", flat=True))
