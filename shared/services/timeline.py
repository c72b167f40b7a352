"""The timeline picture of a job for the console: waveform peaks, spoken words, dialogue gaps,
scene changes and on-screen events, as the pipeline stored them in the job's work folder
(peaks and words by transcribe, gaps/scenes/events by describe). Caption and description cues
come from the VTT endpoints, where they are edited."""

from __future__ import annotations

import json
from typing import Any

from shared.auth.tokens import Principal
from shared.bootstrap import platform
from shared.errors import NotFound
from shared.ids import is_id
from shared.media.peaks import PEAKS_JSON
from shared.services.jobs import get_job_for
from shared.storage.layout import job_path

TRANSCRIPT_JSON = "transcript.json"  # as shared.pipeline.media_steps writes them
VISUAL_JSON = "visual.json"


def _work_json(job_id: str, name: str) -> dict[str, Any] | None:
    files = platform().files
    path = job_path(job_id, "work", name)
    if not files.exists(path):
        return None
    try:
        data = json.loads(files.get_bytes(path))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def timeline(principal: Principal, job_id: str) -> dict[str, Any]:
    """What the timeline draws; lanes the pipeline has not produced yet are empty."""
    if not is_id(job_id):
        raise NotFound("Job not found")
    job = get_job_for(principal, job_id)
    transcript = _work_json(job["id"], TRANSCRIPT_JSON) or {}
    visual = _work_json(job["id"], VISUAL_JSON) or {}
    media = job.get("media") or {}
    words = [
        {"start": float(w["start"]), "end": float(w["end"]), "text": str(w.get("text", ""))}
        for w in transcript.get("words") or []
        if isinstance(w, dict) and "start" in w and "end" in w
    ]
    events = [e for e in visual.get("events") or [] if isinstance(e, dict) and "time" in e]
    return {
        "job_id": job["id"],
        "duration": float(media.get("duration") or transcript.get("duration") or 0.0),
        "fps": float(media.get("fps") or 25.0),
        "peaks": _work_json(job["id"], PEAKS_JSON),
        "words": words,
        "gaps": [
            {"start": float(g["start"]), "end": float(g["end"])}
            for g in visual.get("gaps") or []
            if isinstance(g, dict) and "start" in g and "end" in g
        ],
        "scenes": [float(e["time"]) for e in events if e.get("kind") == "scene"],
        "events": [
            {"time": float(e["time"]), "kind": str(e.get("kind", "")), "text": str(e.get("text", ""))}
            for e in events
            if e.get("kind") != "scene"
        ],
    }
