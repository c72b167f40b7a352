"""The OpenAPI 3.1 document, generated from the route table and the pydantic models.

For every operation: the success status the handler answers (`Route.status`: 200, 201 for
creations, 204 for deletions and logout, 302 for the Microsoft redirect), every error status it
can answer (401/403 for authenticated routes, 404 where a path names a resource, 413/415/422
where a body is read, 422 for checked query values, plus `Route.errors`), the request headers it
reads (`If-Match`, `Idempotency-Key`), the response headers it sets (`ETag`, `Retry-After`,
`X-Request-ID`, `Set-Cookie`, `Location`, ...), the multipart `file` part of job creation, the
security scheme (bearer JWT; the refresh cookie), the `{detail}` error schema, examples, and
links from each creation to the operations that use what it returns. Decision 1001."""

from __future__ import annotations

import copy
import re
from functools import lru_cache

from shared.config import VERSION, settings
from shared.models import resolve
from shared.models.jobs import LANG_PATTERN as JOB_LANG
from shared.models.jobs import PY_SPACE
from shared.params import path_schema, query_schema
from shared.routes import ROUTES, Route, spec_path

ERROR_TEXT = {
    400: "Bad request: a value the server cannot use (its detail says which and why)",
    401: "Unauthenticated: missing, invalid or expired token (or wrong credentials)",
    403: "Forbidden: your role or organisation may not do this",
    404: "Not found (or not visible to you)",
    409: "Conflict with the current state (its detail names the state)",
    412: "Precondition failed: If-Match does not match the current ETag; reload and retry",
    413: "Body too large",
    415: "Unsupported media type: send the documented Content-Type",
    422: "Validation error: the body or a parameter does not match the schema",
    428: "Precondition required: send If-Match with the ETag you read",
    429: "Rate limit exceeded: retry after Retry-After seconds",
    500: "Internal server error (details logged, never returned; the detail gives a reference)",
    503: "Service temporarily unavailable: retry later",
}
ERROR_EXAMPLE = {
    400: "Invalid cursor; use the next_cursor value of the previous page",
    401: "Missing bearer token: send Authorization: Bearer <access_token>",
    403: "Your role (CLIENT) may not delete job and its files",
    404: "Job not found",
    409: "This job is TRANSCRIBING; it can be approved only at a QC stage",
    412: "This VTT changed since you loaded it (If-Match does not match its ETag); reload it and apply your change again",
    413: "Request body is larger than 32 MB; use POST /api/v1/files/upload-url",
    415: "Send the request body as application/json",
    422: "Invalid request: email: Field required",
    428: "Send If-Match with the ETag from GET /jobs/{id}/vtt/{lang} so no edit overwrites another",
    429: "Too many sign-in attempts from this address; retry in 60 s",
    500: "Internal server error; reference 5f0c2a9e8b7d4c3a9e1f2b3c4d5e6f70",
    503: "Service temporarily unavailable; retry shortly",
}

