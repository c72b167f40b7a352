"""Path and query parameters as the contract states them: one schema per parameter, used by the
OpenAPI document (shared.openapi) and checked by the dispatcher (shared.http) before a handler
runs, so a value the document says is invalid is refused the way the document says (decision
1001): a path value that cannot name a resource is 404, a query value outside its schema 422."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from shared.errors import NotFound, Unprocessable

ID_PATTERN = "^[0-9a-f]{24}$"
LANG_PATTERN = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
ROLE_ENUM = ["CLIENT", "REVIEWER", "LINGUIST", "PM", "ADMIN"]

# Query parameter schemas by name (a route row may add to them with a 4th element).
QUERY_SCHEMAS: dict[str, dict[str, Any]] = {
    "limit": {"type": "integer", "minimum": 1, "maximum": 100},
    "cursor": {"type": "string", "pattern": "^[A-Za-z0-9_=-]+$", "maxLength": 512},
    "org_id": {"type": "string", "pattern": ID_PATTERN},
    "actor": {"type": "string", "pattern": ID_PATTERN},
    "kind": {"type": "string", "enum": ["captions", "descriptions"]},
    "role": {"type": "string", "enum": ROLE_ENUM},
    "since": {"type": "string", "format": "date-time"},
    "until": {"type": "string", "format": "date-time"},
    "from": {"type": "string", "pattern": "^([0-9a-f]{24}|current)$"},
    "to": {"type": "string", "pattern": "^([0-9a-f]{24}|current)$"},
}
# Path parameter schemas by name; any other path parameter is a 24-hex id.
PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    "lang": {"type": "string", "pattern": LANG_PATTERN, "maxLength": 35},
    "path": {"type": "string", "pattern": r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", "maxLength": 512},
    "name": {"type": "string", "pattern": r"^[A-Za-z0-9._-]+$", "maxLength": 64},
}
ID_SCHEMA = {"type": "string", "pattern": ID_PATTERN}

_compiled: dict[str, re.Pattern] = {}


def path_schema(name: str) -> dict:
    return PATH_SCHEMAS.get(name, ID_SCHEMA)


def query_schema(q: tuple) -> tuple[dict, bool]:
    """(JSON schema, required) of a route's query row `(name, type, description[, extra])`."""
    name, typ = q[0], q[1]
    default: dict[str, Any] = {"type": typ, "minLength": 1} if typ == "string" else {"type": typ}
    schema: dict[str, Any] = dict(QUERY_SCHEMAS.get(name, default))
    extra = dict(q[3]) if len(q) > 3 else {}
    required = bool(extra.pop("required", False))
    schema.update(extra)
    schema.setdefault("type", typ)
    return schema, required


def _pattern(p: str) -> re.Pattern:
    if p not in _compiled:
        _compiled[p] = re.compile(p)
    return _compiled[p]


def problem(value: str, schema: dict) -> str | None:
    """Why `value` (a raw parameter string) does not fit `schema`, or None."""
    if schema.get("type") == "integer":
        try:
            number = int(value)
        except ValueError:
            return "must be an integer"
        lo, hi = schema.get("minimum"), schema.get("maximum")
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            return f"must be between {lo} and {hi}"
        return None
    if "enum" in schema and value not in schema["enum"]:
        return "must be one of " + ", ".join(schema["enum"])
    if len(value) < schema.get("minLength", 0):
        return "must not be empty"
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return f"must be at most {schema['maxLength']} characters"
    if "pattern" in schema and not _pattern(schema["pattern"]).search(value):
        return "is not well-formed" if schema["pattern"] != ID_PATTERN else "must be a 24-character hex id"
    if schema.get("format") == "date-time":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return "must be an ISO 8601 date-time (e.g. 2026-01-31T12:00:00Z)"
    return None


def check(route, params: dict, args) -> None:
    """Refuse path values that cannot name a resource (404) and query values outside the route's
    schemas (422); repeated query parameters are refused too (each is documented once)."""
    for name, value in params.items():
        if name in ("path", "name"):  # file paths: the handler explains what is wrong (400)
            continue
        why = problem(str(value), path_schema(name))
        if why is not None:
            raise NotFound(f"Not found: {name} {why}")
    for q in route.query:
        values = args.getlist(q[0])
        schema, required = query_schema(q)
        if not values:
            if required:
                raise Unprocessable(f"Query parameter {q[0]} is required")
            continue
        if len(values) > 1:
            raise Unprocessable(f"Query parameter {q[0]} may be given once")
        why = problem(values[0], schema)
        if why is not None:
            raise Unprocessable(f"Query parameter {q[0]} {why}")
