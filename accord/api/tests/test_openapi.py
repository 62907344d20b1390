"""The OpenAPI document is valid OpenAPI, declares every error each operation can answer (from
its auth, parameters, body and method), and says what the server does about null and about
rules between fields."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

from accord.api.api import api
from accord.api.tests.utils import API


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return api.get_openapi_schema(path_prefix="/api/v1/")


def operations(document: dict[str, Any]):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation


def test_the_document_is_valid_openapi(client_for):
    served = client_for("anonymous").get(f"{API}/openapi.json").json()
    validate(served)  # raises with the first violation
    assert served["openapi"].startswith("3.")


def test_every_error_is_declared_with_the_error_schema(document):
    for method, path, operation in operations(document):
        responses = {str(status): r for status, r in operation["responses"].items()}
        assert "4XX" not in responses, (method, path)
        for status, response in responses.items():
            if status.startswith("4"):
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)
                assert response["description"], (method, path, status)
        errors = {int(s) for s in responses if s.startswith("4")}
        secured = bool(operation.get("security"))
        has_path = any(p["in"] == "path" for p in operation.get("parameters", []))
        has_body = "requestBody" in operation
        assert (401 in errors) == secured, (method, path)
        assert (404 in errors) >= (has_path or has_body), (method, path)
        assert (400 in errors) == (413 in errors) == has_body, (method, path)
        assert ({403, 409} <= errors) == (method in {"POST", "PATCH", "PUT", "DELETE"}), (
            method,
            path,
        )
        if operation.get("parameters") or has_body:
            assert 422 in errors, (method, path)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/api/v1/me", {401}),
        ("GET", "/api/v1/parts", {401, 422}),
        ("GET", "/api/v1/parts/{part_id}", {401, 404, 422}),
        ("PATCH", "/api/v1/parts/{part_id}", {400, 401, 403, 404, 409, 413, 422}),
        ("POST", "/api/v1/boms/import", {400, 401, 403, 404, 409, 413, 422}),
        ("DELETE", "/api/v1/tokens/{token_id}", {401, 403, 404, 409, 422}),
        ("GET", "/api/v1/access-log", {401, 404, 422}),  # declared by the operation itself
    ],
)
def test_errors_of_some_operations(document, method, path, expected):
    responses = document["paths"][path][method.lower()]["responses"]
    assert {int(s) for s in responses if str(s).startswith("4")} == expected


def _component(document: dict[str, Any], name: str) -> dict[str, Any]:
    return document["components"]["schemas"][name]


def _nullable(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "null" or any(
        s.get("type") == "null" for s in schema.get("anyOf", [])
    )


def test_fields_that_refuse_null_are_not_nullable(document):
    patch = _component(document, "PartPatch")["properties"]
    # Null clears these two (no category; no lead time); every other field refuses it.
    clearable = {"category", "lead_time_weeks"}
    assert {name for name, s in patch.items() if _nullable(s)} == clearable
    assert all("default" not in s for name, s in patch.items() if name not in clearable)
    member = _component(document, "MemberIn")["properties"]
    assert not _nullable(member["person_id"]) and not _nullable(member["username"])
    for path in ("/api/v1/parts", "/api/v1/events", "/api/v1/ndas", "/api/v1/boms"):
        for parameter in document["paths"][path]["get"]["parameters"]:
            assert not _nullable(parameter["schema"]), (path, parameter["name"])


def test_output_fields_the_server_may_leave_null_are_nullable(document):
    part = _component(document, "PartOut")["properties"]
    assert _nullable(part["category"]) and not _nullable(part["number"])
    source = _component(document, "SourceOut")["properties"]
    assert _nullable(source["supplier"]) and _nullable(source["lead_time_weeks"])
    token = _component(document, "TokenCreated")["properties"]
    assert _nullable(token["secret"])  # a replay answers it as null


def test_exactly_one_of_person_id_or_username_is_in_the_schema(document):
    member = _component(document, "MemberIn")
    assert member["oneOf"] == [{"required": ["person_id"]}, {"required": ["username"]}]
    assert member["additionalProperties"] is False


def test_input_bodies_refuse_unknown_fields_in_the_schema(document):
    for method, path, operation in operations(document):
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            name = body["schema"]["$ref"].rsplit("/", 1)[1]
            assert _component(document, name).get("additionalProperties") is False, (method, path)


def test_no_two_schemas_share_a_component_name() -> None:
    """The document names each schema by its class name: two different schemas of one name
    (a build's versions and an agreement's) would leave one endpoint described by the other's
    shape. Schemas of the same name must be the same shape."""
    import sys

    from pydantic import BaseModel

    shapes: dict[str, dict[str, Any]] = {}
    clashes = []
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("accord."):
            continue
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
            ):
                shape = value.model_json_schema()
                shape.pop("title", None)
                shape.pop("description", None)
                if shapes.setdefault(name, shape) != shape:
                    clashes.append(f"{name} ({module.__name__})")
    assert not clashes, clashes
