"""Cloud Text-to-Speech narration (gcp backend): LINEAR16 WAV at the requested speaking rate,
with a neural (Neural2) voice where Cloud TTS has one for the language (decision 0324);
Settings.extra["tts_voices"] overrides per language. The text goes in the request body, never
on a command line."""

from __future__ import annotations

import io
import wave
from pathlib import Path

from shared.media.languages import with_region

SAMPLE_RATE = 24000
# Neural voices for the default region of each language (shared.media.languages.with_region);
# elsewhere Cloud TTS chooses its default voice for the language.
NEURAL_VOICES = {
    "en": "en-US-Neural2-F",
    "es": "es-ES-Neural2-A",
    "fr": "fr-FR-Neural2-A",
    "it": "it-IT-Neural2-A",
}


def synthesis_request(text: str, language: str, rate: float, voice_name: str = ""):
    from google.cloud import texttospeech as tts

    voice = tts.VoiceSelectionParams(language_code=with_region(language), name=voice_name or None)
    return tts.SynthesizeSpeechRequest(
        input=tts.SynthesisInput(text=text),
        voice=voice,
        audio_config=tts.AudioConfig(
            audio_encoding=tts.AudioEncoding.LINEAR16, speaking_rate=rate, sample_rate_hertz=SAMPLE_RATE
        ),
    )


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data), "rb") as f:
        return f.getnframes() / float(f.getframerate())


class CloudSpeech:
    def __init__(self, voices: dict[str, str] | None = None):
        self.voices = voices or {}
        self._client = None

    @classmethod
    def from_settings(cls, cfg) -> CloudSpeech:
        return cls(voices=dict(cfg.extra.get("tts_voices", {})))

    @property
    def client(self):
        if self._client is None:
            from google.cloud import texttospeech

            self._client = texttospeech.TextToSpeechClient()
        return self._client

    def synthesize(self, text: str, language: str, out_wav: Path, rate: float = 1.0) -> float:
        voice = self.voices.get(language) or NEURAL_VOICES.get(language.split("-")[0].lower(), "")
        if voice and "-" in language and not voice.lower().startswith(language.lower()):
            voice = self.voices.get(language, "")  # a regional code (es-MX) keeps its own default
        request = synthesis_request(text, language, max(0.25, min(4.0, rate)), voice)
        response = self.client.synthesize_speech(request=request)
        out_wav.write_bytes(response.audio_content)  # LINEAR16 comes with its WAV header
        return wav_seconds(response.audio_content)
