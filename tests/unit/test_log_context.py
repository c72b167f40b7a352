"""Request ids and Cloud Logging trace fields: parsing the headers, and every line written while
the dispatcher handles a request carrying them."""

from __future__ import annotations

import io
import json
import logging

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from shared import logs
from shared.config import settings
from shared.http import Dispatcher
from shared.routes import Route

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def test_cloud_trace_context_header():
    fields = logs.trace_fields(f"{TRACE}/1234567;o=1", None, "proj-1")
    assert fields == {
        logs.TRACE_KEY: f"projects/proj-1/traces/{TRACE}",
        logs.SPAN_KEY: f"{1234567:016x}",
        logs.SAMPLED_KEY: True,
    }
    assert logs.trace_fields(TRACE, None, "p") == {logs.TRACE_KEY: f"projects/p/traces/{TRACE}"}


def test_traceparent_header_and_local_project():
    fields = logs.trace_fields(None, f"00-{TRACE}-00f067aa0ba902b7-00", "")
    assert fields == {
        logs.TRACE_KEY: f"projects/local/traces/{TRACE}",
        logs.SPAN_KEY: "00f067aa0ba902b7",
        logs.SAMPLED_KEY: False,
    }


def test_cloud_trace_context_wins_over_traceparent():
    other = "0af7651916cd43dd8448eb211c80319c"
    fields = logs.trace_fields(f"{TRACE}/1;o=0", f"00-{other}-00f067aa0ba902b7-01", "p")
    assert fields[logs.TRACE_KEY].endswith(TRACE)


@pytest.mark.parametrize(
    "cloud,parent",
    [
        ("", ""),
        ("not-a-trace", None),
        ("0" * 32 + "/1;o=1", None),
        (None, f"00-{'0' * 32}-00f067aa0ba902b7-01"),
        (None, f"00-{TRACE}-{'0' * 16}-01"),
        (None, "garbage\nnewline"),
    ],
)
def test_malformed_or_empty_traces_are_ignored(cloud, parent):
    assert logs.trace_fields(cloud, parent, "p") == {}


def test_request_id_kept_only_when_it_is_a_plain_token():
    assert logs.request_id_from("abc-123_x.y:z") == "abc-123_x.y:z"
    for bad in (None, "", "has space", "x" * 129, 'quote"', "new\nline"):
        generated = logs.request_id_from(bad)
        assert len(generated) == 32 and generated != bad


def _capture():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logging.getLogger().addHandler(handler)
    return stream, handler


def _dispatcher():
    log = logs.get("avp.test.logctx")

    def handler(ctx):
        log.info("first line")
        logs.event(log, "second line", step="x")
        return {"ok": True}

    route = Route("GET", "/t", "test", "h", None, "Test route", body="none", tag="test")
    return Dispatcher([route], lambda _r: handler)


def _lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if "avp.test.logctx" in line]


def test_every_line_of_a_request_carries_request_id_and_trace():
    stream, handler = _capture()
    try:
        env = EnvironBuilder(path="/t", headers={"X-Cloud-Trace-Context": f"{TRACE}/99;o=1"}).get_environ()
        resp = _dispatcher()(Request(env))
    finally:
        logging.getLogger().removeHandler(handler)
    assert resp.status_code == 200
    lines = _lines(stream)
    assert [line["message"] for line in lines] == ["first line", "second line"]
    for line in lines:
        assert line["request_id"] == resp.headers["X-Request-ID"]
        # the project is the configured one (the emulator tests of the same session set one)
        assert line[logs.TRACE_KEY] == f"projects/{settings().gcp_project or 'local'}/traces/{TRACE}"
        assert line[logs.SPAN_KEY] == f"{99:016x}"
        assert line[logs.SAMPLED_KEY] is True
    assert lines[1]["step"] == "x"
    # after the request, lines carry nothing of it
    assert logs.current_context() == {}


def test_caller_request_id_is_echoed_and_logged():
    stream, handler = _capture()
    try:
        env = EnvironBuilder(path="/t", headers={"X-Request-ID": "client-req-7"}).get_environ()
        resp = _dispatcher()(Request(env))
    finally:
        logging.getLogger().removeHandler(handler)
    assert resp.headers["X-Request-ID"] == "client-req-7"
    lines = _lines(stream)
    assert lines and all(line["request_id"] == "client-req-7" for line in lines)
    assert all(logs.TRACE_KEY not in line for line in lines)
