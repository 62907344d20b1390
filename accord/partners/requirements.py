"""Every write to a program's requirements: add, change (every field but the kind), retire.
Kept by the owner's people who are members of the program; each write in one transaction
with its event on the program (program-classified: its members see it).

A requirement is one of:
- certificate: a standard, with the minimum class for IPC-A-610 (1 to 3, required there and
  nowhere else), and optionally a scope its certificate must cover: processes, a product
  category;
- process: capabilities the site must have (all of those named);
- country: the countries a site may be in (ISO 3166 alpha-2 codes).
It applies to the sites of the program's partner organisations of the kinds named (EMS
providers unless told otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.core.errors import Conflict, Forbidden, InvalidInput
from accord.core.events import record_event
from accord.core.text import text_input
from accord.orgs.choices import OrganisationKind
from accord.orgs.models import Person, Program
from accord.partners.choices import RequirementKind
from accord.partners.models import ProgramRequirement
from accord.partners.requirement_access import MANAGE_REFUSAL, can_manage_requirements
from accord.partners.services import parse_ipc_class, parse_processes, parse_standard

COUNTRY = re.compile(r"[A-Z]{2}")
MAX_COUNTRIES = 50
# What two requirements may differ in and still be the same requirement (add refuses twins).
CHANGEABLE = ("partner_kinds", "note")
# What a change may name: every field but the kind.
EDITABLE = (
    "standard",
    "min_ipc_class",
    "processes",
    "product_category",
    "countries",
    "partner_kinds",
    "note",
)


def _kind(value: Any) -> str:
    text = str(value or "").strip().lower()
    if text in RequirementKind.values:
        return text
    raise InvalidInput(
        f"kind: one of {', '.join(RequirementKind.values)} (got {str(value or '').strip()!r}).",
        detail={"field": "kind"},
    )


def _countries(values: Iterable[Any]) -> list[str]:
    found: list[str] = []
    for value in values:
        code = str(value).strip().upper()
        if not code:
            continue
        if not COUNTRY.fullmatch(code):
            raise InvalidInput(
                f"countries: {str(value).strip()!r} is not a two-letter country code (DE, US).",
                detail={"field": "countries"},
            )
        if code not in found:
            found.append(code)
    if len(found) > MAX_COUNTRIES:
        raise InvalidInput(f"countries: at most {MAX_COUNTRIES}.", detail={"field": "countries"})
    return sorted(found)


def _partner_kinds(values: Iterable[Any] | None) -> list[str]:
    if values is None:
        return [OrganisationKind.EMS.value]
    found = set()
    for value in values:
        text = str(value).strip().lower()
        if not text:
            continue
        if text not in OrganisationKind.values:
            raise InvalidInput(
                f"partner_kinds: {str(value).strip()!r} is not one of "
                f"{', '.join(OrganisationKind.values)}.",
                detail={"field": "partner_kinds"},
            )
        found.add(text)
    if not found:
        raise InvalidInput(
            "partner_kinds: name the kinds of partner it applies to (e.g. ems).",
            detail={"field": "partner_kinds"},
        )
    return [k for k in OrganisationKind.values if k in found]


def cleaned_requirement(values: dict[str, Any]) -> dict[str, Any]:
    """Every field checked, or InvalidInput naming the first one wrong."""
    kind = _kind(values.get("kind"))
    processes = parse_processes(values.get("processes") or [])
    category = text_input(values.get("product_category"), "product_category", max_length=100)
    countries = _countries(values.get("countries") or [])
    fields: dict[str, Any] = {
        "kind": kind,
        "standard": "",
        "min_ipc_class": None,
        "processes": [],
        "product_category": "",
        "countries": [],
        "partner_kinds": _partner_kinds(values.get("partner_kinds")),
        "note": text_input(values.get("note"), "note", max_length=300),
    }
    if kind == RequirementKind.CERTIFICATE:
        standard = parse_standard(values.get("standard"))
        fields |= {
            "standard": standard,
            "min_ipc_class": parse_ipc_class(
                standard,
                values.get("min_ipc_class"),
                field="min_ipc_class",
                holder="requirement",
                names="its minimum class",
            ),
            "processes": processes,
            "product_category": category,
        }
        if countries:
            raise InvalidInput(
                "countries: a certificate requirement names no countries.",
                detail={"field": "countries"},
            )
    elif kind == RequirementKind.PROCESS:
        if not processes:
            raise InvalidInput(
                "processes: name the processes required.", detail={"field": "processes"}
            )
        fields["processes"] = processes
    else:
        if not countries:
            raise InvalidInput(
                "countries: name the countries allowed.", detail={"field": "countries"}
            )
        fields["countries"] = countries
    return fields


def _check(actor: Person, program: Program) -> None:
    if not can_manage_requirements(actor, program.pk):
        raise Forbidden(MANAGE_REFUSAL)
    if program.archived_at is not None:
        raise Conflict("The program is archived: its requirements stay as they are.")


def _record(actor: Person, verb: str, requirement: ProgramRequirement, changes: Any) -> None:
    record_event(
        actor=actor, verb=verb, obj=requirement, changes=changes, program=requirement.program
    )


def add_requirement(*, actor: Person, program: Program, **values: Any) -> ProgramRequirement:
    _check(actor, program)
    fields = cleaned_requirement(values)
    same = {k: v for k, v in fields.items() if k not in CHANGEABLE}
    with transaction.atomic():
        existing = ProgramRequirement.objects.filter(program=program, retired_at__isnull=True)
        for other in existing.values(*same):
            if other == same:
                raise Conflict(
                    "The program has this requirement already.", detail={"field": "kind"}
                )
        requirement = ProgramRequirement.objects.create(program=program, created_by=actor, **fields)
        _record(actor, "added requirement", requirement, {"requirement": requirement.label})
    return requirement


def change_requirement(
    *, actor: Person, requirement: ProgramRequirement, **changes: Any
) -> ProgramRequirement:
    """Change any of its fields but its kind (retire it and add another for that): the
    standard, class and scope of a certificate requirement, the processes, the countries,
    whom it applies to, the note. The fields not given keep their values; the result is
    checked as a new one would be (and may not repeat another of the program's)."""
    _check(actor, requirement.program)
    if requirement.retired_at is not None:
        raise Conflict("This requirement is retired.")
    unknown = set(changes) - set(EDITABLE) - {"kind"}
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
    if "kind" in changes and _kind(changes["kind"]) != requirement.kind:
        raise InvalidInput(
            "kind: a requirement keeps its kind (retire it and add another).",
            detail={"field": "kind"},
        )
    current = {name: getattr(requirement, name) for name in EDITABLE}
    if (
        requirement.kind == RequirementKind.CERTIFICATE
        and "standard" in changes
        and "min_ipc_class" not in changes
        and parse_standard(changes["standard"]) != requirement.standard
    ):
        # A new standard does not inherit the old one's class (only IPC-A-610 has one).
        current["min_ipc_class"] = None
    fields = cleaned_requirement({**current, **changes, "kind": requirement.kind})
    changed = {
        k: [getattr(requirement, k), v]
        for k, v in fields.items()
        if k != "kind" and getattr(requirement, k) != v
    }
    if not changed:
        return requirement
    same = {k: v for k, v in fields.items() if k not in CHANGEABLE}
    with transaction.atomic():
        locked = ProgramRequirement.objects.select_for_update().get(pk=requirement.pk)
        if locked.retired_at is not None:
            raise Conflict("This requirement is retired.")
        others = ProgramRequirement.objects.filter(
            program_id=requirement.program_id, retired_at__isnull=True
        ).exclude(pk=requirement.pk)
        for other in others.values(*same):
            if other == same:
                raise Conflict(
                    "The program has this requirement already.", detail={"field": "kind"}
                )
        for name in changed:
            setattr(requirement, name, fields[name])
        requirement.save(update_fields=list(changed))
        _record(
            actor,
            "changed requirement",
            requirement,
            {**changed, "requirement": requirement.label},
        )
    return requirement


def retire_requirement(*, actor: Person, requirement: ProgramRequirement) -> ProgramRequirement:
    _check(actor, requirement.program)
    with transaction.atomic():
        locked = ProgramRequirement.objects.select_for_update().get(pk=requirement.pk)
        if locked.retired_at is not None:
            raise Conflict("This requirement is retired already.")
        requirement.retired_at = timezone.now()
        requirement.save(update_fields=["retired_at"])
        _record(actor, "retired requirement", requirement, {"requirement": requirement.label})
    return requirement
