"""The OpenAPI document and the app's routes agree; the document is well formed."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from starlette.routing import Route, WebSocketRoute

from voice_agent.api.app import PUBLIC_PATHS, routes
from voice_agent.api.openapi import DEMO_SECURITY, openapi_document

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


def _route_methods() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in routes():
        if isinstance(r, Route):
            methods = {m.lower() for m in (r.methods or ())} - {"head"}
            out.setdefault(r.path, set()).update(methods)
    return out


def _doc_methods(doc: dict[str, Any]) -> dict[str, set[str]]:
    return {path: {m for m in item if m in HTTP_METHODS} for path, item in doc["paths"].items()}


def test_every_route_is_documented_and_every_documented_route_exists() -> None:
    assert _route_methods() == _doc_methods(openapi_document())


def test_websocket_routes_are_described() -> None:
    doc = openapi_document()
    for r in routes():
        if isinstance(r, WebSocketRoute):
            assert r.path in doc["info"]["description"]


def test_public_paths_need_no_security_and_others_do() -> None:
    doc = openapi_document()
    assert doc["security"] == [{"bearer": []}]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if path in PUBLIC_PATHS:
                assert op.get("security") == [], (method, path)
            elif path in ("/", "/demo/client_secret"):  # keyless only on loopback
                assert op["security"] == DEMO_SECURITY, (method, path)
                assert "401" in op["responses"], (method, path)
            else:
                assert "security" not in op, (method, path)
                assert "401" in op["responses"], (method, path)


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        for value in node.values():
            found += _refs(value)
        return found
    if isinstance(node, list):
        return [r for item in node for r in _refs(item)]
    return []


def test_every_ref_resolves() -> None:
    doc = openapi_document()
    refs = _refs(doc)
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in doc["components"]["schemas"]


def _schemas(doc: dict[str, Any]) -> list[tuple[str, Any]]:
    out = [(f"components.{k}", v) for k, v in doc["components"]["schemas"].items()]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody", {}).get("content", {})
            out += [(f"{method} {path} body", c["schema"]) for c in body.values()]
            for status, resp in op["responses"].items():
                content = resp.get("content", {})
                out += [(f"{method} {path} {status}", c["schema"]) for c in content.values()]
            out += [(f"{method} {path} {p['name']}", p["schema"]) for p in op.get("parameters", [])]
    return out


@pytest.mark.parametrize(("where", "schema"), _schemas(openapi_document()))
def test_every_schema_is_valid_json_schema(where: str, schema: Any) -> None:
    Draft202012Validator.check_schema(schema)


def test_operations_have_unique_ids_and_documented_path_parameters() -> None:
    doc = openapi_document()
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    for path, item in doc["paths"].items():
        for op in item.values():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            in_path = {seg[1:-1] for seg in path.split("/") if seg.startswith("{")}
            assert declared == in_path, path
