"""Small, fast tags for tables: sortable headers, badges, quantities, event links."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from accord.web import display
from accord.web.widgets import widget_html

register = template.Library()

# Event object types that have a page, and the URL name of that page.
OBJECT_PAGES = {
    "orgs.program": "program_detail",
    "orgs.nda": "nda_detail",
    "parts.part": "part_detail",
    "parts.bom": "bom_detail",
    "supply.site": "site_detail",
    "supply.purchaseorder": "order_detail",
    "supply.build": "build_detail",
    "partners.certificate": "certificate_detail",
}


@register.simple_tag(takes_context=True)
def sort_th(context: template.Context, key: str, label: str, css: str = "") -> SafeString:
    """A column header whose link sorts by the column; a second click reverses the order."""
    request = context["request"]
    current = str(context.get("sort", ""))
    params = request.GET.copy()
    for name in ("page", "format", "all"):
        params.pop(name, None)
    if current == key:
        params["sort"], aria, arrow = f"-{key}", "ascending", "▲"
    elif current == f"-{key}":
        params["sort"], aria, arrow = key, "descending", "▼"
    else:
        params["sort"], aria, arrow = key, "", ""
    return format_html(
        '<th scope="col"{}{}><a href="?{}">{}<span class="sort-ind" aria-hidden="true">{}</span>'
        "</a></th>",
        format_html(' class="{}"', css) if css else "",
        format_html(' aria-sort="{}"', aria) if aria else "",
        params.urlencode(),
        label,
        arrow,
    )


@register.simple_tag
def badge(item: display.Badge | None) -> SafeString:
    return mark_safe(display.badge_html(item))  # noqa: S308 - badge_html escapes every part


@register.filter
def lifecycle(value: str, ltb_date: dt.date | None = None) -> SafeString:
    return mark_safe(display.lifecycle_badge_html(value, ltb_date))  # noqa: S308 - escaped


@register.filter
def sourcing(approved_count: int) -> SafeString:
    return mark_safe(display.sourcing_badge_html(approved_count))  # noqa: S308 - escaped


@register.filter
def qty(value: Decimal | int | None) -> str:
    return display.quantity(value)


@register.filter
def changes(value: Any) -> str:
    return display.changes_text(value)


@register.filter
def widget(field: Any) -> SafeString:
    """{{ form.field|widget }}: the field's widget, as Django renders it, without its templates."""
    return widget_html(field)


@register.filter
def object_url(event: Any) -> str:
    """The page of the object an event is about, when it has one."""
    name = OBJECT_PAGES.get(getattr(event, "object_type", ""))
    if name is None:
        return ""
    try:
        return reverse(name, args=[int(event.object_id)])
    except (NoReverseMatch, ValueError):
        return ""


@register.filter(name="possessive")
def possessive_filter(name: Any) -> str:
    """{{ organisation.name|possessive }}: "Halcyon Devices'", "Meridian's"."""
    from accord.core.text import possessive

    return possessive(name)
