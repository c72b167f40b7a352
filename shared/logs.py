"""Structured JSON-line logging that Cloud Logging reads as-is.

Every line written while a request is handled carries that request's id and, when the caller
sent a trace (`X-Cloud-Trace-Context` from Google's front ends, or W3C `traceparent`), the
`logging.googleapis.com/trace` / `spanId` / `trace_sampled` fields, so Cloud Logging groups a
request's lines under its trace. `request_context(...)` sets them for the current context
(thread or task); the dispatcher (shared.http) opens one per request."""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
import time
import uuid
from typing import Any

_configured = False

TRACE_KEY = "logging.googleapis.com/trace"
SPAN_KEY = "logging.googleapis.com/spanId"
SAMPLED_KEY = "logging.googleapis.com/trace_sampled"

# Fields every line of the current request carries (empty outside a request).
_context: contextvars.ContextVar[tuple] = contextvars.ContextVar("avp_log_context", default=())

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_CLOUD_TRACE = re.compile(r"^([0-9a-fA-F]{32})(?:/([0-9]{1,20}))?(?:;o=([01]))?$")
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def request_id_from(header: str | None) -> str:
    """The caller's X-Request-ID when it is a plain token (letters, digits, `._:-`, at most 128),
    otherwise a new one: a header never puts arbitrary text into the logs."""
    value = (header or "").strip()
    return value if _REQUEST_ID.match(value) else uuid.uuid4().hex


def trace_fields(cloud_trace: str | None, traceparent: str | None, project: str) -> dict:
    """Cloud Logging's trace fields from `X-Cloud-Trace-Context: TRACE/SPAN;o=1` or
    `traceparent: 00-TRACE-SPAN-FLAGS` (the first one that parses). Locally, without a
    project, the trace is named under `projects/local`."""
    trace = span = None
    sampled = None
    m = _CLOUD_TRACE.match((cloud_trace or "").strip())
    if m:
        trace, span_dec, flag = m.groups()
        if span_dec and int(span_dec) > 0:
            span = f"{int(span_dec):016x}"
        if flag is not None:
            sampled = flag == "1"
    else:
        m = _TRACEPARENT.match((traceparent or "").strip().lower())
        if m and m.group(1) != "0" * 32 and m.group(2) != "0" * 16:
            trace, span = m.group(1), m.group(2)
            sampled = bool(int(m.group(3), 16) & 1)
    if not trace or trace == "0" * 32:
        return {}
    fields: dict[str, Any] = {TRACE_KEY: f"projects/{project or 'local'}/traces/{trace.lower()}"}
    if span:
        fields[SPAN_KEY] = span
    if sampled is not None:
        fields[SAMPLED_KEY] = sampled
    return fields


@contextlib.contextmanager
def request_context(**fields):
    """Adds `fields` to every log line written inside the block (nested blocks add to it)."""
    merged = {**dict(_context.get()), **{k: v for k, v in fields.items() if v is not None}}
    token = _context.set(tuple(merged.items()))
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> dict:
    return dict(_context.get())


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "severity": record.levelname,
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(_context.get())  # (key, value) pairs of the current request
        fields = getattr(record, "fields", None)
        if fields:
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def setup() -> None:
    global _configured
    if _configured:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    _configured = True


def get(name: str) -> logging.Logger:
    setup()
    return logging.getLogger(name)


def event(logger: logging.Logger, message: str, level: int = logging.INFO, **fields) -> None:
    logger.log(level, message, extra={"fields": fields})


# gunicorn's own logger through the same JSON formatter (both gunicorn entry points use it).
GUNICORN_LOGCONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "shared.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "WARNING", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": ["console"], "propagate": False},
    },
}
