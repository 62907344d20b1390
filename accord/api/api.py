"""The HTTP API under /api/v1/. Each app contributes a router; this module mounts them.

Besides ninja's routes, the URL list carries the offline docs assets and a catch-all so that
every path under /api/v1/ answers JSON, and unsupported methods answer a JSON 405.
"""

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path, re_path
from ninja import NinjaAPI

from accord.api.auth import API_AUTH
from accord.api.docs import OfflineSwagger, docs_asset
from accord.api.errors import (
    JsonObjectParser,
    install_error_handlers,
    json_method_not_allowed,
    not_found_view,
)
from accord.api.openapi import AccordOpenAPISchema

DESCRIPTION = """\
Accord's HTTP API. Authenticate with a personal API token (`Authorization: Bearer acc_...`,
created at `POST /api/v1/tokens` from a signed-in browser) or with the browser session (send the
`X-CSRFToken` header on unsafe methods).

Every error is JSON `{"code", "message", "detail"}`. Something you may not see answers 404, exactly
as if it did not exist. Lists are paginated with `page` and `page_size` (at most 200), and so are
the lines of a BOM (`GET /boms/{id}/lines`, every level depth first): `GET /boms/{id}` is the
header and the summary, and the whole explosion at once is the export. Creating requests accept
an `Idempotency-Key` header. Quantities are decimal strings, dates ISO 8601.

Reading another organisation's restricted data is recorded in its access log, lists too: one
entry per request and owning organisation, with the number of its restricted rows returned.
"""


class AccordAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls: list[URLResolver | URLPattern] = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern) and pattern.name == "api-root":
                pattern = path("", api_root, name="api-root")
            elif isinstance(pattern, URLPattern):
                pattern = URLPattern(
                    pattern.pattern,
                    json_method_not_allowed(pattern.callback),
                    pattern.default_args,
                    pattern.name,
                )
            urls.append(pattern)
        urls.append(path("docs/assets/<str:name>", docs_asset, name="docs-asset"))
        urls.append(re_path(r"^.*$", not_found_view, name="not-found"))
        return urls

    def get_openapi_operation_id(self, operation: Any) -> str:
        # Short, stable names for generated clients: list_parts, create_bom...
        return str(operation.view_func.__name__)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        # Every operation declares the errors it can answer (accord/api/openapi.py). Building
        # the schema walks every operation's pydantic models (about a second): it cannot change
        # while the process runs, so it is built once per prefix, and gunicorn's master builds
        # it before forking (gunicorn_conf.pre_fork) so that no request waits for it.
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schemas: dict[str, Any] = self.__dict__.setdefault("_openapi_schemas", {})
        if path_prefix not in schemas:
            schemas[path_prefix] = AccordOpenAPISchema(self, path_prefix)
        return schemas[path_prefix]


def api_root(request: HttpRequest, **kwargs: Any) -> JsonResponse:
    return JsonResponse(
        {
            "name": "Accord API",
            "version": "1",
            "docs": request.build_absolute_uri("docs"),
            "openapi": request.build_absolute_uri("openapi.json"),
        }
    )


def build_api() -> AccordAPI:
    from accord.agreements.api import router as agreements_router
    from accord.agreements.flex_api import router as flex_router
    from accord.agreements.invoice_api import router as invoices_router
    from accord.agreements.rfq_api import router as rfqs_router
    from accord.core.api import router as core_router
    from accord.orgs.api import router as orgs_router
    from accord.partners.api import router as partners_router
    from accord.partners.audit_api import router as audits_router
    from accord.partners.capability_api import router as capabilities_router
    from accord.partners.requirement_api import router as requirements_router
    from accord.parts.api import router as parts_router
    from accord.planning.api import router as planning_router
    from accord.scorecards.api import router as scorecards_router
    from accord.supply.api import router as supply_router
    from accord.supply.import_api import router as supply_import_router
    from accord.threads.checkin_api import router as checkins_router
    from accord.threads.notification_api import router as notifications_router
    from accord.threads.thread_api import router as threads_router

    new_api = AccordAPI(
        title="Accord API",
        version="1",
        description=DESCRIPTION,
        auth=API_AUTH,
        docs=OfflineSwagger(),
        parser=JsonObjectParser(),
    )
    install_error_handlers(new_api)
    new_api.add_router("", core_router)
    new_api.add_router("", orgs_router)
    new_api.add_router("", parts_router)
    new_api.add_router("", planning_router)
    new_api.add_router("", scorecards_router)
    new_api.add_router("", supply_router)
    new_api.add_router("", supply_import_router)
    new_api.add_router("", agreements_router)
    new_api.add_router("", rfqs_router)
    new_api.add_router("", invoices_router)
    new_api.add_router("", flex_router)
    new_api.add_router("", partners_router)
    new_api.add_router("", capabilities_router)
    new_api.add_router("", requirements_router)
    new_api.add_router("", audits_router)
    new_api.add_router("", notifications_router)
    new_api.add_router("", threads_router)
    new_api.add_router("", checkins_router)
    return new_api


api = build_api()
