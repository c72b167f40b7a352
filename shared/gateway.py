"""The API Gateway configuration: an OpenAPI 2.0 document generated from the route table
(shared.routes.ROUTES), with an `x-google-backend` per operation that sends the request, path
unchanged (APPEND_PATH_TO_ADDRESS), to the Cloud Function that serves it. The functions match
the full public path themselves (shared.http.Dispatcher), so one backend address per function
is enough.

The committed Terraform template terraform/modules/gateway/openapi.json.tftpl is this document
with `${backend_<function>}` placeholders (regenerate with `python -m shared.gateway --template
terraform/modules/gateway/openapi.json.tftpl`; tests/unit/test_gateway_openapi.py fails when it
is stale). Authentication stays in the functions (HS256 bearer tokens); the gateway only routes.
WebSocket paths are not here: API Gateway does not carry WebSockets, clients reach the Cloud Run
service directly.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from shared.config import VERSION
from shared.routes import ROUTES, Route

# Routes the spec marks internal: not published on the gateway. They stay reachable on the
# function itself for callers holding run.invoker on it (e.g. a metrics scraper's account).
INTERNAL = frozenset({("GET", "/metrics")})

# Seconds API Gateway waits for a backend: uploads through POST /jobs take longest.
DEFAULT_DEADLINE = 60.0
DEADLINES = {("POST", "/api/v1/jobs"): 300.0}


def gateway_path(path: str) -> str:
    """Route-table path -> API Gateway path template (`{path:path}` spans segments: `{path=**}`)."""
    return path.replace("{path:path}", "{path=**}")


def path_params(path: str) -> list[str]:
    return re.findall(r"\{(\w+)(?::path)?\}", path)


def placeholder(function: str) -> str:
    return "${backend_" + function + "}"


def public_routes() -> list[Route]:
    """The routes the gateway publishes: all but the internal ones."""
    return [r for r in ROUTES if (r.method, r.path) not in INTERNAL]


def backend_functions() -> list[str]:
    """The functions the gateway routes to (every function with a public route)."""
    return sorted({r.function for r in public_routes()})


def _operation(route: Route, address: str) -> dict:
    params = [{"name": name, "in": "path", "required": True, "type": "string"} for name in path_params(route.path)]
    for name, typ, description, *_schema in route.query:
        params.append(
            {
                "name": name,
                "in": "query",
                "required": False,
                "type": "integer" if typ == "integer" else "string",
                "description": description,
            }
        )
    if route.body == "json" and route.method in ("POST", "PUT", "PATCH"):
        params.append({"name": "body", "in": "body", "required": False, "schema": {"type": "object"}})
    op: dict[str, Any] = {
        "operationId": f"{route.function}_{route.handler}",
        "summary": route.summary,
        "tags": [route.tag or route.function],
        "x-google-backend": {
            "address": address,
            "path_translation": "APPEND_PATH_TO_ADDRESS",
            "jwt_audience": address,
            "deadline": DEADLINES.get((route.method, route.path), DEFAULT_DEADLINE),
        },
        "responses": {"default": {"description": "See the API documentation at /docs"}},
    }
    if route.body == "multipart":
        op["consumes"] = ["multipart/form-data"]
    if params:
        op["parameters"] = params
    return op


def _preflight(route: Route, address: str) -> dict:
    params = [{"name": name, "in": "path", "required": True, "type": "string"} for name in path_params(route.path)]
    op: dict[str, Any] = {
        "operationId": f"{route.function}_{route.handler}_preflight",
        "summary": "CORS preflight",
        "tags": [route.tag or route.function],
        "x-google-backend": {
            "address": address,
            "path_translation": "APPEND_PATH_TO_ADDRESS",
            "jwt_audience": address,
            "deadline": DEFAULT_DEADLINE,
        },
        "responses": {"default": {"description": "CORS preflight answer"}},
    }
    if params:
        op["parameters"] = params
    return op


def document(backends: dict[str, str] | None = None, title: str = "Accessible Video Platform API") -> dict:
    """The OpenAPI 2.0 document; `backends` maps function name -> URL (placeholders if None)."""
    paths: dict[str, dict] = {}
    for route in public_routes():
        address = backends[route.function] if backends is not None else placeholder(route.function)
        item = paths.setdefault(gateway_path(route.path), {})
        item[route.method.lower()] = _operation(route, address)
        if "options" not in item:
            # CORS preflight: the gateway passes OPTIONS to the function, which answers it for the
            # configured origins (shared.http); without an operation the gateway would refuse it.
            item["options"] = _preflight(route, address)
    return {
        "swagger": "2.0",
        "info": {
            "title": title,
            "version": VERSION,
            "description": "Routes every public path of the platform to the Cloud Function that serves it.",
        },
        "schemes": ["https"],
        "produces": ["application/json"],
        "consumes": ["application/json"],
        "paths": paths,
    }


def template_text() -> str:
    """The Terraform template (stable text: same routes, same bytes)."""
    return json.dumps(document(), indent=2) + "\n"


def main(argv: list[str]) -> int:
    if argv[:1] == ["--template"] and len(argv) == 2:
        with open(argv[1], "w", encoding="utf-8") as fh:
            fh.write(template_text())
        return 0
    if not argv:
        sys.stdout.write(template_text())
        return 0
    print("usage: python -m shared.gateway [--template FILE]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
