"""Fixtures of the end-to-end tests that run the pipeline inside the test process."""

from __future__ import annotations

import pytest

from shared.local.worker import Worker


@pytest.fixture
def worker(platform):
    """A local pipeline worker with every real step, polling every 0.05 s; stopped after."""
    w = Worker(poll_seconds=0.05).start()
    yield w
    w.stop()
