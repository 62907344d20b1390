"""`accord certificates ACTION --as USERNAME ...`: certificates of sites, as that person may see
and change them (pages and API apply the same rules).

accord certificates list meridian --as aisha [--format table|csv|json] [--retired]
accord certificates add --site PEN1 --standard "ISO 13485" --number MD-1 --issuer TUV \\
    --valid-from 2026-01-01 --valid-until 2029-01-01 [--class 3] [--process SMT ...] \\
    [--category "medical devices" ...] [--scope TEXT] [--evidence FILE] --as daniel
accord certificates retire CERTIFICATE --as daniel
accord certificates verify CERTIFICATE --as maya
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from accord.core.access import today
from accord.core.commands import WorkspaceCommand, parse_date, table
from accord.core.exports import to_csv_bytes
from accord.orgs.models import Person
from accord.partners.access import (
    certificates_visible_to,
    get_certificate_for_user,
    get_organisation_for_certificates,
    get_own_site_by_code,
)
from accord.partners.choices import CertificateStatus, Standard
from accord.partners.queries import certificate_rows, processes_text
from accord.partners.services import (
    EVIDENCE_KINDS,
    attach_evidence,
    create_certificate,
    evidence_max_mb,
    retire_certificate,
    verify_certificate,
)
from accord.scorecards.attachments import read_path

HEADERS = ["id", "site", "standard", "number", "issuer", "valid_from", "valid_until", "status"]


def _list(parser: CommandParser) -> None:
    parser.add_argument("organisation", metavar="ORG", help="Accord id (slug) or number")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
    parser.add_argument("--retired", action="store_true", help="retired ones too")


def _add(parser: CommandParser) -> None:
    parser.add_argument("--site", required=True, help="the code of a site of your organisation")
    parser.add_argument("--standard", required=True, help=", ".join(Standard.values))
    parser.add_argument("--class", dest="ipc_class", type=int, help="IPC-A-610 class (1-3)")
    parser.add_argument("--number", required=True)
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--valid-from", required=True, type=parse_date)
    parser.add_argument("--valid-until", required=True, type=parse_date)
    parser.add_argument("--process", action="append", default=[], help="repeat for each")
    parser.add_argument("--category", action="append", default=[], help="repeat for each")
    parser.add_argument("--scope", default="", help="the scope as written")
    parser.add_argument("--suspended", action="store_true")
    parser.add_argument("--evidence", type=Path, help="PDF, PNG or JPEG")


def _one(parser: CommandParser) -> None:
    parser.add_argument("certificate", type=int, metavar="CERTIFICATE", help="its id")


class Command(WorkspaceCommand):
    help = "Certificates of sites: list, add, retire, verify."
    subcommands = (
        ("list", "an organisation's certificates and their status today", _list, "list"),
        ("add", "record a certificate of a site of your organisation", _add, "add"),
        ("retire", "retire a certificate of your organisation", _one, "retire"),
        ("verify", "verify a partner's certificate (a buyer)", _one, "verify"),
    )

    def list(self, actor: Person, options: argparse.Namespace) -> Any:
        organisation = get_organisation_for_certificates(actor, options.organisation)
        rows = certificate_rows(
            certificates_visible_to(actor).filter(site__organisation=organisation), today()
        )
        if not options.retired:
            rows = rows.filter(retired_at__isnull=True)
        data = [
            [
                c.pk,
                c.site.code,
                c.label,
                c.number,
                c.issuer,
                c.valid_from.isoformat(),
                c.valid_until.isoformat(),
                str(CertificateStatus(c.status).label) + (" (retired)" if c.retired_at else ""),
            ]
            for c in rows.order_by("site__code", "standard", "number", "pk")
        ]
        if options.json or options.format == "json":
            return json.dumps(
                [dict(zip(HEADERS, row, strict=True)) for row in data],
                cls=DjangoJSONEncoder,
                indent=2,
            )
        if options.format == "csv":
            return to_csv_bytes(HEADERS, data).decode("utf-8-sig").rstrip("\r\n")
        return [f"Certificates of {organisation.name}", *table(data, HEADERS)]

    def add(self, actor: Person, options: argparse.Namespace) -> Any:
        site = get_own_site_by_code(actor, options.site)
        evidence = None
        if options.evidence is not None:
            evidence = read_path(
                options.evidence, kinds=EVIDENCE_KINDS, field="evidence", max_mb=evidence_max_mb()
            )
        with transaction.atomic():  # the certificate and its evidence, or nothing
            certificate = create_certificate(
                actor=actor,
                site=site,
                standard=options.standard,
                ipc_class=options.ipc_class,
                number=options.number,
                issuer=options.issuer,
                valid_from=options.valid_from,
                valid_until=options.valid_until,
                processes=options.process,
                product_categories=options.category,
                scope_text=options.scope,
                suspended=options.suspended,
            )
            if evidence is not None:
                attach_evidence(actor=actor, certificate=certificate, file=evidence)
        scope = processes_text(certificate.processes)
        return (
            f"Recorded certificate {certificate.pk}: {certificate} at {site.code}"
            + (f" ({scope})" if scope else "")
            + (f", evidence {evidence.filename}" if evidence else "")
        )

    def retire(self, actor: Person, options: argparse.Namespace) -> Any:
        certificate = get_certificate_for_user(actor, options.certificate, write=True)
        retire_certificate(actor=actor, certificate=certificate)
        return f"Retired certificate {certificate.pk}: {certificate}"

    def verify(self, actor: Person, options: argparse.Namespace) -> Any:
        certificate = get_certificate_for_user(actor, options.certificate, verify=True)
        verify_certificate(actor=actor, certificate=certificate)
        return f"Verified certificate {certificate.pk}: {certificate}"