HEADERS = {
    "X-Request-ID": {
        "description": "The request id (yours when you sent a plain token as X-Request-ID); every log line of "
        "the request carries it",
        "schema": {"type": "string"},
    },
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer", "minimum": 1}},
    "ETag": {
        "description": "Strong ETag of the VTT content; send it back as If-Match when saving",
        "schema": {"type": "string"},
    },
    "Set-Cookie": {
        "description": "`avp_refresh` (refresh token) and `avp_device` (known-device token): httpOnly, "
        "path /api/v1/auth, SameSite=Strict",
        "schema": {"type": "string"},
    },
    "Cache-Control": {"description": "no-store on responses that carry secrets", "schema": {"type": "string"}},
    "Location": {"description": "Where to continue (the Microsoft sign-in page)", "schema": {"type": "string"}},
    "Idempotent-Replayed": {
        "description": "`true` when an earlier request with the same Idempotency-Key created this job",
        "schema": {"type": "string", "enum": ["true"]},
    },
}
REQUEST_HEADERS = {
    "If-Match": {
        "name": "If-Match",
        "in": "header",
        "required": True,
        "description": "The ETag from GET /api/v1/jobs/{id}/vtt/{lang} (or `*`): the save is refused with 412 "
        "if the VTT changed since, and with 428 without this header",
        "schema": {"type": "string", "minLength": 1, "maxLength": 1024},
        "example": '"3f2a9c1e0b7d4e5f"',
    },
    "If-Match?": {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "description": "The ETag you read (or `*`): with it, the change is refused with 412 if the VTT changed "
        "since; without it, the change applies to the current content",
        "schema": {"type": "string", "minLength": 1, "maxLength": 1024},
        "example": '"3f2a9c1e0b7d4e5f"',
    },
    "Idempotency-Key": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Any unique string (at most 255 characters; a UUID is good). Repeating the request "
        "with the same key within 24 h returns the job it created (Idempotent-Replayed: true) instead "
        "of a second job; the same key with a different request is refused with 422",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        "example": "0b6f7c1e-3c1a-4a55-9d0e-2f6f1f9a7c11",
    },
}

# Links: what a creation returns feeds the operations whose path starts with the same prefix
# and names it as their first path parameter.
LINKS = {
    "jobs_create_job": ("$response.body#/_id", "/api/v1/jobs/{id}"),
    "glossaries_create_glossary": ("$response.body#/id", "/api/v1/glossaries/{id}"),
    "users_create_org": ("$response.body#/id", "/api/v1/organizations/{id}"),
    "webhooks_create_webhook": ("$response.body#/id", "/api/v1/webhooks/{id}"),
}

_CODE = rf"[{PY_SPACE}]*[A-Za-z]{{2,3}}([-_][A-Za-z0-9]{{2,8}}){{0,3}}[{PY_SPACE}]*"
# An empty form field counts as not sent.
EMPTY_OR_ID = "^([0-9a-f]{24})?$"

# Job creation as multipart/form-data: the video and the JobCreate fields as form fields.
JOB_CREATE_FORM = {
    "type": "object",
    "required": ["requested_outputs"],
    "properties": {
        "file": {"type": "string", "format": "binary", "contentMediaType": "video/mp4", "description": "The video"},
        "source_language": {
            "type": "string",
            "pattern": f"^$|{JOB_LANG}",
            "description": "Empty or left out: detected from the audio",
            "example": "en",
        },
        "requested_outputs": {
            "type": "string",
            "pattern": rf"^{_CODE}(,{_CODE}){{0,19}}$",
            "description": "Comma-separated BCP-47 codes (or the field repeated)",
            "example": "es,ca",
        },
        "title": {"type": "string", "maxLength": 200},
        "glossary_id": {"type": "string", "pattern": EMPTY_OR_ID, "description": "Empty: the default glossary"},
        "org_id": {"type": "string", "pattern": EMPTY_OR_ID, "description": "Organisation (ADMIN only; required)"},
        "upload_id": {"type": "string", "pattern": EMPTY_OR_ID, "description": "Instead of `file`: a signed upload"},
        "options": {"type": "string", "description": 'JSON object of the options below, e.g. {"burn_in": true}'},
        "delivery_profile": {"type": "string", "enum": ["default", "bbc", "dcmp"]},
        "extended_ad": {"type": "string", "enum": ["true", "false"]},
        "burn_in": {"type": "string", "enum": ["true", "false"]},
    },
    "additionalProperties": False,
}


def _model_schema(name: str, components: dict) -> dict:
    model = resolve(name)
    if model is None:
        return {"type": "object"}
    if name not in components:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
        for sub_name, sub in schema.pop("$defs", {}).items():
            components.setdefault(sub_name, sub)
        components[name] = schema
    return {"$ref": f"#/components/schemas/{name}"}


