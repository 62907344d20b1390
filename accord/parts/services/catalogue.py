"""Writes to parts, manufacturer parts and approved sources (the AML)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Lower
from django.utils import timezone
from django.utils.text import slugify

from accord.core.choices import Classification
from accord.core.db import GroupConcat, chunked, one_of
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import diff_fields, record_event, snapshot
from accord.core.text import text_input
from accord.orgs.models import Organisation, Person
from accord.parts.choices import Lifecycle, SourceStatus
from accord.parts.models import (
    ApprovedSource,
    Category,
    LifecycleNotice,
    Manufacturer,
    ManufacturerPart,
    Part,
)
from accord.parts.normalise import manufacturer_key, mpn_key
from accord.parts.queries import lifecycle_risk
from accord.parts.value_keys import part_value_keys

PART_EDITABLE_FIELDS = (
    "number",
    "revision",
    "description",
    "category",
    "value",
    "package",
    "classification",
    "is_assembly",
    "lead_time_weeks",
)
PART_TEXT_LIMITS = {"number": 80, "revision": 20, "description": 500, "value": 120, "package": 120}


def get_or_create_manufacturer(name: str) -> Manufacturer:
    """Find a manufacturer by any of its names; create it when nobody knows it yet."""
    key = manufacturer_key(name)
    if not key:
        raise InvalidInput("A manufacturer needs a name.", detail={"field": "manufacturer"})
    found = Manufacturer.objects.filter(Q(key=key) | Q(aliases__key=key)).first()
    if found:
        return found
    return Manufacturer.objects.create(name=name.strip(), key=key)


def get_or_create_category(name: str) -> Category | None:
    name = name.strip()
    if not name:
        return None
    category, _ = Category.objects.get_or_create(
        slug=slugify(name)[:120] or "other", defaults={"name": name[:120]}
    )
    return category


def create_part(
    *,
    actor: Person,
    number: str,
    description: str = "",
    category: Category | None = None,
    value: str = "",
    package: str = "",
    classification: str = Classification.PROGRAM,
    is_assembly: bool = False,
    revision: str = "",
) -> Part:
    number = number.strip()
    if not number:
        raise InvalidInput("A part needs a part number.", detail={"field": "number"})
    if classification not in Classification.values:
        raise InvalidInput(f"Unknown classification {classification!r}.")
    if actor.organisation is None:
        raise Forbidden("Only people of an organisation can create parts.")
    with transaction.atomic():
        if Part.objects.filter(owner=actor.organisation, number=number).exists():
            raise Conflict(f"Part number {number} already exists.", detail={"field": "number"})
        part = Part.objects.create(
            owner=actor.organisation,
            number=number,
            description=description,
            category=category,
            value=value,
            package=package,
            classification=classification,
            is_assembly=is_assembly,
            revision=revision,
            value_keys=part_value_keys(value, description, category.name if category else None),
        )
        refresh_part_rollups([part.pk])
        record_event(
            actor=actor,
            verb="created part",
            obj=part,
            classification=Classification.INTERNAL,
            changes={"number": number, "description": description},
        )
    return part


def update_part(*, actor: Person, part: Part, **changes: Any) -> Part:
    """Change any field a person may edit; derived ones (lifecycle, source count) never."""
    unknown = set(changes) - set(PART_EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(
            f"These fields cannot be changed: {', '.join(sorted(unknown))}.",
            detail={"fields": sorted(unknown)},
        )
    for name, limit in PART_TEXT_LIMITS.items():
        if name in changes:
            changes[name] = text_input(
                changes[name], name, max_length=limit, required=name == "number"
            )
    if "classification" in changes and changes["classification"] not in Classification.values:
        raise InvalidInput("Unknown classification.", detail={"field": "classification"})
    if "is_assembly" in changes:
        changes["is_assembly"] = bool(changes["is_assembly"])
    if "lead_time_weeks" in changes:
        weeks = changes["lead_time_weeks"]
        if weeks is not None and (
            isinstance(weeks, bool) or not isinstance(weeks, int) or not 0 <= weeks <= 104
        ):
            raise InvalidInput(
                "lead_time_weeks: a whole number of weeks, 0 to 104, or empty.",
                detail={"field": "lead_time_weeks"},
            )
    with transaction.atomic():
        part = Part.objects.select_for_update().get(pk=part.pk)
        if part.owner_id != actor.organisation_id:
            raise Forbidden("Only the part's owner may change it.")
        before = snapshot(part, changes)
        if all(before[name] == value for name, value in changes.items()):
            return part
        if (
            "number" in changes
            and changes["number"] != part.number
            and Part.objects.filter(owner_id=part.owner_id, number=changes["number"]).exists()
        ):
            raise Conflict(
                f"Part number {changes['number']} already exists.", detail={"field": "number"}
            )
        if changes.get("is_assembly") is False and part.is_assembly and part.boms.exists():
            raise Conflict(
                f"{part.number} has BOMs: it stays an assembly.", detail={"field": "is_assembly"}
            )
        for name, value in changes.items():
            setattr(part, name, value)
        if changes.keys() & {"value", "description", "category"}:
            part.value_keys = part_value_keys(
                part.value, part.description, part.category.name if part.category else None
            )
        part.save()
        refresh_part_rollups([part.pk])
        record_event(
            actor=actor,
            verb="updated part",
            obj=part,
            classification=Classification.INTERNAL,
            changes=diff_fields(before, changes),
        )
    return part


def add_approved_source(
    *,
    actor: Person,
    part: Part,
    manufacturer: str,
    mpn: str,
    rank: int | None = None,
    status: str = SourceStatus.PENDING,
    supplier: Organisation | None = None,
    supplier_part_number: str = "",
    notes: str = "",
) -> ApprovedSource:
    if status not in SourceStatus.values:
        raise InvalidInput(f"Unknown source status {status!r}.", detail={"field": "status"})
    if not mpn.strip():
        raise InvalidInput("A source needs an MPN.", detail={"field": "mpn"})
    with transaction.atomic():
        maker = get_or_create_manufacturer(manufacturer)
        mpart, _ = ManufacturerPart.objects.get_or_create(
            manufacturer=maker, mpn_key=mpn_key(mpn), defaults={"mpn": mpn.strip()}
        )
        if ApprovedSource.objects.filter(part=part, manufacturer_part=mpart).exists():
            raise Conflict(f"{mpart} is already a source of {part.number}.")
        if rank is None:
            rank = part.sources.count() + 1
        source = ApprovedSource.objects.create(
            part=part,
            manufacturer_part=mpart,
            rank=rank,
            status=status,
            supplier=supplier,
            supplier_part_number=supplier_part_number,
            notes=notes,
            approved_by=actor if status == SourceStatus.APPROVED else None,
            approved_at=timezone.now() if status == SourceStatus.APPROVED else None,
        )
        refresh_part_rollups([part.pk])
        record_event(
            actor=actor,
            verb="added source",
            obj=part,
            classification=Classification.INTERNAL,
            changes={"manufacturer": maker.name, "mpn": mpart.mpn, "rank": rank, "status": status},
        )
    return source


def set_source_status(
    *, actor: Person, source: ApprovedSource, status: str, reason: str = ""
) -> ApprovedSource:
    """Approve, reject or return a source to pending. Approving and rejecting are decisions
    others rely on: they need a reason, which the event keeps."""
    if status not in SourceStatus.values:
        raise InvalidInput(f"Unknown source status {status!r}.", detail={"field": "status"})
    reason = text_input(
        reason,
        "reason",
        max_length=1000,
        multiline=True,
        required=status in {SourceStatus.APPROVED, SourceStatus.REJECTED},
        label="reason for this decision",
    )
    with transaction.atomic():
        source = (
            ApprovedSource.objects.select_for_update()
            .select_related("part", "manufacturer_part__manufacturer")
            .get(pk=source.pk)
        )
        if source.part.owner_id != actor.organisation_id:
            raise Forbidden("Only the part's owner may approve or reject its sources.")
        before = source.status
        if before == status:
            raise Conflict(
                f"{source.manufacturer_part} is {source.get_status_display().lower()} already."
            )
        source.status = status
        source.approved_by = actor if status == SourceStatus.APPROVED else None
        source.approved_at = timezone.now() if status == SourceStatus.APPROVED else None
        if before == SourceStatus.PENDING and source.decided_at is None:
            source.decided_at = timezone.now()  # the first answer to a proposal
        source.save()
        refresh_part_rollups([source.part_id])
        record_event(
            actor=actor,
            verb="changed source status",
            obj=source.part,
            classification=Classification.INTERNAL,
            changes={
                "source": str(source.manufacturer_part),
                "status": [before, status],
                "reason": reason,
            },
        )
    return source


def refresh_part_rollups(part_ids: Iterable[int]) -> None:
    """Recompute source count, worst lifecycle and search text of parts, in SQL, in batches.

    The value keys are not roll-ups of the sources: whoever writes a part's value, description
    or category writes them (value_keys.py: `part_value_keys` for one part, Polars in bulk)."""
    worst_first = lifecycle_risk()
    approved = ApprovedSource.objects.filter(part=OuterRef("pk"), status=SourceStatus.APPROVED)
    count = approved.values("part").annotate(n=Count("pk")).values("n")[:1]
    worst = approved.order_by(worst_first.desc()).values("manufacturer_part__lifecycle")[:1]
    sources_text = (
        ApprovedSource.objects.filter(part=OuterRef("pk"))
        .values("part")
        .annotate(
            text=GroupConcat(
                Concat(
                    F("manufacturer_part__manufacturer__name"),
                    Value(" "),
                    F("manufacturer_part__mpn"),
                    output_field=Part._meta.get_field("search_text"),
                ),
                " ",
            )
        )
        .values("text")[:1]
    )
    for batch in chunked(list(part_ids), 2000):
        Part.objects.filter(pk__in=one_of(batch, "bigint")).update(
            approved_source_count=Coalesce(Subquery(count), Value(0)),
            lifecycle=Coalesce(Subquery(worst), Value(Lifecycle.UNKNOWN)),
            search_text=Lower(
                Concat(
                    F("number"),
                    Value(" "),
                    F("description"),
                    Value(" "),
                    F("value"),
                    Value(" "),
                    F("package"),
                    Value(" "),
                    Coalesce(Subquery(sources_text), Value("")),
                    output_field=Part._meta.get_field("search_text"),
                )
            ),
        )


def record_lifecycle_notice(
    *,
    actor: Person,
    manufacturer_part: ManufacturerPart,
    lifecycle: str,
    last_time_buy_date: dt.date | None = None,
    end_of_life_date: dt.date | None = None,
    reference: str = "",
) -> LifecycleNotice:
    """A manufacturer's PCN or EOL notice: kept as history, and the manufacturer part's
    lifecycle changes for every part that uses it (its parts' roll-ups follow at once)."""
    if lifecycle not in Lifecycle.values:
        raise InvalidInput(f"Unknown lifecycle {lifecycle!r}.", detail={"field": "lifecycle"})
    reference = text_input(reference, "reference", max_length=300, label="reference of the notice")
    if lifecycle == Lifecycle.LTB and last_time_buy_date is None:
        raise InvalidInput(
            "A last-time-buy notice needs its last-time-buy date.",
            detail={"field": "last_time_buy_date"},
        )
    if (
        last_time_buy_date is not None
        and end_of_life_date is not None
        and end_of_life_date < last_time_buy_date
    ):
        raise InvalidInput(
            "The end-of-life date is before the last-time-buy date.",
            detail={"field": "end_of_life_date"},
        )
    with transaction.atomic():
        mp = ManufacturerPart.objects.select_for_update().get(pk=manufacturer_part.pk)
        before = snapshot(mp, ("lifecycle", "last_time_buy_date", "end_of_life_date"))
        mp.lifecycle = lifecycle
        mp.last_time_buy_date = last_time_buy_date
        mp.end_of_life_date = end_of_life_date
        mp.save(update_fields=["lifecycle", "last_time_buy_date", "end_of_life_date", "updated_at"])
        notice = LifecycleNotice.objects.create(
            manufacturer_part=mp,
            lifecycle=lifecycle,
            last_time_buy_date=last_time_buy_date,
            end_of_life_date=end_of_life_date,
            reference=reference,
            recorded_by=actor,
            organisation_id=actor.organisation_id,
        )
        users = list(
            ApprovedSource.objects.filter(manufacturer_part=mp).values_list("part_id", flat=True)
        )
        refresh_part_rollups(users)
        after = snapshot(mp, ("lifecycle", "last_time_buy_date", "end_of_life_date"))
        record_event(
            actor=actor,
            verb="recorded lifecycle notice",
            obj=mp,
            classification=Classification.INTERNAL,
            changes={**diff_fields(before, after), "reference": reference, "parts": len(users)},
        )
    return notice
