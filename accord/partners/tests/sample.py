"""Meridian's Penang plant and its certificates, for the app's tests and the access matrices."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accord.core.access import today

PDF = b"%PDF-1.7\n% certificate\n%%EOF\n"


def penang(planner: Any) -> Any:
    """Meridian's plant PEN1 (created by its administrator, the planner)."""
    from accord.supply.models import Site
    from accord.supply.services import create_site

    found = Site.objects.filter(organisation_id=planner.organisation_id, code="PEN1").first()
    return found or create_site(actor=planner, code="PEN1", name="Penang plant", country="MY")


def certificate(actor: Any, site: Any, standard: str = "ISO 9001", **values: Any) -> Any:
    """A certificate valid from a year ago for two more years, unless told otherwise."""
    from accord.partners.services import create_certificate

    day = today()
    fields: dict[str, Any] = {
        "standard": standard,
        "number": f"{standard.replace(' ', '')}-{site.code}",
        "issuer": "TÜV SÜD",
        "valid_from": day - dt.timedelta(days=365),
        "valid_until": day + dt.timedelta(days=730),
        "processes": ["smt", "box_build"],
    }
    return create_certificate(actor=actor, site=site, **(fields | values))


def with_evidence(actor: Any, site: Any) -> Any:
    """Meridian's ISO 9001 certificate of PEN1 with its PDF on file."""
    from accord.partners.services import attach_evidence
    from accord.scorecards.attachments import AttachedFile

    found = certificate(actor, site)
    attach_evidence(actor=actor, certificate=found, file=AttachedFile.checked(PDF, "iso9001.pdf"))
    return found
