"""Speech-to-Text v2 transcription (gcp backend).

Up to SYNC_LIMIT seconds of audio goes inline to `recognize`; longer audio is uploaded to the
uploads bucket and sent to `batch_recognize` with an inline response. The request and the
response mapping are plain functions so they are unit-tested with the library's own types.
"""

from __future__ import annotations

import hashlib
import wave
from pathlib import Path
from typing import Any

from shared.media.languages import normalize, with_region
from shared.media.types import LanguageGuess, Transcript, Word

SYNC_LIMIT = 55.0
MODEL = "long"
# Language identification: Chirp 2 with language_codes ["auto"] names the language of each
# result; it runs in regional endpoints only. The guess's probability is the share of the
# recognised speech time in the top language (Speech-to-Text gives no language probability).
LID_MODEL = "chirp_2"
LID_LOCATION = "us-central1"
LID_SECONDS = 50.0


def _seconds(offset) -> float:
    if offset is None:
        return 0.0
    if hasattr(offset, "total_seconds"):  # proto-plus turns Duration into timedelta
        return float(offset.total_seconds())
    return float(getattr(offset, "seconds", 0)) + float(getattr(offset, "nanos", 0)) / 1e9


PHRASE_BOOST = 10.0  # Speech-to-Text's boost scale is 0-20; 10 favours terms without forcing them
MAX_PHRASES = 500


def adaptation(hints: list[str] | None):
    """Glossary source terms as an inline phrase set (names and brand terms heard right); None
    without hints."""
    from google.cloud.speech_v2 import types

    phrases = [
        types.PhraseSet.Phrase(value=h, boost=PHRASE_BOOST)
        for h in dict.fromkeys(" ".join(h.split()) for h in hints or [] if h.strip())
    ][:MAX_PHRASES]
    if not phrases:
        return None
    return types.SpeechAdaptation(
        phrase_sets=[types.SpeechAdaptation.AdaptationPhraseSet(inline_phrase_set=types.PhraseSet(phrases=phrases))]
    )


def recognition_config(language: str, sample_rate: int = 16000, hints: list[str] | None = None):
    from google.cloud.speech_v2 import types

    return types.RecognitionConfig(
        adaptation=adaptation(hints),
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


def recognize_request(project: str, location: str, language: str, pcm_wav: bytes, hints: list[str] | None = None):
    from google.cloud.speech_v2 import types

    return types.RecognizeRequest(
        recognizer=f"projects/{project}/locations/{location}/recognizers/_",
        config=recognition_config(language, hints=hints),
        content=pcm_wav,
    )


def batch_request(project: str, location: str, language: str, gcs_uri: str, hints: list[str] | None = None):
    from google.cloud.speech_v2 import types

    return types.BatchRecognizeRequest(
        recognizer=f"projects/{project}/locations/{location}/recognizers/_",
        config=recognition_config(language, hints=hints),
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


def language_request(project: str, location: str, pcm_wav: bytes):
    from google.cloud.speech_v2 import types

    return types.RecognizeRequest(
        recognizer=f"projects/{project}/locations/{location}/recognizers/_",
        config=types.RecognitionConfig(
            explicit_decoding_config=types.ExplicitDecodingConfig(
                encoding=types.ExplicitDecodingConfig.AudioEncoding.LINEAR16,
                sample_rate_hertz=16000,
                audio_channel_count=1,
            ),
            language_codes=["auto"],
            model=LID_MODEL,
        ),
        content=pcm_wav,
    )


def guess_from_results(results) -> LanguageGuess | None:
    """The language of most recognised speech time (each result's span, from the end of the
    previous one), its share as the probability; None when nothing was recognised."""
    seconds: dict[str, float] = {}
    last = 0.0
    for r in results:
        end = _seconds(r.result_end_offset)
        text = r.alternatives[0].transcript.strip() if r.alternatives else ""
        if text and r.language_code:
            lang = normalize(r.language_code)
            seconds[lang] = seconds.get(lang, 0.0) + max(0.1, end - last)
        last = max(last, end)
    total = sum(seconds.values())
    if not total:
        return None
    ranked = sorted(seconds.items(), key=lambda kv: -kv[1])
    return LanguageGuess(
        language=ranked[0][0],
        probability=round(ranked[0][1] / total, 3),
        alternatives=[(lang, round(v / total, 3)) for lang, v in ranked[1:4]],
        speech_seconds=round(total, 1),
        windows=1,
    )


def _head_wav(wav16k: Path, seconds: float) -> bytes:
    """The first `seconds` of a PCM WAV, as WAV bytes."""
    import io

    with wave.open(str(wav16k), "rb") as f:
        params = f.getparams()
        frames = f.readframes(int(seconds * f.getframerate()))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setparams(params)
        w.writeframes(frames)
    return out.getvalue()


class SpeechV2Transcriber:
    def __init__(self, project: str, location: str = "global", bucket: str = "", lid_location: str = LID_LOCATION):
        self.project = project
        self.location = location
        self.bucket = bucket
        self.lid_location = lid_location
        self._client: Any = None  # speech_v2.SpeechClient, built on first use
        self._lid_client: Any = None

    @classmethod
    def from_settings(cls, cfg) -> SpeechV2Transcriber:
        return cls(
            project=cfg.gcp_project,
            location=cfg.extra.get("speech_location", "global"),
            bucket=cfg.uploads_bucket,
            lid_location=cfg.extra.get("speech_lid_location", LID_LOCATION),
        )

    def detect_language(self, wav16k: Path) -> LanguageGuess | None:
        """The language of the first LID_SECONDS of audio, by Chirp 2's automatic detection."""
        if self._lid_client is None:
            from google.api_core.client_options import ClientOptions
            from google.cloud import speech_v2

            self._lid_client = speech_v2.SpeechClient(
                client_options=ClientOptions(api_endpoint=f"{self.lid_location}-speech.googleapis.com")
            )
        request = language_request(self.project, self.lid_location, _head_wav(wav16k, LID_SECONDS))
        return guess_from_results(self._lid_client.recognize(request=request).results)

    @property
    def client(self):
        if self._client is None:
            from google.cloud import speech_v2

            self._client = speech_v2.SpeechClient()
        return self._client

    def transcribe(self, wav16k: Path, language: str, progress=None, hints: list[str] | None = None) -> Transcript:
        with wave.open(str(wav16k), "rb") as f:
            duration = f.getnframes() / float(f.getframerate())
        data = wav16k.read_bytes()
        if duration <= SYNC_LIMIT:
            response = self.client.recognize(
                request=recognize_request(self.project, self.location, language, data, hints)
            )
            results = response.results
        else:
            from google.cloud import storage  # type: ignore[attr-defined]  # namespace package, no stubs

            name = f"stt/{hashlib.sha256(data).hexdigest()[:32]}.wav"
            storage.Client(project=self.project).bucket(self.bucket).blob(name).upload_from_filename(str(wav16k))
            uri = f"gs://{self.bucket}/{name}"
            op = self.client.batch_recognize(request=batch_request(self.project, self.location, language, uri, hints))
            response = op.result(timeout=1500)
            results = response.results[uri].transcript.results
        return Transcript(language=language, duration=duration, words=words_from_results(results))
