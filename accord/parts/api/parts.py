"""API: parts, their parameters, approved sources and where they are used."""

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from accord.api.auth import person
from accord.api.idempotency import idempotent
from accord.api.pagination import Page, PageParams, paginate
from accord.api.schemas import Id
from accord.core.access import get_or_404
from accord.core.errors import InvalidInput
from accord.orgs.access import organisations_visible_to
from accord.orgs.models import Organisation, Person
from accord.parts import access
from accord.parts import services as part_services
from accord.parts.api.schemas import (
    LifecycleNoticeIn,
    LifecycleNoticeOut,
    PartDetail,
    PartIn,
    PartOut,
    PartPatch,
    PartQuery,
    SourceIn,
    SourceOut,
    SourcePatch,
)
from accord.parts.choices import SourceStatus
from accord.parts.models import Category, Part
from accord.parts.queries import PartFilters
from accord.parts.value_keys import key_value

router = Router(tags=["parts"])


def part_detail(user: Person, part: Part, path: str = "") -> PartDetail:
    """A part the caller reached through access.py, with what they may see around it."""
    sources = list(access.sources_visible_to(user, part))
    approved = sorted(
        (s for s in sources if s.status == SourceStatus.APPROVED), key=lambda s: (s.rank, s.pk)
    )
    preferred = approved[0].manufacturer_part if approved else None
    part.listed_manufacturer = preferred.manufacturer.name if preferred else None  # type: ignore[attr-defined]
    part.listed_mpn = preferred.mpn if preferred else None  # type: ignore[attr-defined]
    show_listing([part])
    part.shown_parameters = list(access.parameters_visible_to(user, part))  # type: ignore[attr-defined]
    part.shown_sources = sources  # type: ignore[attr-defined]
    part.shown_where_used = access.where_used_for_user(user, part, channel="api", path=path)  # type: ignore[attr-defined]
    return PartDetail.model_validate(part)


def show_listing(parts: Sequence[Any]) -> Sequence[Any]:
    """Set on each part (with access.with_listed_source's annotations) what PartOut shows
    besides its fields: its values as numbers and its preferred source."""
    for part in parts:
        found = (key_value(key) for key in part.value_keys.split())
        part.shown_values = [
            {"quantity": q, "value": v, "unit": u} for q, v, u in filter(None, found)
        ]
        mpn = part.listed_mpn
        part.shown_preferred_source = (
            None if mpn is None else {"manufacturer": part.listed_manufacturer or "", "mpn": mpn}
        )
        part.shown_other_approved_sources = (
            max(part.visible_source_count - 1, 0) if mpn is not None else 0
        )
    return parts


def category_by_slug(user: Person, slug: str | None) -> Category | None:
    if not slug:
        return None
    category = access.categories_visible_to(user).filter(slug=slug).first()
    if category is None:
        raise InvalidInput(f"There is no category {slug!r}.", detail={"field": "category"})
    return category


def supplier_by_id(user: Person, supplier_id: int | None) -> Organisation | None:
    if supplier_id is None:
        return None
    supplier = organisations_visible_to(user).filter(pk=supplier_id).first()
    if supplier is None:
        raise InvalidInput("There is no such supplier.", detail={"field": "supplier_id"})
    return supplier


@router.get("/parts", response=Page[PartOut])
def list_parts(
    request: HttpRequest, filters: Query[PartQuery], paging: Query[PageParams]
) -> dict[str, Any]:
    """Parts the caller may see: their organisation's, those in BOMs they may see, and for a
    supplier or distributor the parts it is on the approved manufacturer list of.

    Listing another organisation's restricted parts is recorded in its access log: one entry
    per organisation and request, with the number of its restricted parts on the page.
    """
    user = person(request)
    wanted = PartFilters(
        q=filters.q,
        category=filters.category,
        lifecycle=filters.lifecycle or "",
        sourcing=filters.sourcing or "",
        sort=filters.sort,
    )
    qs = access.with_listed_source(user, access.parts_for_list(user, wanted))
    page = paginate(request, qs.select_related("owner"), paging, rows=show_listing)
    access.log_parts_read(
        user,
        [part.pk for part in page["results"]],
        description=access.describe_part_filters(wanted, paging.page),
        channel="api",
        path=request.path,
    )
    return page


