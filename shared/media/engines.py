"""The media engines of each backend behind four small ports.

| port        | local / emulators                     | gcp                               |
|-------------|---------------------------------------|-----------------------------------|
| transcriber | faster-whisper (shared.media.whisper) | Speech-to-Text v2 (gcp_speech)    |
| describer   | ffmpeg + RapidOCR + faces (describe)  | Gemini on Vertex AI (gemini)      |
| translator  | Apertium (apertium)                   | Translation v3 + glossaries       |
| speech      | Piper (en) / espeak-ng (tts)          | Cloud Text-to-Speech (gcp_tts)    |

Rendering is ffmpeg everywhere (shared.media.render). Engines are created on first use and
kept for warm invocations; no heavy import happens before that.
"""

from __future__ import annotations

import threading
from functools import cached_property
from pathlib import Path
from typing import Protocol

from shared.config import settings
from shared.media.apertium import ApertiumTranslator
from shared.media.describe import LocalDescriber
from shared.media.gcp_speech import SpeechV2Transcriber
from shared.media.gcp_translate import CloudTranslator
from shared.media.gcp_tts import CloudSpeech
from shared.media.gemini import GeminiDescriber
from shared.media.languages import supported_targets
from shared.media.tts import LocalSpeech
from shared.media.types import GlossaryTerm, LanguageGuess, Transcript, VisualEvent
from shared.media.whisper import FasterWhisperTranscriber


class Transcriber(Protocol):
    def transcribe(self, wav16k: Path, language: str, progress=None, hints: list[str] | None = None) -> Transcript:
        """Words with timings from 16 kHz mono PCM audio; the caller runs
        shared.media.transcript.clean on the result. `progress(fraction)` is optional;
        `hints` are terms to favour (glossary source terms)."""

    def detect_language(self, wav16k: Path) -> LanguageGuess | None:
        """The spoken language and the model's probability; None when there is too little
        speech to tell."""


class Describer(Protocol):
    def describe(self, video: Path, transcript: Transcript, workdir: Path, language: str) -> list[VisualEvent]:
        """What is seen, as timed events with a plain-sentence text each (kind 'scene',
        'text' or 'description'). Placement in dialogue gaps is done by the caller."""


class Translator(Protocol):
    def translate(
        self, texts: list[str], source: str, target: str, glossary: list[GlossaryTerm] | None = None
    ) -> list[str]:
        """One output per input, in order. Glossary placeholders (shared.media.glossary)
        may appear in texts and must come back unchanged."""


class Speech(Protocol):
    def synthesize(self, text: str, language: str, out_wav: Path, rate: float = 1.0) -> float:
        """Speak text into out_wav (mono PCM) at `rate` x the voice's natural speed; return
        the audio duration in seconds."""


class Engines:
    """The engine set of one backend; each engine is built lazily."""

    def __init__(self, cfg):
        self.settings = cfg
        self.backend = cfg.backend

    @property
    def cloud(self) -> bool:
        return self.backend == "gcp"

    @cached_property
    def transcriber(self) -> Transcriber:
        if self.cloud:
            return SpeechV2Transcriber.from_settings(self.settings)
        return FasterWhisperTranscriber.from_settings(self.settings)

    @cached_property
    def describer(self) -> Describer:
        if self.cloud:
            return GeminiDescriber.from_settings(self.settings)
        return LocalDescriber.from_settings(self.settings)

    @cached_property
    def translator(self) -> Translator:
        if self.cloud:
            return CloudTranslator.from_settings(self.settings)
        return ApertiumTranslator()

    @cached_property
    def speech(self) -> Speech:
        if self.cloud:
            return CloudSpeech.from_settings(self.settings)
        return LocalSpeech.from_settings(self.settings)

    def supported_targets(self, source_language: str) -> list[str]:
        return supported_targets(source_language)


_engines: Engines | None = None
_lock = threading.Lock()


def engines() -> Engines:
    """The process-wide engines for the current settings (local and emulators share the offline
    engines); each engine is built on first use and kept for warm invocations. Only the
    pipeline's media steps use them, so the API functions never import the engines' modules."""
    global _engines
    cfg = settings()
    current = _engines
    if current is None or current.settings is not cfg:
        with _lock:
            if _engines is None or _engines.settings is not cfg:
                _engines = Engines(cfg)
            current = _engines
    return current
