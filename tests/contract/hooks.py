"""Schemathesis hooks of the contract run (loaded through SCHEMATHESIS_HOOKS by fuzz_api).

A client sends a fresh Idempotency-Key with each distinct request; the fuzzer would otherwise
reuse one value (the documented example, or "0") for different bodies, which the API refuses
with 422 as the Idempotency-Key draft requires (that behaviour has its own integration test).
A valid generated key gets a unique suffix; an invalid one (empty, too long) is left as
generated so negative testing still sees it refused."""

from __future__ import annotations

import uuid

import schemathesis

MAX_KEY = 255


@schemathesis.hook
def before_call(context, case, kwargs):
    """Every request of every phase: a valid Idempotency-Key becomes unique to this request."""
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and 0 < len(key) <= MAX_KEY:
        headers["Idempotency-Key"] = f"{key[: MAX_KEY - 17]}-{uuid.uuid4().hex[:16]}"
        case.headers = headers
