"""Serves the built web console (`web/dist`) on the local platform, same origin as the API.

API and WebSocket paths keep precedence: `shared/local/app.py` asks this module only after the
route table found nothing. Files under `web/dist` are served as they are (hashed assets cached
for a year); any other GET of a console route gets `index.html` so the console's own router
shows the screen (a reload on /jobs/<id> works). Every console response carries a strict
Content-Security-Policy: scripts and styles only from this origin, no inline script."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Request, Response, send_file

from shared.http import error_response

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "web" / "dist"

# Paths that are never console routes: an unknown one there is an API 404, not index.html.
_API_PREFIXES = ("/api", "/health", "/metrics", "/openapi.json", "/docs", "/_files", "/_emulators")


def content_security_policy(extra_origins: tuple[str, ...] = ()) -> str:
    """The console's CSP. `extra_origins` are where signed URLs point (GCS in the cloud)."""
    extra = "".join(f" {o}" for o in extra_origins)
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:" + extra,
            "media-src 'self' blob:" + extra,
            "connect-src 'self'" + extra,
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def _secure(resp: Response) -> Response:
    resp.headers["Content-Security-Policy"] = content_security_policy()
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Referrer-Policy"] = "same-origin"
    resp.headers["X-Frame-Options"] = "DENY"
    return resp


def is_console_path(path: str) -> bool:
    return not any(path == p or path.startswith(p + "/") for p in _API_PREFIXES)


def serve(request: Request) -> Response | None:
    """The console's answer to `request`, or None when it is not a console request."""
    if request.method not in ("GET", "HEAD") or not is_console_path(request.path):
        return None
    index = DIST / "index.html"
    if not index.is_file():
        return error_response(
            404, "The web console is not built: run ./scripts/setup (it runs npm ci && npm run build in web/)"
        )
    rel = request.path.lstrip("/")
    target = (DIST / rel).resolve() if rel else index
    if rel and target.is_file() and target.is_relative_to(DIST.resolve()):
        resp = send_file(target, mimetype=mimetypes.guess_type(target.name)[0], conditional=True)
        if rel.startswith("assets/"):
            resp.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return _secure(resp)
    if rel.startswith("assets/") or Path(rel).suffix:
        return _secure(error_response(404, f"No such console file: /{rel}"))
    resp = send_file(index, mimetype="text/html", conditional=True)
    resp.headers["Cache-Control"] = "no-cache"
    return _secure(resp)
