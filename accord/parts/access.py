"""Who may see which part, source and BOM. Lists are the visible set, computed in the query.

The conditions start from the person's Reach (accord.orgs.access): plain lists of program ids,
worked out once per request, so a check is a short IN list instead of nested subqueries.

Sellers (suppliers and distributors) see only what concerns them: the parts they are on the AML
of (as its supplier, or as the manufacturer of the MPN), and of each such part only their own
AML lines. A *pending* line is enough to see the part, so that a supplier can quote and qualify
it before it is approved; a rejected one is not. What a seller is shown of a part is computed
from its own lines too: the approved source count and the lifecycle roll-up (worst lifecycle of
the approved sources) count only its approved lines, and a search word matches only the part's
own text or its own lines' manufacturer and MPN, never another source's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Lower
from django.db.models.lookups import Contains

from accord.core.access import (
    get_or_404,
    is_person,
    record_restricted_read,
    record_restricted_reads,
    record_restricted_rows_read,
    restricted_rows_by_owner,
)
from accord.core.choices import Classification
from accord.core.errors import Forbidden
from accord.core.memo import memoised
from accord.orgs.access import reach_of
from accord.orgs.choices import OrganisationKind
from accord.parts.choices import BomImportStatus, Lifecycle, SourceStatus
from accord.parts.models import ApprovedSource, Bom, BomLine, ManufacturerPart, Part
from accord.parts.queries import PartFilters, filter_parts, lifecycle_risk, search_condition
from accord.parts.value_keys import SearchWord


def _seller_lines(org: int | None, prefix: str = "") -> Q:
    """The AML lines a seller sees: those it supplies, and those of MPNs it manufactures."""
    return Q(**{f"{prefix}supplier_id": org}) | Q(
        **{f"{prefix}manufacturer_part__manufacturer__organisation_id": org}
    )


def bom_visibility(user: Any, prefix: str = "") -> Q:
    """The condition for a BOM (reached through `prefix`) to be visible to this person: program
    BOMs to the program's members, restricted ones to members under an NDA in force covering
    the program (or of its owner), internal ones to the owner's members.

    Sellers never see BOMs: they see only the parts they are approved for.
    """
    reach = reach_of(user)
    if reach.organisation_id is None or reach.seller:
        return Q(pk__in=[])
    p = prefix
    # Grouped by what a program lets the person read, so that the usual cases are one term:
    # their own organisation's programs, every BOM; others' under an NDA, all but internal
    # ones; the rest, program BOMs only.
    owned = set(reach.owned)
    under_nda = [pk for pk in reach.restricted if pk not in owned]
    program_only = [pk for pk in reach.programs if pk not in owned and pk not in under_nda]
    condition = Q()
    if owned:
        condition |= Q(**{f"{p}program_id__in": reach.owned})
    if under_nda:
        condition |= Q(
            **{
                f"{p}program_id__in": under_nda,
                f"{p}classification__in": (Classification.PROGRAM, Classification.RESTRICTED),
            }
        )
    if program_only:
        condition |= Q(
            **{f"{p}program_id__in": program_only, f"{p}classification": Classification.PROGRAM}
        )
    return condition if condition else Q(pk__in=[])


def boms_visible_to(user: Any) -> QuerySet[Bom]:
    reach = reach_of(user)
    if reach.organisation_id is None or reach.seller or not reach.programs:
        return Bom.objects.none()
    # Built once a request (a fresh clone each call, so no caller sees another's results).
    built = memoised(("boms_visible_to", user.pk), lambda: Bom.objects.filter(bom_visibility(user)))
    return built.all()


def get_bom_for_user(
    user: Any, pk: Any, *, write: bool = False, channel: str = "web", path: str = ""
) -> Bom:
    bom = get_or_404(boms_visible_to(user).select_related("program__owner", "assembly"), pk=pk)
    if write and not can_edit_program_boms(user, bom.program_id, bom.program.owner_id):
        raise Forbidden("Only members of the program's owner may change its BOMs.")
    if bom.classification == Classification.RESTRICTED and not write:
        record_restricted_read(
            user, bom, owner=bom.program.owner, program=bom.program, channel=channel, path=path
        )
    return bom


def can_edit_program_boms(user: Any, program_id: int, owner_id: int) -> bool:
    reach = reach_of(user)
    return reach.organisation_id == owner_id and program_id in reach.programs


def parts_visible_to(user: Any, *, one: bool = False) -> QuerySet[Part]:
    """Own catalogue; parts in BOMs the person may see; for sellers, parts they are approved for.

    Another organisation's part follows its own classification too: internal parts never
    leave their owner; restricted parts need the NDA that restricted BOMs need (for program
    members: an NDA covering a program whose BOM uses the part; for sellers: an NDA in force
    with the owner).

    Each part carries `visible_source_count` and `visible_lifecycle`: the roll-ups as this
    person may see them (see the module's docstring). Show, filter and sort on those, never
    on approved_source_count and lifecycle.

    `one`: the caller looks up a single part, so other organisations' parts are checked by
    probing the BOM lines of that part rather than by listing every visible line.
    """
    if reach_of(user).organisation_id is None:
        return Part.objects.none()
    # Built once a request (a fresh clone each call, so no caller sees another's results).
    built = memoised(("parts_visible_to", user.pk, one), lambda: _parts_visible_to(user, one))
    return built.all()


def _parts_visible_to(user: Any, one: bool) -> QuerySet[Part]:
    reach = reach_of(user)
    org = reach.organisation_id
    assert org is not None
    shareable = ~Q(classification=Classification.INTERNAL)
    if reach.seller:
        # Pending lines count: the supplier quotes and qualifies the part before approval.
        on_aml = (
            ApprovedSource.objects.filter(part=OuterRef("pk"))
            .exclude(status=SourceStatus.REJECTED)
            .filter(_seller_lines(org))
        )
        restricted_ok = ~Q(classification=Classification.RESTRICTED) | Q(
            owner_id__in=reach.nda_partners
        )
        visible = Q(owner_id=org) | (Q(Exists(on_aml)) & shareable & restricted_ok)
        return _with_seller_rollups(Part.objects.filter(visible), org)
    if not reach.programs:
        visible = Q(owner_id=org)
    else:
        lines = BomLine.objects.filter(bom_visibility(user, prefix="bom__"))
        under_nda = BomLine.objects.filter(bom__program_id__in=reach.restricted)
        if reach.owned or one:
            # A program owner's people see mostly their own catalogue: scan it and probe the
            # BOM lines of the few other parts (as for a single part).
            in_visible_bom = Q(Exists(lines.filter(part=OuterRef("pk"))))
            in_nda_program = Q(Exists(under_nda.filter(part=OuterRef("pk"))))
        else:
            # A partner sees other organisations' parts through the BOM lines it may read:
            # start from those lines (probing them for every part in the catalogue took
            # 15 ms for a count of 50,000 parts on SQLite; this, 3 ms).
            in_visible_bom = Q(pk__in=lines.values("part_id"))
            in_nda_program = Q(pk__in=under_nda.values("part_id"))
        restricted_ok = ~Q(classification=Classification.RESTRICTED) | in_nda_program
        visible = Q(owner_id=org) | (in_visible_bom & shareable & restricted_ok)
    return _with_own_rollups(Part.objects.filter(visible))


def _with_own_rollups(parts: QuerySet[Part]) -> QuerySet[Part]:
    """Everyone but a seller sees a part's roll-ups as stored (so does a seller its own)."""
    return parts.annotate(
        visible_source_count=F("approved_source_count"), visible_lifecycle=F("lifecycle")
    )


def _with_seller_rollups(parts: QuerySet[Part], org: int) -> QuerySet[Part]:
    """The roll-ups from the seller's own approved lines (all lines for its own parts)."""
    lines = ApprovedSource.objects.filter(part=OuterRef("pk"), status=SourceStatus.APPROVED).filter(
        _seller_lines(org)
    )
    count = lines.order_by().values("part").annotate(n=Count("pk")).values("n")
    worst = lines.order_by(lifecycle_risk().desc()).values("manufacturer_part__lifecycle")[:1]
    own = Q(owner_id=org)
    return parts.annotate(
        visible_source_count=Case(
            When(own, then=F("approved_source_count")),
            default=Coalesce(Subquery(count), Value(0)),
            output_field=IntegerField(),
        ),
        visible_lifecycle=Case(
            When(own, then=F("lifecycle")),
            default=Coalesce(Subquery(worst), Value(Lifecycle.UNKNOWN)),
            output_field=CharField(),
        ),
    )


def part_word_condition(user: Any) -> Callable[[SearchWord], Q]:
    """What a search word must match for this person. Part.search_text holds the part's number,
    description, value and package and every source's manufacturer and MPN, lower-cased;
    Part.value_keys the part's own values (value_keys.py); both have a trigram index on
    PostgreSQL. A seller's text word must also be in the part's own text or in one of its own
    lines: a hidden alternate's MPN finds nothing. Value keys come from the part's own value
    and description, which the seller sees."""
    reach = reach_of(user)
    if not reach.seller:
        return search_condition
    org = reach.organisation_id
    own_text = Lower(
        Concat(
            "number",
            Value(" "),
            "description",
            Value(" "),
            "value",
            Value(" "),
            "package",
            output_field=TextField(),
        )
    )
    source_text = Lower(
        Concat(
            "manufacturer_part__manufacturer__name",
            Value(" "),
            "manufacturer_part__mpn",
            output_field=TextField(),
        )
    )

    def condition(word: SearchWord) -> Q:
        in_own_lines = (
            ApprovedSource.objects.filter(part=OuterRef("pk"))
            .filter(_seller_lines(org))
            .alias(text=source_text)
            .filter(text__contains=word.text)
        )
        # search_text first: it holds every word the other two can match, and has the index.
        seen_text = Q(search_text__contains=word.text) & (
            Q(owner_id=org) | Q(Contains(own_text, word.text)) | Q(Exists(in_own_lines))
        )
        return seen_text | Q(value_keys__contains=word.key) if word.key else seen_text

    return condition


def parts_for_list(user: Any, filters: PartFilters) -> QuerySet[Part]:
    """The parts list, search and exports: the visible parts, filtered as this person may."""
    return filter_parts(parts_visible_to(user), filters, word_matches=part_word_condition(user))


def get_part_for_user(
    user: Any, pk: Any, *, write: bool = False, channel: str = "web", path: str = ""
) -> Part:
    reach = reach_of(user)
    # An organisation always sees its own parts, as they are: a primary-key lookup answers
    # the owner without building the rule for other organisations' parts.
    own = _with_own_rollups(Part.objects.filter(owner_id=reach.organisation_id))
    try:
        part = own.select_related("owner", "category").filter(pk=pk).first()
    except (ValueError, TypeError):
        part = None
    if part is None:
        visible = parts_visible_to(user, one=True)
        part = get_or_404(visible.select_related("owner", "category"), pk=pk)
    if write and part.owner_id != reach.organisation_id:
        raise Forbidden("Only the part's owner may change it.")
    if part.classification == Classification.RESTRICTED and not write:
        record_restricted_read(
            user, part, owner=part.owner, program=None, channel=channel, path=path
        )
    return part


def sources_visible_to(user: Any, part: Part) -> QuerySet[ApprovedSource]:
    """A part's approved sources; a seller sees only its own lines of the AML."""
    qs = ApprovedSource.objects.filter(part=part).select_related(
        "manufacturer_part__manufacturer", "supplier"
    )
    reach = reach_of(user)
    if reach.organisation_id is None:
        return qs.none()
    if reach.seller and part.owner_id != reach.organisation_id:
        qs = qs.filter(_seller_lines(reach.organisation_id))
    return qs


def approved_sources_visible_to(user: Any) -> QuerySet[ApprovedSource]:
    """Every AML line the person sees, across the parts they see (sources_visible_to, as a
    set): a seller only its own lines of another organisation's parts."""
    reach = reach_of(user)
    if reach.organisation_id is None:
        return ApprovedSource.objects.none()
    lines = ApprovedSource.objects.filter(part_id__in=parts_visible_to(user).values("pk"))
    if reach.seller:
        org = reach.organisation_id
        lines = lines.filter(Q(part__owner_id=org) | _seller_lines(org))
    return lines


def with_listed_source(user: Any, parts: QuerySet[Part]) -> QuerySet[Part]:
    """Annotate parts (of parts_visible_to) for the lists' manufacturer and MPN columns:
    `listed_manufacturer` and `listed_mpn` of the first approved source by rank that the person
    may see. Sources are read as `sources_visible_to` reads them: a seller sees only its own
    lines of another's AML, so `visible_source_count` counts what the list can show."""
    approved = ApprovedSource.objects.filter(part=OuterRef("pk"), status=SourceStatus.APPROVED)
    reach = reach_of(user)
    if reach.seller:
        approved = approved.filter(
            Q(part__owner_id=reach.organisation_id) | _seller_lines(reach.organisation_id)
        )
    first = approved.order_by("rank", "pk")
    return parts.annotate(
        listed_manufacturer=Subquery(first.values("manufacturer_part__manufacturer__name")[:1]),
        listed_mpn=Subquery(first.values("manufacturer_part__mpn")[:1]),
    )


def manufacturer_parts_visible_to(user: Any) -> QuerySet[ManufacturerPart]:
    """Catalogue parts are public facts; custom parts only to their owner and approved users
    (for a seller: through its own AML lines only)."""
    reach = reach_of(user)
    if reach.organisation_id is None:
        return ManufacturerPart.objects.none()
    approvals = ApprovedSource.objects.filter(part__in=parts_visible_to(user))
    if reach.seller:
        approvals = approvals.filter(_seller_lines(reach.organisation_id))
    return ManufacturerPart.objects.filter(
        Q(owner__isnull=True)
        | Q(owner_id=reach.organisation_id)
        | Q(pk__in=approvals.values("manufacturer_part_id"))
    )


@dataclass(frozen=True, slots=True)
class WhereUsed:
    """A line of a visible BOM that uses the part, with what the page and the API show."""

    bom_id: int
    revision: str
    assembly_id: int
    assembly_number: str
    program_id: int
    program_code: str
    program_name: str
    position: int
    quantity: Decimal
    designators: str
    dnp: bool


WHERE_USED_FIELDS = (
    "bom_id",
    "bom__revision",
    "bom__assembly_id",
    "bom__assembly__number",
    "bom__program_id",
    "bom__program__code",
    "bom__program__name",
    "position",
    "quantity",
    "designators",
    "dnp",
)


def where_used_visible_to(user: Any, part: Part) -> QuerySet[BomLine]:
    return BomLine.objects.filter(bom_visibility(user, prefix="bom__"), part=part)


def where_used_for_user(
    user: Any, part: Part, *, channel: str = "web", path: str = ""
) -> list[WhereUsed]:
    """Where the part is used, among the BOMs the person may see; reading the lines of another
    organisation's restricted BOM is logged, as reading the BOM itself is (one entry a BOM)."""
    found = (
        where_used_visible_to(user, part)
        .order_by("bom__assembly__number", "bom__revision", "position")
        .values_list(*WHERE_USED_FIELDS, "bom__classification", "bom__program__owner_id")
    )
    lines: list[WhereUsed] = []
    reads: dict[int, tuple[int, int | None, str, Any, str]] = {}
    for *fields, classification, owner_id in found:
        line = WhereUsed(*fields)
        lines.append(line)
        if classification == Classification.RESTRICTED:
            name = f"{line.assembly_number} rev {line.revision}"
            reads.setdefault(
                line.bom_id, (owner_id, line.program_id, "parts.bom", line.bom_id, name)
            )
    if reads:
        record_restricted_reads(user, reads.values(), channel=channel, path=path)
    return lines


def describe_part_filters(filters: PartFilters, page: int = 1) -> str:
    """What a parts list asked for, as the owner reads it in its access log."""
    said = [f'search "{filters.q.strip()}"'] if filters.q.strip() else []
    said += [
        f"{name} {value}"
        for name, value in (
            ("category", filters.category),
            ("lifecycle", filters.lifecycle),
            ("sourcing", filters.sourcing),
        )
        if value
    ]
    if page > 1:
        said.append(f"page {page}")
    return ", ".join(said)


def log_parts_read(
    user: Any, part_ids: Iterable[int] | QuerySet[Any], *, description: str, channel: str, path: str
) -> None:
    """A list, a search or an export of parts: one access-log entry per organisation whose
    restricted parts it returned, with their number (one aggregate query)."""
    ids = part_ids if isinstance(part_ids, QuerySet) else list(part_ids)
    if not is_person(user) or (not isinstance(ids, QuerySet) and not ids):
        return
    counts = restricted_rows_by_owner(Part, ids, owner="owner_id", reader=user)
    record_restricted_rows_read(
        user, counts, model=Part, description=description, channel=channel, path=path
    )


def log_boms_read(
    user: Any, bom_ids: Iterable[int] | QuerySet[Any], *, description: str, channel: str, path: str
) -> None:
    """A list or an export of BOMs: as log_parts_read, by the owner of each BOM's program."""
    ids = bom_ids if isinstance(bom_ids, QuerySet) else list(bom_ids)
    if not is_person(user) or (not isinstance(ids, QuerySet) and not ids):
        return
    counts = restricted_rows_by_owner(Bom, ids, owner="program__owner_id", reader=user)
    record_restricted_rows_read(
        user, counts, model=Bom, description=description, channel=channel, path=path
    )


def categories_visible_to(user: Any) -> QuerySet[Any]:
    """Categories are a shared vocabulary: every person of an organisation may use them."""
    from accord.parts.models import Category

    if not is_person(user):
        return Category.objects.none()
    return Category.objects.all()


def categories_in_use(user: Any) -> QuerySet[Any]:
    """The categories of the parts this person can see, for a filter: one EXISTS per
    category (a short index probe each), not a DISTINCT over every visible part."""
    from accord.parts.models import Category

    if not is_person(user):
        return Category.objects.none()
    used = parts_visible_to(user).filter(category=OuterRef("pk"))
    return Category.objects.filter(Exists(used)).order_by("name")


def get_program_for_bom_create(user: Any, pk: Any) -> Any:
    """The program a new BOM goes into: NotFound if the person cannot see it, Forbidden unless
    they are a member from the program's owner."""
    from accord.orgs.access import get_program_for_user

    program = get_program_for_user(user, pk)
    if not can_edit_program_boms(user, program.pk, program.owner_id):
        raise Forbidden("Only members of the program's owner may create its BOMs.")
    return program


def exploded_bom_for_user(user: Any, bom: Bom, *, with_sources: bool = True) -> list[Any]:
    """The multi-level BOM as this person may read it (see queries.explode_bom).

    Without sources, a page attaches them (queries.attach_sources) to the rows it shows only.
    """
    from accord.parts.queries import attach_sources, explode_bom

    rows = explode_bom(bom, visible_boms=boms_visible_to(user))
    return attach_sources(rows) if with_sources else rows


def parameters_visible_to(user: Any, part: Part) -> QuerySet[Any]:
    """A part's parameters, for a part the caller reached through get_part_for_user."""
    from accord.parts.models import PartParameter

    if not is_person(user):
        return PartParameter.objects.none()
    return PartParameter.objects.filter(part=part)


def programs_for_bom_import(user: Any) -> QuerySet[Any]:
    """Programs this person may import BOMs into: those they are a member of, owned by their
    own organisation (the same rule as can_edit_program_boms, as one query)."""
    from accord.orgs.models import Program

    return Program.objects.filter(pk__in=reach_of(user).owned)


def get_program_for_bom_import(user: Any, ref: Any) -> Any:
    """A program to import into, named by id or by code: NotFound if the person cannot see it,
    Forbidden if they see it but are not a member from its owner."""
    from accord.core.errors import NotFound
    from accord.core.text import has_unstorable
    from accord.orgs.access import programs_visible_to

    text = str(ref).strip()
    if not text or has_unstorable(text):  # no program has such a code (PostgreSQL stores no NUL)
        raise NotFound()
    if text.isascii() and text.isdigit():  # "²".isdigit() is true, but it is no id
        return get_program_for_bom_create(user, int(text))
    program = programs_for_bom_import(user).filter(code=text).select_related("owner").first()
    if program is not None:
        return program
    if programs_visible_to(user).filter(code=text).exists():
        raise Forbidden("Only members of the program's owner may import its BOMs.")
    raise NotFound()


def bom_imports_visible_to(user: Any) -> QuerySet[Any]:
    """Uploaded BOM files: only their uploader sees them, only while they may still import into
    the program, and not once discarded (the file is gone)."""
    from accord.parts.models import BomImport

    if not is_person(user):
        return BomImport.objects.none()
    return BomImport.objects.filter(
        person_id=user.pk, program__in=programs_for_bom_import(user)
    ).exclude(status=BomImportStatus.DISCARDED)


def get_bom_import_for_user(user: Any, pk: Any) -> Any:
    return get_or_404(bom_imports_visible_to(user).select_related("program"), pk=pk)


def can_import_catalogue(user: Any) -> bool:
    """Parts lists feed the shared manufacturer catalogue (lifecycle, descriptions): only people
    of the organisations that own programs (OEMs) load them, never sellers or EMS."""
    return is_person(user) and user.organisation.kind == OrganisationKind.OEM


def check_catalogue_import(user: Any) -> None:
    if not can_import_catalogue(user):
        raise Forbidden("Only people of an OEM organisation can import a parts list.")


def catalogue_imports_visible_to(user: Any) -> QuerySet[Any]:
    from accord.parts.models import CatalogueImport

    if not can_import_catalogue(user):
        return CatalogueImport.objects.none()
    return CatalogueImport.objects.filter(
        person_id=user.pk, organisation_id=user.organisation_id
    ).exclude(status=BomImportStatus.DISCARDED)


def get_catalogue_import_for_user(user: Any, pk: Any) -> Any:
    return get_or_404(catalogue_imports_visible_to(user), pk=pk)


def notices_visible_to(
    user: Any, part: Part, sources: Iterable[ApprovedSource] | None = None
) -> QuerySet[Any]:
    """Lifecycle notices about the manufacturer parts of the sources the person sees on a part
    they reached through get_part_for_user (`sources`: those already read, if any). Who
    recorded a notice is shown only to their own organisation (the API and page leave it out
    for others)."""
    from accord.parts.models import LifecycleNotice

    if not is_person(user):
        return LifecycleNotice.objects.none()
    if sources is None:
        sources = sources_visible_to(user, part)
    return (
        LifecycleNotice.objects.filter(
            manufacturer_part_id__in=[s.manufacturer_part_id for s in sources]
        )
        .select_related("manufacturer_part__manufacturer", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )


def sources_supplied_to(organisation_id: int) -> QuerySet[ApprovedSource]:
    """The approved sources of the organisation's own parts that name their supplier: who
    supplies what to it, for its own records (its scorecards), not for showing rows."""
    return ApprovedSource.objects.filter(
        part__owner_id=organisation_id,
        supplier__isnull=False,
        status=SourceStatus.APPROVED,
    )


def boms_of_programs(program_ids: Iterable[int]) -> QuerySet[Bom]:
    """Every revision of the BOMs of these programs, for the records of an organisation that
    builds them (its cards of its customers), not for showing."""
    return Bom.objects.filter(program_id__in=list(program_ids))


def sources_proposed_by(organisation_id: int) -> QuerySet[ApprovedSource]:
    """The sources the organisation proposed for other organisations' parts."""
    return ApprovedSource.objects.filter(
        proposed_by_organisation_id=organisation_id, proposed_at__isnull=False
    )
