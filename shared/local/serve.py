"""`python -m shared.local.serve`: the whole platform on one machine, on a production WSGI
server (gunicorn, `AVP_HTTP_WORKERS` processes, default one per core, each with threads), with
the pipeline workers running in exactly one of them (shared.local.pipeline_once)."""

from __future__ import annotations

import gc
import os
import sys

from shared import bootstrap, config
from shared.file_modes import private_dir
from shared.gunicorn_app import GunicornApp
from shared.local import worker as pipeline_worker
from shared.local.app import create_app
from shared.local.gunicorn_worker import FairThreadWorker
from shared.local.pipeline_once import PipelineOnce
from shared.local.setup import ensure_first_admin
from shared.logs import GUNICORN_LOGCONFIG
from shared.realtime.hub import close_on_signals


def _post_worker_init(worker) -> None:
    # Everything loaded so far (modules, the app, the route tables) lives as long as the process:
    # out of the collector's sight, a full collection walks only what requests left behind
    # instead of pausing every request of the process for tens of milliseconds (decision 1220).
    gc.freeze()
    close_on_signals()  # open WebSockets hear 1001 (going away) when the server stops
    cfg = config.settings()
    if cfg.backend != "local":
        return  # the emulators deliver step tasks over HTTP (shared.local.emulators)
    lock = cfg.data_dir / "pipeline.lock"
    worker._avp_pipeline = PipelineOnce(lock, pipeline_worker.start).start()  # noqa: SLF001


def _post_fork(server, worker) -> None:
    # the server process opened the document store (first admin) before forking: each worker
    # opens its own SQLite connections rather than share the parent's
    bootstrap.reset()


def _worker_exit(server, worker) -> None:
    pipeline = getattr(worker, "_avp_pipeline", None)
    if pipeline is not None:
        pipeline.stop()


def http_workers() -> int:
    """Server processes: AVP_HTTP_WORKERS, default one per core."""
    raw = os.environ.get("AVP_HTTP_WORKERS", "")
    return max(1, int(raw)) if raw.strip() else max(1, os.cpu_count() or 1)


def request_threads() -> int:
    """Threads per process that run requests: AVP_HTTP_REQUEST_THREADS, default 2 (one runs
    Python while the other waits on SQLite or a socket; more only add GIL contention, decision
    1221). WebSockets do not use them."""
    raw = os.environ.get("AVP_HTTP_REQUEST_THREADS", "")
    return max(1, int(raw)) if raw.strip() else 2


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
    threads = int(os.environ.get("AVP_HTTP_THREADS", "256"))  # connections served at once, WebSockets included
    options = {
        "bind": f"{os.environ.get('AVP_BIND', '127.0.0.1')}:{cfg.port}",
        "workers": http_workers(),  # the pipeline runs in one of them; the WebSocket hub in each
        # gunicorn's threaded worker with a small FIFO request pool, WebSockets on threads of their
        # own and connections shared evenly between the processes (decision 1221)
        "worker_class": FairThreadWorker,
        "threads": request_threads(),
        "worker_connections": max(1000, threads * 2),
        "timeout": 0,
        "graceful_timeout": 10,
        "keepalive": 5,
        "limit_request_line": 8190,  # gunicorn's maximum: long signed-URL and cursor query strings
        "accesslog": None,
        "loglevel": "warning",
        "logconfig_dict": GUNICORN_LOGCONFIG,
        "post_fork": _post_fork,
        "post_worker_init": _post_worker_init,
        "worker_exit": _worker_exit,
    }
    FairThreadWorker.share_connections()  # before the fork: every process sees the others' load
    GunicornApp(create_app, options).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
