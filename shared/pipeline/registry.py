"""Which function runs each step. Production: "probe" (ffprobe validation) plus the media steps
of shared.pipeline.media_steps. `AVP_STEP_REGISTRY=module:attribute` selects another registry
(the synthetic no-media steps of the bench and fault tests); `override()` injects one in-process."""

from __future__ import annotations

import contextlib
import importlib
import os

from shared.pipeline import media_steps, probe_step
from shared.pipeline.contract import Step

_override: dict[str, Step] | None = None


def steps() -> dict[str, Step]:
    if _override is not None:
        return _override
    spec = os.environ.get("AVP_STEP_REGISTRY", "").strip()
    if spec:
        module, _, attr = spec.partition(":")
        return dict(getattr(importlib.import_module(module), attr or "STEPS"))
    return {**media_steps.STEPS, "probe": probe_step.run}


@contextlib.contextmanager
def override(registry: dict[str, Step]):
    """Use `registry` for every task run in this process until the block ends."""
    global _override
    previous, _override = _override, dict(registry)
    try:
        yield
    finally:
        _override = previous