def _response_model_schema(name: str, components: dict) -> dict:
    """Response models in serialization mode (what the server sends: defaults are present)."""
    model = resolve(name)
    if model is None:
        return {"type": "object"}
    key = name
    if key not in components:
        schema = model.model_json_schema(
            ref_template="#/components/schemas/{model}", by_alias=True, mode="serialization"
        )
        for sub_name, sub in schema.pop("$defs", {}).items():
            components.setdefault(sub_name, sub)
        components[key] = schema
    return {"$ref": f"#/components/schemas/{key}"}


def _path_params(path: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", path)


def error_codes(r: Route) -> list[int]:
    """Every error status `r` can answer."""
    codes = set(r.errors)
    codes.add(500)
    if not r.public:
        codes.update({401, 403})  # 403: the role list, and organisation / assignment checks
    if _path_params(r.path) or any(q[0] == "org_id" for q in r.query):
        codes.add(404)  # the resource, or the organisation named, is not there (or not yours)
    if r.request_model or r.body in ("json", "multipart"):
        codes.update({413, 415, 422})
    if r.query:  # every query value is checked against its schema (shared.params)
        codes.add(422)
    if "If-Match" in r.headers:
        codes.update({412, 428})
    if "If-Match?" in r.headers:
        codes.add(412)
    if "Idempotency-Key" in r.headers:
        codes.update({400, 409, 422})
    return sorted(codes)


def _error_response(code: int) -> dict:
    headers = {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}}
    if code == 429:
        headers["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
    if code == 503:
        headers["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
    return {
        "description": ERROR_TEXT.get(code, "Error"),
        "headers": headers,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/ErrorResponse"},
                "example": {"detail": ERROR_EXAMPLE.get(code, "See detail")},
            }
        },
    }


def _success(r: Route, components: dict) -> dict:
    headers: dict = {"X-Request-ID": {"$ref": "#/components/headers/X-Request-ID"}}
    if r.function == "auth" and r.response_model == "LoginResponse":
        headers["Set-Cookie"] = {"$ref": "#/components/headers/Set-Cookie"}
        headers["Cache-Control"] = {"$ref": "#/components/headers/Cache-Control"}
    if r.function == "vtt" and r.response_model == "VttDocument":
        headers["ETag"] = {"$ref": "#/components/headers/ETag"}
    if "Idempotency-Key" in r.headers:
        headers["Idempotent-Replayed"] = {"$ref": "#/components/headers/Idempotent-Replayed"}
    if r.status == 302:
        headers["Location"] = {"$ref": "#/components/headers/Location"}
        return {"description": "Redirect to the identity provider", "headers": headers}
    if r.status == 204:
        return {"description": "Done; no content", "headers": headers}
    resp: dict = {"description": "Created" if r.status == 201 else "OK", "headers": headers}
    if r.response_model:
        resp["content"] = {"application/json": {"schema": _response_model_schema(r.response_model, components)}}
    elif r.handler == "metrics":
        resp["content"] = {"text/plain": {"schema": {"type": "string"}}}
    elif r.handler == "openapi":
        resp["content"] = {"application/json": {"schema": {"type": "object"}}}
    elif r.handler == "docs":
        resp["content"] = {"text/html": {"schema": {"type": "string"}}}
    elif r.handler == "docs_asset":
        resp["content"] = {"*/*": {"schema": {"type": "string", "format": "binary"}}}
    return resp


PATH_EXAMPLES = {"lang": "es", "path": "es/captions.vtt", "name": "swagger-ui.css"}


def _parameters(r: Route, path: str) -> list[dict]:
    params = []
    for p in _path_params(path):
        params.append(
            {
                "name": p,
                "in": "path",
                "required": True,
                "schema": dict(path_schema(p)),
                "example": PATH_EXAMPLES.get(p, "6650f3a2c0ffee00deadbeef"),
            }
        )
    for q in r.query:
        schema, required = query_schema(q)
        params.append({"name": q[0], "in": "query", "required": required, "schema": schema, "description": q[2]})
    for h in r.headers:
        params.append(copy.deepcopy(REQUEST_HEADERS[h]))
    return params


