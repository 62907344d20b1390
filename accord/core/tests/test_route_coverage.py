"""Every URL pattern of the site is in an access matrix, or is a public route that shows no data.

The whole resolver of accord.urls is walked, nested includes and ninja's patterns too, named or
not. Each pattern must be covered by exactly one of:

- the page matrix (accord/web/tests/test_access_matrix.py, GET_MATRIX / POST_MATRIX), by name;
- the API matrix (accord/api/tests/test_access_matrix.py, API_MATRIX), by each (method, path)
  the ninja route answers, including operations left out of the OpenAPI schema;
- PUBLIC_ROUTES below: routes that answer the same to everyone and show no data.

HOW TO ADD AN ENTRY: a new page gets a name and an entry in GET_MATRIX (and POST_MATRIX if it
takes a POST); a new API operation gets an entry in API_MATRIX (see the top of each file). Only
a route that reveals nothing and changes nothing goes in PUBLIC_ROUTES, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from ninja.operation import PathView

from accord.api.api import api
from accord.api.tests.test_access_matrix import API_MATRIX
from accord.api.tests.utils import API, send, token_client
from accord.web.tests.test_access_matrix import GET_MATRIX, POST_MATRIX

ROOT_URLCONF = "accord.urls"
PAGE_NAMES = set(GET_MATRIX) | set(POST_MATRIX)

# Public routes that show no data: the full route as the resolver spells it -> (why it is
# public, a URL to try it, the status everyone gets). Each answers anonymous and a signed-in
# person alike (test_public_routes_answer_everyone_alike).
PUBLIC_ROUTES: dict[str, tuple[str, str, int]] = {
    # Links to the docs and the schema; no data.
    "api/v1/": ("API root: name, version and two links", f"{API}/", 200),
    # The description of the API, the same for everyone; clients and fuzzers read it.
    "api/v1/openapi.json": ("OpenAPI schema", f"{API}/openapi.json", 200),
    "api/v1/docs": ("interactive docs page (Swagger UI)", f"{API}/docs", 200),
    # Ninja's bundled Swagger UI files, by exact name from an allow-list.
    "api/v1/docs/assets/<str:name>": (
        "Swagger UI static files",
        f"{API}/docs/assets/swagger-ui.css",
        200,
    ),
    # Unknown paths under /api/v1/ answer a JSON 404 instead of the site's HTML page.
    "api/v1/^.*$": ("JSON 404 for unknown API paths", f"{API}/no-such-endpoint", 404),
}


@dataclass(frozen=True)
class Route:
    route: str  # the full route, e.g. "api/v1/parts/<part_id>" or "programs/<int:pk>/"
    name: str | None
    namespace: str | None
    callback: Callable[..., Any]


def walk(patterns: list[Any], prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace) if n) or None
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            assert isinstance(entry, URLPattern), entry
            yield Route(prefix + str(entry.pattern), entry.name, namespace, entry.callback)


def all_routes() -> list[Route]:
    return list(walk(get_resolver(ROOT_URLCONF).url_patterns))


def ninja_path_view(callback: Callable[..., Any]) -> PathView | None:
    """The PathView behind a ninja route (through our JSON-405 wrapper), else None."""
    view: Any = callback
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    for cell in getattr(view, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return None


def api_path(route: str) -> str:
    """ "api/v1/parts/<part_id>" -> "/parts/{part_id}", as in the OpenAPI schema and API_MATRIX."""
    prefix = API.strip("/") + "/"
    assert route.startswith(prefix), route
    return "/" + re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", route.removeprefix(prefix))


def api_operations(route: Route) -> set[tuple[str, str]]:
    path_view = ninja_path_view(route.callback)
    assert path_view is not None
    return {
        (method.upper(), api_path(route.route))
        for operation in path_view.operations
        for method in operation.methods
    }


def coverage() -> tuple[list[str], set[tuple[str, str]], set[str]]:
    """Uncovered routes, API operations served by the resolver, page names used."""
    uncovered: list[str] = []
    operations: set[tuple[str, str]] = set()
    pages: set[str] = set()
    for route in all_routes():
        label = f"{route.route!r} (name={route.name!r}, namespace={route.namespace!r})"
        if route.namespace == api.urls_namespace and ninja_path_view(route.callback):
            served = api_operations(route)
            operations |= served
            uncovered += [f"{label}: {m} {p}" for m, p in sorted(served - set(API_MATRIX))]
        elif route.route in PUBLIC_ROUTES:
            continue
        elif route.namespace is None and route.name in PAGE_NAMES:
            pages.add(route.name)
        else:
            uncovered.append(label)
    return uncovered, operations, pages


def test_every_route_is_in_a_matrix() -> None:
    uncovered, _, _ = coverage()
    assert not uncovered, (
        "These routes are in no access matrix: add them to the page matrix, the API matrix or "
        f"(public, no data) PUBLIC_ROUTES: {uncovered}"
    )


def test_every_matrix_entry_names_a_route() -> None:
    _, operations, pages = coverage()
    routes = {r.route for r in all_routes()}
    assert not set(API_MATRIX) - operations, "API_MATRIX names operations no route serves"
    assert not PAGE_NAMES - pages, "the page matrix names routes that do not exist"
    assert not set(PUBLIC_ROUTES) - routes, "PUBLIC_ROUTES lists routes that do not exist"


def test_the_walk_sees_every_kind_of_route() -> None:
    """Guards the walk itself: ninja operations, unnamed regex routes and pages all appear."""
    routes = all_routes()
    assert any(ninja_path_view(r.callback) for r in routes)
    assert any(r.route == "api/v1/^.*$" for r in routes)
    assert any(r.name == "dashboard" and r.namespace is None for r in routes)
    _, operations, _ = coverage()
    assert ("POST", "/tokens") in operations and ("GET", "/tokens") in operations


# A CSRF token is masked afresh for every response; it is not data.
CSRF_TOKEN = re.compile(rb'data-csrf-token="[^"]*"')


def _content(response: Any) -> bytes:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return CSRF_TOKEN.sub(b"", raw)


@pytest.mark.parametrize("route", sorted(PUBLIC_ROUTES))
def test_public_routes_answer_everyone_alike(client_for: Any, people: Any, route: str) -> None:
    _, url, status = PUBLIC_ROUTES[route]
    anonymous = send(client_for("anonymous"), "GET", url)
    assert anonymous.status_code == status, url
    public = _content(anonymous)
    browser = client_for("oem_buyer")
    script, _ = token_client(people.oem_buyer)
    for client in (browser, script):
        response = send(client, "GET", url)
        assert response.status_code == status, url
        assert _content(response) == public, f"{url} shows a signed-in person more"
