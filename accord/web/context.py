from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from accord.threads.inbox import unread_count


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    current: bool


# label, URL name, path prefixes that belong to the section, admins only
SECTIONS: list[tuple[str, str, tuple[str, ...], bool]] = [
    ("Dashboard", "dashboard", (), False),
    ("Programs", "program_list", ("/programs/",), False),
    ("Parts", "part_list", ("/parts/",), False),
    ("BOMs", "bom_list", ("/boms/",), False),
    ("Planning", "plan_index", ("/planning/",), False),
    ("My imports", "my_imports", ("/imports/",), False),
    ("Supply", "stock_list", ("/supply/",), False),
    ("Scorecards", "scorecard_index", ("/scorecards/",), False),
    ("Agreements", "agreement_list", ("/agreements/",), False),
    ("Audits", "audit_list", ("/audits/", "/findings/"), False),
    ("NDAs", "nda_list", ("/ndas/",), False),
    ("People", "people_list", ("/people/",), False),
    ("Organisation", "organisation_page", ("/organisation/",), False),
    ("Events", "event_list", ("/events/",), False),
    ("Access log", "access_log", ("/access-log/",), True),
    ("API tokens", "token_list", ("/settings/tokens/",), False),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_organisation": None, "nav_items": []}
    is_admin = bool(getattr(user, "is_org_admin", False))
    items = []
    for label, name, prefixes, admins_only in SECTIONS:
        if admins_only and not is_admin:
            continue
        url = reverse(name)
        current = request.path == url or any(request.path.startswith(p) for p in prefixes)
        items.append(NavItem(label, url, current))
    return {
        "nav_organisation": getattr(user, "organisation", None),
        "nav_items": items,
        # Called by the header when it is drawn: one COUNT.
        "nav_unread": lambda: unread_count(user),
    }
