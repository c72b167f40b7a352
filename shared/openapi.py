"""The OpenAPI 3.1 document, generated from the route table and the pydantic models."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from shared.config import VERSION
from shared.models import resolve
from shared.routes import ROUTES, spec_path

_ERRORS = {
    "400": "Bad request",
    "401": "Unauthenticated or invalid token",
    "403": "Forbidden: insufficient role",
    "404": "Not found",
    "409": "Conflict with the current state",
    "413": "Body too large",
    "415": "Unsupported media type",
    "422": "Validation error",
    "429": "Rate limit exceeded",
}


def _ref(name: str, components: dict) -> dict:
    model = resolve(name)
    if model is None:
        return {"type": "object"}
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for sub_name, sub in schema.pop("$defs", {}).items():
        components[sub_name] = sub
    components[name] = schema
    return {"$ref": f"#/components/schemas/{name}"}


@lru_cache(maxsize=1)
def document() -> dict:
    components: dict = {
        "ErrorResponse": {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
    }
    paths: dict = {}
    for r in ROUTES:
        if r.path.startswith("/docs") or r.path == "/openapi.json":
            continue
        path = spec_path(r.path)
        op: dict = {
            "summary": r.summary,
            "operationId": f"{r.function}_{r.handler}",
            "tags": [r.tag],
            "parameters": [
                {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                for p in re.findall(r"\{(\w+)\}", path)
            ]
            + [
                {"name": n, "in": "query", "required": False, "schema": {"type": t}, "description": d}
                for n, t, d in r.query
            ],
            "responses": {},
        }
        if r.roles is not None:
            op["security"] = [{"bearer": []}]
            op["description"] = "Roles: " + ", ".join(sorted(r.roles))
        if r.request_model:
            schema = _ref(r.request_model, components)
            content = {"application/json": {"schema": schema}}
            if r.body == "multipart":
                content["multipart/form-data"] = {"schema": schema}
            op["requestBody"] = {"required": True, "content": content}
        ok: dict[str, Any] = {"description": "OK"}
        if r.response_model:
            ok["content"] = {"application/json": {"schema": _ref(r.response_model, components)}}
        op["responses"]["200"] = ok
        for code, text in _ERRORS.items():
            op["responses"][code] = {
                "description": text,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
            }
        paths.setdefault(path, {})[r.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Accessible Video Processing Platform", "version": VERSION},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }
