"""The WebSocket service (Cloud Run): `WS /api/v1/ws/jobs/{id}` and `WS /api/v1/ws/org/{org_id}`,
plus `GET /health`. The channels are the same code the local platform mounts on
localhost:8003 (shared.realtime.flask_ws); see docs/decisions/0500-websocket-protocol.md and
0501-websocket-serving.md. Run it with `python serve.py` (the container's command).

`app` is built on first access (gunicorn loads it once per worker, when the service starts).
Flask is imported there, the project modules at the top."""

from __future__ import annotations

from shared.config import VERSION
from shared.realtime.flask_ws import register
from shared.realtime.hub import hub

_app = None


def create_app():
    from flask import Flask

    app = Flask("avp-websocket")
    register(app)

    @app.get("/health")
    def health():
        h = hub()
        return {
            "status": "healthy",
            "version": VERSION,
            "connections": h.subscriber_count(),
            "events": h.events_dispatched,
            "messages": h.messages_delivered,
            "direct": h.messages_direct,
        }

    return app


def __getattr__(name: str):
    global _app
    if name == "app":
        if _app is None:
            _app = create_app()
        return _app
    raise AttributeError(name)
