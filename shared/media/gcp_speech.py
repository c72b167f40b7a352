"""Speech-to-Text v2 transcription (gcp backend).

Up to SYNC_LIMIT seconds of audio goes inline to `recognize`; longer audio is uploaded to the
uploads bucket and sent to `batch_recognize` with an inline response. The request and the
response mapping are plain functions so they are unit-tested with the library's own types.
"""

from __future__ import annotations

import hashlib
import wave
from pathlib import Path

from shared.media.languages import with_region
from shared.media.types import Transcript, Word

SYNC_LIMIT = 55.0
MODEL = "long"


def _seconds(offset) -> float:
    if offset is None:
        return 0.0
    if hasattr(offset, "total_seconds"):  # proto-plus turns Duration into timedelta
        return float(offset.total_seconds())
    return float(getattr(offset, "seconds", 0)) + float(getattr(offset, "nanos", 0)) / 1e9


def recognition_config(language: str, sample_rate: int = 16000):
    from google.cloud.speech_v2 import types

    return types.RecognitionConfig(
        explicit_decoding_config=types.ExplicitDecodingConfig(
            encoding=types.ExplicitDecodingConfig.AudioEncoding.LINEAR16,
            sample_rate_hertz=sample_rate,
            audio_channel_count=1,
        ),
        language_codes=[with_region(language)],
        model=MODEL,
        features=types.RecognitionFeatures(
            enable_word_time_offsets=True, enable_automatic_punctuation=True, enable_word_confidence=True
        ),
    )


def recognize_request(project: str, location: str, language: str, pcm_wav: bytes):
    from google.cloud.speech_v2 import types

    return types.RecognizeRequest(
        recognizer=f"projects/{project}/locations/{location}/recognizers/_",
        config=recognition_config(language),
        content=pcm_wav,
    )


def batch_request(project: str, location: str, language: str, gcs_uri: str):
    from google.cloud.speech_v2 import types

    return types.BatchRecognizeRequest(
        recognizer=f"projects/{project}/locations/{location}/recognizers/_",
        config=recognition_config(language),
        files=[types.BatchRecognizeFileMetadata(uri=gcs_uri)],
        recognition_output_config=types.RecognitionOutputConfig(inline_response_config=types.InlineOutputConfig()),
    )


def words_from_results(results) -> list[Word]:
    """Words (best alternative) from SpeechRecognitionResult messages, in time order."""
    words: list[Word] = []
    for result in results:
        if not result.alternatives:
            continue
        best = result.alternatives[0]
        for w in best.words:
            if w.word.strip():
                words.append(
                    Word(
                        start=round(_seconds(w.start_offset), 3),
                        end=round(_seconds(w.end_offset), 3),
                        text=w.word.strip(),
                        probability=round(float(w.confidence or 0.0), 3),
                    )
                )
    return sorted(words, key=lambda w: w.start)


class SpeechV2Transcriber:
    def __init__(self, project: str, location: str = "global", bucket: str = ""):
        self.project = project
        self.location = location
        self.bucket = bucket
        self._client = None

    @classmethod
    def from_settings(cls, cfg) -> SpeechV2Transcriber:
        return cls(
            project=cfg.gcp_project, location=cfg.extra.get("speech_location", "global"), bucket=cfg.uploads_bucket
        )

    @property
    def client(self):
        if self._client is None:
            from google.cloud import speech_v2

            self._client = speech_v2.SpeechClient()
        return self._client

    def transcribe(self, wav16k: Path, language: str, progress=None) -> Transcript:
        with wave.open(str(wav16k), "rb") as f:
            duration = f.getnframes() / float(f.getframerate())
        data = wav16k.read_bytes()
        if duration <= SYNC_LIMIT:
            response = self.client.recognize(request=recognize_request(self.project, self.location, language, data))
            results = response.results
        else:
            from google.cloud import storage

            name = f"stt/{hashlib.sha256(data).hexdigest()[:32]}.wav"
            storage.Client(project=self.project).bucket(self.bucket).blob(name).upload_from_filename(str(wav16k))
            uri = f"gs://{self.bucket}/{name}"
            op = self.client.batch_recognize(request=batch_request(self.project, self.location, language, uri))
            response = op.result(timeout=1500)
            results = response.results[uri].transcript.results
        return Transcript(language=language, duration=duration, words=words_from_results(results))
