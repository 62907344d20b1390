"""What every list page shares: the signed-in person, sorting, pagination and exports."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from accord.core.errors import InvalidInput
from accord.core.exports import EXPORT_FORMATS, export_response
from accord.orgs.models import Person

PAGE_SIZE = 50
# Exports hold every filtered row up to this many; the page says so when there are more.
EXPORT_CAP = 100_000


def person(request: HttpRequest) -> Person:
    """The signed-in person (views are wrapped in login_required)."""
    return cast(Person, request.user)


def requested_export(request: HttpRequest) -> str | None:
    """The export format asked for with ?format=csv|xlsx, or None for the page itself."""
    fmt = request.GET.get("format", "").strip().lower()
    if not fmt:
        return None
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"Unknown export format {fmt!r}; use csv or xlsx.")
    return fmt


def parse_sort(request: HttpRequest, options: Mapping[str, str], default: str) -> tuple[str, str]:
    """(the sort key as shown in links, e.g. "-number"; the field to order by)."""
    raw = request.GET.get("sort", "").strip() or default
    name = raw.removeprefix("-")
    if name not in options:
        raw, name = default, default.removeprefix("-")
    field = options[name]
    return raw, ("-" + field if raw.startswith("-") else field)


def paginate(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page:
    """One COUNT and one slice; an out-of-range or garbled page number shows the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def capped(rows: Iterable[Sequence[Any]], cap: int | None = None) -> Iterator[Sequence[Any]]:
    return islice(rows, cap if cap is not None else EXPORT_CAP)


def export_table(
    fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A download of at most EXPORT_CAP rows, never cached by a shared proxy."""
    response = export_response(fmt, filename, headers, capped(rows))
    response["Cache-Control"] = "private, no-store"
    return response


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """Partial (htmx) and full responses of the same URL must not be cached as one another."""
    patch_vary_headers(response, ["HX-Request"])
    return response
