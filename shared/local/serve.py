"""`python -m shared.local.serve`: the whole platform on one machine, on a production WSGI
server (gunicorn, one process, threads), with the pipeline workers in the same process."""

from __future__ import annotations

import os
import sys

from shared import config
from shared.file_modes import private_dir
from shared.gunicorn_app import GunicornApp
from shared.local import worker as pipeline_worker
from shared.local.app import create_app
from shared.local.setup import ensure_first_admin
from shared.logs import GUNICORN_LOGCONFIG
from shared.realtime.hub import close_on_signals


def _post_worker_init(worker) -> None:
    close_on_signals()  # open WebSockets hear 1001 (going away) when the server stops
    if config.settings().backend != "local":
        return  # the emulators deliver step tasks over HTTP (shared.local.emulators)
    worker._avp_pipeline = pipeline_worker.start()  # noqa: SLF001


def _worker_exit(server, worker) -> None:
    stopper = getattr(worker, "_avp_pipeline", None)
    if stopper is not None:
        stopper()


def main() -> int:
    cfg = config.settings()
    private_dir(cfg.data_dir)
    created = ensure_first_admin()
    base = f"http://localhost:{cfg.port}"
    print(f"Data folder: {cfg.data_dir}")
    if created:
        email, generated = created
        print(f"Created the first ADMIN: {email}")
        if generated:
            print(f"  Generated password (shown once, change it after signing in): {generated}")
    print(f"Platform: {base}   API docs: {base}/docs   Health: {base}/health")
    print("Sign in: POST /api/v1/auth/login {email, password}.  Stop with Ctrl-C.", flush=True)
    threads = int(os.environ.get("AVP_HTTP_THREADS", "256"))
    options = {
        "bind": f"{os.environ.get('AVP_BIND', '127.0.0.1')}:{cfg.port}",
        "workers": 1,  # one process: the embedded queue workers and event tail live in it
        "worker_class": "gthread",
        "threads": threads,
        "worker_connections": max(1000, threads * 2),
        "timeout": 0,
        "graceful_timeout": 10,
        "keepalive": 5,
        "limit_request_line": 8190,  # gunicorn's maximum: long signed-URL and cursor query strings
        "accesslog": None,
        "loglevel": "warning",
        "logconfig_dict": GUNICORN_LOGCONFIG,
        "post_worker_init": _post_worker_init,
        "worker_exit": _worker_exit,
    }
    GunicornApp(create_app, options).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
