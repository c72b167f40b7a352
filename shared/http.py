"""The request dispatcher every HTTP function uses: route matching from the route table,
authentication, role checks, body limits, JSON errors, audit entries, metrics and logs."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from flask import Request, Response
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed as _WzMethodNotAllowed
from werkzeug.exceptions import NotFound as _WzNotFound
from werkzeug.routing import Map, PathConverter, Rule

from shared import fast_json, logs, metrics
from shared.auth.session import authenticate
from shared.auth.tokens import Principal
from shared.config import settings
from shared.errors import DomainError, Forbidden, NotFound, TooLarge, Unauthenticated, Unprocessable, UnsupportedMedia
from shared.params import check as params_check
from shared.routes import ROUTES, Route, routes_for, werkzeug_rule
from shared.services.audit import record

log = logs.get("avp.http")
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# WSGI environ key where a front router that already matched the route table (the local
# platform's app) leaves (route, params), so a function's dispatcher does not match again
MATCHED_ROUTE = "avp.matched_route"


def json_response(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    resp = Response(fast_json.dumps(body), status=status, mimetype="application/json")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def error_response(status: int, detail: str, headers: dict | None = None) -> Response:
    return json_response({"detail": detail}, status, headers)


def readable_validation_error(exc) -> str:
    """A pydantic ValidationError as one readable sentence, without internal text."""
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__") or "body"
        msg = err.get("msg", "is invalid")
        parts.append(f"{loc}: {msg}")
    return "Invalid request: " + "; ".join(parts)


class AnyPathConverter(PathConverter):
    """`{path:path}` that also matches a leading slash, so the handler can refuse an absolute
    path with 400 instead of the router answering 404."""

    regex = ".*?"
    part_isolating = False


CONVERTERS = {"path": AnyPathConverter}


CORS_HEADERS = "Authorization, Content-Type, If-Match, Idempotency-Key"


def method_not_allowed(request: Request, valid_methods) -> Response:
    """405, or for OPTIONS the CORS preflight answer (only for configured origins)."""
    allowed = ", ".join(sorted(valid_methods))
    origin = request.headers.get("Origin")
    if request.method == "OPTIONS" and origin and origin in settings().cors_origins:
        resp = Response(status=204)
        resp.headers["Access-Control-Allow-Methods"] = allowed
        resp.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
        resp.headers["Access-Control-Max-Age"] = "600"
        return resp
    return error_response(405, f"Method {request.method} is not allowed here; use {allowed}", {"Allow": allowed})


class RequestContext:
    """What a handler sees: the request, the authenticated principal, path params."""

    def __init__(self, request: Request, route: Route, params: dict, request_id: str):
        self.request = request
        self.route = route
        self.params = params
        self.request_id = request_id
        self.principal: Principal | None = None
        self.audit: dict[str, Any] = {}

    @property
    def client_address(self) -> str:
        return client_address(self.request)

    def json(self, model=None):
        """The JSON body parsed into `model` (pydantic); 415 if it is not JSON, 422 if invalid."""
        req = self.request
        raw = req.get_data(cache=True)
        if raw and not req.is_json:
            raise UnsupportedMedia("Send the request body as application/json")
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            raise Unprocessable("Request body is not valid JSON") from None
        if model is None:
            return data
        return self.validate(model, data)

    @staticmethod
    def validate(model, data):
        from pydantic import ValidationError

        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise Unprocessable(readable_validation_error(exc)) from None

    def arg(self, name: str, default: str | None = None) -> str | None:
        return self.request.args.get(name, default)

    def int_arg(self, name: str, default: int, lo: int = 1, hi: int = 100) -> int:
        raw = self.request.args.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except ValueError:
            raise Unprocessable(f"Query parameter {name} must be an integer") from None
        if not lo <= value <= hi:
            raise Unprocessable(f"Query parameter {name} must be between {lo} and {hi}")
        return value


def _to_response(result: Any) -> Response:
    if isinstance(result, Response):
        return result
    status = 200
    if isinstance(result, tuple):
        result, status = result
    if hasattr(result, "model_dump"):
        result = result.model_dump(mode="json", by_alias=True)
    if result is None:
        return Response(status=204 if status == 200 else status)
    return json_response(result, status)


def client_address(request: Request) -> str:
    """The caller's address. Only the last `trusted_proxy_hops` X-Forwarded-For entries were
    added by our own proxies (the gateway, Cloud Run's front end); the entry the outermost of
    them added is the client. Anything to its left came from the client and may be forged.
    With no trusted hops (local), or fewer entries than hops, the socket peer is the answer."""
    hops = settings().trusted_proxy_hops
    if hops > 0:
        entries = [e.strip() for e in request.headers.get("X-Forwarded-For", "").split(",") if e.strip()]
        if len(entries) >= hops:
            return entries[-hops][:64]
        global _warned_short_chain
        if not _warned_short_chain:  # once per process: the deployment's hop count looks wrong
            _warned_short_chain = True
            log.warning(
                "X-Forwarded-For has fewer entries than AVP_TRUSTED_PROXY_HOPS; using the socket peer",
                extra={"fields": {"entries": len(entries), "hops": hops}},
            )
    return request.remote_addr or ""


_warned_short_chain = False


def authorization_header(request: Request) -> str:
    """The caller's Authorization value. Behind API Gateway (`behind_gateway`), `Authorization`
    holds the gateway's own Google-signed token for the backend and the caller's header arrives
    as `X-Forwarded-Authorization`; elsewhere that header is ignored (a client could set it)."""
    if settings().behind_gateway:
        return request.headers.get("X-Forwarded-Authorization", "")
    return request.headers.get("Authorization", "")


def _bearer(request: Request) -> str:
    scheme, _, token = authorization_header(request).partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Missing bearer token: send Authorization: Bearer <access_token>")
    return token.strip()


class Dispatcher:
    """Routes a request among `routes` and calls the handler found by `resolve(route)`."""

    def __init__(self, routes: list[Route], resolve: Callable[[Route], Callable]):
        self.routes = routes
        self.resolve = resolve
        self.map = Map(
            [Rule(werkzeug_rule(r.path), methods=[r.method], endpoint=r) for r in routes],
            strict_slashes=False,
            merge_slashes=False,
            converters=CONVERTERS,
        )
        self._own = frozenset(id(r) for r in routes)

    def _match(self, request: Request) -> tuple[Route, Any]:
        matched = request.environ.get(MATCHED_ROUTE)
        if matched is not None and id(matched[0]) in self._own:
            return matched
        adapter = self.map.bind_to_environ(request.environ)
        try:
            return adapter.match(request.path, method=request.method)
        except _WzNotFound:
            raise NotFound(f"No such endpoint: {request.method} {request.path}") from None

    def __call__(self, request: Request) -> Response:
        request_id = logs.request_id_from(request.headers.get("X-Request-ID"))
        trace = logs.trace_fields(
            request.headers.get("X-Cloud-Trace-Context"), request.headers.get("traceparent"), settings().gcp_project
        )
        with logs.request_context(request_id=request_id, **trace):
            return self._dispatch(request, request_id)

    def _dispatch(self, request: Request, request_id: str) -> Response:
        started = time.perf_counter()
        route_label, status = "unmatched", 500
        ctx = None
        try:
            route, params = self._match(request)
            route_label = route.path
            ctx = RequestContext(request, route, params, request_id)
            resp = self._run(ctx, route, params)
        except _WzMethodNotAllowed as exc:
            resp = method_not_allowed(request, exc.valid_methods or [])
        except DomainError as exc:
            resp = error_response(exc.status, exc.detail, exc.headers)
        except Exception:
            log.exception("unhandled error", extra={"fields": {"path": request.path}})
            resp = error_response(500, f"Internal server error; reference {request_id}")
        status = resp.status_code
        resp.headers["X-Request-ID"] = request_id
        self.cors(request, resp)
        if ctx is not None and request.method in STATE_CHANGING:
            self._audit(ctx, status)
        metrics.observe(route_label, request.method, status, time.perf_counter() - started)
        return resp

    def _run(self, ctx: RequestContext, route: Route, params: dict) -> Response:
        request = ctx.request
        limit = settings().max_request_bytes
        if request.content_length is not None and request.content_length > limit:
            raise TooLarge(
                f"Request body is larger than {limit // (1024 * 1024)} MB. For large videos request a signed "
                "upload URL from POST /api/v1/files/upload-url, upload to it, then create the job with its upload_id"
            )
        request.max_content_length = limit
        if not route.public:
            ctx.principal = authenticate(_bearer(request))
            if ctx.principal.role not in (route.roles or ()):
                raise Forbidden(
                    f"Your role ({ctx.principal.role}) may not {route.summary[0].lower()}{route.summary[1:]}"
                )
        params_check(route, params, request.args)
        handler = self.resolve(route)
        try:
            return _to_response(handler(ctx, **params))
        except HTTPException as exc:  # werkzeug raised while parsing (e.g. body too large mid-stream)
            if exc.code == 413:
                raise TooLarge(
                    f"Request body is larger than {limit // (1024 * 1024)} MB; use POST /api/v1/files/upload-url"
                ) from None
            return error_response(exc.code or 400, exc.description or "Bad request")

    @staticmethod
    def cors(request: Request, resp: Response) -> None:
        origin = request.headers.get("Origin")
        if origin and origin in settings().cors_origins:
            resp.headers["Access-Control-Allow-Origin"] = origin
            resp.headers["Access-Control-Allow-Credentials"] = "true"
            resp.headers["Vary"] = "Origin"

    @staticmethod
    def _audit(ctx: RequestContext, status: int) -> None:
        try:
            record(ctx, status)
        except Exception:
            log.exception("audit write failed")


def function_dispatcher(function: str, handlers: dict) -> Dispatcher:
    """The dispatcher a function's main.py builds from its own module globals."""

    def resolve(route: Route) -> Callable:
        return handlers[route.handler]

    return Dispatcher(routes_for(function), resolve)


def all_routes() -> list[Route]:
    return list(ROUTES)