@router.get("/parts/{part_id}", response=PartDetail)
def get_part(request: HttpRequest, part_id: Id) -> PartDetail:
    user = person(request)
    part = access.get_part_for_user(user, part_id, channel="api", path=request.path)
    return part_detail(user, part, path=request.path)


@router.post("/parts", response={201: PartDetail})
@idempotent
def create_part(request: HttpRequest, payload: PartIn) -> Status[PartDetail]:
    """A part of the caller's organisation."""
    user = person(request)
    part = part_services.create_part(
        actor=user,
        number=payload.number,
        revision=payload.revision,
        description=payload.description,
        category=category_by_slug(user, payload.category),
        value=payload.value,
        package=payload.package,
        classification=payload.classification,
        is_assembly=payload.is_assembly,
    )
    return Status(201, part_detail(user, access.get_part_for_user(user, part.pk)))


@router.patch("/parts/{part_id}", response=PartDetail)
def update_part(request: HttpRequest, part_id: Id, payload: PartPatch) -> PartDetail:
    """Change a part of the caller's organisation (403 for anyone else's)."""
    user = person(request)
    part = access.get_part_for_user(user, part_id, write=True)
    changes = payload.model_dump(exclude_unset=True)
    if "category" in changes:
        changes["category"] = category_by_slug(user, changes["category"])
    part_services.update_part(actor=user, part=part, **changes)
    return part_detail(user, access.get_part_for_user(user, part.pk))


@router.post("/parts/{part_id}/sources", response={201: SourceOut})
@idempotent
def add_source(request: HttpRequest, part_id: Id, payload: SourceIn) -> Status[SourceOut]:
    """Add a manufacturer part to the part's approved manufacturer list (owner only)."""
    user = person(request)
    part = access.get_part_for_user(user, part_id, write=True)
    source = part_services.add_approved_source(
        actor=user,
        part=part,
        manufacturer=payload.manufacturer,
        mpn=payload.mpn,
        rank=payload.rank,
        status=payload.status,
        supplier=supplier_by_id(user, payload.supplier_id),
        supplier_part_number=payload.supplier_part_number,
        notes=payload.notes,
    )
    created = access.sources_visible_to(user, part).get(pk=source.pk)
    return Status(201, SourceOut.model_validate(created))


@router.patch("/parts/{part_id}/sources/{source_id}", response=SourceOut)
def update_source(request: HttpRequest, part_id: Id, source_id: Id, payload: SourcePatch) -> Any:
    """Approve, reject or return a source to pending (owner only)."""
    user = person(request)
    part = access.get_part_for_user(user, part_id, write=True)
    source = get_or_404(access.sources_visible_to(user, part), pk=source_id)
    part_services.set_source_status(
        actor=user, source=source, status=payload.status, reason=payload.reason
    )
    return access.sources_visible_to(user, part).get(pk=source.pk)


@router.get("/parts/{part_id}/lifecycle-notices", response=Page[LifecycleNoticeOut])
def list_lifecycle_notices(request: HttpRequest, part_id: Id, paging: Query[PageParams]) -> Any:
    """Notices recorded about the manufacturer parts of this part's sources, newest first."""
    user = person(request)
    part = access.get_part_for_user(user, part_id, channel="api", path=request.path)
    return paginate(request, access.notices_visible_to(user, part), paging)


@router.post("/parts/{part_id}/lifecycle-notices", response={201: LifecycleNoticeOut})
@idempotent
def record_lifecycle_notice(
    request: HttpRequest, part_id: Id, payload: LifecycleNoticeIn
) -> Status[LifecycleNoticeOut]:
    """Record a manufacturer's notice (NRND, LTB with its date, EOL, obsolete) about one of the
    part's sources (the part's owner). The manufacturer part's lifecycle changes for every part
    that uses it."""
    user = person(request)
    part = access.get_part_for_user(user, part_id, write=True)
    source = access.sources_visible_to(user, part).filter(pk=payload.source_id).first()
    if source is None:
        raise InvalidInput(
            f"{part.number} has no source with this id.", detail={"field": "source_id"}
        )
    notice = part_services.record_lifecycle_notice(
        actor=user,
        manufacturer_part=source.manufacturer_part,
        lifecycle=payload.lifecycle,
        last_time_buy_date=payload.last_time_buy_date,
        end_of_life_date=payload.end_of_life_date,
        reference=payload.reference,
    )
    created = access.notices_visible_to(user, part).get(pk=notice.pk)
    return Status(201, LifecycleNoticeOut.model_validate(created, context={"request": request}))
