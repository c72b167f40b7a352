"""Serves functions/websocket/main.py with gunicorn: one process, one thread per connection
(gthread), enough threads for the connections one instance holds (AVP_WS_THREADS, default
1100: Cloud Run's maximum concurrency of 1000 plus health checks). On SIGTERM every connection
is closed with 1001 so clients reconnect to another instance at once.

    python functions/websocket/serve.py            # from the repository (AVP_PORT, default 8080)
    python serve.py                                # in the container, where shared/ sits beside it
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE if (HERE / "shared").is_dir() else HERE.parents[1]
for p in (str(ROOT), str(HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

from shared.gunicorn_app import GunicornApp  # noqa: E402
from shared.logs import GUNICORN_LOGCONFIG  # noqa: E402
from shared.realtime.hub import close_on_signals, hub  # noqa: E402


def _load_app():
    from main import app

    return app


def _post_worker_init(worker) -> None:
    close_on_signals()  # Cloud Run's SIGTERM: every client hears 1001 and reconnects elsewhere
    hub().start()  # subscribe to events now rather than on the first connection


def options() -> dict:
    threads = int(os.environ.get("AVP_WS_THREADS", "1100"))
    port = int(os.environ.get("PORT") or os.environ.get("AVP_PORT") or "8080")
    return {
        "bind": f"{os.environ.get('AVP_BIND', '0.0.0.0')}:{port}",
        "workers": 1,  # one hub and one event subscription per instance
        "worker_class": "gthread",
        "threads": threads,
        "worker_connections": threads * 2,
        "timeout": 0,
        "graceful_timeout": 8,  # Cloud Run allows 10 s after SIGTERM
        "keepalive": 5,
        "accesslog": None,  # the token is in the query string: never log request lines
        "loglevel": "warning",
        "logconfig_dict": GUNICORN_LOGCONFIG,
        "post_worker_init": _post_worker_init,
    }


def main() -> int:
    GunicornApp(_load_app, options()).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
