"""The describe step's picture analysis, run while the transcribe step transcribes (decision 1210).

The local describer's `analyse(video, workdir, language)` (shared.media.describe: cuts, fades,
on-screen text, faces) needs nothing from the transcript, so the transcribe step starts it on a
thread next to the transcription (the second core) and stores its events in the job's working
files; DESCRIBING then only places and words them. The status machine does not change: the
events are an optional input of the describe step, which analyses the picture itself, as before,
whenever the stored events are missing, unreadable or stale.

  jobs/<id>/work/analysis.json   {"key": {...}, "language": "en", "events": [VisualEvent...]}

The key says what the events were made from: the source file's SHA-256, the describer's settings
(scene threshold, OCR interval and engine, people) and the code of the media modules. Stored
events are used only when their key equals the one the describe step computes now, so a changed
source, setting or analysis code is analysed again. Engines without a transcript-free analysis
(Gemini on gcp) are not precomputed.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from functools import cache
from pathlib import Path
from typing import Any

from shared import logs
from shared.media import describe as ad
from shared.media.types import VisualEvent
from shared.pipeline.contract import StepIO
from shared.storage.layout import job_path

ANALYSIS_JSON = "analysis.json"
JSON_TYPE = "application/json"

log = logs.get("avp.pipeline")


def analysis_path(job_id: str) -> str:
    return job_path(job_id, "work", ANALYSIS_JSON)


def analyser(describer) -> Any:
    """The describer's transcript-free analysis (`analyse`), or None when it has none."""
    return getattr(describer, "analyse", None)


@cache
def _media_code() -> str:
    """SHA-256 over the media modules' source (the analysis and everything it calls)."""
    digest = hashlib.sha256()
    for path in sorted(Path(ad.__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _settings(obj) -> dict:
    """The plain settings of an object (numbers, strings, booleans), for the key."""
    return {k: v for k, v in sorted(vars(obj).items()) if isinstance(v, (str, int, float, bool))}


def key_for(describer, video: Path) -> dict:
    """What an analysis of `video` by `describer` depends on."""
    reader = getattr(describer, "reader", None)
    return {
        "source_sha256": _file_sha256(video),
        "describer": type(describer).__name__,
        "settings": _settings(describer),
        "reader": {"type": type(reader).__name__, **_settings(reader)} if reader is not None else None,
        "code": _media_code(),
    }


def load(io: StepIO, key: dict) -> list[VisualEvent] | None:
    """The stored events when they were made with `key`, else None (missing, stale, unreadable)."""
    path = analysis_path(io.job["id"])
    if not io.exists(path):
        return None
    try:
        stored = json.loads(io.get_text(path))
        if stored.get("key") != key:
            return None
        return [VisualEvent(**e) for e in stored["events"]]
    except (ValueError, KeyError, TypeError):
        return None


def store(io: StepIO, key: dict, language: str, events: list[VisualEvent]) -> None:
    doc = {"key": key, "language": language, "events": [e.__dict__ for e in events]}
    io.put_text(analysis_path(io.job["id"]), json.dumps(doc, ensure_ascii=False), JSON_TYPE)


def worded(events: list[VisualEvent], language: str) -> list[VisualEvent]:
    """The events in `language`'s phrases (as the describer words them for that language)."""
    return [ad.sentence(e, language) for e in events]


class Background:
    """One analysis running on its own thread; `finish` waits for it and stores its events."""

    def __init__(self, describer, video: Path, workdir: Path, language: str, key: dict):
        self.key = key
        self.language = language
        self.events: list[VisualEvent] | None = None
        self.error: BaseException | None = None
        self.seconds = 0.0
        self._thread = threading.Thread(
            target=self._run, args=(describer, video, workdir, language), name="avp-picture-analysis", daemon=True
        )

    def _run(self, describer, video: Path, workdir: Path, language: str) -> None:
        started = time.monotonic()
        try:
            workdir.mkdir(parents=True, exist_ok=True)
            self.events = analyser(describer)(video, workdir, language)
        except BaseException as exc:  # reported by finish; the describe step analyses again
            self.error = exc
        finally:
            self.seconds = time.monotonic() - started

    def start(self) -> Background:
        self._thread.start()
        return self

    def finish(self, io: StepIO) -> bool:
        """Wait for the analysis and store it; True when stored. Never raises: without stored
        events the describe step analyses the picture itself."""
        waiting = time.monotonic()
        self._thread.join()
        logs.event(
            log,
            "picture analysis finished",
            job_id=io.job["id"],
            seconds=round(self.seconds, 2),
            waited=round(time.monotonic() - waiting, 2),  # the step's own work was done by then
            ok=self.events is not None,
        )
        if self.events is None:
            log.warning(
                "picture analysis failed; the describe step will analyse again",
                extra={"fields": {"job_id": io.job["id"], "error": type(self.error).__name__}},
            )
            return False
        try:
            store(io, self.key, self.language, self.events)
        except Exception:
            log.warning("picture analysis not stored", exc_info=True, extra={"fields": {"job_id": io.job["id"]}})
            return False
        return True


def start(io: StepIO, describer, video: Path, language: str) -> Background | None:
    """Start the analysis of `video` next to the caller's work, unless the describer has none
    or a fresh one is already stored (a retried transcribe step)."""
    if analyser(describer) is None:
        return None
    key = key_for(describer, video)
    if load(io, key) is not None:
        return None
    return Background(describer, video, io.workdir / "analysis", language, key).start()
