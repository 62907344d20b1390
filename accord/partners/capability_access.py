"""Who may see and keep which site capabilities: the certificate summaries' rules
(partners/access.py). The site's own organisation adds, changes and retires them; partner
organisations (connected, the owners of the person's programs and, except for sellers, the
other partners of those programs) see them; anyone else gets 404, a reader who may not act 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accord.core.access import get_or_404
from accord.core.errors import Forbidden
from accord.partners.access import (
    can_record,
    certificate_organisation_ids,
    get_site_for_certificates,
    sites_with_certificates_visible,
)
from accord.partners.models import SiteCapability, SiteProfile
from accord.supply.models import Site


def capabilities_visible_to(user: Any) -> QuerySet[SiteCapability]:
    return SiteCapability.objects.filter(
        site__organisation_id__in=sorted(certificate_organisation_ids(user))
    )


def profiles_visible_to(user: Any) -> QuerySet[SiteProfile]:
    return SiteProfile.objects.filter(
        site__organisation_id__in=sorted(certificate_organisation_ids(user))
    )


def sites_with_capabilities_visible(user: Any) -> QuerySet[Site]:
    return sites_with_certificates_visible(user)


def get_site_for_capabilities(user: Any, pk: Any, *, write: bool = False) -> Site:
    """A site whose capabilities the person sees, else 404; with `write`, 403 unless it is
    their own organisation's."""
    site = get_site_for_certificates(user, pk)
    if write and not can_record(user, site.organisation_id):
        raise Forbidden("Only the site's own organisation keeps its capabilities.")
    return site


def get_capability_for_user(user: Any, pk: Any, *, write: bool = False) -> SiteCapability:
    """A capability the person sees, else 404; `write` (change, retire): 403 unless the
    site's organisation is theirs."""
    capability = get_or_404(
        capabilities_visible_to(user).select_related("site", "site__organisation"), pk=pk
    )
    if write and not can_record(user, capability.site.organisation_id):
        raise Forbidden("Only the site's own organisation changes its capabilities.")
    return capability


def profile_of(user: Any, site: Site) -> SiteProfile | None:
    """The site's profile (volume band, ITAR) for someone who sees the site; None if unset."""
    return profiles_visible_to(user).filter(site=site).first()
