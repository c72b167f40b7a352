"""The local platform: one Flask app that serves every function at its public paths, the
local signed-URL file endpoints, the WebSocket paths and the built web console (API paths
first, then the console with its single-page fallback)."""

from __future__ import annotations

import functools

from flask import Flask, Request, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from shared import logs
from shared.http import CONVERTERS, MATCHED_ROUTE, Dispatcher, error_response, method_not_allowed
from shared.local import console, emulators, file_routes
from shared.local import functions as fn
from shared.realtime import flask_ws
from shared.routes import ROUTES, werkzeug_rule

# Every method reaches the route table, so an undeclared one gets the JSON 405 with Allow.
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "CONNECT"]


@functools.cache
def route_table() -> Map:
    """The route table as one werkzeug Map, compiled once per process: compiling its rules is
    most of what create_app costs, and the tests create an app per test. Only ever bound."""
    return Map(
        [Rule(werkzeug_rule(r.path), methods=[r.method], endpoint=r) for r in ROUTES],
        strict_slashes=False,
        merge_slashes=False,
        converters=CONVERTERS,
    )


def create_app() -> Flask:
    app = Flask("avp-local")
    app.config["MAX_CONTENT_LENGTH"] = None
    table = route_table()

    file_routes.register(app)  # the signed URLs of LocalFiles
    flask_ws.register(app)  # /api/v1/ws/... as the Cloud Run service serves them
    emulators.register(app)  # delivery routes of the emulators backend (only on that backend)

    app.wsgi_app = FunctionRouter(app, table)  # type: ignore[method-assign]  # WSGI middleware, as Flask documents

    @app.route("/", defaults={"path": ""}, methods=ALL_METHODS)
    @app.route("/<path:path>", methods=ALL_METHODS)
    def dispatch(path):
        try:
            route, params = table.bind("localhost").match(request.path, method=request.method)
        except MethodNotAllowed as exc:
            resp = method_not_allowed(request, exc.valid_methods or [])
            Dispatcher.cors(request, resp)
            return resp
        except NotFound:
            page = console.serve(request)
            if page is not None:
                return page
            return error_response(404, f"No such endpoint: {request.method} {request.path}")
        request.environ[MATCHED_ROUTE] = (route, params)  # the function's dispatcher need not match again
        return fn.load(route.function).entry(request)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        """What Flask answers itself (a path no rule takes, a method it does not route, a malformed
        request) is JSON too; an unknown method gets the route table's Allow."""
        if exc.code == 405:
            try:
                allowed = table.bind("localhost").allowed_methods(request.path)
            except HTTPException:
                allowed = []
            if allowed:
                return method_not_allowed(request, allowed)
        if exc.code == 404:
            return error_response(404, f"No such endpoint: {request.method} {request.path!r}")
        return error_response(exc.code or 400, exc.description or exc.name)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        request_id = logs.request_id_from(request.headers.get("X-Request-ID"))
        logs.get("avp.local").exception("unhandled error", extra={"fields": {"request_id": request_id}})
        resp = error_response(500, f"Internal server error; reference {request_id}")
        resp.headers["X-Request-ID"] = request_id
        return resp

    return app


class FunctionRouter:
    """WSGI front of the local app: a request for a route of the table goes straight to its
    function's entry point (a Flask request inside the app context, as Cloud Functions calls
    it), without Flask's own routing and request context; anything else (local file URLs,
    WebSockets, emulator deliveries, unknown paths and methods) goes on to the Flask app."""

    def __init__(self, app: Flask, table: Map):
        self.app = app
        self.flask_wsgi = app.wsgi_app
        self.adapter = table.bind("localhost")  # matching by path and method only

    def __call__(self, environ, start_response):
        req = Request(environ)
        try:
            route, params = self.adapter.match(req.path, method=req.method)
        except (NotFound, MethodNotAllowed):
            return self.flask_wsgi(environ, start_response)
        environ[MATCHED_ROUTE] = (route, params)
        with self.app.app_context():
            response = fn.load(route.function).entry(req)
        return response(environ, start_response)
