"""Loads each functions/<name>/main.py the way Cloud Functions does, for the local server."""

from __future__ import annotations

import importlib.util
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS_DIR = ROOT / "functions"
_loaded: dict[str, object] = {}
_lock = threading.Lock()


def load(name: str):
    """The module of functions/<name>/main.py, imported once."""
    mod = _loaded.get(name)
    if mod is not None:
        return mod
    with _lock:
        if name not in _loaded:
            path = FUNCTIONS_DIR / name / "main.py"
            spec = importlib.util.spec_from_file_location(f"avp_function_{name}", path)
            if spec is None or spec.loader is None:
                raise ImportError(f"functions/{name}/main.py cannot be loaded")
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
            _loaded[name] = module
        return _loaded[name]
