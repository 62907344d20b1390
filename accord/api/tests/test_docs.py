"""OpenAPI schema and interactive docs, offline under the Content-Security-Policy."""

from __future__ import annotations

import re

from django.conf import settings

from accord.api.tests.utils import API

EXTERNAL_URL = re.compile(r"https?://(?!testserver[/\"'])", re.IGNORECASE)


def test_openapi_schema_is_public_json(client_for):
    response = client_for("anonymous").get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Accord API"
    assert f"{API}/parts" in schema["paths"]
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert "ErrorOut" in schema["components"]["schemas"]


def test_docs_page_loads_nothing_from_another_host(client_for):
    response = client_for("anonymous").get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not EXTERNAL_URL.search(html), EXTERNAL_URL.search(html)
    assert "<script>" not in html  # no inline script: the CSP forbids it
    assert '"validatorUrl": null' in html
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert src.startswith("/"), src
        asset = client_for("anonymous").get(src)
        assert asset.status_code == 200, src


def test_docs_script_boots_swagger_without_other_hosts(client_for):
    script = b"".join(client_for("anonymous").get("/static/api/swagger-init.js").streaming_content)
    assert b"SwaggerUIBundle(" in script and b"http" not in script


def test_docs_assets_are_an_allow_list(client_for):
    client = client_for("anonymous")
    assert (
        client.get(f"{API}/docs/assets/swagger-ui-bundle.js")["Content-Type"] == "text/javascript"
    )
    for name in ["redoc.standalone.js", "..%2F__init__.py", "swagger-ui-bundle.js.map"]:
        response = client.get(f"{API}/docs/assets/{name}")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
