"""The wire protocol of the WebSocket channels: close codes, message shapes and tunables.
Documented for clients in docs/decisions/0500-websocket-protocol.md."""

from __future__ import annotations

import json
import os

from shared.config import settings
from shared.domain.jobs import JobDocument
from shared.timestamps import now_iso

# Close codes (4000-4999 are reserved for applications by RFC 6455). A browser sees the code
# in CloseEvent.code; the HTTP status of a refused upgrade is invisible to it, so every
# refusal is an accepted handshake followed at once by a close frame, before any data.
BAD_REQUEST = 4400  # malformed query (e.g. `since` is not an ISO 8601 timestamp)
UNAUTHENTICATED = 4401  # missing or invalid token, or the account is disabled / gone
FORBIDDEN = 4403  # authenticated, but this organisation's stream is not yours
NOT_FOUND = 4404  # no such job/org, or one you may not see (as REST answers 404)
TOKEN_EXPIRED = 4408  # the access token expired (at connect or during the connection): refresh, reconnect
TOO_SLOW = 4429  # the client did not read its messages fast enough; reconnect with ?since=
GOING_AWAY = 1001  # the server instance is shutting down; reconnect
TRY_AGAIN_LATER = 1013  # too many connections (yours, or this instance's); retry with backoff
INTERNAL_ERROR = 1011  # unexpected server error; reconnect with backoff

CLOSE_CODES = {
    BAD_REQUEST: "bad request",
    UNAUTHENTICATED: "unauthenticated",
    FORBIDDEN: "forbidden",
    NOT_FOUND: "not found",
    TOKEN_EXPIRED: "token expired",
    TOO_SLOW: "client too slow",
    GOING_AWAY: "going away",
    TRY_AGAIN_LATER: "try again later",
    INTERNAL_ERROR: "internal error",
}

JOB_STATUS_UPDATE = "job_status_update"
NOTIFICATION = "notification"
PING = "ping"
NOTIFICATION_KINDS = frozenset({"feedback", "rejection", "assignment", "progress", "retry"})

# Only these fields of an event reach a client: events are internal and may carry more.
_EVENT_FIELDS = ("type", "job_id", "org_id", "status", "updated_at")
_NOTIFICATION_FIELDS = (
    "kind",
    "message",
    "lang",
    "assignee",
    "percent",
    "step",
    "stage",
    "attempt",
    "max_attempts",
    "delay_seconds",
)


def job_status_message(job: JobDocument) -> dict:
    """The current state of a job, as a `job_status_update` message."""
    return {
        "type": JOB_STATUS_UPDATE,
        "job_id": job["id"],
        "org_id": job.get("org_id"),
        "status": job.get("status"),
        "updated_at": job.get("updated_at"),
    }


def event_message(event: dict) -> dict | None:
    """The client message for an event, or None if the event is not for clients."""
    kind = event.get("type")
    if kind not in (JOB_STATUS_UPDATE, NOTIFICATION) or not event.get("job_id"):
        return None
    msg = {k: event.get(k) for k in _EVENT_FIELDS}
    if kind == NOTIFICATION:
        for k in _NOTIFICATION_FIELDS:
            if k in event:
                msg[k] = event[k]
    return msg


def ping_message() -> dict:
    return {"type": PING, "job_id": None, "status": None, "updated_at": now_iso()}


def dumps(message: dict) -> str:
    return json.dumps(message, separators=(",", ":"), default=str)


def text_frame(text: str) -> bytes:
    """A complete, unmasked WebSocket text frame (RFC 6455 5.2) as a server sends it. Built
    once per event and written to every subscriber's socket as is."""
    data = text.encode("utf-8")
    n = len(data)
    if n < 126:
        header = bytes((0x81, n))
    elif n < 65536:
        header = bytes((0x81, 126)) + n.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + n.to_bytes(8, "big")
    return header + data


def _tunable(name: str, env: str, default: float) -> float:
    extra = settings().extra or {}
    if name in extra:
        return float(extra[name])
    raw = os.environ.get(env)
    return float(raw) if raw not in (None, "") else default


def ping_seconds() -> float:
    """Interval of `ping` messages: under the 60 s idle timeouts common in proxies and load balancers."""
    return _tunable("ws_ping_seconds", "AVP_WS_PING_SECONDS", 25.0)


def poll_seconds() -> float:
    """How often the local event tailer looks for new events in the SQLite event log."""
    return _tunable("ws_poll_seconds", "AVP_WS_POLL_SECONDS", 0.02)


def max_connections() -> int:
    """WebSocket connections one process serves at once; beyond, the handshake answers 429 (or
    an admitted connection closes 1013). Each open socket holds a thread of its own: locally
    beside the small request pool (decision 1221), so the cap bounds those threads (200, or three
    quarters of AVP_HTTP_THREADS when set); on the Cloud Run service it stays below its thread
    count so /health always has threads left (1000 of 1100). With a thread count set in the
    environment (AVP_HTTP_THREADS / AVP_WS_THREADS) and no explicit cap, the cap is three
    quarters of the smallest of them."""
    threads = [int(v) for v in (os.environ.get("AVP_HTTP_THREADS"), os.environ.get("AVP_WS_THREADS")) if v]
    default = max(1, min(threads) * 3 // 4) if threads else 200
    return int(_tunable("ws_max_connections", "AVP_WS_MAX_CONNECTIONS", default))


def max_per_user() -> int:
    """WebSocket connections one user may hold in one process; beyond, close 1013."""
    return int(_tunable("ws_max_per_user", "AVP_WS_MAX_PER_USER", 20))


def queue_limit() -> int:
    """Messages a connection may have waiting before it is closed as too slow."""
    return int(_tunable("ws_queue_limit", "AVP_WS_QUEUE_LIMIT", 2000))


def since_limit() -> int:
    """Jobs sent as current state when an org channel is opened with ?since=."""
    return int(_tunable("ws_since_limit", "AVP_WS_SINCE_LIMIT", 1000))
