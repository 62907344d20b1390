"""`accord capabilities ACTION --as USERNAME ...`: capabilities of sites, as that person may see
and keep them (pages and API apply the same rules).

accord capabilities list meridian --as aisha [--format table|csv]
accord capabilities set --site PEN1 --process SMT [--max-board-mm 510] [--min-pitch-mm 0.3] \\
    [--max-layers 24] [--limits TEXT] --as daniel
accord capabilities retire --site PEN1 --process SMT --as daniel
accord capabilities profile --site PEN1 [--volume medium] [--itar yes|no] --as daniel
accord capabilities search [--process SMT ...] [--standard "ISO 13485"] [--class 3] \\
    [--country MY] [--itar yes|no] [--volume high] --as maya
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandParser

from accord.core.access import today
from accord.core.commands import WorkspaceCommand, parse_bool, table
from accord.core.errors import NotFound
from accord.core.exports import to_csv_bytes
from accord.orgs.models import Person
from accord.partners.access import get_organisation_for_certificates, get_own_site_by_code
from accord.partners.capabilities import (
    add_capability,
    change_capability,
    parse_process,
    parse_volume_band,
    retire_capability,
    set_profile,
)
from accord.partners.capability_access import (
    capabilities_visible_to,
    get_capability_for_user,
    sites_with_capabilities_visible,
)
from accord.partners.capability_queries import (
    SEARCH_HEADERS,
    SearchCriteria,
    search_sites,
    site_capabilities,
    site_matches,
)
from accord.partners.choices import Standard
from accord.partners.services import parse_standard

HEADERS = ["id", "site", "process", "max_board_mm", "min_pitch_mm", "max_layers", "limits"]


def _list(parser: CommandParser) -> None:
    parser.add_argument("organisation", metavar="ORG", help="Accord id (slug) or number")
    parser.add_argument("--format", choices=["table", "csv"], default="table")


def _site_process(parser: CommandParser) -> None:
    parser.add_argument("--site", required=True, help="the code of a site of your organisation")
    parser.add_argument("--process", required=True, help="e.g. SMT, BGA/X-ray, AOI")


def _set(parser: CommandParser) -> None:
    _site_process(parser)
    parser.add_argument("--max-board-mm", help="the longest board side, mm")
    parser.add_argument("--min-pitch-mm", help="the finest component pitch, mm")
    parser.add_argument("--max-layers", help="the most board layers")
    parser.add_argument("--limits", help="other limits, as text")


def _profile(parser: CommandParser) -> None:
    parser.add_argument("--site", required=True, help="the code of a site of your organisation")
    parser.add_argument("--volume", help="prototype, low, medium or high")
    parser.add_argument("--itar", type=parse_bool, help="yes or no")


def _search(parser: CommandParser) -> None:
    parser.add_argument("--process", action="append", default=[], help="repeat for each")
    parser.add_argument("--standard", help=", ".join(Standard.values))
    parser.add_argument("--class", dest="ipc_class", type=int, choices=[1, 2, 3])
    parser.add_argument("--country", help="two letters")
    parser.add_argument("--itar", type=parse_bool, help="yes or no")
    parser.add_argument("--volume", help="prototype, low, medium or high")
    parser.add_argument("--format", choices=["table", "csv"], default="table")


def _pitch(value: Any) -> str:
    return "" if value is None else str(value.normalize())


class Command(WorkspaceCommand):
    help = "Capabilities of sites: list, set, retire, profile, search."
    subcommands = (
        ("list", "an organisation's site capabilities", _list, "list"),
        ("set", "add or change a capability of a site of your organisation", _set, "set"),
        ("retire", "retire a capability of a site of your organisation", _site_process, "retire"),
        ("profile", "set a site's volume band and ITAR flag", _profile, "profile"),
        ("search", "sites you may see that meet every criterion", _search, "search"),
    )

    def list(self, actor: Person, options: argparse.Namespace) -> Any:
        organisation = get_organisation_for_certificates(actor, options.organisation)
        rows = site_capabilities(
            capabilities_visible_to(actor).filter(
                site__organisation=organisation, retired_at__isnull=True
            )
        )
        data = [
            [
                c.pk,
                c.site.code,
                c.get_process_display(),
                c.max_board_mm,
                _pitch(c.min_pitch_mm),
                c.max_layers,
                c.limits,
            ]
            for c in rows
        ]
        if options.json:
            return [dict(zip(HEADERS, row, strict=True)) for row in data]
        if options.format == "csv":
            return to_csv_bytes(HEADERS, data).decode("utf-8-sig").rstrip("\r\n")
        return [f"Capabilities of {organisation.name}", *table(data, HEADERS)]

    def _current(self, actor: Person, options: argparse.Namespace) -> tuple[Any, str, Any]:
        site = get_own_site_by_code(actor, options.site)
        process = parse_process(options.process)
        found = (
            capabilities_visible_to(actor)
            .filter(site=site, process=process, retired_at__isnull=True)
            .values_list("pk", flat=True)
            .first()
        )
        current = get_capability_for_user(actor, found, write=True) if found else None
        return site, process, current

    def set(self, actor: Person, options: argparse.Namespace) -> Any:
        site, process, current = self._current(actor, options)
        given = {
            name: getattr(options, name)
            for name in ("max_board_mm", "min_pitch_mm", "max_layers", "limits")
            if getattr(options, name) is not None
        }
        if current is None:
            capability = add_capability(actor=actor, site=site, process=process, **given)
            return f"Added {capability.get_process_display()} at {site.code} (id {capability.pk})"
        change_capability(actor=actor, capability=current, **given)
        return f"Saved {current.get_process_display()} at {site.code} (id {current.pk})"

    def retire(self, actor: Person, options: argparse.Namespace) -> Any:
        site, process, current = self._current(actor, options)
        if current is None:
            raise NotFound(f"The site {site.code} has no {process} capability on record.")
        retire_capability(actor=actor, capability=current)
        return f"Retired {current.get_process_display()} at {site.code}"

    def profile(self, actor: Person, options: argparse.Namespace) -> Any:
        site = get_own_site_by_code(actor, options.site)
        profile = set_profile(
            actor=actor, site=site, volume_band=options.volume, itar_registered=options.itar
        )
        return (
            f"{site.code}: volume band {profile.volume_band or 'not stated'}, "
            f"ITAR registered {'yes' if profile.itar_registered else 'no'}"
        )

    def search(self, actor: Person, options: argparse.Namespace) -> Any:
        criteria = SearchCriteria(
            processes=tuple(parse_process(p) for p in options.process),
            standard=parse_standard(options.standard) if options.standard else "",
            min_ipc_class=options.ipc_class,
            country=(options.country or "").strip().upper(),
            itar=options.itar,
            volume_band=parse_volume_band(options.volume) if options.volume else "",
        )
        sites = search_sites(sites_with_capabilities_visible(actor), criteria, today())
        data = [m.cells() for m in site_matches(list(sites), today())]
        if options.json:
            return [dict(zip(SEARCH_HEADERS, row, strict=True)) for row in data]
        if options.format == "csv":
            return to_csv_bytes(SEARCH_HEADERS, data).decode("utf-8-sig").rstrip("\r\n")
        return [f"{len(data)} site(s) match", *table(data, SEARCH_HEADERS)]
