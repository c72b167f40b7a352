"""The local platform: one Flask app that serves every function at its public paths, the
local signed-URL file endpoints and the WebSocket paths."""

from __future__ import annotations

import importlib
import importlib.util

from flask import Flask, request
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule

from shared.http import CONVERTERS, Dispatcher, error_response, method_not_allowed
from shared.local import console
from shared.local import functions as fn
from shared.routes import ROUTES, werkzeug_rule


def create_app() -> Flask:
    app = Flask("avp-local")
    app.config["MAX_CONTENT_LENGTH"] = None
    present = set(fn.available())
    table = Map(
        [Rule(werkzeug_rule(r.path), methods=[r.method], endpoint=r.function) for r in ROUTES if r.function in present],
        strict_slashes=False,
        merge_slashes=False,
        converters=CONVERTERS,
    )

    _mount_extras(app)

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
            page = console.serve(request)
            if page is not None:
                return page
            return error_response(404, f"No such endpoint: {request.method} {request.path}")
        return fn.load(function).entry(request)

    return app


def _mount_extras(app: Flask) -> None:
    """Local-only endpoints: signed file URLs and WebSockets, when those modules exist."""
    for name in ("shared.storage.local_files", "shared.local.websocket_mount", "shared.local.emulators"):
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).register(app)
