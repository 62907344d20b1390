"""What the supply commands look up by the names people type, through the access rules."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from accord.orgs.access import organisations_visible_to, programs_visible_to
from accord.parts.access import get_part_for_user, parts_visible_to
from accord.supply.access import sites_visible_to


def part_by_number(actor: Any, number: str) -> Any:
    found = list(parts_visible_to(actor).filter(number=number).values_list("pk", flat=True)[:2])
    if not found:
        raise CommandError(f"No part {number!r} that you may see.")
    if len(found) > 1:
        raise CommandError(f"Several parts are numbered {number!r}: give its id instead.")
    return get_part_for_user(actor, found[0], channel="cli")


def part_ref(actor: Any, ref: str) -> Any:
    """A part by its id or its number."""
    return (
        get_part_for_user(actor, int(ref), channel="cli")
        if ref.isdigit()
        else part_by_number(actor, ref)
    )


def site_by_code(actor: Any, code: str) -> Any:
    site = (
        sites_visible_to(actor)
        .filter(code__iexact=code, organisation_id=actor.organisation_id)
        .first()
    )
    if site is None:
        raise CommandError(f"No site {code!r} of your organisation.")
    return site


def program_by_code(actor: Any, code: str) -> Any:
    program = programs_visible_to(actor).filter(code=code).first()
    if program is None:
        raise CommandError(f"No program {code!r} that you may see.")
    return program


def organisation_by_slug(actor: Any, slug: str) -> Any:
    found = organisations_visible_to(actor).filter(slug__startswith=slug).order_by("slug")[:2]
    if len(found) != 1:
        raise CommandError(f"No single organisation {slug!r} that you may see.")
    return found[0]
