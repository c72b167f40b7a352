"""Fixtures for tests that run against the Google Cloud emulators (Firestore, Pub/Sub, GCS,
Cloud Tasks). Import the fixtures you use into a test module:

    from tests.integration.emulators import gcp_emulators  # noqa: F401

`gcp_emulators` (session scope) starts the emulators that are not already answering with
scripts/emulators (so plain pytest works, and `scripts/emulators run -- pytest` reuses them),
sets their environment variables for the session, and stops what it started at the end. On a
machine without the Google Cloud CLI, Java or the emulator packages, the tests that use it are
skipped with the reason printed.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.machinery
import importlib.util
import json
import os
import uuid
from pathlib import Path

import pytest

from shared.processes import pid_alive

ROOT = Path(__file__).resolve().parents[2]


def emulators_module():
    """scripts/emulators loaded as a module (it is a stdlib-only Python script)."""
    loader = importlib.machinery.SourceFileLoader("avp_emulators_script", str(ROOT / "scripts" / "emulators"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@contextlib.contextmanager
def _locked(emu):
    """Serialises the start/stop bookkeeping of concurrent pytest sessions on one machine."""
    emu.state_dir().mkdir(parents=True, exist_ok=True)
    with open(emu.state_dir() / "tests.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield emu.state_dir() / "tests.json"
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def gcp_emulators():
    """The emulator environment ({VAR: value}); skips with a reason where they cannot run.

    Several pytest sessions may share the emulators: each registers itself, and the emulators
    test sessions started are stopped by the last session to finish, never under another's feet
    (emulators someone started by hand are left running)."""
    emu = emulators_module()
    reason = emu.missing_requirements()
    if reason:
        pytest.skip(f"Google Cloud emulator tests skipped: {reason}")
    with _locked(emu) as book:
        state = json.loads(book.read_text()) if book.exists() else {"sessions": [], "started": []}
        state["sessions"] = [p for p in state["sessions"] if pid_alive(p)] + [os.getpid()]
        state["started"] = sorted(set(state["started"]) | set(emu.start()))
        book.write_text(json.dumps(state))
    variables = emu.env()
    saved = {k: os.environ.get(k) for k in variables}
    os.environ.update(variables)
    try:
        yield variables
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        with _locked(emu) as book:
            state = json.loads(book.read_text()) if book.exists() else {"sessions": [], "started": []}
            state["sessions"] = [p for p in state["sessions"] if p != os.getpid() and pid_alive(p)]
            if not state["sessions"]:
                emu.stop(state["started"])
                state["started"] = []
            book.write_text(json.dumps(state))


def unique_project() -> str:
    """A fresh project id: every emulator keeps projects apart, so tests do not see each other."""
    return f"avp-test-{uuid.uuid4().hex[:12]}"
