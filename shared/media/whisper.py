"""faster-whisper transcription and spoken-language identification (local and emulators
backends).

Models (shared.media.whisper_models, all shipped as PyPI packages, nothing downloaded):
Settings.whisper_model names the model ("base", "tiny.en", a folder or a cached model name);
empty (the default) is the multilingual base model, which measured better than tiny.en on
clean speech, under music and on brand names with hints (docs/decisions/0310). Language
identification always uses the multilingual base model. int8 on CPU.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from shared.errors import PermanentStepError
from shared.media import combined_passes, ffmpeg, speaker_change, whisper_models
from shared.media.types import LanguageGuess, Transcript, Word

# Segments Whisper itself flags as probably not speech, or decoded with very low confidence,
# are text over silence or music.
NO_SPEECH_PROB = 0.6
MIN_AVG_LOGPROB = -1.0
MAX_COMPRESSION_RATIO = 2.4
# Language identification: up to this many 30 s windows of speech (VAD-filtered), spread over
# the file, their language probabilities averaged; less speech than MIN_SPEECH_SECONDS is not
# enough to say.
LID_WINDOWS = 3
MIN_SPEECH_SECONDS = 1.0
HOTWORDS_MAX_CHARS = 200  # the hotwords prompt shares Whisper's 224-token prompt budget
# Fast speech (docs/decisions/0330, 0337): when the first pass hears more than FAST_WPM words
# per minute of speech (VAD speech time, pauses excluded), the audio is slowed down to about
# TARGET_WPM (never below MIN_TEMPO of its speed; sox's `tempo -s`, tuned for speech, keeps the
# pitch, ffmpeg's atempo where sox is missing) and decoded again; the two passes are combined
# word by word (shared.media.combined_passes), the slowed pass leading by SLOWED_LEAD of mean
# word probability. On the 3.4-minute fast case: atempo 10.7 % WER, sox 8.8-10.0 %, combined 7.5-8.1 %.
FAST_WPM = 220.0
TARGET_WPM = 165.0
MIN_TEMPO = 0.65
SLOWED_LEAD = 0.15
# The slowed pass decodes with a beam of 5 (only fast talkers pay for it): on the 3.4-minute
# fast case the slowed pass heard 13.2 % wrong with beam 1 and 10.7 % with beam 5 (0336).
FAST_BEAM_SIZE = 5

_models: dict[str, object] = {}
_lock = threading.Lock()


def default_model_path() -> str:
    """The model jobs use by default."""
    return whisper_models.resolve(whisper_models.BASE)


def _model(name: str, threads: int):
    key = f"{name}|{threads}"
    with _lock:
        if key not in _models:
            from faster_whisper import WhisperModel  # heavy: ctranslate2

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


def hotwords(hints: list[str] | None) -> str | None:
    """Glossary source terms as Whisper's hotwords prompt (longest first, deduplicated, within
    the prompt budget); None when there are none."""
    out: list[str] = []
    size = 0
    for term in sorted({" ".join(h.split()) for h in hints or [] if h.strip()}, key=lambda t: (-len(t), t)):
        if size + len(term) + 2 > HOTWORDS_MAX_CHARS:
            continue
        out.append(term)
        size += len(term) + 2
    return ", ".join(out) or None


def model_for(setting: str, language: str) -> str:
    """The model a language is transcribed with: the setting's, else the multilingual base."""
    return whisper_models.resolve(setting or whisper_models.BASE)


