"""Gemini on Vertex AI as the visual describer (gcp backend): same output contract as the
local describer, timed VisualEvents with one plain sentence each, and the same rules (decision
0322): never guess, quote only legible text, word text, people and fades with each language's
own phrases. The placement rules (shared.media.placement) apply to its events as to any.

The video goes inline when small, else by its gs:// URI (Settings.extra["source_gcs_uri"] is
not needed: the caller passes a local file, which is uploaded next to the job's files when it
exceeds INLINE_LIMIT)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from shared.media import describe, ocr
from shared.media.types import Transcript, VisualEvent

MODEL = "gemini-2.5-flash"
INLINE_LIMIT = 15 * 1024 * 1024

PROMPT = """You write audio description for blind and partially sighted viewers.
Watch the video and list only what is clearly visible and that the dialogue does not say.
Never guess: leave out anything you are not sure of (who a person is, what they feel, text
you cannot read completely). Kinds:
- "text": on-screen text that is fully legible and stays on screen; put the exact words in
  "value" (as written, no translation). Text you cannot read exactly: leave it out.
- "people": people coming into view; put how many in "value" (a number).
- "black" / "white": the picture fades or cuts to black / to white.
- "scene": a cut to a different place or shot.
- "description": an action or setting that matters to the story, one short plain sentence.
Write every "text" field as one short plain sentence in language "{language}". Give each
item's time in seconds from the start. Dialogue happens at these times (do not describe what
is heard): {speech}.
"""

KINDS = ("text", "people", "black", "white", "scene", "description")


def response_schema():
    from google.genai import types

    return types.Schema(
        type=types.Type.ARRAY,
        items=types.Schema(
            type=types.Type.OBJECT,
            required=["time", "kind", "text"],
            properties={
                "time": types.Schema(type=types.Type.NUMBER),
                "kind": types.Schema(type=types.Type.STRING, enum=list(KINDS)),
                "text": types.Schema(type=types.Type.STRING),
                "value": types.Schema(type=types.Type.STRING),
            },
        ),
    )


def speech_spans(transcript: Transcript, limit: int = 60) -> str:
    spans, cur = [], None
    for w in transcript.words:
        if cur and w.start - cur[1] < 1.0:
            cur[1] = w.end
        else:
            cur = [w.start, w.end]
            spans.append(cur)
    return ", ".join(f"{a:.1f}-{b:.1f}s" for a, b in spans[:limit]) or "none"


def events_from_response(text: str, duration: float, language: str = "en") -> list[VisualEvent]:
    """Parse the model's JSON under the local describer's contract: drop items without text or
    outside the video; quote on-screen text only when it is plausible (shared.media.ocr), and
    word text, people and fades with the language's own phrases (shared.media.describe), so
    every language of the job gets them in its own phrases too."""
    try:
        items = json.loads(text or "[]")
    except ValueError as exc:
        raise RuntimeError("Gemini returned no valid JSON") from exc
    events = []
    for item in items if isinstance(items, list) else []:
        try:
            t = float(item.get("time"))
        except (TypeError, ValueError, AttributeError):
            continue
        sentence = " ".join(str(item.get("text") or "").split())
        value = " ".join(str(item.get("value") or "").split())
        kind = item.get("kind") if item.get("kind") in KINDS else "description"
        if t < 0 or t > duration:
            continue
        if kind == "text":
            if not ocr.plausible(value):
                continue  # unreadable or garbled: say nothing rather than read it out
            events.append(describe.event(t, "text", ocr.normalise(value), language))
        elif kind == "people" and value.isdigit() and int(value) > 0:
            events.append(describe.event(t, "people", value, language))
        elif kind in ("black", "white", "scene"):
            events.append(describe.event(t, kind, "", language))
        elif kind in ("description", "people") and sentence:
            events.append(VisualEvent(round(t, 3), "description", sentence))
    return sorted(events, key=lambda e: e.time)


class GeminiDescriber:
    def __init__(self, project: str, location: str, model: str = MODEL, bucket: str = "", client=None):
        self.project = project
        self.location = location
        self.model = model
        self.bucket = bucket
        self._client = client

    @classmethod
    def from_settings(cls, cfg) -> GeminiDescriber:
        return cls(
            project=cfg.gcp_project,
            location=cfg.extra.get("gemini_location", cfg.gcp_region),
            model=cfg.extra.get("gemini_model", MODEL),
            bucket=cfg.uploads_bucket,
        )

    @property
    def client(self):
        if self._client is None:
            from google import genai

            self._client = genai.Client(vertexai=True, project=self.project, location=self.location)
        return self._client

    def _video_part(self, video: Path):
        from google.genai import types

        if video.stat().st_size <= INLINE_LIMIT:
            return types.Part.from_bytes(data=video.read_bytes(), mime_type="video/mp4")
        from google.cloud import storage  # type: ignore[attr-defined]  # namespace package, no stubs

        digest = hashlib.sha256(str(video.stat().st_size).encode() + video.read_bytes()[: 1 << 20]).hexdigest()[:32]
        name = f"gemini/{digest}.mp4"
        storage.Client(project=self.project).bucket(self.bucket).blob(name).upload_from_filename(str(video))
        return types.Part.from_uri(file_uri=f"gs://{self.bucket}/{name}", mime_type="video/mp4")

    def describe(self, video: Path, transcript: Transcript, workdir: Path, language: str) -> list[VisualEvent]:
        from google.genai import types

        prompt = PROMPT.format(language=language, speech=speech_spans(transcript))
        response = self.client.models.generate_content(
            model=self.model,
            contents=[self._video_part(video), prompt],
            config=types.GenerateContentConfig(
                temperature=0.2, response_mime_type="application/json", response_schema=response_schema()
            ),
        )
        return events_from_response(response.text, transcript.duration, language)
