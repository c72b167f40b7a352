"""espeak-ng speech (local and emulators backends): one voice per language, rate in words per
minute scaled from the voice's default 175."""

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


class EspeakSpeech:
    def __init__(self, binary: str = "espeak-ng"):
        self.binary = binary

    def voice(self, language: str) -> str:
        return VOICES.get(language.split("-")[0].lower(), language)

    def synthesize(self, text: str, language: str, out_wav: Path, rate: float = 1.0) -> float:
        wpm = int(round(BASE_WPM * rate))
        proc = subprocess.run(
            [self.binary, "-v", self.voice(language), "-s", str(wpm), "-w", str(out_wav), text],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"espeak-ng failed: {proc.stderr[-300:]}")
        return wav_duration(out_wav)
