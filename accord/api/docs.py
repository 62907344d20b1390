"""Interactive API docs that work offline under the product's Content-Security-Policy.

Ninja's own page needs "ninja" in INSTALLED_APPS (or it falls back to a CDN). This page uses
ninja's bundled Swagger UI files, served by the view below, and boots them from our static
script: no inline script, no other host.
"""

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

from accord.api.errors import error_response

if TYPE_CHECKING:
    from ninja import NinjaAPI

NINJA_STATIC = Path(ninja.__file__).parent / "static" / "ninja"
DOCS_ASSETS = frozenset({"swagger-ui-bundle.js", "swagger-ui.css", "favicon.svg", "favicon.png"})
ASSET_MAX_AGE = 24 * 60 * 60


class OfflineSwagger(DocsBase):
    settings: dict[str, Any] = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # Tags folded: listing every one of some 300 operations at once kept the page busy for
        # seconds; a tag opens on a click (or a deep link).
        "docExpansion": "none",
        # Swagger UI otherwise sends the schema to validator.swagger.io for a badge.
        "validatorUrl": None,
    }

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        def asset(name: str) -> str:
            return reverse(f"{api.urls_namespace}:docs-asset", kwargs={"name": name})

        context = {
            "api": api,
            "swagger_settings": {**self.settings, "url": self.get_openapi_url(api, kwargs)},
            "bundle_url": asset("swagger-ui-bundle.js"),
            "css_url": asset("swagger-ui.css"),
            "favicon_url": asset("favicon.svg"),
        }
        return render(request, "api/docs.html", context)


def docs_asset(request: HttpRequest, name: str) -> HttpResponseBase:
    """One of ninja's bundled Swagger UI files, by exact name only."""
    if name not in DOCS_ASSETS:
        return error_response(404, "not_found", "There is no such file.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((NINJA_STATIC / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE}"
    return response
