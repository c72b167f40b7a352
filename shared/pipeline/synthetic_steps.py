"""Synthetic steps with no media work, for the orchestration bench and the fault tests
(select them with AVP_STEP_REGISTRY=shared.pipeline.synthetic_steps:STEPS).

Each step writes small deterministic files to the job's deterministic paths and returns the
output entries, like the real steps do. AVP_SYNTHETIC_STEP_SECONDS makes each step take that
long (in slices, checking cancellation) so a test can kill a worker in the middle of one."""

from __future__ import annotations

import hashlib
import os
import time

from shared.domain.jobs import JobDocument
from shared.pipeline.contract import Step, StepIO
from shared.storage.layout import ACCESSIBLE_MP4, CAPTIONS_VTT, DESCRIPTIONS_VTT, NARRATION, job_path


def _seconds() -> float:
    try:
        return float(os.environ.get("AVP_SYNTHETIC_STEP_SECONDS", "0") or 0)
    except ValueError:
        return 0.0


def content(job_id: str, lang: str, name: str) -> str:
    """The exact bytes a synthetic step writes for a file (tests compare against it)."""
    digest = hashlib.sha256(f"{job_id}/{lang}/{name}".encode()).hexdigest()
    return f"WEBVTT\n\nNOTE {name} {lang} {digest}\n"


def _work(io: StepIO) -> None:
    total = _seconds()
    if total <= 0:
        return
    slices = 5
    for i in range(slices):
        time.sleep(total / slices)
        io.progress((i + 1) * 100 / slices)
        if io.cancelled():
            return


def _write(io: StepIO, langs: list[str], names: list[tuple[str, str]], half: bool = False) -> dict:
    outputs: dict = {}
    job_id = io.job["id"]
    for n, lang in enumerate(langs):
        for key, name in names:
            path = job_path(job_id, lang, name)
            io.put_text(path, content(job_id, lang, name), "text/vtt")
            outputs.setdefault(lang, {})[key] = path
        if half and n == 0:
            _work(io)  # crash window between two writes of the same step
    return {"outputs": outputs}


def _langs(job: JobDocument) -> list[str]:
    out = [job["source_language"]]
    out += [lang for lang in job["requested_outputs"] if lang != job["source_language"]]
    return out


def probe(io: StepIO) -> dict:
    _work(io)
    return {"media": {"container": "mp4", "duration": 10.0}}


def transcribe(io: StepIO) -> dict:
    _work(io)
    return _write(io, [io.job["source_language"]], [("captions_vtt", CAPTIONS_VTT)])


def describe(io: StepIO) -> dict:
    _work(io)
    return _write(io, [io.job["source_language"]], [("descriptions_vtt", DESCRIPTIONS_VTT)])


def translate(io: StepIO) -> dict:
    targets = [lang for lang in _langs(io.job) if lang != io.job["source_language"]]
    return _write(io, targets, [("captions_vtt", CAPTIONS_VTT), ("descriptions_vtt", DESCRIPTIONS_VTT)], half=True)


def tts(io: StepIO) -> dict:
    return _write(io, _langs(io.job), [("narration", NARRATION)], half=True)


def render(io: StepIO) -> dict:
    result = _write(io, _langs(io.job), [("mp4", ACCESSIBLE_MP4)], half=True)
    result["vtt_changed_since_render"] = False
    return result


STEPS: dict[str, Step] = {
    "probe": probe,
    "transcribe": transcribe,
    "describe": describe,
    "translate": translate,
    "tts": tts,
    "render": render,
}
