"""The local platform: one Flask app that serves every function at its public paths, the
local signed-URL file endpoints and the WebSocket paths."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from shared.http import CONVERTERS, Dispatcher, error_response, method_not_allowed
from shared.local import emulators, file_routes
from shared.local import functions as fn
from shared.realtime import flask_ws
from shared.routes import ROUTES, werkzeug_rule


def create_app() -> Flask:
    app = Flask("avp-local")
    app.config["MAX_CONTENT_LENGTH"] = None
    table = Map(
        [Rule(werkzeug_rule(r.path), methods=[r.method], endpoint=r.function) for r in ROUTES],
        strict_slashes=False,
        merge_slashes=False,
        converters=CONVERTERS,
    )

    file_routes.register(app)  # the signed URLs of LocalFiles
    flask_ws.register(app)  # /api/v1/ws/... as the Cloud Run service serves them
    emulators.register(app)  # delivery routes of the emulators backend (only on that backend)

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])
    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])
    def dispatch(path):
        adapter = table.bind_to_environ(request.environ)
        try:
            function, _ = adapter.match(request.path, method=request.method)
        except MethodNotAllowed as exc:
            resp = method_not_allowed(request, exc.valid_methods or [])
            Dispatcher.cors(request, resp)
            return resp
        except NotFound:
            return error_response(404, f"No such endpoint: {request.method} {request.path}")
        return fn.load(function).entry(request)

    return app
