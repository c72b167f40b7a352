"""Mounts the WebSocket channels on the local platform (shared/local/app.py calls `register`)."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from shared.realtime.flask_ws import register as register_ws

    register_ws(app)
