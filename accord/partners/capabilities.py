"""Every write to site capabilities and capability profiles: add, change, retire a process
capability; set the volume band and the ITAR flag. Each in one transaction with its event;
only the site's own organisation writes (any of its people, as for certificates).

Limits: `max_board_mm` (the longest board side, a whole number of mm, 1 to 2000),
`min_pitch_mm` (the finest pitch, mm, more than 0 and at most 10, three decimals),
`max_layers` (1 to 100), and `limits` (text, up to 500 characters) for the rest.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.core.choices import Classification
from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.text import text_input
from accord.orgs.models import Person
from accord.partners.access import can_record
from accord.partners.choices import Process, VolumeBand
from accord.partners.models import SiteCapability, SiteProfile
from accord.partners.services import parse_processes
from accord.supply.models import Site

LIMIT_FIELDS = ("max_board_mm", "min_pitch_mm", "max_layers", "limits")
MAX_BOARD_MM = 2000
MAX_PITCH_MM = Decimal(10)
MAX_LAYERS = 100


def parse_process(value: Any) -> str:
    """One process of the fixed list, by value or name."""
    found = parse_processes([value])
    if len(found) != 1:
        raise InvalidInput("process: name one process.", detail={"field": "process"})
    return found[0]


def _whole(value: Any, field: str, top: int) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InvalidInput(f"{field}: a whole number.", detail={"field": field}) from None
    if not 1 <= number <= top:
        raise InvalidInput(f"{field}: from 1 to {top}.", detail={"field": field})
    return number


def _pitch(value: Any) -> Decimal | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInput(
            "min_pitch_mm: a number of mm.", detail={"field": "min_pitch_mm"}
        ) from None
    if not number.is_finite() or number <= 0 or number > MAX_PITCH_MM:
        raise InvalidInput(
            f"min_pitch_mm: more than 0 and at most {MAX_PITCH_MM} mm.",
            detail={"field": "min_pitch_mm"},
        )
    if number != number.quantize(Decimal("0.001")):
        raise InvalidInput(
            "min_pitch_mm: at most three decimals (0.001 mm).", detail={"field": "min_pitch_mm"}
        )
    return number


def _limits(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "max_board_mm": _whole(values.get("max_board_mm"), "max_board_mm", MAX_BOARD_MM),
        "min_pitch_mm": _pitch(values.get("min_pitch_mm")),
        "max_layers": _whole(values.get("max_layers"), "max_layers", MAX_LAYERS),
        "limits": text_input(values.get("limits"), "limits", max_length=500),
    }


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _record(actor: Person, verb: str, obj: Any, site: Site, changes: dict[str, Any]) -> None:
    record_event(
        actor=actor,
        verb=verb,
        obj=obj,
        changes=changes,
        classification=Classification.INTERNAL,
        subject_organisation=site.organisation,
    )


def _check_writer(actor: Person, site: Site) -> None:
    if not can_record(actor, site.organisation_id):
        raise Forbidden("Only the site's own organisation keeps its capabilities.")


def add_capability(*, actor: Person, site: Site, process: Any, **values: Any) -> SiteCapability:
    """A process the site runs, with its limits; 409 if it is on record already."""
    _check_writer(actor, site)
    unknown = set(values) - set(LIMIT_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
    chosen = parse_process(process)
    fields = _limits(values)
    if site.retired_at is not None:
        raise Conflict(f"The site {site.code} is retired: it takes no new capabilities.")
    name = Process(chosen).label
    refusal = f"The site {site.code} has the {name} capability on record already: change it."
    with transaction.atomic():
        if SiteCapability.objects.filter(
            site=site, process=chosen, retired_at__isnull=True
        ).exists():
            raise Conflict(refusal, detail={"field": "process"})
        try:
            with transaction.atomic():
                capability = SiteCapability.objects.create(
                    site=site, process=chosen, created_by=actor, **fields
                )
        except IntegrityError:
            raise Conflict(refusal, detail={"field": "process"}) from None
        _record(
            actor,
            "added capability",
            capability,
            site,
            {"site": site.code, "process": chosen, **{k: _plain(v) for k, v in fields.items()}},
        )
    return capability


def change_capability(
    *, actor: Person, capability: SiteCapability, **changes: Any
) -> SiteCapability:
    """Change some of the limits (the others stay)."""
    _check_writer(actor, capability.site)
    if capability.retired_at is not None:
        raise Conflict("This capability is retired: add it again instead.")
    unknown = set(changes) - set(LIMIT_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
    current = {name: getattr(capability, name) for name in LIMIT_FIELDS}
    fields = _limits(current | changes)
    changed = {
        name: [_plain(getattr(capability, name)), _plain(value)]
        for name, value in fields.items()
        if getattr(capability, name) != value
    }
    if not changed:
        return capability
    with transaction.atomic():
        locked = SiteCapability.objects.select_for_update().get(pk=capability.pk)
        if locked.retired_at is not None:
            raise Conflict("This capability is retired: add it again instead.")
        for name, value in fields.items():
            setattr(capability, name, value)
        capability.save()
        _record(actor, "changed capability", capability, capability.site, changed)
    return capability


def retire_capability(*, actor: Person, capability: SiteCapability) -> SiteCapability:
    """The site no longer runs the process: kept for the record, counts for nothing."""
    _check_writer(actor, capability.site)
    with transaction.atomic():
        locked = SiteCapability.objects.select_for_update().get(pk=capability.pk)
        if locked.retired_at is not None:
            raise Conflict("This capability is retired already.")
        capability.retired_at = timezone.now()
        capability.save(update_fields=["retired_at", "updated_at"])
        _record(
            actor,
            "retired capability",
            capability,
            capability.site,
            {"site": capability.site.code, "process": capability.process},
        )
    return capability


def parse_volume_band(value: Any) -> str:
    text = str(value or "").strip().lower()
    for band in VolumeBand:
        if text in (band.value, str(band.label).lower()):
            return band.value
    if text == "":
        return ""
    raise InvalidInput(
        f"volume_band: one of {', '.join(VolumeBand.values)} (got {str(value).strip()!r}).",
        detail={"field": "volume_band"},
    )


def set_profile(
    *, actor: Person, site: Site, volume_band: Any = None, itar_registered: bool | None = None
) -> SiteProfile:
    """The site's volume band and ITAR flag (what is not given stays)."""
    _check_writer(actor, site)
    band = None if volume_band is None else parse_volume_band(volume_band)
    with transaction.atomic():
        profile, _created = SiteProfile.objects.select_for_update().get_or_create(site=site)
        changed: dict[str, Any] = {}
        if band is not None and band != profile.volume_band:
            changed["volume_band"] = [profile.volume_band, band]
            profile.volume_band = band
        if itar_registered is not None and bool(itar_registered) != profile.itar_registered:
            changed["itar_registered"] = [profile.itar_registered, bool(itar_registered)]
            profile.itar_registered = bool(itar_registered)
        if changed or _created:
            profile.updated_by = actor
            profile.save()
            _record(actor, "changed capability profile", profile, site, changed)
    return profile
