"""gunicorn embedded in a Python entry point (the local platform and the WebSocket service)."""

from __future__ import annotations

from collections.abc import Callable

from gunicorn.app.base import BaseApplication


class GunicornApp(BaseApplication):
    """Runs the WSGI app that `load_app()` returns with the given gunicorn settings."""

    def __init__(self, load_app: Callable, options: dict):
        self.load_app = load_app
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.load_app()