def _request_body(r: Route, components: dict) -> dict | None:
    if not r.request_model:
        return None
    schema = _model_schema(r.request_model, components)
    content: dict = {"application/json": {"schema": schema}}
    if r.body == "multipart":
        content = {
            "multipart/form-data": {
                "schema": {"$ref": "#/components/schemas/JobCreateForm"},
                "encoding": {"file": {"contentType": "video/mp4, video/quicktime, application/octet-stream"}},
            },
            "application/json": {"schema": schema},
        }
        components["JobCreateForm"] = JOB_CREATE_FORM
    model = resolve(r.request_model)
    required = r.body == "multipart" or bool(model is not None and model.model_json_schema().get("required"))
    body = {"required": required, "content": content}
    if r.body == "multipart":
        body["description"] = (
            "multipart/form-data with the video as `file` (at most 32 MB), or JSON naming the `upload_id` of a "
            "video uploaded to a signed URL from POST /api/v1/files/upload-url"
        )
    return body


def _operation_id(r: Route) -> str:
    return f"{r.function}_{r.handler}"


def _links(ops: dict) -> None:
    """OpenAPI links from each creation's response to the operations using the id it returns."""
    for op_id, (expr, prefix) in LINKS.items():
        if op_id not in ops:
            continue
        r_src, op_src = ops[op_id]
        links = {
            target_id: {"operationId": target_id, "parameters": {"id": expr}}
            for target_id, (r, _op) in ops.items()
            if target_id != op_id and spec_path(r.path).startswith(prefix)
        }
        if links:
            op_src["responses"][str(r_src.status)]["links"] = links


def _deployment_limits(components: dict) -> None:
    """Limits this deployment configures, written into the schemas that state them."""
    size = components.get("UploadUrlRequest", {}).get("properties", {}).get("size")
    for branch in (size or {}).get("anyOf", []):
        if branch.get("type") == "integer":
            branch["maximum"] = settings().max_signed_upload_bytes


@lru_cache(maxsize=1)
def document() -> dict:
    components: dict = {}
    _model_schema("ErrorResponse", components)
    components["ErrorResponse"]["example"] = {"detail": "Job not found"}
    paths: dict = {}
    ops: dict = {}
    for r in ROUTES:
        if r.path.startswith("/docs") or r.path == "/openapi.json":
            continue
        path = spec_path(r.path)
        op: dict = {
            "summary": r.summary,
            "operationId": _operation_id(r),
            "tags": [r.tag],
            "parameters": _parameters(r, path),
            "responses": {str(r.status): _success(r, components)},
        }
        if r.roles is not None:
            op["security"] = [{"bearer": []}]
            op["description"] = "Roles: " + ", ".join(sorted(r.roles))
        elif r.handler == "refresh":
            op["security"] = [{"refreshCookie": []}]
        else:
            op["security"] = []
        body = _request_body(r, components)
        if body:
            op["requestBody"] = body
        for code in error_codes(r):
            op["responses"][str(code)] = {"$ref": f"#/components/responses/E{code}"}
        paths.setdefault(path, {})[r.method.lower()] = op
        ops[op["operationId"]] = (r, op)
    _links(ops)
    _deployment_limits(components)
    used = sorted({code for r in ROUTES for code in error_codes(r)})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Accessible Video Processing Platform",
            "version": VERSION,
            "description": "Captions, audio description and accessible MP4 from a client's video, with human "
            "QC. Sign in with POST /api/v1/auth/login, then send the access_token as "
            '`Authorization: Bearer <token>` (Authorize button). Every error is `{"detail": "..."}`.',
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": components,
            "responses": {f"E{code}": _error_response(code) for code in used},
            "headers": HEADERS,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "The access_token from POST /api/v1/auth/login (15 minutes)",
                },
                "refreshCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "avp_refresh",
                    "description": "The httpOnly refresh cookie set by login (sent by the browser)",
                },
            },
        },
    }