class FasterWhisperTranscriber:
    def __init__(self, model: str = "", threads: int = 2, beam_size: int = 1, fast_beam_size: int = FAST_BEAM_SIZE):
        self.model_setting = model
        self.threads = threads
        self.beam_size = beam_size
        self.fast_beam_size = fast_beam_size

    @classmethod
    def from_settings(cls, cfg) -> FasterWhisperTranscriber:
        return cls(
            model=cfg.whisper_model,
            threads=int(cfg.extra.get("whisper_threads", 2)),
            beam_size=int(cfg.extra.get("whisper_beam_size", 1)),
            fast_beam_size=int(cfg.extra.get("whisper_fast_beam_size", FAST_BEAM_SIZE)),
        )

    @property
    def languages(self) -> list[str]:
        """The languages the multilingual model transcribes (ISO 639-1)."""
        from faster_whisper.tokenizer import _LANGUAGE_CODES  # heavy package, light module

        return sorted(_LANGUAGE_CODES)

    def detect_language(self, wav16k: Path) -> LanguageGuess | None:
        """The spoken language and how sure the multilingual model is; None when the audio
        holds too little speech to tell."""
        import numpy as np
        from faster_whisper.audio import decode_audio, pad_or_trim
        from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

        model = _model(whisper_models.resolve(whisper_models.BASE), self.threads)
        audio = decode_audio(str(wav16k), sampling_rate=16000)
        chunks = get_speech_timestamps(audio, VadOptions(min_silence_duration_ms=500))
        speech_seconds = sum(c["end"] - c["start"] for c in chunks) / 16000.0
        if speech_seconds < MIN_SPEECH_SECONDS:
            return None
        speech = np.concatenate(collect_chunks(audio, chunks)[0])
        n = model.feature_extractor.n_samples
        count = max(1, min(LID_WINDOWS, len(speech) // n))
        starts = [0] if count == 1 else [round(i * (len(speech) - n) / (count - 1)) for i in range(count)]
        totals: dict[str, float] = {}
        for start in starts:
            window = speech[start : start + n]
            features = model.feature_extractor(window)[..., : model.feature_extractor.nb_max_frames]
            encoded = model.encode(pad_or_trim(features))
            for token, prob in model.model.detect_language(encoded)[0]:
                lang = token[2:-2]
                totals[lang] = totals.get(lang, 0.0) + prob / len(starts)
        ranked = sorted(totals.items(), key=lambda kv: -kv[1])
        return LanguageGuess(
            language=ranked[0][0],
            probability=round(ranked[0][1], 3),
            alternatives=[(lang, round(p, 3)) for lang, p in ranked[1:4]],
            speech_seconds=round(speech_seconds, 1),
            windows=len(starts),
        )

    def probability_of(self, guess: LanguageGuess, language: str) -> float:
        lang = language.split("-")[0].lower()
        if guess.language == lang:
            return guess.probability
        return dict(guess.alternatives).get(lang, 0.0)

    def transcribe(self, wav16k: Path, language: str, progress=None, hints: list[str] | None = None) -> Transcript:
        """`progress(fraction)` is called as segments are decoded (decoding is lazy). `hints`
        (glossary source terms) go to Whisper as hotwords."""
        lang = language.split("-")[0].lower()
        model = _model(model_for(self.model_setting, lang), self.threads)
        if not model.model.is_multilingual and lang != "en":
            raise PermanentStepError(
                f"The configured speech model only transcribes English, and this job's source language is "
                f"{language}; set AVP_WHISPER_MODEL to a multilingual model (or leave it empty)."
            )
        if model.model.is_multilingual and lang not in self.languages:
            raise PermanentStepError(f"The speech model does not know the language {language!r}.")
        words, dropped, duration = self._decode(model, wav16k, lang, hints, progress)
        rate = speaking_rate(len(words), speaker_change.wav_chunks(wav16k))
        if rate > FAST_WPM:
            tempo = max(MIN_TEMPO, TARGET_WPM / rate)
            slowed = slow_down(wav16k, tempo, wav16k.with_name(wav16k.stem + ".slowed.wav"))
            beam = max(self.beam_size, self.fast_beam_size)
            slow_words, slow_dropped, _ = self._decode(model, slowed, lang, hints, None, beam)
            words = combined_passes.combine([rescaled(w, tempo) for w in slow_words], words, SLOWED_LEAD)
            dropped = [
                d
                for d in [
                    {**d, "start": round(d["start"] * tempo, 3), "end": round(d["end"] * tempo, 3)}
                    for d in slow_dropped
                ]
                if not any(d["start"] <= (w.start + w.end) / 2 <= d["end"] for w in words)
            ]
        return Transcript(language=language, duration=duration, words=words, dropped=dropped)

    def _decode(
        self, model, wav: Path, lang: str, hints: list[str] | None, progress, beam_size: int | None = None
    ) -> tuple[list[Word], list[dict], float]:
        """(words, dropped segments, duration) of one decoding pass."""
        segments, info = model.transcribe(
            str(wav),
            language=lang,
            beam_size=beam_size or self.beam_size,
            word_timestamps=True,
            vad_filter=True,
            vad_parameters={"min_silence_duration_ms": 500},
            condition_on_previous_text=False,
            hotwords=hotwords(hints),
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
                add_word(words, w.word, float(w.start), float(w.end), float(w.probability))
        return words, dropped, float(info.duration)


def add_word(words: list[Word], raw: str, start: float, end: float, probability: float) -> None:
    """Appends Whisper's word `raw` (a new word starts with a space). A piece that continues
    the previous word after a hyphen or an apostrophe ("foot" + "-ball", "it" + "'s") is
    joined to it: written apart, the captions read "foot -ball"."""
    text = raw.strip()
    if not text:
        return
    if words and not raw[:1].isspace() and text[:1] in "-'’" and len(text) > 1 and text[1].isalnum():
        prev = words[-1]
        words[-1] = Word(prev.start, round(end, 3), prev.text + text, min(prev.probability, round(probability, 3)))
        return
    words.append(Word(round(start, 3), round(end, 3), text, round(probability, 3)))


def speaking_rate(words: int, chunks: list[tuple[int, int]], rate: int = speaker_change.RATE) -> float:
    """Words per minute of speech (the VAD's speech stretches; pauses do not count)."""
    seconds = sum(b - a for a, b in chunks) / rate
    return 60.0 * words / seconds if seconds >= 1.0 else 0.0


def rescaled(word: Word, tempo: float) -> Word:
    """A word decoded from audio slowed to `tempo` of its speed, timed back on the original."""
    return Word(round(word.start * tempo, 3), round(word.end * tempo, 3), word.text, word.probability, word.speaker)


def slow_down(wav16k: Path, tempo: float, out: Path) -> Path:
    """The audio played at `tempo` of its speed, pitch kept: sox's `tempo -s` (WSOLA tuned for
    speech), else ffmpeg's atempo. Sox measured 9.2 % WER on the fast case where atempo measured
    10.7 % (0337); ffmpeg's rubberband 11-13 % on the short fast case."""
    if shutil.which("sox"):
        ffmpeg.run(
            [
                "sox",
                "-q",
                "-D",
                str(wav16k),
                "-r",
                "16000",
                "-c",
                "1",
                "-b",
                "16",
                str(out),
                "tempo",
                "-s",
                f"{tempo:.4f}",
            ]
        )
        return out
    ffmpeg.ffmpeg(
        "-i", str(wav16k), "-af", f"atempo={tempo:.4f}", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", str(out)
    )
    return out
