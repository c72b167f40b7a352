"""Pydantic request/response models, one module per area. `resolve(name)` finds a model by
class name for the OpenAPI document (route rows name their models as strings, so importing
the route table stays cheap)."""

from __future__ import annotations

import importlib

MODULES = ("common", "auth", "users", "jobs", "files", "vtt", "language_qc", "glossaries", "webhooks")


def resolve(name: str):
    for mod in MODULES:
        model = getattr(importlib.import_module(f"shared.models.{mod}"), name, None)
        if model is not None:
            return model
    return None
