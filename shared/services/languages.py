"""The languages a job may use, for the console's create-job form: source languages the platform
translates from, and the output languages one source may request (the same rule job creation
enforces, `shared.media.languages.supported_targets`)."""

from __future__ import annotations

from typing import Any

from shared.media.languages import normalize, supported_targets

# Languages offered as a job's source when they translate into something (BCP-47 primary tags).
CANDIDATE_SOURCES = (
    "af", "an", "ast", "bg", "br", "ca", "cs", "cy", "da", "de", "en", "eo", "es", "eu", "fr", "ga", "gl",
    "hi", "id", "is", "it", "kk", "mk", "ms", "mt", "nb", "nl", "nn", "oc", "pl", "pt", "ro", "ru", "sc",
    "sk", "sv", "tr", "tt", "uk", "ur",
)  # fmt: skip


def catalogue(source: str | None) -> dict[str, Any]:
    """`{"source", "sources", "targets"}`: `targets` are the outputs `source` (default en) may
    request, itself included; `sources` are the languages with at least one translation."""
    src = normalize(source or "en")
    sources = sorted({c for c in CANDIDATE_SOURCES if len(supported_targets(c)) > 1} | {"en", src})
    return {"source": src, "sources": sources, "targets": supported_targets(src)}
